"""The data model of one grading run: every result, a summary, a stamp, copy flags.

Every output (terminal, JSON, CSV, XLSX, HTML, the class report) renders a
:class:`Gradebook`; :meth:`Gradebook.to_dict` is the JSON contract of ``grader grade --json``
and :meth:`Gradebook.from_dict` reads it back for ``grader report``.
"""

from __future__ import annotations

import multiprocessing
import statistics
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import pandas as pd

from grader import engine
from grader.collect import Submission
from grader.model import CheckResult, Note, SubmissionResult, round_points
from grader.spec import spec_hash

__all__ = [
    "Entry",
    "ExerciseSummary",
    "Gradebook",
    "Stamp",
    "Summary",
    "build_gradebook",
    "copy_flag",
    "grade_submissions",
]

Progress = Callable[[Submission], None]


def copy_flag(other: str) -> str:
    """The flag text put on a submission that matches another student's variant."""
    return f"与学号 {other} 的数据版本一致，疑似抄袭"


@dataclass
class Entry:
    """One graded (or ungradable) file with what the run found beyond its checks."""

    result: SubmissionResult
    """The engine's result (status ``error`` with a reason when the file could not be graded)."""
    sha256: str = ""
    """SHA-256 of the submitted bytes (empty when none could be read)."""
    flags: list[str] = field(default_factory=list)
    """Run-level findings, e.g. ``与学号 X 的数据版本一致，疑似抄袭``."""

    @property
    def key(self) -> tuple[str, str, str]:
        r = self.result
        return (r.student or "", r.exercise or "", r.file)


@dataclass
class ExerciseSummary:
    """Statistics of one exercise over the run."""

    exercise: str
    title: str
    files: int
    graded: int
    errors: int
    max_score: float
    mean: float | None
    median: float | None
    minimum: float | None
    maximum: float | None
    full_marks: int
    flagged: int


@dataclass
class Summary:
    """Counts over the whole run."""

    files: int
    graded: int
    errors: int
    students: int
    flagged: int
    exercises: list[ExerciseSummary]


@dataclass
class Stamp:
    """What produced the gradebook, so a result can be reproduced and audited."""

    grader_version: str
    pandas_version: str
    exercise_hashes: dict[str, str]
    """Exercise id → SHA-256 over its folder (spec, solution …)."""
    input_sha256: dict[str, str]
    """Submitted file → SHA-256 of its bytes."""
    created_at: str = ""
    """UTC time of the run (ISO 8601); varies, so goldens leave it out."""


