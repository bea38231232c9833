"""The class roster (``--roster`` and the browser's 名单): 学号 from a text/CSV file, an XLSX or a pasted list.

Text: the first cell of each line (separated by comma, full-width comma, tab or space), UTF-8 (BOM or not)
or GBK; a header line such as ``学号,姓名`` is skipped because it is no 学号. XLSX: the first column of the
first sheet. A pasted string without line breaks may be a comma/space-separated list.
"""

from __future__ import annotations

import io
import re

__all__ = ["ROSTER_ID", "RosterError", "parse_roster"]

ROSTER_ID = re.compile(r"[A-Za-z]{0,3}\d[A-Za-z0-9-]*")
"""What a 学号 on a roster looks like (letters prefix allowed, e.g. S2024001)."""
MAX_ROSTER_BYTES = 5 << 20


class RosterError(ValueError):
    """The roster cannot be read; the message is one Chinese line (why), the caller adds what to do."""


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RosterError("编码无法识别")


def _xlsx_cells(raw: bytes) -> list[str]:
    from openpyxl import load_workbook  # noqa: PLC0415  (only for XLSX rosters)

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception:  # any broken workbook: one line, not an exception name
        raise RosterError("Excel 文件无法打开") from None
    try:
        sheet = book.worksheets[0]
        cells = []
        for row in sheet.iter_rows(min_col=1, max_col=1, max_row=20000, values_only=True):
            value = row[0] if row else None
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            cells.append("" if value is None else str(value))
        return cells
    finally:
        book.close()


def parse_roster(data: bytes | str) -> list[str]:
    """学号 in roster order, each once; raises :class:`RosterError` (Chinese reason) when none is found."""
    if isinstance(data, bytes):
        if len(data) > MAX_ROSTER_BYTES:
            raise RosterError("文件过大（名单应只有学号和姓名）")
        items = _xlsx_cells(data) if data.startswith(b"PK\x03\x04") else _lines(_decode(data), single_line_list=False)
    else:
        items = _lines(data, single_line_list=True)
    ids = [i.strip() for i in items if ROSTER_ID.fullmatch(i.strip())]
    if not ids:
        raise RosterError("没有找到学号")
    return list(dict.fromkeys(ids))


def _lines(text: str, *, single_line_list: bool) -> list[str]:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if single_line_list and len(lines) <= 1:
        return re.split(r"[,，\s]+", text.strip())
    return [re.split(r"[,，\t ]", line, maxsplit=1)[0] for line in lines]
