"""Offline after the first visit, in real Chromium: the site's service worker (sw.js, workbox) on a plain host.

One visit to an exercise page over a plain static server (no COOP/COEP) → the service worker precaches the site,
takes control and the page reloads once, now cross-origin isolated by the service worker's headers. Then the
server is stopped: reload, navigate and run and check an exercise offline. Then a new build (a changed page, the
build's own service-worker and precompression steps) is served on the same address: the new page replaces the
cached one and only one precache is left. Opened from file://, every exercise says how to open the course.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from browser_util import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS
from playwright.sync_api import Page, sync_playwright

from courseware.precompress import precompress
from courseware.serve import make_server
from courseware.service_worker import write_service_worker

ROOT = Path(__file__).resolve().parent.parent
FIRST = "p4-analysis/classify/"  # old-customers
SECOND = "p1-archive/tiers/"  # another exercise page
SECOND_EXERCISE = "tier-config"
TEXT_PAGE = "glossary/"
MARKER = "第二次构建的首页"
WAIT_MS = 180_000


@contextmanager
def plain_server(site: Path, port: int = 0) -> Iterator[int]:
    """The course server without COOP/COEP (like any static host); yields its port."""
    server = make_server(site, "127.0.0.1", port, isolate=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


def poll(page: Page, script: str, what: str, timeout_s: float = WAIT_MS / 1000) -> object:
    """Evaluate ``script`` until truthy; survives the page reloading itself in between."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            value = page.evaluate(script)
            if value:
                return value
        except Exception:  # execution context destroyed by a reload: try again
            pass
        time.sleep(0.3)
    pytest.fail(f"等待超时：{what}")


def wait_ready(page: Page) -> None:
    page.wait_for_function("() => window.courseware && window.courseware.ready", timeout=WAIT_MS)
    page.evaluate("() => window.courseware.ready")


def run_and_check(page: Page, exercise: str) -> None:
    root = f'.exercise[data-exercise="{exercise}"]'
    page.evaluate("([id, code]) => window.courseware.setCode(id, code)", [exercise, "print('离线也能运行', 6 * 7)"])
    page.click(f"{root} [data-action=run]")
    page.wait_for_function(f"() => document.querySelector('{root} [data-role=output]').textContent.includes('42')",
                           timeout=WAIT_MS)
    solution = (ROOT / "exercises" / exercise / "solution.py").read_text(encoding="utf-8")
    page.evaluate("([id, code]) => window.courseware.setCode(id, code)", [exercise, solution])
    page.click(f"{root} [data-action=check]")
    page.wait_for_selector(f"{root} [data-role=status][data-state=passed]", timeout=WAIT_MS)


@pytest.fixture(scope="module")
def site_copy(site_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (site_dir / "sw.js").is_file():
        pytest.fail("构建好的网站里没有 sw.js：courseware/service_worker.py 的构建步骤没有运行。")
    copy = tmp_path_factory.mktemp("sw") / "site"
    shutil.copytree(site_dir, copy)
    return copy


def test_offline_after_first_visit_and_a_new_build_replaces_the_cache(site_copy: Path):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context().new_page()
        with plain_server(site_copy) as port:
            base = f"http://127.0.0.1:{port}/"
            page.goto(base + FIRST)
            assert page.evaluate("() => crossOriginIsolated") is False  # plain host, no service worker yet
            wait_ready(page)
            # The service worker precaches the site, takes control, and the page reloads once, isolated.
            poll(page, "() => navigator.serviceWorker.controller !== null && crossOriginIsolated",
                 "service worker 接管页面并带来跨源隔离")
            assert page.evaluate("() => sessionStorage.getItem('courseware:sw-isolation-reload')")
        # Server gone: everything comes from the service worker.
        page.reload()
        wait_ready(page)
        assert page.evaluate("() => crossOriginIsolated") is True
        # Pages and worker scripts get the isolation headers (the worker has its interrupt buffer); other files are
        # the cached responses themselves, so Chromium keeps its code cache (the compiled wasm) beside them.
        assert page.evaluate("() => Boolean(window.courseware.runtime.current.interruptBuffer)")
        assert page.evaluate("async (url) => (await fetch(url)).headers.get('cross-origin-embedder-policy')",
                             base + "pyodide/pyodide.js") is None
        run_and_check(page, "old-customers")
        # A click in the navigation (Material's instant navigation fetches the page through the service worker).
        page.locator(f'nav.md-nav--primary a[href$="{TEXT_PAGE}"]').first.click()
        page.wait_for_function("() => document.querySelector('h1') && document.querySelector('h1')"
                               ".textContent.includes('术语表')", timeout=WAIT_MS)
        for rel, heading, widgets in ((TEXT_PAGE, "术语表", 0), (SECOND + "?h=会员", "会员级别", 1),
                                      ("no-such-page/", "404", 0)):
            page.goto(base + rel)
            assert heading in page.locator("h1").first.inner_text(), rel
            assert page.locator(f'.exercise[data-exercise="{SECOND_EXERCISE}"]').count() == widgets, rel

        # A new build: one page changed; the build's own last step rewrites sw.js and the .gz copies.
        index = site_copy / "index.html"
        index.write_text(index.read_text(encoding="utf-8").replace("</article>", f"<p>{MARKER}</p></article>", 1),
                         encoding="utf-8")
        write_service_worker(site_copy)
        precompress(site_copy)
        with plain_server(site_copy, port):
            deadline = time.monotonic() + WAIT_MS / 1000
            while MARKER not in page.content():
                assert time.monotonic() < deadline, "新构建的首页没有替换缓存里的旧页面"
                page.goto(base)
                time.sleep(0.5)
            caches = page.evaluate("""async () => {
                const names = await caches.keys();
                const out = {};
                for (const name of names) {
                    const keys = await (await caches.open(name)).keys();
                    out[name] = keys.map((r) => r.url);
                }
                return out;
            }""")
        # Still served with the server gone again, and the old copy of the page is not kept anywhere.
        page.goto(base)
        assert MARKER in page.content()
        browser.close()
    precache = [name for name in caches if "precache" in name]
    assert len(precache) == 1, caches
    homes = [u for u in caches[precache[0]] if u.split("?")[0] == base + "index.html"]
    assert len(homes) == 1, homes
    assert any(u.endswith("pyodide.asm.wasm") or "pyodide.asm.wasm?" in u for u in caches[precache[0]])


def test_file_url_says_how_to_open_the_course(site_dir: Path):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto((site_dir / FIRST / "index.html").as_uri())
        status = '.exercise [data-role=status][data-state="error"]'
        page.wait_for_selector(status, timeout=2000)  # the bound: the message is there within 2 s
        text = page.locator(status).first.inner_text()
        assert "file://" in text and "make serve" in text and "http://127.0.0.1:8000/" in text
        assert page.locator(".exercise [data-action=run]").first.is_disabled()
        page.wait_for_timeout(1500)  # nothing replaces the message later (no spinner coming back)
        assert page.locator(status).first.inner_text() == text
        ARTIFACTS.mkdir(exist_ok=True)
        for width, height in ((1280, 900), (390, 844)):
            page.set_viewport_size({"width": width, "height": height})
            page.locator(status).first.evaluate("e => e.scrollIntoView({block: 'center'})")
            page.screenshot(path=str(ARTIFACTS / f"offline-file-url-{width}.png"))
        browser.close()
