"""The task pages of projects 1-3 follow the course's page structure and carry their quiz and exercises."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from courseware.quiz import load_quiz
from grader.spec import load_spec

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PROJECTS = ("p1-archive", "p2-sms", "p3-community")
TASK_PAGES = sorted(p for project in PROJECTS for p in (DOCS / project).glob("*.md") if p.name != "index.md")
SECTIONS = ("## 情境导入", "## 知识要点", "## 操作步骤", "## 小结", "## 自测题")
QUIZ_RE = re.compile(r'^::quiz\{id="([^"]+)"\}\s*$', re.MULTILINE)
EXERCISE_RE = re.compile(r'^::exercise\{id="([^"]+)"\}\s*$', re.MULTILINE)


def rel(page: Path) -> str:
    return page.relative_to(DOCS).as_posix()


def test_every_project_has_task_pages():
    assert {p.parent.name for p in TASK_PAGES} == set(PROJECTS)


@pytest.mark.parametrize("page", TASK_PAGES, ids=rel)
def test_task_page_has_sections_in_order(page):
    text = page.read_text(encoding="utf-8")
    positions = [text.find(heading + "\n") for heading in SECTIONS]
    assert -1 not in positions, f"{rel(page)} 缺少 {[h for h, p in zip(SECTIONS, positions, strict=True) if p < 0]}"
    assert positions == sorted(positions), f"{rel(page)} 的小节顺序不对"
    assert '!!! question "想一想"' in text or '!!! tip "友情提示"' in text


@pytest.mark.parametrize("page", TASK_PAGES, ids=rel)
def test_task_page_ends_with_one_valid_quiz(page):
    text = page.read_text(encoding="utf-8")
    ids = QUIZ_RE.findall(text)
    assert len(ids) == 1, f"{rel(page)} 应有且只有一个 ::quiz"
    assert text.rstrip().endswith(f'::quiz{{id="{ids[0]}"}}')
    quiz = load_quiz(DOCS / "quizzes" / f"{ids[0]}.yml", f"docs/quizzes/{ids[0]}.yml")
    assert len(quiz.questions) >= 4
    assert {q.kind for q in quiz.questions} >= {"single", "truefalse"}


EXPECTED_EXERCISES = {
    "p1-archive/archive-build.md": ["customer-archive"],
    "p1-archive/potential.md": ["potential-customers"],
    "p1-archive/tiers.md": ["tier-config", "tier-assign"],
    "p2-sms/templates.md": ["care-sms"],
    "p2-sms/plan.md": ["sms-plan"],
    "p3-community/groups.md": ["community-groups"],
}


@pytest.mark.parametrize("page", TASK_PAGES, ids=rel)
def test_exercises_are_embedded_where_their_spec_says(page):
    found = EXERCISE_RE.findall(page.read_text(encoding="utf-8"))
    assert found == EXPECTED_EXERCISES.get(rel(page), [])
    for exercise_id in found:
        folder = ROOT / "exercises" / exercise_id
        if not (folder / "spec.yml").is_file():
            pytest.fail(f"练习 {exercise_id} 还没有 exercises/{exercise_id}/spec.yml")
        assert load_spec(folder).chapter == rel(page)
