"""The ::exercise directive and the Python bundle, through the real MkDocs build (no browser).

Goldens: tests/goldens/widget/*.html; refresh after a reviewed change with UPDATE_GOLDENS=1.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort
from widget_site import EXERCISE_ID, EXERCISES, build_project, write_project

from courseware.exercise_widget import render_widget
from courseware.pybundle import BUNDLE_NAME, EXAM_SOLUTION, bundle_files, page_url
from courseware.zips import build_zip
from grader.spec import load_spec

GOLDENS = Path(__file__).resolve().parent / "goldens" / "widget"
PAGE = '# 练习\n\n::exercise{id="fixture-buyers"}\n'


def check_golden(name: str, text: str) -> None:
    path = GOLDENS / name
    if os.environ.get("UPDATE_GOLDENS") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"missing golden {path}; run with UPDATE_GOLDENS=1 after reviewing the output"
    assert text == path.read_text(encoding="utf-8")


@pytest.fixture
def web_dir(tmp_path) -> Path:
    # The directive tests do not need the real bundle: any folder stands in for build/web.
    web = tmp_path / "web"
    web.mkdir()
    (web / "courseware.js").write_text("", encoding="utf-8")
    return web


def project(tmp_path: Path, web_dir: Path, *, pages: dict[str, str], solutions: bool = True,
            exercises: Path = EXERCISES) -> Path:
    root = tmp_path / "proj"
    root.mkdir(exist_ok=True)
    return write_project(root, web_dir=web_dir, solutions=solutions, exercises_dir=exercises, pages=pages)


def build_error(config: Path, caplog: pytest.LogCaptureFixture) -> str:
    caplog.clear()
    with pytest.raises(Abort, match="BuildError"):
        build_project(config)
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert errors
    assert not any("Traceback" in e for e in errors)
    return errors[-1]


@pytest.mark.parametrize("solutions", [True, False], ids=["course", "exam"])
def test_widget_html_matches_golden(solutions):
    spec = load_spec(EXERCISES / EXERCISE_ID)
    html = render_widget(
        spec,
        instructions_html="<p>说明 &amp; 要求</p>",
        starter=spec.file_text("starter.py"),
        exercise_hash="0123456789abcdef",
        solutions=solutions,
        attempts_before_solution=spec.attempts_before_solution,
    )
    check_golden(f"{EXERCISE_ID}-{'course' if solutions else 'exam'}.html", html)


def test_widget_escapes_code_and_has_no_blank_lines():
    spec = load_spec(EXERCISES / EXERCISE_ID)
    html = render_widget(spec, instructions_html="", starter='x = "</textarea><script>"\n\n\ny = 1\n',
                         exercise_hash="h", solutions=True, attempts_before_solution=3)
    assert "<script>" not in html
    assert "&lt;/textarea&gt;&lt;script&gt;" in html
    assert "\n\n" not in html  # one raw HTML block for Markdown


def test_site_build_renders_widget_and_writes_bundle(tmp_path, web_dir):
    site = build_project(project(tmp_path, web_dir, pages={"p1/task.md": PAGE}))
    page = (site / "p1" / "task" / "index.html").read_text(encoding="utf-8")
    assert f'<div class="exercise" data-exercise="{EXERCISE_ID}"' in page
    assert 'data-action="solution"' in page
    assert "<td>成交订单数</td>" in page  # instructions.md rendered with the site's table extension
    py = site / "assets" / "courseware" / "py"
    manifest = json.loads((py / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["bundle"] == BUNDLE_NAME
    assert "orders" in manifest["tables"]
    assert manifest["data_archive"] == "chihuo-data.zip"
    members = zipfile.ZipFile(site / "data" / manifest["data_archive"]).namelist()
    assert all(f"{name}.csv" in members for name in manifest["tables"])
    assert manifest["solutions"] is True
    [entry] = manifest["exercises"]
    assert (entry["id"], entry["page"], entry["title"]) == (EXERCISE_ID, "p1/task/", "每位买家的成交订单数（测试用）")
    assert f'data-hash="{entry["hash"]}"' in page
    names = zipfile.ZipFile(py / BUNDLE_NAME).namelist()
    assert f"exercises/{EXERCISE_ID}/solution.py" in names
    assert "grader/browser.py" in names
    assert "datasets/__init__.py" in names
    assert not any("__pycache__" in n or "/wrong/" in n for n in names)
    assert set(manifest["files"]) == set(names)


def test_exam_build_ships_no_solution(tmp_path, web_dir):
    site = build_project(project(tmp_path, web_dir, pages={"index.md": PAGE}, solutions=False))
    page = (site / "index.html").read_text(encoding="utf-8")
    assert 'data-action="solution"' not in page
    assert "查看答案" not in page
    assert "只在教师的评分程序中运行" in page
    py = site / "assets" / "courseware" / "py"
    bundle = zipfile.ZipFile(py / BUNDLE_NAME)
    assert bundle.read(f"exercises/{EXERCISE_ID}/solution.py") == EXAM_SOLUTION.encode("utf-8")
    assert f"exercises/{EXERCISE_ID}/starter.py" in bundle.namelist()
    solution = (EXERCISES / EXERCISE_ID / "solution.py").read_text(encoding="utf-8")
    marker = solution.strip().splitlines()[-1]
    for name in bundle.namelist():
        assert marker not in bundle.read(name).decode("utf-8", "replace"), name
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".js", ".json"}:
            assert marker not in path.read_text(encoding="utf-8", errors="replace"), path


def test_bundle_zip_is_deterministic():
    files = bundle_files(EXERCISES, solutions=True)
    first, second = build_zip(files), build_zip(files)
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as zf:
        assert zf.read(f"exercises/{EXERCISE_ID}/starter.py") == (EXERCISES / EXERCISE_ID / "starter.py").read_bytes()


@pytest.mark.parametrize(("src", "url"), [("index.md", ""), ("p1/index.md", "p1/"), ("p1/task.md", "p1/task/")])
def test_page_url(src, url):
    assert page_url(src, directory_urls=True) == url


def test_unknown_exercise_fails_build_naming_page(tmp_path, web_dir, caplog):
    config = project(tmp_path, web_dir, pages={"p2/a.md": '# A\n\n::exercise{id="nope"}\n'})
    message = build_error(config, caplog)
    assert message.startswith("页面 docs/p2/a.md：练习 'nope' 不存在")
    assert EXERCISE_ID in message


def test_exercise_on_two_pages_fails_build(tmp_path, web_dir, caplog):
    config = project(tmp_path, web_dir, pages={"a.md": PAGE, "b.md": PAGE})
    assert "页面 docs/b.md：练习 'fixture-buyers' 已经放在 docs/a.md" in build_error(config, caplog)


def test_broken_spec_fails_build_naming_exercise_and_page(tmp_path, web_dir, caplog):
    exercises = tmp_path / "exercises"
    shutil.copytree(EXERCISES, exercises)
    spec = exercises / EXERCISE_ID / "spec.yml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("kind: rows", "kind: rowz"), encoding="utf-8")
    config = project(tmp_path, web_dir, pages={"p1/task.md": PAGE}, exercises=exercises)
    message = build_error(config, caplog)
    assert f"练习 '{EXERCISE_ID}'（用在 docs/p1/task.md）" in message
    assert "spec.yml" in message
    assert "rowz" in message


def test_progress_page_has_mount_point():
    from courseware.directives import DirectiveContext, expand

    text = (Path(__file__).resolve().parent.parent / "docs" / "progress.md").read_text(encoding="utf-8")
    assert 'data-role="progress-page"' in text
    page = expand(text, DirectiveContext(page_src="progress.md", base_url="", plugin=None))
    assert 'data-role="student"' in page and 'pattern="[A-Za-z]{0,3}' in page  # the grader's 学号 rule


def test_attempts_before_solution_comes_from_spec_or_plugin_default(tmp_path):
    from courseware.exercise_widget import attempts_before_solution

    spec = load_spec(EXERCISES / EXERCISE_ID)
    assert attempts_before_solution(spec, 5) == 2  # the fixture's spec sets 2
    folder = tmp_path / EXERCISE_ID
    shutil.copytree(EXERCISES / EXERCISE_ID, folder)
    path = folder / "spec.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("attempts_before_solution: 2\n", ""), encoding="utf-8")
    assert attempts_before_solution(load_spec(folder), 5) == 5
