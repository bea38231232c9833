"""A real headless Chromium answers a quiz: verdicts and explanations appear, the record is stored and restored."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_util import CHROMIUM, CHROMIUM_ARGS, serve
from quiz_site import GOOD_QUIZ, build_project, write_project

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def quiz_site(tmp_path_factory) -> Path:
    """A tiny site with one quiz page and the real browser bundle (web/build.mjs into a temp folder)."""
    if shutil.which("node") is None or not (ROOT / "node_modules" / "esbuild").is_dir():
        pytest.fail("需要 node 和 node_modules/esbuild：请先运行 npm ci。")
    root = tmp_path_factory.mktemp("quiz-site")
    web = root / "bundle"
    subprocess.run(["node", "web/build.mjs", str(web)], cwd=ROOT, check=True, timeout=120)
    page = "# 任务一\n\n正文。\n\n::quiz{id=\"demo\"}\n"
    return build_project(write_project(root, {"index.md": page}, {"demo": GOOD_QUIZ}, web_dir=web))


@pytest.fixture(scope="module")
def base_url(quiz_site) -> Iterator[str]:
    with serve(quiz_site, isolate=False) as url:
        yield url


def test_answering_quiz_shows_explanations_and_stores_record(base_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(base_url)
            quiz = page.locator('.quiz[data-quiz="demo"]')
            quiz.wait_for()
            feedback = quiz.locator('[data-role="feedback"]')
            assert feedback.nth(0).is_hidden()

            # Submitting with questions unanswered names them and stores nothing.
            quiz.locator("label", has_text="B. 交易成功").click()
            quiz.locator('[data-action="submit"]').click()
            assert quiz.locator('[data-role="score"]').inner_text() == "请先回答第 2、3 题。"
            assert page.evaluate("localStorage.getItem('courseware:v1:quiz:demo')") is None

            # Q2 answered incompletely (A, B without D) is wrong; Q3 (错) is right.
            quiz.locator("label", has_text="A. 收货人姓名").click()
            quiz.locator("label", has_text="B. 联系手机").click()
            quiz.locator(".quiz__q").nth(2).locator("label", has_text="错").click()
            quiz.locator('[data-action="submit"]').click()

            assert quiz.locator('[data-role="score"]').inner_text() == "答对 2 / 3 题"
            assert feedback.nth(0).is_visible()
            assert "只有交易成功的订单才计入成交" in feedback.nth(0).inner_text()
            assert quiz.locator('[data-role="verdict"]').nth(1).inner_text() == "回答错误。正确答案：A、B、D。"
            assert quiz.locator(".quiz__q").nth(1).get_attribute("data-state") == "wrong"
            assert quiz.locator('[data-action="submit"]').is_hidden()
            assert quiz.locator(".quiz__option--answer").count() == 5  # B; A, B, D; 错
            assert quiz.locator(".quiz__option--wrong").count() == 0  # Q2 only missed D

            record = json.loads(page.evaluate("localStorage.getItem('courseware:v1:quiz:demo')"))
            assert record["answers"] == [["B"], ["A", "B"], ["B"]]
            assert (record["correct"], record["total"]) == (2, 3)
            assert record["timestamp"].endswith("Z")

            # A reload restores the answered state from localStorage.
            page.reload()
            quiz.wait_for()
            assert quiz.locator('[data-role="score"]').inner_text() == "答对 2 / 3 题"
            assert quiz.locator("input[value=D]").is_checked() is False
            assert quiz.locator(".quiz__q").nth(0).locator("input[value=B]").is_checked()

            # 重新作答 clears the form but keeps the stored record until the next submit.
            quiz.locator('[data-action="retry"]').click()
            assert feedback.nth(0).is_hidden()
            assert quiz.locator("input:checked").count() == 0
            assert page.evaluate("localStorage.getItem('courseware:v1:quiz:demo')") is not None

            # A second attempt replaces the record; a wrongly chosen option is marked as such.
            quiz.locator("label", has_text="A. 等待买家付款").click()
            for text in ("A. 收货人姓名", "B. 联系手机", "D. 收货地址"):
                quiz.locator("label", has_text=text).click()
            quiz.locator(".quiz__q").nth(2).locator("label", has_text="错").click()
            quiz.locator('[data-action="submit"]').click()
            assert quiz.locator('[data-role="score"]').inner_text() == "答对 2 / 3 题"
            assert quiz.locator(".quiz__option--wrong").all_inner_texts() == ["A. 等待买家付款"]
            record = json.loads(page.evaluate("localStorage.getItem('courseware:v1:quiz:demo')"))
            assert record["answers"] == [["A"], ["A", "B", "D"], ["B"]]
            assert errors == []
        finally:
            browser.close()
