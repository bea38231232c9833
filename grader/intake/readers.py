"""Submission bytes + file name → a table of text cells or a parsed mapping, plus notes.

Readers cope with what Excel and WPS really save (GBK, UTF-8 with BOM, UTF-16 "Unicode text",
semicolons or tabs, a title row above the header, formulas) and say what they did. Anything they
cannot read raises :class:`ReadError` with one Chinese line: what is wrong and what to do. No
other exception leaves :func:`read_submission`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import pandas as pd
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from grader.intake.limits import MAX_BYTES, MAX_CELLS, MAX_ROWS
from grader.intake.normalize import NoteBook, find_header_row
from grader.model import Note

EXTENSIONS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx",
              ".yaml": "yaml", ".yml": "yaml", ".json": "json"}
FORMAT_NAMES = {"csv": "CSV", "xlsx": "Excel 工作簿（.xlsx）", "yaml": "YAML", "json": "JSON"}


class ReadError(Exception):
    """The file cannot be read; ``str(exc)`` is one Chinese line with the fix."""


@dataclass
class RawTable:
    """A table exactly as read: header strings and rows of text cells."""

    frame: pd.DataFrame
    """All cells are ``str``; "" for blank."""
    notes: list[Note] = field(default_factory=list)
    format: str = "csv"


@dataclass
class RawDocument:
    """A parsed YAML/JSON document (tier configs)."""

    data: Any
    notes: list[Note] = field(default_factory=list)
    format: str = "yaml"


# ---------------------------------------------------------------------------------------------
def sniff_format(data: bytes) -> str:
    """What the bytes look like: xlsx | zip | xls | pdf | binary | text."""
    head = data[:8]
    if head.startswith(b"PK\x03\x04"):
        return "xlsx" if b"[Content_Types].xml" in data[:4096] or b"xl/" in data[:65536] else "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "text"
    sample = data[:8192]
    if b"\x00" in sample:
        return "binary"
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13, 12))
    return "binary" if sample and controls / len(sample) > 0.05 else "text"


def decode_text(data: bytes, book: NoteBook) -> str:
    """Bytes → text, trying UTF-8 (with or without BOM), UTF-16 with BOM, then GB18030 (⊇ GBK)."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ReadError(f"文件开头标明是 UTF-8，但第 {exc.start} 字节处不是合法的 UTF-8；请重新另存为“CSV UTF-8”") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise ReadError("文件是不完整的 UTF-16 文本；请在 Excel 中另存为“CSV UTF-8（逗号分隔）”") from None
        book.add("encoding", "文件按 UTF-16（Excel“Unicode 文本”）读取")
        return text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise ReadError("无法识别文件的文字编码（不是 UTF-8 也不是 GBK）；请在 Excel/WPS 中另存为“CSV UTF-8”后再提交") from None
    book.add("encoding", "文件按 GBK 编码读取（Excel/WPS 的默认 CSV 编码）")
    return text


def _sniff_delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in (",", "\t", ";", "，")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _trailing_blank(rows: list[list[str]]) -> int:
    count = 0
    for row in reversed(rows):
        if any(c.strip() for c in row):
            break
        count += 1
    return count


def _rows_to_frame(rows: list[list[str]], book: NoteBook, header_row: int, fmt: str) -> pd.DataFrame:
    kept = [r for r in rows if any(c.strip() for c in r)]
    if kept and len(kept) < len(rows):
        blank_inside = len(rows) - len(kept) - _trailing_blank(rows)
        if blank_inside > 0:
            book.add("empty_rows", f"跳过了 {blank_inside} 个空行")
    rows = kept
    if not rows:
        raise ReadError(f"{FORMAT_NAMES[fmt]} 文件里没有任何数据；请确认保存的是结果表后再提交")
    if header_row:
        book.add("header", f"表头在第 {header_row + 1} 行，已跳过上面的标题行")
    header = [h.strip() for h in rows[header_row]]
    body = rows[header_row + 1:]
    width = max(len(header), *(len(r) for r in body)) if body else len(header)
    if width > len(header):
        header += [""] * (width - len(header))
    names: list[str] = []
    for i, h in enumerate(header):
        name = h or f"第{i + 1}列（无表头）"
        while name in names:
            name += "_"
        names.append(name)
    padded = [r + [""] * (width - len(r)) for r in body]
    frame = pd.DataFrame(padded, columns=names, dtype=object) if padded else pd.DataFrame(columns=names, dtype=object)
    empty_cols = [n for n, h in zip(names, header, strict=True) if not h and (frame[n] == "").all()]
    return frame.drop(columns=empty_cols)


