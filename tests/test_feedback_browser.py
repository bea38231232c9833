"""Feedback that says what to fix, in real Chromium on the built site (issue 13 items 4, 5, 7, 9).

A wrong answer names its rows; every explainer of web/src/explain.py answers in Chinese inside the page's own
worker and the failing line is marked in the editor; print() of a table is an HTML table; 下载提交文件 asks
for the 学号; passing puts ✓ in the navigation and a 下一题 link. Screenshots of each widget state at 1280 and
390 px go to tests/artifacts/w2-*.png. Runs on the site of ``COURSEWARE_SITE`` (default ``site/``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from browser_util import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, foreign_requests, serve
from test_explain_pyodide import CASES

from grader.engine import grade_bytes
from grader.spec import load_spec

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
EXERCISE = "old-customers"
FOLDER = ROOT / "exercises" / EXERCISE
LOAD_MS = 240_000
WIDGET = f'.exercise[data-exercise="{EXERCISE}"]'
STUDENT = "2024001"


@pytest.fixture(scope="module")
def site(site_dir):
    from playwright.sync_api import sync_playwright

    manifest = json.loads((site_dir / "assets/courseware/py/manifest.json").read_text(encoding="utf-8"))
    pages = {entry["id"]: entry["page"] for entry in manifest["exercises"]}
    with serve(site_dir) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        requests: list[str] = []
        context.on("request", lambda r: requests.append(r.url))
        page = context.new_page()
        page.goto(base + pages[EXERCISE])
        page.locator(WIDGET).wait_for()
        shoot(page, "loading")
        wait_state(page, ("ready",))
        yield {"base": base, "page": page, "pages": pages, "manifest": manifest, "context": context}
        context.close()
        browser.close()
        assert foreign_requests(requests, base) == []


def wait_state(page, states: tuple[str, ...]) -> str:
    page.wait_for_function(
        """([sel, states]) => states.includes(document.querySelector(`${sel} [data-role=status]`)?.dataset.state)""",
        arg=[WIDGET, list(states)], timeout=LOAD_MS)
    return page.locator(f"{WIDGET} [data-role=status]").get_attribute("data-state")


def act(page, code: str, action: str) -> str:
    page.evaluate("([id, code]) => window.courseware.setCode(id, code)", [EXERCISE, code])
    page.locator(f"{WIDGET} [data-action={action}]").click()
    return wait_state(page, ("ready", "passed", "failed", "error"))


def shoot(page, name: str) -> None:
    """The widget at 1280 and at 390 px wide, and its lower part (toolbar to output) on its own, to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.locator(WIDGET).screenshot(path=str(ARTIFACTS / f"w2-{name}-{width}.png"))
        lower = page.evaluate(f"""() => {{
            const w = document.querySelector('{WIDGET}'), top = w.querySelector('.cw-toolbar').getBoundingClientRect();
            const box = w.getBoundingClientRect();
            return {{x: box.left + scrollX, y: top.top + scrollY, width: box.width, height: box.bottom - top.top}};
        }}""")
        page.screenshot(path=str(ARTIFACTS / f"w2-{name}-{width}-lower.png"), clip=lower, full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_wrong_answer_names_the_rows_above_a_collapsed_table(site):
    page = site["page"]
    wrong = (FOLDER / "wrong" / "counts_closed.py").read_text(encoding="utf-8")
    assert act(page, wrong, "check") == "failed"
    widget = page.locator(WIDGET)
    # the first failed check has the focus
    focused = page.evaluate("document.activeElement.matches('li.cw-check-failed') && document.activeElement.dataset.check")
    assert focused == widget.locator("li.cw-check-failed").first.get_attribute("data-check")
    rows = widget.locator("li.cw-check-failed", has_text="老客户名单")
    details = rows.locator(".cw-check-details li")
    assert details.first.inner_text().startswith("多出客户 ")
    assert details.count() >= 5
    more = rows.locator("details.cw-check-more")
    summary = more.locator("summary").inner_text()
    assert more.get_attribute("open") is None
    more.locator("summary").click()
    hidden = more.locator("li").all_inner_texts()
    rest = re.search(r"另有 (\d+) 处", hidden[-1])  # the grader's cap: the last line counts the others
    assert rest and summary == f"还有 {len(hidden) - 1 + int(rest[1])} 行"
    assert rows.locator(".cw-check-hint").inner_text().startswith("提示：")
    # feedback sits above the output; the long result table is collapsed
    above = page.evaluate(f"""() => {{
        const w = document.querySelector('{WIDGET}');
        return Boolean(w.querySelector('[data-role=feedback]').compareDocumentPosition(w.querySelector('[data-role=output]'))
               & Node.DOCUMENT_POSITION_FOLLOWING);
    }}""")
    assert above
    table = widget.locator("[data-role=output] details.cw-table")
    assert table.get_attribute("open") is None
    assert "共 " in table.locator("summary").inner_text()
    shoot(page, "failed")
    page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
    shoot(page, "failed-dark")
    page.evaluate("document.body.setAttribute('data-md-color-scheme', 'default')")


@pytest.mark.parametrize(("code", "line", "fragments"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_explainer_in_the_page_worker(site, code, line, fragments):
    out = site["page"].evaluate(
        "([id, code]) => window.courseware.runtime.exec('run', {exercise: id, code})", [EXERCISE, code])
    explain = out["error"]["explain"]
    text = explain["title"] + "\n" + "\n".join(explain["lines"])
    assert all(f in text for f in fragments), text
    assert explain["line"] == line


def test_error_is_explained_and_its_line_marked(site):
    page = site["page"]
    code = "import pandas as pd\norders = pd.read_csv('data/orders.csv')\nx = orders['订单转态']\n"
    assert act(page, code, "run") == "ready"
    widget = page.locator(WIDGET)
    box = widget.locator("[data-role=output] [data-role=error]")
    assert "没有 “订单转态” 这一列" in box.locator(".cw-explain-title").inner_text()
    assert "订单状态" in box.inner_text()
    details = box.locator("details.cw-explain-details")
    assert details.get_attribute("open") is None  # the raw traceback waits behind 详细信息
    assert details.locator("summary").first.inner_text() == "详细信息"
    details.locator("summary").first.click()
    assert "KeyError" in details.locator("pre").first.inner_text()
    marked = widget.locator(".cm-line.cw-error-line")
    assert marked.count() == 1 and marked.inner_text() == "x = orders['订单转态']"
    shoot(page, "error")
    assert act(page, "x = 1\n", "run") == "ready"
    assert widget.locator(".cm-line.cw-error-line").count() == 0  # the next run clears the mark

    assert act(page, "x = [0] * 10**10\n", "run") == "ready"
    title = widget.locator("[data-role=output] .cw-explain-title").inner_text()
    assert title in ("第 1 行：要建的列表或表格太大了", "第 1 行：内存不足")
    assert "Error" not in widget.locator("[data-role=output] .cw-explain > :not(details)").all_inner_texts()[0]


def test_running_state(site):
    page = site["page"]
    page.evaluate("([id, code]) => window.courseware.setCode(id, code)", [EXERCISE, "import time\ntime.sleep(3)\n"])
    page.locator(f"{WIDGET} [data-action=run]").click()
    assert wait_state(page, ("running",)) == "running"
    shoot(page, "running")
    assert wait_state(page, ("ready",)) == "ready"


def test_print_of_a_dataframe_is_a_table(site):
    page = site["page"]
    code = ("import pandas as pd\norders = pd.read_csv('data/orders.csv')\n"
            "print('订单表：')\nprint(orders[['买家会员名', '订单状态', '买家实际支付金额']])\n"
            "orders['订单状态'].value_counts()\n")
    assert act(page, code, "run") == "ready"
    out = page.locator(f"{WIDGET} [data-role=output] .cw-stdout")
    assert out.locator("pre").first.inner_text().strip() == "订单表："
    tables = out.locator(".cw-table")
    assert tables.count() == 2
    caption = tables.nth(0).locator(".cw-block-title").inner_text()
    assert caption.startswith("表格：共 ") and "× 3 列（显示前 10 行和后 10 行）" in caption
    first = tables.nth(0).locator("table.cw-df tbody tr").first
    assert first.locator("td.cw-text").count() == 2 and first.locator("td.cw-num").count() == 1
    assert tables.nth(0).locator("tbody tr").count() == 21  # 10 + "…" + 10
    assert "交易成功" in tables.nth(1).inner_text()
    shoot(page, "print-table")


def test_download_asks_for_the_student_id_first(site):
    page = site["page"]
    page.evaluate("() => window.courseware.setStudent(null)")
    wait_state(page, ("ready",))
    solution = (FOLDER / "solution.py").read_text(encoding="utf-8")
    page.evaluate("([id, code]) => window.courseware.setCode(id, code)", [EXERCISE, solution])
    widget = page.locator(WIDGET)
    widget.locator("[data-action=download]").click()
    form = widget.locator("[data-role=ask-student-form]")
    form.wait_for()
    assert page.evaluate("document.activeElement.dataset.role") == "ask-student"
    shoot(page, "ask-student")
    form.locator("input").fill(STUDENT)
    with page.expect_download(timeout=LOAD_MS) as info:
        form.locator("[data-action=confirm-student]").click()
    download = info.value
    assert download.suggested_filename == f"{STUDENT}_{EXERCISE}.csv"
    graded = grade_bytes(load_spec(FOLDER), download.suggested_filename, Path(download.path()).read_bytes(), STUDENT)
    assert graded.score == graded.max_score > 0  # computed on the student's own data
    assert page.evaluate("localStorage.getItem('courseware:v1:student')") == STUDENT


def test_the_keyboard_focus_comes_back_to_the_button_after_a_run(site):
    """运行 is disabled while the code runs, which drops the focus to <body>: it is given back to 运行 after."""
    page = site["page"]
    page.evaluate("([id, code]) => window.courseware.setCode(id, code)", [EXERCISE, "print('焦点测试')\n"])
    page.locator(f"{WIDGET} [data-action=run]").focus()
    page.keyboard.press("Enter")
    page.wait_for_function(f"document.querySelector('{WIDGET} [data-role=output]').textContent.includes('焦点测试')")
    wait_state(page, ("ready",))
    assert page.evaluate("document.activeElement && document.activeElement.dataset.action") == "run"


def test_passing_marks_the_navigation_and_links_the_next_exercise(site):
    page = site["page"]
    pages, manifest = site["pages"], site["manifest"]
    solution = (FOLDER / "solution.py").read_text(encoding="utf-8")
    assert act(page, solution, "check") == "passed"
    order = [e["id"] for e in manifest["exercises"] if e["page"]]
    following = next(e for e in manifest["exercises"][order.index(EXERCISE) + 1:] if e["page"])
    link = page.locator(f"{WIDGET} [data-role=next] a")
    link.wait_for()
    assert link.inner_text().startswith(f"下一题：{following['title']}")
    assert link.get_attribute("href").endswith("/" + following["page"])
    # ✓ when everything on the page is done, ◐ while its quiz is still open
    on_page = [q for q in json.loads(page.evaluate("fetch('../../assets/quizzes.json').then((r) => r.text())"))["quizzes"]
               if q["page"] == pages[EXERCISE]]
    nav_state(page, pages[EXERCISE], "partial" if on_page else "done")
    for quiz in on_page:
        page.evaluate("""(q) => localStorage.setItem(`courseware:v1:quiz:${q.id}`,
            JSON.stringify({answers: [], correct: q.total, total: q.total, timestamp: new Date().toISOString()}))""", quiz)
    page.evaluate("window.dispatchEvent(new CustomEvent('courseware:quiz'))")
    nav_state(page, pages[EXERCISE], "done")
    assert page.locator(".md-nav--secondary .cw-nav-mark").count() == 0  # this page's headings get no mark
    shoot(page, "passed")
    page.locator("nav.md-nav--primary").first.screenshot(path=str(ARTIFACTS / "w2-nav-done-1280.png"))


def nav_state(page, path: str, state: str) -> None:
    page.wait_for_function(
        """([path, state]) => [...document.querySelectorAll('a.md-nav__link')].some(
            (a) => new URL(a.href).pathname.endsWith(path) && a.querySelector(`.cw-nav-mark[data-state=${state}]`))""",
        arg=["/" + path, state], timeout=10_000)


def test_quiz_and_progress_page(site):
    page = site["context"].new_page()
    page.goto(site["base"] + "progress/")
    quiz = page.evaluate("fetch('../assets/quizzes.json').then((r) => r.json()).then((d) => d.quizzes[0])")
    page.evaluate("""(q) => localStorage.setItem(`courseware:v1:quiz:${q.id}`,
        JSON.stringify({answers: [], correct: q.total, total: q.total, timestamp: new Date().toISOString()}))""", quiz)
    page.reload()
    bar = page.locator("[data-role=progress-page] [data-role=course-progress] .cw-bar")
    bar.wait_for()
    assert int(bar.get_attribute("aria-valuenow")) > 0
    text = page.locator("[data-role=progress-page] .cw-bar-text").inner_text()
    assert re.search(r"练习 [1-9]\d*/\d+，自测题 [1-9]\d*/\d+", text), text
    # export/import come before the tables
    order = page.evaluate("""() => {
        const root = document.querySelector('[data-role=progress-page]');
        const a = root.querySelector('[data-action=export]'), t = root.querySelector('table');
        return Boolean(a.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING);
    }""")
    assert order
    nav_state(page, quiz["page"], "done" if quiz["page"] not in site["pages"].values() else "partial")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"w2-progress-{width}.png"))
    percent = bar.get_attribute("aria-valuenow")
    page.goto(site["base"])  # the home page shows the same course progress
    home = page.locator("[data-role=course-progress] .cw-bar")
    home.wait_for()
    assert home.get_attribute("aria-valuenow") == percent
    page.close()


def test_editor_says_how_to_leave_it(site):
    page = site["page"]
    hint = page.locator(f"{WIDGET} .cw-editor-hint")
    assert not hint.is_visible()
    page.locator(f"{WIDGET} .cm-content").click()
    assert hint.is_visible() and "按 Esc 再按 Tab 离开编辑器" in hint.inner_text() and "Ctrl+Enter 运行" in hint.inner_text()
    shoot(page, "editor-focus")
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    assert page.evaluate("!document.activeElement.closest('.cm-editor')")
    assert not hint.is_visible()


def test_tooltips_open_above_the_buttons(site):
    page = site["page"]
    widget = page.locator(WIDGET)
    assert widget.locator(".cw-toolbar button[title]").count() == 0  # no native tooltip that covers the status
    button = widget.locator("[data-action=check]")
    button.hover()
    tip = page.evaluate("""(sel) => {
        const b = document.querySelector(sel + ' [data-action=check]');
        const s = getComputedStyle(b, '::after');
        return {content: s.content, position: s.position, bottom: parseFloat(s.bottom), height: parseFloat(s.height)};
    }""", WIDGET)
    assert tip["content"] != "none" and tip["position"] == "absolute"
    box = button.bounding_box()
    status = widget.locator("[data-role=status]").bounding_box()
    tip_top = box["y"] + box["height"] - tip["bottom"] - tip["height"]
    tip_bottom = box["y"] + box["height"] - tip["bottom"]
    assert tip_bottom <= box["y"] and tip_top < tip_bottom <= status["y"]
    page.keyboard.press("Escape")  # WCAG 1.4.13: a tooltip can be dismissed without moving the pointer
    after = page.evaluate("(sel) => getComputedStyle(document.querySelector(sel + ' [data-action=check]'), '::after').content",
                          WIDGET)
    assert after == "none"


def test_next_link_goes_on_in_the_same_tab_and_the_marks_follow(site):
    """Last in this module: it leaves the exercise page (Material's instant navigation, no reload)."""
    page, pages, manifest = site["page"], site["pages"], site["manifest"]
    order = [e["id"] for e in manifest["exercises"] if e["page"]]
    following = order[order.index(EXERCISE) + 1]
    page.evaluate("window.__w2_same_document = true")
    page.locator(f"{WIDGET} [data-role=next] a").click()
    page.wait_for_function("(id) => document.querySelector(`.exercise[data-exercise='${id}'] [data-role=status]`)"
                           "?.dataset.state === 'ready'", arg=following, timeout=LOAD_MS)
    assert page.evaluate("window.__w2_same_document") is True  # instant navigation: the tab's Python was kept
    assert page.evaluate("document.activeElement.matches('.md-content article h1')")  # the keyboard starts there
    nav_state(page, pages[EXERCISE], "done")  # the marks are re-drawn on the new page's navigation