@dataclass
class Gradebook:
    """Results, summary and stamp of one ``grader grade`` run."""

    entries: list[Entry]
    summary: Summary
    stamp: Stamp
    titles: dict[str, str] = field(default_factory=dict)
    """Exercise id → Chinese title, for column headers."""

    @property
    def ok(self) -> bool:
        """True when every file was graded."""
        return all(e.result.status == "graded" for e in self.entries)

    @property
    def students(self) -> list[str]:
        return sorted({e.result.student for e in self.entries if e.result.student})

    @property
    def exercises(self) -> list[str]:
        return sorted({e.result.exercise for e in self.entries if e.result.exercise})

    # ------------------------------------------------------------------ JSON contract
    def to_dict(self) -> dict[str, Any]:
        return {
            "results": [_entry_to_dict(e) for e in self.entries],
            "summary": _summary_to_dict(self.summary),
            "stamp": {
                "grader_version": self.stamp.grader_version,
                "pandas_version": self.stamp.pandas_version,
                "exercise_hashes": dict(sorted(self.stamp.exercise_hashes.items())),
                "input_sha256": dict(sorted(self.stamp.input_sha256.items())),
                "created_at": self.stamp.created_at,
            },
            "titles": dict(sorted(self.titles.items())),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Gradebook:
        """Read back :meth:`to_dict` output; raises ``ValueError`` (Chinese) when it is not one."""
        if not isinstance(data, Mapping) or not isinstance(data.get("results"), list):
            raise ValueError("不是 grader grade --json 生成的成绩文件（缺少 results 列表）")
        try:
            entries = [_entry_from_dict(r) for r in data["results"]]
            stamp_data = data.get("stamp") or {}
            stamp = Stamp(
                grader_version=str(stamp_data.get("grader_version", "")),
                pandas_version=str(stamp_data.get("pandas_version", "")),
                exercise_hashes=dict(stamp_data.get("exercise_hashes") or {}),
                input_sha256=dict(stamp_data.get("input_sha256") or {}),
                created_at=str(stamp_data.get("created_at", "")),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"成绩文件格式不对（{type(exc).__name__}: {exc}）") from None
        titles = dict(data.get("titles") or {})
        return cls(entries, summarise(entries, titles), stamp, titles)


def _entry_to_dict(entry: Entry) -> dict[str, Any]:
    r = entry.result
    return {
        "file": r.file,
        "student": r.student,
        "exercise": r.exercise or None,
        "status": r.status,
        "score": r.score,
        "max_score": r.max_score,
        "checks": [
            {"name": c.name, "passed": c.passed, "points": c.points, "max_points": c.max_points,
             "message": c.message, "details": list(c.details)}
            for c in r.checks
        ],
        "notes": [n.message for n in r.notes],
        "error": r.error,
        "flags": list(entry.flags),
        "answer_digest": r.answer_digest,
    }


def _entry_from_dict(d: Mapping[str, Any]) -> Entry:
    checks = [
        CheckResult(
            name=str(c["name"]), passed=bool(c["passed"]), points=float(c["points"]),
            max_points=float(c["max_points"]), message=str(c.get("message", "")),
            details=[str(d) for d in c.get("details") or []],
        )
        for c in d.get("checks") or []
    ]
    notes = [Note(code="", message=str(n)) for n in d.get("notes") or []]
    status = "graded" if d.get("status") == "graded" else "error"
    result = SubmissionResult(
        file=str(d["file"]), student=d.get("student"), exercise=d.get("exercise") or "",
        status=status, score=float(d.get("score") or 0.0), max_score=float(d.get("max_score") or 0.0),
        checks=checks, notes=notes, error=d.get("error"), answer_digest=d.get("answer_digest"),
    )
    return Entry(result, sha256="", flags=[str(f) for f in d.get("flags") or []])


def _summary_to_dict(s: Summary) -> dict[str, Any]:
    return {
        "files": s.files, "graded": s.graded, "errors": s.errors, "students": s.students,
        "flagged": s.flagged,
        "exercises": {
            e.exercise: {
                "title": e.title, "files": e.files, "graded": e.graded, "errors": e.errors,
                "max_score": e.max_score, "mean": e.mean, "median": e.median, "min": e.minimum,
                "max": e.maximum, "full_marks": e.full_marks, "flagged": e.flagged,
            }
            for e in s.exercises
        },
    }


def summarise(entries: list[Entry], titles: Mapping[str, str]) -> Summary:
    """Counts and per-exercise score statistics."""
    per: dict[str, list[Entry]] = {}
    for e in entries:
        if e.result.exercise:
            per.setdefault(e.result.exercise, []).append(e)
    exercises = []
    for ex, group in sorted(per.items()):
        graded = [e.result for e in group if e.result.status == "graded"]
        scores = [r.score for r in graded]
        exercises.append(ExerciseSummary(
            exercise=ex, title=titles.get(ex, ex), files=len(group), graded=len(graded),
            errors=len(group) - len(graded),
            max_score=max((e.result.max_score for e in group), default=0.0),
            mean=round_points(statistics.fmean(scores)) if scores else None,
            median=round_points(statistics.median(scores)) if scores else None,
            minimum=min(scores) if scores else None, maximum=max(scores) if scores else None,
            full_marks=sum(1 for r in graded if r.max_score > 0 and r.score >= r.max_score),
            flagged=sum(1 for e in group if e.flags),
        ))
    graded_n = sum(1 for e in entries if e.result.status == "graded")
    return Summary(
        files=len(entries), graded=graded_n, errors=len(entries) - graded_n,
        students=len({e.result.student for e in entries if e.result.student}),
        flagged=sum(1 for e in entries if e.flags), exercises=exercises,
    )


# ---------------------------------------------------------------------- grading


def _error_result(sub: Submission, message: str, spec: Any = None) -> SubmissionResult:
    return SubmissionResult(file=sub.file, student=sub.student, exercise=sub.exercise or "",
                            status="error", error=message,
                            max_score=round_points(spec.max_score) if spec is not None else 0.0)


def _grade_one(spec: Any, sub: Submission, student: str | None) -> SubmissionResult:
    try:
        result = engine.grade_bytes(spec, sub.name, sub.data or b"", student)
    except Exception as exc:  # fail closed: an engine bug is an error row, never a traceback
        return _error_result(
            sub, f"评分程序内部出错（{type(exc).__name__}），该文件未评分；请把文件发给课程维护者。", spec)
    result.file = sub.file
    return result


def _full_marks(r: SubmissionResult) -> bool:
    return r.status == "graded" and r.max_score > 0 and r.score >= r.max_score and r.passed


def _grade_group(items: list[tuple[int, Any, Submission]]) -> list[tuple[int, SubmissionResult]]:
    """Grade one student's submissions (in a worker process: that student's data is generated once)."""
    return [(index, _grade_one(spec, sub, sub.student)) for index, spec, sub in items]


def _graded_in_parallel(
    work: list[tuple[int, Any, Submission]], jobs: int, progress: Progress | None
) -> dict[int, SubmissionResult]:
    """Results by index, grading each student's files together in ``jobs`` processes; never raises.

    Whatever a crashed worker (or a platform without processes) leaves out is missing from the result;
    the caller grades those files in this process.
    """
    groups: dict[str | None, list[tuple[int, Any, Submission]]] = {}
    for item in work:
        groups.setdefault(item[2].student, []).append(item)
    done: dict[int, SubmissionResult] = {}
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            futures = {pool.submit(_grade_group, group): group for group in groups.values()}
            for future in as_completed(futures):
                try:
                    done.update(future.result())
                except Exception:  # a crashed worker: its files are graded by the caller
                    continue
                if progress is not None:
                    for _index, _spec, sub in futures[future]:
                        progress(sub)
    except (OSError, ValueError):  # no fork on this platform, or no processes allowed
        pass
    return done


def grade_submissions(
    subs: Iterable[Submission],
    specs: Mapping[str, Any],
    *,
    progress: Progress | None = None,
    jobs: int = 1,
) -> list[Entry]:
    """Grade each submission against its own student's variant; never raises.

    ``jobs`` > 1 grades different students' files in that many processes (same results, same order).
    """
    subs = list(subs)
    results: dict[int, SubmissionResult] = {}
    work: list[tuple[int, Any, Submission]] = []
    for index, sub in enumerate(subs):
        if sub.error is not None:
            results[index] = _error_result(sub, sub.error, specs.get(sub.exercise or ""))
        elif sub.exercise not in specs:
            results[index] = _error_result(sub, f"练习 {sub.exercise} 不存在；用 grader list 查看可用的练习编号。")
        else:
            work.append((index, specs[sub.exercise], sub))
            continue
        if progress is not None:
            progress(sub)
    students = {item[2].student for item in work}
    if jobs > 1 and len(students) > 1:
        results.update(_graded_in_parallel(work, min(jobs, len(students)), progress))
    for index, spec, sub in work:
        if index not in results:
            results[index] = _grade_one(spec, sub, sub.student)
            if progress is not None:
                progress(sub)
    entries: list[Entry] = []
    for index, sub in enumerate(subs):
        result = results[index]
        for note in sub.notes:
            result.notes.append(Note(code="collect", message=note))
        entries.append(Entry(result, sha256=sub.sha256))
    return entries


def flag_copies(
    entries: list[Entry],
    subs_by_file: Mapping[str, Submission],
    specs: Mapping[str, Any],
    roster: Iterable[str] = (),
) -> None:
    """Flag submissions that are wrong for their own variant but full marks for another's.

    Candidates are the other 学号 of the same exercise in this run plus ``roster``. A cheap
    pre-filter compares answer digests with each candidate's reference digest when the engine
    offers one; the flag itself is always confirmed by grading against that variant.
    """
    roster = sorted(set(roster))
    by_ex: dict[str, set[str]] = {}
    for e in entries:
        if e.result.status == "graded" and e.result.exercise and e.result.student:
            by_ex.setdefault(e.result.exercise, set()).add(e.result.student)
    engine_digest = _reference_digest_fn()
    digests: dict[tuple[str, str], str | None] = {}

    def digest_of(spec: Any, student: str) -> str | None:
        key = (spec.id, student)
        if key not in digests and engine_digest is not None:
            digests[key] = engine_digest(spec, student)
        return digests.get(key)

    for e in entries:
        r = e.result
        if r.status != "graded" or _full_marks(r) or r.exercise not in specs:
            continue
        sub = subs_by_file.get(r.file)
        if sub is None or sub.data is None:
            continue
        spec = specs[r.exercise]
        candidates = sorted((by_ex.get(r.exercise, set()) | set(roster)) - {r.student or ""})
        for other in candidates:
            if engine_digest is not None and r.answer_digest:
                ref = digest_of(spec, other)
                if ref is not None and ref != r.answer_digest:
                    continue
            if _full_marks(_grade_one(spec, sub, other)):
                e.flags.append(copy_flag(other))
                break


def _reference_digest_fn() -> Callable[[Any, str], str | None] | None:
    """The engine's ``reference_digest(spec, student)`` when it exists (a fast pre-filter)."""
    fn = getattr(engine, "reference_digest", None)
    if fn is None:
        return None

    def safe(spec: Any, student: str) -> str | None:
        try:
            return fn(spec, student)
        except Exception:  # no digest → fall back to grading against that variant
            return None

    return safe


def build_gradebook(
    subs: list[Submission],
    specs: Mapping[str, Any],
    *,
    roster: Iterable[str] = (),
    progress: Progress | None = None,
    jobs: int = 1,
    grader_version: str = "",
    now: datetime | None = None,
) -> Gradebook:
    """Grade ``subs``, flag copied variants, summarise and stamp: the whole run as data."""
    entries = grade_submissions(subs, specs, progress=progress, jobs=jobs)
    flag_copies(entries, {s.file: s for s in subs}, specs, roster)
    entries.sort(key=lambda e: e.key)
    titles = {ex: str(getattr(spec, "title", ex)) for ex, spec in specs.items()}
    used = sorted({e.result.exercise for e in entries if e.result.exercise in specs})
    stamp = Stamp(
        grader_version=grader_version or _version(),
        pandas_version=pd.__version__,
        exercise_hashes={ex: _spec_hash(specs[ex]) for ex in used},
        input_sha256={s.file: s.sha256 for s in subs if s.sha256},
        created_at=(now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    used_titles = {ex: titles[ex] for ex in used}
    return Gradebook(entries, summarise(entries, used_titles), stamp, used_titles)


def _spec_hash(spec: Any) -> str:
    folder = getattr(spec, "folder", None)
    return spec_hash(folder) if folder is not None else ""


def _version() -> str:
    try:
        return version("ecom-crm-courseware")
    except PackageNotFoundError:
        return "0+unknown"
