"""Date and time columns of a submission: texts (also with / or .), Excel date serials, and whether Excel
dropped the seconds (then times are compared to the minute)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from grader.intake.normalize import NoteBook

EXCEL_EPOCH = pd.Timestamp("1899-12-30")
SERIAL_RE = re.compile(r"^\d{4,6}(\.\d+)?$")
"""An Excel date serial (days since 1899-12-30; 45962.5 = 2025-11-01 12:00) saved as a plain number."""
_SERIAL_CELL_RE = re.compile(r"\x00\d{4,6}(?:\.\d+)?\x00")  # a SERIAL_RE cell in _joined's text (fast scan)


def _joined(series: pd.Series) -> str | None:
    """The cells between NULs ("\\x00a\\x00b\\x00"), or None when some cell is not text."""
    try:
        return "\x00" + "\x00".join(series.tolist()) + "\x00"
    except TypeError:
        return None


def convert_datetime(series: pd.Series, col: str, book: NoteBook, *, date_only: bool) -> pd.Series:
    """A text column as datetimes; serials converted and unreadable cells noted in ``book``."""
    texts = series.where(series != "", None)
    joined = _joined(series)
    if joined is not None and _SERIAL_CELL_RE.search(joined) is None:  # no cell is a serial: skip the per-cell match
        serial = pd.Series(False, index=series.index)
    else:
        serial = texts.str.fullmatch(SERIAL_RE.pattern).fillna(False).astype(bool)
    dashed = texts.where(~serial)
    for mark in ("/", "."):  # a replace that finds nothing leaves the column as it is
        if joined is None or mark in joined:
            dashed = dashed.str.replace(mark, "-", regex=False)
    parsed = pd.to_datetime(dashed, errors="coerce", format="mixed")
    if serial.any():
        days = pd.to_numeric(texts[serial], errors="coerce")
        ok = days.between(20000, 80000)
        parsed.loc[days.index[ok]] = (EXCEL_EPOCH + pd.to_timedelta(days[ok] * 86400, unit="s")).dt.round("s")
        first = texts[serial][ok]
        if len(first):
            book.add("serial_date", "Excel 日期序号已换算成日期时间（单元格格式是“常规”时 Excel 会存成数字；"
                     "下次请把该列设为日期格式再保存）",
                     f"{col} {first.iloc[0]} → {parsed.loc[first.index[0]]:%Y-%m-%d %H:%M:%S}", count=len(first))
    bad = series[(series != "") & parsed.isna()]
    if len(bad):
        book.add("not_a_number", "无法识别的日期时间按空值处理（请写成 2025-11-01 12:30:00 这样的格式）",
                 f"{col} '{bad.iloc[0]}'", count=len(bad))
    return parsed.dt.normalize() if date_only else parsed


def minute_precision(series: pd.Series) -> bool:
    """True when every time of a datetime column is on a whole minute (Excel dropped the seconds)."""
    if series.dtype == np.dtype("datetime64[ns]"):  # naive: the fields straight from the int64 nanoseconds
        ns = series.to_numpy().view("int64")
        ns = ns[ns != np.iinfo("int64").min]  # NaT
        seconds = ns // 1_000_000_000  # floor: right before 1970 too
        return len(ns) >= 3 and bool((seconds % 60 == 0).all()) and bool((seconds % 86400 >= 60).any())
    values = series.dropna()
    return len(values) >= 3 and bool((values.dt.second == 0).all()) and bool(((values.dt.hour != 0) | (values.dt.minute != 0)).any())


__all__ = ["EXCEL_EPOCH", "SERIAL_RE", "convert_datetime", "minute_precision"]
