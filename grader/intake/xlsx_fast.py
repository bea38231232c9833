"""A sheet's rows as openpyxl's read-only ``iter_rows(values_only=True)`` gives them, several times faster.

In Pyodide there is no ``python-calamine``, and openpyxl spends ~15 µs per cell building element trees and
cell objects. This scanner reads the worksheet XML with regular expressions instead, and takes everything
else from openpyxl itself — the opened workbook's shared strings, date styles, epoch and sheet size, and its
own number/date converters — so each row holds the same values. It handles the cells Excel, WPS, openpyxl
and pandas write (numbers, shared and inline strings, booleans, errors, ISO dates, date-styled serials);
for anything else (formulas, rich inline text, prefixed tags, cells or rows without a reference, …)
:func:`sheet_rows` returns None and the caller lets openpyxl read the sheet. A test reads many workbooks
both ways and requires the same rows. (:mod:`grader.intake.xlsx_texts` gives the rows' texts directly.)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.DOTALL)
_ATTR = re.compile(rb"""([\w:]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_VALUE = re.compile(rb"^<v>(.*?)</v>$|^<v\s*/>$", re.DOTALL)
_INLINE = re.compile(rb"^<is>(?:<t(?:\s+xml:space=\"preserve\")?>(.*?)</t>|<t\s*/>)?</is>$", re.DOTALL)
_REF = re.compile(rb"^([A-Z]{1,3})([0-9]+)$")
_ENTITY = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


class Unsupported(Exception):
    """A construct this scanner does not read: openpyxl reads the sheet instead."""


def _entity(match: re.Match[str]) -> str:
    name = match.group(1)
    if name[0] != "#":
        return _NAMED[name]
    return chr(int(name[2:], 16) if name[1] in "xX" else int(name[1:]))


def _text(raw: bytes) -> str:
    """Element text as an XML parser gives it: line ends normalised, entities replaced."""
    if b"<" in raw:
        raise Unsupported("markup inside a value")
    text = raw.decode("utf-8")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _ENTITY.sub(_entity, text) if "&" in text else text


def _attrs(raw: bytes) -> dict[bytes, bytes]:
    out = {}
    for name, double, single in _ATTR.findall(raw):
        out[name] = double if double or not single else single
    return out


_COLUMNS: dict[bytes, int] = {}


def column_number(letters: bytes) -> int:
    """b"A" → 1, b"Z" → 26, b"AA" → 27 (upper-case letters)."""
    number = 0
    for ch in letters:
        number = number * 26 + ch - 64
    return number


def _column(letters: bytes) -> int:
    """:func:`column_number`, remembered (letters of at most three characters: the cache stays small)."""
    number = _COLUMNS.get(letters)
    if number is None:
        number = _COLUMNS[letters] = column_number(letters)
    return number


class _Cells:
    """Cell values as openpyxl's ``WorkSheetParser.parse_cell`` makes them (data_only=False)."""

    def __init__(self, worksheet: Any) -> None:
        from openpyxl.utils.datetime import from_excel, from_ISO8601  # noqa: PLC0415
        from openpyxl.worksheet._reader import _cast_number  # noqa: PLC0415

        book = worksheet.parent
        self.strings = worksheet._shared_strings
        self.epoch, self.dates, self.durations = book.epoch, book._date_formats, book._timedelta_formats
        self.from_excel, self.from_iso, self.number = from_excel, from_ISO8601, _cast_number

    def date(self, value: float, style: int) -> Any:
        try:
            return self.from_excel(value, self.epoch, timedelta=style in self.durations)
        except (OverflowError, ValueError):
            return "#VALUE!"

    def value(self, kind: bytes, style: int, inner: bytes | None) -> Any:
        if not inner:
            return None
        if kind == b"inlineStr":
            match = _INLINE.match(inner)
            if match is None:
                raise Unsupported("rich inline text")
            return _text(match.group(1) or b"")
        match = _VALUE.match(inner)
        if match is None:
            raise Unsupported("formula or unknown cell content")
        raw = match.group(1)
        if not raw:
            return None
        text = _text(raw)
        if kind == b"n":
            value = self.number(text)
            return self.date(value, style) if style in self.dates else value
        if kind == b"s":
            return self.strings[int(text)]
        if kind == b"b":
            return bool(int(text))
        if kind in (b"str", b"e"):
            return text
        if kind == b"d":
            return self.from_iso(text)
        raise Unsupported("unknown cell type")


# The cells most writers produce: r, then s and/or t in either order, then a plain <v> or a plain inline
# string (no markup, no entities). A row with any other cell is read cell by cell (_general_cells).
_PLAIN_CELL = re.compile(
    rb'<c r="([A-Z]{1,3})([0-9]+)"(?: s="([0-9]+)")?(?: t="(\w+)")?(?: s="([0-9]+)")?\s*'
    rb'(?:/>|>(?:<v>([^<&]*)</v>|(<is><t(?: xml:space="preserve")?>)([^<&]*)</t></is>)?</c>)')


def _body(data: bytes) -> bytes:
    """The content of <sheetData> (found with bytes.find: a lazy regex over megabytes is slow in Pyodide)."""
    start = data.find(b"<sheetData")
    if start < 0 or data[start + 10:start + 11] not in (b">", b"/", b" "):
        raise Unsupported("no plain <sheetData>")
    open_end = data.find(b">", start)
    if data[open_end - 1:open_end] == b"/":
        return b""
    end = data.find(b"</sheetData>", open_end)
    if end < 0:
        raise Unsupported("unterminated <sheetData>")
    return data[open_end + 1:end]


Plain = Callable[[list[tuple[bytes, ...]], bytes, "_Cells"], list[tuple[int, Any]]]
General = Callable[[bytes, int, "_Cells"], list[tuple[int, Any]]]


def _parse(data: bytes, cells: _Cells, max_row: int | None, plain: Plain,
           general: General) -> list[tuple[int, list[tuple[int, Any]]]]:
    body = _body(data)
    if b"\r" in body:
        raise Unsupported("carriage returns (line ends an XML parser would normalise)")
    rows = []
    last = 0
    pos = 0
    while True:
        start = body.find(b"<row", pos)
        if start < 0:
            break
        tag_end = body.find(b">", start)
        if tag_end < 0 or body[start + 4:start + 5] not in (b" ", b">", b"/"):
            raise Unsupported("unusual row tag")
        if body[tag_end - 1:tag_end] == b"/":
            content, pos = b"", tag_end + 1
        else:
            end = body.find(b"</row>", tag_end)
            if end < 0:
                raise Unsupported("unterminated row")
            content, pos = body[tag_end + 1:end], end + 6
        number = _attrs(body[start + 4:tag_end]).get(b"r")
        if number is None or not number.isdigit():
            raise Unsupported("row without a number")
        index = int(number)
        if index <= last:
            raise Unsupported("rows out of order")
        last = index
        if max_row is not None and index > max_row:
            rows.append((index, []))  # past the last row asked for: the caller pads up to it
            break
        found = _PLAIN_CELL.findall(content)
        if len(found) == content.count(b"<c ") + content.count(b"<c>"):
            rows.append((index, plain(found, number, cells)))
        else:
            rows.append((index, general(content, index, cells)))
    return rows


def _plain_cells(found: list[tuple[bytes, ...]], number: bytes, cells: _Cells) -> list[tuple[int, Any]]:
    strings, dates, columns = cells.strings, cells.dates, _COLUMNS
    values: list[tuple[int, Any]] = []
    for letters, row, s1, kind, s2, v, inline, text in found:
        if row != number and int(row) != int(number):
            raise Unsupported("cell outside its row")
        if kind == b"inlineStr":
            value: Any = text.decode("utf-8") if inline else None
        elif not v:
            value = None
        elif not kind or kind == b"n":  # openpyxl's _cast_number, on the bytes
            value = float(v) if b"." in v or b"e" in v or b"E" in v else int(v)
            if (s1 or s2) and int(s1 or s2) in dates:
                value = cells.date(value, int(s1 or s2))
        elif kind == b"s":
            value = strings[int(v)]
        elif kind in (b"str", b"e"):
            value = v.decode("utf-8")
        elif kind == b"b":
            value = bool(int(v))
        else:
            value = cells.value(kind, int(s1 or s2 or 0), b"<v>" + v + b"</v>")
        values.append((columns.get(letters) or _column(letters), value))
    return values


def _general_cells(content: bytes, index: int, cells: _Cells) -> list[tuple[int, Any]]:
    values = []
    for cell in _CELL.finditer(content):
        attrs = _attrs(cell.group(1))
        ref = _REF.match(attrs.get(b"r", b""))
        if ref is None or int(ref.group(2)) != index:
            raise Unsupported("cell without a reference")
        style = attrs.get(b"s")
        values.append((_column(ref.group(1)),
                       cells.value(attrs.get(b"t", b"n"), int(style) if style else 0, cell.group(2))))
    return values


def _scan(worksheet: Any, max_row: int | None, max_cells: int | None, *, plain: Plain, general: General,
          fill: Any) -> list[list[Any]] | None:
    """The sheet's rows padded as ``ReadOnlyWorksheet._cells_by_row`` pads them (``fill`` for a missing cell),
    or None when the scanner declines the sheet."""
    try:
        data = worksheet.parent._archive.read(worksheet._worksheet_path)
        if max_cells is not None and max_row is None and data.count(b"<c") > max_cells:
            return None
        parsed = _parse(data, _Cells(worksheet), max_row or worksheet.max_row, plain, general)
    except (Unsupported, KeyError, ValueError, IndexError, UnicodeDecodeError):
        return None
    max_col = worksheet.max_column
    max_row = max_row or worksheet.max_row
    last = parsed[-1][0] if parsed else 0
    if max_cells is not None and min(last, max_row or last) * (max_col or 0) > max_cells:
        return None  # padded to a (declared) width and height past the cap: the counting reader refuses it
    out: list[list[Any]] = []
    counter = 1
    for index, values in parsed:  # the same padding and gaps as ReadOnlyWorksheet._cells_by_row
        if max_row is not None and index > max_row:
            out.extend([fill] * (max_col or 0) for _ in range(max_row + 1 - counter))
            break
        while counter < index:
            out.append([fill] * (max_col or 0))
            counter += 1
        out.append(_row(values, max_col, fill))
        counter += 1
    return out


def sheet_rows(worksheet: Any, max_row: int | None = None, *, max_cells: int | None = None) -> list[tuple[Any, ...]] | None:
    """``list(worksheet.iter_rows(max_row=max_row, values_only=True))`` of an openpyxl read-only worksheet,
    or None when the sheet holds something this scanner does not read, or (``max_cells``) more cell elements
    than that: openpyxl then reads it row by row, under the caller's own cap."""
    rows = _scan(worksheet, max_row, max_cells, plain=_plain_cells, general=_general_cells, fill=None)
    return None if rows is None else [tuple(row) for row in rows]


def _row(values: list[tuple[int, Any]], max_col: int | None, fill: Any) -> list[Any]:
    if not values and not max_col:
        return []
    width = max_col or values[-1][0]
    row: list[Any] = [fill] * width
    for column, value in values:
        if 1 <= column <= width:
            row[column - 1] = value
    return row


__all__ = ["Unsupported", "column_number", "sheet_rows"]
