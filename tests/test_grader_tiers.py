"""Tier configs: schema with Chinese and English keys, every rule violated once, exact 任一/全部 assignment."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.tier_config import parse_config
from grader.tiers import (
    TierConfig,
    assign_tiers,
    customer_totals,
    order_problems,
    probe_kind,
    schema_problems,
    shares_from,
)

NAMES = ["银卡", "金卡", "白金卡", "钻石卡"]


@dataclass
class Probe:
    """A synthetic customer at or around a threshold, with the tier the rule gives."""

    case: str
    amount: float
    orders: float
    expected: str


def boundary_probes(config: TierConfig, none_label: str = "") -> list[Probe]:
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
    (lambda c: c["等级"][1].pop("折扣"), "等级“金卡”缺少折扣"),
    (lambda c: c["等级"][1].update(交易金额="很多"), "等级“金卡”的交易金额“很多”无法识别"),
])
def test_a_field_that_cannot_be_read_is_named_and_the_rest_is_kept(mutate, expected):
    import copy

    data = copy.deepcopy(VALID)
    mutate(data)
    parsed = parse_config(data)
    assert any(expected in p for p in parsed.problems), parsed.problems
    assert len(parsed.unread) == 1 and len(parsed.config.tiers) == 4
    assert [t.name for t in parsed.config.tiers] == NAMES


def test_a_misspelled_key_is_named_in_the_message():
    import copy

    data = copy.deepcopy(VALID)
    data["等级"][2]["交易笔"] = data["等级"][2].pop("交易笔数")
    parsed = parse_config(data)
    assert parsed.problems == ["等级“白金卡”缺少交易笔数：请写成数字，例如 交易笔数: 4（没有认出的项：交易笔）"]


def test_no_tiers_at_all_gives_no_config():
    parsed = parse_config({"规则": "任一"})
    assert parsed.config is None and any("缺少“等级”列表" in p for p in parsed.problems)


@pytest.mark.parametrize(("index", "field", "value", "expected"), [
    (1, "交易金额", 200, "金卡的交易金额（200）应高于银卡（200）"),
    (2, "交易笔数", 4, "白金卡的交易笔数（4）应高于金卡（5）"),
    (3, "折扣", 0.9, "钻石卡和白金卡的折扣一样（都是 0.9）"),
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
    assert "空文件" in parse_config(None).problems[0]


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


# ---- real configs as students write them, graded end to end ------------------------------------------
EXERCISE = Path(__file__).resolve().parent.parent / "exercises" / "tier-config"
STUDENT = "2024001"
# The thresholds are the reference answer's for STUDENT (so the clean config earns full marks); the
# templates write them the ways students do. {a1} = 银卡's 交易金额, {n1} = its 交易笔数 …
CLEAN_YAML = """规则: 任一
等级:
  - {{名称: 银卡, 交易金额: {a1}, 交易笔数: {n1}, 折扣: 0.98}}
  - {{名称: 金卡, 交易金额: {a2}, 交易笔数: {n2}, 折扣: 0.95}}
  - {{名称: 白金卡, 交易金额: {a3}, 交易笔数: {n3}, 折扣: 0.9}}
  - {{名称: 钻石卡, 交易金额: {a4}, 交易笔数: {n4}, 折扣: 0.85}}
"""
MESSY_YAML = """# 会员等级设置（张三）
规则: 满足其一
等级:
  - 名称: 银卡
    交易金额: {a1}元
    交易笔数: {n1}笔
    折扣: 9.8折
  - 名称: 金卡
    交易金额: ¥{a2}
    交易笔数: {n2} 单
    折扣: 95%
  - 名称: 白金卡
    交易金额: {a3} 元
    交易笔数: {n3}笔
    折扣: 九折
  - 名称: 钻石卡
    交易金额: "{a4:,}元"
    交易笔数: {n4}次
    折扣: 85折
