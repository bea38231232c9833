"""Serve the built site on a classroom LAN or localhost, with the headers Pyodide's 停止 button wants.

``python -m courseware.serve [--host H] [--port P] [--plain] SITE_DIR``

By default every response carries ``Cross-Origin-Opener-Policy: same-origin`` and
``Cross-Origin-Embedder-Policy: require-corp`` so the page is cross-origin isolated and ``SharedArrayBuffer``
(Pyodide's interrupt buffer) is available. ``--plain`` serves without them, like an ordinary static host.

A browser that accepts gzip gets the build's precompressed ``<file>.gz`` (``courseware.precompress``) with
``Content-Encoding: gzip`` and the original file's type; any other client gets the file itself. Cache headers
follow ``cache_control`` (the nginx example in deploy/ says the same; its test compares them).
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import sys
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

ISOLATION_HEADERS = {
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Embedder-Policy": "require-corp",
    "Cross-Origin-Resource-Policy": "same-origin",
}
EXTRA_TYPES = {".wasm": "application/wasm", ".mjs": "text/javascript", ".whl": "application/zip",
               ".yml": "text/yaml; charset=utf-8", ".csv": "text/csv; charset=utf-8"}
# Cache policy, first match wins. Theme files carry a content hash in their name (bundle.79ae519e.min.js), so
# they never change under the same URL; Pyodide's files change only with a new Pyodide version; everything else
# (pages, the course's own scripts and data, sw.js) is revalidated on every use (ETag / Last-Modified).
CACHE_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\.[0-9a-f]{8,}\.min\.(?:js|css)$"), "public, max-age=31536000, immutable"),
    (re.compile(r"/pyodide/"), "public, max-age=604800"),
)
DEFAULT_CACHE = "no-cache"


def cache_control(url_path: str) -> str:
    """The Cache-Control value for a URL path (query string ignored)."""
    path = url_path.split("?", 1)[0].split("#", 1)[0]
    return next((value for pattern, value in CACHE_RULES if pattern.search(path)), DEFAULT_CACHE)


def accepts_gzip(accept_encoding: str | None) -> bool:
    """True when an Accept-Encoding header allows gzip (``gzip`` or ``*`` with a non-zero q)."""
    allowed: dict[str, bool] = {}
    for item in (accept_encoding or "").split(","):
        name, _, params = item.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if name.strip():
            allowed[name.strip().lower()] = q > 0
    return allowed.get("gzip", allowed.get("x-gzip", allowed.get("*", False)))


class CourseHandler(SimpleHTTPRequestHandler):
    """Static files with the right MIME types, cache headers and (optionally) cross-origin isolation."""

    isolate = True
    precompressed = True  # False: never send the .gz copies (a server without them, for comparison)
    extensions_map: ClassVar[dict[str, str]] = {**SimpleHTTPRequestHandler.extensions_map, **EXTRA_TYPES}
    _gzip_of: str | None = None  # the file whose precompressed copy this response sends

    def translate_path(self, path: str) -> str:
        """Swap in ``<file>.gz`` when it exists and the client accepts gzip."""
        real = super().translate_path(path)
        self._gzip_of = None
        if os.path.isdir(real) and path.split("?", 1)[0].endswith("/"):
            index = os.path.join(real, "index.html")
            if not os.path.isfile(index):
                return real
            real = index
        if (self.precompressed and os.path.isfile(real) and os.path.isfile(real + ".gz")
                and accepts_gzip(self.headers.get("Accept-Encoding"))):
            self._gzip_of = real
            return real + ".gz"
        return real

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        return super().guess_type(self._gzip_of or path)

    def end_headers(self) -> None:
        if self.isolate:
            for name, value in ISOLATION_HEADERS.items():
                self.send_header(name, value)
        if self._gzip_of:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Cache-Control", cache_control(self.path))
        super().end_headers()

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Only failed requests are worth a line in a classroom terminal."""
        if str(getattr(code, "value", code)).startswith(("4", "5")):
            super().log_request(code, size)


def lan_addresses() -> list[str]:
    """Best-effort list of this machine's IPv4 addresses that students can reach."""
    found: set[str] = set()
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.add(str(info[4][0]))
    except OSError:
        pass
    return sorted(a for a in found if not a.startswith("127."))


def make_server(site: Path, host: str, port: int, *, isolate: bool = True, precompressed: bool = True,
                handler_class: type[CourseHandler] = CourseHandler) -> ThreadingHTTPServer:
    options = {"isolate": isolate, "precompressed": precompressed}
    handler = partial(type("Handler", (handler_class,), options), directory=str(site))
    ThreadingHTTPServer.allow_reuse_address = True
    return ThreadingHTTPServer((host, port), handler)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="在本机或教室局域网提供课程网站")
    parser.add_argument("site", type=Path, nargs="?", default=Path("site"), help="构建好的网站目录（默认 site）")
    parser.add_argument("--host", default="127.0.0.1", help="监听地址；教室局域网用 0.0.0.0")
    parser.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    parser.add_argument("--plain", action="store_true", help="不发送 COOP/COEP 头（模拟普通静态服务器）")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        print(f"错误：{args.site}/ 里没有 index.html：请先运行 make build。", file=sys.stderr)
        return 2
    try:
        server = make_server(args.site, args.host, args.port, isolate=not args.plain)
    except OSError as err:
        print(f"错误：无法在 {args.host}:{args.port} 上启动（{err.strerror}）：换一个端口，例如 PORT=8001 make serve。",
              file=sys.stderr)
        return 2
    print(f"课程网站已启动：http://{'127.0.0.1' if args.host in ('0.0.0.0', '') else args.host}:{args.port}/"
          "  （按 Ctrl+C 停止）", flush=True)
    if args.host in ("0.0.0.0", ""):
        for address in lan_addresses():
            print(f"  学生可访问：http://{address}:{args.port}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("\n已停止。")
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
