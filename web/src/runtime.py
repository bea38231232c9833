"""Python half of the browser runtime, loaded once into Pyodide by worker.js.

Every public function takes plain values and returns a JSON string, so the worker never holds a
PyProxy for longer than one call. Student code runs in a fresh namespace each time; its answer is
the variable ``result``. Nothing raised by student code escapes: it is turned into a Chinese message.
"""

# ruff: noqa: PLC0415  grader and datasets are imported lazily: a broken one must not stop plain runs

from __future__ import annotations

import base64
import builtins
import contextlib
import io
import json
import linecache
import os
import shutil
import sys
import time
import traceback
import zipfile
from typing import Any

import courseware_display as _display  # W2: notebook-style output (tables from print, last expression)
import courseware_explain as _explain  # W2: Chinese explanations of errors
import pandas as pd

STUDENT_FILE = "<你的代码>"
MAX_ROWS = 50
MAX_TEXT = 20_000
HOME = "/home/pyodide"
DATA_DIR = os.path.join(HOME, "data")

INPUT_TEXT = (
    "练习在浏览器里运行，input() 没有键盘可等：请把要用的值直接写进代码，例如 name = \"张三\"，再运行。"
)

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
    return _display.render_value(value)


def _explained(exc: BaseException, code: str) -> dict[str, Any]:
    """W2 hook: the Chinese explanation (title, lines, line) and the untrimmed traceback for 详细信息."""
    try:
        explanation = _explain.explain(exc, STUDENT_FILE, code)
    except Exception as err:  # never lose the error itself; the page still shows the traceback
        explanation = {"title": f"出错了（解释程序失败：{type(err).__name__}）", "lines": [], "line": None}
    return {"explain": explanation, "full": "".join(traceback.format_exception(exc))}


def _execute(exercise_id: str, code: str) -> dict[str, Any]:
    """Run student code in a fresh namespace; remember ``result`` for check/download."""
    namespace: dict[str, Any] = {"__name__": "__main__"}
    linecache.cache[STUDENT_FILE] = (len(code), None, code.splitlines(keepends=True), STUDENT_FILE)
    out = io.StringIO()
    error: dict[str, Any] | None = None
    _last_results.pop(exercise_id, None)
    os.chdir(HOME)
    capture = _display.Capture(namespace, out, STUDENT_FILE, code)
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out), capture:
        try:
            exec(_display.compile_student(code, STUDENT_FILE), namespace)
        except KeyboardInterrupt:
            error = {"kind": "interrupted", "text": "代码已被停止（按了“停止”）。"}
        except MemoryError as exc:
            error = {
                "kind": "memory",
                "text": "内存不足：代码占用的内存太多。请减少一次处理的数据量，或检查是否在循环里不断复制表格。",
                **_explained(exc, code),
            }
        except SystemExit:
            error = {"kind": "exit", "text": "代码调用了 exit()，运行提前结束。"}
        except _InputUnavailable:
            error = {"kind": "input", "text": INPUT_TEXT}
        except BaseException as exc:  # student code may raise anything
            error = {"kind": "exception", "text": _student_traceback(exc), **_explained(exc, code)}
    has_result = "result" in namespace
    payload: dict[str, Any] = {"stdout": _clip(out.getvalue()), "error": error, "has_result": has_result,
                               "outputs": capture.chunks(out.getvalue())}
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
                if _is_empty(_last_results[exercise_id]):
                    payload["file_warning"] = _EMPTY_RESULT
            else:  # grader.browser puts the reason into the bytes when it cannot build the file
                payload["file_error"] = data.decode("utf-8", "replace")
        except Exception as exc:
            payload["file_error"] = f"无法生成提交文件：{exc}"
    elif payload["error"] is None:
        payload["file_error"] = _NO_RESULT
    return json.dumps(payload, ensure_ascii=False)


_EMPTY_RESULT = "结果里还没有数据，这样交上去几乎得不到分；先把练习做完、按“检查”看一看，再下载提交文件。"


def _is_empty(value: object) -> bool:
    """A result with nothing in it yet (the starter code's empty table, an empty dict or list)."""
    if isinstance(value, pd.DataFrame | pd.Series):
        return value.empty
    return isinstance(value, dict | list | tuple) and not value


