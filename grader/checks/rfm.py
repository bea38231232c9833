"""Check kinds for customer metrics: RFM segments (exercise ``rfm``) and the monthly repurchase table
(exercise ``repurchase``).

Both kinds work on the submission alone (no reference), so they also run in exam builds: the RFM
segment must follow from the submitted R, F and M by the stated rule, and the repurchase table must be
internally consistent. Comparing the numbers with the reference is left to the generic ``values`` check.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from grader.checks import CheckContext, check, require_columns
from grader.model import CheckResult

SEGMENTS: dict[tuple[str, str, str], str] = {
    ("近", "高", "高"): "重要价值客户",
    ("远", "高", "高"): "重要保持客户",
    ("近", "低", "高"): "重要发展客户",
    ("远", "低", "高"): "重要挽留客户",
    ("近", "高", "低"): "一般价值客户",
    ("远", "高", "低"): "一般保持客户",
    ("近", "低", "低"): "一般发展客户",
    ("远", "低", "低"): "一般挽留客户",
}
"""(R, F, M) → segment name (domain-notes §3)."""


def segment_of(rfm: tuple[float, float, float], means: tuple[float, float, float], *,
               reverse_r: bool = True) -> str:
    """Segment by the course rule: R ≤ mean → 近 (reversed), F ≥ mean → 高, M ≥ mean → 高.

    ``reverse_r=False`` gives the common mistake (R ≥ mean → 近), used to recognise it.
    """
    (r, f, m), (r_mean, f_mean, m_mean) = rfm, means
    near = r <= r_mean if reverse_r else r >= r_mean
    return SEGMENTS[("近" if near else "远", "高" if f >= f_mean else "低", "高" if m >= m_mean else "低")]


def _numbers(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    require_columns(df, columns)
    return df[columns].apply(pd.to_numeric, errors="coerce")


def _segment_table(ctx: CheckContext, key: str, rfm: tuple[str, str, str], segment: str) -> pd.DataFrame:
    """Submitted rows with numeric R/F/M, plus the expected and the R-unreversed segment."""
    df = ctx.submission
    require_columns(df, [key, segment])
    r, f, m = rfm
    nums = _numbers(df, [r, f, m])
    table = pd.DataFrame({"key": df[key].astype(str), "R": nums[r], "F": nums[f], "M": nums[m],
                          "segment": df[segment].astype(str).str.strip()})
    table = table.dropna(subset=["R", "F", "M"])
    if table.empty:
        return table.assign(expected=[], flipped=[])
    means = tuple(table[["R", "F", "M"]].mean())
    # segment_of for every row at once (whole numbers are below 2**53 here, so exact as float64)
    r, f, m = (table[c].to_numpy(dtype="float64") for c in ("R", "F", "M"))
    rest = np.where(f >= means[1], 0, 2) + np.where(m >= means[2], 0, 1)
    table["expected"] = _NAMES[np.where(r <= means[0], 0, 4) + rest]
    table["flipped"] = _NAMES[np.where(r >= means[0], 0, 4) + rest]
    return table


_NAMES = np.array([SEGMENTS[(near, f, m)] for near in ("近", "远") for f in ("高", "低") for m in ("高", "低")],
                  dtype=object)
"""Segment names by (远, 低 F, 低 M) as bits 4, 2, 1."""


@check("rfm-segments", title="分层与 R、F、M 一致", applies_to=("table",))
def rfm_segments(ctx: CheckContext, *, key: str = "买家会员名", r_column: str = "R", f_column: str = "F",
                 m_column: str = "M", segment_column: str = "客户分层") -> CheckResult:
    """Each 客户分层 follows from the row's own R, F, M and the means of the submitted columns."""
    table = _segment_table(ctx, key, (r_column, f_column, m_column), segment_column)
    if table.empty:
        return ctx.fail("没有可用的 R、F、M 数字", hint="R、F、M 三列要填数字")
    unknown = sorted(set(table.segment) - set(SEGMENTS.values()))
    wrong = table[table.segment != table.expected]
    if wrong.empty:
        return ctx.ok(f"{len(table)} 位客户的分层都和各自的 R、F、M 一致")
    details = [f"未知的分层名称：{'、'.join(unknown[:5])}（只能用八种分层之一）"] if unknown else []
    details += [f"{row.key} 的 R={row.R:g}、F={row.F:g}、M={row.M:.2f}，应为 {row.expected}，提交为 {row.segment}"
                for row in wrong.itertuples()]
    only_names = bool(unknown) and set(wrong.segment) <= set(unknown)  # the rule was right, a name is misspelt
    hint = (f"分层名称要和题目表格里的写法一字不差，只能是：{'、'.join(SEGMENTS.values())}" if only_names
            else "先算出 R、F、M 三列各自的平均值，再逐位客户比较：R ≤ 平均值为近，F ≥ 平均值为高，M ≥ 平均值为高")
    return ctx.fail(f"有 {len(wrong)} 位客户的分层与自己的 R、F、M 不符", details=details,
                    fraction=1 - len(wrong) / len(table), hint=hint)


