"""What the wrong values of a ``values`` check have in common, as a hint that names the real cause.

An exercise's ``hint`` explains the concept a check is about ("客单价 = 销售额 ÷ 成交客户数"). When every wrong
value is the reference rounded to fewer decimals, a date without its time, or a column of zeros, that concept hint
sends the student to the wrong place; :func:`pattern_hint` gives the hint for the pattern instead (None: no
pattern, the exercise's hint stands).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from grader.compare import Mismatch, format_value


def _number(value: Any) -> float | None:
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.integer | np.floating):
        return None
    return None if math.isnan(value) else float(value)


def _rounded_to(expected: float, actual: float) -> int | None:
    """The number of decimals ``actual`` keeps when it is the unrounded value behind ``expected`` rounded to fewer
    decimals (None: it is not). The reference is itself rounded (74.65), so its own rounding (74.7) may differ
    from the student's (74.649… → 74.6): ``actual`` only has to be within half a unit of its last decimal."""
    if abs(expected - actual) <= 1e-9:
        return None
    shown = next((d for d in range(7) if abs(round(expected, d) - expected) < 1e-9), 7)  # decimals the answer has
    for digits in range(shown):
        if abs(round(actual, digits) - actual) < 1e-9 and abs(expected - actual) <= 0.5 * 10**-digits + 0.005 + 1e-9:
            return digits
    return None


def _too_few_decimals(wrong: list[Mismatch], matched: int) -> str | None:
    digits = set()
    for m in wrong:
        e, a = _number(m.expected), _number(m.actual)
        found = None if e is None or a is None else _rounded_to(e, a)
        if found is None:
            return None
        digits.add(found)
    where = "被取整了" if digits == {0} else f"小数位数不够（像是只保留了 {max(digits)} 位）"
    return (f"这些数值算对了，但{where}：按题目要求的位数保留小数（例如 round(x, 2)），"
            "最后一步再四舍五入，不要提前取整。")


def _date_without_time(wrong: list[Mismatch], matched: int) -> str | None:
    for m in wrong:
        e, a = m.expected, m.actual
        if not isinstance(e, pd.Timestamp) or not isinstance(a, pd.Timestamp) or a != e.normalize():
            return None
    return (f"时间只写了日期：要写到秒，例如 {format_value(wrong[0].expected)}；"
            "不要用 .dt.date 或只含日期的格式（如 %Y-%m-%d）。")


def _all_zero(wrong: list[Mismatch], matched: int) -> str | None:
    if len(wrong) < max(3, matched / 2):
        return None
    if any(_number(m.actual) != 0 or not _number(m.expected) for m in wrong):
        return None
    amount = "全是 0" if len(wrong) >= matched else "几乎全是 0"
    return (f"{wrong[0].column} {amount}：通常是两张表用来对应的编号（如订单编号）一张读成了数字、一张是文字，"
            "一个也对不上；读 CSV 时加 dtype=str（或 dtype={'订单编号': str}）再试。")


PATTERNS: list[Callable[[list[Mismatch], int], str | None]] = [_too_few_decimals, _date_without_time, _all_zero]
"""Tried in order; the first pattern that covers the wrong values gives the hint."""


def pattern_hint(mismatches: list[Mismatch], matched: int) -> str | None:
    """The hint for what all wrong values (of one column, for the zeros) have in common, or None."""
    if not mismatches:
        return None
    by_column: dict[str, list[Mismatch]] = {}
    for m in mismatches:
        by_column.setdefault(m.column, []).append(m)
    for pattern in PATTERNS:
        if pattern is _all_zero:
            found = next((h for col in by_column.values() if (h := pattern(col, matched))), None)
        else:
            found = pattern(mismatches, matched)
        if found:
            return found
    return None


__all__ = ["PATTERNS", "pattern_hint"]
