"""CSV output: UTF-8 with BOM (Excel and WPS open it without garbling), ``\\n`` line ends, amounts with
two decimals; the same tables give the same bytes on CPython and in Pyodide.

The bytes are exactly what ``DataFrame.to_csv(index=False, lineterminator="\\n", float_format="%.2f")``
writes (a test holds them equal), produced through the C ``csv`` writer because it is about 40 % faster,
which matters in the browser where a student's variant is written on every page.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pandas._libs import lib
from pandas._libs.parsers import STR_NA_VALUES
from pandas.core import algorithms

_NA_TEXTS = sorted(STR_NA_VALUES)
"""The texts ``pd.read_csv`` reads as missing by default (the parser's own list)."""
_MISSING = np.array([*_NA_TEXTS, None, np.nan], dtype=object)


def _per_distinct(values: np.ndarray, fmt: Callable[[Any], Any], dtype: Any) -> np.ndarray:
    """``fmt`` of each value of a numeric column, computed once per distinct value (amounts, ids, counts and flags
    repeat; one hash pass, no sort; NaN is a value of its own). A -0.0 would share 0.0's slot, so such a column is
    formatted value by value."""
    if values.size and np.any((values == 0) & np.signbit(values)):
        return np.array([fmt(v) for v in values.tolist()], dtype=dtype)
    codes, distinct = algorithms.factorize_array(values, use_na_sentinel=False)
    return np.array([fmt(v) for v in distinct.tolist()], dtype=dtype)[codes]


def _amounts(values: np.ndarray) -> np.ndarray:
    """'%.2f' of each float (pandas' float_format), as an object array; NaN gives "nan"."""
    return _per_distinct(values, "%.2f".__mod__, object)


def _amount_floats(values: np.ndarray) -> np.ndarray:
    """The floats the parser reads back from each '%.2f' text (NaN stays NaN)."""
    return _per_distinct(values, lambda v: float("%.2f" % v), np.float64)  # noqa: UP031


def _integers(values: np.ndarray) -> np.ndarray:
    """``str`` of each integer as an object array."""
    return _per_distinct(values, str, object)


def _cells(column: pd.Series) -> list:
    """One column as the values the csv writer prints: '%.2f' floats, '' for missing, the rest as is."""
    if column.dtype.kind == "f":
        values = column.to_numpy()
        text = _amounts(values)
        text[np.isnan(values)] = ""
        return text.tolist()
    if column.dtype.kind in "iu":
        return _integers(column.to_numpy()).tolist()
    if column.dtype.kind == "b":
        return column.to_numpy().astype(str).tolist()
    values = column.to_numpy(dtype=object).copy()
    values[pd.isna(values)] = ""
    return values.tolist()


def _texts(column: pd.Series) -> np.ndarray:
    """One column as an object array of its CSV cells' texts, NaN where pandas would read a missing value."""
    kind = column.dtype.kind
    if kind == "f":  # '%.2f' texts are never NA texts; missing floats are written as ""
        values = column.to_numpy()
        text = _amounts(values)
        text[np.isnan(values)] = np.nan
        return text
    if kind in "iu":
        return _integers(column.to_numpy())
    if kind == "b":
        return column.to_numpy().astype(str).astype(object)
    values = column.to_numpy(dtype=object).copy()
    absent = algorithms.isin(values, _MISSING)  # None, NaN and the NA texts, in one pass
    rest = values[~absent]
    if rest.size and not lib.is_string_array(rest, skipna=False):  # pd.NA, NaT, or objects the writer str()s
        missing = pd.isna(values)
        values = np.array([v if type(v) is str or m else str(v) for v, m in zip(values.tolist(), missing, strict=True)],
                          dtype=object)
        absent = missing | algorithms.isin(values, _MISSING)
    values[absent] = np.nan
    return values


def text_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The frame ``pd.read_csv(<this table's CSV>, dtype=str)`` returns, built without writing or parsing it.

    Every cell is the text the CSV holds, and the texts pandas reads as missing by default (``""``, ``NA``,
    ``null`` …) are NaN, as the parser makes them. The reference solutions read their tables this way
    (``dtype=str``), so the grader skips a write and a parse per table and student; a test holds the two
    equal for every table of several variants, on CPython and in Pyodide.
    """
    columns = {str(df.columns[i]): _texts(df.iloc[:, i]) for i in range(df.shape[1])}
    return pd.DataFrame(columns, index=pd.RangeIndex(len(df)))


# A text the parser could read as a number, a boolean or infinity (a superset of what it converts).
# (Each part matches one way only: an ambiguous pattern backtracks exponentially on a long failing text.)
_NUMBER = r"\s*(?:[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]*)?|(?i:true|false|[+-]?inf(?:inity)?))\s*"
_ALL_NUMBERS = re.compile(f"{_NUMBER}(?:\x00{_NUMBER})*")


def _one_chunk(rows: int, width: int) -> bool:
    """Whether the C parser reads the whole table in one chunk (pandas' ``TextReader.buffer_lines``: it infers
    each chunk's types apart, so only then is a column's type that of the whole column)."""
    heuristic, lines = 2**20 // max(width, 1), 1
    while lines * 2 < heuristic:
        lines *= 2
    return rows <= lines


def typed_frame(df: pd.DataFrame, text_columns: Iterable[str] = ()) -> pd.DataFrame | None:
    """The frame ``pd.read_csv(<this table's CSV>, dtype={c: str for c in text_columns})`` returns, or None
    when that is not certain without the parser.

    Other columns get the parser's types: integers and booleans read back as the same values, amounts as the
    float of their two-decimal text, a column with no value as float NaN, and a column holding at least one
    text that is no number as text. A column whose every value looks like a number (or a table big enough to
    be parsed in several chunks) returns None, and the caller parses the CSV. A test holds this equal to the
    parser for every table of several variants.
    """
    text = set(text_columns)
    names = [str(c) for c in df.columns]
    if len(set(names)) != len(names) or not text <= set(names) or not _one_chunk(*df.shape):
        return None
    columns: dict[str, Any] = {}
    for i, name in enumerate(names):
        column = df.iloc[:, i]
        kind = column.dtype.kind
        if name in text:
            columns[name] = _texts(column)
        elif kind in "iub":
            columns[name] = column.to_numpy().copy()
        elif kind == "f":
            columns[name] = _amount_floats(column.to_numpy())
        elif kind == "O":
            values = _texts(column)
            present = values[~pd.isna(values)].tolist()
            joined = "\x00".join(present)
            if not present:
                columns[name] = np.full(len(values), np.nan)
            elif joined.count("\x00") != len(present) - 1 or _ALL_NUMBERS.fullmatch(joined):
                return None  # a NUL inside a value (the parser may stop there), or number-like texts only
            else:
                columns[name] = values
        else:
            return None
    return pd.DataFrame(columns, index=pd.RangeIndex(len(df)))


def csv_bytes(df: pd.DataFrame) -> bytes:
    """One table as the bytes of its CSV file."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([str(c) for c in df.columns])
    writer.writerows(zip(*(_cells(df.iloc[:, i]) for i in range(df.shape[1])), strict=True))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def write_csvs(tables: Mapping[str, pd.DataFrame], out_dir: str | Path) -> dict[str, Path]:
    """Write ``out_dir/<name>.csv`` for every table; returns name → path. Creates ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, df in tables.items():
        path = out / f"{name}.csv"
        path.write_bytes(csv_bytes(df))
        paths[name] = path
    return paths
