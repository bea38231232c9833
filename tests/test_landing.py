"""Home page: the 项目 cards and the 学习路线 come from the nav (golden HTML for a small nav, the real nav gives one
card per 项目 section), and in Chromium each card shows its progress from localStorage, 开始学习 becomes 继续学习,
and nothing overflows a 390 px phone screen."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_util import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, serve
from course import DOCS, ROOT, nav, projects
from quiz_site import GOOD_QUIZ, build_project, write_project
from scenario_site import DEMO_SCENARIO

from courseware.landing import projects_from_nav, render_cards, render_route, render_start

GOLDENS = Path(__file__).parent / "goldens" / "landing"
UPDATE = os.environ.get("UPDATE_GOLDENS") == "1"

HOME = '# 首页\n\n::course-map{part="start"}\n\n## 学习路线\n\n::course-map{part="route"}\n\n::course-map{part="cards"}\n'
PAGES = {
    "index.md": HOME,
    "p1/index.md": "# 项目一 建档\n",
    "p1/a.md": '# 任务一 甲\n\n::quiz{id="qa"}\n',
    "p1/b.md": '# 任务二 乙\n\n::scenario{id="demo"}\n\n::quiz{id="qb"}\n',
    "p2/index.md": "# 项目二 沟通\n",
    "p2/c.md": "# 任务一 丙\n\n正文。\n",
    "progress.md": (ROOT / "docs" / "progress.md").read_text(encoding="utf-8"),
    "scenarios/demo.yml": DEMO_SCENARIO,
}
NAV = """\
nav:
  - 首页: index.md
  - 项目一 建立档案:
      - p1/index.md
      - 任务一 设计档案: p1/a.md
      - 任务二 整理档案: p1/b.md
  - 项目二 沟通:
      - p2/index.md
      - 任务一 售前: p2/c.md
  - 我的进度: progress.md
"""


def small_nav() -> list:
    from ruamel.yaml import YAML

    return YAML(typ="safe").load(NAV)["nav"]


def test_cards_and_route_match_golden(tmp_path):
    for rel, text in PAGES.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    found = projects_from_nav(small_nav(), tmp_path)
    assert [(p.number, p.name, [t.title for t in p.tasks]) for p in found] == [
        ("一", "建立档案", ["设计档案", "整理档案"]),
        ("二", "沟通", ["售前"]),
    ]
    assert found[0].items == (("quiz", "qa", "p1/a.md"), ("scenario", "demo", "p1/b.md"), ("quiz", "qb", "p1/b.md"))
    html = "\n".join([render_start(found, "progress.md", directory_urls=True), render_route(found, directory_urls=True),
                      render_cards(found, directory_urls=True)])
    assert "\n\n" not in html
    golden = GOLDENS / "small.html"
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(html + "\n", encoding="utf-8")
    assert html + "\n" == golden.read_text(encoding="utf-8")


def test_the_course_nav_gives_one_card_per_project():
    found = projects_from_nav(nav(), DOCS)
    assert [f"项目{p.number} {p.name}" for p in found] == [p.title for p in projects()]
    assert [len(p.tasks) for p in found] == [len(p.tasks) for p in projects()]
    assert '::course-map{part="cards"}' in (DOCS / "index.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def base_url(tmp_path_factory) -> Iterator[str]:
    if shutil.which("node") is None or not (ROOT / "node_modules" / "esbuild").is_dir():
        pytest.fail("需要 node 和 node_modules/esbuild：请先运行 npm ci。")
    root = tmp_path_factory.mktemp("landing-site")
    web = root / "bundle"
    subprocess.run(["node", "web/build.mjs", str(web)], cwd=ROOT, check=True, timeout=180)
    config = write_project(root, PAGES, {"qa": GOOD_QUIZ, "qb": GOOD_QUIZ}, web_dir=web)
    with config.open("a", encoding="utf-8") as fh:
        fh.write(NAV)
    with serve(build_project(config), isolate=False) as url:
        yield url


@pytest.mark.browser
def test_cards_show_progress_and_start_button_continues(base_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(base_url)
            cards = page.locator(".cw-card")
            cards.first.wait_for()
            assert cards.count() == 2
            assert page.locator('[data-role="start"]').inner_text() == "开始学习"
            assert page.locator('[data-role="start"]').get_attribute("href").endswith("p1/a/")
            assert cards.nth(0).locator('[data-role="card-done"]').inner_text() == "还没有开始 · 共 3 项"
            assert cards.nth(1).locator('[data-role="card-done"]').inner_text() == "阅读与讨论"

            # A quiz answered and the scenario finished: 2 of 3 in 项目一; 继续学习 points at the unanswered quiz.
            page.evaluate("""() => {
              localStorage.setItem('courseware:v1:quiz:qa', JSON.stringify({answers: [], correct: 2, total: 3}));
              localStorage.setItem('courseware:v1:scenario:demo', JSON.stringify({path: [], best: 7, finished: true}));
            }""")
            page.reload()
            cards.first.wait_for()
            assert cards.nth(0).locator('[data-role="card-done"]').inner_text() == "已完成 2 / 3 项"
            assert cards.nth(0).get_attribute("data-state") == "started"
            assert cards.nth(0).locator(".cw-bar").get_attribute("aria-valuenow") == "67"
            start = page.locator('[data-role="start"]')
            assert start.inner_text() == "继续学习" and start.get_attribute("href").endswith("/p1/b/")
            assert page.locator('[data-role="start-note"]').inner_text() == "下一项：项目一 建立档案 的自测题"
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "landing-390.png"), full_page=True)
            assert errors == []
        finally:
            browser.close()
