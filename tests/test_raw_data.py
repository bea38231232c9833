"""A student who hands in the course's own data table instead of a result gets one line saying so (CSV or
Excel, with the exercise in the name or guessed from the columns); a result is never mistaken for one."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import datasets
from grader.engine import read_answer
from grader.intake.guess import guess_exercise
from grader.intake.raw_data import data_table_line
from grader.intake.readers import ReadError
from grader.reference import reference_answer, student_tables
from grader.serialize import serialize
from grader.spec import exercise_folders, load_spec

ROOT = Path(__file__).resolve().parent.parent
SPECS = {spec.id: spec for spec in map(load_spec, exercise_folders(ROOT / "exercises"))}


def xlsx_bytes(frame) -> bytes:
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    return buffer.getvalue()


@pytest.mark.parametrize(("exercise", "table", "what"), [
    ("rfm", "orders", "订单报表"),
    ("refund-analysis", "refunds", "退款记录"),
    ("service-kpi", "chats", "客服会话"),
])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_data_table_handed_in_gets_one_line(exercise, table, what, fmt):
    frame = student_tables("2024001", [table])[table]
    data = datasets.csv_bytes(frame) if fmt == "csv" else xlsx_bytes(frame)
    with pytest.raises(ReadError) as err:
        read_answer(SPECS[exercise], f"2024001_{exercise}.{fmt}", data, handed_in=True)
    assert str(err.value).startswith(f"这是课程的原始数据表 {table}.csv（{what}），不是结果表；")


def test_a_data_table_without_an_exercise_name_keeps_the_line():
    data = datasets.csv_bytes(student_tables("2024001", ["orders"])["orders"])
    exercise, line = guess_exercise(SPECS, "2024001_订单数据.csv", data)
    assert exercise is None and line.startswith("这是课程的原始数据表 orders.csv（订单报表）")


def test_the_pages_own_result_gets_the_checks_instead():
    """In an exercise page a result that is still the data (a starter's ``orders.head()``) gets the checks'
    feedback and hints, not a line about handing in files."""
    data = datasets.csv_bytes(student_tables("2024001", ["orders"])["orders"].head())
    answer = read_answer(SPECS["rfm"], "2024001_rfm.csv", data)
    assert "订单编号" in answer.raw_columns


def test_a_result_is_never_a_data_table():
    orders = list(student_tables("2024001", ["orders"])["orders"].columns)
    assert data_table_line([*orders, "R", "F", "M"], missing=[]) is None  # every required column is there
    assert data_table_line(orders[:5], missing=["R"]) is None  # no data table's whole header
    for spec in SPECS.values():
        if spec.submission.kind == "table":
            key = serialize(spec, reference_answer(spec, "2024001"), "csv")
            read_answer(spec, f"2024001_{spec.id}.csv", key.data, handed_in=True)  # raises if taken for a data table
