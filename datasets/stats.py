"""Shape statistics of a dataset, and the conditions that keep every exercise solvable.

Used by ``generate`` (redraw a variant that fails) and by the tests (stated bands).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from datasets.constants import (
    CLOSE_BEFORE_PAY,
    ST_CLOSED,
    ST_SUCCESS,
    ST_WAIT_PAY,
    TEST_TITLE,
)


def clean_orders(orders: pd.DataFrame) -> pd.DataFrame:
    """The cleaning the lessons teach: stripped headers, one row per 订单编号, no 0.01 元 test orders."""
    df = orders.rename(columns=lambda c: str(c).strip())
    df = df.drop_duplicates(subset="订单编号")
    return df.loc[df["宝贝标题"] != TEST_TITLE]


def sales(orders: pd.DataFrame, *, cleaned: bool = False) -> pd.DataFrame:
    """Per buyer: 成交订单数 and 成交金额 over 交易成功 orders (after ``clean_orders``), by 买家会员名."""
    df = orders if cleaned else clean_orders(orders)
    ok = df.loc[df["订单状态"] == ST_SUCCESS]
    codes, buyers = pd.factorize(ok["买家会员名"], sort=True)
    codes = codes.astype(np.intp)
    return pd.DataFrame(
        {"成交订单数": np.bincount(codes, minlength=len(buyers)).astype(np.int64),
         "成交金额": np.bincount(codes, weights=ok["买家实际支付金额"].to_numpy(dtype=float), minlength=len(buyers))},
        index=pd.Index(buyers, name="买家会员名"),
    )


@dataclass(frozen=True)
class Shape:
    """The figures the course's claims rest on."""

    orders: int
    """Distinct orders (test orders included)."""
    buyers: int
    """Buyers with at least one 交易成功 order."""
    repeat_share: float
    """Share of those buyers with ≥ 2 交易成功 orders."""
    top20_revenue_share: float
    """Share of 交易成功 revenue brought by the top 20 % of buyers."""
    old_customers: int
    """Buyers with ≥ 2 交易成功 orders and > 40 元 (the lab's 老客户)."""
    potential_customers: int
    """Buyers who ordered but never paid for any order (潜在客户)."""
    status_share: dict[str, float]
    """Share of distinct orders per 订单状态."""
    consent_share: float
    """Share of customers with 是否订阅短信 = 是."""


def shape(tables: Mapping[str, pd.DataFrame], *, cleaned: pd.DataFrame | None = None) -> Shape:
    """The figures of ``tables``; ``cleaned`` may pass ``clean_orders(tables["orders"])`` if already at hand."""
    orders = clean_orders(tables["orders"]) if cleaned is None else cleaned
    return _shape(tables, orders, sales(orders, cleaned=True))


def _shape(tables: Mapping[str, pd.DataFrame], orders: pd.DataFrame, per: pd.DataFrame) -> Shape:
    revenue = np.sort(per["成交金额"].to_numpy())[::-1]
    top = max(1, round(len(revenue) * 0.2))
    all_buyers = set(orders["买家会员名"])
    return Shape(
        orders=int(tables["orders"]["订单编号"].nunique()),
        buyers=len(per),
        repeat_share=float((per["成交订单数"] >= 2).mean()),
        top20_revenue_share=float(revenue[:top].sum() / revenue.sum()),
        old_customers=int(((per["成交订单数"] >= 2) & (per["成交金额"] > 40)).sum()),
        potential_customers=len(all_buyers - set(orders.loc[orders["订单付款时间"].notna(), "买家会员名"])),
        status_share={k: float(v) for k, v in orders["订单状态"].value_counts(normalize=True).items()},
        consent_share=float((tables["customers"]["是否订阅短信"] == "是").mean()),
    )


_SOLVABILITY_COLUMNS = frozenset({"订单编号", "宝贝标题", "订单状态", "买家会员名", "买家实际支付金额", "订单付款时间",
                                  "订单关闭原因"})
"""The (stripped) ``orders`` columns the checks below read."""


