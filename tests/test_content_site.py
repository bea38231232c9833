"""The built course: no broken internal links or anchors, and each chapter's first screen renders in real
headless Chromium at desktop and phone width without overflowing (screenshots go to tests/artifacts/)."""

from __future__ import annotations

import fnmatch
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from browser_util import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, foreign_requests, serve
from course import nav_pages, print_excluded, projects, task_pages

ROOT = Path(__file__).resolve().parents[1]


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")


def _parse(path: Path) -> _Refs:
    refs = _Refs()
    refs.feed(path.read_text(encoding="utf-8", errors="replace"))
    return refs


def _target(page: Path, href: str, site: Path) -> Path:
    path = unquote(urlsplit(href).path)
    base = site if path.startswith("/") else page.parent  # 404.html links from the site root
    target = (base / path.lstrip("/")).resolve() if path else page
    if target.is_dir() or path.endswith("/"):
        target = target / "index.html"
    assert site.resolve() in target.parents or target == site.resolve(), f"{page.relative_to(site)} 的链接 {href} 跳出了网站"
    return target


def test_no_broken_internal_links_or_anchors(site_dir):
    pages = sorted(p for p in site_dir.rglob("*.html") if "pyodide" not in p.parts)
    parsed = {p.resolve(): _parse(p) for p in pages}
    broken = []
    for page in pages:
        for href in parsed[page.resolve()].links:
            if re.match(r"^[a-z][a-z0-9+.-]*:", href) or href in ("#", ""):
                continue
            if href == "#." and page.parent.name == "print_page":
                continue  # mkdocs-print-site rewrites links to the home page as "#.": harmless, not ours to fix
            target = _target(page, href, site_dir)
            fragment = unquote(urlsplit(href).fragment)
            if not target.is_file():
                broken.append(f"{page.relative_to(site_dir)} → {href}（页面不存在）")
            elif fragment and target.suffix == ".html":
                refs = parsed.get(target) or _parse(target)
                if fragment not in refs.ids:
                    broken.append(f"{page.relative_to(site_dir)} → {href}（锚点不存在）")
    assert not broken, "\n".join(broken[:30])


# First screen of each 项目 overview and its first task (from the nav, tests/course.py) and of the other sections.
SCREENS = [
    *(rel for project in projects() for rel in (f"{project.folder}/", project.tasks[0].removesuffix(".md") + "/")),
    "glossary/", "teacher/", "teacher/deploy/", "print_page/",
]
WIDTHS = {"desktop": (1280, 800), "phone": (390, 844)}


@pytest.mark.browser
def test_chapter_first_screens(site_dir):
    playwright = pytest.importorskip("playwright.sync_api")
    out = ARTIFACTS / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    problems = []
    with serve(site_dir) as base, playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for label, (width, height) in WIDTHS.items():
                context = browser.new_context(viewport={"width": width, "height": height})
                page = context.new_page()
                for rel in SCREENS:
                    if not (site_dir / rel / "index.html").is_file():
                        problems.append(f"网站里没有 {rel}")
                        continue
                    page.goto(base + rel, wait_until="load")
                    page.evaluate("document.fonts.ready")
                    if page.locator("pre.mermaid").count():
                        # Material swaps each pre.mermaid for a div.mermaid once the diagram is drawn.
                        page.wait_for_selector("div.mermaid", state="attached", timeout=20_000)
                    name = rel.strip("/").replace("/", "-") or "home"
                    page.screenshot(path=str(out / f"{name}-{label}.png"))
                    h1 = page.locator("article h1").first.inner_text()
                    if not re.search(r"[\u4e00-\u9fff]", h1):
                        problems.append(f"{rel}（{label}）标题没有中文：{h1!r}")
                    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                    if overflow > 1:
                        problems.append(f"{rel}（{label}）横向溢出 {overflow}px")
                    # A CJK font must actually be available, or Chinese renders as boxes.
                    if not page.evaluate("document.fonts.check('16px \"Noto Sans CJK SC\"', '客户')"):
                        problems.append(f"{rel}（{label}）没有可用的中文字体（请安装 fonts-noto-cjk）")
                context.close()
        finally:
            browser.close()
    assert not problems, "\n".join(problems)


def test_print_page_holds_the_whole_course(site_dir):
    """mkdocs-print-site's 打印/导出 PDF page contains every chapter page, in nav order, and leaves out the pages
    mkdocs.yml excludes (tests/course.py reads the list)."""
    html = (site_dir / "print_page" / "index.html").read_text(encoding="utf-8")
    sections = re.findall(r'<section class="print-page" id="([^"]+)"', html)
    expected = [page.removesuffix(".md").replace("/", "-") for page in task_pages()] + ["glossary"]
    for chapter in expected:
        assert chapter in sections, f"打印页缺少 {chapter}"
    left_out = [page for page in nav_pages() if any(fnmatch.fnmatch(page, p) for p in print_excluded())]
    assert {"progress.md", "teacher/deploy.md"} <= set(left_out)
    for page in left_out:
        assert page.removesuffix(".md").removesuffix("/index").replace("/", "-") not in sections, f"打印页不应有 {page}"
    tasks = [sections.index(page.removesuffix(".md").replace("/", "-")) for page in task_pages()]
    assert tasks == sorted(tasks), "打印页里任务的顺序应与导航一致"


@pytest.mark.browser
def test_a_chapter_prints_to_pdf_offline(site_dir, tmp_path):
    playwright = pytest.importorskip("playwright.sync_api")
    with serve(site_dir) as base, playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            urls: list[str] = []
            page.on("request", lambda request: urls.append(request.url))
            page.goto(base + "p5-communication/presale/", wait_until="load")
            page.wait_for_selector("div.mermaid", state="attached", timeout=20_000)
            pdf = tmp_path / "presale.pdf"
            page.pdf(path=str(pdf), format="A4", print_background=True)
        finally:
            browser.close()
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page[^s]", data)) >= 2
    assert foreign_requests(urls, base) == []
