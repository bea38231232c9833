"""axe-core (npm ``axe-core``, pinned in package.json) on five kinds of page, in real Chromium: no serious or
critical violation, in the light and the dark colour scheme.

``@axe-core/playwright`` is a Node wrapper around the same ``axe.min.js``; the browser tests here drive Chromium
from Python, so the script is injected directly and ``axe.run`` is called in the page.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_util import CHROMIUM, CHROMIUM_ARGS, serve
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PAGES = {
    "首页": "",
    "带练习的任务页": "p4-analysis/classify/",
    "自测题页": "p1-archive/archive-design/",
    "我的进度": "progress/",
    "数据字典": "data-dictionary/",
}
BLOCKING = ("serious", "critical")
SCHEMES = ("default", "slate")


@pytest.fixture(scope="module")
def audit(site_dir):
    """Runs axe on every page in both schemes once; returns {(page, scheme): [violation, …]}."""
    assert AXE.is_file(), "node_modules/axe-core 不存在：请运行 make setup（npm ci）。"
    found = {}
    with serve(site_dir) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        for name, rel in PAGES.items():
            page.goto(base + rel)
            page.wait_for_function("() => window.courseware && window.courseware.ready", timeout=180_000)
            page.evaluate("() => window.courseware.ready.catch(() => null)")
            page.add_script_tag(path=str(AXE))
            # Switching the scheme animates colours; axe must see the final ones, not a frame of the transition.
            page.add_style_tag(content="*, *::before, *::after { transition: none !important; animation: none !important; }")
            for scheme in SCHEMES:
                page.evaluate("s => document.body.setAttribute('data-md-color-scheme', s)", scheme)
                result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
                found[(name, scheme)] = result["violations"]
        # The same pipeline must catch a real mistake: a button without any name is a critical violation.
        page.evaluate("() => document.querySelector('article').append(document.createElement('button'))")
        result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        found[("planted", "default")] = result["violations"]
        browser.close()
    return found


def describe(violations) -> str:
    lines = []
    for v in violations:
        targets = "; ".join(" ".join(n["target"]) for n in v["nodes"][:4])
        lines.append(f"{v['impact']} {v['id']}（{len(v['nodes'])} 处）：{v['help']} — {targets}")
    return "\n".join(lines)


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("name", PAGES)
def test_no_serious_or_critical_violation(audit, name, scheme):
    blocking = [v for v in audit[(name, scheme)] if v["impact"] in BLOCKING]
    assert not blocking, f"{name}（{scheme}）：\n" + describe(blocking)


def test_axe_catches_a_planted_violation(audit):
    assert any(v["id"] == "button-name" and v["impact"] == "critical" for v in audit[("planted", "default")])
