"""教师批改 in real Chromium (issue 12): the grader's fixture corpus (GBK-named zip with hostile members, XLSX,
a tier config, duplicates, hostile files) dropped as a folder on the ::grading{} page gives the same gradebook as
``grader grade --json`` from that folder; a reload in the middle of a run resumes without regrading finished files;
清除 forgets the run; an exam build says why it cannot grade. Screenshots (empty / running / done, 1280 px) go to
tests/artifacts/g3-*.png; axe finds no serious or critical violation in the results. Every request of the page and its workers is recorded: 0 to other hosts.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from browser_util import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    axe_violations,
    describe_violations,
    foreign_requests,
    serve,
)
from test_webgrade import ROSTER, _stable, _workbook, corpus, exercises_dir
from widget_site import build_project, bundle_web, write_project

from grader.cli import main

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PAGE = "# 在网页里批改\n\n::grading{}\n"
LONG_MS = 600_000
LIMIT = 0.001
"""Seconds per file in the over-limit test: no file can be graded that fast."""
NAMES = dict(zip(ROSTER, ["张三", "李四", "王五", "赵六"], strict=True))
ROSTER_ORDER = [ROSTER[2], ROSTER[0], ROSTER[3], ROSTER[1]]
ROSTER_TEXT = "学号 姓名\n" + "\n".join(f"{sid} {NAMES[sid]}" for sid in ROSTER_ORDER)
"""The class roster as a teacher pastes it (学号 and 姓名, not in 学号 order), for the page and, as a file, for the CLI."""


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("grading")
    exercises = exercises_dir(tmp)
    root = corpus(tmp, exercises)
    web = bundle_web(tmp / "web")
    site = build_project(write_project(tmp / "project", web_dir=web, exercises_dir=exercises,
                                       pages={"index.md": PAGE}))
    exam = build_project(write_project(tmp / "exam", web_dir=web, exercises_dir=exercises, solutions=False,
                                       pages={"index.md": PAGE}))
    cwd = os.getcwd()
    os.chdir(tmp)
    try:
        (tmp / "名单.txt").write_text(ROSTER_TEXT, encoding="utf-8")
        assert main(["grade", "corpus", "--exercises", str(exercises), "--roster", "名单.txt",
                     "--json", "cli.json", "-q"]) == 1
    finally:
        os.chdir(cwd)
    return {"tmp": tmp, "corpus": root, "site": site, "exam": exam,
            "cli": json.loads((tmp / "cli.json").read_text("utf-8"))}


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_page(browser, requests: list[str]):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.on("request", lambda r: requests.append(r.url))
    return context, context.new_page()


def state(page) -> str:
    return page.locator(".grading [data-role=status]").get_attribute("data-state")


def wait_state(page, states: tuple[str, ...], timeout: int = LONG_MS) -> str:
    page.wait_for_function("(states) => states.includes(document.querySelector('.grading [data-role=status]')?.dataset.state)",
                           arg=list(states), timeout=timeout)
    return state(page)


def shoot(page, name: str) -> None:
    """The widget at 1280 and 390 px (Material's sticky header hidden so it does not cover the widget's top)."""
    ARTIFACTS.mkdir(exist_ok=True)
    style = page.add_style_tag(content=".md-header{visibility:hidden}")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.locator(".grading").screenshot(path=str(ARTIFACTS / f"g3-{name}-{width}.png"))
    page.set_viewport_size({"width": 1280, "height": 900})
    style.evaluate("node => node.remove()")


def start(page, work) -> None:
    page.locator(".grading [data-role=folder]").set_input_files(str(work["corpus"]))
    page.locator(".grading [data-role=roster]").fill(ROSTER_TEXT)
    page.locator(".grading [data-action=grade]").click()


def one_file_class(work, tmp_path: Path) -> Path:
    """A folder holding one of the corpus' files (student 2023002)."""
    one = tmp_path / "one"
    one.mkdir()
    shutil.copy(work["corpus"] / "2023002_李四_fixture-old-customers.csv", one)
    return one


def grade_and_clear(page) -> tuple[dict, dict]:
    """开始批改, wait until done; the gradebook and the stats, then 清除 (nothing is left for the next test)."""
    page.locator(".grading [data-action=grade]").click()
    assert wait_state(page, ("done", "error")) == "done"
    book = page.evaluate("() => window.courseware.grading.gradebook()")
    stats = page.evaluate("() => window.courseware.grading.stats()")
    page.locator(".grading [data-action=clear]").click()
    return book, stats


