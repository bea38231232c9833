"""Chinese explanations of the errors students of this course actually hit (imported in Pyodide as
``courseware_explain``; pure Python, no pandas import needed at module load).

``explain(exc, filename)`` walks a registry of small explainers (``@explainer(ExcType, …)``, first match
that returns an ``Explanation`` wins) and always returns a dict ``{title, lines, line, col, source}``:
one Chinese title line, a few Chinese lines saying what to do, and the line of the student's code
(1-based) that the editor marks. ``explain_warning`` does the same for warnings (SettingWithCopy).
The original traceback is not produced here: the runtime keeps it for "详细信息".
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from types import FrameType
from typing import Any

MAX_COLUMNS = 45


@dataclass
class Explanation:
    title: str
    lines: list[str] = field(default_factory=list)
    line: int | None = None
    col: int | None = None
    source: str = ""


@dataclass
class ErrorContext:
    """What an explainer may look at: the exception, the student's line and namespace, pandas' frames."""

    exc: BaseException
    filename: str
    line: int | None
    namespace: dict[str, Any]
    frames: list[FrameType]
    """Frames after the student's last frame (inside pandas etc.), outermost first."""

    @property
    def message(self) -> str:
        return str(self.exc.args[0]) if self.exc.args else ""

    def at(self) -> str:
        return f"第 {self.line} 行" if self.line else "代码里"

    @property
    def source_line(self) -> str:
        """The text of the student's failing line ("" when unknown)."""
        lines = str(self.namespace.get("__cw_code__", "")).splitlines()
        return lines[self.line - 1] if self.line and 0 < self.line <= len(lines) else ""


Explainer = Callable[[ErrorContext], Explanation | None]
REGISTRY: list[tuple[tuple[type[BaseException], ...], Explainer]] = []


def explainer(*types: type[BaseException]) -> Callable[[Explainer], Explainer]:
    """Register ``fn`` for exceptions of ``types``; registration order is the order of trial."""

    def wrap(fn: Explainer) -> Explainer:
        REGISTRY.append((types, fn))
        return fn

    return wrap
# -- helpers ---------------------------------------------------------------------------------------

def quote(text: object) -> str:
    return f"“{text}”"


def closest(word: str, candidates: list[str], n: int = 3) -> list[str]:
    same_case = [c for c in candidates if c.lower() == word.lower() and c != word]
    near = difflib.get_close_matches(word, candidates, n=n, cutoff=0.6)
    return list(dict.fromkeys(same_case + near))[:n]


def norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower()


def _columns_of(obj: Any) -> list[str] | None:
    cols = getattr(obj, "columns", None)
    return [str(c) for c in cols.tolist()] if cols is not None and hasattr(cols, "tolist") else None


def table_near(ctx: ErrorContext) -> list[str] | None:
    """Columns of the DataFrame the failing pandas call worked on (``self``/``obj`` in pandas' frames)."""
    for frame in ctx.frames:
        for name in ("self", "obj", "frame", "data"):
            value = frame.f_locals.get(name)
            for candidate in (value, getattr(value, "obj", None)):
                if type(candidate).__name__ == "DataFrame":
                    return _columns_of(candidate)
    return None


# The explainers live in three modules by topic; importing them registers them (in this order).
import courseware_explain_names  # noqa: E402, F401  KeyError on a column, NameError, AttributeError
import courseware_explain_syntax  # noqa: E402, F401  full-width punctuation, indentation, other syntax
import courseware_explain_values  # noqa: E402  text as numbers, dates, SettingWithCopy, memory, files

# -- fallback and entry points ---------------------------------------------------------------------

CATEGORY = {"ValueError": "值不合适", "TypeError": "类型不对", "AttributeError": "没有这个属性或方法",
            "IndexError": "位置超出范围", "KeyError": "找不到这个键", "LookupError": "找不到",
            "ArithmeticError": "计算出错", "OSError": "文件操作出错", "ImportError": "导入出错",
            "RecursionError": "函数调用自己太多层", "AssertionError": "断言不成立", "RuntimeError": "运行出错"}


def generic(ctx: ErrorContext) -> Explanation:
    kind = next((CATEGORY[k.__name__] for k in type(ctx.exc).__mro__ if k.__name__ in CATEGORY), "程序出错")
    return Explanation(f"{ctx.at()}出错了（{kind}）",
                       ["看看这一行用到的变量和列名；展开下面的“详细信息”可以看到 Python 的原始报错。"])


def _context(exc: BaseException, filename: str, code: str) -> ErrorContext:
    frames: list[FrameType] = []
    tb = exc.__traceback__
    student_line, namespace, after = None, {}, []
    while tb is not None:
        frames.append(tb.tb_frame)
        if tb.tb_frame.f_code.co_filename == filename:
            student_line, namespace, after = tb.tb_lineno, tb.tb_frame.f_globals, []
        else:
            after.append(tb.tb_frame)
        tb = tb.tb_next
    if isinstance(exc, SyntaxError) and getattr(exc, "filename", None) == filename:
        student_line = exc.lineno
    namespace = dict(namespace)
    namespace["__cw_code__"] = code
    return ErrorContext(exc, filename, student_line, namespace, after if student_line else frames)


def explain(exc: BaseException, filename: str, code: str = "") -> dict[str, Any]:
    """The Chinese explanation of ``exc`` raised by the student's code (compiled as ``filename``)."""
    ctx = _context(exc, filename, code)
    found = None
    for types, fn in REGISTRY:
        if isinstance(exc, types):
            try:
                found = fn(ctx)
            except Exception:  # an explainer must never hide the error it explains
                found = None
            if found is not None:
                break
    found = found or generic(ctx)
    found.line = found.line or ctx.line
    if found.line and code:
        lines = code.splitlines()
        if 0 < found.line <= len(lines):
            found.source = lines[found.line - 1]
    return asdict(found)


def explain_warning(category: str, lineno: int | None, code: str = "") -> dict[str, Any] | None:
    """A Chinese note for a warning raised at ``lineno`` of the student's code (None = not ours to explain)."""
    if category not in {"SettingWithCopyWarning"}:
        return None
    at = f"第 {lineno} 行" if lineno else "代码里"
    note = Explanation(f"{at}：在筛选出来的表上直接修改了数据（结果可能没有写进去）", list(courseware_explain_values.SETTING_WITH_COPY), line=lineno)
    lines = code.splitlines()
    if lineno and 0 < lineno <= len(lines):
        note.source = lines[lineno - 1]
    return asdict(note)
