"""A real headless Chromium plays a 情景模拟: replies are scored and explained, a choice branches the conversation,
the run is stored in localStorage, restored on reload, and shown in 我的进度."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_util import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, serve
from quiz_site import build_project, write_project
from scenario_site import DEMO_SCENARIO

ROOT = Path(__file__).resolve().parent.parent
KEY = "courseware:v1:scenario:demo"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base_url(tmp_path_factory) -> Iterator[str]:
    if shutil.which("node") is None or not (ROOT / "node_modules" / "esbuild").is_dir():
        pytest.fail("需要 node 和 node_modules/esbuild：请先运行 npm ci。")
    root = tmp_path_factory.mktemp("scenario-site")
    web = root / "bundle"
    subprocess.run(["node", "web/build.mjs", str(web)], cwd=ROOT, check=True, timeout=180)
    pages = {
        "index.md": "# 首页\n",
        "p5/task.md": '# 任务一 催付\n\n先读一段说明。\n\n::scenario{id="demo"}\n',
        "progress.md": (ROOT / "docs" / "progress.md").read_text(encoding="utf-8"),
        "scenarios/demo.yml": DEMO_SCENARIO,
    }
    config = write_project(root, pages, {}, web_dir=web)
    with config.open("a", encoding="utf-8") as fh:
        fh.write("nav:\n  - index.md\n  - 项目五:\n      - 任务一 催付: p5/task.md\n  - 我的进度: progress.md\n")
    with serve(build_project(config), isolate=False) as url:
        yield url


def test_playing_a_scenario_scores_branches_stores_and_shows_progress(base_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(base_url + "p5/task/")
            box = page.locator('.scenario[data-scenario="demo"]')
            box.wait_for()
            log = box.locator('[data-role="log"]')
            assert box.get_attribute("data-state") == "new"
            assert "满分 25 分" in box.locator('[data-role="status"]').inner_text()
            assert log.locator(".scenario__step").count() == 1
            assert "在忙，还没顾上付款" in log.inner_text()

            # A weaker reply: 2 of 10 points, the better reply named, the conversation branches to "angry".
            log.locator('[data-step="first"] [data-action="choose"][data-choice="B"]').click()
            first = log.locator('[data-step="first"]')
            assert first.locator('[data-role="verdict"]').inner_text() == "得 2 / 10 分。更好的回复是 A。"
            assert first.locator('.scenario__explain:not([hidden])').inner_text() == "语气生硬，像在催债。"
            assert first.locator('[data-action="choose"]:disabled').count() == 3
            # the focus moves on to the next step, so the status (the live region) says the verdict and why
            status = box.locator('[data-role="status"]').inner_text()
            assert status.startswith("得 2 / 10 分。更好的回复是 A。语气生硬，像在催债。") and "目前得分 2" in status
            assert [s.get_attribute("data-step") for s in log.locator(".scenario__step").all()] == ["first", "angry"]
            assert "买家五分钟没有说话" in log.locator('[data-step="angry"]').inner_text()
            stored = json.loads(page.evaluate(f"localStorage.getItem('{KEY}')"))
            assert stored["path"] == [["first", "B"]] and stored["points"] == 2 and stored["finished"] is False

            # The best reply of the last step ends the run: 2 + 5 = 7 of 25.
            log.locator('[data-step="angry"] [data-action="choose"][data-choice="A"]').click()
            assert log.locator('[data-step="angry"] [data-role="verdict"]').inner_text() == "得 5 / 5 分：这是最好的回复。"
            assert box.get_attribute("data-state") == "finished"
            assert box.locator('[data-role="score"]').inner_text().startswith("对话结束：得分 7 / 25。")
            assert "提醒付款只提醒一次" in box.locator('[data-role="end"]').inner_text()
            stored = json.loads(page.evaluate(f"localStorage.getItem('{KEY}')"))
            assert stored["path"] == [["first", "B"], ["angry", "A"]]
            assert (stored["points"], stored["max_points"], stored["finished"], stored["best"]) == (7, 25, True, 7)

            # Reload: the same conversation is shown again from the stored path.
            page.reload()
            box.wait_for()
            assert [s.get_attribute("data-step") for s in log.locator(".scenario__step").all()] == ["first", "angry"]
            assert box.locator('[data-role="score"]').inner_text().startswith("对话结束：得分 7 / 25。")

            # 重新模拟, then the best path: first A → thanks A → angry A = 25; the best result is kept.
            box.locator('[data-action="restart"]').click()
            assert log.locator(".scenario__step").count() == 1 and box.get_attribute("data-state") == "new"
            for step in ("first", "thanks", "angry"):
                log.locator(f'[data-step="{step}"] [data-action="choose"][data-choice="A"]').click()
            assert box.locator('[data-role="score"]').inner_text().startswith("对话结束：得分 25 / 25。")
            page.set_viewport_size({"width": 390, "height": 844})
            ARTIFACTS.mkdir(exist_ok=True)
            box.screenshot(path=str(ARTIFACTS / "scenario-390.png"))
            stored = json.loads(page.evaluate(f"localStorage.getItem('{KEY}')"))
            assert (stored["points"], stored["best"]) == (25, 25)

            # 我的进度 lists the scenario with its best result and a link to its page.
            page.goto(base_url + "progress/")
            row = page.locator('tr[data-scenario="demo"]')
            row.wait_for()
            assert row.get_attribute("data-status") == "done"
            assert "最好 25 / 25 分" in row.inner_text()
            assert row.locator("a").get_attribute("href").endswith("/p5/task/")
            assert errors == []
        finally:
            browser.close()

