"""Compare a submitted table with the reference by key, order-insensitive.

Not ``assert_frame_equal``: rows are matched on the key column(s); the result lists missing rows,
extra rows and wrong values in Chinese ("缺少客户 张三；多出客户 李四；王五 的成交订单数应为 5，提交为 4"),
with explicit numeric tolerance per column and precision / recall of the key set for partial credit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype, is_bool_dtype, is_datetime64_any_dtype, is_numeric_dtype

KEY_SEP = " / "


@dataclass
class Mismatch:
    """One wrong cell of a row present in both tables."""

    key: str
    column: str
    expected: Any
    actual: Any

    def message(self) -> str:
        return f"{self.key} 的{latin_spaced(self.column)}应为 {format_value(self.expected)}，提交为 {format_value(self.actual)}"


def latin_spaced(name: str) -> str:
    """A column name set off by spaces where it meets Chinese text with a Latin letter or digit ("的 R 应为")."""
    if not name:
        return name
    left = " " if name[0].isascii() and name[0].isalnum() else ""
    right = " " if name[-1].isascii() and name[-1].isalnum() else ""
    return f"{left}{name}{right}"


@dataclass
class TableDiff:
    """Differences between a submission and the reference."""

    label: str
    """Noun for a row in messages (客户, 月份 …)."""
    expected_keys: list[str]
    actual_keys: list[str]
    missing: list[str] = field(default_factory=list)
    """Keys in the reference but not in the submission (reference order)."""
    extra: list[str] = field(default_factory=list)
    """Keys in the submission but not in the reference (submission order)."""
    duplicates: list[str] = field(default_factory=list)
    """Keys the submission has more than once."""
    mismatches: list[Mismatch] = field(default_factory=list)
    cells_checked: int = 0
    """Cells compared (matched rows × compared columns)."""

    @property
    def matched(self) -> int:
        return len(set(self.expected_keys).intersection(self.actual_keys))

    @property
    def precision(self) -> float:
        actual = set(self.actual_keys)
        return 1.0 if not actual and not self.expected_keys else (self.matched / len(actual) if actual else 0.0)

    @property
    def recall(self) -> float:
        expected = set(self.expected_keys)
        return 1.0 if not expected else self.matched / len(expected)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)

    @property
    def value_accuracy(self) -> float:
        """Share of compared cells that are right (1 when nothing could be compared)."""
        return 1.0 if self.cells_checked == 0 else 1 - len(self.mismatches) / self.cells_checked

    def row_messages(self) -> list[str]:
        return ([f"缺少{self.label} {k}" for k in self.missing]
                + [f"多出{self.label} {k}" for k in self.extra]
                + [f"{self.label} {k} 出现了不止一次" for k in self.duplicates])

    def value_messages(self) -> list[str]:
        return [m.message() for m in self.mismatches]


def format_value(value: Any) -> str:
    """A value as a student reads it: 5, 35.5, 2024-05-01 12:00:00, 空."""
    if value is None or value is pd.NA or value is pd.NaT:
        return "空"
    if isinstance(value, float):
        if math.isnan(value):
            return "空"
        if value.is_integer():
            return str(int(value))
        return f"{value:.4f}".rstrip("0").rstrip(".")
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d %H:%M:%S").removesuffix(" 00:00:00")
    text = str(value)
    return text if text else "空"


def _display_strings(col: pd.Series) -> list[str]:
    """format_value for a whole column; text columns (the usual key) without a per-cell call."""
    if _all_text(col):
        values = col.tolist()
        if not col.hasnans and "" not in values:  # the usual key column: nothing to replace
            return values
        return ["空" if v is None or v == "" or (isinstance(v, float) and math.isnan(v)) else v for v in values]
    return col.map(format_value).tolist()


def key_strings(df: pd.DataFrame, key: list[str]) -> list[str]:
    """One display string per row: the key values joined with " / "."""
    if not key or any(k not in df.columns for k in key):
        return []
    parts = [_display_strings(df[k]) for k in key]
    if len(parts) == 1:
        return parts[0]
    return [KEY_SEP.join(vals) for vals in zip(*parts, strict=True)]


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value == ""


def values_equal(expected: Any, actual: Any, tolerance: float = 0.0) -> bool:
    """Equality with numeric tolerance; blank equals blank; text compared as text."""
    if _is_missing(expected) or _is_missing(actual):
        return _is_missing(expected) and _is_missing(actual)
    if isinstance(expected, pd.Timestamp) or isinstance(actual, pd.Timestamp):
        try:
            diff = abs((pd.Timestamp(expected) - pd.Timestamp(actual)).total_seconds())
        except (ValueError, TypeError):
            return False
        return diff <= tolerance
    num_e, num_a = _as_number(expected), _as_number(actual)
    if num_e is not None and num_a is not None:
        if num_e == num_a:
            return True
        return abs(num_e - num_a) <= tolerance + 1e-9 * max(1.0, abs(num_e))
    return str(expected) == str(actual)


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | np.number):
        return float(value)
    return None


def compare_tables(expected: pd.DataFrame, actual: pd.DataFrame, key: list[str], *,
                   columns: list[str] | None = None, tolerance: dict[str, float] | None = None,
                   label: str = "行") -> TableDiff:
    """Diff ``actual`` against ``expected`` on ``key``; ``columns`` are the value columns compared.

    Never raises for any pair of frames: a key or value column the submission lacks makes every
    row (or cell) count as missing (or wrong).
    """
    tolerance = tolerance or {}
    exp_keys = key_strings(expected, key)
    act_keys = key_strings(actual, key)
    diff = TableDiff(label, exp_keys, act_keys)
    exp_set, act_set = set(exp_keys), set(act_keys)
    diff.missing = [k for k in dict.fromkeys(exp_keys) if k not in act_set]
    diff.extra = [k for k in dict.fromkeys(act_keys) if k not in exp_set]
    seen: set[str] = set()
    for k in act_keys if len(act_set) < len(act_keys) else ():  # only when some key repeats
        if k in seen and k not in diff.duplicates:
            diff.duplicates.append(k)
        seen.add(k)
    value_cols = [c for c in (columns if columns is not None else expected.columns)
                  if c not in key and c in expected.columns]
    if not value_cols:
        return diff
    exp_pos = _first_positions(exp_keys)
    act_pos = _first_positions(act_keys)
    common = [k for k in exp_pos if k in act_pos]
    if not common or not value_cols:
        return diff
    e_at = _positions([exp_pos[k] for k in common], len(expected))
    a_at = _positions([act_pos[k] for k in common], len(actual))
    columns_data = []
    for col in value_cols:
        e = _rows_at(expected[col], e_at)
        if col in actual.columns:
            a = _rows_at(actual[col], a_at)
        else:
            a = pd.Series([None] * len(common), dtype=object)
        columns_data.append((col, e, a, ~equal_series(e, a, tolerance.get(col, 0.0))))
        diff.cells_checked += len(common)
    wrong_rows = np.flatnonzero(np.logical_or.reduce([w for *_, w in columns_data]))
    for i in wrong_rows:  # row by row, so all findings about one row stay together
        for col, e, a, wrong in columns_data:
            if wrong[i]:
                diff.mismatches.append(Mismatch(common[i], col, e.iloc[i], a.iloc[i]))
    return diff


def _positions(at: list[int], length: int) -> np.ndarray | None:
    """``at`` as an array, or None when it is every row in order (a submission in the reference's order)."""
    if len(at) == length and at == list(range(length)):
        return None
    return np.asarray(at, dtype=np.intp)


def _rows_at(column: pd.Series, at: np.ndarray | None) -> pd.Series:
    return (column if at is None else column.iloc[at]).reset_index(drop=True)


def _first_positions(keys: list[str]) -> dict[str, int]:
    rows = dict(zip(keys, range(len(keys)), strict=True))
    if len(rows) == len(keys):  # unique keys (the usual case): built in one call
        return rows
    rows = {}
    for pos, k in enumerate(keys):
        rows.setdefault(k, pos)
    return rows


def _missing_mask(s: pd.Series) -> np.ndarray:
    mask = s.isna().to_numpy(dtype=bool)
    if s.dtype == object and _all_text(s):  # only str besides the blanks: compare them all at once
        if not mask.any():
            return s.to_numpy(dtype=object) == ""
        present = ~mask
        mask[present] = s.to_numpy(dtype=object)[present] == ""
    elif s.dtype == object:
        mask |= np.fromiter((v == "" if isinstance(v, str) else False for v in s.to_numpy(dtype=object)),
                            dtype=bool, count=len(s))
    return mask


def _all_text(s: pd.Series) -> bool:
    return s.dtype == object and infer_dtype(s, skipna=True) in ("string", "empty")


def _numeric(s: pd.Series) -> bool:
    return is_numeric_dtype(s.dtype) and not is_bool_dtype(s.dtype)


def _times(expected: pd.Series, actual: pd.Series) -> np.ndarray | None:
    """Seconds between two datetime columns (NaN where either is missing); None for other columns."""
    if not (is_datetime64_any_dtype(expected.dtype) and is_datetime64_any_dtype(actual.dtype)):
        return None
    try:
        gap = (expected.reset_index(drop=True) - actual.reset_index(drop=True)).abs().dt.total_seconds()
    except (TypeError, ValueError):  # e.g. one side has a time zone: compare value by value
        return None
    return gap.to_numpy(dtype="float64", na_value=np.nan)


def equal_series(expected: pd.Series, actual: pd.Series, tolerance: float = 0.0) -> np.ndarray:
    """Element-wise :func:`values_equal` of two aligned Series, vectorised for numeric columns."""
    e_missing, a_missing = _missing_mask(expected), _missing_mask(actual)
    if _numeric(expected) and _numeric(actual):
        ev = expected.to_numpy(dtype="float64", na_value=np.nan)
        av = actual.to_numpy(dtype="float64", na_value=np.nan)
        with np.errstate(invalid="ignore"):
            eq = (ev == av) | (np.abs(ev - av) <= tolerance + 1e-9 * np.maximum(1.0, np.abs(ev)))
    elif _all_text(expected) and _all_text(actual):
        eq = expected.to_numpy(dtype=object) == actual.to_numpy(dtype=object)
    elif (both_times := _times(expected, actual)) is not None:
        eq = both_times <= tolerance
    else:
        eq = np.fromiter((values_equal(x, y, tolerance) for x, y in zip(expected, actual, strict=True)),
                         dtype=bool, count=len(expected))
    return (e_missing & a_missing) | (~(e_missing | a_missing) & eq)


__all__ = ["Mismatch", "TableDiff", "compare_tables", "equal_series", "format_value", "key_strings", "values_equal"]
