"""Quiz feature: validation of quiz files, rendered HTML (golden), and failures through a real MkDocs build."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort
from quiz_site import GOOD_QUIZ, build_project, write_project

from courseware.quiz import QuizError, load_quiz, render_quiz

GOLDENS = Path(__file__).parent / "goldens" / "quiz"
UPDATE = os.environ.get("UPDATE_GOLDENS") == "1"


def write_quiz(tmp_path: Path, text: str, quiz_id: str = "demo") -> Path:
    path = tmp_path / f"{quiz_id}.yml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_good_quiz_is_parsed_into_letters(tmp_path):
    quiz = load_quiz(write_quiz(tmp_path, GOOD_QUIZ), "docs/quizzes/demo.yml")
    assert quiz.title == "自测：订单与成交"
    assert [q.kind for q in quiz.questions] == ["single", "multiple", "truefalse"]
    assert [q.answer for q in quiz.questions] == [("B",), ("A", "B", "D"), ("B",)]
    assert quiz.questions[2].options == ("对", "错")


def test_rendered_html_matches_golden(tmp_path):
    html = render_quiz(load_quiz(write_quiz(tmp_path, GOOD_QUIZ), "docs/quizzes/demo.yml"))
    assert "\n\n" not in html  # a blank line would end the raw HTML block in Markdown
    golden = GOLDENS / "demo.html"
    if UPDATE:
        golden.write_text(html + "\n", encoding="utf-8")
    assert html + "\n" == golden.read_text(encoding="utf-8")


BAD = {
    "unknown type": ("""\
        questions:
          - type: essay
            question: 写一段话
            answer: A
            explanation: 无
        """, ["第 1 题", "type", "single"]),
    "answer letter out of range": ("""\
        questions:
          - type: single
            question: 选一个
            options: [甲, 乙]
            answer: A
            explanation: 好
          - type: single
            question: 再选一个
            options: [甲, 乙, 丙]
            answer: D
            explanation: 好
        """, ["第 2 题", "'D'", "A–C"]),
    "multiple with one answer": ("""\
        questions:
          - type: multiple
            question: 选几个
            options: [甲, 乙, 丙]
            answer: [B]
            explanation: 好
        """, ["第 1 题", "type: single"]),
    "truefalse with options": ("""\
        questions:
          - type: truefalse
            question: 对吗
            options: [对, 错]
            answer: true
            explanation: 对
        """, ["第 1 题", "不写 options"]),
    "truefalse bad answer": ("""\
        questions:
          - type: truefalse
            question: 对吗
            answer: 也许
            explanation: 对
        """, ["第 1 题", "true 或 false"]),
    "missing explanation": ("""\
        questions:
          - type: single
            question: 选一个
            options: [甲, 乙]
            answer: A
        """, ["第 1 题", "explanation"]),
    "typo in key": ("""\
        questions:
          - type: single
            question: 选一个
            option: [甲, 乙]
            answer: A
            explanation: 好
        """, ["第 1 题", "未知的字段 option"]),
    "duplicate options": ("""\
        questions:
          - type: single
            question: 选一个
            options: [甲, 甲]
            answer: A
            explanation: 好
        """, ["第 1 题", "完全相同"]),
    "no questions": ("title: 空\n", ["questions"]),
    "not yaml": ("questions: [\n  - : :\n", ["不是有效的 YAML"]),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_quiz_names_file_and_question(tmp_path, case):
    text, fragments = BAD[case]
    with pytest.raises(QuizError) as err:
        load_quiz(write_quiz(tmp_path, text), "docs/quizzes/demo.yml")
    message = str(err.value)
    assert "docs/quizzes/demo.yml" in message
    for fragment in fragments:
        assert fragment in message
    assert "Traceback" not in message


# --- through the real MkDocs lifecycle -------------------------------------------------------------


def test_site_build_renders_quiz(tmp_path):
    config = write_project(tmp_path, {"index.md": "# 首页\n\n正文。\n\n::quiz{id=\"demo\"}\n"}, {"demo": GOOD_QUIZ})
    site = build_project(config)
    page = (site / "index.html").read_text(encoding="utf-8")
    assert 'data-quiz="demo"' in page
    assert page.count('class="quiz__q"') == 3
    assert "<strong>交易成功</strong>" in page  # explanations are Markdown
    manifest = json.loads((site / "assets" / "quizzes.json").read_text(encoding="utf-8"))
    assert manifest == {"quizzes": [{"id": "demo", "title": "自测：订单与成交", "page": "", "total": 3}]}


def test_quiz_manifest_lists_quizzes_with_page_urls(tmp_path):
    pages = {
        "index.md": "# 首页\n",
        "p1/a-last.md": "# 二\n\n::quiz{id=\"two\"}\n",
        "p1/b-first.md": "# 一\n\n::quiz{id=\"one\"}\n",
    }
    config = write_project(tmp_path, pages, {"one": GOOD_QUIZ, "two": GOOD_QUIZ.replace("自测：订单与成交", "第二套")})
    with config.open("a", encoding="utf-8") as fh:  # nav order differs from file-name order
        fh.write("nav:\n  - index.md\n  - 项目一:\n      - 任务一: p1/b-first.md\n      - 任务二: p1/a-last.md\n")
    manifest = json.loads((build_project(config) / "assets" / "quizzes.json").read_text(encoding="utf-8"))
    assert [(q["id"], q["page"], q["title"]) for q in manifest["quizzes"]] == [
        ("one", "p1/b-first/", "自测：订单与成交"),
        ("two", "p1/a-last/", "第二套"),
    ]


def build_error(config: Path, caplog: pytest.LogCaptureFixture) -> str:
    """Build expecting failure; return the last error line MkDocs printed (our PluginError, no traceback)."""
    caplog.clear()
    with pytest.raises(Abort, match="BuildError"):
        build_project(config)
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert errors
    assert not any("Traceback" in e for e in errors)
    return errors[-1]


def test_bad_quiz_fails_build_naming_page_and_question(tmp_path, caplog):
    bad = GOOD_QUIZ.replace("answer: [A, B, D]", "answer: [A, Z]")
    config = write_project(tmp_path, {"p1/task.md": "# 任务\n\n::quiz{id=\"demo\"}\n"}, {"demo": bad})
    message = build_error(config, caplog)
    assert "docs/p1/task.md" in message
    assert "docs/quizzes/demo.yml" in message
    assert "第 2 题" in message


def test_missing_quiz_file_fails_build(tmp_path, caplog):
    config = write_project(tmp_path, {"index.md": "# 首页\n\n::quiz{id=\"nope\"}\n"}, {})
    message = build_error(config, caplog)
    assert message.startswith("页面 docs/index.md：找不到测验文件 docs/quizzes/nope.yml")


def test_same_quiz_on_two_pages_fails_build(tmp_path, caplog):
    pages = {"a.md": "# A\n\n::quiz{id=\"demo\"}\n", "b.md": "# B\n\n::quiz{id=\"demo\"}\n"}
    config = write_project(tmp_path, pages, {"demo": GOOD_QUIZ})
    assert "页面 docs/b.md：测验 demo 已在 docs/a.md 使用过" in build_error(config, caplog)


def test_unused_broken_quiz_still_fails_build(tmp_path, caplog):
    config = write_project(tmp_path, {"index.md": "# 首页\n"}, {"spare": "questions: []\n"})
    assert "docs/quizzes/spare.yml" in build_error(config, caplog)
