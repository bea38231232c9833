"""Check kinds of the customer-archive exercises (grader/checks/archive.py), on a hand-made order export
whose figures are worked out by hand below."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from grader.checks import REGISTRY, CheckContext, run_check
from grader.checks.mistakes import SALES_MISTAKES, UNPAID_MISTAKES
from grader.checks.orders import Rule, archive_figures, load_orders, sales_figures, unpaid_figures
from grader.checks.tiers import tiers_by_rule
from grader.spec import CheckSpec, load_spec

ROOT = Path(__file__).resolve().parent.parent
PAID_COL = "订单付款时间 "  # trailing space, as in the real export

# 订单编号, 买家会员名, 总金额, 买家实际支付金额, 订单状态, 订单创建时间, 订单付款时间
ROWS = [
    ("1", "阿甲", "25.00", "25.00", "交易成功", "2025-11-01 10:00:00", "2025-11-01 10:01:00"),
    ("2", "阿甲", "20.00", "15.00元", "交易成功", "2025/11/3 9:05:00", "2025/11/3 9:06:00"),   # coupon 5 元
    ("3", "阿乙", "30.00", "30.00", "交易成功", "2025-11-02 12:00:00", "2025-11-02 12:00:30"),
    ("4", "阿乙", "20.50", "20.50", "交易成功", "2025-12-01 20:00:00", "2025-12-01 20:00:10"),
    ("4", "阿乙", "20.50", "20.50", "交易成功", "2025-12-01 20:00:00", "2025-12-01 20:00:10"),  # repeated row
    ("5", "阿丙", "35.00", "35.00", "交易成功", "2025-11-05 08:00:00", "2025-11-05 08:00:05"),
    ("6", "阿丙", "20.00", "20.00", "交易关闭", "2025-11-06 08:00:00", "2025-11-06 08:00:05"),  # refunded
    ("7", "阿丁", "1,050.00", "1,000.00", "交易成功", "2025-11-07 08:00:00", "2025-11-07 08:01:00"),
    ("8", "阿丁", "60.00", "60.00", "交易成功", "2025-11-08 08:00:00", "2025-11-08 08:01:00"),
    ("9", "阿戊", "88.00", "0.00", "等待买家付款", "2026-01-31 22:00:00", ""),
    ("10", "阿戊", "12.00", "0.00", "交易关闭", "2025-12-24 18:30:00", ""),               # closed before pay
    ("11", "阿己", "50.00", "50.00", "交易关闭", "2025-11-09 08:00:00", "2025-11-09 08:00:09"),  # refunded
    ("12", "阿己", "66.00", "0.00", "等待买家付款", "2026-01-30 08:00:00", ""),
    ("13", "阿庚", "19.90", "0.00", "交易被淘宝关闭", "2025-11-11 00:00:01", ""),
    ("14", "阿辛", "45.00", "45.00", "买家已付款，等待卖家发货", "2026-01-31 20:00:00", "2026-01-31 20:00:05"),
    ("15", "吃货美食团_测试01", "0.01", "0.01", "交易成功", "2025-11-20 10:00:00", "2025-11-20 10:00:30"),
    ("16", "吃货美食团_测试01", "0.01", "0.01", "交易成功", "2025-11-21 10:00:00", "2025-11-21 10:00:30"),
    ("", "", "", "", "", "", ""),                                                       # pasted blank row
]
COLUMNS = ["订单编号", "买家会员名", "总金额", "买家实际支付金额", "订单状态", "订单创建时间", PAID_COL]


def export() -> pd.DataFrame:
    return pd.DataFrame(ROWS, columns=COLUMNS).replace("", None)


COURSE_RULE = Rule()


def figures(rule: Rule = COURSE_RULE, **select) -> dict[str, tuple[int, float]]:
    df = sales_figures(load_orders(export()), rule, **select)
    return {b: (int(r.orders), float(r.amount)) for b, r in df.iterrows()}


def test_load_orders_reads_the_messy_export():
    orders = load_orders(export())
    assert len(orders) == 17  # the blank row is gone, the repeated row is still there
    row2 = orders[orders.order == "2"].iloc[0]
    assert row2.actual == 15.0 and row2.paid == pd.Timestamp("2025-11-03 09:06:00")
    assert orders[orders.order == "7"].iloc[0].total == 1050.0
    assert orders[orders.order == "9"].iloc[0].paid is pd.NaT
    assert orders[orders.order == "14"].iloc[0].status == "买家已付款,等待卖家发货"  # NFKC: full-width comma


def test_sales_figures_follow_the_course_rule():
    assert figures() == {"阿甲": (2, 40.0), "阿乙": (2, 50.5), "阿丙": (1, 35.0), "阿丁": (2, 1060.0)}


def test_each_sales_mistake_changes_the_figures_the_way_students_get_them():
    assert figures(Rule(dedup=False))["阿乙"] == (3, 71.0)
    assert figures(Rule(dedup_amount=False))["阿乙"] == (2, 71.0)
    assert figures(Rule(statuses=("交易成功", "交易关闭", "交易被淘宝关闭")))["阿丙"] == (2, 55.0)
    assert figures(Rule(amount="total"))["阿甲"] == (2, 45.0)
    assert figures(Rule(drop_test=False))["吃货美食团_测试01"] == (2, 0.02)


def test_old_customer_selection_is_strictly_above_40():
    assert set(figures(min_orders=2, min_amount=40)) == {"阿乙", "阿丁"}
    assert set(figures(Rule(amount_strict=False), min_orders=2, min_amount=40)) == {"阿甲", "阿乙", "阿丁"}
    assert set(figures(Rule(orders_strict=True), min_orders=2, min_amount=40)) == set()


def test_potential_customers_never_paid_anything():
    df = unpaid_figures(load_orders(export()), Rule(amount="total"))
    got = {b: (int(r.orders), float(r.amount), r["last"]) for b, r in df.iterrows()}
    assert got == {"阿戊": (2, 100.0, pd.Timestamp("2026-01-31 22:00:00")),
                   "阿庚": (1, 19.9, pd.Timestamp("2025-11-11 00:00:01"))}
    per_order = unpaid_figures(load_orders(export()), Rule(amount="total", exclude="none"))
    assert "阿己" in per_order.index  # paid (and refunded) once, so not a potential customer
    wait_only = unpaid_figures(load_orders(export()), Rule(amount="total", unpaid="wait-only"))
    assert wait_only.loc["阿戊", "orders"] == 1 and list(wait_only.index) == ["阿戊"]  # 阿庚 and order 10 missed


# ---- the check kind, with a real exercise spec and the hand-made export as the student's data --------
def run(exercise: str, kind: str, submission: pd.DataFrame, **params):
    spec = load_spec(ROOT / "exercises" / exercise)
    check = CheckSpec(kind=kind, points=1, params=params)
    ctx = CheckContext(spec, check, submission, None, tables_provider=lambda: {"orders": export()})
    return run_check(REGISTRY[kind], ctx)


def old_table(rule: Rule = COURSE_RULE) -> pd.DataFrame:
    df = sales_figures(load_orders(export()), rule, min_orders=2, min_amount=40)
    return pd.DataFrame({"买家会员名": df.index, "成交订单数": df["orders"].to_numpy(),
                         "成交金额": df["amount"].to_numpy()})


OLD = {"view": "sales", "columns": {"orders": "成交订单数", "amount": "成交金额"}, "min_orders": 2, "min_amount": 40.0}


def test_course_rule_passes_the_diagnosis():
    result = run("old-customers", "order-mistakes", old_table(), **OLD)
    assert result.passed and result.points == 1


@pytest.mark.parametrize(("code", "words"), [("amount-ge", "≥"), ("no-dedup", "去重"), ("dup-amount", "金额却没有"),
                                             ("total-amount", "总金额"), ("closed", "交易关闭")])
def test_diagnosis_names_the_mistake(code, words):
    wrong = old_table(replace(Rule(), **SALES_MISTAKES[code].changes))
    result = run("old-customers", "order-mistakes", wrong, **OLD)
    assert not result.passed and result.points == 0
    assert words in result.message, result.message


def test_two_mistakes_at_once_are_both_named():
    wrong = old_table(Rule(dedup=False, amount_strict=False))
    result = run("old-customers", "order-mistakes", wrong, **OLD)
    assert not result.passed
    assert "去重" in result.message and "≥" in result.message


def test_unexplained_errors_are_left_to_the_other_checks():
    table = old_table()
    table.loc[0, "成交金额"] = 999.0
    result = run("old-customers", "order-mistakes", table, **OLD)
    assert result.passed and "没有发现本项列出的常见口径错误" in result.message


def test_empty_submission_fails_the_diagnosis():
    result = run("old-customers", "order-mistakes", old_table().iloc[:0], **OLD)
    assert not result.passed


def test_potential_customer_diagnosis():
    def table(rule: Rule) -> pd.DataFrame:
        df = unpaid_figures(load_orders(export()), rule)
        return pd.DataFrame({"买家会员名": df.index, "下单次数": df["orders"].to_numpy(),
                             "最近下单时间": df["last"].to_numpy(), "未付款金额": df["amount"].to_numpy()})

    params = {"view": "unpaid", "columns": {"orders": "下单次数", "amount": "未付款金额", "last": "最近下单时间"}}
    base = Rule(amount="total")
    assert run("potential-customers", "order-mistakes", table(base), **params).passed
    for code, words in (("per-order", "付过款"), ("actual-amount", "总金额"), ("wait-only", "付款前")):
        result = run("potential-customers", "order-mistakes", table(replace(base, **UNPAID_MISTAKES[code].changes)),
                     **params)
        assert not result.passed and words in result.message, (code, result.message)


def test_unknown_view_or_mistake_fails_spec_validation():
    kind = REGISTRY["order-mistakes"]
    assert kind.check_params({"columns": {"orders": "x"}, "view": "nope"})
    assert kind.check_params({"columns": {"orders": "x"}, "mistakes": ["typo"]})
    assert kind.check_params({"columns": {"wrong": "x"}})
    assert not kind.check_params({"columns": {"orders": "x"}, "mistakes": ["closed"]})


def test_masked_phone():
    good = pd.DataFrame({"买家会员名": ["阿甲", "阿乙"], "联系手机": ["138****1234", "159****0000"]})
    assert run("customer-archive", "masked-phone", good).passed
    bad = pd.DataFrame({"买家会员名": ["阿甲", "阿乙", "阿丙"], "联系手机": ["13812341234", "138-1234", None]})
    result = run("customer-archive", "masked-phone", bad)
    assert not result.passed and result.points == 0
    assert any("阿甲" in d and "没有打码" in d for d in result.details)
    assert any("阿丙" in d and "空" in d for d in result.details)


# ---- tier-rule-mistakes -------------------------------------------------------------------------------
TIERS = [{"名称": "银卡", "交易金额": 200, "交易笔数": 3}, {"名称": "金卡", "交易金额": 500, "交易笔数": 5}]
# (买家, 金额, 笔数, 课程规则下的等级) — worked out by hand: 任一, ≥, highest tier reached
CUSTOMERS = [("甲", 620.0, 2, "金卡"), ("乙", 180.0, 6, "金卡"), ("丙", 500.0, 1, "金卡"), ("丁", 499.0, 4, "银卡"),
             ("戊", 200.0, 1, "银卡"), ("己", 50.0, 3, "银卡"), ("庚", 199.99, 2, "非会员")]


def tier_table(tiers: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"买家会员名": [c[0] for c in CUSTOMERS], "累计成交金额": [c[1] for c in CUSTOMERS],
                         "累计成交笔数": [c[2] for c in CUSTOMERS], "会员等级": tiers})


def test_tiers_by_rule_matches_the_hand_worked_table():
    df = tier_table([c[3] for c in CUSTOMERS])
    table = [(t["名称"], t["交易金额"], t["交易笔数"]) for t in TIERS]
    got = tiers_by_rule(df["累计成交金额"], df["累计成交笔数"], table, none_label="非会员")
    assert list(got) == [c[3] for c in CUSTOMERS]
    strict = tiers_by_rule(df["累计成交金额"], df["累计成交笔数"], table, none_label="非会员", strict=True)
    assert list(strict) == ["金卡", "金卡", "银卡", "银卡", "非会员", "非会员", "非会员"]


@pytest.mark.parametrize(("tiers", "words"), [
    (["金卡", "金卡", "金卡", "银卡", "银卡", "银卡", "非会员"], None),
    (["金卡", "金卡", "银卡", "银卡", "非会员", "非会员", "非会员"], "门槛用了 >"),
    (["非会员", "银卡", "非会员", "非会员", "非会员", "非会员", "非会员"], "同时达到"),
    (["金卡", "非会员", "金卡", "银卡", "银卡", "非会员", "非会员"], "只看了累计成交金额"),
    (["银卡", "银卡", "银卡", "银卡", "银卡", "银卡", "非会员"], "最高等级"),
])
def test_tier_rule_mistakes_names_the_wrong_reading(tiers, words):
    result = run("tier-assign", "tier-rule-mistakes", tier_table(tiers), tiers=TIERS)
    if words is None:
        assert result.passed and result.points == 1
    else:
        assert not result.passed and result.points == 0 and words in result.message, result.message


def test_tier_rule_mistakes_treats_a_blank_tier_as_no_tier():
    df = tier_table([c[3] for c in CUSTOMERS])
    df.loc[6, "会员等级"] = None
    assert run("tier-assign", "tier-rule-mistakes", df, tiers=TIERS).passed


# ---- the archive view ----------------------------------------------------------------------------------
def export_with_contacts() -> pd.DataFrame:
    df = export()
    n = len(df)
    df["收货人姓名"] = [f"收件人{i}" for i in range(n)]
    df.loc[1, "收货人姓名"] = "王\u3000芳"  # order 2 of 阿甲, typed with a full-width space
    df["联系手机"] = [f"138****{i:04d}" for i in range(n)]
    df["收货地址 "] = ["广东省 广州市 天河区 人民路1号"] * n
    df.loc[1, "收货地址 "] = "北京 北京市 朝阳区 建设路２号"
    return df


def test_archive_figures_take_contacts_from_the_latest_successful_order():
    df = archive_figures(load_orders(export_with_contacts()), Rule())
    jia = df.loc["阿甲"]
    assert (jia["orders"], jia["amount"]) == (2, 40.0)
    assert jia["first"] == pd.Timestamp("2025-11-01 10:01:00") and jia["last"] == pd.Timestamp("2025-11-03 09:06:00")
    assert (jia["name"], jia["phone"], jia["province"], jia["city"]) == ("王芳", "138****0001", "北京", "北京市")
    first = archive_figures(load_orders(export_with_contacts()), Rule(contact="first")).loc["阿甲"]
    assert (first["name"], first["province"]) == ("收件人0", "广东省")
    created = archive_figures(load_orders(export_with_contacts()), Rule(time="created")).loc["阿甲"]
    assert created["last"] == pd.Timestamp("2025-11-03 09:05:00")
    assert set(df.index) == {"阿甲", "阿乙", "阿丙", "阿丁"}


ARCHIVE = {"view": "archive", "columns": {"orders": "成交订单数", "amount": "成交金额", "first": "首次购买时间",
                                          "last": "最近购买时间", "name": "收货人姓名", "phone": "联系手机",
                                          "province": "省份", "city": "城市"}}


def archive_table(rule: Rule) -> pd.DataFrame:
    df = archive_figures(load_orders(export_with_contacts()), rule)
    names = {"orders": "成交订单数", "amount": "成交金额", "first": "首次购买时间", "last": "最近购买时间",
             "name": "收货人姓名", "phone": "联系手机", "province": "省份", "city": "城市"}
    return df.rename(columns=names).rename_axis("买家会员名").reset_index()


@pytest.mark.parametrize(("changes", "words"), [({}, None), ({"contact": "first"}, "第一笔"),
                                                ({"time": "created"}, "订单创建时间"), ({"dedup": False}, "去重")])
def test_archive_diagnosis(changes, words):
    spec = load_spec(ROOT / "exercises" / "customer-archive")
    check = CheckSpec(kind="order-mistakes", points=1, params=ARCHIVE)
    ctx = CheckContext(spec, check, archive_table(replace(Rule(), **changes)), None,
                       tables_provider=lambda: {"orders": export_with_contacts()})
    result = run_check(REGISTRY["order-mistakes"], ctx)
    if words is None:
        assert result.passed, result.message
    else:
        assert not result.passed and words in result.message, result.message
