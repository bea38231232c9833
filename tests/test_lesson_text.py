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


# Wordings the rule book (issue 11) replaced; none may come back in anything a student or teacher reads.
RETIRED = {
    r"二八定律": "说“二八法则”，并说明二八法则是经验规律，不是定律",
    r"客单价\s*[=＝]\s*成交金额\s*÷\s*成交订单数": "一位客户的成交金额 ÷ 成交订单数叫笔单价；客单价 = 成交金额 ÷ 成交客户数",
    r"老客数": "按月统计的是“复购客户数”（此前月份已有成交的客户）",
    r"普遍(会)?(拒发|拒绝)": "只说有据可查的平台（例如华为云短信不允许催款类内容）",
    r"(通知|订单通知)[^。\n]{0,12}可以不带退订": "统一说法：通知类短信不带退订",
    r"超过\s*180\s*天(没有|未)成交": "本课程约定沉睡客户是最近一次成交距 2026-02-01 超过 60 天",
    r"和淘宝卖家中心[^。\n]{0,20}(一致|相同)": "“满足其一”是本课程约定，不要说成淘宝卖家中心的做法",
}


def reader_files() -> list:
    root = DOCS.parent
    return sorted([*DOCS.rglob("*.md"), *DOCS.rglob("*.yml"), *(root / "exercises").glob("*/instructions.md"),
                   root / "includes" / "abbreviations.md"])


def test_retired_wordings_do_not_come_back():
    root = DOCS.parent
    found = []
    for path in reader_files():
        body = path.read_text(encoding="utf-8")
        for pattern, fix in RETIRED.items():
            for match in re.finditer(pattern, body):
                found.append(f"{path.relative_to(root).as_posix()}：“{match.group(0)}”——{fix}")
    assert not found, "规则手册已统一的说法又出现了旧写法：\n" + "\n".join(found)
