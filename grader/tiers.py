"""Member tier configs: schema (Chinese keys, English aliases), validation and tier assignment.

```yaml
规则: 任一          # 任一 = 交易金额或交易笔数满足其一即可；全部 = 两者都要满足（rule: any | all）
等级:               # tiers
  - 名称: 银卡       # name
    交易金额: 200    # min_amount：累计成交金额 ≥
    交易笔数: 3      # min_orders：累计成交笔数 ≥
    折扣: 0.98       # discount：0.70–1.00；"9.8折"、9.8、98 也可以
```

A customer gets the highest tier whose condition holds (≥ at the threshold). Pure Python + pandas.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from grader.model import Note
from grader.intake.normalize import find_column, norm_header, norm_text, parse_number

RULE_WORDS = {"任一": "任一", "任意": "任一", "any": "任一", "or": "任一", "或": "任一", "其一": "任一",
              "全部": "全部", "all": "全部", "and": "全部", "且": "全部", "同时": "全部"}
KEY_ALIASES = {
    "rule": ("规则", "rule", "升级规则"),
    "tiers": ("等级", "tiers", "levels", "会员等级"),
    "name": ("名称", "name", "等级名称"),
    "min_amount": ("交易金额", "min_amount", "amount", "累计成交金额", "成交金额", "金额"),
    "min_orders": ("交易笔数", "min_orders", "orders", "count", "累计成交笔数", "成交笔数", "笔数"),
    "discount": ("折扣", "discount"),
}
ENGLISH_KEYS = {"rule", "tiers", "levels", "name", "min_amount", "amount", "min_orders", "orders", "count",
                "discount"}
NO_TIER = ""
"""Assignment of a customer who reaches no tier (the spec may choose a label such as 普通客户)."""
BUYER = "买家会员名"
AMOUNT = "累计成交金额"
ORDERS = "累计成交笔数"


@dataclass
class Tier:
    name: str
    min_amount: float
    """累计成交金额 ≥ this qualifies (元)."""
    min_orders: float
    """累计成交笔数 ≥ this qualifies."""
    discount: float
    """0.70–1.00 (0.98 = 9.8折)."""


@dataclass
class TierConfig:
    rule: str
    """任一 (either condition) or 全部 (both)."""
    tiers: list[Tier]
    """Lowest tier first."""

    def qualifies(self, tier: Tier, amount: float, orders: float) -> bool:
        by_amount = amount >= tier.min_amount - 1e-9
        by_orders = orders >= tier.min_orders - 1e-9
        return (by_amount or by_orders) if self.rule == "任一" else (by_amount and by_orders)

    def tier_of(self, amount: float, orders: float) -> Tier | None:
        best = None
        for tier in self.tiers:
            if self.qualifies(tier, amount, orders):
                best = tier
        return best


@dataclass
class ParsedConfig:
    """Result of reading a submitted config: the config (None if unusable), problems, notes."""

    config: TierConfig | None
    problems: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


def _lookup(mapping: dict[Any, Any], field_name: str) -> tuple[bool, Any, str]:
    normalized = {norm_header(k): k for k in mapping}
    for alias in KEY_ALIASES[field_name]:
        key = normalized.get(norm_header(alias))
        if key is not None:
            return True, mapping[key], str(key)
    return False, None, ""


def _number(value: Any, what: str, where: str, problems: list[str], *, discount: bool = False) -> float | None:
    if isinstance(value, bool) or value is None:
        problems.append(f"{where}的{what}缺失或不是数字" if value is None else f"{where}的{what}应为数字，现在是 {value}")
        return None
    if isinstance(value, int | float):
        if math.isnan(value) or math.isinf(value):
            problems.append(f"{where}的{what}不是有效数字")
            return None
        return float(value)
    number, _ = parse_number(norm_text(value), discount=discount)
    if number is None or math.isnan(number):
        problems.append(f"{where}的{what}应为数字，现在是“{value}”")
        return None
    return number


def discount_rate(value: float) -> tuple[float, bool]:
    """Discount in any common notation → rate 0–1; second item True when it was converted."""
    if value <= 1:
        return value, False
    if value <= 10:
        return value / 10, True
    if value <= 100:
        return value / 100, True
    if value <= 1000:
        return value / 1000, True
    return value, False


def parse_config(data: Any) -> ParsedConfig:
    """Read a config mapping (from YAML/JSON); never raises."""
    problems: list[str] = []
    notes: list[Note] = []
    if not isinstance(data, dict):
        kind = "列表" if isinstance(data, list) else type(data).__name__
        return ParsedConfig(None, [f"配置应是“规则:”和“等级:”两项组成的映射，现在是{kind}"])
    english = sorted({str(k) for k in data if str(k).strip().lower() in ENGLISH_KEYS})
    found, rule_raw, _ = _lookup(data, "rule")
    rule = RULE_WORDS.get(norm_text(rule_raw).lower()) if found and rule_raw is not None else None
    if not found:
        problems.append("缺少“规则”（任一 或 全部）")
    elif rule is None:
        problems.append(f"规则“{rule_raw}”无法识别，应为 任一 或 全部")
    found, tiers_raw, _ = _lookup(data, "tiers")
    if not found or not isinstance(tiers_raw, list) or not tiers_raw:
        problems.append("缺少“等级”列表（每个等级一项：名称、交易金额、交易笔数、折扣）")
        return ParsedConfig(None, problems, notes)
    tiers: list[Tier] = []
    for i, item in enumerate(tiers_raw):
        where = f"第 {i + 1} 个等级"
        if not isinstance(item, dict):
            problems.append(f"{where}应包含 名称、交易金额、交易笔数、折扣 四项")
            continue
        english += sorted({str(k) for k in item if str(k).strip().lower() in ENGLISH_KEYS})
        has_name, name, _ = _lookup(item, "name")
        name_text = norm_text(name) if has_name and name is not None else ""
        if not name_text:
            problems.append(f"{where}缺少名称")
        where = f"等级“{name_text}”" if name_text else where
        values = {}
        for field_name, what in (("min_amount", "交易金额"), ("min_orders", "交易笔数"), ("discount", "折扣")):
            has, raw, _ = _lookup(item, field_name)
            if not has:
                problems.append(f"{where}缺少{what}")
                values[field_name] = None
                continue
            values[field_name] = _number(raw, what, where, problems, discount=field_name == "discount")
            if field_name == "discount" and values[field_name] is not None:
                rate, converted = discount_rate(values[field_name])
                if converted or isinstance(raw, str):
                    notes.append(Note("discount_text", f"{where}的折扣“{raw}”按 {rate:g}（{rate * 10:g}折）处理"))
                values[field_name] = rate
        if name_text and None not in values.values():
            tiers.append(Tier(name_text, values["min_amount"], values["min_orders"], values["discount"]))
    if english:
        notes.append(Note("rule_alias", "英文键名已按中文键名处理：" + "、".join(dict.fromkeys(english))))
    if problems or rule is None:
        return ParsedConfig(None, problems, notes)
    return ParsedConfig(TierConfig(rule, tiers), problems, notes)


def schema_problems(config: TierConfig, names: list[str], rule: str | None) -> list[str]:
    """Names / count / rule as the exercise asks."""
    problems = []
    got = [t.name for t in config.tiers]
    if got != names:
        if len(got) != len(names):
            problems.append(f"应有 {len(names)} 个等级（{'、'.join(names)}），提交了 {len(got)} 个")
        elif sorted(got) == sorted(names):
            problems.append(f"等级顺序应从低到高：{'、'.join(names)}，提交为 {'、'.join(got)}")
        else:
            problems.append(f"等级名称应为 {'、'.join(names)}，提交为 {'、'.join(got)}")
    if rule is not None and config.rule != rule:
        problems.append(f"规则应为“{rule}”，提交为“{config.rule}”")
    return problems


def order_problems(config: TierConfig, min_discount: float = 0.70, max_discount: float = 1.00) -> list[str]:
    """Thresholds strictly increase, discounts strictly decrease and stay within the range."""
    problems = []
    for low, high in zip(config.tiers, config.tiers[1:], strict=False):
        if not high.min_amount > low.min_amount:
            problems.append(f"{high.name}的交易金额（{high.min_amount:g}）应高于{low.name}（{low.min_amount:g}）")
        if not high.min_orders > low.min_orders:
            problems.append(f"{high.name}的交易笔数（{high.min_orders:g}）应高于{low.name}（{low.min_orders:g}）")
        if not high.discount < low.discount:
            problems.append(f"{high.name}的折扣（{high.discount:g}）应低于{low.name}（{low.discount:g}），等级越高折扣越大")
    for tier in config.tiers:
        if not min_discount - 1e-9 <= tier.discount <= max_discount + 1e-9:
            problems.append(f"{tier.name}的折扣 {tier.discount:g} 超出范围 {min_discount:g}–{max_discount:g}（7折到不打折）")
        if tier.min_amount < 0 or tier.min_orders < 0:
            problems.append(f"{tier.name}的门槛不能为负数")
    return problems


def _text_column(s: pd.Series) -> pd.Series:
    return s.fillna("").astype(str).str.normalize("NFKC").str.strip()


def _number_column(s: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(s.dtype):
        return s.astype("float64")
    text = _text_column(s)
    fast = pd.to_numeric(text, errors="coerce")
    slow = fast.isna() & (text != "")
    if slow.any():
        fast[slow] = [parse_number(t)[0] for t in text[slow]]
    return pd.to_numeric(fast, errors="coerce")


def customer_totals(orders: pd.DataFrame, status: str = "交易成功") -> pd.DataFrame:
    """Per buyer: 累计成交金额 (sum of 买家实际支付金额) and 累计成交笔数 over ``status`` orders.

    Each 订单编号 counts once even where the export repeats a row.
    """
    cols = {n: find_column(orders, n) for n in ("订单编号", BUYER, "买家实际支付金额", "订单状态")}
    missing = [n for n, c in cols.items() if c is None]
    if missing:
        raise ValueError(f"订单表缺少列 {'、'.join(missing)}")
    df = pd.DataFrame({
        "order": _text_column(orders[cols["订单编号"]]),
        BUYER: _text_column(orders[cols[BUYER]]),
        "paid": _number_column(orders[cols["买家实际支付金额"]]),
        "status": _text_column(orders[cols["订单状态"]]),
    })
    df = df[df["status"] == norm_text(status)].drop_duplicates("order")
    grouped = df.groupby(BUYER, sort=True).agg(**{AMOUNT: ("paid", "sum"), ORDERS: ("order", "count")})
    return grouped.reset_index()


def assign_tiers(customers: pd.DataFrame, config: TierConfig, *, amount_column: str = AMOUNT,
                 orders_column: str = ORDERS, none_label: str = NO_TIER) -> pd.Series:
    """Tier name per customer row (``none_label`` when no tier is reached)."""
    amounts = pd.to_numeric(customers[amount_column], errors="coerce").fillna(0.0)
    counts = pd.to_numeric(customers[orders_column], errors="coerce").fillna(0.0)
    names = []
    for amount, count in zip(amounts, counts, strict=True):
        tier = config.tier_of(float(amount), float(count))
        names.append(tier.name if tier else none_label)
    return pd.Series(names, index=customers.index, dtype=object)


def shares_from(assigned: pd.Series, config: TierConfig) -> dict[str, float]:
    """Share of customers in each tier *or above* (index = tier name)."""
    total = len(assigned)
    order = [t.name for t in config.tiers]
    out = {}
    for i, name in enumerate(order):
        out[name] = 0.0 if total == 0 else float(assigned.isin(order[i:]).sum()) / total
    return out


@dataclass
class Probe:
    """A synthetic customer at or around a threshold, with the tier the rule gives."""

    case: str
    """Chinese description, e.g. "交易金额正好等于金卡门槛、笔数不够"."""
    amount: float
    orders: float
    expected: str


def boundary_probes(config: TierConfig, none_label: str = NO_TIER) -> list[Probe]:
    """Customers exactly at / just below each threshold, amount-only and count-only qualifiers."""
    probes: list[Probe] = []
    for i, tier in enumerate(config.tiers):
        low_amount = config.tiers[0].min_amount - 1 if i == 0 else config.tiers[i - 1].min_amount
        low_orders = config.tiers[0].min_orders - 1 if i == 0 else config.tiers[i - 1].min_orders
        low_amount, low_orders = max(low_amount, 0.0), max(low_orders, 0.0)
        cases = [
            (f"交易金额和笔数都正好等于{tier.name}门槛", tier.min_amount, tier.min_orders),
            (f"交易金额比{tier.name}门槛少 0.01 元、笔数差 1 笔", tier.min_amount - 0.01, tier.min_orders - 1),
            (f"只有交易金额达到{tier.name}门槛", tier.min_amount, low_orders),
            (f"只有交易笔数达到{tier.name}门槛", low_amount, tier.min_orders),
        ]
        for case, amount, orders in cases:
            if amount < 0 or orders < 0:
                continue
            found = config.tier_of(amount, orders)
            probes.append(Probe(case, amount, orders, found.name if found else none_label))
    return probes


def probe_kind(config: TierConfig, amount: float, orders: float) -> str | None:
    """Why a customer is a boundary case: at a threshold, or qualifying by one condition only."""
    for tier in reversed(config.tiers):
        if math.isclose(amount, tier.min_amount, abs_tol=0.005) or math.isclose(orders, tier.min_orders):
            return f"正好达到{tier.name}门槛（门槛是 ≥，不是 >）"
        by_amount, by_orders = amount >= tier.min_amount - 1e-9, orders >= tier.min_orders - 1e-9
        if by_amount != by_orders:
            only = "交易金额" if by_amount else "交易笔数"
            rule = "满足其一即可升级" if config.rule == "任一" else "两项都要满足"
            return f"只有{only}达到{tier.name}门槛（规则是“{config.rule}”：{rule}）"
    return None


__all__ = ["AMOUNT", "BUYER", "NO_TIER", "ORDERS", "ParsedConfig", "Probe", "Tier", "TierConfig",
           "assign_tiers", "boundary_probes", "customer_totals", "discount_rate",
           "order_problems", "parse_config", "probe_kind", "schema_problems", "shares_from"]
