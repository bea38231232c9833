"""Statistical shape of the default dataset and of 20 random variants, within the bands the course states.

The data dictionary quotes these bands; the lessons (80/20, 复购率, status mix) rely on them.
"""

from __future__ import annotations

import random

import pytest

import datasets
from datasets.stats import sales, shape, solvability_problems

BANDS = {
    "repeat_share": (0.30, 0.50),
    "top20_revenue_share": (0.55, 0.80),
}
STATUS_BANDS = {
    "交易成功": (0.70, 0.87),
    "交易关闭": (0.07, 0.20),
    "卖家已发货，等待买家确认": (0.04, 0.13),
    "买家已付款，等待卖家发货": (0.003, 0.03),
    "等待买家付款": (0.0005, 0.01),
    "交易被淘宝关闭": (0.0005, 0.01),
}
STUDENTS = [None] + [f"2023{random.Random(i).randrange(10**6):06d}" for i in range(20)]


@pytest.mark.slow
@pytest.mark.parametrize("student", STUDENTS)
def test_shape_within_bands(student):
    tables = datasets.generate(student, tables=["orders", "customers"])
    s = shape(tables)
    assert s.orders == 10_000 if student is None else 9_200 <= s.orders <= 10_800
    assert len(tables["customers"]) == 4_000 if student is None else 3_400 <= len(tables["customers"]) <= 4_650
    for field, (low, high) in BANDS.items():
        assert low <= getattr(s, field) <= high, (field, getattr(s, field))
    for status, (low, high) in STATUS_BANDS.items():
        assert low <= s.status_share.get(status, 0.0) <= high, (status, s.status_share)
    assert 0.40 <= s.consent_share <= 0.75
    # every exercise stays meaningful: 老客户, 潜在客户, 钻石卡 candidates, buyers at the 40 元 line
    assert s.old_customers >= 500 and s.potential_customers >= 100
    assert solvability_problems(tables) == []
    per = sales(tables["orders"])
    assert per["成交订单数"].max() >= 10
    assert (per["成交订单数"] == 1).mean() > 0.5  # most buyers buy once
    assert ((per["成交订单数"] == 2) & (per["成交金额"].round(2) == 40.0)).sum() >= 1
    for line in (200, 500, 1000):  # round tier thresholds: "≥" and ">" must give different tiers
        assert (per["成交金额"].round(2) == line).sum() >= 1, line
    for count in (3, 5, 8):
        assert (per["成交订单数"] == count).sum() >= 1, count


@pytest.mark.parametrize("student", [None, "20230101", "R000", "R002"])
def test_order_problems_match_solvability_problems(student):
    # generate() checks its draws with order_problems (numpy arrays); it must say what solvability_problems says,
    # also for small or cut-down tables that have problems.
    from datasets.stats import order_problems

    tables = datasets.generate(student, tables=["orders", "customers"], n_orders=1_000 if student else None)
    orders, customers = tables["orders"], tables["customers"]
    for part in (orders, orders.iloc[::-1], orders.sample(frac=0.1, random_state=1), orders.sample(n=120, random_state=2)):
        for buyers in (customers, customers.iloc[:10]):
            expected = solvability_problems({"orders": part, "customers": buyers})
            assert order_problems({c: part[c].to_numpy() for c in part.columns}, buyers) == expected
