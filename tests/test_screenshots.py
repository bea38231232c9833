"""The first screen of every chapter, on a desktop and on a 390 px phone: rendered, Chinese font, no overflow.

Screenshots go to tests/artifacts/chapters/ (git-ignored) so a person can look at them after a test run.
"""

from __future__ import annotations

import pytest
from browser_util import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, foreign_requests, serve
from course import projects

# The home page, every 项目 of the nav (tests/course.py) and the course's other sections.
CHAPTERS = {
    "intro": "",
    **{project.folder: f"{project.folder}/" for project in projects()},
    "data-dictionary": "data-dictionary/",
    "glossary": "glossary/",
    "progress": "progress/",
    "teacher": "teacher/",
}
VIEWPORTS = {"desktop": (1280, 900), "phone": (390, 844)}

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def shots(site_dir):
    """Visit every chapter at both sizes once; return measurements per (chapter, viewport)."""
    from playwright.sync_api import sync_playwright

    out = ARTIFACTS / "chapters"
    out.mkdir(parents=True, exist_ok=True)
    results = {}
    with serve(site_dir) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for view, (width, height) in VIEWPORTS.items():
                context = browser.new_context(viewport={"width": width, "height": height})
                page = context.new_page()
                requests: list[str] = []
                errors: list[str] = []
                page.on("request", lambda r, requests=requests: requests.append(r.url))
                page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
                for name, rel in CHAPTERS.items():
                    page.goto(base + rel, wait_until="load")
                    page.wait_for_timeout(300)
                    page.screenshot(path=str(out / f"{name}-{view}.png"))
                    results[(name, view)] = page.evaluate(
                        """() => ({
                            title: document.querySelector('article h1')?.textContent || '',
                            overflow: document.documentElement.scrollWidth - window.innerWidth,
                            cjk: document.fonts.check('16px "Noto Sans CJK SC"', '客户'),
                            family: getComputedStyle(document.querySelector('article')).fontFamily,
                        })"""
                    )
                results[("requests", view)] = foreign_requests(requests, base)
                results[("errors", view)] = errors
                context.close()
        finally:
            browser.close()
    return results


@pytest.mark.parametrize("view", VIEWPORTS)
@pytest.mark.parametrize("name", CHAPTERS)
def test_first_screen_renders(shots, name, view):
    measured = shots[(name, view)]
    assert measured["title"].strip(), f"{name}: page has no heading"
    assert measured["overflow"] <= 1, f"{name} at {view}: page is {measured['overflow']} px wider than the screen"
    assert "Noto Sans CJK SC" in measured["family"] and measured["cjk"], measured


@pytest.mark.parametrize("view", VIEWPORTS)
def test_no_foreign_requests_or_script_errors(shots, view):
    assert shots[("requests", view)] == []
    assert shots[("errors", view)] == []
