"""Grade a class: every submission against its own student's variant, in parallel processes, then
copy flags; :func:`build_gradebook` assembles the run into a :class:`~grader.gradebook.Gradebook`.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import pandas as pd

from grader import engine
from grader.gradebook import Entry, Gradebook, Stamp, copy_flag, summarise
from grader.intake.submission import Submission
from grader.model import Note, SubmissionResult, round_points
from grader.spec import spec_hash

__all__ = ["build_gradebook", "flag_copies", "grade_submissions"]

Progress = Callable[[Submission], None]



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
