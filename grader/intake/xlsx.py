"""XLSX workbooks → rows of text cells, with the sheet chosen by its header.

Two engines give the same rows: ``python-calamine`` (Rust, CPython only; 3–13× faster) and ``openpyxl``
(pure Python; in Pyodide, and for sheets with formulas, where the cached value must be checked). Before
either opens the file, the zip directory is checked: each sheet and ``sharedStrings.xml`` may expand to
at most :data:`MAX_PART_BYTES`, the whole workbook to :data:`MAX_WORKBOOK_BYTES` (a workbook padded with
millions of shared strings or huge cells is refused in microseconds, in the browser too).

Sheet choice: the named ``sheet`` of the spec, else the one sheet, else the sheet whose header names the
most of the exercise's columns (the answer on the second sheet, raw orders on the first) — said in a note.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any

from grader.intake.cells import cell_text
from grader.intake.errors import TOO_COMPLEX, ReadError
from grader.intake.headers import HEADER_SEARCH_ROWS, Header
from grader.intake.limits import MAX_CELLS
from grader.intake.normalize import NoteBook
from grader.intake.tables import HeaderPicker
from grader.intake.xlsx_extent import check_extents
from grader.intake.xlsx_fast import sheet_rows
from grader.intake.xlsx_sizes import quick_sizes
from grader.intake.xlsx_texts import sheet_texts
from grader.log import log_exception

MAX_PART_BYTES = 40 * 1024 * 1024
MAX_WORKBOOK_BYTES = 120 * 1024 * 1024
MAX_SHARED_STRINGS = 2_000_000
_PART = re.compile(r"^xl/(worksheets/[^/]+\.xml|sharedStrings\.xml)$", re.IGNORECASE)

try:  # CPython wheels only; Pyodide reads with openpyxl
    import python_calamine as _calamine
except ImportError:  # pragma: no cover - exercised in Pyodide
    _calamine = None


DAMAGED_XLSX = "Excel 文件不完整或已损坏（可能没有传完）；请重新保存后再提交"
WORKBOOK_PARTS = ("[Content_Types].xml", "xl/workbook.xml")


def is_workbook_zip(data: bytes) -> bool:
    """True when ``data`` opens as a zip whose directory holds the parts every workbook has."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = {name.lower() for name in zf.namelist()}
    except (zipfile.BadZipFile, EOFError, ValueError, OSError):
        return False
    return all(part.lower() in names for part in WORKBOOK_PARTS)