def solvability_problems(tables: Mapping[str, pd.DataFrame]) -> list[str]:
    """Reasons an exercise could become meaningless on these tables (empty list = all fine)."""
    problems = []
    raw = tables["orders"]
    # Clean only the columns read below: the same rows and values as cleaning the whole table, far cheaper.
    used = [i for i, c in enumerate(raw.columns) if str(c).strip() in _SOLVABILITY_COLUMNS]
    orders = clean_orders(raw.iloc[:, used])
    per = sales(orders, cleaned=True)
    s = _shape(tables, orders, per)
    if s.old_customers < 20:
        problems.append("老客户太少")
    if s.potential_customers < 10:
        problems.append("潜在客户太少")
    if not 0.2 <= s.consent_share <= 0.85:
        problems.append("订阅短信比例异常")
    for status in (ST_SUCCESS, ST_CLOSED, ST_WAIT_PAY):
        if (orders["订单状态"] == status).sum() < 3:
            problems.append(f"缺少订单状态 {status}")
    if (orders["订单关闭原因"] == CLOSE_BEFORE_PAY).sum() < 3:
        problems.append("缺少付款前关闭的订单")
    top5 = per["成交金额"].quantile(0.95)
    if (per["成交金额"] >= top5).sum() < 3 or per["成交订单数"].max() < 6:
        problems.append("缺少钻石卡候选客户")
    if not ((per["成交订单数"] == 2) & (per["成交金额"].round(2) == 40.0)).any():
        problems.append("缺少成交金额恰为 40 元的边界客户")
    for line in (200.0, 500.0, 1000.0):
        if not (per["成交金额"].round(2) == line).any():
            problems.append(f"缺少成交金额恰为 {line:.0f} 元的边界客户")
    return problems


def order_problems(orders: Mapping[str, np.ndarray], customers: pd.DataFrame) -> list[str]:
    """``solvability_problems`` for the generator: the same list, from the ``orders`` table's column arrays
    (keyed by the table's headers) and the customers table, computed on numpy arrays (much cheaper).

    The buyer names must be strings (no missing values), as the generator writes them.
    """
    col = {str(name).strip(): values for name, values in orders.items()}
    first = ~pd.Series(col["订单编号"]).duplicated().to_numpy()  # drop_duplicates(subset="订单编号")
    keep = np.flatnonzero(first & (col["宝贝标题"] != TEST_TITLE))
    status = col["订单状态"][keep]
    buyer, names = pd.factorize(col["买家会员名"][keep])
    buyer = buyer.astype(np.intp)
    paid = np.bincount(buyer, weights=pd.notna(col["订单付款时间"][keep]), minlength=len(names)) > 0
    # sales(): 成交订单数 and 成交金额 of the buyers with a 交易成功 order (sums in row order, as there)
    ok = status == ST_SUCCESS
    count = np.bincount(buyer[ok], minlength=len(names))
    total = np.bincount(buyer[ok], weights=np.asarray(col["买家实际支付金额"][keep][ok], dtype=float),
                        minlength=len(names))
    count, total = count[count > 0], total[count > 0]

    problems = []
    if ((count >= 2) & (total > 40)).sum() < 20:
        problems.append("老客户太少")
    if (~paid).sum() < 10:
        problems.append("潜在客户太少")
    if not 0.2 <= float((customers["是否订阅短信"] == "是").mean()) <= 0.85:
        problems.append("订阅短信比例异常")
    for value in (ST_SUCCESS, ST_CLOSED, ST_WAIT_PAY):
        if (status == value).sum() < 3:
            problems.append(f"缺少订单状态 {value}")
    if (col["订单关闭原因"][keep] == CLOSE_BEFORE_PAY).sum() < 3:
        problems.append("缺少付款前关闭的订单")
    top5 = pd.Series(total).quantile(0.95)
    if (total >= top5).sum() < 3 or count.max() < 6:
        problems.append("缺少钻石卡候选客户")
    rounded = np.round(total, 2)
    if not ((count == 2) & (rounded == 40.0)).any():
        problems.append("缺少成交金额恰为 40 元的边界客户")
    for line in (200.0, 500.0, 1000.0):
        if not (rounded == line).any():
            problems.append(f"缺少成交金额恰为 {line:.0f} 元的边界客户")
    return problems
