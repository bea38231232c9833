"""Renderings of one gradebook: JSON contract, Excel-safe CSV/XLSX, escaped HTML, class report."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from grader.gradebook import Entry, Gradebook, Stamp, copy_flag, summarise
from grader.model import CheckResult, Note, SubmissionResult
from grader.policy import apply_policy
from grader.render import RENDERERS
from grader.render.common import policy_lines
from grader.report import build_report, render_report

GOLDENS = Path(__file__).resolve().parent / "goldens" / "grader"
UPDATE = os.environ.get("UPDATE_GOLDENS") == "1"
EVIL = '=HYPERLINK("http://evil.example","点我")'


HINT = "老客户要同时满足两个条件；正好 40 元不算"


def _result(student, exercise, score, *, digest="d1", error=None, file=None, message="正确", details=()):
    checks = [] if error else [
        CheckResult("列名", True, 1.0, 1.0, "列齐全"),
        CheckResult("老客户名单", score >= 5, score - 1, 4.0, message, details=list(details),
                    hint="" if score >= 5 else HINT),
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
        # handed in earlier than 2023002's other file: a duplicate under "latest" although it scores more
        Entry(_result("2023002", "old-customers", 4.0, digest="wrong-c", message="少了客户",
                      file="作业.zip/2023002_old-customers(旧).csv")),
        Entry(_result("2099999", "old-customers", 5.0, digest="right")),  # not on the roster
    ]
    times = {"作业.zip/2023002_old-customers(旧).csv": datetime(2026, 3, 1, 9, 0),
             "2023002_old-customers.csv": datetime(2026, 3, 2, 9, 0)}
    subs = {f: SimpleNamespace(submitted_at=t, time_source="zip") for f, t in times.items()}
    roster = ["2023001", "2023002", "2023003", "2023004", "2023005"]
    entries = apply_policy(entries, subs, duplicates="latest", roster=roster,
                           max_scores={"old-customers": 5.0, "tiers": 10.0})
    entries.sort(key=lambda e: e.key)
    titles = {"old-customers": "老客户筛选", "tiers": "会员等级"}
    stamp = Stamp("0.1.0", "2.2.3", {"old-customers": "abc"}, {"x.csv": "00"},
                  datetime(2026, 1, 1, tzinfo=UTC).isoformat())
    return Gradebook(entries, summarise(entries, titles), stamp, titles, {"duplicates": "latest", "roster": 5})


def by_file(book: Gradebook, file: str) -> Entry:
    return next(e for e in book.entries if e.result.file == file)


def test_json_contract_and_round_trip(book):
    data = json.loads(RENDERERS["json"](book, "zh"))
    assert set(data) >= {"results", "summary", "stamp", "policy"}
    assert data["policy"] == {"duplicates": "latest", "roster": 5}
    assert set(data["stamp"]) >= {"grader_version", "pandas_version", "exercise_hashes", "input_sha256"}
    results = {(r["student"], r["exercise"], r["file"]): r for r in data["results"]}
    first = results[("2023002", "old-customers", "2023002_old-customers.csv")]
    assert set(first) >= {"file", "student", "exercise", "status", "state", "counted", "score", "max_score",
                          "checks", "notes", "error", "flags", "off_roster", "duplicate_of", "submitted_at",
                          "time_source", "policy_note"}
    assert set(first["checks"][0]) == {"name", "passed", "points", "max_points", "message", "details", "hint"}
    assert first["checks"][1]["hint"] == HINT and first["counted"] and first["state"] == "graded"
    assert first["submitted_at"] == "2026-03-02 09:00:00" and first["time_source"] == "zip"
    old = results[("2023002", "old-customers", "作业.zip/2023002_old-customers(旧).csv")]
    assert old["state"] == "duplicate" and not old["counted"] and old["duplicate_of"] == "2023002_old-customers.csv"
    assert old["status"] == "graded" and old["policy_note"].startswith("重复提交（未计分）")
    assert results[("2023001", "tiers", "2023001_tiers.csv")]["error"] == EVIL
    assert results[(None, None, "readme.txt")]["status"] == "error"
    missing = [r for r in data["results"] if r["status"] == "missing"]
    assert {(r["student"], r["exercise"]) for r in missing} == {
        ("2023002", "tiers"), ("2023003", "tiers"), ("2023004", "tiers"), ("2023005", "old-customers"),
        ("2023005", "tiers")}
    assert all(r["state"] == "missing" and r["file"] == "" and not r["counted"] for r in missing)
    assert [r["student"] for r in data["results"] if r["off_roster"]] == ["2099999"]
    summary = data["summary"]
    assert (summary["files"], summary["graded"], summary["errors"], summary["duplicates"], summary["missing"],
            summary["off_roster"]) == (8, 5, 2, 1, 5, 1)
    assert summary["exercises"]["old-customers"]["full_marks"] == 2  # 2023001 and 2099999; not the duplicate
    assert summary["exercises"]["old-customers"]["mean"] == 3.6  # (5 + 3 + 3 + 2 + 5) / 5, duplicate left out
    again = Gradebook.from_dict(data)
    assert json.loads(RENDERERS["json"](again, "zh")) == data


def test_policy_best_counts_the_highest_score_and_latest_without_times_takes_the_last_name():
    def two():
        return [Entry(_result("2023002", "old-customers", 3.0, file="b.csv")),
                Entry(_result("2023002", "old-customers", 4.0, file="a.csv"))]

    best = apply_policy(two(), {}, duplicates="best")
    assert [e.state for e in best] == ["duplicate", "graded"] and "得分最高" in best[1].policy_note
    latest = apply_policy(two(), {}, duplicates="latest")
    assert [e.state for e in latest] == ["graded", "duplicate"] and "按文件名排在最后" in latest[0].policy_note
    broken = [Entry(_result("2023002", "old-customers", 0.0, error="坏文件", file="z.csv")),
              Entry(_result("2023002", "old-customers", 3.0, file="a.csv"))]
    assert [e.state for e in apply_policy(broken, {})] == ["duplicate", "graded"]  # a graded file wins


def test_latest_sees_fractions_of_a_second_and_says_when_times_tie():
    """A copy saved 0.8 s after the original is the later file (the name order would say otherwise); files
    copied at once have one time, and the note then says the name decided, not the time."""
    from datetime import datetime
    from types import SimpleNamespace

    def subs(first: datetime, second: datetime) -> dict:
        return {"rfm.csv": SimpleNamespace(submitted_at=first, time_source="mtime"),
                "rfm - 副本.csv": SimpleNamespace(submitted_at=second, time_source="mtime")}

    def two():
        return [Entry(_result("2023002", "rfm", 3.0, file="rfm.csv")),
                Entry(_result("2023002", "rfm", 4.0, file="rfm - 副本.csv"))]

    apart = apply_policy(two(), subs(datetime(2024, 11, 5, 10, 0, 0, 100_000), datetime(2024, 11, 5, 10, 0, 0, 900_000)))
    assert [e.state for e in apart] == ["duplicate", "graded"]
    assert apart[1].policy_note.endswith("（文件修改时间最晚：2024-11-05 10:00:00.900）")
    same = apply_policy(two(), subs(datetime(2024, 11, 5, 10), datetime(2024, 11, 5, 10)))
    assert [e.state for e in same] == ["graded", "duplicate"]  # "rfm.csv" sorts after "rfm - 副本.csv"
    assert same[0].policy_note.endswith("（文件修改时间都是 2024-11-05 10:00:00，按文件名排在最后）")


def test_csv_is_excel_safe_and_states_the_policy(book):
    raw = RENDERERS["csv"](book, "zh")
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    for line in text.splitlines():
        # every field quoted: the line is "…","…",…
        assert line.startswith('"') and line.endswith('"')
    rows = list(csv.reader(io.StringIO(text)))
    head = rows[0]
    assert head[:3] == ["学号", "练习编号", "练习"] and "改进提示" in head and "说明" in head
    assert len(rows) == 1 + len(book.entries)
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), cell
    assert any(cell == "'" + EVIL for row in rows for cell in row)
    assert any(cell == copy_flag("2023001") for row in rows for cell in row)
    by = {(r[0], r[1], r[3]): dict(zip(head, r, strict=True)) for r in rows[1:]}
    wang = by[("2023004", "old-customers", "2023004_old-customers.csv")]
    assert wang["未通过的检查"] == "老客户名单：-缺少客户 张三；缺少客户 张三；王五 的成交订单数应为 5，提交为 <4>"
    assert wang["改进提示"] == "老客户名单：" + HINT
    assert by[("2023002", "old-customers", "作业.zip/2023002_old-customers(旧).csv")]["状态"] == "重复提交（未计分）"
    assert by[("2023005", "tiers", "")]["状态"] == "未提交"
    assert by[("2099999", "old-customers", "2099999_old-customers.csv")]["标记"] == "名单外"


def test_xlsx_layout_and_no_formulas(book):
    wb = load_workbook(io.BytesIO(RENDERERS["xlsx"](book, "zh")))
    assert wb.sheetnames == ["总表", "old-customers", "tiers", "未识别", "评分规则"]
    summary = wb["总表"]
    header = [c.value for c in summary[1]]
    assert header[0] == "学号" and header[1].startswith("old-customers") and header[-2] == "总分"
    by_student = {row[0]: row for row in summary.iter_rows(min_row=2, values_only=True)}
    assert set(by_student) == {"2023001", "2023002", "2023003", "2023004", "2023005", "2099999"}
    assert by_student["2023001"][1] == 5.0 and by_student["2023001"][2] == "无法评分"
    assert by_student["2023002"][1] == 3.0  # the latest file counts, not the better older one
    assert by_student["2023005"][1:3] == ("未提交", "未提交")
    assert copy_flag("2023001") in by_student["2023003"][-1]
    assert by_student["2099999"][-1].startswith("名单外")
    assert "重复提交（未计分）" in by_student["2023002"][-1]
    sheet = wb["old-customers"]
    head = [c.value for c in sheet[1]]
    assert "老客户名单" in head and "改进提示" in head
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    points = [row[head.index("老客户名单")] for row in rows if row[head.index("状态")] == "已评分"]
    assert sorted(points) == [1.0, 2.0, 2.0, 4.0, 4.0]
    assert any(row[head.index("改进提示")] == "老客户名单：" + HINT for row in rows)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    tiers = [c.value for row in wb["tiers"].iter_rows() for c in row]
    assert "'" + EVIL in tiers
    assert "计“最后提交”的那份" in wb["评分规则"]["A1"].value


def test_html_is_escaped_and_self_contained(book):
    html = RENDERERS["html"](book, "zh").decode()
    assert "<b>李四</b>" not in html and "&lt;b&gt;李四&lt;/b&gt;" in html
    assert 'HYPERLINK(&quot;http://evil.example&quot;' in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "<script" not in html and "<link" not in html
    assert "<li>王五 的成交订单数应为 5，提交为 &lt;4&gt;</li>" in html
    assert f'<p class="hint">提示：{HINT}</p>' in html
    assert "重复提交（未计分）" in html and "未提交" in html and "名单外" in html


def test_report_counts_only_the_files_that_count(book):
    report = build_report(book)
    [dist] = [d for d in report.distributions if d.exercise == "old-customers"]
    assert sum(dist.counts) == 5 and dist.counts[-1] == 2  # two full marks; the duplicate is not counted
    top = report.failed_checks[0]
    assert (top.exercise, top.check, top.failed, top.graded) == ("old-customers", "老客户名单", 3, 5)
    assert top.messages[0] == ("多出客户 <b>李四</b>", 2) and top.hint == HINT
    [cluster] = report.clusters
    assert cluster.students == ["2023002", "2023003"] and cluster.digest == "wrong-a"
    assert (cluster.score, cluster.high) == (3.0, None)
    assert [e.result.student for e in report.flagged] == ["2023003"]
    assert [e.result.file for e in report.duplicates] == ["作业.zip/2023002_old-customers(旧).csv"]
    assert len(report.missing) == 5 and [e.result.student for e in report.off_roster] == ["2099999"]
    html = render_report(book, "zh").decode()
    assert html.count("<svg") == sum(1 for d in report.distributions if d.graded) == 1
    assert "&lt;b&gt;李四&lt;/b&gt;" in html and "<b>李四</b>" not in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert HINT in html and "<h2>重复提交（未计分）</h2>" in html and "<h2>未提交</h2>" in html


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
    # how a 学号 was decided with the roster is listed too, even when every check passed
    named = _result("2024900", "old-customers", 5.0, file="张三_old-customers.csv")
    named.notes.append(Note("collect", "学号按名单上的姓名“张三”认定为 2024900"))
    named.notes.append(Note("collect", "学号取自文件夹名“x”"))  # routine: not in the short table
    entries = [*many, Entry(named)]
    noted = text_of(Gradebook(entries, summarise(entries, book.titles), book.stamp, book.titles))
    assert "张三_old-customers.csv" in noted and "认定为 2024900" in noted and "学号取自文件夹名" not in noted
    sheet = load_workbook(io.BytesIO(RENDERERS["xlsx"](Gradebook(entries, summarise(entries, book.titles), book.stamp,
                                                                 book.titles), "zh")))["old-customers"]
    header = [c.value for c in sheet[1]]
    notes = [row[header.index("读取说明")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert any("认定为 2024900" in (n or "") for n in notes)
    assert f"另有 {FULL_LISTING_MAX + 1} 个文件全部通过" in text


# ---- grader feedback: one page per student -------------------------------------------------------------
def test_feedback_per_student_lists_each_exercise_with_what_was_wrong_and_the_hint(book):
    from grader.feedback import build_feedback, render_feedback

    pages = {fb.student: fb for fb in build_feedback(book)}
    assert sorted(pages) == ["2023001", "2023002", "2023003", "2023004", "2023005", "2099999"]
    wang = pages["2023004"]
    assert [(e.exercise, e.state, e.score) for e in wang.exercises] == [("old-customers", "graded", 2.0),
                                                                         ("tiers", "missing", None)]
    [problem] = wang.exercises[0].problems
    assert problem.hint == HINT and problem.details == ["缺少客户 张三", "王五 的成交订单数应为 5，提交为 <4>"]
    li = pages["2023002"].exercises[0]
    assert li.file == "2023002_old-customers.csv" and li.remark.startswith("同一学号交了 2 份")  # the counted one
    html = render_feedback(wang).decode()
    assert "&lt;4&gt;" in html and "<4>" not in html and f"怎么改：{HINT}" in html
    assert "没有收到这道练习的文件" in html and "疑似抄袭" not in render_feedback(pages["2023003"]).decode()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html) and "<script" not in html
    assert "@media print" in html


def test_feedback_caps_detail_lines():
    from grader.feedback import MAX_DETAILS, _capped

    engine_capped = [f"第 {i} 行不对" for i in range(9)] + ["……另有 31 处问题"]
    shown = _capped(engine_capped)
    assert len(shown) == MAX_DETAILS and shown[-1] == f"……另有 {40 - MAX_DETAILS + 1} 处"
    assert _capped(["a", "b"]) == ["a", "b"]


@pytest.mark.parametrize(("student", "golden"), [("2023004", "feedback_2023004.html"),
                                                 ("2023001", "feedback_2023001.html"), (None, "feedback_index.html")])
def test_feedback_goldens(book, student, golden):
    from grader.feedback import build_feedback, render_feedback, render_index

    pages = build_feedback(book)
    actual = render_index(pages) if student is None else render_feedback(next(p for p in pages if p.student == student))
    path = GOLDENS / golden
    if UPDATE or not path.exists():
        path.write_bytes(actual)
        if not UPDATE:
            pytest.fail(f"golden {path} was missing and has been written; review it and run again")
    assert actual == path.read_bytes(), f"{golden} differs from its golden (UPDATE_GOLDENS=1 to refresh)"


def test_terminal_shows_hints_missing_and_the_policy(book):
    from rich.console import Console

    from grader.render.terminal import show

    console = Console(record=True, width=60, file=io.StringIO())
    show(book, console, "zh")
    text = console.export_text()
    assert "· old-customers · 老客户名单（未通过 3 份）" in text  # counted files only: not the duplicate
    assert HINT[:20] in text.replace("\n  ", "")
    assert "重复提交（未计分）" in text and "名单外" in text
    assert "2023005" in text.split("未提交", 1)[1] and "全部（2 道）" in text
    assert "重复提交：同一学生同一练习交了多份文件时" in text.replace("\n  ", "")
    assert max(len(line) for line in text.splitlines()) <= 60


def test_a_gradebook_written_before_the_policy_still_reads():
    old = {"results": [{"file": "a.csv", "student": "2023001", "exercise": "old-customers", "status": "graded",
                        "score": 3.0, "max_score": 5.0, "notes": [], "error": None, "flags": [],
                        "checks": [{"name": "老客户名单", "passed": False, "points": 2.0, "max_points": 4.0,
                                    "message": "少了", "details": []}]}]}
    book = Gradebook.from_dict(old)
    [entry] = book.entries
    assert entry.state == "graded" and entry.scored and entry.result.checks[0].hint == ""
    assert book.policy == {"duplicates": "latest", "roster": 0} and book.summary.graded == 1
    report = render_report(book, "zh").decode()
    assert "没有提供（--roster，网页批改时填“全班名单”）" in report and "（网页批改时选“计最高分”）" in report
    terminal = "\n".join(policy_lines(book, terminal=True))
    assert "没有提供（--roster）" in terminal and "网页" not in terminal


def test_joined_sentences_read_cleanly():
    from grader.render.common import join_cn
    joined = join_cn(["文件按 GBK 编码读取", "压缩包内的文件名按 GBK 编码解码。", "", "列名写错时请按要求改名。"])
    assert joined == "文件按 GBK 编码读取；压缩包内的文件名按 GBK 编码解码；列名写错时请按要求改名"
    assert "。；" not in joined


@pytest.mark.parametrize("width", range(24, 100, 3))
def test_terminal_hints_never_break_inside_code(width):
    from rich.cells import cell_len

    from grader.render.terminal import _fold
    hint = ("  订单创建时间里混有两种写法：两种时间写法要用 pd.to_datetime(列, format=\"mixed\") 统一转换，"
            "再用 groupby(\"买家会员名\") 汇总。")
    pieces = _fold(hint, width)
    assert all(cell_len(p) <= width for p in pieces), pieces
    assert "".join(p.strip() for p in pieces).replace(" ", "") == hint.strip().replace(" ", "")
    for word in re.findall(r"[!-~]+", hint):  # pd.to_datetime(列, / format="mixed") / groupby("买家会员名")
        assert any(word in p for p in pieces), (word, pieces)


def test_control_characters_from_students_are_shown_not_obeyed():
    """A zip member named with an escape sequence, a line break in a name, a NUL in a student's cell: the terminal
    shows symbols instead of clearing the screen or splitting a row, and 成绩.xlsx is still written."""
    from rich.console import Console

    from grader.render.terminal import show

    name = "作业.zip/2023001_\x1b[2J\x1b[31mEVIL\x07_old-\nb\rcustomers.csv"
    entries = [Entry(_result("2023001", "old-customers", 3.0, file=name, message="多出客户 张\x00三",
                             details=["张\x1b三 不是老客户", "\x85下一行"]))]
    titles = {"old-customers": "老客户筛选"}
    stamp = Stamp("0.1.0", "2.2.3", {}, {}, "")
    bad = Gradebook(entries, summarise(entries, titles), stamp, titles)
    out = io.StringIO()
    console = Console(file=out, width=200, force_terminal=True, color_system="standard")
    show(bad, console, "zh")
    printed = out.getvalue()
    assert "\x1b[2J" not in printed and "\x07" not in printed and "\x00" not in printed and "\r" not in printed
    assert "␛[2J␛[31mEVIL␇_old-␊b␍customers.csv" in printed
    wb = load_workbook(io.BytesIO(RENDERERS["xlsx"](bad, "zh")))
    cells = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("␛[2J" in c for c in cells) and any("张␀三" in c for c in cells)
    assert all(ch >= " " or ch == "\n" for c in cells for ch in c)
    page = RENDERERS["html"](bad, "zh").decode("utf-8")
    assert "\x1b" not in page and "␛[2J" in page


def test_a_shared_wrong_answer_shows_the_range_of_its_scores(book):
    """One answer checked against two students' data versions scores differently: the report shows both ends."""
    from dataclasses import replace as copy_with

    entries = [copy_with(e, result=copy_with(e.result, score=2.5)) if e.result.student == "2023003"
               and e.result.answer_digest == "wrong-a" else e for e in book.entries]
    [cluster] = build_report(copy_with(book, entries=entries)).clusters
    assert (cluster.score, cluster.high) == (2.5, 3.0)
    assert "<td>2.5–3 / 5</td>" in render_report(copy_with(book, entries=entries), "zh").decode()