def test_page_grades_the_corpus_like_the_cli(browser, work):
    requests: list[str] = []
    context, page = new_page(browser, requests)
    with serve(work["site"]) as base:
        page.goto(base)
        page.locator(".grading").wait_for()
        assert state(page) == "idle"
        shoot(page, "empty")
        start(page, work)
        page.wait_for_function("() => (window.courseware.grading.stats().done || 0) >= 3", timeout=LONG_MS)
        shoot(page, "running")
        assert wait_state(page, ("done", "error")) == "done", page.locator(".grading [data-role=status]").inner_text()
        book = page.evaluate("() => window.courseware.grading.gradebook()")
        shoot(page, "done")
        # the table starts in the roster's order (序号), then 名单外 and files without a 学号
        shown = page.locator(".grading [data-role=class-table] tbody tr").evaluate_all(
            "rows => rows.map(r => [r.querySelector('.grading-order').textContent, r.dataset.student])")
        assert [s for _, s in shown][:len(ROSTER_ORDER)] == ROSTER_ORDER
        assert [n for n, _ in shown] == [str(i) for i in range(1, len(shown) + 1)]
        page.locator(".grading [data-role=class-table] tbody tr[data-student='2023004']").click()
        details = page.locator(".grading [data-role=details]")
        assert "疑似抄袭" in details.inner_text() and "提示" in details.inner_text()
        shoot(page, "details")
        # the class table, its pager and the details (the minimal site around them has not the course's theme)
        for scheme, violations in axe_violations(page, ".grading").items():
            assert not describe_violations(violations), f"{scheme}：\n" + describe_violations(violations)
        # Keyboard: Enter on a row opens its details with the focus in them; Esc closes them and returns the focus.
        row = page.locator(".grading [data-role=class-table] tbody tr[data-student='2023001']")
        row.focus()
        page.keyboard.press("Enter")
        assert "2023001" in details.inner_text()
        assert page.evaluate("() => document.activeElement.dataset.role") == "details"
        page.keyboard.press("Escape")
        assert details.is_hidden()
        assert page.evaluate("() => document.activeElement.dataset.student") == "2023001"
        page.keyboard.press(" ")  # Space opens a row too (as on a button), without scrolling the page
        assert "2023001" in details.inner_text() and details.is_visible()
        page.keyboard.press("Escape")
        page.evaluate("() => document.querySelector('.grading').append(document.createElement('button'))")
        assert "button-name" in describe_violations(axe_violations(page, ".grading")["default"])  # the audit sees it
        with page.expect_download() as got:
            page.locator(".grading [data-download=csv]").click()
        assert got.value.suggested_filename == "成绩.csv"
        assert Path(got.value.path()).read_bytes().startswith("\ufeff".encode())
        context.close()
    assert foreign_requests(requests, base) == []
    cli = work["cli"]
    web_rows = {r["file"]: r for r in book["results"] if r["file"]}
    cli_rows = {r["file"]: r for r in cli["results"] if r["file"]}
    assert set(web_rows) == set(cli_rows)
    for file, c in cli_rows.items():
        w = web_rows[file]
        assert (w["student"], w["exercise"], w["status"], w["state"], w["score"]) == \
            (c["student"], c["exercise"], c["status"], c["state"], c["score"]), file
    roster_lines = lambda b: sorted((r["student"], r["exercise"]) for r in b["results"] if r["state"] == "missing")  # noqa: E731
    assert roster_lines(book) == roster_lines(cli) != []
    assert book["names"] == cli["names"] == NAMES
    web_book, cli_book = _stable(book), _stable(cli)
    assert web_book["stamp"]["grader_version"] == cli_book["stamp"]["grader_version"]  # grader.__version__
    assert web_book == cli_book


def test_reload_resumes_without_regrading_and_clear_forgets(browser, work):
    requests: list[str] = []
    context, page = new_page(browser, requests)
    with serve(work["site"]) as base:
        page.goto(base)
        page.locator(".grading").wait_for()
        page.locator(".grading [data-action=clear]").click()
        start(page, work)
        page.wait_for_function("() => (window.courseware.grading.stats().done || 0) >= 8", timeout=LONG_MS)
        page.reload()
        page.locator(".grading").wait_for()
        assert wait_state(page, ("done", "error")) == "done"
        stats = page.evaluate("() => window.courseware.grading.stats()")
        assert stats["restored"] >= 8
        assert stats["graded"] == stats["total"] - stats["restored"]  # finished files were not graded again
        page.reload()
        page.locator(".grading").wait_for()
        assert wait_state(page, ("done",), 60_000) == "done"  # the finished run is shown again
        assert page.evaluate("() => window.courseware.grading.gradebook() !== null")
        page.locator(".grading [data-action=clear]").click()
        page.reload()
        page.locator(".grading").wait_for()
        page.wait_for_timeout(500)
        assert state(page) == "idle"
        assert page.evaluate("() => window.courseware.grading.gradebook()") is None
        context.close()
    assert foreign_requests(requests, base) == []


