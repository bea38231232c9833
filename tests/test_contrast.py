"""Text contrast ≥ 4.5:1 (WCAG AA) on buttons, badges and links, in the light and the dark scheme.

Measured in real Chromium on the built site: for every visible element of those kinds, the computed text
colour is composited over the first opaque background behind it (walking up the ancestors), and the WCAG
contrast ratio is computed from both. Disabled controls are exempt (WCAG 1.4.3).
Runs on the site of ``COURSEWARE_SITE`` (default ``site/``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from browser_util import CHROMIUM, CHROMIUM_ARGS, serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EXERCISES = Path(__file__).resolve().parent.parent / "exercises"

MIN_RATIO = 4.5
SELECTORS = [
    ".md-content a[href]", ".md-nav--primary a.md-nav__link", ".md-header__title", ".md-content button",
    ".md-button", ".cw-badge", ".exercise .cw-toolbar button", ".cw-check-more summary", ".cw-check-hint",
    ".cw-check-name", ".cw-check-points", ".exercise [data-role=status]", ".quiz__verdict",
]
QUIZ_PAGE = "p1-archive/archive-build/"
"""A page with a quiz: it is answered (every first option) so that right and wrong verdicts show."""

MEASURE = """(selectors) => {
  const parse = (c) => {
    const m = c.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return [0, 0, 0, 0];
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, bottom) => {
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat([1]);
  };
  const background = (el) => {
    const layers = [];
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const bg = parse(getComputedStyle(node).backgroundColor);
      if (bg[3] > 0) layers.push(bg);
      if (bg[3] >= 1) break;
    }
    let color = [255, 255, 255, 1];
    if (!layers.length || layers[layers.length - 1][3] < 1) color = parse(getComputedStyle(document.body).backgroundColor);
    for (const layer of layers.reverse()) color = over(layer, color);
    return color;
  };
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  };
  const out = [];
  for (const sel of selectors) {
    for (const el of document.querySelectorAll(sel)) {
      const rect = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (!rect.width || !rect.height || style.visibility === "hidden" || el.disabled || !el.textContent.trim()) continue;
      if (el.closest("[hidden], .md-search, .md-sidebar--secondary") || Number(style.opacity) < 1) continue;
      const bg = background(el);
      const fg = over(parse(style.color), bg);
      const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
      out.push({ sel, text: el.textContent.trim().slice(0, 30), ratio: (hi + 0.05) / (lo + 0.05), fg: style.color,
                 bg: `rgb(${bg.slice(0, 3).map(Math.round).join(",")})` });
    }
  }
  return out;
}"""


@pytest.fixture(scope="module")
def browser_page(site_dir):
    from playwright.sync_api import sync_playwright

    manifest = json.loads((site_dir / "assets/courseware/py/manifest.json").read_text(encoding="utf-8"))
    with serve(site_dir) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        yield base, page, manifest
        browser.close()


@pytest.mark.parametrize("where", ["home", "exercise", "progress", "quiz"])
def test_text_contrast_in_both_schemes(browser_page, where):
    base, page, manifest = browser_page
    path = {"home": "", "progress": "progress/", "exercise": manifest["exercises"][0]["page"], "quiz": QUIZ_PAGE}[where]
    page.goto(base + path)
    if where == "quiz":
        quiz = page.locator(".quiz").first
        for question in quiz.locator(".quiz__q").all():
            question.locator("label").first.click()
        quiz.locator('[data-action="submit"]').click()
        page.wait_for_selector(".quiz__q[data-state=wrong] .quiz__verdict")
    if where == "exercise":  # 运行/检查 enabled, and a failed check's detail lines, toggles and hints shown
        page.wait_for_function("document.querySelector('.exercise [data-role=status]').dataset.state === 'ready'",
                               timeout=240_000)
        exercise = manifest["exercises"][0]["id"]
        wrong = sorted((EXERCISES / exercise / "wrong").glob("*.py"))[0].read_text(encoding="utf-8")
        page.evaluate("([id, code]) => window.courseware.setCode(id, code)", [exercise, wrong])
        page.locator(".exercise [data-action=check]").first.click()
        page.wait_for_function("document.querySelector('.exercise [data-role=status]').dataset.state === 'failed'",
                               timeout=240_000)
    page.add_style_tag(content="*, *::before, *::after { transition: none !important; }")  # colours settle at once
    bad = []
    for scheme in ("default", "slate"):
        page.evaluate("(s) => document.body.setAttribute('data-md-color-scheme', s)", scheme)
        measured = page.evaluate(MEASURE, SELECTORS)
        kinds = {m["sel"] for m in measured}
        assert ".md-content a[href]" in kinds and ".md-nav--primary a.md-nav__link" in kinds
        if where == "exercise":
            assert {".cw-badge", ".exercise .cw-toolbar button", ".cw-check-hint", ".cw-check-points"} <= kinds
        if where == "quiz":
            assert ".quiz__verdict" in kinds
        bad += [{**m, "scheme": scheme} for m in measured if m["ratio"] < MIN_RATIO]
    assert not bad, "\n".join(
        f"{m['scheme']}: {m['ratio']:.2f} {m['sel']} “{m['text']}” {m['fg']} on {m['bg']}" for m in bad[:20])
