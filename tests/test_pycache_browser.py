"""The bytecode cache across visits (web/src/pycache.js) in a real headless Chromium.

The first visit stores the bytecode once the worker is idle; a reload writes it into the file system before
Python starts: the standard library then comes from the cached zip (bytecode beside the sources, first on
PYTHONPATH), and everything still behaves as from sources: tracebacks through stdlib code show its lines, and a
stdlib module the first visit never imported (so without bytecode in the cache) still imports.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_util import CHROMIUM, CHROMIUM_ARGS, serve
from widget_site import EXERCISE_ID, ROOT, build_project, bundle_web, write_project

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LOAD_TIMEOUT_MS = 240_000
STDLIB_ZIP = "/lib/courseware-stdlib.zip/"
PROBE = """\
import json, sys, traceback
import fractions  # not imported by the first visit: source only in the cached zip
print("JSON", json.__spec__.origin)
print("FRACTIONS", fractions.__spec__.origin, fractions.Fraction(1, 3) + fractions.Fraction(1, 6))
print("PATH", sys.path.index("/lib/courseware-stdlib.zip") < sys.path.index("/lib/python312.zip"))
try:
    json.dumps(object())
except TypeError:
    print(traceback.format_exc())
"""


@pytest.fixture(scope="module")
def site_url(tmp_path_factory) -> Iterator[str]:
    if not (ROOT / "build" / "pyodide" / "pyodide.mjs").is_file():
        pytest.fail("build/pyodide 不存在：请先运行 make setup（准备 Pyodide）。")
    root = tmp_path_factory.mktemp("pycache-site")
    site: Path = build_project(write_project(root, web_dir=bundle_web(root / "bundle")))
    with serve(site) as base:
        yield base


def ready_and_idle(page) -> dict:
    page.wait_for_function("window.courseware && window.courseware.runtime && window.courseware.ready.then(() => true)",
                           timeout=LOAD_TIMEOUT_MS)
    page.wait_for_function("window.courseware.runtime.idleDone !== null", timeout=LOAD_TIMEOUT_MS)
    page.evaluate("window.courseware.runtime.idleDone")
    return page.evaluate("window.courseware.runtime.send('pycache')")


def test_reload_starts_python_from_the_cached_bytecode(site_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(service_workers="block")
        page = context.new_page()
        page.set_default_timeout(LOAD_TIMEOUT_MS)
        errors: list[str] = []
        page.on("pageerror", lambda err: errors.append(str(err)))

        page.goto(site_url)
        first = ready_and_idle(page)
        assert first["restored"] > 0 and first["saved"] == 0, first  # saved when idle (the handler's second call)
        size = page.evaluate("""() => new Promise((resolve, reject) => {
            const req = indexedDB.open("courseware-pycache");
            req.onerror = () => reject(req.error);
            req.onsuccess = () => {
              const get = req.result.transaction("pyc").objectStore("pyc").get("current");
              get.onsuccess = () => resolve([get.result.bytes.byteLength, get.result.stdlib.byteLength]);
            };
        })""")
        assert size[0] > 1_000_000 and size[1] > 2_000_000, size  # site-packages' bytecode; stdlib zip + bytecode

        page.reload()
        again = ready_and_idle(page)
        assert again == {"saved": 0, "restored": sum(size)}, again
        out = page.evaluate("([id, code]) => window.courseware.runtime.exec('run', {exercise: id, code})",
                            [EXERCISE_ID, PROBE])
        assert out["error"] is None, json.dumps(out["error"], ensure_ascii=False)[:2000]
        lines = {line.split(" ", 1)[0]: line for line in out["stdout"].splitlines()}
        assert lines["JSON"] == f"JSON {STDLIB_ZIP}json/__init__.pyc", lines["JSON"]
        assert lines["FRACTIONS"] == f"FRACTIONS {STDLIB_ZIP}fractions.py 1/2", lines["FRACTIONS"]
        assert lines["PATH"] == "PATH True"
        # The stdlib frame of the traceback shows its source line, read from the sources beside the bytecode.
        assert "raise TypeError(f'Object of type {o.__class__.__name__} '" in out["stdout"], out["stdout"]
        # A 教师批改 grading worker restores the same cache (same key) before its Python starts.
        grading = page.evaluate("""() => new Promise((resolve, reject) => {
            const root = new URL("./", location.href);
            const worker = new Worker(new URL("assets/courseware/grading-worker.js", root));
            worker.onmessage = (event) => {
              if (event.data.type === "progress") return;
              worker.terminate();
              if (event.data.type === "result") resolve(event.data.value.timings);
              else reject(new Error(event.data.message));
            };
            worker.postMessage({id: 1, type: "init", indexURL: new URL("pyodide/", root).href,
                                manifestURL: new URL("assets/courseware/py/manifest.json", root).href});
        })""")
        assert grading["pyc_restored"] == sum(size), grading
        assert not errors, errors
        context.close()
        browser.close()
