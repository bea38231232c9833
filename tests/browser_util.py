"""Shared helpers for tests that drive the real headless Chromium (Debian's /usr/bin/chromium) via Playwright."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from courseware.serve import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


@contextmanager
def serve(site: Path, *, isolate: bool = True) -> Iterator[str]:
    """Serve ``site`` with the project's own server on a free loopback port; yields the base URL."""
    server = make_server(site, "127.0.0.1", 0, isolate=isolate)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def foreign_requests(urls: list[str], base_url: str) -> list[str]:
    """Requests that went to any host other than the local server (data:/blob: URLs are local)."""
    local = urlsplit(base_url).netloc
    return [u for u in urls if urlsplit(u).scheme in ("http", "https", "ws", "wss") and urlsplit(u).netloc != local]


AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
"""axe-core (npm, pinned in package.json), injected into the page (the tests drive Chromium from Python)."""
AXE_BLOCKING = ("serious", "critical")
AXE_SCHEMES = ("default", "slate")


def axe_violations(page, within: str | None = None) -> dict[str, list[dict]]:
    """axe's violations of the page as it is now (or of the elements ``within`` selects), in Material's light and
    dark scheme: {scheme: [violation, …]}."""
    assert AXE.is_file(), "node_modules/axe-core 不存在：请运行 make setup（npm ci）。"
    page.add_script_tag(path=str(AXE))
    # Switching the scheme animates colours; axe must see the final ones, not a frame of the transition.
    page.add_style_tag(content="*, *::before, *::after { transition: none !important; animation: none !important; }")
    found = {}
    for scheme in AXE_SCHEMES:
        page.evaluate("s => document.body.setAttribute('data-md-color-scheme', s)", scheme)
        found[scheme] = page.evaluate("(sel) => axe.run(sel ? {include: [sel]} : document, {resultTypes: ['violations']})",
                                      within)["violations"]
    page.evaluate("() => document.body.setAttribute('data-md-color-scheme', 'default')")
    return found


def describe_violations(violations: list[dict], *, blocking_only: bool = True) -> str:
    lines = []
    for v in violations:
        if blocking_only and v["impact"] not in AXE_BLOCKING:
            continue
        targets = "; ".join(" ".join(n["target"]) for n in v["nodes"][:4])
        lines.append(f"{v['impact']} {v['id']}（{len(v['nodes'])} 处）：{v['help']} — {targets}")
    return "\n".join(lines)
