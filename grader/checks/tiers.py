"""Check kinds for member tiers: submitted tier configs, and tables that assign tiers to customers."""

from __future__ import annotations

from typing import Any

import pandas as pd

from grader.checks import CheckContext, CheckParamError, check
from grader.compare import format_value, key_strings
from grader.model import CheckResult
from grader.tiers import (
    AMOUNT,
    BUYER,
    ORDERS,
    ParsedConfig,
    TierConfig,
    assign_tiers,
    customer_totals,
    order_problems,
    parse_config,
    probe_kind,
    schema_problems,
    shares_from,
)


def _parsed(ctx: CheckContext) -> ParsedConfig:
    sub = ctx.submission
    if isinstance(sub, ParsedConfig):
        return sub
    if isinstance(sub, dict):
        return parse_config(sub)
    raise CheckParamError("这项检查只适用于等级配置提交")


def _usable(ctx: CheckContext) -> TierConfig | CheckResult:
    parsed = _parsed(ctx)
    if parsed.config is None:
        return ctx.fail("等级配置不完整，无法检查这一项（见“配置格式”一项的说明）")
    return parsed.config


def _rules(ctx: CheckContext) -> Any:
    tiers = ctx.spec.submission.tiers
    if tiers is None:
        raise CheckParamError("spec 缺少 submission.tiers")
    return tiers


@check("tier-schema", title="配置格式", applies_to=("tier-config",))
def tier_schema(ctx: CheckContext) -> CheckResult:
    parsed = _parsed(ctx)
    rules = _rules(ctx)
    problems = list(parsed.problems)
    if parsed.config is not None:
        problems += schema_problems(parsed.config, rules.names, rules.rule)
    if not problems:
        return ctx.ok(f"规则“{parsed.config.rule}”，{len(rules.names)} 个等级：{'、'.join(rules.names)}")
    return ctx.fail("等级配置的格式不对", details=problems,
                    hint="按练习给出的格式填写：规则（任一/全部），等级列表中每项有 名称、交易金额、交易笔数、折扣。")


@check("tier-monotonic", title="门槛与折扣", applies_to=("tier-config",))
def tier_monotonic(ctx: CheckContext) -> CheckResult:
    config = _usable(ctx)
    if isinstance(config, CheckResult):
        return config
    rules = _rules(ctx)
    problems = order_problems(config, rules.min_discount, rules.max_discount)
    if not problems:
        return ctx.ok("门槛逐级升高，折扣逐级降低，都在 7 折到不打折之间")
    return ctx.fail("门槛或折扣的顺序不对", details=problems,
                    hint="等级越高：交易金额和交易笔数门槛都要更高，折扣要更低（更优惠），折扣在 0.70–1.00 之间。")


def _check_targets(params: dict[str, Any]) -> list[str]:
    targets = params.get("targets")
    if not isinstance(targets, list) or not targets:
        return ["参数 targets 应为非空列表，例如 [{from: 钻石卡, max: 0.05}]"]
    for i, t in enumerate(targets):
        if not isinstance(t, dict) or "from" not in t or not ({"min", "max"} & set(t)):
            return [f"参数 targets[{i}] 应写成 {{from: 等级名, min: 比例, max: 比例}}"]
        extra = set(t) - {"from", "min", "max"}
        if extra:
            return [f"参数 targets[{i}] 有未知的键 {sorted(extra)[0]}"]
        for bound in ("min", "max"):
            v = t.get(bound)
            if v is not None and (isinstance(v, bool) or not isinstance(v, int | float) or not 0 <= v <= 1):
                return [f"参数 targets[{i}].{bound} 应为 0 到 1 之间的比例"]
    return []


def _pct(x: float) -> str:
    return f"{x * 100:.1f}%"


@check("tier-shares", title="各等级人数占比", applies_to=("tier-config",), validate=_check_targets)
def tier_shares(ctx: CheckContext, *, targets: list, status: str = "交易成功") -> CheckResult:
    config = _usable(ctx)
    if isinstance(config, CheckResult):
        return config
    names = [t.name for t in config.tiers]
    customers = customer_totals(ctx.tables["orders"], status)
    if customers.empty:
        raise CheckParamError("数据里没有成交客户")
    shares = shares_from(assign_tiers(customers, config), config)
    details, met = [], 0
    summary = []
    for t in targets:
        name = str(t["from"])
        if name not in names:
            details.append(f"配置里没有等级“{name}”，无法计算它的占比")
            continue
        share = shares[name]
        scope = name if name == names[-1] else f"{name}及以上"
        lo, hi = t.get("min"), t.get("max")
        want = ("" if lo is None else f"≥ {_pct(lo)}") + ("，" if lo is not None and hi is not None else "") + \
            ("" if hi is None else f"≤ {_pct(hi)}")
        summary.append(f"{scope} {_pct(share)}")
        if (lo is not None and share < lo - 1e-12) or (hi is not None and share > hi + 1e-12):
            details.append(f"{scope}占成交客户的 {_pct(share)}，要求 {want}")
        else:
            met += 1
    base = f"按你的配置划分 {len(customers)} 位成交客户：{'；'.join(summary)}"
    if not details:
        return ctx.ok(base)
    return ctx.fail(base, details=details, fraction=met / len(targets),
                    hint="用分位数（quantile）找门槛：例如让 5% 的客户达到钻石卡，就看交易金额和笔数的 95% 分位数；"
                         "规则是“任一”时，两个条件满足一个就升级，占比会比只看一个条件时高。")


# ---- tables that assign tiers -------------------------------------------------------------------
def _given_config(tiers: list, rule: str) -> TierConfig:
    parsed = parse_config({"规则": rule, "等级": tiers})
    if parsed.config is None:
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
    probes = [r for r in rows if r[3] is not None]
    if not probes:
        return ctx.ok("数据里没有正好在门槛上或只满足一个条件的客户")
    wrong = [f"{label} {k}：{why}，应为{_show(exp, none_label)}，提交为{_show(got, none_label)}"
             for k, exp, got, why in probes if exp != got]
    if not wrong:
        return ctx.ok(f"{len(probes)} 个边界客户（正好在门槛上、只满足一个条件）都划分正确")
    return ctx.fail(f"{len(probes)} 个边界客户中有 {len(wrong)} 个划错了", details=wrong,
                    fraction=1 - len(wrong) / len(probes))


@check("tier-totals", title="累计金额与笔数", applies_to=("table",))
def tier_totals(ctx: CheckContext, *, amount_column: str = AMOUNT, orders_column: str = ORDERS,
                status: str = "交易成功", label: str = "客户", tolerance: float = 0.01) -> CheckResult:
    df = ctx.submission
    key = list(ctx.spec.submission.key)
    if not isinstance(df, pd.DataFrame) or any(c not in df.columns for c in [*key[:1], amount_column, orders_column]):
        return ctx.fail(f"缺少列，需要 {key[0] if key else BUYER}、{amount_column}、{orders_column}")
    truth = customer_totals(ctx.tables["orders"], status).set_index(BUYER)
    wrong = []
    for buyer, amount, count in zip(df[key[0]].map(format_value), pd.to_numeric(df[amount_column], errors="coerce"),
                                    pd.to_numeric(df[orders_column], errors="coerce"), strict=True):
        if buyer not in truth.index:
            wrong.append(f"{label} {buyer} 在数据里没有{status}的订单")
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


__all__ = ["tier_assignment", "tier_monotonic", "tier_probes", "tier_schema", "tier_shares", "tier_totals"]
