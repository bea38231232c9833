"""Notebook-style output for one run of student code (imported in Pyodide as ``courseware_display``).

- ``table(df)``: a DataFrame or Series as an escaped HTML table: all rows up to ``FULL_ROWS``, else the first
  and last rows around a "…" row (as Jupyter does), plus its shape and which columns are numbers.
- ``Capture``: for one run, ``print()``/``display()`` of a DataFrame/Series and a bare last expression become tables,
  SettingWithCopy warnings become Chinese notes; ``chunks(text)`` splits the captured stdout into
  ``[{"kind": "text"|"table"|"value"|"warning", …}]`` in the order they were printed.
"""

from __future__ import annotations

import ast
import builtins
import json
import sys
import warnings
from typing import Any

import pandas as pd

FULL_ROWS = 30
"""Tables up to this many rows are shown whole."""
HEAD_ROWS = 10
"""Longer tables show this many first and last rows."""
MAX_COLS = 30
MAX_TEXT = 20_000
SHOW = "__cw_show__"


def _clip(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + f"\n……（输出太长，只显示前 {MAX_TEXT} 个字符）"


def is_table(value: Any) -> bool:
    return isinstance(value, (pd.DataFrame, pd.Series))


def table(value: pd.DataFrame | pd.Series) -> dict[str, Any]:
    """``{"kind": "table", html, rows, cols, numeric, truncated}`` for a DataFrame or Series."""
    frame = value.to_frame(name=value.name if value.name is not None else "值") if isinstance(value, pd.Series) else value
    rows, cols = frame.shape
    max_rows = FULL_ROWS if rows <= FULL_ROWS else 2 * HEAD_ROWS
    html = frame.to_html(border=0, classes="cw-df", escape=True, na_rep="NaN", max_rows=max_rows, max_cols=MAX_COLS)
    shown_cols = frame.columns[: MAX_COLS // 2].tolist() + frame.columns[-(MAX_COLS // 2):].tolist() \
        if cols > MAX_COLS else frame.columns.tolist()
    numeric = [bool(pd.api.types.is_numeric_dtype(frame[c].dtype)) if not isinstance(frame[c], pd.DataFrame) else False
               for c in shown_cols]
    return {"kind": "table", "html": html, "rows": int(rows), "cols": int(cols), "numeric": numeric,
            "index_levels": int(frame.index.nlevels), "truncated": bool(rows > FULL_ROWS or cols > MAX_COLS),
            "series": isinstance(value, pd.Series)}


def render_value(value: Any) -> dict[str, Any]:
    """How ``result`` (or a last expression) is shown: a table, or text for anything else."""
    if is_table(value):
        out = table(value)
        out["kind"] = "dataframe"  # the contract of run payloads' ``result``
        return out
    if isinstance(value, (dict, list)):
        try:
            text = json.dumps(value, ensure_ascii=False, indent=2, default=str)
        except (TypeError, ValueError):
            text = repr(value)
        return {"kind": "text", "text": _clip(text), "type": type(value).__name__}
    return {"kind": "text", "text": _clip(_shown(value)), "type": type(value).__name__}


GROUPBY_TEXT = "（分组对象：groupby 之后还要汇总，例如 .size()、.sum() 或 .agg(…)，再 .reset_index() 变成表格）"


def _is_groupby(value: Any) -> bool:
    """A groupby left unfinished: its repr and str are an English memory address."""
    return type(value).__name__.endswith("GroupBy")


def _shown(value: Any) -> str:
    """``repr(value)``, or what a groupby still needs."""
    return GROUPBY_TEXT if _is_groupby(value) else repr(value)


def compile_student(code: str, filename: str) -> Any:
    """Compile like ``compile(code, filename, "exec")``, but a bare last expression is passed to ``__cw_show__``."""
    tree = ast.parse(code, filename, "exec")
    last = tree.body[-1] if tree.body else None
    if isinstance(last, ast.Expr) and not _is_print(last.value):
        call = ast.Call(func=ast.Name(id=SHOW, ctx=ast.Load()), args=[last.value], keywords=[])
        tree.body[-1] = ast.copy_location(ast.Expr(value=ast.copy_location(call, last.value)), last)
        ast.fix_missing_locations(tree)
    return compile(tree, filename, "exec")


def _is_print(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print"


class Capture:
    """One run's output: install into the student's namespace, use as a context manager around ``exec``."""

    def __init__(self, namespace: dict[str, Any], out: Any, filename: str, code: str) -> None:
        self.namespace = namespace
        self.out = out
        self.filename = filename
        self.code = code
        self.marks: list[tuple[int, int, dict[str, Any]]] = []  # (start, end, chunk) within out's text
        namespace["print"] = self.print
        namespace["display"] = self.display  # as in notebooks, where students may have learnt pandas
        namespace[SHOW] = self.show
        self._catcher: Any = None
        self._seen: set[tuple[str, int]] = set()

    # -- print and last expression ------------------------------------------------------------------

    def _emit(self, chunk: dict[str, Any], text: str) -> None:
        """Write the plain ``text`` (so stdout stays complete) and remember where the chunk replaces it."""
        start = self.out.tell()
        self.out.write(text)
        self.marks.append((start, self.out.tell(), chunk))

    def print(self, *args: Any, sep: str | None = " ", end: str | None = "\n", file: Any = None,
              flush: bool = False) -> None:
        if (file is not None and file is not sys.stdout) or not any(is_table(a) for a in args):
            args = tuple(GROUPBY_TEXT if _is_groupby(a) else a for a in args)
            builtins.print(*args, sep=sep, end=end, file=file, flush=flush)
            return
        sep = " " if sep is None else sep
        end = "\n" if end is None else end
        pending: list[str] = []
        for arg in args:
            if is_table(arg):
                if pending:
                    self.out.write(sep.join(pending) + "\n")
                    pending = []
                self._emit(table(arg), str(arg) + "\n")
            else:
                pending.append(str(arg))
        if pending:
            self.out.write(sep.join(pending) + end)

    def show(self, value: Any) -> None:
        if value is None or ("result" in self.namespace and value is self.namespace["result"]):
            return  # None shows nothing; ``result`` is shown below the output anyway
        self.display(value)

    def display(self, *values: Any) -> None:
        for value in values:
            if is_table(value):
                self._emit(table(value), str(value) + "\n")
            else:
                text = _clip(_shown(value))
                self._emit({"kind": "value", "text": text}, text + "\n")

    # -- warnings -----------------------------------------------------------------------------------

    def __enter__(self) -> Capture:
        self._catcher = warnings.catch_warnings()
        self._catcher.__enter__()
        previous = warnings.showwarning

        def showwarning(message: Any, category: type[Warning], filename: str, lineno: int,  # noqa: PLR0917
                        file: Any = None, line: str | None = None) -> None:
            note = None
            if category.__name__ == "SettingWithCopyWarning":
                from courseware_explain import explain_warning  # noqa: PLC0415

                at = lineno if filename == self.filename else None
                if (category.__name__, at or 0) in self._seen:
                    return
                self._seen.add((category.__name__, at or 0))
                note = explain_warning(category.__name__, at, self.code)
            if note is None:
                previous(message, category, filename, lineno, file, line)
            else:
                self._emit({"kind": "warning", **note}, f"{filename}:{lineno}: {category.__name__}: {message}\n")

        warnings.showwarning = showwarning
        warnings.filterwarnings("always", category=pd.errors.SettingWithCopyWarning)
        return self

    def __exit__(self, *exc: object) -> None:
        self._catcher.__exit__(*exc)

    # -- result -------------------------------------------------------------------------------------

    def chunks(self, text: str) -> list[dict[str, Any]]:
        """The captured output in order; plain text between tables stays text."""
        parts: list[dict[str, Any]] = []
        pos = 0
        for start, end, chunk in self.marks:
            if start > pos and text[pos:start]:
                parts.append({"kind": "text", "text": _clip(text[pos:start])})
            parts.append(chunk)
            pos = end
        if text[pos:]:
            parts.append({"kind": "text", "text": _clip(text[pos:])})
        return parts
