"""Helpers for widget and browser tests: a tiny MkDocs project with the fixture exercise, built for real."""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXERCISES = FIXTURES / "web-exercises"
EXERCISE_ID = "fixture-buyers"

PAGE = textwrap.dedent(
    """\
    # 练习页

    先读一段说明文字。这一段在运行环境准备好之前就应该能阅读和滚动。

    ::exercise{id="fixture-buyers"}

    ## 后面的内容

    """
) + "\n\n".join(f"第 {i} 段：用来让页面足够长，可以滚动。" for i in range(1, 60)) + "\n"


def bundle_web(out: Path) -> Path:
    """Bundle web/src with the real web/build.mjs into ``out``."""
    subprocess.run(["node", "web/build.mjs", str(out)], cwd=ROOT, check=True, timeout=180)
    return out


def write_project(
    root: Path,
    *,
    web_dir: Path,
    solutions: bool = True,
    exercises_dir: Path = EXERCISES,
    pages: dict[str, str] | None = None,
) -> Path:
    """``root/mkdocs.yml`` using the real courseware plugin, the lead's Pyodide and the fixture exercise."""
    docs = root / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "stylesheets").mkdir(exist_ok=True)  # the course's colours (custom primary and accent)
    (docs / "stylesheets" / "extra.css").write_text((ROOT / "docs" / "stylesheets" / "extra.css").read_text("utf-8"), "utf-8")
    for rel, text in (pages or {"index.md": PAGE, "progress.md": (ROOT / "docs" / "progress.md").read_text("utf-8")}).items():
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_text(text, encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        textwrap.dedent(
            f"""\
            site_name: 练习测试
            strict: true
            use_directory_urls: true
            theme:
              name: material
              language: zh
              font: false
              features:
                - content.tooltips  # as the course site: it takes titles away on hover and focus
              palette:  # both schemes and colours as the course site: the dark one must really darken the page
                - scheme: default
                  primary: custom
                  accent: custom
                - scheme: slate
                  primary: custom
                  accent: custom
            plugins:
              - courseware:
                  exercises_dir: {exercises_dir}
                  pyodide_dir: {ROOT / "build" / "pyodide"}
                  web_dir: {web_dir}
                  solutions: {"true" if solutions else "false"}
            markdown_extensions:
              - admonition
              - attr_list
              - md_in_html
              - tables
            extra_css:
              - stylesheets/extra.css
              - assets/courseware/courseware.css
            extra_javascript:
              - assets/courseware/courseware.js
            """
        ),
        encoding="utf-8",
    )
    return root / "mkdocs.yml"


def build_project(config_file: Path) -> Path:
    """Build through the real MkDocs lifecycle; returns the site folder."""
    config = load_config(config_file=str(config_file), site_dir=str(config_file.parent / "site"))
    build(config)
    return Path(config.site_dir)
