"""The gradebook as CSV for Excel/WPS: UTF-8 with BOM, every field quoted, formulas neutralised.

One row per submitted file and per 未提交 (with ``--roster``; a 姓名 column after 学号 when the roster has
names); the 状态 column says 已评分 / 无法评分 /
重复提交（未计分） / 未提交, the 说明 column why a file counts or not, the 标记 column 疑似抄袭 and 名单外.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from grader.render.common import (
    failed_checks,
    fmt_points,
    hints,
    join_cn,
    label,
    name_cells,
    name_header,
    neutralise,
    status_text,
)

if TYPE_CHECKING:
    from grader.gradebook import Gradebook

COLUMNS = ("student", "exercise", "title", "file", "status", "score", "max_score", "failed", "hints", "notes",
           "remarks", "error", "flags")


def rows(gradebook: Gradebook, lang: str = "zh") -> list[list[str]]:
    """Header plus one row per entry, every cell text."""
    out = [[label(COLUMNS[0], lang), *name_header(gradebook, lang), *[label(c, lang) for c in COLUMNS[1:]]]]
    for e in gradebook.entries:
        r = e.result
        graded = r.status == "graded" and not e.absent
        out.append([
            r.student or "",
            *name_cells(gradebook, r.student),
            r.exercise or "",
            gradebook.titles.get(r.exercise or "", ""),
            r.file,
            status_text(e, lang),
            fmt_points(r.score) if graded else "",
            fmt_points(r.max_score) if graded else "",
            join_cn(failed_checks(e)),
            join_cn(hints(e)),
            join_cn([n.message for n in r.notes]),
            e.policy_note,
            "" if e.absent else r.error or "",
            "；".join(e.marks),
        ])
    return out


def render(gradebook: Gradebook, lang: str = "zh") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    for row in rows(gradebook, lang):
        writer.writerow([neutralise(cell) for cell in row])
    return buffer.getvalue().encode("utf-8-sig")
