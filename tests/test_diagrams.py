"""Every Mermaid diagram of the course carries a text alternative (WCAG 1.1.1): Mermaid's ``accTitle`` and
``accDescr`` become the SVG's <title> and <desc>, which a screen reader reads instead of the boxes and arrows."""

from __future__ import annotations

import re
from pathlib import Path

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
