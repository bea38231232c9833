"""Helpers for quiz tests: write a tiny MkDocs project that uses the real courseware plugin (built with
``widget_site.build_project``, re-exported here)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from widget_site import build_project

GOOD_QUIZ = textwrap.dedent(
    """\
    title: 自测：订单与成交
    questions:
      - type: single
        question: 哪种订单状态才算“成交”？
        options: [等待买家付款, 交易成功, 交易关闭]
        answer: B
        explanation: 只有**交易成功**的订单才计入成交。
      - type: multiple
        question: 下列哪些字段属于个人信息？
        options: [收货人姓名, 联系手机, 宝贝标题, 收货地址]
        answer: [A, B, D]
        explanation: 姓名、手机号和地址都能识别到具体的人。
      - type: truefalse
        question: 短信签名可以放在正文末尾。
        answer: false
        explanation: 本课程约定签名放在短信开头，并用【】括起来。
    """
)


def write_project(root: Path, pages: dict[str, str], quizzes: dict[str, str], web_dir: Path | None = None) -> Path:
    """Create ``root/mkdocs.yml`` with the given pages (path -> Markdown) and quiz files (id -> YAML)."""
    docs = root / "docs"
    (docs / "quizzes").mkdir(parents=True, exist_ok=True)
    for rel, text in pages.items():
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_text(text, encoding="utf-8")
    for quiz_id, text in quizzes.items():
        (docs / "quizzes" / f"{quiz_id}.yml").write_text(text, encoding="utf-8")
    for name in ("pyodide", "exercises"):
        (root / name).mkdir(exist_ok=True)
    web = web_dir or root / "web"
    web.mkdir(exist_ok=True)
    (root / "mkdocs.yml").write_text(
        textwrap.dedent(
            f"""\
            site_name: 测验测试
            strict: true
            theme:
              name: material
              language: zh
              font: false
            plugins:
              - courseware:
                  exercises_dir: exercises
                  pyodide_dir: pyodide
                  web_dir: {web}
            markdown_extensions:
              - admonition
              - md_in_html
            extra_css:
              - assets/courseware/courseware.css
            extra_javascript:
              - assets/courseware/courseware.js
            """
        ),
        encoding="utf-8",
    )
    return root / "mkdocs.yml"


__all__ = ["GOOD_QUIZ", "build_project", "write_project"]
