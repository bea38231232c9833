"""``datasets.text_frame`` is the frame ``pd.read_csv(csv, dtype=str)`` returns, on CPython and in Pyodide, and the
reference solutions read their variant's tables from memory with the same answers as from the CSV files."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

import datasets
from datasets.writer import text_frame, typed_frame
from grader import cache
from grader.reference import data_dir, reference_answer, run_script, student_tables
from grader.spec import exercise_folders, load_spec

STUDENTS = [None, "20230101", "２０２４９９８７"]


def parsed(df: pd.DataFrame) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(datasets.csv_bytes(df)), dtype=str)


@pytest.mark.parametrize("student", STUDENTS)
def test_every_table_equals_what_the_parser_reads(student):
    for name, df in datasets.generate(student).items():
        assert_frame_equal(text_frame(df), parsed(df), check_exact=True, obj=f"{student}/{name}")


@pytest.mark.parametrize("student", STUDENTS)
def test_typed_frames_equal_what_the_parser_reads_or_are_declined(student):
    accepted = set()
    for name, df in datasets.generate(student).items():
        for text in ((), ("订单编号",)) if "订单编号" in df.columns else ((),):
            typed = typed_frame(df, text)
            if typed is not None:
                accepted.add(name)
                expected = pd.read_csv(io.BytesIO(datasets.csv_bytes(df)), dtype=dict.fromkeys(text, str))
                assert_frame_equal(typed, expected, check_exact=True, obj=f"{student}/{name}/{text}")
    assert {"orders", "order_items", "refunds", "products", "sms_log"} <= accepted  # what solutions read typed


def test_typed_frame_declines_number_like_text_and_several_chunks():
    df = pd.DataFrame({"手机": ["13800001234", "13900005678"], "名字": ["张三", "李四"]})
    assert typed_frame(df) is None  # the parser would make 手机 a number
    mixed = pd.DataFrame({"单号": ["772025505087667", "SF123"], "金额": [1.0, 2.5], "空": [None, None]})
    assert_frame_equal(typed_frame(mixed), pd.read_csv(io.BytesIO(datasets.csv_bytes(mixed))), check_exact=True)
    nul = pd.DataFrame({"单号": ["5", "1\x00a"]})  # a NUL inside a later value: the parser's view is unsure
    assert typed_frame(nul) is None
    wide = pd.DataFrame({f"c{i}": ["x"] * 20_000 for i in range(60)})
    assert typed_frame(wide) is None  # read in several chunks, each typed on its own


def test_missing_texts_numbers_and_odd_objects_as_the_parser_reads_them():
    df = pd.DataFrame({
        "文本": ["NA", "null", " None", "", "n/a", "正常", None, "nan ", "#N/A"],
        "混合": [1, 2.5, None, True, pd.Timestamp("2025-11-01 05:37:00"), "x", np.nan, "NULL", 0],
        "金额": [1.0, np.nan, 2.345, -0.001, 1e6, 0.0, 3.0, np.nan, 12.5],
        "笔数": np.arange(9, dtype=np.int64),
        "是否": [True, False] * 4 + [True],
        "引号": ['a,"b"', "line\nbreak", "逗号，中文", "'", "\\", "a\tb", "😀", "", "  "],
        "缺失": ["a", pd.NA, None, np.nan, "NA", pd.NaT, "b", "", "c"],
        "负零": [-0.0, 0.0, -0.001, 0.005, 0.015, 1.005, 2.675, np.nan, 0.125],
    })
    assert_frame_equal(text_frame(df), parsed(df), check_exact=True)


def test_a_tampered_frame_would_be_caught():
    df = datasets.generate(None, tables=["customers"])["customers"]
    wrong = text_frame(df)
    wrong.iloc[3, 2] = "x"
    with pytest.raises(AssertionError):
        assert_frame_equal(wrong, parsed(df), check_exact=True)


@pytest.mark.parametrize("student", [None, "20240017"])
def test_solutions_read_from_memory_give_the_answers_read_from_files(student):
    cache.clear_caches()
    for folder in exercise_folders(Path(__file__).resolve().parent.parent / "exercises"):
        spec = load_spec(folder)
        code = spec.file_text("solution.py")
        from_files = run_script(code, data_dir(student, spec.datasets), "solution.py")
        from_memory = reference_answer(spec, student)
        if isinstance(from_files, pd.DataFrame):
            assert_frame_equal(from_memory, from_files, check_exact=True, obj=spec.id)
        else:
            assert from_memory == from_files, spec.id


def test_a_solution_that_opens_its_files_itself_still_runs(tmp_path):
    cache.clear_caches()
    folder = tmp_path / "old-customers"
    shutil.copytree(Path(__file__).resolve().parent.parent / "exercises" / "old-customers", folder)
    (folder / "solution.py").write_text('with open("data/orders.csv", encoding="utf-8-sig") as fh:\n'
                                        "    result = sum(1 for _ in fh) - 1\n", encoding="utf-8")
    spec = load_spec(folder)
    tables = student_tables("20240017", ["orders"])
    with pytest.raises(FileNotFoundError):  # from memory only, the file does not exist …
        run_script(spec.file_text("solution.py"), data_dir("20240017", write=False), tables=tables, owner="20240017")
    # … so reference_answer writes the CSVs and runs the script again
    assert reference_answer(spec, "20240017") == len(tables["orders"])


@pytest.mark.pyodide
def test_same_text_frames_in_pyodide(pyodide):
    code = """
import json
from pathlib import Path
import datasets
from datasets.writer import text_frame, typed_frame
out = {}
for student in %r:
    for name, df in datasets.generate(student).items():
        frame = text_frame(df)
        out[f"{student}/{name}"] = [list(frame.columns), frame.isna().to_numpy().sum().item(),
                                    frame.fillna("<NaN>").astype(str).sum(axis=1).str.len().sum().item()]
print(json.dumps(out))
"""
    inside = json.loads(pyodide.run(code % (STUDENTS[:2],)).strip().splitlines()[-1])
    for student in STUDENTS[:2]:
        for name, df in datasets.generate(student).items():
            frame = parsed(df)
            assert inside[f"{student}/{name}"] == [
                list(frame.columns), int(frame.isna().to_numpy().sum()),
                int(frame.fillna("<NaN>").astype(str).sum(axis=1).str.len().sum())], (student, name)
