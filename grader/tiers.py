"""Member tiers: the config model, its order rules, and assigning tiers to customers.

A customer gets the highest tier whose condition holds (≥ at the threshold); the rule 任一 (交易金额 或
交易笔数, 满足其一即可) is 本课程约定, 全部 needs both. Reading a submitted config (the words and number
formats students use) is :mod:`grader.tier_config`. Pure Python + pandas.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from grader.intake.normalize import find_column, norm_text, parse_number

RULE_ANY = "任一"
"""Either condition reaches a tier (交易金额 或 交易笔数, 满足其一即可; 本课程约定)."""
RULE_ALL = "全部"
"""Both conditions are needed."""
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
    position: int = 0
    """1-based place in the submitted list (names the tier when its name is missing)."""

    @property
    def label(self) -> str:
        """The name, or "第 N 个等级" when it has none."""
        return self.name or (f"第 {self.position} 个等级" if self.position else "等级")


@dataclass
class TierConfig:
    rule: str
    """任一 (either condition) or 全部 (both); "" when the submitted rule could not be read.

    Unreadable thresholds are NaN: nobody reaches a tier through a condition that could not be read."""
    tiers: list[Tier]
    """Lowest tier first."""

    def qualifies(self, tier: Tier, amount: float, orders: float) -> bool:
        by_amount = amount >= tier.min_amount - 1e-9
        by_orders = orders >= tier.min_orders - 1e-9
        return (by_amount or by_orders) if self.rule != RULE_ALL else (by_amount and by_orders)

    def tier_of(self, amount: float, orders: float) -> Tier | None:
        best = None
        for tier in self.tiers:
            if self.qualifies(tier, amount, orders):
                best = tier
        return best


def schema_problems(config: TierConfig, names: list[str], rule: str | None) -> list[str]:
    """Names / count / rule as the exercise asks (a rule that could not be read is reported elsewhere)."""
    problems = []
    got = [t.label for t in config.tiers]
    if got != names:
        if len(got) != len(names):
            problems.append(f"应有 {len(names)} 个等级（{'、'.join(names)}），提交了 {len(got)} 个")
        elif sorted(got) == sorted(names):
            problems.append(f"等级顺序应从低到高：{'、'.join(names)}，提交为 {'、'.join(got)}")
        else:
            problems.append(f"等级名称应为 {'、'.join(names)}，提交为 {'、'.join(got)}")
    if rule is not None and config.rule and config.rule != rule:
        problems.append(f"规则应为“{rule}”，提交为“{config.rule}”")
    return problems


def _known(*values: float) -> bool:
    return not any(math.isnan(v) for v in values)


def order_problems(config: TierConfig, min_discount: float = 0.70, max_discount: float = 1.00) -> list[str]:
    """Thresholds strictly increase, discounts strictly decrease and stay within the range.

    Values that could not be read (NaN) are left out here; :func:`unknown_comparisons` lists them."""
    problems = []
    for low, high in zip(config.tiers, config.tiers[1:], strict=False):
        for attr, what, higher in (("min_amount", "交易金额", True), ("min_orders", "交易笔数", True),
                                   ("discount", "折扣", False)):
            lo, hi = getattr(low, attr), getattr(high, attr)
            if not _known(lo, hi) or (hi > lo if higher else hi < lo):
                continue
            if higher:
                problems.append(f"{high.label}的{what}（{hi:g}）应高于{low.label}（{lo:g}）")
            else:
                problems.append(f"{high.label}和{low.label}的折扣一样（都是 {hi:g}）：等级越高，折扣的数字应越小（优惠越多）"
                                if hi == lo else
                                f"{high.label}的折扣（{hi:g}）应低于{low.label}（{lo:g}）：等级越高，折扣的数字越小（优惠越多）")
    for tier in config.tiers:
        if _known(tier.discount) and not min_discount - 1e-9 <= tier.discount <= max_discount + 1e-9:
            problems.append(f"{tier.label}的折扣 {tier.discount:g} 超出范围 {min_discount:g}–{max_discount:g}（7折到不打折）")
        if (_known(tier.min_amount) and tier.min_amount < 0) or (_known(tier.min_orders) and tier.min_orders < 0):
            problems.append(f"{tier.label}的门槛不能为负数")
    return problems


def comparisons(config: TierConfig) -> int:
    """How many rules :func:`order_problems` checks (3 per neighbouring pair, 2 per tier)."""
    return 3 * max(len(config.tiers) - 1, 0) + 2 * len(config.tiers)


def unknown_comparisons(config: TierConfig) -> list[str]:
    """The order rules that cannot be checked because a value could not be read, one line each."""
    lines = []
    for low, high in zip(config.tiers, config.tiers[1:], strict=False):
        for attr, what in (("min_amount", "交易金额"), ("min_orders", "交易笔数"), ("discount", "折扣")):
            lo, hi = getattr(low, attr), getattr(high, attr)
            if not _known(lo, hi):
                which = high if not _known(hi) else low
                lines.append(f"{which.label}的{what}没有读出来，无法检查{high.label}是否{'低于' if attr == 'discount' else '高于'}"
                             f"{low.label}")
    for tier in config.tiers:
        if not _known(tier.discount):
            lines.append(f"{tier.label}的折扣没有读出来，无法检查是否在 7 折到不打折之间")
        if not _known(tier.min_amount) and not _known(tier.min_orders):
            lines.append(f"{tier.label}的交易金额和交易笔数都没有读出来，无法检查门槛")
    return lines


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
    """Per buyer: 累计成交金额 (sum of 买家实际支付金额, to the fen) and 累计成交笔数 over ``status`` orders.

    Each 订单编号 counts once even where the export repeats a row; the shop's test accounts are no customers
    (the course's 成交客户). The amount is rounded to 2 decimals: summed floats miss a threshold by 1e-13
    (a customer with exactly 500.00 would otherwise stay below 500).
    """
    from grader.checks.orders import TEST_PREFIX  # noqa: PLC0415  (the checks package imports this module)

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
    df = df[(df["status"] == norm_text(status)) & ~df[BUYER].str.startswith(TEST_PREFIX)].drop_duplicates("order")
    grouped = df.groupby(BUYER, sort=True).agg(**{AMOUNT: ("paid", "sum"), ORDERS: ("order", "count")})
    grouped[AMOUNT] = grouped[AMOUNT].round(2)
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


__all__ = ["AMOUNT", "BUYER", "NO_TIER", "ORDERS", "RULE_ALL", "RULE_ANY", "Tier", "TierConfig", "assign_tiers",
           "comparisons", "customer_totals", "order_problems", "probe_kind", "schema_problems", "shares_from",
           "unknown_comparisons"]