"""
MAPPING_YAML = """规则: 满足任一
等级:
  银卡: {{交易金额: {a1}, 交易笔数: {n1}, 折扣: 0.98}}
  金卡: {{交易金额: {a2}, 交易笔数: {n2}, 折扣: 0.95}}
  白金卡: {{交易金额: {a3}, 交易笔数: {n3}, 折扣: 0.9}}
  钻石卡: {{交易金额: {a4}, 交易笔数: {n4}, 折扣: 0.85}}
"""
MESSY_JSON = """{{"规则": "或", "等级": [
  {{"名称": "银卡", "交易金额": "{a1}元", "交易笔数": "{n1}笔", "折扣": "9.8折"}},
  {{"名称": "金卡", "交易金额": "{a2}", "交易笔数": "{n2}", "折扣": "95%"}},
  {{"名称": "白金卡", "交易金额": {a3}, "交易笔数": {n3}, "折扣": 9}},
  {{"名称": "钻石卡", "交易金额": "{a4:,}", "交易笔数": "{n4}笔", "折扣": 85}}]}}
"""


@pytest.fixture(scope="module")
def spec():
    from grader.spec import load_spec

    return load_spec(EXERCISE)


@pytest.fixture(scope="module")
def values(spec) -> dict[str, int]:
    from grader.reference import reference_answer

    tiers = reference_answer(spec, STUDENT)["等级"]
    out = {f"a{i + 1}": int(t["交易金额"]) for i, t in enumerate(tiers)}
    return out | {f"n{i + 1}": int(t["交易笔数"]) for i, t in enumerate(tiers)}


def grade(spec, text: str, ext: str = "yaml"):
    from grader.engine import grade_bytes

    return grade_bytes(spec, f"{STUDENT}_tier-config.{ext}", text.encode("utf-8"), STUDENT)


def by_name(result) -> dict:
    return {c.name: c for c in result.checks}


@pytest.mark.parametrize(("text", "ext"), [(MESSY_YAML, "yaml"), (MAPPING_YAML, "yaml"), (MESSY_JSON, "json")])
def test_units_chinese_rule_words_and_mappings_score_like_the_clean_config(spec, values, text, ext):
    clean = grade(spec, CLEAN_YAML.format(**values))
    assert clean.score == clean.max_score, clean.checks
    messy = grade(spec, text.format(**values), ext)
    assert messy.status == "graded", messy.error
    assert by_name(clean)["各等级人数占比"].message.startswith("按你的配置划分"), clean.checks
    assert [(c.name, c.points) for c in messy.checks] == [(c.name, c.points) for c in clean.checks]
    assert messy.score == clean.score


def test_messy_values_are_explained_in_notes(spec, values):
    notes = [n.message for n in grade(spec, MESSY_YAML.format(**values)).notes]
    assert f"等级“金卡”的交易笔数“{values['n2']} 单”按 {values['n2']} 处理" in notes
    assert f"等级“钻石卡”的交易金额“{values['a4']:,}元”按 {values['a4']} 处理" in notes
    assert "等级“白金卡”的折扣“九折”按 0.9（9折）处理" in notes
    assert any("映射" in n for n in (m.message for m in grade(spec, MAPPING_YAML.format(**values)).notes))


def test_one_unreadable_field_costs_only_that_field(spec, values):
    clean = by_name(grade(spec, CLEAN_YAML.format(**values)))
    broken = grade(spec, CLEAN_YAML.format(**values).replace(f"交易笔数: {values['n2']},", "交易笔数: 三笔左右,"))
    checks = by_name(broken)
    schema = checks["配置格式"]
    assert not schema.passed and 0 < schema.points < schema.max_points
    assert any("等级“金卡”的交易笔数“三笔左右”无法识别" in d for d in schema.details), schema.details
    assert "金卡的交易笔数" in schema.message
    order = checks["门槛与折扣"]
    assert 0 < order.points < order.max_points  # the comparisons with 金卡's count cannot be made
    assert any("金卡的交易笔数没有读出来" in d for d in order.details)
    shares = checks["各等级人数占比"]  # computed as if nobody reached 金卡 by its count; targets still checked
    assert shares.message.startswith("按你的配置划分")
    assert shares.passed or any("金卡的交易笔数没有读出来，银卡及以上的占比按这一条件没人达到来计算" in d
                                for d in shares.details)
    assert shares.points >= clean["各等级人数占比"].points * 2 / 3
    assert broken.score > broken.max_score * 0.8


def test_unreadable_rule_costs_the_rule_and_shares_use_the_exercise_rule(spec, values):
    clean = by_name(grade(spec, CLEAN_YAML.format(**values)))
    checks = by_name(grade(spec, CLEAN_YAML.format(**values).replace("规则: 任一", "规则: 看情况")))
    assert "规则“看情况”无法识别" in checks["配置格式"].details[0]
    assert checks["配置格式"].points == pytest.approx(2 * (1 - 1 / 17), abs=0.01)
    assert checks["门槛与折扣"].passed
    assert checks["各等级人数占比"].points == clean["各等级人数占比"].points


@pytest.mark.parametrize(("word", "rule"), [
    ("任一", "任一"), ("满足其一", "任一"), ("满足任一", "任一"), ("或", "任一"), ("any", "任一"), ("ANY", "任一"),
    ("满足其一即可", "任一"), ("全部", "全部"), ("同时满足", "全部"), ("且", "全部"), ("all", "全部"),
    ("两项都要满足", "全部"),
])
def test_rule_words(word, rule):
    assert parse_config({**VALID, "规则": word}).config.rule == rule


@pytest.mark.parametrize("word", ["任一/全部", "看情况", ""])
def test_rule_words_that_say_neither_are_reported(word):
    parsed = parse_config({**VALID, "规则": word})
    assert parsed.config.rule == "" and parsed.unread[0].field == "rule"


def test_customer_totals_count_the_course_s_customers_to_the_fen():
    """成交客户 leave out the shop's test accounts (本课程约定), and amounts are summed to the fen."""
    from grader.checks.orders import TEST_PREFIX
    from grader.reference import student_tables

    orders = student_tables("2024001", ["orders"])["orders"]
    tested = orders[orders["买家会员名"].str.startswith(TEST_PREFIX) & (orders["订单状态"] == "交易成功")]
    assert len(tested) > 0, "the variant has successful test orders to leave out"
    totals = customer_totals(orders)
    assert not totals["买家会员名"].str.startswith(TEST_PREFIX).any()
    amounts = totals["累计成交金额"]
    assert (amounts == amounts.round(2)).all()


