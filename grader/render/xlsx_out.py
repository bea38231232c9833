"""The gradebook as XLSX: a 总表 (one row per student, one column per exercise) and a sheet per
exercise with each check's points. Text that a spreadsheet would run as a formula is neutralised."""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.styles import Font

from grader.render.common import failed_checks, label, neutralise, status_text

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from grader.gradebook import Entry, Gradebook

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _put(ws: Worksheet, row: list[Any]) -> None:
    """Append a row; strings are stored as text, never as formulas."""
    ws.append([neutralise(v) for v in row])
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def _sheet_title(name: str, used: set[str]) -> str:
    base = _BAD_SHEET_CHARS.sub("_", name)[:31] or "sheet"
    title, n = base, 2
    while title.lower() in used:
        suffix = f"~{n}"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(title.lower())
    return title


def best_scores(gradebook: Gradebook) -> dict[tuple[str, str], Entry]:
    """(学号, exercise) → the entry with the best score (a student may hand in twice)."""
    best: dict[tuple[str, str], Entry] = {}
    for e in gradebook.entries:
        r = e.result
        if not r.student or not r.exercise:
            continue
        key = (r.student, r.exercise)
        old = best.get(key)
        rank = (r.status == "graded", r.score)
        if old is None or rank > (old.result.status == "graded", old.result.score):
            best[key] = e
    return best


def render(gradebook: Gradebook, lang: str = "zh") -> bytes:

    wb = Workbook()
    summary = wb.active
    used: set[str] = set()
    summary.title = _sheet_title(label("summary", lang), used)
    exercises = gradebook.exercises
    best = best_scores(gradebook)
    _put(summary, [label("student", lang), *[f"{ex} {gradebook.titles.get(ex, '')}".strip()
                                             for ex in exercises], label("total", lang), label("flags", lang)])
    for student in gradebook.students:
        scores: list[Any] = []
        for ex in exercises:
            e = best.get((student, ex))
            if e is None or e.result.status != "graded":
                scores.append(None if e is None else label("errored", lang))
                continue
            scores.append(e.result.score)
        flags = [f"{e.result.exercise}：{f}" for e in gradebook.entries
                 if e.result.student == student for f in e.flags]
        total = sum(s for s in scores if isinstance(s, float | int))
        _put(summary, [student, *scores, total, "；".join(flags)])
    for cell in summary[1]:
        cell.font = Font(bold=True)

    for ex in exercises:
        ws = wb.create_sheet(_sheet_title(ex, used))
        group = [e for e in gradebook.entries if e.result.exercise == ex]
        names: list[str] = []
        for e in group:
            for c in e.result.checks:
                if c.name not in names:
                    names.append(c.name)
        _put(ws, [label("student", lang), label("file", lang), label("status", lang), label("score", lang),
                  label("max_score", lang), *names, label("failed", lang), label("error", lang),
                  label("flags", lang)])
        for e in group:
            r = e.result
            points = {c.name: c.points for c in r.checks}
            _put(ws, [r.student or "", r.file, status_text(e, lang),
                      r.score if r.status == "graded" else None,
                      r.max_score if r.status == "graded" else None,
                      *[points.get(n) for n in names], "；".join(failed_checks(e)), r.error or "",
                      "；".join(e.flags)])
        for cell in ws[1]:
            cell.font = Font(bold=True)

    unsorted = [e for e in gradebook.entries if not e.result.exercise]
    if unsorted:
        ws = wb.create_sheet(_sheet_title("未识别" if lang == "zh" else "unmatched", used))
        _put(ws, [label("file", lang), label("student", lang), label("error", lang)])
        for e in unsorted:
            _put(ws, [e.result.file, e.result.student or "", e.result.error or ""])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
