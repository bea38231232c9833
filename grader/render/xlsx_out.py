"""The gradebook as XLSX: a 总表 (one row per student, one column per exercise: the score of the file
that counts, 无法评分 or 未提交), a sheet per exercise with each check's points and hints, and a 评分规则
sheet stating the policy. Text that a spreadsheet would run as a formula is neutralised."""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.styles import Font

try:
    from rich.cells import cell_len
except ImportError:  # Pyodide (教师批改 in the browser) has no rich: the same east-Asian width rule
    import unicodedata

    def cell_len(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)

from grader.render.common import (
    failed_checks,
    hints,
    join_cn,
    label,
    name_cells,
    name_header,
    neutralise,
    policy_lines,
    status_text,
    visible,
)

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from grader.gradebook import Entry, Gradebook

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _put(ws: Worksheet, row: list[Any]) -> None:
    """Append a row; strings are stored as text, never as formulas."""
    ws.append([neutralise(visible(v)) for v in row])
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def _header(ws: Worksheet) -> None:
    """Bold header row kept in view, columns wide enough to read (long text columns capped)."""
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "B2"
    for column in ws.columns:
        longest = max((cell_len(str(c.value)) for c in column if c.value is not None), default=4)
        ws.column_dimensions[column[0].column_letter].width = min(max(longest + 2, 8), 60)


def _sheet_title(name: str, used: set[str]) -> str:
    base = _BAD_SHEET_CHARS.sub("_", name)[:31] or "sheet"
    title, n = base, 2
    while title.lower() in used:
        suffix = f"~{n}"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(title.lower())
    return title


def counted_entries(gradebook: Gradebook) -> dict[tuple[str, str], Entry]:
    """(学号, exercise) → the entry that counts (policy applied: no duplicates; 未提交 placeholders)."""
    out: dict[tuple[str, str], Entry] = {}
    for e in gradebook.entries:
        r = e.result
        if r.student and r.exercise and not e.duplicate_of:
            old = out.get((r.student, r.exercise))
            if old is None or (e.scored and not old.scored):
                out[(r.student, r.exercise)] = e
    return out


def render(gradebook: Gradebook, lang: str = "zh") -> bytes:

    wb = Workbook()
    summary = wb.active
    used: set[str] = set()
    summary.title = _sheet_title(label("summary", lang), used)
    exercises = gradebook.exercises
    counted = counted_entries(gradebook)
    _put(summary, [label("student", lang), *name_header(gradebook, lang), *[f"{ex} {gradebook.titles.get(ex, '')}".strip()
                                             for ex in exercises], label("total", lang), label("flags", lang)])
    for student in gradebook.students:
        scores: list[Any] = []
        for ex in exercises:
            e = counted.get((student, ex))
            scores.append(None if e is None else e.result.score if e.scored else status_text(e, lang))
        mine = [e for e in gradebook.entries if e.result.student == student]
        marks = list(dict.fromkeys(f"{e.result.exercise}：{f}" for e in mine for f in e.flags))
        if any(e.off_roster for e in mine):
            marks.insert(0, label("off_roster", lang))
        marks += [f"{e.result.exercise}：{label('duplicate', lang)} {e.result.file}" for e in mine if e.duplicate_of]
        total = sum(s for s in scores if isinstance(s, float | int))
        _put(summary, [student, *name_cells(gradebook, student), *scores, total, "；".join(marks)])
    _header(summary)

    for ex in exercises:
        ws = wb.create_sheet(_sheet_title(ex, used))
        group = [e for e in gradebook.entries if e.result.exercise == ex]
        names: list[str] = []
        for e in group:
            for c in e.result.checks:
                if c.name not in names:
                    names.append(c.name)
        _put(ws, [label("student", lang), *name_header(gradebook, lang), label("file", lang), label("status", lang), label("score", lang),
                  label("max_score", lang), *names, label("failed", lang), label("hints", lang), label("notes", lang),
                  label("remarks", lang), label("error", lang), label("flags", lang)])
        for e in group:
            r = e.result
            graded = r.status == "graded" and not e.absent
            points = {c.name: c.points for c in r.checks}
            _put(ws, [r.student or "", *name_cells(gradebook, r.student), r.file, status_text(e, lang),
                      r.score if graded else None, r.max_score if graded else None,
                      *[points.get(n) for n in names], join_cn(failed_checks(e)), join_cn(hints(e)),
                      join_cn([n.message for n in r.notes]), e.policy_note, "" if e.absent else r.error or "", "；".join(e.marks)])
        _header(ws)

    unsorted = [e for e in gradebook.entries if not e.result.exercise]
    if unsorted:
        ws = wb.create_sheet(_sheet_title("未识别" if lang == "zh" else "unmatched", used))
        _put(ws, [label("file", lang), label("student", lang), label("error", lang)])
        for e in unsorted:
            _put(ws, [e.result.file, e.result.student or "", e.result.error or ""])
    ws = wb.create_sheet(_sheet_title(label("policy", lang), used))
    for line in policy_lines(gradebook):
        _put(ws, [line])
    ws.column_dimensions["A"].width = 110
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
