"""A grading run's counts and per-exercise score statistics, over the files that count."""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from grader.model import round_points

if TYPE_CHECKING:
    from grader.gradebook import Entry


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
    duplicates: int = 0
    missing: int = 0


@dataclass
class Summary:
    """Counts over the whole run: ``files`` = ``graded`` + ``errors`` + ``duplicates`` (files that do not
    count); ``missing`` = 未提交 (roster students × exercises without a file), not files."""

    files: int
    graded: int
    errors: int
    students: int
    flagged: int
    exercises: list[ExerciseSummary]
    duplicates: int = 0
    missing: int = 0
    off_roster: int = 0



def summarise(entries: list[Entry], titles: Mapping[str, str]) -> Summary:
    """Counts and per-exercise score statistics over the files that count (no duplicates, no 未提交)."""
    per: dict[str, list[Entry]] = {}
    for e in entries:
        if e.result.exercise:
            per.setdefault(e.result.exercise, []).append(e)
    exercises = []
    for ex, group in sorted(per.items()):
        files = [e for e in group if not e.absent]
        scored = [e.result for e in group if e.scored]
        scores = [r.score for r in scored]
        exercises.append(ExerciseSummary(
            exercise=ex, title=titles.get(ex, ex), files=len(files), graded=len(scored),
            errors=sum(1 for e in files if e.result.status != "graded" and not e.duplicate_of),
            max_score=max((e.result.max_score for e in group), default=0.0),
            mean=round_points(statistics.fmean(scores)) if scores else None,
            median=round_points(statistics.median(scores)) if scores else None,
            minimum=min(scores) if scores else None, maximum=max(scores) if scores else None,
            full_marks=sum(1 for r in scored if r.max_score > 0 and r.score >= r.max_score),
            flagged=sum(1 for e in group if e.flags),
            duplicates=sum(1 for e in group if e.state == "duplicate"),
            missing=sum(1 for e in group if e.absent),
        ))
    files = [e for e in entries if not e.absent]
    return Summary(
        files=len(files), graded=sum(1 for e in entries if e.scored),
        errors=sum(1 for e in files if e.result.status != "graded" and not e.duplicate_of),
        students=len({e.result.student for e in entries if e.result.student}),
        flagged=sum(1 for e in entries if e.flags), exercises=exercises,
        duplicates=sum(1 for e in entries if e.state == "duplicate"),
        missing=sum(1 for e in entries if e.absent),
        off_roster=len({e.result.student for e in entries if e.off_roster}),
    )


def summary_to_dict(s: Summary) -> dict[str, Any]:
    return {
        "files": s.files, "graded": s.graded, "errors": s.errors, "students": s.students,
        "flagged": s.flagged, "duplicates": s.duplicates, "missing": s.missing, "off_roster": s.off_roster,
        "exercises": {
            e.exercise: {
                "title": e.title, "files": e.files, "graded": e.graded, "errors": e.errors,
                "max_score": e.max_score, "mean": e.mean, "median": e.median, "min": e.minimum,
                "max": e.maximum, "full_marks": e.full_marks, "flagged": e.flagged,
                "duplicates": e.duplicates, "missing": e.missing,
            }
            for e in s.exercises
        },
    }


__all__ = ["ExerciseSummary", "Summary", "summarise", "summary_to_dict"]
