"""axe-core (npm ``axe-core``, pinned in package.json) on six kinds of page (the grading page with results: test_grading_browser), in real Chromium: no serious or
critical violation, in the light and the dark colour scheme.

``@axe-core/playwright`` is a Node wrapper around the same ``axe.min.js``; the browser tests here drive Chromium
from Python, so the script is injected directly and ``axe.run`` is called in the page.
"""

from __future__ import annotations

import pytest
from browser_util import (
    AXE_BLOCKING,
    AXE_SCHEMES,
    CHROMIUM,
    CHROMIUM_ARGS,
    axe_violations,
    describe_violations,
    serve,
)
from playwright.sync_api import sync_playwright

PAGES = {
    "首页": "",
    "带练习的任务页": "p4-analysis/classify/",
    "自测题页": "p1-archive/archive-design/",
    "我的进度": "progress/",
    "数据字典": "data-dictionary/",
    "教师批改页": "teacher/grade/",
}


@pytest.fixture(scope="module")
def audit(site_dir):
    """Runs axe on every page in both schemes once; returns {(page, scheme): [violation, …]}."""
    found = {}
    with serve(site_dir) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        for name, rel in PAGES.items():
            page.goto(base + rel)
            page.wait_for_function("() => window.courseware && window.courseware.ready", timeout=180_000)
            page.evaluate("() => window.courseware.ready.catch(() => null)")
            for scheme, violations in axe_violations(page).items():
                found[(name, scheme)] = violations
        # The same pipeline must catch a real mistake: a button without any name is a critical violation.
        page.evaluate("() => document.querySelector('article').append(document.createElement('button'))")
        result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        found[("planted", "default")] = result["violations"]
        browser.close()
    return found


@pytest.mark.parametrize("scheme", AXE_SCHEMES)
@pytest.mark.parametrize("name", PAGES)
def test_no_serious_or_critical_violation(audit, name, scheme):
    blocking = [v for v in audit[(name, scheme)] if v["impact"] in AXE_BLOCKING]
    assert not blocking, f"{name}（{scheme}）：\n" + describe_violations(blocking)


def test_axe_catches_a_planted_violation(audit):
    assert any(v["id"] == "button-name" and v["impact"] == "critical" for v in audit[("planted", "default")])


FIELDS = {  # page → a field reached by keyboard (Material resets the outline of inputs)
    "p1-archive/archive-design/": ".quiz input[type=radio]",
    "progress/": ".cw-student-field input[data-role=student]",
    "p4-analysis/classify/": ".exercise input[data-role=student]",
}


def test_a_focused_field_shows_where_the_keyboard_is(site_dir):
    """Tab onto a quiz option or a 学号 field: the field draws a visible outline (WCAG 2.4.7)."""
    with serve(site_dir) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        for rel, selector in FIELDS.items():
            page.goto(base + rel)
            field = page.locator(selector).first
            page.keyboard.press("Shift")  # the last input was a key: a focus now is keyboard focus (:focus-visible)
            field.focus()
            outline = field.evaluate("(el) => [el.matches(':focus-visible'), getComputedStyle(el).outlineStyle,"
                                     " parseFloat(getComputedStyle(el).outlineWidth)]")
            assert outline[0] and outline[1] != "none" and outline[2] >= 2, (rel, outline)
        browser.close()
