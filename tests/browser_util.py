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
