"""Serve the built site through the example nginx config (deploy/nginx/course.conf) and check what browsers get.

Runs Debian's nginx (/usr/sbin/nginx) as a non-daemon on a random loopback port with the example config
rendered for the built site: ``$COURSEWARE_SITE`` when set, else ``site/`` when ``make build`` has made it, else a
fresh ``mkdocs build`` into a temporary folder. Skipped only when nginx is not installed.
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from http_checks import assert_cache_rules, assert_precompressed_served, assert_wheels_not_reencoded

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "deploy" / "nginx" / "course.conf"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)

pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx 未安装（CI 会安装 Debian 的 nginx 包）")


def render_example(text: str, *, port: int, site: Path) -> str:
    """The example with only its `listen` and `root` lines changed, exactly as the guide tells admins to."""
    text, listens = re.subn(r"^(\s*)listen\s+80;", rf"\1listen 127.0.0.1:{port};", text, flags=re.MULTILINE)
    text, roots = re.subn(r"^(\s*)root\s+/srv/course/site;", rf"\1root {site};", text, flags=re.MULTILINE)
    assert (listens, roots) == (1, 1), "deploy/nginx/course.conf 必须恰好有一行 listen 80; 和一行 root /srv/course/site;"
    return text


def main_config(tmp: Path, course_conf: Path) -> str:
    mime = "include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").exists() else ""
    temp = "\n".join(
        f"    {name}_temp_path {tmp / name};" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""daemon off;
master_process off;
worker_processes 1;
pid {tmp / 'nginx.pid'};
error_log stderr warn;
events {{ worker_connections 64; }}
http {{
    {mime}
    default_type application/octet-stream;
    access_log off;
{temp}
    include {course_conf};
}}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def built_site(tmp_factory: pytest.TempPathFactory) -> Path:
    for candidate in (Path(os.environ.get("COURSEWARE_SITE", "/nonexistent")), ROOT / "site"):
        if (candidate / "index.html").is_file() and (candidate / "pyodide").is_dir():
            return candidate
    out = tmp_factory.mktemp("site")
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--quiet", "-d", str(out)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    if proc.returncode != 0:
        pytest.fail("网站构建失败，先运行 make build 看清错误：\n" + proc.stderr[-2000:])
    return out


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    site = built_site(tmp_path_factory)
    tmp = tmp_path_factory.mktemp("nginx")
    port = free_port()
    course_conf = tmp / "course.conf"
    course_conf.write_text(render_example(EXAMPLE.read_text(encoding="utf-8"), port=port, site=site), "utf-8")
    conf = tmp / "nginx.conf"
    conf.write_text(main_config(tmp, course_conf), "utf-8")
    check = subprocess.run([NGINX, "-t", "-p", str(tmp), "-e", "stderr", "-c", str(conf)],
                           capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stderr
    log = tmp / "nginx.log"
    with log.open("wb") as sink:
        proc = subprocess.Popen([NGINX, "-p", str(tmp), "-e", "stderr", "-c", str(conf)],
                                stdout=subprocess.DEVNULL, stderr=sink)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail("nginx 没有启动：" + log.read_text(errors="replace"))
                time.sleep(0.05)
        yield base, site
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def fetch(url: str, *, gzip_ok: bool = False) -> tuple[int, dict[str, str], bytes]:
    headers = {"Accept-Encoding": "gzip"} if gzip_ok else {}
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, {k.lower(): v for k, v in err.headers.items()}, err.read()


ISOLATION = {
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-embedder-policy": "require-corp",
    "cross-origin-resource-policy": "same-origin",
}


def test_home_page_is_html_with_isolation_headers(server):
    base, _ = server
    status, headers, body = fetch(base + "/")
    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert "电商客户服务与客户关系管理实训" in body.decode("utf-8")
    for name, value in ISOLATION.items():
        assert headers.get(name) == value, name
    assert headers["cache-control"] == "no-cache"


def test_chapter_pages_are_served(server):
    base, site = server
    for page in ("p4-analysis/classify/", "p5-communication/presale/", "p6-crm/case-study/", "teacher/deploy/"):
        if not (site / page / "index.html").is_file():
            pytest.fail(f"构建好的网站里没有 {page}")
        status, headers, body = fetch(base + "/" + page)
        assert status == 200, page
        assert headers["content-type"].startswith("text/html")
        assert "<h1" in body.decode("utf-8")


def test_wasm_mime_type_and_long_cache(server):
    base, site = server
    wasm = site / "pyodide" / "pyodide.asm.wasm"
    assert wasm.is_file()
    status, headers, body = fetch(base + "/pyodide/pyodide.asm.wasm")
    assert status == 200
    assert headers["content-type"] == "application/wasm"
    assert headers["cache-control"] == "public, max-age=604800"
    assert body[:4] == b"\0asm"
    assert len(body) == wasm.stat().st_size
    for name, value in ISOLATION.items():
        assert headers.get(name) == value, name


def test_wasm_is_gzipped_when_asked(server):
    base, site = server
    status, headers, body = fetch(base + "/pyodide/pyodide.asm.wasm", gzip_ok=True)
    assert status == 200
    assert headers.get("content-encoding") == "gzip"
    assert gzip.decompress(body) == (site / "pyodide" / "pyodide.asm.wasm").read_bytes()


def test_gzip_static_sends_the_builds_gz_copy_only_to_clients_that_accept_it(server):
    base, site = server
    assert_precompressed_served(base, site)


def test_wheels_are_not_reencoded(server):
    base, site = server
    assert_wheels_not_reencoded(base, site)


def test_cache_headers_match_the_course_server(server):
    base, site = server
    assert_cache_rules(base, site)


def test_pyodide_scripts_and_wheels(server):
    base, site = server
    status, headers, _ = fetch(base + "/pyodide/pyodide.mjs")
    assert status == 200
    assert headers["content-type"].startswith("text/javascript")
    status, headers, _ = fetch(base + "/pyodide/pyodide.js")
    assert status == 200
    assert "javascript" in headers["content-type"]
    status, headers, body = fetch(base + "/pyodide/pyodide-lock.json")
    assert status == 200
    assert headers["content-type"].startswith("application/json")
    wheel = next((site / "pyodide").glob("pandas-*.whl"))
    status, headers, body = fetch(base + "/pyodide/" + wheel.name)
    assert status == 200
    assert body[:2] == b"PK"
    assert headers["cache-control"] == "public, max-age=604800"


def test_default_data_is_served(server):
    base, site = server
    files = sorted(p for p in (site / "data").iterdir() if p.is_file()) if (site / "data").is_dir() else []
    if not files:
        pytest.fail("构建好的网站里没有 data/ 下的默认数据文件")
    status, headers, body = fetch(base + "/data/" + files[0].name)
    assert status == 200
    assert body == files[0].read_bytes()
    assert headers["cache-control"] == "no-cache"


def test_missing_page_gets_the_site_404(server):
    base, _ = server
    status, headers, body = fetch(base + "/no-such-page/")
    assert status == 404
    assert headers["content-type"].startswith("text/html")
    assert b"404" in body
    assert "cross-origin-opener-policy" in headers


def test_render_refuses_an_example_without_the_documented_lines():
    with pytest.raises(AssertionError):
        render_example("server { listen 8080; root /var/www; }", port=1234, site=Path("/tmp"))