def test_exam_build_says_where_to_grade(browser, work):
    requests: list[str] = []
    context, page = new_page(browser, requests)
    with serve(work["exam"]) as base:
        page.goto(base)
        notice = page.locator(".grading [data-role=exam]")
        assert "参考答案" in notice.inner_text() and "grader grade" in notice.inner_text()
        assert page.locator(".grading [data-action=grade]").is_disabled()
        assert state(page) == "error"
        context.close()
    assert foreign_requests(requests, base) == []
    shutil.rmtree(work["tmp"] / "exam", ignore_errors=True)


def test_a_file_over_the_time_limit_replaces_the_worker(browser, work, tmp_path):
    """The limit mechanism itself: with a limit no file can meet, the worker grading it is terminated, a fresh
    one records the 无法评分 line for that file with the limit that was enforced, and the run still finishes."""
    one = one_file_class(work, tmp_path)
    requests: list[str] = []
    context, page = new_page(browser, requests)
    with serve(work["site"]) as base:
        page.goto(base)
        page.locator(".grading").wait_for()
        page.evaluate(f"() => window.courseware.grading.setLimits({{file_timeout: {LIMIT}}})")
        page.locator(".grading [data-role=folder]").set_input_files(str(one))
        book, stats = grade_and_clear(page)
        context.close()
    [row] = book["results"]
    assert row["status"] == "error" and row["student"] == "2023002"
    assert row["error"].startswith(f"无法评分：文件过大或过于复杂（超过 {LIMIT:g} 秒）；"), row["error"]
    assert stats["workersCreated"] == 2
    assert foreign_requests(requests, base) == []


def test_the_worker_started_while_files_are_picked_is_the_one_that_grades(browser, work, tmp_path):
    """Picking files starts a grading worker (Python loads while the teacher sets the roster and policy);
    开始批改 adopts it instead of starting another."""
    one = one_file_class(work, tmp_path)
    requests: list[str] = []
    context, page = new_page(browser, requests)
    workers: list[str] = []
    page.on("worker", lambda w: workers.append(w.url))
    with serve(work["site"]) as base:
        page.goto(base)
        page.locator(".grading").wait_for()
        assert workers == []
        with page.expect_event("worker"):
            page.locator(".grading [data-role=folder]").set_input_files(str(one))
        assert [u.rsplit("/", 1)[-1] for u in workers] == ["grading-worker.js"]
        page.wait_for_function("() => window.courseware.grading.standbyReady()", timeout=LONG_MS)
        book, stats = grade_and_clear(page)
        context.close()
    [row] = book["results"]
    assert (row["student"], row["status"]) == ("2023002", "graded")
    assert len(workers) == stats["workersCreated"] == 1
    assert set(stats["phases"]) == {"start", "load", "grade", "merge"} and min(stats["phases"].values()) >= 0
    assert foreign_requests(requests, base) == []


