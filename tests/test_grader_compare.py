"""Key-based comparison: Chinese findings, tolerance, precision/recall; never raises."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grader.checks import cap_lines
from grader.compare import compare_tables, format_value, values_equal

KEY = ["买家会员名"]


def frame(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["买家会员名", "成交订单数", "成交金额"])


REF = frame([("张三", 3, 120.5), ("王五", 5, 88.0), ("赵六", 2, 41.0)])


def test_issue_example_messages():
    got = frame([("王五", 4, 88.0), ("李四", 2, 50.0), ("赵六", 2, 41.0)])
    diff = compare_tables(REF, got, KEY, tolerance={"成交金额": 0.01}, label="客户")
    assert diff.row_messages() == ["缺少客户 张三", "多出客户 李四"]
    assert diff.value_messages() == ["王五 的成交订单数应为 5，提交为 4"]
    assert diff.precision == pytest.approx(2 / 3) and diff.recall == pytest.approx(2 / 3)
    assert diff.cells_checked == 4 and diff.value_accuracy == pytest.approx(0.75)


def test_a_latin_column_name_is_set_off_by_spaces():
    ref = pd.DataFrame({"买家会员名": ["amy", "王五"], "R": [21, 3], "M值": [1.5, 2.0]})
    got = pd.DataFrame({"买家会员名": ["amy", "王五"], "R": [20, 3], "M值": [1.5, 2.5]})
    assert compare_tables(ref, got, KEY, label="客户").value_messages() == [
        "amy 的 R 应为 21，提交为 20", "王五 的 M值应为 2，提交为 2.5"]


def test_order_and_column_order_do_not_matter():
    shuffled = REF.iloc[[2, 0, 1]][["成交金额", "买家会员名", "成交订单数"]].reset_index(drop=True)
    diff = compare_tables(REF, shuffled, KEY)
    assert not diff.missing and not diff.extra and not diff.mismatches and diff.f1 == 1.0


def test_tolerance_is_explicit():
    got = REF.assign(成交金额=[120.504, 88.0, 41.0])
    assert compare_tables(REF, got, KEY).mismatches
    assert not compare_tables(REF, got, KEY, tolerance={"成交金额": 0.01}).mismatches
    assert not values_equal(1.0, 1.02, 0.01) and values_equal(1.0, 1.009, 0.01)


def test_missing_value_column_counts_every_cell_wrong_and_duplicates_are_reported():
    got = pd.DataFrame({"买家会员名": ["张三", "张三", "王五", "赵六"]})
    diff = compare_tables(REF, got, KEY, label="客户")
    assert diff.duplicates == ["张三"] and "客户 张三 出现了不止一次" in diff.row_messages()
    assert len(diff.mismatches) == 6 and "张三 的成交订单数应为 3，提交为 空" in diff.value_messages()


def test_missing_key_column_means_nothing_matched():
    diff = compare_tables(REF, REF.drop(columns=["买家会员名"]), KEY)
    assert diff.matched == 0 and diff.recall == 0.0 and len(diff.missing) == 3


def test_composite_key_and_empty_frames():
    ref = pd.DataFrame({"月份": ["2025-11", "2025-11"], "场景": ["A", "B"], "n": [1, 2]})
    got = pd.DataFrame({"月份": ["2025-11"], "场景": ["B"], "n": [3]})
    diff = compare_tables(ref, got, ["月份", "场景"], label="行")
    assert diff.missing == ["2025-11 / A"] and diff.value_messages() == ["2025-11 / B 的 n 应为 2，提交为 3"]
    empty = compare_tables(ref.iloc[:0], got.iloc[:0], ["月份", "场景"])
    assert empty.f1 == 1.0 and empty.value_accuracy == 1.0


def test_format_value():
    assert [format_value(v) for v in (5.0, 35.5, 1 / 3, math.nan, None, "", pd.Timestamp("2025-11-01"))] == \
        ["5", "35.5", "0.3333", "空", "空", "空", "2025-11-01"]


def test_detail_lines_are_capped_at_ten():
    lines = [f"缺少客户 {i}" for i in range(25)]
    capped = cap_lines(lines)
    assert len(capped) == 10 and capped[-1] == "……另有 16 处问题"
    assert cap_lines(lines[:10]) == lines[:10]


VALUES = st.one_of(st.none(), st.integers(-5, 5), st.floats(allow_nan=True, allow_infinity=True),
                   st.text(max_size=3), st.booleans())


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exp=st.lists(st.tuples(st.text(max_size=2), VALUES, VALUES), max_size=6),
       act=st.lists(st.tuples(st.text(max_size=2), VALUES, VALUES), max_size=6),
       drop=st.sampled_from([None, "买家会员名", "成交金额"]))
def test_compare_never_raises_and_scores_are_fractions(exp, act, drop):
    e, a = frame(exp), frame(act)
    if drop:
        a = a.drop(columns=[drop])
    diff = compare_tables(e, a, KEY, tolerance={"成交金额": 0.01}, label="客户")
    for score in (diff.precision, diff.recall, diff.f1, diff.value_accuracy):
        assert 0.0 <= score <= 1.0
    assert all(isinstance(m, str) and m for m in diff.row_messages() + diff.value_messages())
    self_diff = compare_tables(e, e, KEY)
    assert not self_diff.missing and not self_diff.extra and self_diff.recall == 1.0
    assert not self_diff.mismatches


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pairs=st.lists(st.tuples(VALUES, VALUES), max_size=8), tol=st.sampled_from([0.0, 0.01, 1.0]),
       dtype=st.sampled_from([None, "float64", "Int64", "str"]))
def test_vectorised_equality_agrees_with_values_equal(pairs, tol, dtype):
    from grader.compare import equal_series

    e = pd.Series([p[0] for p in pairs], dtype=object)
    a = pd.Series([p[1] for p in pairs], dtype=object)
    if dtype is not None:
        try:
            e, a = e.astype(dtype), a.astype(dtype)
        except (TypeError, ValueError, OverflowError):
            return
    got = list(equal_series(e, a, tol))
    assert got == [values_equal(x, y, tol) for x, y in zip(e, a, strict=True)]
