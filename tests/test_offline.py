"""The built site loads nothing from any host but its own."""

from __future__ import annotations

import gzip
import hashlib
import re
from pathlib import Path

import yaml

from courseware.offline_scan import external_host, scan
from courseware.precompress import is_precompressed_copy

ROOT = Path(__file__).resolve().parent.parent


def test_built_site_references_no_other_host(site_dir):
    findings = scan(site_dir)
    assert findings == [], "\n".join(map(str, findings))


def test_scan_covers_the_runtime_files(site_dir):
    # The scan must actually see the big third-party bundles, or a clean result means nothing.
    for rel in ("pyodide/pyodide.mjs", "assets/courseware/courseware.js", "assets/courseware/vendor/mermaid.min.js", "sw.js"):
        assert (site_dir / rel).is_file(), rel
    bundles = list((site_dir / "assets/javascripts").glob("bundle.*.min.js"))
    assert bundles and "unpkg.com" not in bundles[0].read_text(encoding="utf-8")


def test_theme_loads_no_web_fonts_and_no_repo_facts():
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace("!!python/name:", ""))
    assert config["theme"]["font"] is False
    assert "repo_url" not in config  # Material would query api.github.com for stars and forks


def _write(tmp: Path, rel: str, text: str) -> None:
    path = tmp / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_scanner_finds_each_kind_of_external_resource(tmp_path):
    _write(tmp_path, "a/index.html", """<html><head>
        <link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Noto+Sans+SC">
        <script src="//cdn.jsdelivr.net/npm/x.js"></script>
        <link rel="canonical" href="https://example.org/a/">
        </head><body style="background:url('https://img.example.com/bg.png')">
        <a href="https://www.gov.cn/">引用来源</a>
        <img srcset="local.png 1x, https://img.example.com/2x.png 2x">
        <script>fetch("https://api.example.net/track")</script>
        </body></html>""")
    _write(tmp_path, "b.css", "@import 'https://fonts.example.com/x.css'; .a{background:url(/local.png)}")
    _write(tmp_path, "c.js", 'const ns="http://www.w3.org/2000/svg"; import("https://esm.sh/lib");')
    found = {(f.file, external_host(f.url)) for f in scan(tmp_path)}
    assert found == {
        ("a/index.html", "fonts.googleapis.com"),
        ("a/index.html", "cdn.jsdelivr.net"),
        ("a/index.html", "img.example.com"),
        ("a/index.html", "api.example.net"),
        ("b.css", "fonts.example.com"),
        ("c.js", "esm.sh"),
    }


def precache_list(site: Path) -> dict[str, str]:
    """url → revision of the list workbox-build injected into sw.js."""
    text = (site / "sw.js").read_text(encoding="utf-8")
    return dict((url, rev) for rev, url in re.findall(r'\{"revision":"([0-9a-f]+)","url":"([^"]+)"\}', text))


def test_service_worker_precaches_every_file_of_the_site(site_dir):
    listed = precache_list(site_dir)
    files = {p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*") if p.is_file()}
    expected = {f for f in files if f != "sw.js" and not is_precompressed_copy(site_dir / f)}
    assert set(listed) == expected
    for rel in ("pyodide/pyodide.asm.wasm", "pyodide/python_stdlib.zip", "index.html",
                "assets/courseware/py/manifest.json", "data/chihuo-data.zip"):
        assert rel in listed, rel
    # Revisions are content hashes: the same bytes, the same revision (a new build re-downloads only changes).
    wasm = site_dir / "pyodide" / "pyodide.asm.wasm"
    assert listed["pyodide/pyodide.asm.wasm"] == hashlib.md5(wasm.read_bytes()).hexdigest()


def test_precompressed_copies_are_gzip_of_their_file(site_dir):
    copies = [p for p in site_dir.rglob("*.gz") if is_precompressed_copy(p)]
    assert any(p.name == "pyodide.asm.wasm.gz" for p in copies)
    assert not [p for p in copies if p.name.endswith((".whl.gz", ".zip.gz"))]
    for copy in copies:
        assert gzip.decompress(copy.read_bytes()) == copy.with_name(copy.name[:-3]).read_bytes(), copy