def _variant_tables(student: str) -> dict[str, pd.DataFrame]:
    """The student's dataset variant, generated once per tab and shared with the grader's reference cache."""
    try:
        from grader.reference import student_tables
    except Exception:  # a broken grader must not stop plain runs
        import datasets

        return datasets.generate(student=student)
    return student_tables(student)


def _write_tables(student: str | None, names: set[str]) -> None:
    """Write ``names`` into data/: from the default archive (unpacked on demand) or the student's variant."""
    if not names:
        return
    if student:
        import datasets

        variant = _variant_tables(student)
        datasets.write_csvs({k: v for k, v in variant.items() if k in names}, DATA_DIR)
        return
    archive = _state.get("archive")
    if not archive or not os.path.isfile(archive):
        return
    with zipfile.ZipFile(archive) as zf:
        for member in zf.namelist():
            if member.removesuffix(".csv") in names:
                with zf.open(member) as src, open(os.path.join(DATA_DIR, os.path.basename(member)), "wb") as dst:
                    shutil.copyfileobj(src, dst)


def _archive_tables() -> set[str]:
    archive = _state.get("archive")
    if not archive or not os.path.isfile(archive):
        return set()
    with zipfile.ZipFile(archive) as zf:
        return {name.removesuffix(".csv") for name in zf.namelist() if name.endswith(".csv")}


def use_data(student: str | None, tables: list[str] | None = None, archive: str | None = None) -> str:
    """Make data/ hold the right dataset variant: the default tables, or the student's own variant.

    One worker serves every page of a tab, so tables accumulate: ``tables`` are added to those already
    in data/ (None = every table). A new 学号 rewrites the tables already there. ``archive`` is the
    default data zip (given once, at start-up); its tables are unpacked only when a page needs them.
    """
    if archive:
        _state["archive"] = archive
    os.makedirs(DATA_DIR, exist_ok=True)
    student = student or None
    loaded: set[str] = _state.setdefault("tables", set())
    wanted = set(tables) if tables is not None else (set(loaded) or _archive_tables())
    if student != _state["student"]:
        for name in os.listdir(DATA_DIR):
            os.remove(os.path.join(DATA_DIR, name))
        wanted |= loaded
        loaded.clear()
        _state["student"] = student
    _write_tables(student, wanted - loaded)
    loaded |= wanted
    return json.dumps({"student": _state["student"], "files": sorted(os.listdir(DATA_DIR))})


def add_tables(tables: list[str]) -> str:
    """Add ``tables`` to data/ for the current 学号 (a new page of the tab reads them)."""
    return use_data(_state["student"], tables)


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


def prepare(exercises: list[str]) -> str:
    """Background work once the runtime is idle: the reference answers of the page's exercises.

    The engine caches them per (exercise, 学号), so the first 检查 only runs the student's code. Exam builds
    ship no solutions: nothing to compute. Failures are left for 检查 to report.
    """
    _load_grader()
    done: dict[str, str] = {}
    if _state.get("grader_error") or not _state["solutions"]:
        return json.dumps({"prepared": done})
    from grader import browser

    for exercise_id in exercises:
        try:
            done[exercise_id] = browser.prepare(exercise_id, _state["student"])
        except KeyboardInterrupt:  # 停止 pressed while a run waited behind this: let the run go first
            done[exercise_id] = "interrupted"
            break
        except Exception as exc:
            done[exercise_id] = f"error: {type(exc).__name__}"
    return json.dumps({"prepared": done})


class _InputUnavailable(Exception):
    """input() in the browser: there is no keyboard to wait for."""


def _no_input(prompt: object = "") -> str:
    raise _InputUnavailable


def _interruptible_sleep(seconds: float) -> None:
    """time.sleep that 停止 can wake (isolated pages: the worker waits on the interrupt buffer)."""
    import js  # Pyodide's bridge to the worker's globals

    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    end = time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        if js.courseware_wait(min(left, 0.25)):
            raise KeyboardInterrupt


def setup(bundle_dir: str, solutions: bool, interruptible: bool = False) -> str:
    """Make the bundle importable; the grader is loaded later by ``warm`` (off the start-up path)."""
    if bundle_dir not in sys.path:
        sys.path.insert(0, bundle_dir)
    _state["bundle_dir"] = bundle_dir
    _state["solutions"] = solutions
    builtins.input = _no_input
    if interruptible:
        time.sleep = _interruptible_sleep
    os.makedirs(DATA_DIR, exist_ok=True)
    os.chdir(HOME)
    return json.dumps({"python": sys.version.split()[0]})
