"""Benchmark 教师批改 in the browser against ``grader grade``: the same 50 students × 10 files.

The files are bench_grader's (each the instructor's key for that student's variant, CSV/XLSX/YAML/JSON).
Measured in the same run on this machine:

* CLI cold — ``grader grade DIR`` in a fresh process with an empty disk cache (bench_grader's "cold");
* page — a fresh Chromium profile opens a site built with the same exercises and the folder is picked on the
  ``::grading{}`` page (which starts the first grading worker); once that worker has loaded, 开始批改 is
  pressed; the clock stops when the status says done. Two figures: from the pick (start-up of the grading
  workers included, nothing cached: the goal's figure) and from 开始批改 (what a teacher who spent the start-up
  time on roster and policy waits). Workers: ``navigator.hardwareConcurrency − 1`` (≥ 1).

Goal: page ≤ 3 × CLI cold. Also checked: both give the same score for every file. A second CLI run with as
many processes as the page had workers separates the per-core cost of Pyodide from the worker count.

Set-up (not timed): the class's files are bench_grader's keys, built in parallel processes the first time
and kept in ``$BENCH_KEYS_DIR`` (default ``~/.cache/ecom-crm-bench``) under a digest of what they are made
from (each exercise folder's hash, the dataset generator's fingerprint, the serialiser and bench_grader's
own code, students × slots): a later run copies them instead of running every solution again.
``--fresh-keys`` rebuilds them.
Usage: ``.venv/bin/python bench/bench_webgrade.py [--students 50] [--slots 10] [--fresh-keys]``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from bench_grader import grade_cold, make_files, usable_exercises  # noqa: E402
from browser_util import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402
from widget_site import build_project, bundle_web, write_project  # noqa: E402

from grader.cache import datasets_fingerprint  # noqa: E402
from grader.spec import ExerciseSpec, spec_hash  # noqa: E402

PAGE = "# 在网页里批改\n\n::grading{}\n"
KEYS_DIR = Path(os.environ.get("BENCH_KEYS_DIR") or Path.home() / ".cache" / "ecom-crm-bench")
COMPLETE = "complete.json"
"""Written last into a cached key set: the list of its files (a set without it is ignored and rebuilt)."""


def keys_digest(specs: dict[str, ExerciseSpec], students: int, slots: int) -> str:
    """What a key set is made from: exercise folders, the dataset generator, the serialiser and bench_grader."""
    digest = hashlib.sha256(f"{students}x{slots}|{datasets_fingerprint()}".encode())
    for ex in sorted(specs):
        digest.update(f"|{ex}={spec_hash(specs[ex].folder)}".encode())
    for source in (ROOT / "grader" / "serialize.py", ROOT / "bench" / "bench_grader.py"):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:20]


def class_files(folder: Path, specs: dict[str, ExerciseSpec], students: int, slots: int, *,
                fresh: bool = False) -> tuple[list[Path], float, str]:
    """The class's files in ``folder``: copied from the cached key set, else built (bench_grader's parallel
    key generation) and cached. Returns (files, set-up seconds, where they came from)."""
    start = time.perf_counter()
    cached = KEYS_DIR / keys_digest(specs, students, slots)
    listing = cached / COMPLETE
    if not fresh and listing.is_file():
        names = json.loads(listing.read_text("utf-8"))
        if all((cached / "class" / n).is_file() for n in names):
            shutil.copytree(cached / "class", folder, dirs_exist_ok=True)
            return [folder / n for n in names], time.perf_counter() - start, f"cached key set {cached}"
    files, _ids, _setup = make_files(folder, specs, students, slots)
    try:  # cache for the next run; a failure here only costs the next run the same set-up
        KEYS_DIR.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix="keys-", dir=KEYS_DIR))
        shutil.copytree(folder, tmp / "class")
        (tmp / COMPLETE).write_text(json.dumps([f.relative_to(folder).as_posix() for f in files]), "utf-8")
        shutil.rmtree(cached, ignore_errors=True)
        tmp.rename(cached)
    except OSError as exc:
        print(f"  (key set not cached: {exc})", file=sys.stderr)
    return files, time.perf_counter() - start, "built (bench_grader's parallel key generation), cached for next time"


def grade_in_page(site: Path, folder: Path) -> tuple[float, dict, dict]:
    from playwright.sync_api import sync_playwright  # noqa: PLC0415  (only when the bench runs)

    with serve(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.goto(base)
        page.locator(".grading").wait_for()
        picked = time.perf_counter()
        page.locator(".grading [data-role=folder]").set_input_files(str(folder))
        page.wait_for_function("() => window.courseware.grading.standbyReady()", timeout=600_000, polling=100)
        clicked = time.perf_counter()
        page.locator(".grading [data-action=grade]").click()
        page.wait_for_function(
            "() => ['done', 'error'].includes(document.querySelector('.grading [data-role=status]').dataset.state)",
            timeout=3_600_000, polling=500)
        done = time.perf_counter()
        book = page.evaluate("() => window.courseware.grading.gradebook()")
        stats = page.evaluate("() => window.courseware.grading.stats()")
        browser.close()
    return {"pick": done - picked, "click": done - clicked}, book, stats


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=50)
    parser.add_argument("--slots", type=int, default=10)
    parser.add_argument("--fresh-keys", action="store_true", help="rebuild the class's files even if cached")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-webgrade-") as tmp_name:
        tmp = Path(tmp_name)
        specs, broken = usable_exercises(tmp / "exercises")
        folder = tmp / "class"
        folder.mkdir()
        files, setup, origin = class_files(folder, specs, args.students, args.slots, fresh=args.fresh_keys)
        print(f"  set-up: {len(files)} files in {setup:.1f} s ({origin})", file=sys.stderr, flush=True)
        site = build_project(write_project(tmp / "project", web_dir=bundle_web(tmp / "web"),
                                           exercises_dir=tmp / "exercises", pages={"index.md": PAGE}))
        cli_seconds, cli_book = grade_cold(folder, tmp / "exercises", tmp / "cli.json", cache=tmp / "cache")
        page_times, page_book, stats = grade_in_page(site, folder)
        page_seconds = page_times["pick"]
        workers = int(stats.get("workersCreated") or 1)
        # the same number of processes as the page has workers: the per-core cost of Pyodide alone
        cli_same, _ = grade_cold(folder, tmp / "exercises", tmp / "cli2.json", cache=tmp / "cache2", jobs=workers)
    cli_scores = {r["file"].split("/class/", 1)[-1]: r["score"] for r in cli_book["results"]}
    page_scores = {r["file"].split("class/", 1)[-1]: r["score"] for r in page_book["results"]} if page_book else {}
    same = sum(1 for f, s in cli_scores.items() if page_scores.get(f) == s)
    print(f"教师批改 in the browser vs grader grade — {args.students} students × {args.slots} files = {len(files)} files,"
          f" {os.cpu_count()} cores" + (f"; skipped broken specs: {', '.join(broken)}" if broken else ""))
    print()
    print("| measure | seconds | ratio to CLI cold |")
    print("|---|---|---|")
    print(f"| CLI cold (`grader grade`, empty cache, -j {os.cpu_count()}) | {cli_seconds:.1f} | 1.00 |")
    print(f"| page, cold from the pick (Pyodide start-up included, {stats.get('workersCreated', '?')} grading worker(s)) |"
          f" {page_seconds:.1f} | {page_seconds / cli_seconds:.2f} |")
    print(f"| page, from 开始批改 (the worker started at the pick had loaded) | {page_times['click']:.1f} |"
          f" {page_times['click'] / cli_seconds:.2f} |")
    print(f"| CLI cold with as many processes as the page's workers (-j {workers}) | {cli_same:.1f} |"
          f" page / this = {page_seconds / cli_same:.2f} (Pyodide per core) |")
    phases = stats.get("phases") or {}
    print(f"| of which: start-up left after the pick {phases.get('start', float('nan')):.1f} · files into the worker"
          f" {phases.get('load', float('nan')):.1f} · grading {phases.get('grade', float('nan')):.1f} · merge (copies,"
          f" policy, summary) {phases.get('merge', float('nan')):.1f} | | |")
    start = stats.get("timings") or {}
    print(f"| of which first worker start-up (Pyodide, packages, import) | {start.get('import', float('nan')):.1f} | |")
    print()
    print(f"same score for {same} / {len(cli_scores)} files; goal: page ≤ 3 × CLI cold"
          f" → {'met' if page_seconds <= 3 * cli_seconds else 'NOT met'}")
    print(json.dumps({"cli": cli_seconds, "cli_same_workers": cli_same, "page": page_seconds,
                      "page_from_click": page_times["click"], "stats": stats},
                     ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
