"""What every server of the built site must do with precompressed files and cache headers.

Used by tests/test_serve_gzip.py (the course server) and tests/test_deploy_nginx.py (the nginx example), so both
are held to the same rules: a client that accepts gzip gets the build's own ``.gz`` copy byte for byte with
``Content-Encoding: gzip`` and the original type; any other client gets the plain file; files without a copy
(wheels) are never re-encoded; Cache-Control follows ``courseware.serve.cache_control``.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

from courseware.serve import cache_control


def fetch(url: str, *, accept: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """GET without any decoding; ``accept`` is the Accept-Encoding header (None sends none)."""
    headers = {"Accept-Encoding": accept} if accept is not None else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=20) as resp:
            return resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, {k.lower(): v for k, v in err.headers.items()}, err.read()


def sample_files(site: Path) -> dict[str, tuple[str, Path]]:
    """URL path → (expected type prefix, file) for one file of each kind that has a .gz copy."""
    bundle = next((site / "assets" / "javascripts").glob("bundle.*.min.js"))
    css = next((site / "assets" / "stylesheets").glob("main.*.min.css"))
    return {
        "/pyodide/pyodide.asm.wasm": ("application/wasm", site / "pyodide" / "pyodide.asm.wasm"),
        "/p4-analysis/classify/": ("text/html", site / "p4-analysis" / "classify" / "index.html"),
        "/" + bundle.relative_to(site).as_posix(): ("javascript", bundle),
        "/" + css.relative_to(site).as_posix(): ("text/css", css),
        "/pyodide/pyodide-lock.json": ("application/json", site / "pyodide" / "pyodide-lock.json"),
        "/sw.js": ("javascript", site / "sw.js"),
        "/assets/courseware/worker.js": ("javascript", site / "assets" / "courseware" / "worker.js"),
    }


def assert_precompressed_served(base: str, site: Path) -> None:
    for path, (kind, file) in sample_files(site).items():
        gz = file.with_name(file.name + ".gz")
        assert gz.is_file(), f"构建没有写出 {gz.relative_to(site)}"
        for accept in ("gzip, deflate, br", "gzip"):
            status, headers, body = fetch(base + path, accept=accept)
            assert status == 200, path
            assert headers.get("content-encoding") == "gzip", (path, accept)
            assert kind in headers["content-type"], (path, headers["content-type"])
            assert "accept-encoding" in headers.get("vary", "").lower(), path
            assert body == gz.read_bytes(), f"{path}: not the build's .gz copy"
            assert headers["cache-control"] == cache_control(path), path
        for accept in (None, "identity", "br", "gzip;q=0"):
            status, headers, body = fetch(base + path, accept=accept)
            assert status == 200, path
            assert "content-encoding" not in headers, (path, accept)
            assert body == file.read_bytes(), (path, accept)
            assert kind in headers["content-type"], path


def assert_wheels_not_reencoded(base: str, site: Path) -> None:
    wheel = next((site / "pyodide").glob("pandas-*.whl"))
    assert not wheel.with_name(wheel.name + ".gz").exists()
    status, headers, body = fetch(base + "/pyodide/" + wheel.name, accept="gzip")
    assert status == 200
    assert "content-encoding" not in headers
    assert body == wheel.read_bytes()
    assert headers["cache-control"] == cache_control("/pyodide/" + wheel.name) == "public, max-age=604800"


def assert_cache_rules(base: str, site: Path) -> None:
    bundle = next((site / "assets" / "javascripts").glob("bundle.*.min.js")).relative_to(site).as_posix()
    expected = {
        "/": "no-cache",
        "/sw.js": "no-cache",
        "/assets/courseware/courseware.js": "no-cache",
        "/data/chihuo-data.zip": "no-cache",
        "/pyodide/pyodide.asm.wasm": "public, max-age=604800",
        "/" + bundle: "public, max-age=31536000, immutable",
    }
    for path, value in expected.items():
        assert cache_control(path) == value, path
        status, headers, _ = fetch(base + path, accept="gzip")
        assert status == 200, path
        assert headers["cache-control"] == value, path
