"""Check kinds for the customer-archive exercises (customer-archive, potential-customers, old-customers,
tier-assign).

``order-mistakes`` recomputes the per-buyer figures from the student's *own* orders under the course
rule and under each mistake students really make (and every pair of them). When the submission fits a
mistake better than the course rule, the check names the mistake ("看起来把交易关闭的订单也算成交了")
instead of only listing wrong cells. It needs no reference answer, so it also runs in exam builds.

``masked-phone`` checks that phone numbers are masked as ``138****1234``; ``tier-rule-mistakes`` names the
wrong reading of a given tier table (全部 instead of 任一, > instead of ≥, one condition only, lowest tier first).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import replace
from typing import Any

import pandas as pd

from grader.checks import CheckContext, CheckParamError, check
from grader.checks.mistakes import MIN_FIT, PAIR_POOL, TEXT_FIGURES, TIME_FIGURES, VIEWS, Fitter
from grader.checks.orders import Rule, loaded_orders
from grader.compare import key_strings
from grader.intake.normalize import norm_text
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


@check("order-mistakes", title="常见错误诊断", applies_to=("table",), validate=_validate)
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
    spec_view = VIEWS[view]
    if table not in ctx.tables:
        raise CheckParamError(f"数据里没有表 {table}")
    orders = loaded_orders(ctx.tables[table])
    select = {"min_orders": min_orders, "min_amount": None if min_amount < 0 else min_amount} \
        if spec_view.selects else {}
    tolerance = dict(ctx.spec.submission.tolerance)

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
        return ctx.ok(f"没有发现常见的口径错误（有 {_pct(1 - right)} 的{label}对不上，请看其他检查的逐行提示）")
    messages = [spec_view.mistakes[code].message for code in best[1]]
    return ctx.fail("；另外，".join(messages),
                    details=[f"按这种算法得到的结果和你的提交有 {_pct(best[0])} 的{label}完全一致，"
                             f"按课程口径只有 {_pct(right)}"])


def _pct(share: float) -> str:
    """Percent that never shows 100% for less than all (99.9%)."""
    text = f"{share * 100:.1f}".removesuffix(".0")
    return "99.9%" if text == "100" and share < 1 else f"{text}%"


PHONE_MASK = re.compile(r"^1\d{2}\*{4}\d{4}$")


@check("masked-phone", title="手机号打码", applies_to=("table",))
def masked_phone(ctx: CheckContext, *, column: str = "联系手机", label: str = "客户") -> CheckResult:
    """Every phone number is shown as 3 digits, 4 asterisks, 4 digits (138****1234)."""
    df = ctx.submission
    if not isinstance(df, pd.DataFrame):
        raise CheckParamError("这项检查只适用于表格提交")
    if column not in df.columns:
        return ctx.fail(f"缺少列 {column}")
    keys = key_strings(df, list(ctx.spec.submission.key)) or [str(i + 1) for i in range(len(df))]
    bad = []
    for k, value in zip(keys, df[column], strict=False):
        text = "" if pd.isna(value) else norm_text(value)
        if not PHONE_MASK.match(text):
            why = "没有打码" if re.fullmatch(r"1\d{10}", text) else "格式不对"
            bad.append(f"{k} 的{column}“{text or '空'}”{why}")
    if not bad:
        return ctx.ok(f"{column}都已打码（前 3 位 + **** + 后 4 位）")
    return ctx.fail(f"{column}要写成 138****1234 的样子：保留前 3 位和后 4 位，中间 4 位换成 *",
                    details=bad, fraction=1 - len(bad) / max(len(df), 1))


# ---- tier rules ------------------------------------------------------------------------------------
TIER_MISTAKES: dict[str, tuple[dict[str, Any], str]] = {
    "all": ({"rule": "全部"}, "看起来要求金额和笔数同时达到门槛；规则是“任一”，满足其中一个就达到该等级"),
    "strict": ({"strict": True}, "看起来门槛用了 >；达到门槛是 ≥，正好等于门槛也算达到"),
    "amount-only": ({"basis": "amount"}, "看起来只看了累计成交金额，忘了笔数达到门槛也能升级"),
    "orders-only": ({"basis": "orders"}, "看起来只看了累计成交笔数，忘了金额达到门槛也能升级"),
    "lowest-first": ({"lowest_first": True},
                     "看起来从低到高判断、取了第一个满足的等级，结果会员都成了最低等级；应取能达到的最高等级"),
}
"""Ways students apply a tier table wrongly: code → (changes to the course rule, message)."""


def tiers_by_rule(amount: pd.Series, orders: pd.Series, tiers: list[tuple[str, float, float]], *,
                  none_label: str, rule: str = "任一", strict: bool = False, basis: str = "both",
                  lowest_first: bool = False) -> pd.Series:
    """Tier name per customer under a (possibly mistaken) reading of the tier table, lowest tier first."""
    out = pd.Series(none_label, index=amount.index, dtype=object)
    ordered = list(reversed(tiers)) if lowest_first else tiers
    for name, min_amount, min_orders in ordered:  # later assignments win
        by_amount = amount > min_amount if strict else amount >= min_amount - 1e-9
        by_orders = orders > min_orders if strict else orders >= min_orders - 1e-9
        reached = {"amount": by_amount, "orders": by_orders}.get(basis)
        if reached is None:
            reached = (by_amount | by_orders) if rule == "任一" else (by_amount & by_orders)
        out[reached.to_numpy()] = name
    return out


def _validate_tier_mistakes(params: dict[str, Any]) -> list[str]:
    tiers = params.get("tiers")
    if not isinstance(tiers, list) or not tiers or not all(isinstance(t, dict) for t in tiers):
        return ["参数 tiers 应为等级列表，每项有 名称、交易金额、交易笔数"]
    for t in tiers:
        if not {"名称", "交易金额", "交易笔数"} <= set(t):
            return ["参数 tiers 的每一项都要有 名称、交易金额、交易笔数"]
    return []


@check("tier-rule-mistakes", title="等级规则诊断", applies_to=("table",), validate=_validate_tier_mistakes)
def tier_rule_mistakes(ctx: CheckContext, *, tiers: list, amount_column: str = "累计成交金额",
                       orders_column: str = "累计成交笔数", tier_column: str = "会员等级",
                       none_label: str = "非会员", label: str = "客户") -> CheckResult:
    """Name the wrong reading of the tier table (全部, >, one condition only, lowest tier first) that the
    submitted tiers follow better than the course rule (任一, ≥, highest tier reached)."""
    df = ctx.submission
    if not isinstance(df, pd.DataFrame):
        raise CheckParamError("这项检查只适用于表格提交")
    missing = [c for c in (amount_column, orders_column, tier_column) if c not in df.columns]
    if missing:
        return ctx.fail(f"缺少列 {'、'.join(missing)}，无法检查")
    if df.empty:
        return ctx.fail("表格没有任何数据行，无法诊断")
    table = [(norm_text(t["名称"]), float(t["交易金额"]), float(t["交易笔数"])) for t in tiers]
    amount = pd.to_numeric(df[amount_column], errors="coerce").fillna(0.0)
    orders = pd.to_numeric(df[orders_column], errors="coerce").fillna(0.0)
    submitted = df[tier_column].map(lambda v: "" if pd.isna(v) else norm_text(v))
    submitted = submitted.replace("", norm_text(none_label))

    def agree(**changes: Any) -> float:
        expected = tiers_by_rule(amount, orders, table, none_label=norm_text(none_label), **changes)
        return float((expected == submitted).mean())

    right = agree()
    if right >= 1.0 - 1e-9:
        return ctx.ok(f"每位{label}的等级都按“任一、≥、取最高等级”的规则划分")
    combos = [(code,) for code in TIER_MISTAKES] + [("strict", code) for code in TIER_MISTAKES if code != "strict"]
    best: tuple[float, tuple[str, ...]] = (right, ())
    for combo in combos:
        changes: dict[str, Any] = {}
        for code in combo:
            changes.update(TIER_MISTAKES[code][0])
        fitted = agree(**changes)
        if fitted > best[0] + 1e-9 and fitted >= MIN_FIT:
            best = (fitted, combo)
    if not best[1]:
        return ctx.ok(f"没有发现常见的规则错误（有 {_pct(1 - right)} 的{label}等级不对，请看“等级与折扣”的逐行提示）")
    return ctx.fail("；另外，".join(TIER_MISTAKES[code][1] for code in best[1]),
                    details=[f"按这种规则得到的等级和你的提交有 {_pct(best[0])} 一致，按课程规则只有 {_pct(right)}"])


__all__ = ["TIER_MISTAKES", "masked_phone", "order_mistakes", "tier_rule_mistakes", "tiers_by_rule"]
