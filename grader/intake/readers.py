"""Submission bytes + file name → a table of text cells or a parsed mapping, plus notes.

Readers cope with what Excel and WPS really save (GBK, UTF-8 with BOM, UTF-16 "Unicode text",
semicolons or tabs, title rows and two-row headers above the table, 合计 rows, formulas, the answer on
another sheet) and say what they did. Anything they cannot read raises :class:`ReadError` with one
Chinese line: what is wrong and what to do. No other exception leaves :func:`read_raw`.

Formats: CSV text (:mod:`grader.intake.tables`), XLSX (:mod:`grader.intake.xlsx`), YAML/JSON
(:mod:`grader.intake.documents`); each guards its own cost before parsing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import pandas as pd

from grader.intake.documents import load_document
from grader.intake.errors import FORMAT_NAMES, TOO_COMPLEX, ReadError
from grader.intake.file_kinds import disguised_line, not_a_result, sheet_line
from grader.intake.headers import Header, find_header
from grader.intake.limits import MAX_BYTES
from grader.intake.normalize import NoteBook
from grader.intake.tables import HeaderPicker, csv_rows, rows_to_frame
from grader.intake.xlsx import DAMAGED_XLSX, is_workbook_zip, read_xlsx
from grader.intake.yaml_repair import repair_yaml
from grader.log import log_exception
from grader.model import Note

EXTENSIONS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx",
              ".yaml": "yaml", ".yml": "yaml", ".json": "json"}


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
    """What the bytes look like: xlsx | docx | pptx | zip | xls | pdf | binary | text."""
    head = data[:8]
    if head.startswith(b"PK\x03\x04"):
        window = data[:65536]
        if b"xl/workbook.xml" not in window:  # Word and PowerPoint files are Office zips too
            if b"word/document.xml" in window:
                return "docx"
            if b"ppt/presentation.xml" in window:
                return "pptx"
        return "xlsx" if b"[Content_Types].xml" in data[:4096] or b"xl/" in window else "zip"
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


def decode_text(data: bytes, book: NoteBook, gbk_source: str = "Excel/WPS 的默认 CSV 编码") -> str:
    """Bytes → text, trying UTF-8 (with or without BOM), UTF-16 with BOM, then GB18030 (⊇ GBK); ``gbk_source``
    says in the note which program saves GBK."""
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
    book.add("encoding", f"文件按 GBK 编码读取（{gbk_source}）")
    return text


def read_csv_bytes(data: bytes, book: NoteBook, header_picker: HeaderPicker) -> pd.DataFrame:
    rows = csv_rows(decode_text(data, book).lstrip("\ufeff"), book)
    return rows_to_frame(rows, book, header_picker(rows), "csv")


def read_xlsx_bytes(data: bytes, book: NoteBook, header_picker: HeaderPicker, sheet: str | None = None, *,
                    engine: str | None = None) -> pd.DataFrame:
    rows, header = read_xlsx(data, book, header_picker, sheet, engine=engine)
    return rows_to_frame(rows, book, header, "xlsx")


def read_document(data: bytes, fmt: str, book: NoteBook) -> Any:
    """YAML or JSON bytes → Python data; syntax errors with line and column."""
    text = decode_text(data, book, "Windows 记事本存为“ANSI”时的编码").lstrip("\ufeff")
    if not text.strip():
        raise ReadError("文件里只有空白，没有内容；请填写配置后再提交")
    if fmt == "yaml":
        text = repair_yaml(text, book)
    return load_document(text, fmt)


# ---------------------------------------------------------------------------------------------
def _format_from_name(filename: str) -> str | None:
    return EXTENSIONS.get(PurePath(filename).suffix.lower())


def _content_format(declared: str, sniffed: str, filename: str, data: bytes, *, accept: list[str], book: NoteBook) -> str:
    """The format to read: the declared one, or, for a CSV renamed .xlsx (or a workbook renamed .csv) when
    the exercise takes both, the one the content is, with a note; any other mismatch raises ReadError."""
    if declared == "xlsx" and sniffed == "zip":
        if is_workbook_zip(data):  # a workbook whose parts lie past the sniffed window
            return declared
        raise ReadError(DAMAGED_XLSX)  # a zip named .xlsx without a workbook's parts, or cut short
    ext = PurePath(filename).suffix or "（无扩展名）"
    if sniffed == "xls":
        raise ReadError(sheet_line("xls"))  # an Excel 97 workbook renamed .csv or .xlsx
    if sniffed == "pdf":
        raise ReadError("这是 PDF 文件，不是数据表；请提交练习要求的 CSV/Excel/YAML 文件")
    if sniffed in ("docx", "pptx"):  # a document renamed .xlsx/.csv: say what it is, as for its own name
        raise ReadError(disguised_line(sniffed, filename, accept))
    if sniffed == "zip":
        raise ReadError("这是一个压缩包，不是单个提交文件；请解压后提交其中的文件")
    if sniffed == "binary":
        raise ReadError(f"文件内容是二进制数据，不是{FORMAT_NAMES[declared]}（可能已损坏或扩展名 {ext} 不对）；请重新导出后再提交")
    if declared == "xlsx" and sniffed != "xlsx":
        if "csv" in accept and not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):  # not HTML/XML
            book.add("renamed", f"文件扩展名是 {ext}，内容却是 CSV 文本，已按 CSV 读取；以后请直接保存为 .csv")
            return "csv"
        raise ReadError(f"文件扩展名是 {ext}，内容却不是 Excel 工作簿；请用 Excel/WPS 另存为 .xlsx，或把扩展名改成实际格式")
    if declared != "xlsx" and sniffed == "xlsx":
        if "xlsx" in accept:
            book.add("renamed", f"文件扩展名是 {ext}，内容却是 Excel 工作簿，已按 Excel 读取；以后请直接保存为 .xlsx")
            return "xlsx"
        raise ReadError(f"文件扩展名是 {ext}，内容却是 Excel 工作簿；请把扩展名改为 .xlsx，或另存为 CSV 后再提交")
    return declared


def read_raw(data: bytes, filename: str, accept: list[str], *, header_picker: HeaderPicker | None = None,
             sheet: str | None = None, book: NoteBook | None = None) -> RawTable | RawDocument:
    """Read one submission; raises only :class:`ReadError`. Corrections go into ``book`` (and ``.notes``)."""
    try:
        return _read_raw(data, filename, accept, header_picker=header_picker or (lambda _rows: Header()),
                         sheet=sheet, book=book if book is not None else NoteBook())
    except (ReadError, MemoryError):  # MemoryError: the per-file memory limit (the caller reports it)
        raise
    except RecursionError:
        raise ReadError(TOO_COMPLEX.format(what="嵌套太深")) from None
    except Exception as exc:  # every other failure still becomes one line, never a traceback
        log_exception("read", filename, exc)
        raise ReadError("无法读取文件（内容不符合它的格式，可能已损坏）；请重新导出为练习要求的格式后再提交") from None


def _read_raw(data: bytes, filename: str, accept: list[str], *, header_picker: HeaderPicker, sheet: str | None,
              book: NoteBook) -> RawTable | RawDocument:
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ReadError("提交的内容不是文件数据；请重新提交文件")
    data = bytes(data)
    wanted = "、".join("." + a for a in accept)
    if len(data) == 0:
        raise ReadError("文件是空的，什么内容都没有；请重新保存结果后再提交")
    if len(data) > MAX_BYTES:
        raise ReadError(f"文件有 {len(data) / 1024 / 1024:.1f} MB，超过上限 {MAX_BYTES // 1024 // 1024} MB；提交的应是结果表，不是原始数据")
    fmt = _format_from_name(filename)
    if fmt is None:
        mistaken = not_a_result(filename, accept)
        if mistaken:
            raise ReadError(mistaken)
        ext = PurePath(filename).suffix or "（无扩展名）"
        raise ReadError(f"扩展名 {ext} 不是本练习接受的格式（可用：{wanted}）；请另存为其中一种格式")
    if fmt not in accept:
        fmt = _config_in_text(filename, data, accept, book) or fmt
    if fmt not in accept:
        raise ReadError(f"本练习要提交 {wanted} 文件，收到的是 {FORMAT_NAMES[fmt]}；请按练习要求的格式另存后再提交")
    fmt = _content_format(fmt, sniff_format(data), filename, data, accept=accept, book=book)
    if fmt in ("yaml", "json"):
        doc = read_document(data, fmt, book)
        return RawDocument(doc, book.notes(), fmt)
    if fmt == "xlsx":
        frame = read_xlsx_bytes(data, book, header_picker, sheet)
    else:
        frame = read_csv_bytes(data, book, header_picker)
    return RawTable(frame, book.notes(), fmt)


_CONFIG_LINE = re.compile(r"^[ \t]*(?:-[ \t]*)?[^\W\d_]\w*[ \t]*[:：]", re.MULTILINE)


def _config_in_text(filename: str, data: bytes, accept: list[str], book: NoteBook) -> str | None:
    """A config saved by Notepad as ``.txt`` (``tier-config.yaml.txt``) for an exercise that takes YAML/JSON and
    no CSV: the format its text holds (JSON when it starts with a brace, YAML when a line starts with a key), with
    a note; None for anything else."""
    if PurePath(filename).suffix.lower() != ".txt" or "csv" in accept:
        return None
    try:  # its encoding is noted when the document is read
        text = decode_text(data, NoteBook()).lstrip("\ufeff \t\r\n")
    except ReadError:
        return None
    fmt = "json" if text.startswith("{") else "yaml" if _CONFIG_LINE.search(text) else None
    if fmt not in accept:
        return None
    book.add("renamed", f"文件扩展名是 .txt，内容是 {FORMAT_NAMES[fmt]}，已按 {FORMAT_NAMES[fmt]} 读取"
                        f"（用记事本保存时，“保存类型”选“所有文件”，文件名写成 ….{fmt}）")
    return fmt


def header_picker_for(sub: Any) -> Callable[[list[list[str]]], Header]:
    """A header finder for the exercise's submission spec (see :mod:`grader.intake.headers`)."""
    return lambda rows: find_header(rows, sub)


__all__ = ["EXTENSIONS", "MAX_BYTES", "RawDocument", "RawTable", "ReadError", "decode_text", "header_picker_for",
           "read_csv_bytes", "read_document", "read_raw", "read_xlsx_bytes", "sniff_format"]
