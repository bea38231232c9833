"""Benchmark of the student's loop in headless Chromium against the built site, beside a floor measured in Node.

Prints one table, every figure measured in this run:
- floor: Node.js loads the site's own Pyodide + pandas and imports pandas, no page (with its breakdown);
- cold: a fresh browser profile opens an exercise page → status ready (ratio to the floor of the same round),
  with the worker's breakdown (Pyodide start incl. wasm compile and stdlib, package unpack, import pandas,
  bundle, data unpack; after ready: grader packages, grader import, reference answer);
- next page: a click in the navigation to another exercise page of the same tab → that page ready;
- reload: the same exercise page reloaded (browser cache, bytecode cache) → ready (ratio to the floor); the visit uses
  a fresh on-disk profile, as a student's browser does: Chromium keeps compiled wasm in its code cache there (an
  incognito context, Playwright's default, keeps none and compiles pyodide.asm.wasm again on every reload);
- 检查 first (after the background work) and second, DOMContentLoaded of an exercise page;
- 停止 → usable for `while True` and `time.sleep` on the course server (interrupt buffer) and on a plain static
  host without isolation (the spare worker);
- 停止 during one long C call on the course server (no interrupt reaches it): from the click on 停止 to the widget
  usable (run over, code kept), to 运行 enabled again, and to a following `print(1)` done; once with the spare
  (loaded after a few seconds of run) ready, once pressed after 1 s (no spare yet: a full restart).

Usage: ``python bench/bench_browser.py [--site DIR] [--runs N]`` (default: the site built by ``make build``).
The machine's load average is printed: on a shared machine the absolute figures move with it, the ratios less.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser_util import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402  (tests/ helper)

FIRST, SECOND = "old-customers", "community-groups"
TIMEOUT_MS = 300_000
GOALS = {"next": 0.5, "cold_ratio": 1.3, "reload_ratio": 0.7, "check2": 0.5, "check1": 1.5, "dcl": 1.0, "stop": 1.0}
LOOP = "while True:\n    pass\n"
SLEEP = "import time\ntime.sleep(600)\n"
C_CALL = "import numpy as np\nnp.convolve(np.ones(10**6), np.ones(10**6))\n"  # ~10^12 flops in one C call

FLOOR_JS = """
import { resolve } from "node:path";
import { readFileSync } from "node:fs";
const indexDir = resolve(process.argv[1]) + "/";
const lap = (t) => (performance.now() - t) / 1000;
let t = performance.now();
await WebAssembly.compile(readFileSync(indexDir + "pyodide.asm.wasm"));
const wasm = lap(t);
t = performance.now();
const { loadPyodide } = await import(indexDir + "pyodide.mjs");
const py = await loadPyodide({ indexURL: indexDir, stdout: () => {}, stderr: () => {} });
const load = lap(t);
t = performance.now();
await py.loadPackage(["pandas"], { messageCallback: () => {} });
const packages = lap(t);
t = performance.now();
py.runPython("import pandas");
const imp = lap(t);
console.log(JSON.stringify({ wasm_compile: wasm, pyodide: load, packages, import_pandas: imp, total: load + packages + imp }));
"""

READY_JS = """async () => {
  while (!(window.courseware && window.courseware.ready)) await new Promise((r) => setTimeout(r, 20));
  await window.courseware.ready;
  return performance.now() / 1000;
}"""
IDLE_JS = """async () => {
  const rt = window.courseware.runtime;
  while (!rt.idleDone) await new Promise((r) => setTimeout(r, 20));
  await rt.idleDone;                 // tables, grader, reference answers, bytecode cache: all done
  await rt.send("timings");          // and nothing else queued
  return rt.timings;
}"""
CHECK_JS = """async ([id, code]) => {
  const t0 = performance.now();
  const out = await window.courseware.runtime.exec("check", { exercise: id, code });
  if (out.error || !out.check || out.check.status === "error") throw new Error(JSON.stringify(out).slice(0, 300));
  return (performance.now() - t0) / 1000;
}"""
STOP_JS = """async ([id, code]) => {
  const rt = window.courseware.runtime;
  await rt.send("timings");                       // background work done: the code really runs
  const run = rt.exec("run", { exercise: id, code }).catch((err) => err);
  while (!rt.running) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 500));   // let it run a little
  const t0 = performance.now();
  await rt.stop();
  await run;
  await rt.ready;
  return (performance.now() - t0) / 1000;
}"""
C_STOP_JS = """async ([id, code, waitSpare]) => {
  const rt = window.courseware.runtime;
  const root = document.querySelector(`.exercise[data-exercise="${id}"]`);
  const status = root.querySelector("[data-role=status]");
  const pause = (ms) => new Promise((r) => setTimeout(r, ms));
  const until = async (ok) => { while (!ok()) await pause(5); return (performance.now() - t0) / 1000; };
  while (!rt.idleDone) await pause(20);
  await rt.idleDone;
  await rt.send("timings");                       // background work done: the code really runs
  window.courseware.setCode(id, code);
  root.querySelector("[data-action=run]").click();
  while (!rt.running) await pause(10);
  const busy = rt.current;
  if (waitSpare) while (!(rt.spare && rt.spare.isReady)) await pause(50);
  else await pause(1000);
  let t0 = performance.now();
  root.querySelector("[data-action=stop]").click();
  const usable = await until(() => status.dataset.state !== "running" && window.courseware.getCode(id) === code);
  const ready = await until(() => status.dataset.state === "ready");
  window.courseware.setCode(id, "print(1)");
  root.querySelector("[data-action=run]").click();
  const printed = await until(() => status.dataset.state === "ready" && !root.querySelector(".cw-stale")
    && root.querySelector("[data-role=output]").innerText.split(/\\s+/).includes("1"));
  if (rt.current === busy) throw new Error("the C call was interrupted: no worker was replaced");
  return { usable, ready, printed };
}"""
NEXT_JS = """([id, selector]) => new Promise((resolve) => {
  const t0 = performance.now();
  document.querySelector(selector).click();
  const check = () => {
    const status = document.querySelector(`.exercise[data-exercise="${id}"] [data-role=status]`);
    if (status && status.dataset.state === "ready") window.courseware.ready.then(() => resolve((performance.now() - t0) / 1000));
    else requestAnimationFrame(check);
  };
  check();
})"""


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def node_floor() -> dict[str, float]:
    proc = subprocess.run(["node", "--input-type=module", "-e", FLOOR_JS, str(ROOT / "build" / "pyodide")],
                          capture_output=True, text=True, check=True, timeout=600)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def exercise_pages(site: Path) -> dict[str, str]:
    manifest = json.loads((site / "assets/courseware/py/manifest.json").read_text(encoding="utf-8"))
    return {e["id"]: e["page"] for e in manifest["exercises"]}


def cold_visit(playwright, base: str, pages: dict[str, str], solution: str, round_no: int) -> dict[str, float]:
    """One fresh profile (on disk): cold ready, DCL, checks, next page, reload, stops (interrupt path)."""
    profile = tempfile.mkdtemp(prefix="bench-profile-")
    context = playwright.chromium.launch_persistent_context(
        profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS, viewport={"width": 1280, "height": 900},
        service_workers="block")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(base + pages[FIRST], wait_until="commit")
    out: dict[str, float] = {"cold": page.evaluate(READY_JS)}
    page.wait_for_load_state("domcontentloaded")
    out["dcl"] = page.evaluate("performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd / 1000")
    timings = page.evaluate(IDLE_JS)
    out.update({f"page_{k}": v for k, v in timings.items() if isinstance(v, int | float)})
    if round_no == 0:
        # The same worker throughout (a run over 4 s may start a spare and drop it: not counted here).
        page.evaluate("window.courseware.runtime.current.benchMark = true")
        same_worker = "window.courseware.runtime.current.benchMark === true"
        out["check1"] = page.evaluate(CHECK_JS, [FIRST, solution])
        out["check2"] = page.evaluate(CHECK_JS, [FIRST, solution])
        out["stop_loop"] = page.evaluate(STOP_JS, [FIRST, LOOP])
        out["stop_sleep"] = page.evaluate(STOP_JS, [FIRST, SLEEP])
        assert page.evaluate(same_worker), "停止 replaced the worker"
        page.evaluate(IDLE_JS)
        link = f"nav.md-nav a.md-nav__link[href$='{pages[SECOND]}']"
        out["next"] = page.evaluate(NEXT_JS, [SECOND, link])
        assert page.evaluate(same_worker), "navigation replaced the worker"
        page.evaluate(IDLE_JS)  # the bytecode cache is written once the worker is idle
        out["reload_floor"] = node_floor()["total"]  # the load moves: a floor right before the reload
        page.goto(base + pages[FIRST], wait_until="commit")
        out["reload"] = page.evaluate(READY_JS)
        page.wait_for_load_state("domcontentloaded")
        out["reload_dcl"] = page.evaluate("performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd / 1000")
        out.update({f"reload_{k}": v for k, v in page.evaluate(IDLE_JS).items() if isinstance(v, int | float)})
    context.close()
    shutil.rmtree(profile, ignore_errors=True)
    return out


def ready_page(browser, url: str):
    """A new context without service workers, the page at ``url`` opened and ready."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(url)
    page.evaluate(READY_JS)
    return context, page


