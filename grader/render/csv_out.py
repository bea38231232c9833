"""The gradebook as CSV for Excel/WPS: UTF-8 with BOM, every field quoted, formulas neutralised."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from grader.render.common import failed_checks, fmt_points, label, neutralise, status_text

if TYPE_CHECKING:
    from grader.gradebook import Gradebook

COLUMNS = ("student", "exercise", "title", "file", "status", "score", "max_score", "failed", "notes",
           "error", "flags")


def rows(gradebook: Gradebook, lang: str = "zh") -> list[list[str]]:
    """Header plus one row per submitted file, every cell text."""
    out = [[label(c, lang) for c in COLUMNS]]
    for e in gradebook.entries:
        r = e.result
        graded = r.status == "graded"
        out.append([
            r.student or "",
            r.exercise or "",
            gradebook.titles.get(r.exercise or "", ""),
            r.file,
            status_text(e, lang),
            fmt_points(r.score) if graded else "",
            fmt_points(r.max_score) if graded else "",
            "；".join(failed_checks(e)),
            "；".join(n.message for n in r.notes),
            r.error or "",
            "；".join(e.flags),
        ])
    return out


def render(gradebook: Gradebook, lang: str = "zh") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    for row in rows(gradebook, lang):
        writer.writerow([neutralise(cell) for cell in row])
    return buffer.getvalue().encode("utf-8-sig")
