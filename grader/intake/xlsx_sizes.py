"""openpyxl's read-only sheet sizes from the first bytes of each sheet part (the same sizes, without a parse).

openpyxl's read-only load sizes every sheet from its <dimension> element, with an XML parse that runs until
that element or the end of <sheetData>: for a sheet written without one (openpyxl's write-only mode,
pandas, this grader) it parses the whole sheet once just to learn nothing (0.5 s for 3 000 rows in
Pyodide). The same answer comes from the first bytes of the part.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Iterator
from typing import Any

from grader.intake.xlsx_fast import Unsupported, _attrs

_HEAD_BYTES = 64 * 1024
_DIMENSION = re.compile(rb"<dimension\b([^>]*)/?>")
_SIZING = threading.Lock()


def _quick_size(worksheet: Any, original: Any) -> None:
    """ReadOnlyWorksheet._get_size from the part's first bytes; openpyxl's own when they do not tell."""
    from openpyxl.worksheet.dimensions import SheetDimension  # noqa: PLC0415

    try:
        with worksheet._get_source() as src:
            head = src.read(_HEAD_BYTES)
        start = head.find(b"<sheetData")
        if start < 0:
            raise Unsupported("no plain <sheetData> near the start")
        found = list(_DIMENSION.finditer(head, 0, start))
        if len(found) > 1:
            raise Unsupported("several dimensions")
        if found:
            ref = _attrs(found[0].group(1)).get(b"ref")
            if ref is None:
                raise Unsupported("dimension without ref")
            dims = SheetDimension(ref=ref.decode("ascii")).boundaries
            worksheet._min_column, worksheet._min_row, worksheet._max_column, worksheet._max_row = dims
    except Exception:  # anything unusual: openpyxl sizes the sheet (and raises its own errors)
        original(worksheet)


@contextlib.contextmanager
def quick_sizes() -> Iterator[None]:
    """Within: openpyxl read-only workbooks size their sheets from the parts' first bytes (same sizes)."""
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet  # noqa: PLC0415

    with _SIZING:
        original = ReadOnlyWorksheet._get_size
        ReadOnlyWorksheet._get_size = lambda self: _quick_size(self, original)
        try:
            yield
        finally:
            ReadOnlyWorksheet._get_size = original


__all__ = ["quick_sizes"]
