"""End-to-end: a real headless Chromium runs the exercise widget against a locally served build.

The site is built from the fixture exercise with the real plugin, the real web bundle and the lead's
Pyodide, and served by ``courseware.serve`` (with COOP/COEP, and ``--plain`` without). Every request
of the page and its worker is recorded; any host other than the local server fails the test.
Screenshots go to tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_util import CHROMIUM, CHROMIUM_ARGS, foreign_requests
from widget_site import EXERCISE_ID, EXERCISES, ROOT, build_project, bundle_web, write_project

from grader.engine import grade_bytes
from grader.spec import load_spec

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = ROOT / "tests" / "artifacts"
LOAD_TIMEOUT_MS = 240_000  # the shared test machine can be very slow; the benchmark measures speed
SOLUTION = (EXERCISES / EXERCISE_ID / "solution.py").read_text(encoding="utf-8")
LOOP = "import time\nprint('开始')\nwhile True:\n    pass\n"
SLEEP = "import time\ntime.sleep(600)\n"  # cannot end by itself within any wait of these tests
ASKS = "name = input('你的名字：')\nprint(name)\n"
STATUS = "[data-role=status]"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    if not (ROOT / "build" / "pyodide" / "pyodide.mjs").is_file():
        pytest.fail("build/pyodide 不存在：请先运行 make setup（准备 Pyodide）。")
    root = tmp_path_factory.mktemp("widget-site")
    web = bundle_web(root / "bundle")
    return build_project(write_project(root, web_dir=web))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(site: Path, *, plain: bool) -> Iterator[str]:
    port = free_port()
    args = [sys.executable, "-m", "courseware.serve", "--host", "127.0.0.1", "--port", str(port), str(site)]
    proc = subprocess.Popen([*args, "--plain"] if plain else args, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url, timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("courseware.serve did not start")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def isolated_url(site) -> Iterator[str]:
    yield from serve(site, plain=False)


@pytest.fixture(scope="module")
def plain_url(site) -> Iterator[str]:
    yield from serve(site, plain=True)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Recorder:
    """Every request of a browser context (page and workers) by URL."""

    def __init__(self, context) -> None:
        self.urls: list[str] = []
        self.errors: list[str] = []
        context.on("request", lambda req: self.urls.append(req.url))

    def watch(self, page) -> None:
        page.on("pageerror", lambda err: self.errors.append(str(err)))

    def assert_only(self, base_url: str) -> None:
        foreign = foreign_requests(self.urls, base_url)
        assert not foreign, f"requests to other hosts: {foreign[:5]}"
        assert not self.errors, self.errors


def new_page(browser, *, width: int = 1280, height: int = 900, service_workers: str = "allow"):
    context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True,
                                  service_workers=service_workers)
    recorder = Recorder(context)
    page = context.new_page()
    recorder.watch(page)
    return context, page, recorder


def state(page) -> str:
    return page.get_attribute(STATUS, "data-state")


def wait_ready(page) -> None:
    page.wait_for_function("window.courseware && window.courseware.ready.then(() => true)", timeout=LOAD_TIMEOUT_MS)
    page.wait_for_function(
        f"document.querySelector('{STATUS}').dataset.state === 'ready'", timeout=LOAD_TIMEOUT_MS
    )


def wait_done(page, timeout: int = LOAD_TIMEOUT_MS) -> str:
    page.wait_for_function(
        f"!['running', 'loading'].includes(document.querySelector('{STATUS}').dataset.state)", timeout=timeout
    )
    return state(page)


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.locator(".exercise").screenshot(path=str(ARTIFACTS / f"{name}.png"))


def set_code(page, code: str) -> None:
    page.evaluate("([id, code]) => window.courseware.setCode(id, code)", [EXERCISE_ID, code])


def get_code(page) -> str:
    return page.evaluate("id => window.courseware.getCode(id)", EXERCISE_ID)


def test_run_check_and_download_a_file_the_grader_accepts(browser, isolated_url):
    context, page, recorder = new_page(browser)
    page.goto(isolated_url)
    wait_ready(page)
    shot(page, "widget-ready-desktop")

    page.click("[data-action=run]")
    assert wait_done(page) == "ready"
    table = page.locator("[data-role=output] table.cw-df")
    assert table.count() == 1
    assert "买家会员名" in table.locator("thead").inner_text()
    assert "共 5 行" in page.inner_text("[data-role=output]")

    page.click("[data-action=check]")
    assert wait_done(page) == "failed"
    assert page.locator("[data-role=feedback] li.cw-check-failed").count() >= 1
    assert "提示" in page.inner_text("[data-role=feedback]")
    shot(page, "widget-failed-desktop")

    set_code(page, SOLUTION)
    page.click("[data-action=check]")
    assert wait_done(page) == "passed"
    assert page.locator("[data-role=feedback] li.cw-check-failed").count() == 0
    # A long result shows its first and last rows (web/src/display.py), not every row.
    assert page.locator("[data-role=output] table.cw-df tbody tr").count() < 50
    assert page.is_visible("[data-action=solution]")  # unlocked by passing
    shot(page, "widget-passed-desktop")

    page.evaluate("window.courseware.setStudent('2024007')")  # 下载提交文件 asks for the 学号 first
    assert wait_done(page) == "ready"
    with page.expect_download() as info:
        page.click("[data-action=download]")
    download = info.value
    data = Path(download.path()).read_bytes()
    spec = load_spec(EXERCISES / EXERCISE_ID)
    graded = grade_bytes(spec, download.suggested_filename, data, "2024007")
    assert graded.status == "graded", graded.error
    assert graded.score == graded.max_score > 0
    assert download.suggested_filename == f"2024007_{EXERCISE_ID}.csv"

    page.goto(isolated_url + "progress/")
    page.wait_for_selector(f"tr[data-exercise={EXERCISE_ID}][data-status=passed]")
    with page.expect_download() as info:
        page.click("[data-action=export]")
    exported = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    record = json.loads(exported["records"][f"courseware:v1:{EXERCISE_ID}"])
    assert record["passed"] is True
    assert record["code"] == SOLUTION

    assert any(u.endswith(".wasm") for u in recorder.urls)  # worker requests are recorded too
    assert any("courseware-py.zip" in u for u in recorder.urls)
    recorder.assert_only(isolated_url)
    context.close()


def wait_idle(page) -> None:
    """Until the worker has done its background work (grader, reference answers): a run then starts at once."""
    page.wait_for_function("window.courseware.runtime.idleDone !== null")
    page.evaluate("window.courseware.runtime.idleDone.then(() => window.courseware.runtime.send('timings'))")


def stop_running(page, code: str) -> None:
    set_code(page, code)
    page.click("[data-action=run]")
    page.wait_for_function(f"document.querySelector('{STATUS}').dataset.state === 'running'")
    time.sleep(1.0)
    page.click("[data-action=stop]")
    assert wait_done(page, timeout=30_000) == "ready"
    assert get_code(page) == code
    assert "停止" in page.inner_text("[data-role=output]")


def test_stop_with_interrupt_buffer_keeps_code_and_reload_restores_it(browser, isolated_url):
    context, page, recorder = new_page(browser)
    page.goto(isolated_url)
    wait_ready(page)
    assert page.evaluate("crossOriginIsolated") is True
    wait_idle(page)
    page.evaluate("window.__worker = window.courseware.runtime.current")
    for code in (LOOP, SLEEP):  # a busy loop and a sleep: both end on 停止, the same worker keeps running
        stop_running(page, code)
    # (a spare may have been loaded meanwhile on a slow machine, if a run lasted 4 s: it is not swapped in)
    assert page.evaluate("window.courseware.runtime.current === window.__worker")

    set_code(page, ASKS)  # input() has no keyboard in a worker: a Chinese message at once, not a hang
    page.click("[data-action=run]")
    assert wait_done(page) == "ready"
    assert "input()" in page.inner_text("[data-role=output]")
    assert "EOFError" not in page.inner_text("[data-role=output]")

    set_code(page, "result = 6 * 7\nprint('再次运行')")
    page.click("[data-action=run]")
    assert wait_done(page) == "ready"
    assert "再次运行" in page.inner_text("[data-role=output]")

    page.reload()
    wait_ready(page)
    assert get_code(page) == "result = 6 * 7\nprint('再次运行')"
    assert page.is_hidden("[data-role=notice]")

    # A saved record from an older version of the exercise is announced, and the code is kept.
    page.evaluate(f"""() => {{
        const key = 'courseware:v1:{EXERCISE_ID}';
        localStorage.setItem(key, JSON.stringify({{...JSON.parse(localStorage.getItem(key)), hash: 'old'}}));
    }}""")
    page.reload()
    page.wait_for_selector("[data-role=notice]", state="visible")
    assert "更新过" in page.inner_text("[data-role=notice]")
    assert get_code(page) == "result = 6 * 7\nprint('再次运行')"
    recorder.assert_only(isolated_url)
    context.close()


def test_replacement_worker_never_inherits_an_old_interrupt(browser, isolated_url):
    """Code stuck in C never sees the interrupt; the worker is then replaced. The new one has its own buffer."""
    context, page, recorder = new_page(browser)
    page.goto(isolated_url)
    wait_ready(page)
    page.evaluate("""async () => {
        const rt = window.courseware.runtime;
        rt.current.interrupt();          // an interrupt nobody consumed
        await rt.restart('test');        // the replacement starts while it is still set
    }""")
    wait_ready(page)
    assert page.evaluate("window.courseware.runtime.workersCreated") == 2
    set_code(page, "result = 6 * 7\nprint('新的运行环境')")
    page.click("[data-action=run]")
    assert wait_done(page) == "ready"
    assert "新的运行环境" in page.inner_text("[data-role=output]")
    recorder.assert_only(isolated_url)
    context.close()


def test_stop_on_plain_host_swaps_in_a_fresh_worker(browser, plain_url):
    # No service worker: a host where cross-origin isolation is impossible (it would add COOP/COEP otherwise).
    context, page, recorder = new_page(browser, service_workers="block")
    page.goto(plain_url)
    wait_ready(page)
    assert page.evaluate("crossOriginIsolated") is False
    # The spare worker loads after the first is ready; a student notices a hang only after some seconds.
    assert page.evaluate("window.courseware.runtime.spareReady") is True
    stop_running(page, SLEEP)
    set_code(page, "result = 6 * 7")
    page.click("[data-action=run]")
    assert wait_done(page) == "ready"
    assert "42" in page.inner_text("[data-role=output]")
    recorder.assert_only(plain_url)
    context.close()


def test_mobile_width_has_no_page_overflow_and_student_variant_passes(browser, isolated_url):
    context, page, recorder = new_page(browser, width=390, height=844)
    page.goto(isolated_url)
    wait_ready(page)
    shot(page, "widget-ready-390")
    page.fill(".exercise input[data-role=student]", "2024001")
    page.press(".exercise input[data-role=student]", "Enter")
    page.locator("body").click(position={"x": 5, "y": 5})  # blur → change event
    page.wait_for_function(f"document.querySelector('{STATUS}').dataset.state === 'loading'", timeout=10_000)
    assert wait_done(page) == "ready"
    assert page.evaluate("localStorage.getItem('courseware:v1:student')") == "2024001"

    page.click("[data-action=check]")
    assert wait_done(page) == "failed"
    shot(page, "widget-failed-390")
    set_code(page, SOLUTION)
    page.click("[data-action=check]")
    assert wait_done(page) == "passed"
    shot(page, "widget-passed-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click("[data-action=run]")  # after 检查 the output is collapsed under the feedback: show it again
    assert wait_done(page) == "ready"
    wrap = page.locator("[data-role=output] .cw-table-wrap").last
    sizes = wrap.evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert 0 < sizes[1] <= 390 and sizes[0] >= sizes[1], sizes  # the table scrolls inside its box
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    with page.expect_download() as info:
        page.click("[data-action=download]")
    download = info.value
    assert download.suggested_filename == f"2024001_{EXERCISE_ID}.csv"
    spec = load_spec(EXERCISES / EXERCISE_ID)
    graded = grade_bytes(spec, download.suggested_filename, Path(download.path()).read_bytes(), "2024001")
    assert graded.score == graded.max_score
    recorder.assert_only(isolated_url)
    context.close()


@pytest.fixture(scope="module")
def exam_url(tmp_path_factory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("widget-exam-site")
    web = bundle_web(root / "bundle")
    yield from serve(build_project(write_project(root, web_dir=web, solutions=False)), plain=False)


def test_exam_build_skips_reference_checks_and_says_so(browser, exam_url):
    context, page, recorder = new_page(browser)
    page.goto(exam_url)
    wait_ready(page)
    assert page.locator("[data-action=solution]").count() == 0
    assert "只在教师的评分程序中运行" in page.inner_text(".exercise")
    set_code(page, SOLUTION)
    page.click("[data-action=check]")
    assert wait_done(page) == "passed"
    skipped = page.locator("[data-role=feedback] li.cw-check-skipped")
    assert skipped.count() >= 1
    assert "不计分" in skipped.first.inner_text()
    assert "只在教师的评分程序中运行" in page.inner_text("[data-role=feedback]")
    shot(page, "widget-exam-passed-desktop")
    recorder.assert_only(exam_url)
    context.close()


def test_a_name_in_the_student_field_changes_nothing_and_says_what_to_type(browser, isolated_url):
    """The 学号 fields take only what the grader finds as a 学号 (the pattern courseware writes from
    grader.intake.identity): a name gets a line under the field, full-width digits are read as ASCII, and the
    form 下载提交文件 opens refuses a name too."""
    from courseware.student_field import STUDENT_ID_HELP

    context, page, recorder = new_page(browser, width=390, height=844)
    page.goto(isolated_url)
    wait_ready(page)
    field = page.locator(".exercise input[data-role=student]")
    field.hover()  # Material's tooltips take the field's title away now
    field.fill("张三")
    page.locator("body").click(position={"x": 5, "y": 5})  # blur → change event
    error = page.locator(".exercise .cw-student-error")
    assert error.inner_text() == STUDENT_ID_HELP and field.get_attribute("aria-invalid") == "true"
    assert page.evaluate("localStorage.getItem('courseware:v1:student')") is None
    assert state(page) == "ready"
    shot(page, "widget-student-name-390")

    field.fill("２０２４００１")  # typed with a Chinese input method
    page.locator("body").click(position={"x": 5, "y": 5})
    assert wait_done(page) == "ready"
    assert field.input_value() == "2024001" and error.is_hidden() and field.get_attribute("aria-invalid") is None
    assert page.evaluate("localStorage.getItem('courseware:v1:student')") == "2024001"

    page.evaluate("window.courseware.setStudent(null)")
    assert wait_done(page) == "ready"
    set_code(page, SOLUTION)
    page.click("[data-action=download]")
    form = page.locator("[data-role=ask-student-form]")
    form.locator("input").fill("zhangsan")
    form.locator("[data-action=confirm-student]").click()
    assert form.locator(".cw-student-error").inner_text() == STUDENT_ID_HELP
    assert page.evaluate("localStorage.getItem('courseware:v1:student')") is None
    form.locator("input").fill("S2024009")
    with page.expect_download() as info:
        form.locator("[data-action=confirm-student]").click()
    assert info.value.suggested_filename == f"S2024009_{EXERCISE_ID}.csv"

    page.goto(isolated_url + "progress/")  # 我的进度 has the same field, from ::student-field{}
    progress_field = page.locator(".cw-student-field input[data-role=student]")
    assert progress_field.input_value() == "S2024009"
    progress_field.fill("李四")
    page.locator("h1").click()
    assert page.locator(".cw-student-field .cw-student-error").inner_text() == STUDENT_ID_HELP
    assert page.evaluate("localStorage.getItem('courseware:v1:student')") == "S2024009"
    recorder.assert_only(isolated_url)
    context.close()


def test_a_click_while_the_data_is_made_waits_and_reset_can_be_undone_on_a_phone(browser, isolated_url):
    """Typing the 学号 and pressing 下载提交文件 at once: the field's change starts making that student's data and
    the press is done when it is ready (it used to be lost on a disabled button). 重置 has an 撤销重置 button
    (phones have no Ctrl+Z), and an empty result downloads with a warning."""
    context, page, recorder = new_page(browser, width=390, height=844)
    page.goto(isolated_url)
    page.wait_for_function(f"document.querySelector('{STATUS}').dataset.state === 'loading'")
    # 运行 pressed while Python is still starting (several steps): it runs once ready, without a second press
    pressed = page.evaluate(f"""() => {{ const state = document.querySelector('{STATUS}').dataset.state;
        document.querySelector('[data-action=run]').click();
        return [state, document.querySelector('{STATUS}').textContent]; }}""")
    assert pressed[0] == "loading" and pressed[1].endswith("（准备好后会自动运行）"), pressed
    page.wait_for_selector("[data-role=output] table.cw-df", timeout=LOAD_TIMEOUT_MS)
    wait_ready(page)
    set_code(page, SOLUTION)
    page.locator(".exercise input[data-role=student]").fill("2024003")
    with page.expect_download(timeout=LOAD_TIMEOUT_MS) as info:
        page.click("[data-action=download]")  # the field loses focus: its change comes first
    assert info.value.suggested_filename == f"2024003_{EXERCISE_ID}.csv"
    assert wait_done(page) == "ready" and "把它交给老师" in page.inner_text(STATUS)

    set_code(page, SOLUTION + "\nresult = result.iloc[0:0]\n")
    with page.expect_download() as info:
        page.click("[data-action=download]")
    assert wait_done(page) == "ready" and "注意：结果里还没有数据" in page.inner_text(STATUS)

    set_code(page, "x = 1\n")
    page.click("[data-action=reset]")
    assert get_code(page) != "x = 1\n"
    page.click("[data-action=undo-reset]")
    assert get_code(page) == "x = 1\n"
    shot(page, "widget-undo-reset-390")
    page.goto(isolated_url + "progress/")  # 我的进度's table fits the phone: 最近保存 is not cut off
    page.wait_for_selector(f"tr[data-exercise={EXERCISE_ID}]")
    widths = page.evaluate("[...document.querySelectorAll('.cw-progress-wrap')].map(w => [w.scrollWidth, w.clientWidth])")
    assert widths and all(scroll <= client for scroll, client in widths), widths
    recorder.assert_only(isolated_url)
    context.close()


def test_importing_an_older_progress_file_keeps_newer_work_and_a_pass(browser, isolated_url, tmp_path):
    """我的进度 → 导入进度 with an old export: the pass and the newer code of this browser stay; what the file has and
    this browser has not comes in; a newer file's code comes in without taking the pass away."""
    context, page, recorder = new_page(browser)
    page.goto(isolated_url)
    wait_ready(page)
    set_code(page, SOLUTION)
    page.click("[data-action=check]")
    assert wait_done(page) == "passed"
    key = f"courseware:v1:{EXERCISE_ID}"
    mine = json.loads(page.evaluate("k => localStorage.getItem(k)", key))
    page.goto(isolated_url + "progress/")
    page.wait_for_selector(f"tr[data-exercise={EXERCISE_ID}][data-status=passed]")

    def import_file(records: dict) -> str:
        path = tmp_path / f"进度{len(list(tmp_path.iterdir()))}.json"
        path.write_text(json.dumps({"format": "courseware-progress", "version": 1, "records": records}), "utf-8")
        page.locator("[data-role=import-file]").set_input_files(str(path))
        page.wait_for_function("document.querySelector('.cw-progress').textContent.includes('已导入')")
        return page.inner_text(".cw-progress")

    old = {**mine, "code": "# old\n", "passed": False, "best": 1, "attempts": 1, "ts": mine["ts"] - 86_400_000}
    quiz = {"answers": {"1": "A"}, "score": 1}
    text = import_file({key: json.dumps(old), "courseware:v1:quiz:p4-rfm": json.dumps(quiz)})
    assert "已导入 1 条记录" in text and "有 1 条这台电脑上的更新" in text
    kept = json.loads(page.evaluate("k => localStorage.getItem(k)", key))
    assert kept["code"] == SOLUTION and kept["passed"] is True
    assert json.loads(page.evaluate("localStorage.getItem('courseware:v1:quiz:p4-rfm')")) == quiz
    page.wait_for_selector(f"tr[data-exercise={EXERCISE_ID}][data-status=passed]")

    newer = {**mine, "code": "# newer\n", "passed": False, "best": 0, "ts": mine["ts"] + 60_000}
    import_file({key: json.dumps(newer)})
    merged = json.loads(page.evaluate("k => localStorage.getItem(k)", key))
    assert merged["code"] == "# newer\n" and merged["passed"] is True and merged["best"] == mine["best"]
    recorder.assert_only(isolated_url)
    context.close()
