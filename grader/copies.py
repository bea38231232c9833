"""Copied variants: a submission that is wrong for its own student's variant but full marks for another's.

Candidates are the other 学号 of the same exercise in the run plus the roster. Answer digests are compared
with each candidate's reference digest first (the workers computed those of graded students while grading;
the rest are computed here, in parallel), so a file is re-graded only against a variant whose reference it
matches; the flag itself is confirmed by grading against that variant.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from grader import engine
from grader.gradebook import Entry, copy_flag
from grader.intake.submission import Submission
from grader.log import log_exception
from grader.model import SubmissionResult
from grader.parallel import PREPARE_DEADLINE, FileLimits, run_parallel

__all__ = ["flag_copies", "full_marks"]

GradeAs = Callable[[Any, Submission, str], SubmissionResult]
"""Grades a submission against another student's variant: (spec, submission, 学号) → result."""


def full_marks(r: SubmissionResult) -> bool:
    return r.status == "graded" and r.max_score > 0 and r.score >= r.max_score and r.passed


def flag_copies(
    entries: list[Entry],
    subs_by_file: Mapping[str, Submission],
    specs: Mapping[str, Any],
    roster: Iterable[str] = (),
    *,
    jobs: int = 1,
    grade: GradeAs,
    names: Mapping[str, str] | None = None,
) -> None:
    """Flag submissions that are wrong for their own variant but full marks for another's.

    Candidates are the other 学号 of the same exercise in this run plus ``roster``. Answer digests are
    compared with each candidate's reference digest (those of graded students come from the workers,
    nothing is re-read per candidate); the flag itself is confirmed by grading against that variant.
    """
    roster = sorted(set(roster))
    by_ex: dict[str, set[str]] = {}
    for e in entries:
        if e.result.status == "graded" and e.result.exercise and e.result.student:
            by_ex.setdefault(e.result.exercise, set()).add(e.result.student)
    engine_digest = _reference_digest_fn()
    digests: dict[tuple[str, str], str | None] = {
        (e.result.exercise, e.result.student): e.result.reference_digest
        for e in entries if e.result.reference_digest and e.result.student
    }  # computed by the workers while grading; the rest (students without that exercise) below, in parallel
    if engine_digest is not None and jobs > 1:
        digests.update(_missing_digests(entries, specs, by_ex=by_ex, roster=roster, known=digests, jobs=jobs))

    def digest_of(spec: Any, student: str) -> str | None:
        key = (spec.id, student)
        if key not in digests and engine_digest is not None:
            digests[key] = engine_digest(spec, student)
        return digests.get(key)

    for e in entries:
        r = e.result
        if r.status != "graded" or full_marks(r) or r.exercise not in specs:
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
            if full_marks(grade(spec, sub, other)):
                e.flags.append(copy_flag(other, (names or {}).get(other, "")))
                break


def _missing_digests(entries: list[Entry], specs: Mapping[str, Any], *, by_ex: Mapping[str, set[str]],
                     roster: list[str], known: Mapping[tuple[str, str], str | None],
                     jobs: int) -> dict[tuple[str, str], str | None]:
    """Reference digests of the candidates nobody computed yet, one worker per student (grader's own work:
    bounded only by the preparation deadline)."""
    wanted = sorted({(e.result.exercise, other)
                     for e in entries
                     if e.result.status == "graded" and not full_marks(e.result) and e.result.exercise in specs
                     for other in (by_ex.get(e.result.exercise, set()) | set(roster)) - {e.result.student or ""}
                     if (e.result.exercise, other) not in known})
    if len(wanted) < 2:
        return {}
    groups: dict[str, list[tuple[int, tuple[str, str]]]] = {}
    for index, pair in enumerate(wanted):
        groups.setdefault(pair[1], []).append((index, pair))
    found: dict[tuple[str, str], str | None] = {}
    fn = _reference_digest_fn()
    run_parallel(groups.values(), functools.partial(_digest_task, specs, fn), lambda _pair, _why: None,
                 jobs=min(jobs, len(groups)), limits=FileLimits(PREPARE_DEADLINE, 1 << 20),
                 on_done=lambda index, digest: found.__setitem__(wanted[index], digest))
    return found


def _digest_task(specs: Mapping[str, Any], fn: Callable[[Any, str], str | None] | None,
                 pair: tuple[str, str]) -> str | None:
    return fn(specs[pair[0]], pair[1]) if fn is not None else None


def _reference_digest_fn() -> Callable[[Any, str], str | None] | None:
    """The engine's ``reference_digest(spec, student)`` when it exists (a fast pre-filter)."""
    fn = getattr(engine, "reference_digest", None)
    if fn is None:
        return None

    def safe(spec: Any, student: str) -> str | None:
        try:
            return fn(spec, student)
        except Exception as exc:  # no digest → fall back to grading against that variant
            log_exception("reference digest", f"{spec.id} / {student}", exc)
            return None

    return safe
