"""Where the header of a submitted table is, as people really lay tables out in Excel and WPS.

The header is looked for in the first :data:`HEADER_SEARCH_ROWS` rows (title rows, blank rows and notes
above it are skipped): it is the row naming the most of the exercise's columns (names or aliases). A
header split over two rows (a merged group cell such as "客户" above "买家会员名 | 成交金额", or "成交"
above "订单数 | 金额") is read as one: the lower row where it names a column, else the upper and lower
cell joined. Rows that only total the table (合计, 总计, 小计) are found by :func:`total_rows`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from grader.intake.normalize import norm_header

if TYPE_CHECKING:
    from grader.spec import SubmissionSpec

HEADER_SEARCH_ROWS = 20
TOTAL_RE = re.compile(r"^\s*(合\s*计|总\s*计|小\s*计|总\s*和|total|sum)\s*[:：]?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Header:
    """The header found: its (lower) row, the column names when two rows were joined, and how many of the
    exercise's columns it names."""

    row: int = 0
    names: tuple[str, ...] | None = None
    score: int = 0
    rows_used: int = 1


def _known(sub: SubmissionSpec) -> dict[str, str]:
    out = {norm_header(c): c for c in sub.columns}
    for col, names in sub.aliases.items():
        for name in names:
            out.setdefault(norm_header(name), col)
    return out


def _score(cells: list[str], known: dict[str, str]) -> int:
    return len({known[k] for k in (norm_header(c) for c in cells) if k in known})


def find_header(rows: list[list[str]], sub: SubmissionSpec, limit: int = HEADER_SEARCH_ROWS) -> Header:
    """The header of ``rows`` for this exercise (row 0 with score 0 when nothing matches)."""
    known = _known(sub)
    best = Header()
    for i, row in enumerate(rows[:limit]):
        score = _score(row, known)
        if score > best.score:
            best = Header(i, None, score)
        if i == 0:
            continue
        joined = _joined(rows[i - 1], row, known)
        score = _score(list(joined), known)
        if score > best.score:
            best = Header(i, joined, score, 2)
    return best


def _joined(upper: list[str], lower: list[str], known: dict[str, str]) -> tuple[str, ...]:
    """Two header rows as one: a merged upper cell spans to the right until the next upper cell."""
    width = max(len(upper), len(lower))
    out, group = [], ""
    for j in range(width):
        top = upper[j].strip() if j < len(upper) else ""
        low = lower[j].strip() if j < len(lower) else ""
        group = top or group
        if norm_header(low) in known or not group:
            out.append(low or group)
        elif norm_header(group + low) in known:
            out.append(group + low)
        elif not low:
            out.append(group)
        else:
            out.append(low)
    return tuple(out)


def is_total_row(cells: list[str]) -> bool:
    """A 合计/总计/小计 row: its first non-empty cell is one of those words."""
    for cell in cells:  # a plain loop: this runs once per row of every table read
        if cell.strip():
            return TOTAL_RE.match(cell) is not None
    return False


__all__ = ["HEADER_SEARCH_ROWS", "Header", "find_header", "is_total_row"]
