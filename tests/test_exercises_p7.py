"""项目七's exercises (service-kpi, refund-analysis): the reference answers agree with rules recomputed by hand
from the raw tables (their wrong solutions are checked with every other exercise's in test_exercise_mistakes.py)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from grader.reference import data_dir, run_script, student_tables

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = ROOT / "exercises"


def reference(exercise: str, student: str | None = None) -> pd.DataFrame:
    code = (EXERCISES / exercise / "solution.py").read_text(encoding="utf-8")
    return run_script(code, data_dir(student), "solution.py")


@pytest.mark.slow
def test_service_kpi_reference_matches_a_hand_count():
    """One account recomputed row by row with plain Python, without pandas' groupby."""
    tables = student_tables(None)
    result = reference("service-kpi").set_index("客服子账号")
    assert len(result) == 8
    deals = {str(i) for i, s, b in zip(tables["orders"]["订单编号"], tables["orders"]["订单状态"],
                                       tables["orders"]["买家会员名"], strict=True)
             if s == "交易成功" and not b.startswith("吃货美食团_测试")}
    account = "吃货美食团:琪琪"
    rows = [r for r in tables["chats"].to_dict("records") if r["客服子账号"] == account
            and not r["买家会员名"].startswith("吃货美食团_测试")]
    asked = {r["买家会员名"] for r in rows if r["是否询单"] == "是"}
    won = {r["买家会员名"] for r in rows if r["是否询单"] == "是" and r["关联订单编号"] in deals}
    seconds = [int(str(r["首次响应秒数"]).removesuffix("秒")) for r in rows if isinstance(r["首次响应秒数"], str)]
    rated = [r["满意度评价"] for r in rows if isinstance(r["满意度评价"], str)]
    row = result.loc[account]
    assert row["接待人数"] == len({r["买家会员名"] for r in rows})
    assert (row["询单人数"], row["询单成交人数"]) == (len(asked), len(won))
    assert row["询单转化率"] == round(len(won) / len(asked) * 100, 2)
    assert abs(row["平均首次响应秒数"] - sum(seconds) / len(seconds)) < 0.006
    assert abs(row["满意率"] - sum(g in ("非常满意", "满意") for g in rated) / len(rated) * 100) < 0.006
    # The intern answers more slowly and converts fewer inquiries than the shop's best account.
    assert result.loc[account, "平均首次响应秒数"] > result["平均首次响应秒数"].min()
    assert result.loc[account, "询单转化率"] < result["询单转化率"].max()


@pytest.mark.slow
def test_refund_analysis_reference_is_consistent():
    result = reference("refund-analysis")
    refunds = student_tables(None)["refunds"]
    for dimension in ("退款原因", "退款类型", "类目"):
        part = result[result["维度"] == dimension]
        assert part["申请笔数"].sum() == len(refunds)
        assert abs(part["笔数占比"].sum() - 100) < 0.05
        success = refunds.loc[refunds["退款状态"] == "退款成功", "退款金额"].sum()
        assert abs(part["退款金额"].sum() - success) < 0.05
    assert result.loc[result["维度"] != "类目", "退款率"].isna().all()
    rates = result.loc[result["维度"] == "类目", "退款率"]
    assert rates.notna().all() and (rates > 0).all() and (rates < 100).all()
