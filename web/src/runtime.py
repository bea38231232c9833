"""Python half of the browser runtime, loaded once into Pyodide by worker.js.

Every public function takes plain values and returns a JSON string, so the worker never holds a
PyProxy for longer than one call. Student code runs in a fresh namespace each time; its answer is
the variable ``result``. Nothing raised by student code escapes: it is turned into a Chinese message.
"""

# ruff: noqa: PLC0415  grader and datasets are imported lazily: a broken one must not stop plain runs

from __future__ import annotations

import base64
import contextlib
import io
import json
import linecache
import os
import shutil
import sys
import traceback
from typing import Any

import pandas as pd

STUDENT_FILE = "<你的代码>"
MAX_ROWS = 50
MAX_TEXT = 20_000
HOME = "/home/pyodide"
DATA_DIR = os.path.join(HOME, "data")
DEFAULT_DATA_DIR = os.path.join(HOME, ".default-data")

_last_results: dict[str, Any] = {}
_state: dict[str, Any] = {"student": None, "solutions": True}


def _clip(text: str) -> str:
    if len(text) <= MAX_TEXT:
        return text
    return text[:MAX_TEXT] + f"\n……（输出太长，只显示前 {MAX_TEXT} 个字符）"


def _student_traceback(exc: BaseException) -> str:
    """The traceback trimmed to the student's own lines (frames inside pandas etc. are dropped)."""
    te = traceback.TracebackException.from_exception(exc)
    te.stack = traceback.StackSummary.from_list(
        [frame for frame in te.stack if frame.filename == STUDENT_FILE]
    )
    te.__cause__ = None
    te.__context__ = None
    return "".join(te.format())


def _render_value(value: Any) -> dict[str, Any]:
    if isinstance(value, pd.Series):
        value = value.to_frame()
    if isinstance(value, pd.DataFrame):
        rows, cols = value.shape
        html = value.head(MAX_ROWS).to_html(border=0, classes="cw-df", escape=True, na_rep="NaN")
        return {"kind": "dataframe", "html": html, "rows": int(rows), "cols": int(cols)}
    if isinstance(value, (dict, list)):
        try:
            text = json.dumps(value, ensure_ascii=False, indent=2, default=str)
        except (TypeError, ValueError):
            text = repr(value)
        return {"kind": "text", "text": _clip(text), "type": type(value).__name__}
    return {"kind": "text", "text": _clip(repr(value)), "type": type(value).__name__}


def _execute(exercise_id: str, code: str) -> dict[str, Any]:
    """Run student code in a fresh namespace; remember ``result`` for check/download."""
    namespace: dict[str, Any] = {"__name__": "__main__"}
    linecache.cache[STUDENT_FILE] = (len(code), None, code.splitlines(keepends=True), STUDENT_FILE)
    out = io.StringIO()
    error: dict[str, str] | None = None
    _last_results.pop(exercise_id, None)
    os.chdir(HOME)
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            exec(compile(code, STUDENT_FILE, "exec"), namespace)
        except KeyboardInterrupt:
            error = {"kind": "interrupted", "text": "代码已被停止（按了“停止”）。"}
        except MemoryError:
            error = {
                "kind": "memory",
                "text": "内存不足：代码占用的内存太多。请减少一次处理的数据量，或检查是否在循环里不断复制表格。",
            }
        except SystemExit:
            error = {"kind": "exit", "text": "代码调用了 exit()，运行提前结束。"}
        except BaseException as exc:  # student code may raise anything
            error = {"kind": "exception", "text": _student_traceback(exc)}
    has_result = "result" in namespace
    payload: dict[str, Any] = {"stdout": _clip(out.getvalue()), "error": error, "has_result": has_result}
    if has_result and error is None:
        _last_results[exercise_id] = namespace["result"]
        try:
            payload["result"] = _render_value(namespace["result"])
        except Exception as exc:  # a broken __repr__ must not kill the widget
            payload["result"] = {"kind": "text", "text": f"（无法显示 result：{exc}）", "type": "?"}
    namespace.clear()
    return payload


def run(exercise_id: str, code: str) -> str:
    return json.dumps(_execute(exercise_id, code), ensure_ascii=False)


_NO_RESULT = "没有找到变量 result：请把最终答案赋值给 result（例如 result = df），再检查。"


