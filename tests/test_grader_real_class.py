"""A class's files as students save them and school platforms pack them (issue 10): the grader must find
the right student, the right exercise and give the right score, and say what it guessed or fixed.

Every file is built here the way people make it: openpyxl workbooks laid out like WPS/Excel users do
(title rows, a merged two-row header, the answer on the second sheet, a 合计 row, dates as serial
numbers), a CSV re-saved by Excel (seconds dropped, ``2025/11/1 5:37``), a GBK-named platform zip with
numbering prefixes, time stamps and 学号 only in the folder name.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from fixtures.zips import gbk_zip
from openpyxl import Workbook

from grader.engine import answer_key
from grader.grading import grade_submissions
from grader.intake.collect import collect
from grader.spec import load_all

ROOT = Path(__file__).resolve().parent.parent
ROSTER = ["2024001", "2024002", "2024003", "2024009"]


@pytest.fixture(scope="module")
def specs():
    return load_all(ROOT / "exercises")


@pytest.fixture(scope="module")
def keys(specs):
    """The reference answer of each (exercise, student) as a text DataFrame."""
    out = {}
    for ex, student in (("old-customers", "2024001"), ("old-customers", "2024002"), ("customer-archive", "2024003"),
                        ("old-customers", "2024009")):
        _name, data = answer_key(specs[ex], student)
        out[ex, student] = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return out


def _xlsx(build) -> bytes:
    wb = Workbook()
    build(wb)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _rows(ws, frame: pd.DataFrame, start: int, numeric: tuple[str, ...] = ()) -> int:
    for i, record in enumerate(frame.itertuples(index=False), start=start):
        for j, (col, value) in enumerate(zip(frame.columns, record, strict=True), start=1):
            ws.cell(i, j, float(value) if col in numeric and value != "" else value)
    return start + len(frame)


def wps_second_sheet_with_title_and_total(key: pd.DataFrame) -> bytes:
    """Raw orders pasted on sheet 1, the answer on sheet 2 under a title row, a blank row and a 合计 row."""
    def build(wb):
        raw = wb.active
        raw.title = "订单"
        raw.append(["订单编号", "买家会员名", "订单状态", "买家实际支付金额"])
        for i in range(30):
            raw.append([f"30000{i}", f"买家{i}", "交易成功", 12.5])
        ws = wb.create_sheet("老客户")
        ws["A1"] = "老客户名单（统计期 2025-11-01 至 2026-01-31）"
        ws.merge_cells("A1:C1")
        ws.append([])
        ws.append(list(key.columns))
        end = _rows(ws, key, 4, numeric=("成交订单数", "成交金额"))
        ws.cell(end, 1, "合计")
        ws.cell(end, 3, float(pd.to_numeric(key["成交金额"]).sum()))
    return _xlsx(build)


def merged_two_row_header(key: pd.DataFrame) -> bytes:
    """客户 | 成交（merged over two cells） above 买家会员名 | 订单数 | 金额."""
    def build(wb):
        ws = wb.active
        ws["A1"], ws["B1"] = "客户", "成交"
        ws.merge_cells("B1:C1")
        ws["A2"], ws["B2"], ws["C2"] = "买家会员名", "订单数", "金额"
        _rows(ws, key, 3, numeric=("成交订单数", "成交金额"))
    return _xlsx(build)


def serial_dates(key: pd.DataFrame) -> bytes:
    """Time columns typed in as General: Excel keeps them as date serial numbers."""
    def build(wb):
        ws = wb.active
        ws.append(list(key.columns))
        epoch = pd.Timestamp("1899-12-30")
        frame = key.copy()
        for col in ("首次购买时间", "最近购买时间"):
            frame[col] = [(pd.Timestamp(v) - epoch) / pd.Timedelta(days=1) for v in frame[col]]
        for i, record in enumerate(frame.itertuples(index=False), start=2):
            for j, value in enumerate(record, start=1):
                ws.cell(i, j, value)
    return _xlsx(build)


def excel_resaved_csv(key: pd.DataFrame) -> bytes:
    """Opened in Excel and saved as CSV again: GBK, dates as 2025/11/1 5:37 (the seconds are gone)."""
    frame = key.copy()
    for col in ("首次购买时间", "最近购买时间"):
        frame[col] = [f"{t.year}/{t.month}/{t.day} {t.hour}:{t.minute:02d}" for t in pd.to_datetime(frame[col])]
    return frame.to_csv(index=False).encode("gbk")


@pytest.fixture(scope="module")
def graded(tmp_path_factory, specs, keys):
    root = tmp_path_factory.mktemp("class")
    k1, k2, k3 = keys["old-customers", "2024001"], keys["old-customers", "2024002"], keys["customer-archive", "2024003"]
    k9 = keys["old-customers", "2024009"]
    (root / "1_张三_2024001_old-customers.csv").write_bytes(k1.to_csv(index=False).encode("utf-8-sig"))
    (root / "2024001_作业.xlsx").write_bytes(wps_second_sheet_with_title_and_total(k1))
    (root / "2024003_customer-archive.xlsx").write_bytes(serial_dates(k3))
    (root / "2024003_客户档案.csv").write_bytes(excel_resaved_csv(k3))
    (root / "平台导出.zip").write_bytes(gbk_zip([
        ("作业一_20251201123045/张三_2024002/老客户.xlsx", merged_two_row_header(k2)),
        ("作业一_20251201123045/hw1_2024001_老客户筛选.csv", k1.to_csv(index=False).encode("gbk")),
        # a CSV renamed .xlsx, the student's code and a screenshot, and what Macs and Excel leave in a folder
        ("作业一_20251201123045/周九_2024009/老客户筛选.xlsx", k9.to_csv(index=False).encode("utf-8-sig")),
        ("作业一_20251201123045/周九_2024009/老客户筛选.py", b"import pandas as pd\nresult = None\n"),
        ("作业一_20251201123045/周九_2024009/截图.png", b"\x89PNG\r\n\x1a\n" + bytes(64)),
        ("作业一_20251201123045/周九_2024009/~$老客户筛选.xlsx", b"\x06zhoujiu" + bytes(150)),
        ("__MACOSX/作业一_20251201123045/周九_2024009/._老客户筛选.xlsx", b"\x00\x05\x16\x07" + bytes(80)),
        ("作业一_20251201123045/.DS_Store", b"\x00\x00\x00\x01Bud1" + bytes(100)),
    ]))
    subs = collect([root], specs, roster=ROSTER)
    entries = grade_submissions(subs, specs)
    return {Path(e.result.file).name: e.result for e in entries}


def _notes(result) -> str:
    return " | ".join(n.message for n in result.notes)


def test_numbering_prefix_is_not_a_student(graded):
    r = graded["1_张三_2024001_old-customers.csv"]
    assert (r.student, r.exercise, r.status) == ("2024001", "old-customers", "graded")
    assert r.score == r.max_score


def test_answer_on_second_sheet_under_a_title_with_a_total_row(graded):
    r = graded["2024001_作业.xlsx"]
    assert (r.student, r.exercise) == ("2024001", "old-customers")
    assert r.score == r.max_score, [c.message for c in r.checks if not c.passed]
    notes = _notes(r)
    assert "按列名认定为 old-customers" in notes
    assert "工作表“老客户”" in notes and "表头在第 3 行" in notes and "去掉了 1 行合计" in notes


def test_folder_only_student_and_chinese_title_in_a_gbk_platform_zip(graded):
    r = graded["老客户.xlsx"]
    assert (r.student, r.exercise) == ("2024002", "old-customers")
    assert r.score == r.max_score, [c.message for c in r.checks if not c.passed]
    notes = _notes(r)
    assert "学号取自文件夹名“张三_2024002”" in notes and "练习按名称“老客户”" in notes
    assert "表头占两行" in notes and "GBK" in notes


def test_renamed_csv_code_screenshot_and_folder_litter(graded):
    """A CSV renamed .xlsx is graded by its content; code and a picture get the line that says what to hand in;
    Excel's lock file and macOS's ._ / .DS_Store files are no submissions at all."""
    r = graded["老客户筛选.xlsx"]
    assert (r.student, r.exercise, r.score) == ("2024009", "old-customers", r.max_score)
    assert "内容却是 CSV 文本，已按 CSV 读取" in _notes(r)
    code, picture = graded["老客户筛选.py"], graded["截图.png"]
    assert (code.student, code.exercise, code.status) == ("2024009", "old-customers", "error")
    assert code.error.startswith("这是 Python 代码文件（.py），不是结果文件") and "下载提交文件" in code.error
    assert (picture.student, picture.exercise, picture.status) == ("2024009", "", "error")
    assert picture.error.startswith("这是图片（.png），不是结果文件")
    assert not {name for name in graded if name.startswith(("~$", "._", ".DS"))}


def test_time_stamp_and_homework_number_are_not_students(graded):
    r = graded["hw1_2024001_老客户筛选.csv"]
    assert (r.student, r.exercise, r.score) == ("2024001", "old-customers", r.max_score)


def test_excel_serial_dates_are_dates(graded):
    r = graded["2024003_customer-archive.xlsx"]
    assert (r.student, r.exercise) == ("2024003", "customer-archive")
    assert r.score == r.max_score, [c.message for c in r.checks if not c.passed]
    assert "Excel 日期序号已换算" in _notes(r)


def test_csv_resaved_by_excel_is_compared_to_the_minute(graded):
    r = graded["2024003_客户档案.csv"]
    assert (r.student, r.exercise) == ("2024003", "customer-archive")
    assert r.score == r.max_score, [(c.message, c.details[:2]) for c in r.checks if not c.passed]
    notes = _notes(r)
    assert "按分钟比较" in notes and "GBK" in notes


def test_roster_decides_between_two_student_like_numbers(specs, tmp_path):
    (tmp_path / "2023999_2024003_rfm.csv").write_bytes(b"x\n")
    [alone] = collect([tmp_path], specs)
    [with_roster] = collect([tmp_path], specs, roster=ROSTER)
    assert alone.student == "2023999" and "多个像学号" in " ".join(alone.notes)
    assert with_roster.student == "2024003" and "按名单认定为 2024003" in " ".join(with_roster.notes)


def test_same_workbook_read_by_calamine_and_openpyxl_gives_the_same_frame(keys):
    from grader.intake.headers import find_header
    from grader.intake.normalize import NoteBook
    from grader.intake.readers import read_xlsx_bytes

    specs = load_all(ROOT / "exercises")
    for data, ex in ((wps_second_sheet_with_title_and_total(keys["old-customers", "2024001"]), "old-customers"),
                     (merged_two_row_header(keys["old-customers", "2024002"]), "old-customers"),
                     (serial_dates(keys["customer-archive", "2024003"]), "customer-archive")):
        sub = specs[ex].submission
        frames = []
        for engine in ("calamine", "openpyxl"):
            book = NoteBook()
            frames.append((read_xlsx_bytes(data, book, lambda rows, s=sub: find_header(rows, s), engine=engine),
                           [n.message for n in book.notes()]))
        pd.testing.assert_frame_equal(frames[0][0], frames[1][0])
        assert frames[0][1] == frames[1][1]


def test_another_exercise_s_answer_is_named_as_such_and_its_checks_blame_the_missing_columns(specs, tmp_path):
    """The 老客户筛选 answer handed in as rfm: a note names the exercise it fits, and the checks that cannot run
    say which columns are missing (the student's to fix), never "练习的检查设置有误……请告诉老师"."""
    _name, data = answer_key(specs["old-customers"], "2024010")
    (tmp_path / "2024010_rfm.csv").write_bytes(data)
    [result] = [e.result for e in grade_submissions(collect([tmp_path], specs), specs)]
    assert result.exercise == "rfm" and result.score < result.max_score
    notes = [n.message for n in result.notes]
    assert any("和练习 old-customers（老客户筛选）要求的一样，可能交错了练习" in n for n in notes), notes
    failed = [c.message for c in result.checks if not c.passed]
    assert failed and not any("检查设置有误" in m for m in failed)
    assert any(m.startswith("无法检查：提交里缺少列 客户分层") for m in failed), failed
    # a right answer costs nothing more and gets no such note
    _name, data = answer_key(specs["rfm"], "2024010")
    (tmp_path / "2024010_rfm.csv").write_bytes(data)
    [result] = [e.result for e in grade_submissions(collect([tmp_path], specs), specs)]
    assert result.score == result.max_score and not any("交错了练习" in n.message for n in result.notes)
