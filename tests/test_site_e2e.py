"""End to end on the real built site: an exercise page loads offline, checks, and hands in a file the grader accepts.

Runs against ``site/`` (built by ``make build``) served by the project's own server, in Debian's Chromium.
Three exercises cover the three submission kinds: a table (CSV), a tier config (YAML) and SMS templates.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from browser_util import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, foreign_requests, serve

from grader.engine import grade_bytes
from grader.spec import load_spec

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = ROOT / "exercises"
CASES = ("old-customers", "tier-config", "care-sms")
LOAD_MS = 120_000

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def chromium():
    """One Playwright and one Chromium for the module (Playwright's sync API allows one at a time)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def session(site_dir, chromium):
    manifest = json.loads((site_dir / "assets/courseware/py/manifest.json").read_text(encoding="utf-8"))
    pages = {entry["id"]: entry["page"] for entry in manifest["exercises"]}
    with serve(site_dir) as base:
        context = chromium.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        requests: list[str] = []
        context.on("request", lambda r: requests.append(r.url))
        yield base, context, pages, requests
        context.close()


def _state(widget) -> str:
    return widget.locator("[data-role=status]").get_attribute("data-state")


def _wait(page, exercise: str, states: tuple[str, ...]) -> str:
    page.wait_for_function(
        """([id, states]) => states.includes(
            document.querySelector(`.exercise[data-exercise="${id}"] [data-role=status]`)?.dataset.state)""",
        arg=[exercise, list(states)],
        timeout=LOAD_MS,
    )
    return _state(page.locator(f'.exercise[data-exercise="{exercise}"]'))


@pytest.mark.parametrize("exercise", CASES)
def test_exercise_page_checks_and_downloads_a_gradable_file(session, exercise):
    base, context, pages, requests = session
    assert pages.get(exercise), f"{exercise} is not embedded in any page"
    page = context.new_page()
    page.goto(base + pages[exercise])
    widget = page.locator(f'.exercise[data-exercise="{exercise}"]')
    assert _wait(page, exercise, ("ready", "error")) == "ready", widget.inner_text()[:500]

    widget.locator("[data-action=check]").click()
    assert _wait(page, exercise, ("passed", "failed", "error")) == "failed"  # the starter code

    solution = (EXERCISES / exercise / "solution.py").read_text(encoding="utf-8")
    page.evaluate("([id, code]) => window.courseware.setCode(id, code)", [exercise, solution])
    widget.locator("[data-action=check]").click()
    assert _wait(page, exercise, ("passed", "failed", "error")) == "passed", widget.inner_text()[-800:]
    ARTIFACTS.mkdir(exist_ok=True)
    widget.screenshot(path=str(ARTIFACTS / f"site-{exercise}-passed.png"))

    page.evaluate("window.courseware.setStudent('2024007')")  # 下载提交文件 asks for the 学号 first
    assert _wait(page, exercise, ("ready", "error")) == "ready"
    with page.expect_download() as info:
        widget.locator("[data-action=download]").click()
    download = info.value
    assert download.suggested_filename.startswith("2024007_")
    graded = grade_bytes(load_spec(EXERCISES / exercise), download.suggested_filename,
                         Path(download.path()).read_bytes(), "2024007")
    assert graded.status == "graded", graded.error
    assert graded.score == graded.max_score > 0
    page.close()
    assert foreign_requests(requests, base) == []


def test_printed_exercise_keeps_the_task_and_drops_the_controls(session):
    base, context, pages, _requests = session
    page = context.new_page()
    page.goto(base + pages["old-customers"], wait_until="load")
    page.emulate_media(media="print")
    widget = page.locator('.exercise[data-exercise="old-customers"]')
    assert widget.locator(".cw-instructions").is_visible()
    assert widget.locator(".cw-editor, .cw-fallback").first.is_visible()
    for hidden in (".cw-toolbar", "[data-role=status]", ".cw-output"):
        assert not widget.locator(hidden).is_visible(), hidden
    page.close()


# ---- one Python per tab: instant navigation keeps the worker; 停止 during time.sleep ----------------------------
FIRST, SECOND = ("old-customers", "community-groups")  # the second page also reads customers.csv
READS_CUSTOMERS = "import pandas as pd\nresult = pd.read_csv('data/customers.csv').head(3)\nprint('客户表', len(result))\n"
SLEEP = "import time\nprint('开始等待')\ntime.sleep(600)\n"


def _exercise_urls(site_dir: Path) -> dict[str, str]:
    manifest = json.loads((site_dir / "assets/courseware/py/manifest.json").read_text(encoding="utf-8"))
    return {entry["id"]: entry["page"] for entry in manifest["exercises"]}


@pytest.mark.parametrize("isolate", [True, False], ids=["course-server", "plain-static"])
def test_navigation_keeps_the_worker_and_stop_ends_a_sleep(site_dir, chromium, isolate):
    pages = _exercise_urls(site_dir)
    with serve(site_dir, isolate=isolate) as base:
        browser = chromium
        # The service worker would add COOP/COEP on the plain host; blocked here to test a host without isolation.
        context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
        requests: list[str] = []
        context.on("request", lambda r: requests.append(r.url))
        page = context.new_page()
        workers: list[str] = []
        page.on("worker", lambda w: workers.append(w.url))
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(base + pages[FIRST])
        assert _wait(page, FIRST, ("ready", "error")) == "ready"
        assert page.evaluate("crossOriginIsolated") is isolate
        if not isolate:  # the spare worker (plain hosts only) must not count as a worker of the second page
            assert page.evaluate("window.courseware.runtime.spareReady") is True
        page.evaluate("window.courseware.runtime.current.marker = 'first page'")
        python_workers = [u for u in workers if u.endswith("/assets/courseware/worker.js")]

        link = page.locator(f"nav.md-nav a.md-nav__link[href$='{pages[SECOND]}']").first
        link.click()
        page.wait_for_url(f"**/{pages[SECOND]}")
        assert _wait(page, SECOND, ("ready", "error")) == "ready"
        page.evaluate("window.courseware.ready")
        # Same document, same runtime, same worker: no new Pyodide for the second page.
        assert page.evaluate("window.courseware.runtime.current.marker") == "first page"
        assert [u for u in workers if u.endswith("/assets/courseware/worker.js")] == python_workers
        assert page.locator(f'.exercise[data-exercise="{FIRST}"]').count() == 0

        widget = page.locator(f'.exercise[data-exercise="{SECOND}"]')
        page.evaluate("([id, code]) => window.courseware.setCode(id, code)", [SECOND, READS_CUSTOMERS])
        widget.locator("[data-action=run]").click()
        assert _wait(page, SECOND, ("ready", "error", "failed", "passed")) == "ready"
        assert "客户表 3" in widget.locator("[data-role=output]").inner_text()

        # Background work (tables, grader, reference answers, bytecode cache) done: the sleep really runs.
        page.evaluate("window.courseware.runtime.idleDone.then(() => window.courseware.runtime.send('timings'))")
        page.evaluate("([id, code]) => window.courseware.setCode(id, code)", [SECOND, SLEEP])
        widget.locator("[data-action=run]").click()
        _wait(page, SECOND, ("running",))
        page.wait_for_timeout(500)
        widget.locator("[data-action=stop]").click()
        # time.sleep(600) cannot end by itself within this wait: only 停止 gets the widget back.
        assert _wait(page, SECOND, ("ready",)) == "ready"
        assert "停止" in widget.inner_text()
        assert page.evaluate("id => window.courseware.getCode(id)", SECOND) == SLEEP
        # The next run works: no interrupt left over for it (nor for a replacement worker on the plain host).
        page.evaluate("([id, code]) => window.courseware.setCode(id, code)", [SECOND, READS_CUSTOMERS])
        widget.locator("[data-action=run]").click()
        assert _wait(page, SECOND, ("ready", "error", "failed", "passed")) == "ready"
        assert "客户表 3" in widget.locator("[data-role=output]").inner_text()
        ARTIFACTS.mkdir(exist_ok=True)
        widget.screenshot(path=str(ARTIFACTS / f"site-after-stop-{'isolated' if isolate else 'plain'}.png"))
        assert not errors, errors
        assert foreign_requests(requests, base) == []
        context.close()
