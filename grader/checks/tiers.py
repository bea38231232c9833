"""Check kinds for tables that assign member tiers to customers (exercise tier-assign).

``tier-rule-mistakes`` names the wrong reading of a given tier table (全部 instead of 任一, > instead of ≥,
one condition only, lowest tier first) that the submitted tiers follow better than the course rule.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from grader.checks import CheckContext, CheckParamError, check
from grader.checks.mistakes import MIN_FIT
from grader.checks.orders import TEST_PREFIX
from grader.checks.table import empty_table
from grader.compare import format_value, key_strings
from grader.intake.normalize import norm_text
from grader.model import CheckResult
from grader.tier_config import parse_config
from grader.tiers import (
    AMOUNT,
    BUYER,
    ORDERS,
    RULE_ANY,
    TierConfig,
    assign_tiers,
    customer_totals,
    order_problems,
    probe_kind,
)


# ---- tables that assign tiers -------------------------------------------------------------------
def _given_config(tiers: list, rule: str) -> TierConfig:
    parsed = parse_config({"规则": rule, "等级": tiers})
    if parsed.config is None or parsed.problems:
        raise CheckParamError("等级表参数有误：" + "；".join(parsed.problems))
    return parsed.config


def _validate_given(params: dict[str, Any]) -> list[str]:
    parsed = parse_config({"规则": params.get("rule", "任一"), "等级": params.get("tiers")})
    problems = list(parsed.problems)
    if parsed.config is not None:
        problems += order_problems(parsed.config)
    return [f"参数 tiers：{p}" for p in problems[:1]]


def _assignment_rows(ctx: CheckContext, config: TierConfig, amount_column: str, orders_column: str, *,
                     tier_column: str, none_label: str) -> tuple[list[str], list[tuple[str, str, str, str | None]]]:
    df = ctx.submission
    if not isinstance(df, pd.DataFrame):
        raise CheckParamError("这项检查只适用于表格提交")
    missing = [c for c in (amount_column, orders_column, tier_column) if c not in df.columns]
    if missing:
        return missing, []
    keys = key_strings(df, list(ctx.spec.submission.key)) or [str(i + 2) for i in range(len(df))]
    expected = assign_tiers(df, config, amount_column=amount_column, orders_column=orders_column,
                            none_label=none_label)
    amounts = pd.to_numeric(df[amount_column], errors="coerce").fillna(0.0)
    counts = pd.to_numeric(df[orders_column], errors="coerce").fillna(0.0)
    rows = []
    for k, exp, got, a, c in zip(keys, expected, df[tier_column].map(format_value), amounts, counts, strict=True):
        got_text = "" if got == "空" else got
        rows.append((k, exp, got_text, probe_kind(config, float(a), float(c))))
    return [], rows


def _show(tier: str, none_label: str) -> str:
    return tier or none_label or "无等级"


@check("tier-assignment", title="等级划分", applies_to=("table",), validate=_validate_given)
def tier_assignment(ctx: CheckContext, *, tiers: list, rule: str = "任一", amount_column: str = AMOUNT,
                    orders_column: str = ORDERS, tier_column: str = "会员等级", discount_column: str = "",
                    none_label: str = "", label: str = "客户") -> CheckResult:
    config = _given_config(tiers, rule)
    missing, rows = _assignment_rows(ctx, config, amount_column, orders_column, tier_column=tier_column,
                                     none_label=none_label)
    if missing:
        return ctx.fail(f"缺少列 {'、'.join(missing)}，无法检查等级")
    if not rows:
        return ctx.fail("表格没有任何数据行")
    discounts = {t.name: t.discount for t in config.tiers}
    df = ctx.submission
    given = (pd.to_numeric(df[discount_column], errors="coerce").tolist()
             if discount_column and discount_column in df.columns else None)
    wrong = []
    for i, (k, exp, got, why) in enumerate(rows):
        if exp != got:
            cause = f"（{why}）" if why else ""
            wrong.append(f"{label} {k} 应为{_show(exp, none_label)}，提交为{_show(got, none_label)}{cause}")
        elif given is not None and exp in discounts:
            got_disc = given[i]
            if pd.isna(got_disc) or abs(float(got_disc) - discounts[exp]) > 1e-6:
                wrong.append(f"{label} {k} 是{exp}，折扣应为 {discounts[exp]:g}，提交为 {format_value(got_disc)}")
    if not wrong:
        return ctx.ok(f"{len(rows)} 个{label}的等级都正确")
    return ctx.fail(f"{len(rows)} 个{label}中有 {len(wrong)} 个等级或折扣不对", details=wrong,
                    fraction=1 - len(wrong) / len(rows),
                    hint=f"规则是“{config.rule}”：" + ("交易金额或交易笔数达到门槛其一即可" if config.rule == "任一"
                                                     else "交易金额和交易笔数都要达到门槛")
                    + "；达到门槛用 ≥；一个客户取他能达到的最高等级。")


@check("tier-probes", title="边界客户", applies_to=("table",), validate=_validate_given)
def tier_probes(ctx: CheckContext, *, tiers: list, rule: str = "任一", amount_column: str = AMOUNT,
                orders_column: str = ORDERS, tier_column: str = "会员等级", none_label: str = "",
                label: str = "客户") -> CheckResult:
    config = _given_config(tiers, rule)
    missing, rows = _assignment_rows(ctx, config, amount_column, orders_column, tier_column=tier_column,
                                     none_label=none_label)
    if missing:
        return ctx.fail(f"缺少列 {'、'.join(missing)}，无法检查边界客户")
    if empty := empty_table(ctx):
        return empty
    probes = [r for r in rows if r[3] is not None]
    if not probes:
        return ctx.ok("数据里没有正好在门槛上或只满足一个条件的客户")
    wrong = [f"{label} {k}：{why}，应为{_show(exp, none_label)}，提交为{_show(got, none_label)}"
             for k, exp, got, why in probes if exp != got]
    if not wrong:
        return ctx.ok(f"{len(probes)} 个边界客户（正好在门槛上、只满足一个条件）都划分正确")
    return ctx.fail(f"{len(probes)} 个边界客户中有 {len(wrong)} 个划错了", details=wrong,
                    fraction=1 - len(wrong) / len(probes))


@check("tier-totals", title="累计金额与笔数", applies_to=("table",), reads_tables=True)
def tier_totals(ctx: CheckContext, *, amount_column: str = AMOUNT, orders_column: str = ORDERS,
                status: str = "交易成功", label: str = "客户", tolerance: float = 0.01) -> CheckResult:
    df = ctx.submission
    key = list(ctx.spec.submission.key)
    if not isinstance(df, pd.DataFrame) or any(c not in df.columns for c in [*key[:1], amount_column, orders_column]):
        return ctx.fail(f"缺少列，需要 {key[0] if key else BUYER}、{amount_column}、{orders_column}")
    if empty := empty_table(ctx):
        return empty
    truth = customer_totals(ctx.tables["orders"], status).set_index(BUYER)
    wrong = []
    for buyer, amount, count in zip(df[key[0]].map(format_value), pd.to_numeric(df[amount_column], errors="coerce"),
                                    pd.to_numeric(df[orders_column], errors="coerce"), strict=True):
        if buyer not in truth.index:
            wrong.append(f"{buyer} 是店铺的测试账号，不算{label}" if str(buyer).startswith(TEST_PREFIX)
                         else f"{label} {buyer} 在数据里没有{status}的订单")
            continue
        t_amount, t_count = truth.at[buyer, AMOUNT], truth.at[buyer, ORDERS]
        if pd.isna(amount) or abs(float(amount) - float(t_amount)) > tolerance:
            wrong.append(f"{buyer} 的{amount_column}应为 {format_value(float(t_amount))}，提交为 {format_value(amount)}")
        if pd.isna(count) or round(float(count)) != int(t_count):
            wrong.append(f"{buyer} 的{orders_column}应为 {int(t_count)}，提交为 {format_value(count)}")
    if not wrong:
        return ctx.ok(f"{len(df)} 个{label}的{amount_column}和{orders_column}都正确")
    return ctx.fail(f"有 {len(wrong)} 处累计金额或笔数不对", details=wrong,
                    fraction=max(0.0, 1 - len(wrong) / max(2 * len(df), 1)),
                    hint=f"只算“{status}”的订单；同一订单编号只算一次；金额用买家实际支付金额。")


# ---- tier rule mistakes ----------------------------------------------------------------------------
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
                  none_label: str, rule: str = RULE_ANY, strict: bool = False, basis: str = "both",
                  lowest_first: bool = False) -> pd.Series:
    """Tier name per customer under a (possibly mistaken) reading of the tier table, lowest tier first."""
    out = pd.Series(none_label, index=amount.index, dtype=object)
    ordered = list(reversed(tiers)) if lowest_first else tiers
    for name, min_amount, min_orders in ordered:  # later assignments win
        by_amount = amount > min_amount if strict else amount >= min_amount - 1e-9
        by_orders = orders > min_orders if strict else orders >= min_orders - 1e-9
        reached = {"amount": by_amount, "orders": by_orders}.get(basis)
        if reached is None:
            reached = (by_amount | by_orders) if rule == RULE_ANY else (by_amount & by_orders)
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


def _pct(share: float) -> str:
    """Percent that never shows 100% for less than all (99.9%)."""
    text = f"{share * 100:.1f}".removesuffix(".0")
    return "99.9%" if text == "100" and share < 1 else f"{text}%"


@check("tier-rule-mistakes", title="等级规则诊断", applies_to=("table",), validate=_validate_tier_mistakes)
def tier_rule_mistakes(ctx: CheckContext, *, tiers: list, amount_column: str = AMOUNT,
                       orders_column: str = ORDERS, tier_column: str = "会员等级",
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
        return ctx.ok("没有发现本项列出的常见规则错误" if right > 1 - 1e-9
                      else f"没有发现本项列出的常见规则错误；等级不对的{label}请看“等级与折扣”的逐行提示")
    return ctx.fail("；另外，".join(TIER_MISTAKES[code][1] for code in best[1]),
                    details=[f"按这种规则得到的等级和你的提交有 {_pct(best[0])} 一致，按课程规则只有 {_pct(right)}"])


__all__ = ["TIER_MISTAKES", "tier_assignment", "tier_probes", "tier_rule_mistakes", "tier_totals", "tiers_by_rule"]
