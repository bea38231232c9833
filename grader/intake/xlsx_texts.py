"""A sheet's rows as the texts a person sees (``cell_text`` of each value), straight from the worksheet XML.

The same scan as :func:`grader.intake.xlsx_fast.sheet_rows`, but each cell becomes its text at once and each
distinct number cell (amounts and times repeat) is converted and formatted once: in Pyodide, where XLSX
files are read without ``python-calamine``, this is about a sixth less work per workbook than building the
values first. A test holds it equal to ``cell_text`` of openpyxl's own rows for many workbooks.
"""

from __future__ import annotations

from typing import Any

from grader.intake.cells import cell_text
from grader.intake.xlsx_fast import (
    _COLUMNS,
    Unsupported,
    _Cells,
    _column,
    _general_cells,
    _plain_cells,
    _scan,
)


def sheet_texts(worksheet: Any, max_row: int | None = None, *, max_cells: int | None = None) -> list[list[str]] | None:
    """``[[cell_text(v) for v in row] for row in sheet_rows(…)]`` without building the values first: each
    distinct number cell (amounts and times repeat) is converted and formatted once. None where
    :func:`sheet_rows` declines, and for a sheet with a text starting with "=" (the caller checks it as a
    formula)."""
    memo: dict[tuple[bytes, ...], str] = {}

    def plain(found: list[tuple[bytes, ...]], number: bytes, cells: _Cells) -> list[tuple[int, Any]]:
        return _plain_texts(found, number, cells, memo)

    rows = _scan(worksheet, max_row, max_cells, plain=plain, general=_general_texts, fill="")
    if rows is None or any(text[:1] == "=" for row in rows for text in row):
        return None
    return rows


def _plain_texts(found: list[tuple[bytes, ...]], number: bytes, cells: _Cells,
                 memo: dict[tuple[bytes, ...], str]) -> list[tuple[int, str]]:
    strings, columns = cells.strings, _COLUMNS
    texts: list[tuple[int, str]] = []
    for cell in found:
        letters, row, _s1, kind, _s2, v, inline, text = cell
        if row != number and int(row) != int(number):
            raise Unsupported("cell outside its row")
        if kind == b"s" and v:
            value = strings[int(v)]
            out = value if type(value) is str else cell_text(value)
        elif kind == b"inlineStr":
            out = text.decode("utf-8") if inline else ""
        else:
            key = cell[2:6]  # style, type, style, value: the same text wherever the cell stands
            found_text = memo.get(key)
            if found_text is None:
                [(_, value)] = _plain_cells([cell], row, cells)
                found_text = memo[key] = cell_text(value)
            out = found_text
        texts.append((columns.get(letters) or _column(letters), out))
    return texts


def _general_texts(content: bytes, index: int, cells: _Cells) -> list[tuple[int, str]]:
    return [(column, cell_text(value)) for column, value in _general_cells(content, index, cells)]


__all__ = ["sheet_texts"]