@check("rfm-r-direction", title="R 的方向", applies_to=("table",))
def rfm_r_direction(ctx: CheckContext, *, key: str = "买家会员名", r_column: str = "R", f_column: str = "F",
                    m_column: str = "M", segment_column: str = "客户分层", threshold: float = 0.5) -> CheckResult:
    """Fails when most wrong segments are exactly those of the unreversed R (R ≥ mean → 近)."""
    table = _segment_table(ctx, key, (r_column, f_column, m_column), segment_column)
    if table.empty:
        return ctx.fail("提交里没有可以判断的客户")
    differs = table[table.expected != table.flipped]
    if differs.empty:
        return ctx.ok("无法判断，视为通过")
    flipped = int((differs.segment == differs.flipped).sum())
    if flipped / len(differs) <= threshold:
        return ctx.ok("近、远的判断方向正确")
    return ctx.fail("客户分层里“近”和“远”的判断与 R 的含义相反",
                    hint="想一想：R 是距参考日期的天数，天数越少，客户最近一次购买离现在越近还是越远？")


# -- repurchase ----------------------------------------------------------------------------------
def _close(a: Any, b: Any, tol: float) -> bool:
    try:
        return math.isclose(float(a), float(b), abs_tol=tol)
    except (TypeError, ValueError):
        return False


def _agrees(a: Any, exact: float, tol: float) -> bool:
    """``a`` is ``exact`` kept to 2, 1 or 0 decimals: too few decimals is the ``values`` check's to say, not a
    formula that does not hold."""
    return any(_close(a, round(exact, digits), tol) for digits in (2, 1, 0))


@check("repurchase-consistency", title="指标之间自洽", applies_to=("table",))
def repurchase_consistency(ctx: CheckContext, *, key: str = "月份", buyers: str = "成交客户数",
                           repeat: str = "复购客户数", rate: str = "复购率", sales: str = "销售额",
                           aov: str = "客单价", new: str = "新客数", old: str = "老客数",
                           tolerance: float = 0.011) -> CheckResult:
    """rate = repeat ÷ buyers × 100, aov = sales ÷ buyers, new + old = buyers (messages use the column names)."""
    df = ctx.submission
    require_columns(df, [key])
    if df.empty:
        return ctx.fail("提交的表是空的", hint="每个月一行，最后加一行“全部”")
    nums = _numbers(df, [buyers, repeat, rate, sales, aov, new, old])
    problems: list[str] = []
    bad_rows = 0
    for label, row in zip(df[key].astype(str), nums.itertuples(index=False), strict=True):
        n_buyers, n_repeat, p_rate, amount, per_buyer, n_new, n_old = row
        found = []
        if not n_buyers or pd.isna(n_buyers):
            found.append(f"{label}：成交客户数为空或为 0")
        else:
            if not _agrees(p_rate, n_repeat / n_buyers * 100, tolerance):
                found.append(f"{label}：{rate} {p_rate} 不等于 {repeat} ÷ {buyers} × 100 = "
                             f"{n_repeat / n_buyers * 100:.2f}")
            if not _agrees(per_buyer, amount / n_buyers, tolerance):
                found.append(f"{label}：客单价 {per_buyer} 不等于 销售额 ÷ 成交客户数 = {amount / n_buyers:.2f}")
            if not _close(n_new + n_old, n_buyers, 0):
                found.append(f"{label}：{new} + {old} = {n_new + n_old:g}，不等于{buyers} {n_buyers:g}")
            if n_repeat > n_buyers:
                found.append(f"{label}：{repeat}大于{buyers}")
        bad_rows += bool(found)
        problems += found
    if not problems:
        return ctx.ok(f"每一行的{rate}、{aov}、{new}和{old}都自洽")
    hint = ("复购率按百分数填（12.5% 填 12.5），保留 2 位小数" if any("复购率" in p for p in problems)
            else "客单价 = 销售额 ÷ 成交客户数（不是 ÷ 订单数）" if any("客单价" in p for p in problems)
            else f"每位成交客户要么是新客，要么是{old.removesuffix('数')}")
    return ctx.fail("表里的指标互相对不上", details=problems, fraction=1 - bad_rows / max(len(df), 1), hint=hint)


__all__ = ["SEGMENTS", "segment_of"]
