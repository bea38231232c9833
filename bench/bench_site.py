"""Size of the built site and the bytes a classroom server sends: per student and for a whole class.

``python bench/bench_site.py [SITE]`` prints
1. the site by part (the ``.gz`` copies written by the build are another encoding of the same files and are
   counted separately; the 35 MB limit is on the site's content);
2. bytes on the wire, measured in real Chromium against the course server (a counting subclass of
   ``courseware.serve.CourseHandler``): a student's first visit to the first exercise page
   - "before": no precompressed copies, no service worker (the course as it was),
   - "now": gzip copies + the service worker, until it has precached the whole site;
   then the next exercise page loaded anew in the same browser (a profile on disk, so the HTTP cache counts);
   and the whole-class estimate: 50 students at once on a 100 Mbit classroom LAN (12.5 MB/s shared).
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import ClassVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser_util import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from courseware.precompress import is_precompressed_copy  # noqa: E402
from courseware.serve import CourseHandler, make_server  # noqa: E402

LIMIT_MB = 35.0
CLASS_SIZE = 50
LAN_BYTES_PER_S = 100e6 / 8
WAIT_MS = 300_000


def files_of(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return [p for p in path.rglob("*") if p.is_file()] if path.exists() else []


def size_of(path: Path, *, gz: bool = False) -> int:
    return sum(p.stat().st_size for p in files_of(path) if is_precompressed_copy(p) == gz)


def wire_size(path: Path) -> int:
    """Bytes a gzip-accepting browser gets for the files under ``path`` (the .gz copy where there is one)."""
    total = 0
    for p in files_of(path):
        if is_precompressed_copy(p):
            continue
        gz = p.with_name(p.name + ".gz")
        total += gz.stat().st_size if gz.is_file() else p.stat().st_size
    return total


def size_table(site: Path) -> None:
    total = size_of(site)
    parts = {
        "pyodide/ (runtime + wheels)": site / "pyodide",
        "assets/courseware/ (widget, worker, mermaid, py bundle)": site / "assets" / "courseware",
        "data/ (default datasets)": site / "data",
        "search/ (search index)": site / "search",
        "assets/ (Material theme)": site / "assets",
    }
    print("| part | MB | share | MB sent with gzip |\n|---|---:|---:|---:|")
    for label, path in parts.items():
        size, wire = size_of(path), wire_size(path)
        if label.startswith("assets/ (Material"):
            size -= size_of(site / "assets" / "courseware")
            wire -= wire_size(site / "assets" / "courseware")
        print(f"| {label} | {size / 1e6:.2f} | {size / total:.0%} | {wire / 1e6:.2f} |")
    pages = len(list(site.rglob("*.html")))
    print(f"| **site/ total** ({pages} HTML pages) | **{total / 1e6:.2f}** | limit {LIMIT_MB:.0f} MB: "
          f"{'OK' if total / 1e6 < LIMIT_MB else 'OVER'} ({total / 1e6 / LIMIT_MB:.0%}) | {wire_size(site) / 1e6:.2f} |")
    print(f"| .gz copies written by the build (not counted above) | {size_of(site, gz=True) / 1e6:.2f} | | |")


class CountingHandler(CourseHandler):
    """Adds up the body bytes the server sends (headers are a few hundred bytes per file and left out)."""

    sent: ClassVar[list[int]] = [0]
    lock: ClassVar[threading.Lock] = threading.Lock()

    def copyfile(self, source, outputfile) -> None:
        start = source.tell()
        super().copyfile(source, outputfile)
        with self.lock:
            self.sent[0] += source.tell() - start


def first_exercise_pages(site: Path) -> list[str]:
    manifest = json.loads((site / "assets" / "courseware" / "py" / "manifest.json").read_text(encoding="utf-8"))
    pages: list[str] = []
    for entry in manifest["exercises"]:
        if entry.get("page") and entry["page"] not in pages:
            pages.append(entry["page"])
    return pages[:2]


def log(message: str) -> None:
    print(f"  … {message}", file=sys.stderr, flush=True)


def settle(quiet_s: float = 5.0, limit_s: float = 120.0) -> None:
    """Wait until the server has sent nothing for ``quiet_s`` seconds."""
    deadline = time.monotonic() + limit_s
    last, since = CountingHandler.sent[0], time.monotonic()
    while time.monotonic() < deadline and time.monotonic() - since < quiet_s:
        time.sleep(0.25)
        if CountingHandler.sent[0] != last:
            last, since = CountingHandler.sent[0], time.monotonic()


def measure(site: Path, *, modern: bool) -> dict[str, int]:
    CountingHandler.sent[0] = 0
    server = make_server(site, "127.0.0.1", 0, isolate=False, precompressed=modern, handler_class=CountingHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    first, second = first_exercise_pages(site)
    out: dict[str, int] = {}
    try:
        with sync_playwright() as p:
            # A profile on disk, as a student's browser has: its HTTP cache keeps Pyodide between pages.
            profile = tempfile.mkdtemp(prefix="bench-site-")
            context = p.chromium.launch_persistent_context(
                profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                service_workers="allow" if modern else "block")
            page = context.pages[0] if context.pages else context.new_page()
            page.goto(base + first)
            page.wait_for_function("() => window.courseware && window.courseware.ready", timeout=WAIT_MS)
            page.evaluate("() => window.courseware.ready")
            out["page ready"] = CountingHandler.sent[0]
            log(f"{'now' if modern else 'before'}: first page ready, {out['page ready'] / 1e6:.1f} MB")
            if modern:  # until the service worker has precached the site and taken over (then one reload)
                page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=WAIT_MS)
            settle()  # what the page loads in the background after ready (other tables, grader packages)
            out["first visit"] = CountingHandler.sent[0]
            log(f"first visit done, {out['first visit'] / 1e6:.1f} MB")
            page.close()  # a later lesson: a new page load in the same browser
            page = context.new_page()
            page.goto(base + second)
            page.wait_for_function("() => window.courseware && window.courseware.ready", timeout=WAIT_MS)
            page.evaluate("() => window.courseware.ready")
            settle()
            out["next lesson"] = CountingHandler.sent[0] - out["first visit"]
            context.close()
            shutil.rmtree(profile, ignore_errors=True)
    finally:
        server.shutdown()
        server.server_close()
    return out


def class_seconds(per_student: int) -> float:
    return CLASS_SIZE * per_student / LAN_BYTES_PER_S


def wire_table(site: Path) -> None:
    before, now = measure(site, modern=False), measure(site, modern=True)
    print(f"\nBytes on the wire (first exercise page {first_exercise_pages(site)[0]}, course server, Chromium):\n")
    print("| | before: plain files, no service worker | now: gzip copies + service worker | ratio |\n"
          "|---|---:|---:|---:|")
    print(f"| until the exercise is ready | {before['page ready'] / 1e6:.1f} MB | {now['page ready'] / 1e6:.1f} MB | "
          f"{now['page ready'] / before['page ready']:.2f} |")
    print(f"| whole first visit incl. background loading (now: + precache of the whole site) | "
          f"{before['first visit'] / 1e6:.1f} MB | "
          f"{now['first visit'] / 1e6:.1f} MB | {now['first visit'] / before['first visit']:.2f} |")
    print(f"| a later lesson (new page load, same browser) | {before['next lesson'] / 1e6:.2f} MB | {now['next lesson'] / 1e6:.2f} MB | |")
    print(f"| {CLASS_SIZE} students at once, 100 Mbit LAN: until every exercise is ready | "
          f"{class_seconds(before['page ready']):.0f} s | {class_seconds(now['page ready']):.0f} s | "
          f"{now['page ready'] / before['page ready']:.2f} |")
    print(f"| {CLASS_SIZE} students, whole first visit | {class_seconds(before['first visit']):.0f} s | "
          f"{class_seconds(now['first visit']):.0f} s | |")


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    site = Path(args[0]) if args else ROOT / "site"
    if not (site / "index.html").is_file():
        print("site/ 不存在：请先运行 make build。")
        return 2
    size_table(site)
    if "--no-browser" not in sys.argv:
        wire_table(site)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
