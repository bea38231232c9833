"""The lessons have textbook depth and one glossary.

Lesson text is counted in Chinese characters (U+4E00–U+9FFF) of a page, leaving out fenced code blocks (code and
mermaid diagrams), page directives (``::exercise{…}``, ``::quiz{…}``, ``::scenario{…}``) and HTML comments. The
项目 and their task pages come from the mkdocs.yml nav (tests/course.py), so a new 项目 or page is measured
without touching this file.
"""

from __future__ import annotations

import re

import pytest
from course import DOCS, projects, task_pages

TASK_PAGE_MIN = 1800
"""Every task page: at least this many characters of lesson text (about two printed pages)."""
ALL_PROJECTS_MIN = 55_000
"""All 项目 together (overview and task pages)."""

FENCE_RE = re.compile(r"^(?P<fence>```|~~~).*?^(?P=fence)[^\n]*$", re.MULTILINE | re.DOTALL)
DIRECTIVE_RE = re.compile(r"^::[a-z-]+\{[^}\n]*\}\s*$", re.MULTILINE)
COMMENT_RE = re.compile(r"<!--.*?-->", re.DOTALL)
HAN_RE = re.compile(r"[\u4e00-\u9fff]")
GLOSSARY_LINK_RE = re.compile(r"\]\((?:\.\./)*glossary\.md#([^)\s]+)\)")
ANCHOR_RE = re.compile(r"^#{2,6} .*\{#([^}\s]+)\}\s*$", re.MULTILINE)


def lesson_chars(markdown: str) -> int:
    """Chinese characters of the lesson text of one page."""
    for pattern in (FENCE_RE, DIRECTIVE_RE, COMMENT_RE):
        markdown = pattern.sub("", markdown)
    return len(HAN_RE.findall(markdown))


def page_chars(page: str) -> int:
    return lesson_chars((DOCS / page).read_text(encoding="utf-8"))


def test_counting_leaves_out_code_directives_and_comments():
    page = '# 标题\n\n正文四字\n\n```python\nprint("代码不算")\n```\n\n```mermaid\nflowchart LR\n  A[图也不算]\n```\n\n::quiz{id="x"}\n<!-- 注释不算 -->\n'
    assert lesson_chars(page) == 6


@pytest.mark.parametrize("page", task_pages())
def test_task_page_has_textbook_depth(page):
    count = page_chars(page)
    assert count >= TASK_PAGE_MIN, f"docs/{page} 只有 {count} 个汉字的正文，每个任务页面至少 {TASK_PAGE_MIN} 个"


def test_all_projects_together_have_textbook_depth():
    per_project = {p.title: sum(page_chars(page) for page in (p.index, *p.tasks)) for p in projects()}
    total = sum(per_project.values())
    table = "，".join(f"{title} {count}" for title, count in per_project.items())
    assert total >= ALL_PROJECTS_MIN, f"全部项目的正文共 {total} 个汉字，至少应有 {ALL_PROJECTS_MIN} 个（{table}）"


def test_glossary_links_point_to_defined_terms():
    anchors = set(ANCHOR_RE.findall((DOCS / "glossary.md").read_text(encoding="utf-8")))
    assert len(anchors) >= 30, "术语表的每个术语应是一个带 {#id} 的小标题"
    linked = 0
    for page in sorted(DOCS.rglob("*.md")):
        for anchor in GLOSSARY_LINK_RE.findall(page.read_text(encoding="utf-8")):
            linked += 1
            assert anchor in anchors, f"docs/{page.relative_to(DOCS).as_posix()} 链接到术语表里没有的术语 #{anchor}"
    assert linked >= 20, "课程页面应链接到术语表，而不是各自重新定义术语"


def test_new_topics_in_the_source_table_are_taught_where_it_says():
    # The seed rows are checked by test_content.py; this checks the rows of topics the course added.
    sources = DOCS / "teacher" / "sources.md"
    rows = 0
    for line in sources.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or re.match(r"^\d{3}", cells[0]) or not re.search(r"\]\(", cells[2]):
            continue
        rows += 1
        for link in re.findall(r"\]\(([^)]+)\)", cells[2]):
            page = (sources.parent / link.split("#")[0]).resolve()
            assert page.is_file(), f"对照表链接到不存在的页面 {link}"
            assert cells[3] in page.read_text(encoding="utf-8"), f"对照表说 {link} 讲“{cells[1]}”，但页面里找不到“{cells[3]}”"
    assert rows >= 10, "docs/teacher/sources.md 应有“课程新增的知识点”表"
