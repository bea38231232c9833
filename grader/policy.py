"""The run's stated policy: which of several files of one student counts, who is missing, who is not on
the roster. Every output renders what this module decides (terminal, JSON, CSV, XLSX, HTML, report).

- Duplicates (``--duplicates``): when one 学号 handed in several gradable files for one exercise, one
  counts and the others are kept as "重复提交（未计分）". ``latest`` (default, as school platforms keep
  the last upload) takes the file with the latest time — the zip member's time, else the file's
  modification time — and, without times, the last in name order; ``best`` takes the highest score (ties:
  the latest). Files that could not be graded never count over a graded one.
- Roster (``--roster``): every roster student appears for every exercise of the run, "未提交" when they
  have no file for it; a 学号 that is not on the roster is marked "名单外".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from grader.gradebook import Entry
from grader.model import SubmissionResult, round_points

DUPLICATE_POLICIES = {"latest": "最后提交", "best": "最高分"}
"""``--duplicates`` value → how the policy is named in the outputs."""
DEFAULT_DUPLICATES = "latest"
TIME_SOURCES = {"zip": "压缩包内的文件时间", "mtime": "文件修改时间", "": "文件名顺序"}


def _time_of(sub: Any) -> tuple[datetime | None, str]:
    when = getattr(sub, "submitted_at", None)
    return (when if isinstance(when, datetime) else None), str(getattr(sub, "time_source", "") or "")


def _stamp(when: datetime | None) -> str:
    """The time as text that sorts as the time does: milliseconds only when there are some (a file modified
    0.8 s after another is the later one; zip times have whole seconds)."""
    if when is None:
        return ""
    text = when.strftime("%Y-%m-%d %H:%M:%S")
    return f"{text}.{when.microsecond // 1000:03d}" if when.microsecond // 1000 else text


def _latest_key(entry: Entry) -> tuple[int, str, str]:
    """Later sorts higher: any time beats none, then the time, then the file name."""
    return (1 if entry.submitted_at else 0, entry.submitted_at, entry.result.file)


def _choose(group: list[Entry], duplicates: str) -> Entry:
    graded = [e for e in group if e.result.status == "graded"] or group
    if duplicates == "best":
        return max(graded, key=lambda e: (e.result.score, _latest_key(e)))
    return max(graded, key=_latest_key)


def _why(chosen: Entry, group: list[Entry], duplicates: str) -> str:
    if duplicates == "best":
        return "得分最高"
    if not chosen.submitted_at:
        return "按文件名排在最后"
    source = TIME_SOURCES.get(chosen.time_source, "时间")
    if any(e is not chosen and e.submitted_at == chosen.submitted_at for e in group):
        return f"{source}都是 {chosen.submitted_at}，按文件名排在最后"
    return f"{source}最晚：{chosen.submitted_at}"


def mark_duplicates(entries: list[Entry], subs_by_file: Mapping[str, Any], duplicates: str) -> None:
    """Keep one counted file per (学号, exercise); mark the others with :attr:`Entry.duplicate_of`."""
    if duplicates not in DUPLICATE_POLICIES:
        raise ValueError(f"重复提交的处理方式应为 {' 或 '.join(DUPLICATE_POLICIES)}，而不是 {duplicates}")
    groups: dict[tuple[str, str], list[Entry]] = {}
    for e in entries:
        when, source = _time_of(subs_by_file.get(e.result.file))
        e.submitted_at, e.time_source = _stamp(when), source if when is not None else ""
        if e.result.student and e.result.exercise and not e.absent:
            groups.setdefault((e.result.student, e.result.exercise), []).append(e)
    for group in groups.values():
        if len(group) < 2:
            continue
        chosen = _choose(group, duplicates)
        rule = DUPLICATE_POLICIES[duplicates]
        chosen.policy_note = f"同一学号交了 {len(group)} 份，按“{rule}”计这一份（{_why(chosen, group, duplicates)}）"
        for e in group:
            if e is not chosen:
                e.counted = False
                e.duplicate_of = chosen.result.file
                e.policy_note = f"重复提交（未计分）：按“{rule}”计分的是 {chosen.result.file}"


def apply_roster(entries: list[Entry], roster: Iterable[str], max_scores: Mapping[str, float]) -> list[Entry]:
    """Mark 名单外 学号 and return one "未提交" entry per roster student and exercise without a file.

    ``max_scores`` lists the run's exercises (id → full marks)."""
    on_roster = list(dict.fromkeys(s.strip() for s in roster if s and s.strip()))
    if not on_roster:
        return []
    known = set(on_roster)
    handed: set[tuple[str, str]] = set()
    for e in entries:
        student = e.result.student or ""
        e.off_roster = bool(student) and student not in known
        handed.add((student, e.result.exercise or ""))
    missing = []
    for student in on_roster:
        for exercise, max_score in sorted(max_scores.items()):
            if (student, exercise) not in handed:
                result = SubmissionResult(file="", student=student, exercise=exercise, status="error",
                                          max_score=round_points(max_score), error="未提交")
                missing.append(Entry(result, absent=True, counted=False))
    return missing


def apply_policy(entries: list[Entry], subs_by_file: Mapping[str, Any], *, duplicates: str = DEFAULT_DUPLICATES,
                 roster: Iterable[str] = (), max_scores: Mapping[str, float] | None = None) -> list[Entry]:
    """Duplicates and roster in one call; returns ``entries`` plus the "未提交" placeholders."""
    mark_duplicates(entries, subs_by_file, duplicates)
    if max_scores is None:
        max_scores = {e.result.exercise: e.result.max_score for e in entries if e.result.exercise}
    return entries + apply_roster(entries, roster, max_scores)


__all__ = ["DEFAULT_DUPLICATES", "DUPLICATE_POLICIES", "apply_policy", "apply_roster", "mark_duplicates"]
