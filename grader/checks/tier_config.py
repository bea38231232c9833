"""Check kinds for a submitted member-tier config (YAML/JSON): format, order of thresholds, tier shares.

A field that could not be read costs its share of 配置格式; 门槛与折扣 and 各等级人数占比 still run on
what was read (see :mod:`grader.tier_config`)."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

from grader.checks import CheckContext, CheckParamError, check
from grader.model import CheckResult
from grader.tier_config import FIELD_NAMES, ParsedConfig, parse_config
from grader.tiers import (
    RULE_ANY,
    TierConfig,
    assign_tiers,
    comparisons,
    customer_totals,
    order_problems,
    schema_problems,
    shares_from,
    unknown_comparisons,
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
        return ctx.fail("没有读到任何等级，无法检查这一项（见“配置格式”一项的说明）")
    return parsed.config


def _rules(ctx: CheckContext) -> Any:
    tiers = ctx.spec.submission.tiers
    if tiers is None:
        raise CheckParamError("spec 缺少 submission.tiers")
    return tiers


def schema_hint(rule: str | None) -> str:
    """How the config is written; the rule the exercise asks for, when it asks for one (not "任一/全部" as a choice)."""
    written = f"规则写“{rule}”" if rule else "规则（任一/全部）"
    return (f"按练习给出的格式填写：{written}，等级从低到高，每个等级有 名称、交易金额、交易笔数、折扣，"
            "数字直接写，例如 交易金额: 1000、交易笔数: 4、折扣: 0.95。")


@check("tier-schema", title="配置格式", applies_to=("tier-config",))
def tier_schema(ctx: CheckContext) -> CheckResult:
    """Every field readable, names / order / rule as asked. Each unreadable field costs its own share
    (1 for the rule + 4 per tier); the other checks still run on what could be read."""
    parsed = _parsed(ctx)
    rules = _rules(ctx)
    if parsed.config is None:
        return ctx.fail("等级配置的格式不对", details=parsed.problems, hint=schema_hint(rules.rule))
    structure = schema_problems(parsed.config, rules.names, rules.rule)
    problems = [*parsed.problems, *structure]
    if not problems:
        return ctx.ok(f"规则“{parsed.config.rule}”，{len(rules.names)} 个等级：{'、'.join(rules.names)}")
    units = 1 + 4 * len(rules.names)
    missing_tiers = max(len(rules.names) - len(parsed.config.tiers), 0)
    bad = len({(p.tier, p.field) for p in parsed.unread}) + 4 * missing_tiers + \
        sum(1 for p in structure if not p.startswith("应有"))
    where = "、".join(dict.fromkeys(f"{p.tier or '规则'}的{FIELD_NAMES.get(p.field, '名称')}" if p.tier
                                    else "规则" for p in parsed.unread))
    message = f"有 {len(parsed.unread)} 处没有读出来（{where}），其余照常评分" if parsed.unread and not structure \
        else "等级配置的格式不对"
    return ctx.fail(message, details=problems, fraction=max(0.0, 1 - bad / units), hint=schema_hint(rules.rule))


@check("tier-monotonic", title="门槛与折扣", applies_to=("tier-config",))
def tier_monotonic(ctx: CheckContext) -> CheckResult:
    config = _usable(ctx)
    if isinstance(config, CheckResult):
        return config
    rules = _rules(ctx)
    problems = order_problems(config, rules.min_discount, rules.max_discount)
    unknown = unknown_comparisons(config)
    hint = "等级越高：交易金额和交易笔数门槛都要更高，折扣要更低（更优惠），折扣在 0.70–1.00 之间。"
    if problems:
        return ctx.fail("门槛或折扣的顺序不对", details=problems + unknown, hint=hint)
    if unknown:
        share = 1 - len(unknown) / max(comparisons(config), 1)
        message = ("读出来的门槛和折扣顺序正确；没读出来的值无法检查，这部分不得分" if share > 0
                   else "门槛和折扣没有读出来，无法检查顺序")
        return ctx.fail(message, details=unknown, fraction=share,
                        hint="把“配置格式”一项列出的值改成数字，这一项就能完整检查。")
    return ctx.ok("门槛逐级升高，折扣逐级降低，都在 7 折到不打折之间")


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


def _named(wanted: str, names: list[str]) -> str:
    """The configured tier meant by ``wanted``: itself, or the one name that contains it ("钻石卡会员")."""
    if wanted in names:
        return wanted
    holding = [n for n in names if wanted in n]
    return holding[0] if len(holding) == 1 else wanted


@check("tier-shares", title="各等级人数占比", applies_to=("tier-config",), validate=_check_targets,
       reads_tables=True)
def tier_shares(ctx: CheckContext, *, targets: list, status: str = "交易成功") -> CheckResult:
    config = _usable(ctx)
    if isinstance(config, CheckResult):
        return config
    details: list[str] = []
    if not config.rule:
        config = replace(config, rule=_rules(ctx).rule or RULE_ANY)
        details.append(f"规则没有读出来，占比按题目的规则“{config.rule}”计算")
    names = [t.name for t in config.tiers]
    customers = customer_totals(ctx.tables["orders"], status)
    if customers.empty:
        raise CheckParamError("数据里没有成交客户")
    shares = shares_from(assign_tiers(customers, config), config)
    met = 0
    summary = []
    for t in targets:
        name = _named(str(t["from"]), names)  # "钻石卡会员" is the 钻石卡 (the name itself is the schema check's)
        if name not in names:
            details.append(f"配置里没有等级“{name}”，无法计算它的占比")
            continue
        unread = [f"{tier.label}的{what}" for tier in config.tiers[names.index(name):]
                  for attr, what in (("min_amount", "交易金额"), ("min_orders", "交易笔数"))
                  if math.isnan(getattr(tier, attr))]
        tier = config.tiers[names.index(name)]
        if math.isnan(tier.min_amount) and math.isnan(tier.min_orders):
            details.append(f"{name}的交易金额和交易笔数都没有读出来，无法计算{name}及以上的占比")
            continue
        if unread:  # nobody reaches a tier through a condition that could not be read
            details.append(f"{'、'.join(unread)}没有读出来，{name}及以上的占比按这一条件没人达到来计算")
        share = shares[name]
        scope = name if name == names[-1] else f"{name}及以上"
        lo, hi = t.get("min"), t.get("max")
        want = ("" if lo is None else f"≥ {_pct(lo)}") + ("，" if lo is not None and hi is not None else "") + \
            ("" if hi is None else f"≤ {_pct(hi)}")
        summary.append(f"{scope} {_pct(share)}")
        if (lo is not None and share < lo - 1e-12) or (hi is not None and share > hi + 1e-12):
            people = round(share * len(customers))  # two decimals and the head count: 29.99% shows as 29.99%
            details.append(f"{scope}占成交客户的 {share * 100:.2f}%（{people}/{len(customers)} 人），要求 {want}")
        else:
            met += 1
    base = f"按你的配置划分 {len(customers)} 位成交客户：{'；'.join(summary) or '没有能计算的占比'}"
    if met == len(targets):
        return ctx.ok(base)
    return ctx.fail(base, details=details, fraction=met / len(targets),
                    hint="先定一组门槛，再按“任一”规则算出各等级及以上的占比（例如写一个 share(金额门槛, 笔数门槛) 函数），"
                         "超了就提高门槛、不够就降低；两个门槛都取 95% 分位数时，钻石卡通常会超过 5%，"
                         "因为只靠金额达到的和只靠笔数达到的要加在一起。")


__all__ = ["tier_monotonic", "tier_schema", "tier_shares"]
