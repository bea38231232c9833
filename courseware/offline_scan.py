"""Find every resource URL in a built site that points to another host (the site must work offline).

HTML: attributes that make the browser load something (``script[src]``, ``link[href]`` except plain navigation,
``img[src|srcset]``, ``iframe[src]`` …), inline ``style`` and ``<style>``. CSS: ``url(…)`` and ``@import``.
JavaScript: every absolute ``http(s)://`` or protocol-relative URL literal, except XML namespace names (never
fetched) and the few entries of ``KNOWN_INERT`` — code paths that cannot run in this site, each with the reason.
Plain hyperlinks (``<a href>``) to cite a source are allowed.

``python -m courseware.offline_scan site`` prints the findings and exits 1 if there are any.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

# Attributes that load a resource, by tag ("*" = any tag).
RESOURCE_ATTRS: dict[str, tuple[str, ...]] = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "frame": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "audio": ("src",),
    "video": ("src", "poster"),
    "track": ("src",),
    "input": ("src",),
    "image": ("href", "xlink:href"),
    "use": ("href", "xlink:href"),
}
# <link rel=…> values that only navigate (not loaded by the browser on page load).
NAVIGATION_RELS = {"canonical", "alternate", "next", "prev", "author", "license", "help", "search"}
CSS_URL_RE = re.compile(r"""url\(\s*['"]?([^'")\s]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""", re.IGNORECASE)
JS_LITERAL_URL_RE = re.compile(r"""['"`]((?:https?:)?//[a-zA-Z0-9][a-zA-Z0-9.-]*\.[a-zA-Z]{2,}[^'"`\s]*)""")

# Hosts whose URLs are identifiers, not requests (XML namespaces and the like).
NAMESPACE_HOSTS = {"www.w3.org", "w3.org", "www.sitemaps.org"}

# (file glob under the site, host): why that literal never turns into a request in this site.
KNOWN_INERT: dict[tuple[str, str], str] = {
    ("pyodide/pyodide.mjs", "cdn.jsdelivr.net"): "Pyodide's package CDN fallback is used under Node.js only; "
    "in the browser packages load from indexURL (the site's own pyodide/), as the browser tests' request log proves.",
    ("pyodide/pyodide.js", "cdn.jsdelivr.net"): "Same file as pyodide.mjs in classic-script form.",
    ("assets/javascripts/bundle.*.min.js", "api.github.com"): "Material's repository facts; runs only when "
    "mkdocs.yml sets repo_url, which this site does not (tests/test_offline.py checks it).",
}


@dataclass(frozen=True)
class Finding:
    """One reference from a built file to another host."""

    file: str
    url: str
    where: str

    def __str__(self) -> str:
        return f"{self.file}: {self.where} → {self.url}"


def external_host(url: str) -> str | None:
    """The host of an absolute or protocol-relative URL, or None for local/relative/data URLs."""
    url = url.strip()
    if url.startswith("//"):
        url = "http:" + url
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    host = parts.hostname or ""
    if host in ("localhost", "127.0.0.1", "::1"):
        return None
    return host


class _HtmlScanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hits: list[tuple[str, str]] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: (v or "") for k, v in attrs}
        names = RESOURCE_ATTRS.get(tag, ())
        if tag == "link":
            rels = set(values.get("rel", "").lower().split())
            if rels and not rels <= NAVIGATION_RELS:
                names = ("href",)
        for name in names:
            for url in _split_srcset(values.get(name, "")) if name == "srcset" else [values.get(name, "")]:
                if external_host(url):
                    self.hits.append((f"<{tag} {name}>", url))
        if "style" in values:
            self.hits.extend(("style=", url) for url in css_urls(values["style"]) if external_host(url))
        if tag == "style":
            self._in_style = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.hits.extend(("<style>", url) for url in css_urls(data) if external_host(url))


def _split_srcset(value: str) -> list[str]:
    return [item.strip().split(" ")[0] for item in value.split(",") if item.strip()]


def css_urls(text: str) -> list[str]:
    return [a or b for a, b in CSS_URL_RE.findall(text)]


def _inert(rel: str, host: str) -> bool:
    path = Path(rel)
    return any(path.match(pattern) and host == inert_host for pattern, inert_host in KNOWN_INERT)


def scan_file(path: Path, rel: str) -> list[Finding]:
    text = path.read_text(encoding="utf-8", errors="replace")
    suffix = path.suffix.lower()
    found: list[Finding] = []
    if suffix in (".html", ".htm"):
        scanner = _HtmlScanner()
        scanner.feed(text)
        found += [Finding(rel, url, where) for where, url in scanner.hits]
        for script in re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", text, re.S | re.I):
            found += _scan_js(script, rel)
    elif suffix == ".css":
        found += [Finding(rel, url, "url()") for url in css_urls(text) if external_host(url)]
    elif suffix in (".js", ".mjs"):
        found += _scan_js(text, rel)
    return found


def _scan_js(text: str, rel: str) -> list[Finding]:
    found = []
    for url in JS_LITERAL_URL_RE.findall(text):
        host = external_host(url)
        if host is None or host in NAMESPACE_HOSTS or _inert(rel, host):
            continue
        found.append(Finding(rel, url, "JS literal"))
    return found


def scan(site: Path) -> list[Finding]:
    """Every reference to another host in the HTML, CSS and JS files of a built site."""
    findings: list[Finding] = []
    for path in sorted(site.rglob("*")):
        if path.is_file() and path.suffix.lower() in (".html", ".htm", ".css", ".js", ".mjs"):
            findings += scan_file(path, path.relative_to(site).as_posix())
    return findings


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    site = Path(args[0] if args else "site")
    findings = scan(site)
    for finding in findings:
        print(finding)
    print(f"{len(findings)} 处引用了其他主机的资源" if findings else "没有引用其他主机的资源：网站可离线使用。")
    return 1 if findings else 0


if __name__ == "__main__":
    raise SystemExit(main())
