"""RFM segment and repurchase consistency check kinds (grader/checks/rfm.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from grader.checks import REGISTRY, CheckContext, run_check
from grader.checks.rfm import SEGMENTS, segment_of
from grader.spec import CheckSpec


def run(kind: str, df: pd.DataFrame, points: float = 4, **params):
    ctx = CheckContext(spec=None, check=CheckSpec(kind=kind, points=points, params=params),  # type: ignore[arg-type]
                       submission=df)
    return run_check(REGISTRY[kind], ctx)


# Means: R 22.2, F 2, M 200 — one customer per segment, plus z exactly at the F and M means.
ROWS = [
    ("a", 5, 3, 300.0), ("b", 40, 3, 300.0), ("c", 5, 1, 300.0), ("d", 40, 1, 300.0),
    ("e", 5, 3, 100.0), ("f", 40, 3, 100.0), ("g", 5, 1, 100.0), ("h", 40, 1, 100.0), ("z", 20, 2, 200.0),
]


def table(reverse_r: bool = True) -> pd.DataFrame:
    df = pd.DataFrame(ROWS, columns=["买家会员名", "R", "F", "M"])
    means = tuple(df[["R", "F", "M"]].mean())
    df["客户分层"] = [segment_of((r, f, m), means, reverse_r=reverse_r) for _, r, f, m in ROWS]
    return df


def test_segment_rule_and_the_mean_belongs_to_the_good_side():
    df = table()
    assert df.loc[df.买家会员名 == "z", "客户分层"].item() == "重要价值客户"
    assert df.loc[df.买家会员名 == "a", "客户分层"].item() == "重要价值客户"
    assert df.loc[df.买家会员名 == "h", "客户分层"].item() == "一般挽留客户"
    assert set(df.客户分层) == set(SEGMENTS.values())


def test_correct_segments_pass_both_checks():
    assert run("rfm-segments", table()).passed
    assert run("rfm-r-direction", table()).passed


def test_unreversed_r_is_caught_by_the_hidden_check_without_naming_it():
    df = table(reverse_r=False)
    seg = run("rfm-segments", df)
    assert not seg.passed and seg.points == 0
    assert any("a 的 R=5" in d and "应为 重要价值客户" in d for d in seg.details)
    hidden = run("rfm-r-direction", df, points=1)
    assert not hidden.passed and hidden.points == 0
    assert "近" in hidden.message and "天数越少" in hidden.hint


def test_a_few_random_mistakes_are_not_blamed_on_r_direction():
    df = table()
    df.loc[0, "客户分层"] = "一般挽留客户"
    assert not run("rfm-segments", df).passed
    assert run("rfm-r-direction", df).passed


def test_unknown_segment_name_is_listed():
    df = table()
    df.loc[1, "客户分层"] = "重要客户"
    res = run("rfm-segments", df)
    assert any("未知的分层名称" in d for d in res.details)
    assert res.hint.startswith("分层名称要和题目表格里的写法一字不差")  # not the rule about means: it was right


def test_missing_column_gives_a_clear_message():
    res = run("rfm-segments", table().drop(columns=["F"]))
    assert not res.passed and "缺少列 F" in res.message


def repurchase_row(**over) -> dict:
    row = {"月份": "2025-11", "成交客户数": 200, "复购客户数": 30, "复购率": 15.0, "销售额": 25000.0,
           "客单价": 125.0, "新客数": 180, "老客数": 20}
    return {**row, **over}


def test_consistent_repurchase_table_passes():
    df = pd.DataFrame([repurchase_row(), repurchase_row(月份="全部", 新客数=200, 老客数=0)])
    assert run("repurchase-consistency", df).passed


@pytest.mark.parametrize("over, words", [
    ({"复购率": 0.15}, "复购率按百分数填"),
    ({"客单价": 100.0}, "不是 ÷ 订单数"),
    ({"新客数": 150}, "要么是新客"),
])
def test_inconsistent_repurchase_rows_are_named(over, words):
    df = pd.DataFrame([repurchase_row(**over), repurchase_row(月份="2025-12")])
    res = run("repurchase-consistency", df)
    assert not res.passed and res.points == 2
    assert words in res.hint and res.details[0].startswith("2025-11")
