"""Check kinds for the customer-archive exercises (customer-archive, potential-customers, old-customers,
tier-assign).

``order-mistakes`` recomputes the per-buyer figures from the student's *own* orders under the course
rule and under each mistake students really make (and every pair of them). When the submission fits a
mistake better than the course rule, the check names the mistake ("看起来把交易关闭的订单也算成交了")
instead of only listing wrong cells. It needs no reference answer, so it also runs in exam builds.

``masked-phone`` checks that phone numbers are masked as ``138****1234``. (Tier-rule mistakes live in
``grader/checks/tiers.py``.)
"""

from __future__ import annotations

import itertools
import re
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from grader.checks import CheckContext, CheckParamError, check
from grader.checks.mistakes import MIN_FIT, PAIR_POOL, TEXT_FIGURES, TIME_FIGURES, VIEWS, Fitter
from grader.checks.orders import Rule, loaded_orders, norm_unique
from grader.checks.table import empty_table
from grader.compare import key_strings
from grader.model import CheckResult


def _validate(params: dict[str, Any]) -> list[str]:
    problems = []
    view = VIEWS.get(params.get("view", "sales"))
    if view is None:
        return [f"参数 view '{params.get('view')}' 未知（可用：{', '.join(VIEWS)}）"]
    unknown = [m for m in params.get("mistakes", []) if m not in view.mistakes]
    if unknown:
        problems.append(f"参数 mistakes 里的 {', '.join(map(str, unknown))} 未知（可用：{', '.join(view.mistakes)}）")
    figures = {"orders", "amount"} | TIME_FIGURES | TEXT_FIGURES
    bad = [f for f in params.get("columns", {}) if f not in figures]
    if bad or not params.get("columns"):
        problems.append(f"参数 columns 应把 {', '.join(sorted(figures))} 中的若干项映射到提交的列名")
    return problems


@check("order-mistakes", title="常见错误诊断", applies_to=("table",), reads_tables=True, validate=_validate)
def order_mistakes(ctx: CheckContext, *, columns: dict, view: str = "sales", mistakes: list = [],  # noqa: B006
                   min_orders: int = 0, min_amount: float = -1.0, label: str = "客户",
                   table: str = "orders") -> CheckResult:
    """Name the common mistake whose figures the submission matches better than the course rule's."""
    df = ctx.submission
    if not isinstance(df, pd.DataFrame):
        raise CheckParamError("这项检查只适用于表格提交")
    key = ctx.spec.submission.key[0]
    needed = [key, *columns.values()]
    if any(c not in df.columns for c in needed):
        return ctx.fail(f"缺少列 {'、'.join(c for c in needed if c not in df.columns)}，无法检查")
    if df.empty:
        return ctx.fail("表格没有任何数据行，无法诊断")
    if ctx.equals_reference(needed):  # the reference fits the course rule: no recomputation needed
        return ctx.ok(f"每位{label}的数字都和课程口径一致，没有发现常见错误")
    spec_view = VIEWS[view]
    if table not in ctx.tables:
        raise CheckParamError(f"数据里没有表 {table}")
    orders = loaded_orders(ctx.tables[table])
    select = {"min_orders": min_orders, "min_amount": None if min_amount < 0 else min_amount} \
        if spec_view.selects else {}
    tolerance = dict(ctx.spec.submission.tolerance)
    for col in df.attrs.get("minute_precision", []):  # Excel dropped the seconds: compare to the minute
        tolerance[col] = max(tolerance.get(col, 0.0), 59.999)

    scores: dict[Rule, float] = {}
    fitter = Fitter(df, key, columns, tolerance)

    def score(rule: Rule) -> float:
        if rule not in scores:
            scores[rule] = fitter(spec_view.compute(orders, rule, **select))
        return scores[rule]

    right = score(spec_view.base)
    if right >= 1.0 - 1e-9:
        return ctx.ok(f"每位{label}的数字都和课程口径一致，没有发现常见错误")
    codes = list(mistakes) or list(spec_view.mistakes)

    def rule_of(combo: tuple[str, ...]) -> Rule:
        changes: dict[str, Any] = {}
        for code in combo:
            changes.update(spec_view.mistakes[code].changes)
        return replace(spec_view.base, **changes)

    singles = {code: score(rule_of((code,))) for code in codes}
    # Pairs only among the singles that explain more than the course rule (at most the best three):
    # two mistakes at once are common, trying every pair is not needed to find them.
    promising = sorted((c for c in codes if singles[c] > right + 1e-9), key=lambda c: -singles[c])[:PAIR_POOL]
    candidates = [((code,), fitted) for code, fitted in singles.items()]
    if max(singles.values(), default=0.0) < 1.0 - 1e-9:
        candidates += [(combo, score(rule_of(combo))) for combo in itertools.combinations(promising, 2)
                       if rule_of(combo) not in (spec_view.base, *(rule_of((c,)) for c in combo))]
    best: tuple[float, tuple[str, ...]] = (right, ())
    for combo, fitted in candidates:
        if fitted > best[0] + 1e-9 and fitted >= MIN_FIT:
            best = (fitted, combo)
    if not best[1]:
        # (no percentage of mismatches here: "✔ … 100% 对不上" reads as a contradiction; other checks name the rows)
        return ctx.ok("没有发现本项列出的常见口径错误" if right > 1 - 1e-9
                      else f"没有发现本项列出的常见口径错误；与参考答案不一致的{label}请看其他检查的逐行提示")
    messages = [spec_view.mistakes[code].message for code in best[1]]
    return ctx.fail("；另外，".join(messages),
                    details=[f"按这种算法得到的结果和你的提交有 {_pct(best[0])} 的{label}完全一致，"
                             f"按课程口径只有 {_pct(right)}"])


