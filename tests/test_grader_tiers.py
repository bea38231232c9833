"""Tier configs: schema with Chinese and English keys, every rule violated once, exact 任一/全部 assignment."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.tiers import (
    TierConfig,
    assign_tiers,
    boundary_probes,
    customer_totals,
    order_problems,
    parse_config,
    probe_kind,
    schema_problems,
    shares_from,
)

NAMES = ["银卡", "金卡", "白金卡", "钻石卡"]
VALID = {
    "规则": "任一",
    "等级": [
        {"名称": "银卡", "交易金额": 200, "交易笔数": 3, "折扣": 0.98},
        {"名称": "金卡", "交易金额": 500, "交易笔数": 5, "折扣": "9.5折"},
        {"名称": "白金卡", "交易金额": 1000, "交易笔数": 8, "折扣": 9},
        {"名称": "钻石卡", "交易金额": 2000, "交易笔数": 12, "折扣": 0.85},
    ],
}


def config(rule: str = "任一") -> TierConfig:
    parsed = parse_config({**VALID, "规则": rule})
    assert parsed.config is not None, parsed.problems
    return parsed.config


def test_valid_config_with_discount_notations():
    parsed = parse_config(VALID)
    assert parsed.problems == []
    cfg = parsed.config
    assert [t.discount for t in cfg.tiers] == [0.98, 0.95, 0.9, 0.85]
    assert schema_problems(cfg, NAMES, "任一") == [] and order_problems(cfg) == []
    assert {n.code for n in parsed.notes} == {"discount_text"}


def test_english_keys_and_rule_aliases():
    english = {"rule": "all", "tiers": [{"name": t["名称"], "min_amount": t["交易金额"], "min_orders": t["交易笔数"],
                                         "discount": t["折扣"]} for t in VALID["等级"]]}
    parsed = parse_config(english)
    assert parsed.config.rule == "全部" and [t.name for t in parsed.config.tiers] == NAMES
    assert "rule_alias" in {n.code for n in parsed.notes}


@pytest.mark.parametrize(("mutate", "expected"), [
    (lambda c: c.pop("规则"), "缺少“规则”"),
    (lambda c: c.update(规则="随便"), "规则“随便”无法识别"),
    (lambda c: c.pop("等级"), "缺少“等级”列表"),
    (lambda c: c["等级"][1].pop("折扣"), "等级“金卡”缺少折扣"),
    (lambda c: c["等级"][1].update(交易金额="很多"), "等级“金卡”的交易金额应为数字"),
])
def test_schema_problems(mutate, expected):
    import copy

    data = copy.deepcopy(VALID)
    mutate(data)
    parsed = parse_config(data)
    assert parsed.config is None
    assert any(expected in p for p in parsed.problems), parsed.problems


@pytest.mark.parametrize(("index", "field", "value", "expected"), [
    (1, "交易金额", 200, "金卡的交易金额（200）应高于银卡（200）"),
    (2, "交易笔数", 4, "白金卡的交易笔数（4）应高于金卡（5）"),
    (3, "折扣", 0.9, "钻石卡的折扣（0.9）应低于白金卡（0.9）"),
    (3, "折扣", 0.6, "钻石卡的折扣 0.6 超出范围 0.7–1"),
])
def test_each_order_rule_violated_once(index, field, value, expected):
    import copy

    data = copy.deepcopy(VALID)
    data["等级"][index][field] = value
    problems = order_problems(parse_config(data).config)
    assert any(expected in p for p in problems), problems


def test_names_count_order_and_rule_against_exercise():
    cfg = config()
    assert schema_problems(cfg, NAMES[:3], None) == ["应有 3 个等级（银卡、金卡、白金卡），提交了 4 个"]
    assert schema_problems(cfg, ["普卡", "金卡", "白金卡", "钻石卡"], None)[0].startswith("等级名称应为 普卡")
    swapped = list(reversed(NAMES))
    assert schema_problems(cfg, swapped, None)[0].startswith("等级顺序应从低到高")
    assert schema_problems(cfg, NAMES, "全部") == ["规则应为“全部”，提交为“任一”"]


def test_not_a_mapping():
    assert parse_config([1, 2]).problems[0].startswith("配置应是")
    assert parse_config(None).config is None


def customers(rows: list[tuple[float, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["累计成交金额", "累计成交笔数"])


def test_any_rule_at_threshold_and_single_condition():
    df = customers([(200, 0), (199.99, 2), (0, 3), (500, 1), (10, 12), (2000, 12), (0, 0)])
    assert list(assign_tiers(df, config("任一"), none_label="普通")) == \
        ["银卡", "普通", "银卡", "金卡", "钻石卡", "钻石卡", "普通"]
    assert list(assign_tiers(df, config("全部"), none_label="普通")) == \
        ["普通", "普通", "普通", "普通", "普通", "钻石卡", "普通"]


def test_all_rule_takes_highest_tier_meeting_both():
    df = customers([(2500, 6), (600, 20), (1000, 8)])
    assert list(assign_tiers(df, config("全部"))) == ["金卡", "金卡", "白金卡"]


@pytest.mark.parametrize("rule", ["任一", "全部"])
def test_probes_cover_each_threshold_and_match_assignment(rule):
    cfg = config(rule)
    probes = boundary_probes(cfg, none_label="无")
    assert len(probes) == 16
    df = customers([(p.amount, p.orders) for p in probes])
    assert list(assign_tiers(df, cfg, none_label="无")) == [p.expected for p in probes]
    at = [p for p in probes if p.case.startswith("交易金额和笔数都正好等于")]
    assert [p.expected for p in at] == NAMES
    only_amount = [p for p in probes if p.case.startswith("只有交易金额")]
    if rule == "任一":
        assert [p.expected for p in only_amount] == NAMES
    else:
        assert all(p.expected != name for p, name in zip(only_amount, NAMES, strict=True))


def test_probe_kind_names_the_cause():
    cfg = config("任一")
    assert "正好达到金卡门槛" in probe_kind(cfg, 500, 1)
    assert "只有交易笔数达到钻石卡门槛" in probe_kind(cfg, 10, 13)
    assert probe_kind(cfg, 50, 1) is None


def test_shares_are_cumulative_from_each_tier():
    cfg = config()
    assigned = pd.Series(["", "银卡", "金卡", "钻石卡", "", "白金卡", "银卡", "", "", ""])
    assert shares_from(assigned, cfg) == {"银卡": 0.5, "金卡": 0.3, "白金卡": 0.2, "钻石卡": 0.1}


def test_customer_totals_count_each_order_once_and_only_success():
    orders = pd.DataFrame({
        "订单编号": ["1", "1", "2", "3", "4"],
        "买家会员名": ["张三", "张三", "张三", "李四", "李四"],
        "买家实际支付金额 ": ["30", "30", "15.5", "100", "50"],
        "订单状态": ["交易成功", "交易成功", "交易成功", "交易关闭", "交易成功"],
    })
    totals = customer_totals(orders).set_index("买家会员名")
    assert totals.loc["张三", "累计成交金额"] == 45.5 and totals.loc["张三", "累计成交笔数"] == 2
    assert totals.loc["李四", "累计成交金额"] == 50 and totals.loc["李四", "累计成交笔数"] == 1


# ---- properties of the assignment --------------------------------------------------------------


@st.composite
def configs(draw):
    n = draw(st.integers(1, 4))
    amounts = sorted(draw(st.sets(st.integers(1, 3000), min_size=n, max_size=n)))
    orders = sorted(draw(st.sets(st.integers(1, 30), min_size=n, max_size=n)))
    discounts = sorted(draw(st.sets(st.integers(70, 100), min_size=n, max_size=n)), reverse=True)
    return [{"名称": NAMES[i], "交易金额": amounts[i], "交易笔数": orders[i], "折扣": discounts[i] / 100}
            for i in range(n)]


@settings(max_examples=150, deadline=None)
@given(tiers=configs(), people=st.lists(st.tuples(st.floats(0, 4000), st.integers(0, 40)), min_size=1, max_size=20))
def test_assignment_properties(tiers, people):
    any_cfg = parse_config({"规则": "任一", "等级": tiers}).config
    all_cfg = parse_config({"规则": "全部", "等级": tiers}).config
    assert order_problems(any_cfg) == []
    rank = {t["名称"]: i + 1 for i, t in enumerate(tiers)} | {"": 0}
    df = customers(people)
    by_any = [rank[t] for t in assign_tiers(df, any_cfg)]
    by_all = [rank[t] for t in assign_tiers(df, all_cfg)]
    assert all(a >= b for a, b in zip(by_any, by_all, strict=True))  # 任一 never gives less than 全部
    richer = customers([(a + 500, n + 5) for a, n in people])
    assert all(r >= a for r, a in zip((rank[t] for t in assign_tiers(richer, any_cfg)), by_any, strict=True))
    for cfg in (any_cfg, all_cfg):
        for probe in boundary_probes(cfg):
            assert rank[cfg.tier_of(probe.amount, probe.orders).name if cfg.tier_of(probe.amount, probe.orders)
                        else ""] == rank[probe.expected]
        # exactly at a tier's thresholds always reaches that tier (≥, not >)
        for i, t in enumerate(cfg.tiers):
            assert rank[cfg.tier_of(t.min_amount, t.min_orders).name] == i + 1
