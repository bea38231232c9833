"""Renderings of one gradebook: JSON contract, Excel-safe CSV/XLSX, escaped HTML, class report."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from grader.gradebook import Entry, Gradebook, Stamp, copy_flag, summarise
from grader.model import CheckResult, Note, SubmissionResult
from grader.render import RENDERERS
from grader.report import build_report, render_report

GOLDENS = Path(__file__).resolve().parent / "goldens" / "grader"
UPDATE = os.environ.get("UPDATE_GOLDENS") == "1"
EVIL = '=HYPERLINK("http://evil.example","点我")'


def _result(student, exercise, score, *, digest="d1", error=None, file=None, message="正确", details=()):
    checks = [] if error else [
        CheckResult("列名", True, 1.0, 1.0, "列齐全"),
        CheckResult("老客户名单", score >= 5, score - 1, 4.0, message, details=list(details)),
    ]
    return SubmissionResult(
        file=file or f"{student}_{exercise}.csv", student=student, exercise=exercise,
        status="error" if error else "graded", score=0.0 if error else score, max_score=0.0 if error else 5.0,
        checks=checks, notes=[] if error else [Note("encoding", "文件按 GBK 编码读取")], error=error,
        answer_digest=None if error else digest,
    )


@pytest.fixture
def book() -> Gradebook:
    entries = [
        Entry(_result("2023001", "old-customers", 5.0, digest="right")),
        Entry(_result("2023002", "old-customers", 3.0, digest="wrong-a", message="多出客户 <b>李四</b>")),
        Entry(_result("2023003", "old-customers", 3.0, digest="wrong-a", message="多出客户 <b>李四</b>",
                      file="2023003_=cmd_old-customers.csv"), flags=[copy_flag("2023001")]),
        Entry(_result("2023004", "old-customers", 2.0, digest="wrong-b", message="-缺少客户 张三",
                      details=["缺少客户 张三", "王五 的成交订单数应为 5，提交为 <4>"])),
        Entry(_result("2023001", "tiers", 0.0, error=EVIL)),
        Entry(SubmissionResult(file="readme.txt", student=None, exercise="", status="error",
                               error="文件名里没有可识别的练习编号")),
    ]
    titles = {"old-customers": "老客户筛选", "tiers": "会员等级"}
    stamp = Stamp("0.1.0", "2.2.3", {"old-customers": "abc"}, {"x.csv": "00"},
                  datetime(2026, 1, 1, tzinfo=UTC).isoformat())
    return Gradebook(entries, summarise(entries, titles), stamp, titles)


def test_json_contract_and_round_trip(book):
    data = json.loads(RENDERERS["json"](book, "zh"))
    assert set(data) >= {"results", "summary", "stamp"}
    assert set(data["stamp"]) >= {"grader_version", "pandas_version", "exercise_hashes", "input_sha256"}
    first = data["results"][0]
    assert set(first) >= {"file", "student", "exercise", "status", "score", "max_score", "checks", "notes",
                          "error"}
    assert set(first["checks"][0]) == {"name", "passed", "points", "max_points", "message", "details"}
    assert data["results"][4]["status"] == "error" and data["results"][4]["error"] == EVIL
    assert data["results"][5]["exercise"] is None
    assert data["summary"]["exercises"]["old-customers"]["full_marks"] == 1
    again = Gradebook.from_dict(data)
    assert json.loads(RENDERERS["json"](again, "zh")) == data


def test_csv_is_excel_safe(book):
    raw = RENDERERS["csv"](book, "zh")
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    for line in text.splitlines():
        # every field quoted: the line is "…","…",…
        assert line.startswith('"') and line.endswith('"')
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["学号", "练习编号", "练习"]
    assert len(rows) == 1 + len(book.entries)
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), cell
    assert any(cell == "'" + EVIL for row in rows for cell in row)
    assert any(cell == copy_flag("2023001") for row in rows for cell in row)
    assert "老客户名单：-缺少客户 张三；缺少客户 张三；王五 的成交订单数应为 5，提交为 <4>" in rows[4]


def test_xlsx_layout_and_no_formulas(book):
    wb = load_workbook(io.BytesIO(RENDERERS["xlsx"](book, "zh")))
    assert wb.sheetnames[:3] == ["总表", "old-customers", "tiers"]
    summary = wb["总表"]
    header = [c.value for c in summary[1]]
    assert header[0] == "学号" and header[1].startswith("old-customers") and header[-2] == "总分"
    by_student = {row[0]: row for row in summary.iter_rows(min_row=2, values_only=True)}
    assert set(by_student) == {"2023001", "2023002", "2023003", "2023004"}
    assert by_student["2023001"][1] == 5.0 and by_student["2023001"][2] == "无法评分"
    assert copy_flag("2023001") in by_student["2023003"][-1]
    sheet = wb["old-customers"]
    head = [c.value for c in sheet[1]]
    assert "老客户名单" in head
    points = [row[head.index("老客户名单")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(points) == [1.0, 2.0, 2.0, 4.0]
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    tiers = [c.value for row in wb["tiers"].iter_rows() for c in row]
    assert "'" + EVIL in tiers


def test_html_is_escaped_and_self_contained(book):
    html = RENDERERS["html"](book, "zh").decode()
    assert "<b>李四</b>" not in html and "&lt;b&gt;李四&lt;/b&gt;" in html
    assert 'HYPERLINK(&quot;http://evil.example&quot;' in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "<script" not in html and "<link" not in html
    assert "<li>王五 的成交订单数应为 5，提交为 &lt;4&gt;</li>" in html


def test_report_statistics(book):
    report = build_report(book)
    [dist] = [d for d in report.distributions if d.exercise == "old-customers"]
    assert sum(dist.counts) == 4 and dist.counts[-1] == 1  # one full mark
    top = report.failed_checks[0]
    assert (top.exercise, top.check, top.failed, top.graded) == ("old-customers", "老客户名单", 3, 4)
    assert top.messages[0] == ("多出客户 <b>李四</b>", 2)
    [cluster] = report.clusters
    assert cluster.students == ["2023002", "2023003"] and cluster.digest == "wrong-a"
    assert [e.result.student for e in report.flagged] == ["2023003"]
    html = render_report(book, "zh").decode()
    assert html.count("<svg") == sum(1 for d in report.distributions if d.graded) == 1
    assert "&lt;b&gt;李四&lt;/b&gt;" in html and "<b>李四</b>" not in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)


@pytest.mark.parametrize(("fmt", "golden"), [("json", "book.json"), ("csv", "book.csv"), ("html", "book.html")])
def test_goldens(book, fmt, golden):
    """Exact renderings of a fixed gradebook (refresh with UPDATE_GOLDENS=1 after a reviewed change)."""
    actual = RENDERERS[fmt](book, "zh")
    path = GOLDENS / golden
    if UPDATE or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(actual)
        if not UPDATE:
            pytest.fail(f"golden {path} was missing and has been written; review it and run again")
    assert actual == path.read_bytes(), f"{golden} differs from its golden (UPDATE_GOLDENS=1 to refresh)"


def test_report_golden(book):
    actual = render_report(book, "zh")
    path = GOLDENS / "report.html"
    if UPDATE or not path.exists():
        path.write_bytes(actual)
        if not UPDATE:
            pytest.fail(f"golden {path} was missing and has been written; review it and run again")
    assert actual == path.read_bytes()


def test_terminal_lists_only_what_needs_attention_in_a_large_class(book):
    from rich.console import Console

    from grader.render.terminal import FULL_LISTING_MAX, show

    def text_of(gradebook):
        console = Console(record=True, width=200, file=io.StringIO())
        show(gradebook, console, "zh")
        return console.export_text()

    small = text_of(book)
    assert "2023001_old-customers.csv" in small and "readme.txt" in small
    many = [Entry(_result(f"{2024000 + i}", "old-customers", 5.0)) for i in range(FULL_LISTING_MAX)]
    entries = many + book.entries
    large = Gradebook(entries, summarise(entries, book.titles), book.stamp, book.titles)
    text = text_of(large)
    assert "2024000_old-customers.csv" not in text and "2023001_old-customers.csv" not in text
    assert "2023003_=cmd_old-customers.csv" in text and "readme.txt" in text
    assert f"另有 {FULL_LISTING_MAX + 1} 个文件全部通过" in text
