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
def session(site_dir):
    from playwright.sync_api import sync_playwright

    manifest = json.loads((site_dir / "assets/courseware/py/manifest.json").read_text(encoding="utf-8"))
    pages = {entry["id"]: entry["page"] for entry in manifest["exercises"]}
    with serve(site_dir) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        requests: list[str] = []
        context.on("request", lambda r: requests.append(r.url))
        yield base, context, pages, requests
        context.close()
        browser.close()


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

    with page.expect_download() as info:
        widget.locator("[data-action=download]").click()
    download = info.value
    graded = grade_bytes(load_spec(EXERCISES / exercise), download.suggested_filename,
                         Path(download.path()).read_bytes(), None)
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