def guard_zip(data: bytes) -> zipfile.ZipFile:
    """Open the workbook as a zip and refuse oversized parts from the directory alone."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError, OSError):
        raise ReadError(DAMAGED_XLSX) from None
    total = 0
    for info in infos:
        total += info.file_size
        if _PART.match(info.filename) and info.file_size > MAX_PART_BYTES:
            what = "共享字符串表" if "sharedStrings" in info.filename else "工作表"
            raise ReadError(TOO_COMPLEX.format(what=f"{what}解压后有 {info.file_size / 1048576:.0f} MB，"
                                                    f"上限 {MAX_PART_BYTES // 1048576} MB"))
    if total > MAX_WORKBOOK_BYTES:
        raise ReadError(TOO_COMPLEX.format(what=f"工作簿解压后有 {total / 1048576:.0f} MB"))
    strings = next((i for i in infos if i.filename.lower() == "xl/sharedstrings.xml"), None)
    if strings is not None:
        with zf.open(strings) as fh:
            head = fh.read(512).decode("utf-8", "replace")
        m = re.search(r'uniqueCount="(\d+)"', head) or re.search(r'count="(\d+)"', head)
        if m and int(m.group(1)) > MAX_SHARED_STRINGS:
            raise ReadError(TOO_COMPLEX.format(what=f"共享字符串表声明了 {int(m.group(1))} 个字符串"))
    return zf


class _Texts(dict):
    """cell_text of floats and datetimes, remembered (columns of amounts and times repeat their values).

    Only these two types come here: a float never equals a datetime, but 1.0 == True == 1 would mix texts.
    Aware datetimes are not kept (equal instants in two time zones read differently)."""

    def __missing__(self, value: Any) -> str:
        text = cell_text(value)
        if not (isinstance(value, dt.datetime) and value.tzinfo is not None):
            self[value] = text
        return text


_REMEMBERED = frozenset({float, dt.datetime})


def _texts(rows: Any) -> list[list[str]]:
    out: list[list[str]] = []
    cells = 0
    known = _Texts()
    for row in rows:
        cells += len(row)
        if cells > MAX_CELLS:
            raise ReadError(TOO_COMPLEX.format(what=f"工作表超过 {MAX_CELLS} 个单元格"))
        # text cells (most of them) as they are, without a call
        out.append([v if type(v) is str else known[v] if type(v) in _REMEMBERED else cell_text(v) for v in row])
    return _trimmed(out)


def _checked(texts: list[list[str]]) -> list[list[str]]:
    """Rows already turned into texts (:func:`sheet_texts`), under the same cap as :func:`_texts`."""
    if sum(map(len, texts)) > MAX_CELLS:
        raise ReadError(TOO_COMPLEX.format(what=f"工作表超过 {MAX_CELLS} 个单元格"))
    return _trimmed(texts)


def _trimmed(out: list[list[str]]) -> list[list[str]]:
    while out and not any(c.strip() for c in out[-1]):
        out.pop()
    return out


# ---- engines: each returns {sheet name: rows} for the sheets asked ------------------------------
class _Calamine:
    def __init__(self, data: bytes) -> None:
        self.book = _calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))  # type: ignore[union-attr]
        self.names: list[str] = list(self.book.sheet_names)
        self._kept: tuple[str, Any] | None = None

    def _sheet(self, name: str, *, keep: bool) -> Any:
        """The parsed sheet; the one whose head was read last is kept for its rows (parsing is the costly part).

        At most one parsed sheet is held at a time, as without the cache."""
        sheet = self._kept[1] if self._kept is not None and self._kept[0] == name else None
        self._kept = None
        if sheet is None:
            sheet = self.book.get_sheet_by_name(name)
        if keep:
            self._kept = (name, sheet)
        return sheet

    def head(self, name: str) -> list[list[str]]:
        return _texts(self._sheet(name, keep=True).to_python(skip_empty_area=False, nrows=HEADER_SEARCH_ROWS))

    def rows(self, name: str) -> list[list[str]]:
        values = self._sheet(name, keep=False).to_python(skip_empty_area=False)
        return _texts(values)


class _Openpyxl:
    def __init__(self, data: bytes, values: bool) -> None:
        from openpyxl import load_workbook  # noqa: PLC0415  (heavy; only XLSX submissions need it)

        with quick_sizes():
            self.book = load_workbook(io.BytesIO(data), read_only=True, data_only=values)
        self.names = list(self.book.sheetnames)
        self.fast = not values  # the scanner reads formula-free sheets; cached formula values are openpyxl's

    def head(self, name: str) -> list[list[str]]:
        texts = sheet_texts(self.book[name], HEADER_SEARCH_ROWS, max_cells=MAX_CELLS) if self.fast else None
        if texts is not None:
            return _checked(texts)
        return _texts(self.book[name].iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True))

    def texts(self, name: str) -> list[list[str]] | None:
        """The sheet's text rows when the scanner reads it and no cell can be a formula; else None."""
        texts = sheet_texts(self.book[name], max_cells=MAX_CELLS) if self.fast else None
        return None if texts is None else _checked(texts)

    def raw(self, name: str) -> list[tuple[Any, ...]]:
        rows = sheet_rows(self.book[name], max_cells=MAX_CELLS) if self.fast else None
        if rows is not None:
            return rows
        out, cells = [], 0
        for row in self.book[name].iter_rows(values_only=True):
            cells += len(row)
            if cells > MAX_CELLS:
                raise ReadError(TOO_COMPLEX.format(what=f"工作表超过 {MAX_CELLS} 个单元格"))
            out.append(row)
        return out

    def rows(self, name: str) -> list[list[str]]:
        return _texts(self.raw(name))

    def close(self) -> None:
        self.book.close()