def test_shares_are_computed_for_tier_names_with_a_suffix():
    """"钻石卡会员" is the 钻石卡: the name costs the name check's points, not every share as well."""
    import copy

    from grader.engine import grade_result
    from grader.reference import reference_answer
    from grader.spec import load_spec

    spec = load_spec(Path(__file__).resolve().parent.parent / "exercises" / "tier-config")
    config = copy.deepcopy(reference_answer(spec, None))
    for tier in config["等级"]:
        tier["名称"] += "会员"
    results = grade_result(spec, config, None).checks
    [shares] = [r for c, r in zip(spec.checks, results, strict=True) if c.kind == "tier-shares"]
    assert shares.passed, (shares.message, shares.details)


def test_the_format_hint_names_the_exercise_s_rule():
    """The course's rule is 任一: the hint says so instead of offering "任一/全部" as a choice."""
    from grader.engine import grade_result
    from grader.spec import load_spec

    spec = load_spec(Path(__file__).resolve().parent.parent / "exercises" / "tier-config")
    results = grade_result(spec, {"规则": "任一", "等级": "银卡"}, None).checks
    [schema] = [r for c, r in zip(spec.checks, results, strict=True) if c.kind == "tier-schema"]
    assert not schema.passed and "规则写“任一”" in schema.hint and "任一/全部" not in schema.hint