def test_a_roster_with_names_finds_a_file_named_by_the_student_s_name(browser, work, tmp_path):
    """The 姓名 of a roster file reach the workers: a file named only 李四_… is graded as her 学号, with the note."""
    named = tmp_path / "named"
    named.mkdir()
    shutil.copy(work["corpus"] / "2023002_李四_fixture-old-customers.csv", named / "李四_fixture-old-customers.csv")
    requests: list[str] = []
    context, page = new_page(browser, requests)
    with serve(work["site"]) as base:
        page.goto(base)
        page.locator(".grading [data-role=folder]").set_input_files(str(named))
        roster = tmp_path / "花名册.xlsx"  # the school's roster file: a title row, 序号, 学号, 姓名
        roster.write_bytes(_workbook([["2023级电商1班花名册"], ["序号", "学号", "姓名"], [1, 2023001, "张三"], [2, 2023002, "李四"]]))
        page.locator(".grading [data-role=roster-file]").set_input_files(str(roster))
        page.locator(".grading [data-action=grade]").click()
        assert wait_state(page, ("done", "error")) == "done"
        book = page.evaluate("() => window.courseware.grading.gradebook()")
        table = page.locator(".grading [data-role=class-table]")
        assert [table.locator("thead th").nth(i).inner_text()[:2] for i in range(3)] == ["序号", "学号", "姓名"]
        assert table.locator("tr[data-student='2023002'] td.grading-name").inner_text() == "李四"
        table.locator("tr[data-student='2023002']").click()
        assert page.locator(".grading [data-role=details] h3").inner_text().startswith("李四（学号 2023002）")
        page.locator(".grading [data-action=clear]").click()
        context.close()
    row = next(r for r in book["results"] if r["file"].endswith("李四_fixture-old-customers.csv"))
    assert (row["student"], row["status"]) == ("2023002", "graded")
    assert "学号按名单上的姓名“李四”认定为 2023002" in row["notes"]
    assert [r["student"] for r in book["results"] if r["state"] == "missing"] == ["2023001"]
    assert foreign_requests(requests, base) == []


def test_a_late_file_joins_last_run_and_the_next_pick_starts_afresh(browser, work, tmp_path):
    """After a reload the page shows what the results were graded with (policy, roster, files). A late file can
    join last run's files (those unchanged are not graded again); otherwise a new pick is a new selection, not
    added to the last one. A roster typed after a roster file was loaded is the one used."""
    first, late, other = (tmp_path / n for n in ("first", "late", "other"))
    for folder in (first, late, other):
        folder.mkdir()
    source = work["corpus"] / "2023002_李四_fixture-old-customers.csv"
    shutil.copy(source, first / source.name)
    shutil.copy(source, late / "2023001_fixture-old-customers.csv")
    shutil.copy(source, other / "2023005_fixture-old-customers.csv")
    requests: list[str] = []
    context, page = new_page(browser, requests)
    grading = page.locator(".grading")
    with serve(work["site"]) as base:
        page.goto(base)
        grading.locator("[data-action=clear]").click()
        grading.locator("[data-role=folder]").set_input_files(str(first))
        roster = tmp_path / "名单.csv"
        roster.write_text("学号,姓名\n2023009,钱九\n", encoding="utf-8")
        grading.locator("[data-role=roster-file]").set_input_files(str(roster))
        assert "已载入 名单.csv" in grading.locator("[data-role=roster-summary]").inner_text()
        grading.locator("[data-role=roster]").fill("2023001 张三\n2023002 李四")  # typed after: the file is dropped
        assert grading.locator("[data-role=roster-summary]").inner_text().startswith("名单共 2 行")
        grading.locator("[data-role=duplicates]").select_option("best")
        grading.locator("[data-action=grade]").click()
        assert wait_state(page, ("done", "error")) == "done"
        assert page.evaluate("() => window.courseware.grading.gradebook()")["names"] == {"2023001": "张三", "2023002": "李四"}

        page.reload()
        assert wait_state(page, ("done",), 60_000) == "done"
        assert grading.locator("[data-role=duplicates]").input_value() == "best"
        assert grading.locator("[data-role=roster]").input_value() == "2023001 张三\n2023002 李四"
        assert "上次批改 1 个文件" in grading.locator("[data-role=files-summary]").inner_text()

        grading.locator("[data-role=folder]").set_input_files(str(late))
        assert "连同上次批改的 1 个文件一起批改" in grading.locator("[data-role=files-summary]").inner_text()
        grading.locator("[data-role=keep-previous]").check()
        grading.locator("[data-action=grade]").click()
        assert wait_state(page, ("done", "error")) == "done"
        book = page.evaluate("() => window.courseware.grading.gradebook()")
        stats = page.evaluate("() => window.courseware.grading.stats()")
        assert sorted(r["file"].split("/", 1)[0] for r in book["results"] if r["file"]) == ["first", "late"]
        assert (stats["restored"], stats["graded"]) == (1, 1)  # the unchanged file kept its result

        grading.locator("[data-role=folder]").set_input_files(str(other))  # another class, box left unticked
        grading.locator("[data-action=grade]").click()
        assert wait_state(page, ("done", "error")) == "done"
        book = page.evaluate("() => window.courseware.grading.gradebook()")
        assert [r["file"].split("/", 1)[0] for r in book["results"] if r["file"]] == ["other"]
        grading.locator("[data-action=clear]").click()
        context.close()
    assert foreign_requests(requests, base) == []