def read_csv_bytes(data: bytes, book: NoteBook, header_picker: Callable[[list[list[str]]], int]) -> pd.DataFrame:
    text = decode_text(data, book).lstrip("\ufeff")
    if not text.strip():
        raise ReadError("文件里只有空白，没有数据；请确认保存的是结果表后再提交")
    sep = _sniff_delimiter(text)
    if sep == "，":
        book.add("format", "分隔符是全角逗号“，”，已按列分开")
    if "\x00" in text:
        raise ReadError("文件里有不该出现的二进制内容（可能已损坏）；请重新导出 CSV 后再提交")
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=False))
    except csv.Error as exc:
        raise ReadError(f"CSV 格式有误（{exc}）；请用 Excel/WPS 重新另存为 CSV 后再提交") from None
    if len(rows) > MAX_ROWS:
        raise ReadError(f"文件有 {len(rows)} 行，超过上限 {MAX_ROWS}；提交的应是结果表，不是原始数据")
    return _rows_to_frame(rows, book, header_picker(rows), "csv")


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S").removesuffix(" 00:00:00")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    return str(value)


def read_xlsx_bytes(data: bytes, book: NoteBook, header_picker: Callable[[list[list[str]]], int],
                    sheet: str | None = None) -> pd.DataFrame:
    from openpyxl import load_workbook  # noqa: PLC0415  (heavy; only XLSX submissions need it)

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, EOFError):
        raise ReadError("Excel 文件不完整或已损坏（可能没有传完）；请重新保存后再提交") from None
    except KeyError:
        raise ReadError("这个 .xlsx 文件缺少工作表内容（不是 Excel 保存的工作簿）；请用 Excel/WPS 另存为 .xlsx") from None
    except Exception as exc:
        raise ReadError(f"无法打开 Excel 文件（{type(exc).__name__}）；请用 Excel/WPS 重新另存为 .xlsx 或 CSV") from None
    try:
        ws = _pick_sheet(wb, sheet, book)
        rows, formulas = _sheet_rows(ws)
    finally:
        wb.close()
    if formulas:
        rows = _formula_values(data, ws.title, book, formulas)
    return _rows_to_frame(rows, book, header_picker(rows), "xlsx")


def _pick_sheet(wb: Any, sheet: str | None, book: NoteBook) -> Any:
    if sheet and sheet in wb.sheetnames:
        return wb[sheet]
    if sheet:
        book.add("sheet", f"找不到名为“{sheet}”的工作表，已读取第一个工作表“{wb.sheetnames[0]}”")
        return wb.worksheets[0]
    if len(wb.worksheets) == 1:
        return wb.worksheets[0]
    for ws in wb.worksheets:  # the first sheet that has something in its first rows
        if any(any(c is not None for c in r) for r in ws.iter_rows(max_row=3, values_only=True)):
            if ws is not wb.worksheets[0]:
                book.add("sheet", f"第一个工作表是空的，已读取工作表“{ws.title}”")
            return ws
    return wb.worksheets[0]


def _sheet_rows(ws: Any) -> tuple[list[list[str]], list[tuple[int, int]]]:
    """Cell texts of a sheet and the (row, column) of every formula cell."""
    rows: list[list[str]] = []
    formulas: list[tuple[int, int]] = []
    cells = 0
    for r, row in enumerate(ws.iter_rows(values_only=True)):
        cells += len(row)
        if cells > MAX_CELLS:
            raise ReadError(f"工作表超过 {MAX_CELLS} 个单元格；提交的应是结果表，不是原始数据")
        texts = []
        for c, value in enumerate(row):
            if isinstance(value, str) and value.startswith("="):
                formulas.append((r, c))
            texts.append(_cell_text(value))
        rows.append(texts)
    return rows, formulas


def _formula_values(data: bytes, title: str, book: NoteBook, formulas: list[tuple[int, int]]) -> list[list[str]]:
    """Re-read the sheet with the values Excel cached for its formulas."""
    from openpyxl import load_workbook  # noqa: PLC0415

    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        rows, _ = _sheet_rows(wb[title])
    finally:
        wb.close()
    for r, c in formulas:
        if r >= len(rows) or c >= len(rows[r]) or rows[r][c] == "":
            raise ReadError(f"单元格 {_column_letter(c)}{r + 1} 是公式，但文件里没有保存计算结果；"
                            "请用 Excel/WPS 打开、保存后再提交（或另存为 CSV）")
    book.add("formula", f"有 {len(formulas)} 个公式单元格，已读取其中保存的计算结果")
    return rows


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def read_document(data: bytes, fmt: str, book: NoteBook) -> Any:
    """YAML or JSON text → Python data; syntax errors with line and column."""
    text = decode_text(data, book).lstrip("\ufeff")
    if not text.strip():
        raise ReadError("文件里只有空白，没有内容；请填写配置后再提交")
    if fmt == "json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ReadError(f"JSON 语法错误：第 {exc.lineno} 行第 {exc.colno} 列（{exc.msg}）；请检查引号、逗号和括号") from None
    try:
        return YAML(typ="safe", pure=True).load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark else "某处"
        what = (exc.problem or exc.context or "").strip()
        raise ReadError(f"YAML 语法错误：{where}（{what}）；请检查缩进（只用空格）和“键: 值”中冒号后的空格") from None
    except YAMLError as exc:
        raise ReadError(f"YAML 无法解析（{str(exc)[:80]}）；请检查缩进和冒号") from None
    except RecursionError:
        raise ReadError("YAML 嵌套太深，无法解析；请按练习给出的格式填写") from None


