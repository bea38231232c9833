"""Wrong answers students typically write: each loses points *and* the feedback names its mistake, on the
lessons' default data; the reference answers agree with rules computed by hand. (Every exercise's solution,
starter and wrong answers are also graded in Pyodide by tests/test_exercise_suite_pyodide.py.)"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from grader.engine import grade_result
from grader.reference import data_dir, run_script, student_tables
from grader.spec import load_spec
from grader.tier_config import parse_config

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = ROOT / "exercises"

# wrong script → words the failing checks' feedback must contain (the pointer to the mistake)
POINTERS = {
    ("old-customers", "counts_closed.py"): "交易关闭",
    ("old-customers", "ge_40.py"): "≥",
    ("old-customers", "no_dedup.py"): "去重",
    ("old-customers", "total_amount.py"): "总金额",
    ("potential-customers", "wait_only.py"): "付款前",
    ("potential-customers", "per_order.py"): "付过款",
    ("potential-customers", "closed_by_status.py"): "退款",
    ("potential-customers", "actual_amount.py"): "总金额",
    ("customer-archive", "no_dedup.py"): "去重",
    ("customer-archive", "first_order_contact.py"): "付款时间最晚",
    ("customer-archive", "all_statuses.py"): "交易成功",
    ("customer-archive", "keep_test_orders.py"): "测试账号",
    ("customer-archive", "created_time.py"): "订单付款时间",
    ("tier-assign", "both_required.py"): "同时达到",
    ("tier-assign", "strictly_greater.py"): "门槛用了 >",
    ("tier-assign", "lowest_first.py"): "最高等级",
    ("tier-assign", "amount_only.py"): "只看了累计成交金额",
    ("tier-assign", "counts_closed.py"): "交易关闭",
    ("tier-config", "discounts_reversed.py"): "折扣",
    ("tier-config", "api_tier_names.py"): "等级名称应为",
    ("tier-config", "quantile_each.py"): "要求",
    ("tier-config", "same_orders_threshold.py"): "应高于",
    ("service-kpi", "count_sessions.py"): "去重",
    ("service-kpi", "linked_order_is_deal.py"): "交易成功",
    ("service-kpi", "coerce_seconds.py"): "coerce",
    ("service-kpi", "satisfaction_all_chats.py"): "分母",
    ("service-kpi", "keep_test_accounts.py"): "测试账号",
    ("refund-analysis", "amount_all_requests.py"): "退款关闭",
    ("refund-analysis", "open_as_zero.py"): "不能当成 0",
    ("refund-analysis", "rate_all_lines.py"): "已付款",
    ("refund-analysis", "share_as_fraction.py"): "百分数",
}


def test_every_wrong_script_has_a_pointer():
    present = {(f.parent.parent.name, f.name) for ex in POINTERS for f in (EXERCISES / ex[0] / "wrong").glob("*.py")}
    assert present == set(POINTERS)


@pytest.mark.slow
@pytest.mark.parametrize(("exercise", "script"), sorted(POINTERS), ids=[f"{e}/{s}" for e, s in sorted(POINTERS)])
def test_wrong_solution_feedback_names_the_mistake(exercise, script):
    spec = load_spec(EXERCISES / exercise)
    code = (EXERCISES / exercise / "wrong" / script).read_text(encoding="utf-8")
    graded = grade_result(spec, run_script(code, data_dir(None), script), None)
    assert graded.status == "graded" and graded.score < graded.max_score
    failed = [c for c in graded.checks if not c.passed]
    feedback = "\n".join(" ".join([c.message, c.hint, *c.details]) for c in failed)
    assert POINTERS[(exercise, script)] in feedback, feedback


def answer(exercise: str, student: str | None = None):
    spec = load_spec(EXERCISES / exercise)
    return run_script(spec.file_text("solution.py"), data_dir(student), "solution.py")


def sales(student: str | None = None) -> pd.DataFrame:
    """Per buyer over 交易成功 orders, straight from the generated tables (not from the CSV files)."""
    orders = student_tables(student)["orders"].rename(columns=str.strip).drop_duplicates("订单编号")
    ok = orders[(orders["订单状态"] == "交易成功") & ~orders["买家会员名"].str.startswith("吃货美食团_测试")]
    return ok.groupby("买家会员名").agg(n=("订单编号", "size"), amount=("买家实际支付金额", "sum"))


@pytest.mark.slow
def test_old_customers_answer_excludes_the_planted_40_yuan_buyers():
    per = sales()
    on_line = per[(per["n"] == 2) & (per["amount"].round(2) == 40.0)]
    assert len(on_line) >= 1
    result = answer("old-customers")
    assert not set(on_line.index) & set(result["买家会员名"])
    expected = per[(per["n"] >= 2) & (per["amount"].round(2) > 40)]
    assert set(result["买家会员名"]) == set(expected.index)


@pytest.mark.slow
def test_tier_assign_answer_has_count_boundary_and_either_or_customers():
    result = answer("tier-assign")
    assert len(result) == len(sales())
    at_three = result[result["累计成交笔数"] == 3]
    assert len(at_three) and (at_three["会员等级"] != "非会员").all()
    amount_only = result[(result["累计成交金额"] >= 500) & (result["累计成交笔数"] < 5)]
    count_only = result[(result["累计成交金额"] < 200) & (result["累计成交笔数"] >= 3)]
    assert len(amount_only) and len(count_only)
    assert (amount_only["会员等级"] != "非会员").all() and (count_only["会员等级"] != "非会员").all()
    assert set(result.loc[result["会员等级"] == "非会员", "折扣"]) == {1.0}


@pytest.mark.slow
@pytest.mark.parametrize("student", [None, "2023001", "2024117"])
def test_tier_config_answer_is_a_valid_config_within_the_targets(student):
    parsed = parse_config(answer("tier-config", student))
    assert parsed.config is not None and not parsed.problems
    per = sales(student)
    tiers = parsed.config.tiers
    share = {t.name: ((per["amount"] >= t.min_amount) | (per["n"] >= t.min_orders)).mean() for t in tiers}
    assert share["钻石卡"] <= 0.05 and share["白金卡"] <= 0.15 and 0.30 <= share["银卡"] <= 0.60


@pytest.mark.slow
def test_customer_archive_contact_comes_from_the_latest_successful_order():
    result = answer("customer-archive").set_index("买家会员名")
    raw = student_tables(None)["orders_raw"].rename(columns=str.strip).dropna(subset=["订单编号"])
    raw = raw.drop_duplicates("订单编号")
    ok = raw[(raw["订单状态"] == "交易成功") & ~raw["买家会员名"].str.startswith("吃货美食团_测试")].copy()
    ok["paid"] = pd.to_datetime(ok["订单付款时间"], format="mixed")
    latest = ok.sort_values("paid").groupby("买家会员名").tail(1).set_index("买家会员名")
    assert set(result.index) == set(latest.index)
    assert (result["联系手机"] == latest.loc[result.index, "联系手机"]).all()
    assert (result["省份"] == latest.loc[result.index, "收货地址"].str.split().str[0]).all()
    assert not result["收货人姓名"].str.contains(r"\s").any()
    assert (result["笔单价"] - result["成交金额"] / result["成交订单数"]).abs().max() <= 0.006
