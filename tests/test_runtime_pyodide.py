"""The worker's plumbing in web/src/runtime.py, inside the site's own Pyodide under Node.js.

One worker serves every page of a tab: tables accumulate in data/ as pages need them, a 学号 switch rewrites
them, the reference answers are prepared in the background, ``input()`` answers at once, and ``time.sleep``
on isolated pages wakes when 停止 is pressed.
"""

from __future__ import annotations

import json
import textwrap

import pytest
from web_py import load_web_modules

pytestmark = pytest.mark.pyodide

ARCHIVE = "/home/pyodide/.w1-default-data.zip"
EXERCISE = "old-customers"


@pytest.fixture(scope="module")
def rt(pyodide):
    load_web_modules(pyodide, runtime=True)
    pyodide.run(
        textwrap.dedent(
            f"""
            import zipfile
            import courseware_runtime as rt
            import datasets
            rt.setup("/project", True)
            with zipfile.ZipFile({ARCHIVE!r}, "w") as zf:
                for table, df in datasets.generate(None, tables=["orders", "customers"]).items():
                    zf.writestr(f"{{table}}.csv", datasets.csv_bytes(df))
            rt.use_data(None, ["orders"], {ARCHIVE!r})
            """
        )
    )
    yield pyodide
    pyodide.run("import courseware_runtime as rt\nrt.use_data(None, ['orders'])")


def call(session, fn: str, *args) -> dict:
    literal = ", ".join(repr(a) for a in args)
    out = session.run(f"import courseware_runtime as rt\nprint(rt.{fn}({literal}))")
    return json.loads(out.strip().splitlines()[-1])


def file_head(session, name: str) -> str:
    return session.run(f"print(open('/home/pyodide/data/{name}', encoding='utf-8-sig').read(300))")


def test_tables_accumulate_across_pages_and_follow_the_student(rt):
    assert call(rt, "add_tables", ["customers"])["files"] == ["customers.csv", "orders.csv"]
    default_orders = file_head(rt, "orders.csv")
    switched = call(rt, "use_data", "2024001", None)  # a 学号: the same tables, from that student's variant
    assert switched == {"student": "2024001", "files": ["customers.csv", "orders.csv"]}
    assert file_head(rt, "orders.csv") != default_orders
    assert call(rt, "add_tables", ["orders"])["student"] == "2024001"  # a new page keeps the 学号
    back = call(rt, "use_data", None, None)
    assert back == {"student": None, "files": ["customers.csv", "orders.csv"]}
    assert file_head(rt, "orders.csv") == default_orders


def test_prepare_computes_the_reference_that_check_then_reuses(rt):
    assert call(rt, "prepare", [EXERCISE]) == {"prepared": {EXERCISE: "ok"}}
    cached = rt.run(
        "from grader import cache\n"
        f"print(any(key[1] == {EXERCISE!r} and key[2] == '' for key in cache.REFERENCES))"
    )
    assert cached.strip().splitlines()[-1] == "True"
    solution = rt.run(f"print(open('/project/exercises/{EXERCISE}/solution.py', encoding='utf-8').read())")
    report = call(rt, "check", EXERCISE, solution)["check"]
    assert report["passed"] is True, report


def test_prepare_of_an_unknown_exercise_reports_instead_of_raising(rt):
    prepared = call(rt, "prepare", ["no-such-exercise"])["prepared"]
    assert prepared["no-such-exercise"] != "ok"


def test_input_answers_at_once_in_chinese(rt):
    out = call(rt, "run", EXERCISE, "name = input('你的名字：')\nprint(name)\n")
    assert out["error"]["kind"] == "input"
    assert "input()" in out["error"]["text"] and "直接写进代码" in out["error"]["text"]


def test_interruptible_sleep_wakes_on_stop_and_sleeps_otherwise(rt):
    """runtime.py's time.sleep waits through the worker's courseware_wait (Atomics.wait on the interrupt buffer)."""
    out = rt.run(
        textwrap.dedent(
            """
            import js, time
            from pyodide.ffi import create_proxy
            import courseware_runtime as rt
            calls = []
            js.courseware_wait = create_proxy(lambda s: calls.append(s) or len(calls) >= 3)  # 停止 on the 3rd wait
            start = time.monotonic()
            try:
                rt._interruptible_sleep(600)
                print("slept")
            except KeyboardInterrupt:
                print("interrupted", len(calls), max(calls) <= 0.25, time.monotonic() - start < 60)
            js.courseware_wait = create_proxy(lambda s: False)
            rt._interruptible_sleep(0.01)
            print("short sleep done")
            """
        )
    )
    lines = out.strip().splitlines()
    assert lines[-2] == "interrupted 3 True True"
    assert lines[-1] == "short sleep done"