# ---------------------------------------------------------------------------------------------
def _format_from_name(filename: str) -> str | None:
    return EXTENSIONS.get(PurePath(filename).suffix.lower())


def _check_kind_matches(declared: str, sniffed: str, filename: str) -> None:
    ext = PurePath(filename).suffix or "（无扩展名）"
    if sniffed == "xls":
        raise ReadError("这是旧版 Excel 97-2003（.xls）文件；请在 Excel/WPS 中另存为 .xlsx 或 CSV 后再提交")
    if sniffed == "pdf":
        raise ReadError("这是 PDF 文件，不是数据表；请提交练习要求的 CSV/Excel/YAML 文件")
    if sniffed == "zip":
        raise ReadError("这是一个压缩包，不是单个提交文件；请解压后提交其中的文件")
    if sniffed == "binary":
        raise ReadError(f"文件内容是二进制数据，不是{FORMAT_NAMES[declared]}（可能已损坏或扩展名 {ext} 不对）；请重新导出后再提交")
    if declared == "xlsx" and sniffed != "xlsx":
        raise ReadError(f"文件扩展名是 {ext}，内容却不是 Excel 工作簿；请用 Excel/WPS 另存为 .xlsx，或把扩展名改成实际格式")
    if declared != "xlsx" and sniffed == "xlsx":
        raise ReadError(f"文件扩展名是 {ext}，内容却是 Excel 工作簿；请把扩展名改为 .xlsx，或另存为 CSV 后再提交")


def read_raw(data: bytes, filename: str, accept: list[str], *,
             header_picker: Callable[[list[list[str]]], int] | None = None,
             sheet: str | None = None, book: NoteBook | None = None) -> RawTable | RawDocument:
    """Read one submission; raises only :class:`ReadError`. Corrections go into ``book`` (and ``.notes``)."""
    try:
        return _read_raw(data, filename, accept, header_picker=header_picker or (lambda _rows: 0),
                         sheet=sheet, book=book if book is not None else NoteBook())
    except ReadError:
        raise
    except MemoryError:
        raise ReadError("文件太大，内存不够读取；提交的应是结果表，不是原始数据") from None
    except Exception as exc:  # every other failure still becomes one line, never a traceback
        raise ReadError(f"无法读取文件（{type(exc).__name__}）；请重新导出为练习要求的格式后再提交") from None


def _read_raw(data: bytes, filename: str, accept: list[str], *,
              header_picker: Callable[[list[list[str]]], int], sheet: str | None,
              book: NoteBook) -> RawTable | RawDocument:
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ReadError("提交的内容不是文件数据；请重新提交文件")
    data = bytes(data)
    wanted = "、".join("." + a for a in accept)
    if len(data) == 0:
        raise ReadError("文件是空的（0 字节）；请重新保存结果后再提交")
    if len(data) > MAX_BYTES:
        raise ReadError(f"文件有 {len(data) / 1024 / 1024:.1f} MB，超过上限 {MAX_BYTES // 1024 // 1024} MB；提交的应是结果表，不是原始数据")
    fmt = _format_from_name(filename)
    if fmt is None:
        ext = PurePath(filename).suffix or "（无扩展名）"
        raise ReadError(f"扩展名 {ext} 不是本练习接受的格式（可用：{wanted}）；请另存为其中一种格式")
    if fmt not in accept:
        raise ReadError(f"本练习要提交 {wanted} 文件，收到的是 {FORMAT_NAMES[fmt]}；请按练习要求的格式另存后再提交")
    _check_kind_matches(fmt, sniff_format(data), filename)
    if fmt in ("yaml", "json"):
        doc = read_document(data, fmt, book)
        return RawDocument(doc, book.notes(), fmt)
    if fmt == "xlsx":
        frame = read_xlsx_bytes(data, book, header_picker, sheet)
    else:
        frame = read_csv_bytes(data, book, header_picker)
    return RawTable(frame, book.notes(), fmt)


def header_picker_for(sub: Any) -> Callable[[list[list[str]]], int]:
    """A header-row finder for the exercise's submission spec (the row naming the key column)."""
    return lambda rows: find_header_row(rows, sub)


__all__ = ["MAX_BYTES", "RawDocument", "RawTable", "ReadError", "decode_text", "header_picker_for",
           "read_document", "read_raw", "sniff_format"]
