"""How far a worksheet's cells reach, read from its XML before any reader builds the sheet.

Readers lay a sheet out as a rectangle from its first to its last cell: ``python-calamine`` allocates every cell
of it at once (two cells at ``A1048576`` and ``XFD1`` make 17 billion: the process aborts), openpyxl pads every
row to the widest one. A few kilobytes can declare such a sheet, so the rectangle is bounded first: the last row
number times the widest column must stay within :data:`~grader.intake.limits.MAX_CELLS`. Only the row tags and
the cells in columns past Z are looked at (answer tables have a handful of columns), so the check costs a
regular-expression pass over the part, not a parse.
"""

from __future__ import annotations

import re
import zipfile

from grader.intake.errors import TOO_COMPLEX, ReadError
from grader.intake.limits import MAX_CELLS
from grader.intake.tables import MAX_COLUMNS
from grader.intake.xlsx_fast import column_number

_SHEET = re.compile(r"^xl/worksheets/[^/]+\.xml$", re.IGNORECASE)
# r="…" holds digits only in a row tag and a column's letters first in a cell. Writers put a space before an
# attribute, and a pattern starting with that literal is a fast search; a part with another white space before
# r= is searched with the general (five times slower) pattern.
_ROW = {" ": re.compile(rb" r=[\"']([0-9]+)[\"']"), "any": re.compile(rb"\sr=[\"']([0-9]+)[\"']")}
_WIDE_CELL = {" ": re.compile(rb" r=[\"']([A-Za-z]{2,})[0-9]"), "any": re.compile(rb"\sr=[\"']([A-Za-z]{2,})[0-9]")}
_NARROW_CELL = {" ": re.compile(rb" r=[\"']([A-Za-z])[0-9]"), "any": re.compile(rb"\sr=[\"']([A-Za-z])[0-9]")}


def sheet_extent(xml: bytes) -> tuple[int, int]:
    """(last row, widest column) a reader would lay the sheet out to; column 26 stands for A–Z unless the sheet
    is long enough for its width within A–Z to matter."""
    space = "any" if b"\nr=" in xml or b"\tr=" in xml or b"\rr=" in xml else " "
    rows = max((int(n) for n in _ROW[space].findall(xml)), default=0)
    wide = _widest(_WIDE_CELL[space], xml, 0)  # past Z, even past XFD
    if wide or rows * 26 <= MAX_CELLS:
        return rows, max(wide, 26)
    return rows, _widest(_NARROW_CELL[space], xml, 1)  # a long sheet within A–Z: its own width counts


def _widest(pattern: re.Pattern[bytes], xml: bytes, default: int) -> int:
    return max((column_number(c.upper()) for c in pattern.findall(xml)), default=default)


def check_extents(zf: zipfile.ZipFile) -> None:
    """Refuse a workbook one of whose sheets would be laid out wider than a CSV header may be, or past
    :data:`MAX_CELLS` cells."""
    for info in zf.infolist():
        if not _SHEET.match(info.filename):
            continue
        rows, columns = sheet_extent(zf.read(info))
        if columns > MAX_COLUMNS:  # the same width cap as a CSV header
            raise ReadError(TOO_COMPLEX.format(what=f"工作表宽到第 {columns} 列，上限 {MAX_COLUMNS} 列；"
                                                    "可能有单元格被误填在很远的位置"))
        if rows * columns > MAX_CELLS:
            raise ReadError(TOO_COMPLEX.format(
                what=f"工作表的数据从第 1 行排到第 {rows} 行、宽到第 {columns} 列，超过 {MAX_CELLS} 个单元格；"
                     "可能有单元格被误填在很远的位置"))


__all__ = ["check_extents", "sheet_extent"]
