"""Every Mermaid diagram of the course carries a text alternative (WCAG 1.1.1): Mermaid's ``accTitle`` and
``accDescr`` become the SVG's <title> and <desc>, which a screen reader reads instead of the boxes and arrows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_util import CHROMIUM, CHROMIUM_ARGS, serve

DOCS = Path(__file__).resolve().parent.parent / "docs"
BLOCK = re.compile(r"^```mermaid\n(.*?)^```", re.DOTALL | re.MULTILINE)


def test_every_diagram_has_a_title_and_a_description():
    blocks = [(path, m.group(1)) for path in sorted(DOCS.rglob("*.md"))
              for m in BLOCK.finditer(path.read_text(encoding="utf-8"))]
    assert len(blocks) >= 30, "the course's diagrams are found"
    missing = [str(path.relative_to(DOCS)) for path, body in blocks
               if not re.search(r"^\s*accTitle:\s*\S", body, re.MULTILINE)
               or not re.search(r"^\s*accDescr(:\s*\S|\s*\{)", body, re.MULTILINE)]
    assert not missing, f"图没有 accTitle / accDescr：{missing}"


MIN_LABEL_PX = 8.0
"""A diagram's 16 px labels may shrink to this on a 390 px phone (Material scales each SVG to the column)."""

MEASURE_LABELS = """() => [...document.querySelectorAll('.mermaid')].map((host) => {
  const svg = host.shadowRoot && host.shadowRoot.querySelector('svg');
  if (!svg) return null;
  const box = svg.viewBox.baseVal;
  return box && box.width ? 16 * svg.getBoundingClientRect().width / box.width : null;
})"""
OPEN_SHADOWS = """(() => { const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) { return attach.call(this, { ...init, mode: 'open' }); }; })()"""


def _diagram_pages() -> list[str]:
    pages = []
    for path in sorted(DOCS.rglob("*.md")):
        if BLOCK.search(path.read_text(encoding="utf-8")):
            rel = path.relative_to(DOCS).with_suffix("").as_posix()
            pages.append(rel[: -len("index")] if rel.endswith("index") else rel + "/")
    return pages


@pytest.mark.browser
@pytest.mark.slow
def test_diagram_labels_stay_readable_on_a_phone(site_dir):
    """At 390 px a long left-to-right chain shrank its labels to 4 px; such chains are drawn top to bottom."""
    from playwright.sync_api import sync_playwright

    pages = _diagram_pages()
    small = []
    with serve(site_dir) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        context.add_init_script(OPEN_SHADOWS)  # Material renders each diagram into a closed shadow root
        context.route("**/assets/courseware/worker.js", lambda route: route.abort())  # no Python needed here
        page = context.new_page()
        for path in pages:
            page.goto(base + path)
            page.wait_for_function("() => [...document.querySelectorAll('.mermaid')].every("
                                   "(d) => d.shadowRoot && d.shadowRoot.querySelector('svg'))", timeout=30_000)
            sizes = page.evaluate(MEASURE_LABELS)
            assert sizes and all(s is not None for s in sizes), f"{path}: a diagram was not drawn"
            small += [f"{path} 第 {i + 1} 张图：{s:.1f} px" for i, s in enumerate(sizes) if s < MIN_LABEL_PX]
        browser.close()
    assert len(pages) >= 20, "the pages with diagrams are found"
    assert not small, "手机上图里的字太小（改成从上到下画）：\n" + "\n".join(small)
