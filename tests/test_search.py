"""Site search finds Chinese words: jieba segments the index at build time, the browser search finds the page."""

from __future__ import annotations

import json

import pytest
from browser_util import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, foreign_requests, serve

QUERY = "会员等级"


def _index(site_dir):
    return json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))


def _tier_pages(site_dir) -> set[str]:
    """Pages (not sections) whose title names member tiers: the pages that teach 会员等级."""
    return {
        doc["location"]
        for doc in _index(site_dir)["docs"]
        if "#" not in doc["location"] and "会员" in doc["title"] and ("等级" in doc["title"] or "级别" in doc["title"])
    }


def test_index_is_segmented_for_chinese(site_dir):
    index = _index(site_dir)
    assert index["config"]["lang"] == ["zh"]
    texts = [doc["text"] for doc in index["docs"] if QUERY[:2] in doc["text"]]
    assert texts, "no page mentions 会员"
    # jieba inserts zero-width spaces between words; without it Chinese text is one unsearchable token.
    assert any("\u200b会员\u200b" in t or "\u200b会员等级\u200b" in t for t in texts)
    assert _tier_pages(site_dir), "no page title names 会员等级/会员级别"


@pytest.mark.browser
def test_browser_search_finds_the_tier_page(site_dir):
    from playwright.sync_api import sync_playwright

    expected = _tier_pages(site_dir)
    with serve(site_dir) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto(base, wait_until="domcontentloaded")
            page.locator("label.md-search__icon, .md-search__input").first.click()
            # Typed the way an input method delivers Chinese: the text arrives at once, then a key is released.
            page.locator("input.md-search__input").focus()
            page.keyboard.insert_text(QUERY)
            page.keyboard.press("End")
            page.locator(".md-search-result__item").first.wait_for(timeout=20_000)
            hrefs = page.eval_on_selector_all(".md-search-result__item a", "els => els.map(e => e.href)")
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "search-会员等级.png"))
        finally:
            browser.close()
    found = {h.removeprefix(base).split("#")[0].split("?")[0] for h in hrefs}
    assert found & expected, f"search results {sorted(found)[:8]} miss the tier pages {sorted(expected)}"
    assert foreign_requests(requests, base) == []