def plain_stops(browser, base: str, pages: dict[str, str]) -> dict[str, float]:
    """A host without cross-origin isolation (no service worker): 停止 swaps in the spare worker."""
    context, page = ready_page(browser, base + pages[FIRST])
    out = {}
    for name, code in (("plain_stop_loop", LOOP), ("plain_stop_sleep", SLEEP)):
        page.evaluate("window.courseware.runtime.spareReady")
        out[name] = page.evaluate(STOP_JS, [FIRST, code])
    context.close()
    return out


def c_call_stops(browser, base: str, pages: dict[str, str]) -> dict[str, float]:
    """The course server: 停止 during one long C call, with the spare ready and before there is one."""
    context, page = ready_page(browser, base + pages[FIRST])
    out = {}
    for name, wait_spare in (("c_stop_spare", True), ("c_stop_early", False)):
        for key, value in page.evaluate(C_STOP_JS, [FIRST, C_CALL, wait_spare]).items():
            out[f"{name}_{key}"] = value
    context.close()
    return out


def med(rows: list[dict[str, float]], key: str) -> float | None:
    values = [r[key] for r in rows if key in r]
    return statistics.median(values) if values else None


def fmt(value: float | None, unit: str = "s") -> str:
    if value is None:
        return "–"
    return f"{value * 1000:.0f} ms" if unit == "ms" else f"{value:.2f} s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=Path(os.environ.get("COURSEWARE_SITE", ROOT / "site")))
    parser.add_argument("--runs", type=int, default=2, help="cold visits (each beside its own floor)")
    args = parser.parse_args()
    site = args.site.resolve()
    if not (site / "assets/courseware/py/manifest.json").is_file():
        raise SystemExit(f"{site} is not a built site: run make build (or pass --site).")
    pages = exercise_pages(site)
    solution = (ROOT / "exercises" / FIRST / "solution.py").read_text(encoding="utf-8")
    load_before = load_average()
    floors, visits = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        with serve(site, isolate=True) as base:
            for i in range(args.runs):
                floor_now = node_floor()  # right before each visit: the load changes by the minute
                visits.append(cold_visit(p, base, pages, solution, i))
                floors.append(floor_now)
            c_stops = c_call_stops(browser, base, pages)
        with serve(site, isolate=False) as base:
            plain = plain_stops(browser, base, pages)
        browser.close()
    load_after = load_average()

    floor = med(floors, "total")
    cold_ratio = statistics.median(v["cold"] / f["total"] for v, f in zip(visits, floors, strict=True))
    first = visits[0]
    reload_ratio = first["reload"] / first["reload_floor"]

    def breakdown(prefix: str, row: dict[str, float]) -> str:
        names = [("pyodide", "Pyodide start (wasm + stdlib)"), ("pyc_restore", "bytecode cache restore"),
                 ("packages", "package unpack"), ("import_pandas", "import pandas"), ("bundle", "course bundle"),
                 ("data", "data unpack")]
        return ", ".join(f"{label} {row[prefix + key]:.2f}" for key, label in names if prefix + key in row)

    after = ", ".join(f"{label} {first.get('page_' + key, 0):.2f}" for key, label in
                      (("grader_packages", "grader packages"), ("grader_import", "grader import"),
                       ("prepare", "reference answer"), ("all_tables", "other tables"),
                       ("pyc_save", "bytecode cache save")))
    node = floors[0]
    rows = [
        ("Node floor: Pyodide + pandas, import", fmt(floor),
         f"wasm compile {node['wasm_compile']:.2f} (separate), loadPyodide {node['pyodide']:.2f}, "
         f"packages {node['packages']:.2f}, import pandas {node['import_pandas']:.2f}", "–"),
        ("cold: navigation → ready", fmt(med(visits, "cold")), breakdown("page_", first), "–"),
        ("cold / floor (median of pairs)", f"{cold_ratio:.2f}", "", f"≤ {GOALS['cold_ratio']}"),
        ("background after ready (s)", fmt(first.get("page_prepare")), after, "–"),
        ("next exercise page (nav click → ready)", fmt(first.get("next")), "same tab, same worker", f"≤ {GOALS['next']} s"),
        ("reload → ready", fmt(first.get("reload")), breakdown("reload_", first), "–"),
        ("reload / floor (floor measured just before)", f"{reload_ratio:.2f}", f"floor {first['reload_floor']:.2f}",
         f"≤ {GOALS['reload_ratio']}"),
        ("检查 first (after background work)", fmt(first.get("check1")), "old-customers solution", f"≤ {GOALS['check1']} s"),
        ("检查 second", fmt(first.get("check2")), "", f"≤ {GOALS['check2']} s"),
        ("DOMContentLoaded (cold / reload)", f"{fmt(med(visits, 'dcl'))} / {fmt(first.get('reload_dcl'))}", "",
         f"≤ {GOALS['dcl']} s"),
        ("停止 → usable, while True (interrupt)", fmt(first.get("stop_loop")), "course server, COOP/COEP",
         f"≤ {GOALS['stop']} s"),
        ("停止 → usable, time.sleep (interrupt)", fmt(first.get("stop_sleep")), "course server, COOP/COEP",
         f"≤ {GOALS['stop']} s"),
        ("停止 → usable, while True (spare)", fmt(plain.get("plain_stop_loop")), "plain host, no isolation",
         f"≤ {GOALS['stop']} s"),
        ("停止 → usable, time.sleep (spare)", fmt(plain.get("plain_stop_sleep")), "plain host, no isolation",
         f"≤ {GOALS['stop']} s"),
        ("停止 → usable, long C call, spare ready (isolated)", fmt(c_stops.get("c_stop_spare_usable")),
         f"运行 enabled {fmt(c_stops.get('c_stop_spare_ready'))}, print(1) done {fmt(c_stops.get('c_stop_spare_printed'))}",
         f"≤ {GOALS['stop']} s"),
        ("停止 → usable, long C call after 1 s, no spare (isolated)", fmt(c_stops.get("c_stop_early_usable")),
         f"运行 enabled {fmt(c_stops.get('c_stop_early_ready'))} (full restart), "
         f"print(1) done {fmt(c_stops.get('c_stop_early_printed'))}", f"≤ {GOALS['stop']} s"),
    ]
    print(f"browser runtime, headless Chromium, site {site}; load average before {load_before}, after {load_after}")
    width = max(len(r[0]) for r in rows)
    print(f"| {'measure'.ljust(width)} | result | detail (s) | goal |")
    print(f"|{'-' * (width + 2)}|--------|------------|------|")
    for name, value, detail, goal in rows:
        print(f"| {name.ljust(width)} | {value} | {detail} | {goal} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
