"""A value check whose wrong values share a pattern names that pattern instead of the exercise's concept hint
(rounded too early, a date without its time, a column of zeros from an id read as a number), on real answers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from grader.engine import grade_result
from grader.reference import data_dir, reference_answer, run_script
from grader.spec import load_spec

EXERCISES = Path(__file__).resolve().parent.parent / "exercises"


def failed(exercise: str, answer) -> list:
    return [c for c in grade_result(load_spec(EXERCISES / exercise), answer, None).checks if not c.passed]


def test_rounded_to_one_decimal():
    answer = reference_answer(load_spec(EXERCISES / "repurchase"), None).copy()
    answer["客单价"] = answer["客单价"].round(1)
    [check] = failed("repurchase", answer)  # the consistency check does not blame the formula for it
    assert "小数位数不够（像是只保留了 1 位）" in check.hint and "round(x, 2)" in check.hint


def test_rounded_to_whole_numbers():
    answer = reference_answer(load_spec(EXERCISES / "refund-analysis"), None).copy()
    answer["笔数占比"] = answer["笔数占比"].round(0)
    assert any("被取整了" in c.hint for c in failed("refund-analysis", answer))


def test_a_date_without_its_time():
    answer = reference_answer(load_spec(EXERCISES / "customer-archive"), None).copy()
    answer["首次购买时间"] = pd.to_datetime(answer["首次购买时间"]).dt.strftime("%Y-%m-%d")
    hints = [c.hint for c in failed("customer-archive", answer)]
    assert any(h.startswith("时间只写了日期：要写到秒") for h in hints), hints


def test_zeros_from_ids_read_as_numbers():
    spec = load_spec(EXERCISES / "service-kpi")
    code = spec.file_text("solution.py").replace('pd.read_csv("data/chats.csv", dtype=str)', 'pd.read_csv("data/chats.csv")')
    answer = run_script(code, data_dir(None, spec.datasets))
    hints = [c.hint for c in failed("service-kpi", answer)]
    assert any("全是 0" in h and "dtype=str" in h for h in hints), hints


def test_other_wrong_values_keep_the_exercise_hint():
    spec = load_spec(EXERCISES / "repurchase")
    answer = reference_answer(spec, None).copy()
    answer["客单价"] = answer["客单价"] + 7
    checks = {c.name: c for c in failed("repurchase", answer)}
    [values] = [c for c in spec.checks if c.name in checks and "客单价" in c.params.get("columns", [])]
    assert values.hint and checks[values.name].hint == values.hint


def test_minutes_only_from_code_are_not_blamed_on_excel():
    """The page grades the answer the code made: a time kept to the minute gets the code's advice, not Excel's."""
    from grader.engine import CODE_PRECISION_NOTE, PRECISION_NOTE

    answer = reference_answer(load_spec(EXERCISES / "potential-customers"), None).copy()
    answer["最近下单时间"] = pd.to_datetime(answer["最近下单时间"]).dt.strftime("%Y/%m/%d %H:%M")
    notes = [n.message for n in grade_result(load_spec(EXERCISES / "potential-customers"), answer, None).notes]
    assert any(CODE_PRECISION_NOTE in n for n in notes), notes
    assert not any(PRECISION_NOTE in n for n in notes)


def test_rounded_by_the_student_from_the_unrounded_value():
    """The reference says 74.65; the student's 74.649… kept to 1 decimal is 74.6, not 74.7 (round(74.65, 1))."""
    from grader.checks.value_hints import _rounded_to

    assert _rounded_to(74.65, 74.6) == 1 and _rounded_to(71.97, 72.0) == 0
    assert _rounded_to(74.65, 74.64) is None  # as many decimals as the answer: a wrong value, not a rounding
    assert _rounded_to(74.65, 75.9) is None
