"""One spreadsheet cell's value (openpyxl's or calamine's Python value) as the text a person sees."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any


def cell_text(value: Any) -> str:
    """One cell as the text a person sees (numbers without a trailing .0, dates as YYYY-MM-DD …)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        if type(value) is dt.datetime and not value.microsecond and value.tzinfo is None and value.year >= 1000:
            text = value.isoformat(" ")  # the same text as the strftime below, several times faster
        else:
            text = value.strftime("%Y-%m-%d %H:%M:%S")
        return text.removesuffix(" 00:00:00")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, dt.timedelta):
        seconds = round(value.total_seconds())
        return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    return str(value)


__all__ = ["cell_text"]