def _sheet_path(zf: zipfile.ZipFile, index: int) -> str | None:
    names = sorted((n for n in zf.namelist() if n.lower().startswith("xl/worksheets/sheet") and n.endswith(".xml")),
                   key=lambda n: int(re.sub(r"\D", "", n.rsplit("/", 1)[-1]) or 0))
    return names[index] if index < len(names) else None


def _has_formulas(zf: zipfile.ZipFile, index: int) -> bool:
    path = _sheet_path(zf, index)
    if path is None:
        return True  # unusual layout: let openpyxl decide
    xml = zf.read(path)
    if xml.find(b"<f") < 0 and xml.find(b":f") < 0:  # every match holds one of these: no regex scan needed
        return False
    return re.search(rb"<(?:\w+:)?f[ >/]", xml) is not None


def _choose(names: list[str], head: Any, sheet: str | None, picker: HeaderPicker,
            book: NoteBook) -> tuple[str, Header]:
    if sheet and sheet in names:
        return sheet, picker(head(sheet))
    if len(names) == 1 or sheet:
        if sheet:
            book.add("sheet", f"找不到名为“{sheet}”的工作表，已读取第一个工作表“{names[0]}”")
        return names[0], picker(head(names[0]))
    scored = [(name, picker(head(name))) for name in names]
    best = max(scored, key=lambda item: item[1].score)  # ties: the first sheet
    if best[1].score == 0:
        best = next(((n, h) for n, h in scored if head(n)), scored[0])
    if best[0] != names[0]:
        book.add("sheet", f"读取的是工作表“{best[0]}”（它的表头和练习要求的列对得上；第一个工作表“{names[0]}”不是答案表）")
    return best


def read_xlsx(data: bytes, book: NoteBook, picker: HeaderPicker, sheet: str | None = None, *,
              engine: str | None = None) -> tuple[list[list[str]], Header]:
    """(rows, header) of the answer sheet. ``engine``: ``calamine`` | ``openpyxl`` | None (the fastest usable)."""
    zf = guard_zip(data)
    check_extents(zf)
    if engine is None:
        engine = "calamine" if _calamine is not None else "openpyxl"
    try:
        reader: Any = _Calamine(data) if engine == "calamine" else _Openpyxl(data, values=False)
    except ReadError:
        raise
    except Exception as exc:
        log_exception("xlsx open", engine, exc)
        raise ReadError("无法打开这个 Excel 文件（可能已损坏，或不是 Excel/WPS 保存的 .xlsx）；"
                        "请用 Excel/WPS 重新另存为 .xlsx 或 CSV") from None
    try:
        name, header = _choose(reader.names, reader.head, sheet, picker, book)
        index = reader.names.index(name)
        if engine == "calamine" and not _has_formulas(zf, index):
            return reader.rows(name), header
        if engine == "calamine":
            reader = _Openpyxl(data, values=False)
        return _with_formulas(data, reader, name, book), header
    finally:
        if isinstance(reader, _Openpyxl):
            reader.close()


def _with_formulas(data: bytes, reader: _Openpyxl, name: str, book: NoteBook) -> list[list[str]]:
    """Rows of a sheet read by openpyxl; formula cells get the value Excel saved (or a clear refusal)."""
    texts = reader.texts(name)
    if texts is not None:
        return texts
    raw = reader.raw(name)
    formulas = [(r, c) for r, row in enumerate(raw) for c, v in enumerate(row) if isinstance(v, str) and v.startswith("=")]
    if not formulas:
        return _texts(raw)
    values = _Openpyxl(data, values=True)
    try:
        rows = values.rows(name)
    finally:
        values.close()
    for r, c in formulas:
        if r >= len(rows) or c >= len(rows[r]) or rows[r][c] == "":
            raise ReadError(f"单元格 {column_letter(c)}{r + 1} 是公式，但文件里没有保存计算结果；"
                            "请用 Excel/WPS 打开、保存后再提交（或另存为 CSV）")
    book.add("formula", f"有 {len(formulas)} 个公式单元格，已读取其中保存的计算结果")
    return rows


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


__all__ = ["MAX_PART_BYTES", "MAX_SHARED_STRINGS", "MAX_WORKBOOK_BYTES", "cell_text", "column_letter", "guard_zip",
           "read_xlsx"]
