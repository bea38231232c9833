"""Grade a class: every submission against its own student's variant, in parallel processes, then
copy flags; :func:`build_gradebook` assembles the run into a :class:`~grader.gradebook.Gradebook`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from grader import cache, engine
from grader.copies import flag_copies
from grader.gradebook import Entry, Gradebook, Stamp, summarise
from grader.intake.guess import guess_exercise
from grader.intake.submission import Submission
from grader.log import log_exception
from grader.model import Note, SubmissionResult, round_points
from grader.parallel import CRASHED, FileLimits, Staged, resolve, run_parallel
from grader.policy import DEFAULT_DUPLICATES, apply_policy

__all__ = ["build_gradebook", "finish_gradebook", "flag_copies", "grade_submissions"]

Progress = Callable[[Submission], None]
INTERNAL = "评分程序内部出错，该文件未评分；请把文件发给课程维护者（用 --debug 可看到原因）。"
NO_MEMORY = "文件过大或过于复杂，内存不够，该文件未评分；请让学生只提交结果表。"


def _error_result(sub: Submission, message: str, spec: Any = None) -> SubmissionResult:
    return SubmissionResult(file=sub.file, student=sub.student, exercise=sub.exercise or "",
                            status="error", error=message,
                            max_score=round_points(spec.max_score) if spec is not None else 0.0)


def _grade_one(spec: Any, sub: Submission, student: str | None) -> SubmissionResult:
    try:
        result = engine.grade_bytes(spec, sub.name, sub.data or b"", student, handed_in=True)
    except MemoryError:
        raise  # over the file's memory limit: reported by the limit runner (or grade_submissions)
    except Exception as exc:  # fail closed: an engine bug is an error row, never a traceback
        log_exception("grading", sub.file, exc)
        return _error_result(sub, INTERNAL, spec)
    result.file = sub.file
    return result


def _result_key(specs: Mapping[str, Any], sub: Submission, limits: FileLimits | None) -> str:
    """The disk key of this file's result ("" when results are not cached: Pyodide, cache off). A result
    holds for the limits it was graded under (a tighter limit grades again)."""
    if cache.cache_dir() is None:
        return ""
    if sub.exercise is not None:
        folders = [_spec_hash(specs[sub.exercise])]
    else:  # guessed from the columns: any exercise may change the guess
        folders = [f"{ex}:{_spec_hash(spec)}" for ex, spec in sorted(specs.items())]
    bounds = f"{limits.timeout:g}s/{limits.memory_mb}MB" if limits is not None else "unbounded"
    return cache.result_key(sub.sha256, sub.name, sub.exercise or "", sub.student, "|".join([bounds, *folders]))


def _grade_item(specs: Mapping[str, Any], sub: Submission) -> SubmissionResult | Staged:
    """Read one file (the exercise guessed from its columns when its path names none); then, outside the
    file's limits, prepare the student's reference answer, and run the checks (see :class:`Staged`)."""
    exercise, note = sub.exercise, ""
    if exercise is None:
        exercise, note = guess_exercise(specs, sub.name, sub.data or b"")
        if exercise is None:
            return _error_result(sub, note)
    spec = specs[exercise]
    try:
        read = engine.read_submission(spec, sub.name, sub.data or b"", sub.student, handed_in=True)
    except MemoryError:
        raise  # over the file's memory limit: reported by the limit runner (or grade_submissions)
    except Exception as exc:  # fail closed: an engine bug is an error row, never a traceback
        log_exception("reading", sub.file, exc)
        return _error_result(sub, INTERNAL, spec)
    if isinstance(read, SubmissionResult):
        return _finish(read, sub, note)
    wrong = _other_exercise_note(specs, spec, sub, read.value)  # under the file's limits: it reads the file again

    def run() -> SubmissionResult:
        result = engine.grade_answer(spec, read, sub.name, sub.student)
        result.reference_digest = engine.reference_digest(spec, sub.student)  # cached by now: one hash
        if wrong:
            result.notes.append(Note(code="exercise", message=wrong))
        return _finish(result, sub, note)

    return Staged(prepare=lambda: engine.prepare_reference(spec, sub.student), run=run)


def _other_exercise_note(specs: Mapping[str, Any], spec: Any, sub: Submission, value: Any) -> str:
    """When a table lacks this exercise's columns but has all of another's, a note that it may be that exercise's
    answer (handed in under the wrong name); "" otherwise (the usual case costs one column test)."""
    columns = getattr(value, "columns", None)
    if spec.submission.kind != "table" or columns is None or all(c in columns for c in spec.submission.columns):
        return ""
    other, _why = guess_exercise({k: v for k, v in specs.items() if k != spec.id}, sub.name, sub.data or b"")
    if other is None:
        return ""
    return (f"这份表的列和练习 {other}（{specs[other].title}）要求的一样，可能交错了练习；"
            f"如果是，请把文件名里的练习改为 {other} 后重新批改")


def _finish(result: SubmissionResult, sub: Submission, note: str) -> SubmissionResult:
    result.file = sub.file
    if note:
        result.notes.insert(0, Note(code="collect", message=note))
    return result


def _over_limit(specs: Mapping[str, Any]) -> Callable[[Submission, str], SubmissionResult]:
    def over(sub: Submission, reason: str) -> SubmissionResult:
        return _error_result(sub, reason, specs.get(sub.exercise or ""))

    return over


def grade_submissions(
    subs: Iterable[Submission],
    specs: Mapping[str, Any],
    *,
    progress: Progress | None = None,
    jobs: int = 1,
    limits: FileLimits | None = None,
) -> list[Entry]:
    """Grade each submission against its own student's variant; never raises.

    With ``limits`` (the CLI) every file is graded in a worker process under that wall-clock and memory
    limit, ``jobs`` workers at a time, each taking one student's files (same results, same order as
    without). Without ``limits`` (library use, Pyodide) files are graded here, one after another.
    """
    subs = list(subs)
    results: dict[int, SubmissionResult] = {}
    work: list[tuple[int, Submission]] = []
    for index, sub in enumerate(subs):
        if sub.error is not None:
            results[index] = _error_result(sub, sub.error, specs.get(sub.exercise or ""))
        elif sub.exercise is not None and sub.exercise not in specs:
            results[index] = _error_result(sub, f"练习 {sub.exercise} 不存在；用 grader list 查看可用的练习编号。")
        else:
            work.append((index, sub))
            continue
        if progress is not None:
            progress(sub)

    transient = {INTERNAL, NO_MEMORY, CRASHED, (limits or FileLimits()).message()}
    keys = {index: _result_key(specs, sub, limits) for index, sub in work}

    def done(index: int, result: SubmissionResult) -> None:
        results[index] = result
        if result.status == "graded" or result.error not in transient:  # never a limit, a crash or a bug
            cache.result_put(keys[index], result)
        if progress is not None:
            progress(subs[index])

    todo = []
    for index, sub in work:  # a re-grade reads unchanged files' results back
        cached = cache.result_get(keys[index]) if keys[index] else None
        if cached is None:
            todo.append((index, sub))
            continue
        cached.file = sub.file
        results[index] = cached
        if progress is not None:
            progress(sub)
    work = todo

    groups: dict[str | None, list[tuple[int, Submission]]] = {}
    for item in work:
        groups.setdefault(item[1].student, []).append(item)
    if limits is not None and work:
        cache.scratch_root()  # made before the workers fork: theirs go inside it and leave with it
    ran = limits is not None and bool(work) and run_parallel(
        groups.values(), functools.partial(_grade_item, specs), _over_limit(specs),
        jobs=max(1, min(jobs, len(groups))), limits=limits, on_done=done)
    if not ran:
        for index, sub in work:
            try:
                done(index, resolve(_grade_item(specs, sub)))
            except MemoryError:
                done(index, _error_result(sub, NO_MEMORY))
    entries: list[Entry] = []
    for index, sub in enumerate(subs):
        result = results[index]
        for note in sub.notes:
            result.notes.append(Note(code="collect", message=note))
        entries.append(Entry(result, sha256=sub.sha256))
    return entries


def build_gradebook(
    subs: list[Submission],
    specs: Mapping[str, Any],
    *,
    roster: Iterable[str] = (),
    progress: Progress | None = None,
    jobs: int = 1,
    grader_version: str = "",
    now: datetime | None = None,
    duplicates: str = DEFAULT_DUPLICATES,
    limits: FileLimits | None = None,
) -> Gradebook:
    """Grade ``subs``, flag copied variants, apply the policy (duplicates, roster), summarise and stamp."""
    entries = grade_submissions(subs, specs, progress=progress, jobs=jobs, limits=limits)
    return finish_gradebook(entries, subs, specs, roster=roster, grader_version=grader_version, now=now,
                            duplicates=duplicates, jobs=jobs if limits is not None else 1)


def roster_order(roster: Iterable[str]) -> Callable[[Entry], tuple[int, tuple[str, str, str]]]:
    """Sort key of entries: the roster's students in the roster's order (how a teacher enters the grades into the
    school's system), then everyone else (名单外, no 学号) by 学号; within a student by exercise and file."""
    rank = {student: i for i, student in enumerate(dict.fromkeys(roster))}
    return lambda e: (rank.get(e.result.student or "", len(rank)), e.key)


def finish_gradebook(
    entries: list[Entry],
    subs: list[Submission],
    specs: Mapping[str, Any],
    *,
    roster: Iterable[str] = (),
    grader_version: str = "",
    now: datetime | None = None,
    duplicates: str = DEFAULT_DUPLICATES,
    jobs: int = 1,
) -> Gradebook:
    """The run's graded ``entries`` (one per ``subs``, in order) → the gradebook: copy flags, the policy
    (duplicates, roster), summary and stamp. The browser grades per student in workers and merges here.
    ``jobs`` > 1 computes missing reference digests for copy detection in that many processes."""
    names = dict(getattr(roster, "names", {}))  # a Roster read with its 姓名 column
    roster = list(roster)
    subs_by_file = {s.file: s for s in subs}
    flag_copies(entries, subs_by_file, specs, roster, jobs=jobs, grade=_grade_one, names=names)
    used = sorted({e.result.exercise for e in entries if e.result.exercise in specs})
    entries = apply_policy(entries, subs_by_file, duplicates=duplicates, roster=roster,
                           max_scores={ex: float(specs[ex].max_score) for ex in used})
    entries.sort(key=roster_order(roster))
    titles = {ex: str(getattr(spec, "title", ex)) for ex, spec in specs.items()}
    stamp = Stamp(
        grader_version=grader_version or _version(),
        pandas_version=pd.__version__,
        exercise_hashes={ex: _spec_hash(specs[ex]) for ex in used},
        input_sha256={s.file: s.sha256 for s in subs if s.sha256},
        created_at=(now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    used_titles = {ex: titles[ex] for ex in used}
    policy = {"duplicates": duplicates, "roster": len(set(roster))}
    return Gradebook(entries, summarise(entries, used_titles), stamp, used_titles, policy, names)


def _spec_hash(spec: Any) -> str:
    return cache.spec_digest(spec) if getattr(spec, "folder", None) is not None else ""


def _version() -> str:
    """``grader.__version__``: the one definition (pyproject reads it too), the same in Pyodide."""
    import grader  # noqa: PLC0415

    return grader.__version__