def _pct(share: float) -> str:
    """Percent that never shows 100% for less than all (99.9%)."""
    text = f"{share * 100:.1f}".removesuffix(".0")
    return "99.9%" if text == "100" and share < 1 else f"{text}%"


PHONE_MASK = re.compile(r"^1\d{2}\*{4}\d{4}$")
ALL_MASKED = re.compile(r"1\d{2}\*{4}\d{4}(?:\x001\d{2}\*{4}\d{4})*")
"""PHONE_MASK for every cell of a column joined by NUL (no cell holds a NUL)."""


@check("masked-phone", title="手机号打码", applies_to=("table",))
def masked_phone(ctx: CheckContext, *, column: str = "联系手机", label: str = "客户") -> CheckResult:
    """Every phone number is shown as 3 digits, 4 asterisks, 4 digits (138****1234)."""
    df = ctx.submission
    if not isinstance(df, pd.DataFrame):
        raise CheckParamError("这项检查只适用于表格提交")
    if column not in df.columns:
        return ctx.fail(f"缺少列 {column}")
    if empty := empty_table(ctx):
        return empty
    texts = norm_unique(df[column])  # NFKC + strip, blank for a missing cell
    joined = "\x00".join(texts.tolist())  # all masked (the usual case): one match over the whole column
    if joined.count("\x00") == len(texts) - 1 and ALL_MASKED.fullmatch(joined):
        wrong = np.flatnonzero(np.zeros(len(texts), dtype=bool))
    else:
        wrong = np.flatnonzero(~texts.str.fullmatch(PHONE_MASK.pattern).fillna(False).to_numpy(dtype=bool))
    keys = key_strings(df.iloc[wrong], list(ctx.spec.submission.key)) or [str(i + 1) for i in wrong]
    bad = []
    for k, text in zip(keys, texts.iloc[wrong], strict=False):
        why = "没有打码" if re.fullmatch(r"1\d{10}", text) else "格式不对"
        bad.append(f"{k} 的{column}“{text or '空'}”{why}")
    if not bad:
        return ctx.ok(f"{column}都已打码（前 3 位 + **** + 后 4 位）")
    return ctx.fail(f"{column}要写成 138****1234 的样子：保留前 3 位和后 4 位，中间 4 位换成 *",
                    details=bad, fraction=1 - len(bad) / max(len(df), 1))


__all__ = ["masked_phone", "order_mistakes"]
