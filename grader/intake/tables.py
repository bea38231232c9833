"""Rows of text cells → a raw table (header strings, all cells ``str``), and CSV text → rows.

Cheap guards come first, before any parsing, so a hostile CSV costs a scan of its bytes and no more (they
run in the browser too, which has no process limits): at most :data:`MAX_COLUMNS` columns,
:data:`MAX_LINE_CHARS` characters per line and :data:`~grader.intake.limits.MAX_ROWS` rows.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pandas as pd

from grader.intake.errors import FORMAT_NAMES, TOO_COMPLEX, ReadError
from grader.intake.headers import TOTAL_RE, Header, is_total_row
from grader.intake.limits import MAX_CELLS, MAX_ROWS
from grader.intake.normalize import NoteBook

MAX_COLUMNS = 500
"""A results table has a few dozen columns at most."""
MAX_LINE_CHARS = 200_000
HeaderPicker = Callable[[list[list[str]]], Header]


def sniff_delimiter(text: str) -> str:
    return _sniff(text.splitlines())


def _sniff(lines: list[str]) -> str:
    first = next((line for line in lines if line.strip()), "")
    counts = {d: first.count(d) for d in (",", "\t", ";", "，")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def guard_text(text: str, sep: str) -> None:
    """Refuse CSV text that is too wide, has too long lines or too many rows, before parsing it."""
    _guard(text.splitlines(), sep)


def _guard(lines: list[str], sep: str) -> None:
    widest = max((line.count(sep) + 1 for line in lines[:50]), default=0)
    if widest > MAX_COLUMNS:
        raise ReadError(TOO_COMPLEX.format(what=f"表头有 {widest} 列，上限 {MAX_COLUMNS} 列"))
    longest = max(map(len, lines), default=0)
    if longest > MAX_LINE_CHARS:
        raise ReadError(TOO_COMPLEX.format(what=f"有一行长达 {longest} 个字符，上限 {MAX_LINE_CHARS}"))
    if len(lines) > MAX_ROWS:
        raise ReadError(TOO_COMPLEX.format(what=f"有 {len(lines)} 行，上限 {MAX_ROWS} 行"))


def csv_rows(text: str, book: NoteBook) -> list[list[str]]:
    """Decoded CSV text → rows of cells (delimiter sniffed: comma, tab, semicolon, full-width comma)."""
    if not text.strip():
        raise ReadError("文件里只有空白，没有数据；请确认保存的是结果表后再提交")
    if "\x00" in text:
        raise ReadError("文件里有不该出现的二进制内容（可能已损坏）；请重新导出 CSV 后再提交")
    lines = text.splitlines()  # split once for the delimiter and the guards
    sep = _sniff(lines)
    _guard(lines, sep)
    del lines
    if sep == "，":
        book.add("format", "分隔符是全角逗号“，”，已按列分开")
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=False))
    except csv.Error:
        raise ReadError("CSV 格式有误（引号不成对或某一格太长）；请用 Excel/WPS 重新另存为 CSV 后再提交") from None
    if sum(map(len, rows)) > MAX_CELLS:
        raise ReadError(TOO_COMPLEX.format(what=f"超过 {MAX_CELLS} 个单元格"))
    return rows


def _filled(row: list[str]) -> bool:
    """True when some cell has more than whitespace (one strip of the joined cells: same answer, faster)."""
    return bool("".join(row).strip())


def _trailing_blank(rows: list[list[str]]) -> int:
    count = 0
    for row in reversed(rows):
        if _filled(row):
            break
        count += 1
    return count


def rows_to_frame(rows: list[list[str]], book: NoteBook, header: Header, fmt: str) -> pd.DataFrame:
    """The table under ``header``: blank rows and 合计/总计/小计 rows dropped (with notes), header names
    made unique, empty unnamed columns dropped."""
    kept = [r for r in rows if "".join(r).strip()]  # _filled, inlined: once per row
    blank_inside = len(rows) - len(kept) - _trailing_blank(rows)
    header_row = header.row - (len(rows[: header.row]) - len([r for r in rows[: header.row] if _filled(r)]))
    rows = kept
    if not rows:
        raise ReadError(f"{FORMAT_NAMES[fmt]} 文件里没有任何数据；请确认保存的是结果表后再提交")
    if blank_inside > 0:
        book.add("empty_rows", f"跳过了 {blank_inside} 个空行")
    if header.rows_used == 2:
        book.add("header", f"表头占两行（第 {header.row} – {header.row + 1} 行，有合并单元格），已合成一行读取")
    elif header.row:
        book.add("header", f"表头在第 {header.row + 1} 行，已跳过上面的标题行")
    top = list(header.names) if header.names is not None else rows[header_row]
    head = [h.strip() for h in top]
    body = rows[header_row + 1:]
    match = TOTAL_RE.match  # is_total_row, without a call for rows whose first cell is filled (nearly all)
    total = [match(r[0]) is not None if r and r[0].strip() else is_total_row(r) for r in body]
    if any(total):
        body = [r for r, t in zip(body, total, strict=True) if not t]
        book.add("totals", f"去掉了 {sum(total)} 行合计/总计/小计（答案表只要每一行的数据，不要汇总行）")
    width = max(len(head), *(len(r) for r in body)) if body else len(head)
    head += [""] * (width - len(head))
    names: list[str] = []
    seen: set[str] = set()
    for i, h in enumerate(head):
        name = h or f"第{i + 1}列（无表头）"
        while name in seen:
            name += "_"
        seen.add(name)
        names.append(name)
    padded = [r if len(r) == width else r + [""] * (width - len(r)) for r in body]
    frame = pd.DataFrame(padded, columns=names, dtype=object) if padded else pd.DataFrame(columns=names, dtype=object)
    empty_cols = [n for n, h in zip(names, head, strict=True) if not h and (frame[n] == "").all()]
    return frame.drop(columns=empty_cols)


__all__ = ["MAX_COLUMNS", "MAX_LINE_CHARS", "HeaderPicker", "csv_rows", "guard_text", "rows_to_frame",
           "sniff_delimiter"]