def check(exercise_id: str, code: str) -> str:
    """Run the code, then grade ``result`` with the grader's own checks (grader.browser.check)."""
    payload = _execute(exercise_id, code)
    _load_grader()
    if payload["error"] is not None:
        payload["check"] = None
    elif exercise_id not in _last_results:
        payload["check"] = {"error": _NO_RESULT}
    elif _state.get("grader_error"):
        payload["check"] = {"error": _state["grader_error"]}
    else:
        from grader import browser

        try:
            payload["check"] = browser.check(
                exercise_id, _last_results[exercise_id], _state["student"], solutions=_state["solutions"]
            )
        except Exception as exc:  # grader.browser promises not to raise; be safe anyway
            payload["check"] = {"error": f"检查程序出错（{type(exc).__name__}）：请把这条信息告诉老师。"}
    return json.dumps(payload, ensure_ascii=False, default=str)


def submission(exercise_id: str, code: str) -> str:
    """Run the code and build the 下载提交文件 file; bytes are returned base64-encoded."""
    payload = _execute(exercise_id, code)
    _load_grader()
    payload["file"] = None
    if payload["error"] is None and _state.get("grader_error"):
        payload["file_error"] = _state["grader_error"]
    elif payload["error"] is None and exercise_id in _last_results:
        from grader import browser

        try:
            name, data, mime = browser.submission_file(
                exercise_id, _last_results[exercise_id], _state["student"]
            )
            if name:
                payload["file"] = {"name": name, "mime": mime, "b64": base64.b64encode(data).decode("ascii")}
            else:  # grader.browser puts the reason into the bytes when it cannot build the file
                payload["file_error"] = data.decode("utf-8", "replace")
        except Exception as exc:
            payload["file_error"] = f"无法生成提交文件：{exc}"
    elif payload["error"] is None:
        payload["file_error"] = _NO_RESULT
    return json.dumps(payload, ensure_ascii=False)


def _variant_tables(student: str) -> dict[str, pd.DataFrame]:
    """The student's dataset variant, generated once and shared with the grader's reference cache."""
    try:
        from grader.reference import student_tables
    except Exception:  # a broken grader must not stop plain runs
        import datasets

        return datasets.generate(student=student)
    return student_tables(student)


def use_data(student: str | None, tables: list[str] | None = None) -> str:
    """Put the right dataset variant into data/: the default CSVs, or the student's own variant.

    ``tables`` limits the variant to the tables this page's exercises read (None = all of them).
    """
    os.makedirs(DATA_DIR, exist_ok=True)
    for name in os.listdir(DATA_DIR):
        os.remove(os.path.join(DATA_DIR, name))
    if student:
        import datasets

        variant = _variant_tables(student)
        wanted = variant if tables is None else {k: v for k, v in variant.items() if k in set(tables)}
        datasets.write_csvs(wanted, DATA_DIR)
    else:
        for name in os.listdir(DEFAULT_DATA_DIR):
            if tables is None or name.removesuffix(".csv") in tables:
                shutil.copyfile(os.path.join(DEFAULT_DATA_DIR, name), os.path.join(DATA_DIR, name))
    _state["student"] = student or None
    return json.dumps({"student": _state["student"], "files": sorted(os.listdir(DATA_DIR))})


def _load_grader() -> None:
    """Import the grader and load the exercise specs once; a failure is kept as a message for 检查."""
    if _state.get("grader_loaded"):
        return
    _state["grader_loaded"] = True
    try:
        from grader import browser

        loaded = browser.init(os.path.join(_state["bundle_dir"], "exercises"))
        if loaded.get("error"):
            _state["grader_error"] = f"练习无法加载（{loaded['error']}）：请把这条信息告诉老师。"
    except Exception as exc:  # runs must keep working even when the grader is broken
        _state["grader_error"] = f"检查程序无法加载（{type(exc).__name__}: {exc}）：请把这条信息告诉老师。"


def warm() -> str:
    """Queued by the worker right after ``ready``: the grader loads while the student reads."""
    _load_grader()
    return json.dumps({"grader_error": _state.get("grader_error")})


def setup(bundle_dir: str, solutions: bool) -> str:
    """Make the bundle importable; the grader is loaded later by ``warm`` (off the start-up path)."""
    if bundle_dir not in sys.path:
        sys.path.insert(0, bundle_dir)
    _state["bundle_dir"] = bundle_dir
    _state["solutions"] = solutions
    os.makedirs(DATA_DIR, exist_ok=True)
    os.chdir(HOME)
    return json.dumps({"python": sys.version.split()[0]})
