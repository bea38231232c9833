"""Chinese explanations of the errors students of this course actually hit (imported in Pyodide as
``courseware_explain``; pure Python, no pandas import needed at module load).

``explain(exc, filename)`` walks a registry of small explainers (``@explainer(ExcType, …)``, first match
that returns an ``Explanation`` wins) and always returns a dict ``{title, lines, line, col, source}``:
one Chinese title line, a few Chinese lines saying what to do, and the line of the student's code
(1-based) that the editor marks. ``explain_warning`` does the same for warnings (SettingWithCopy).
The original traceback is not produced here: the runtime keeps it for "详细信息".
"""

from __future__ import annotations

import builtins
import difflib
import re
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


Explainer = Callable[[ErrorContext], Explanation | None]
REGISTRY: list[tuple[tuple[type[BaseException], ...], Explainer]] = []


def explainer(*types: type[BaseException]) -> Callable[[Explainer], Explainer]:
    """Register ``fn`` for exceptions of ``types``; registration order is the order of trial."""

    def wrap(fn: Explainer) -> Explainer:
        REGISTRY.append((types, fn))
        return fn

    return wrap


# -- helpers ---------------------------------------------------------------------------------------

def _quote(text: object) -> str:
    return f"“{text}”"


def _closest(word: str, candidates: list[str], n: int = 3) -> list[str]:
    same_case = [c for c in candidates if c.lower() == word.lower() and c != word]
    near = difflib.get_close_matches(word, candidates, n=n, cutoff=0.6)
    return list(dict.fromkeys(same_case + near))[:n]


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower()


def _columns_of(obj: Any) -> list[str] | None:
    cols = getattr(obj, "columns", None)
    return [str(c) for c in cols.tolist()] if cols is not None and hasattr(cols, "tolist") else None


def _table_near(ctx: ErrorContext) -> list[str] | None:
    """Columns of the DataFrame the failing pandas call worked on (``self``/``obj`` in pandas' frames)."""
    for frame in ctx.frames:
        for name in ("self", "obj", "frame", "data"):
            value = frame.f_locals.get(name)
            for candidate in (value, getattr(value, "obj", None)):
                if type(candidate).__name__ == "DataFrame":
                    return _columns_of(candidate)
    return None


# -- KeyError on a column --------------------------------------------------------------------------

_NOT_IN_INDEX = re.compile(r"\[(.*)\] not (?:in index|found in axis)")


def _missing_keys(ctx: ErrorContext) -> list[str]:
    key = ctx.exc.args[0] if ctx.exc.args else ""
    if isinstance(key, str):
        found = _NOT_IN_INDEX.search(key)
        if found:
            return re.findall(r"'((?:[^'\\]|\\.)*)'", found.group(1)) or [found.group(1)]
    return [str(key)]


def _column_advice(key: str, columns: list[str]) -> list[str]:
    same = [c for c in columns if _norm(c) == _norm(key)]
    if same:
        col = same[0]
        if col.strip() != col:
            return [f"表里的列名是 {_quote(col)}：末尾或开头多了空格。可以先写 df.columns = df.columns.str.strip() 去掉列名两边的空格。"]
        return [f"表里的列名是 {_quote(col)}（全角/半角或大小写不同），请照它的写法改。"]
    near = _closest(key, columns) or _closest(_norm(key), [_norm(c) for c in columns])
    if near:
        return [f"你是不是想写 {'、'.join(_quote(c) for c in near)}？"]
    return []


@explainer(KeyError)
def column_key(ctx: ErrorContext) -> Explanation | None:
    keys = _missing_keys(ctx)
    columns = _table_near(ctx)
    if columns is None:
        if not ctx.frames:  # a dict lookup in the student's own code
            return Explanation(f"{ctx.at()}：字典里没有键 {_quote(keys[0])}",
                               ["先用 print(字典.keys()) 看看有哪些键，再检查拼写。"])
        return None
    lines: list[str] = []
    for key in keys[:3]:
        lines += _column_advice(key, columns)
    shown = "、".join(columns[:MAX_COLUMNS]) + ("……" if len(columns) > MAX_COLUMNS else "")
    lines.append(f"这张表的 {len(columns)} 列是：{shown}")
    title = f"{ctx.at()}：表里没有 {'、'.join(_quote(k) for k in keys[:3])} 这一列"
    return Explanation(title, lines)


# -- NameError -------------------------------------------------------------------------------------

_MODULES = {"pd": "import pandas as pd", "np": "import numpy as np", "datetime": "import datetime",
            "math": "import math", "re": "import re"}
_LITERALS = {"true": "True", "false": "False", "null": "None", "none": "None", "TRUE": "True", "FALSE": "False"}


@explainer(NameError)
def name_error(ctx: ErrorContext) -> Explanation | None:
    name = getattr(ctx.exc, "name", None) or (re.findall(r"'(.+?)'", ctx.message) or [""])[0]
    if not name:
        return None
    title = f"{ctx.at()}：没有叫 {_quote(name)} 的变量"
    if name in _MODULES:
        return Explanation(title, [f"还没有导入：在代码开头写 {_MODULES[name]}。"])
    if name in _LITERALS:
        return Explanation(title, [f"Python 里要写 {_LITERALS[name]}（首字母大写）。"])
    if not name.isascii():
        return Explanation(
            title, [f"文字要写在英文引号里，例如 df['{name}'] 或 '{name}'；没有引号时 Python 把它当成变量名。"])
    known = [k for k in ctx.namespace if not k.startswith("_") and k != "print"] + dir(builtins)
    near = _closest(name, known)
    lines = [f"你是不是想写 {'、'.join(_quote(c) for c in near)}？"] if near else []
    lines.append("变量要先赋值再使用；注意大小写。每次运行都从第一行重新开始，上一次运行的变量不会保留。")
    return Explanation(title, lines)


# -- SyntaxError family ----------------------------------------------------------------------------

FULLWIDTH = {"（": "(", "）": ")", "：": ":", "，": ",", "“": '"', "”": '"', "‘": "'", "’": "'",
             "；": ";", "。": ".", "【": "[", "】": "]", "＝": "=", "！": "!", "、": ",", "《": "<",
             "》": ">", "＋": "+", "－": "-", "＊": "*", "／": "/", "［": "[", "］": "]", "｛": "{", "｝": "}",
             "＂": '"', "＇": "'", "\u3000": " "}


def fullwidth_outside_strings(code: str) -> list[tuple[int, int, str]]:
    """(line, column, char) of full-width punctuation outside ASCII-quoted strings and comments."""
    found = []
    for lineno, text in enumerate(code.splitlines(), 1):
        quote = ""
        for col, ch in enumerate(text, 1):
            if quote:
                if ch == quote:
                    quote = ""
            elif ch in "'\"":
                quote = ch
            elif ch == "#":
                break
            elif ch in FULLWIDTH:
                found.append((lineno, col, ch))
    return found


CHAR_NAMES = {"“": "中文左双引号", "”": "中文右双引号", "‘": "中文左单引号", "’": "中文右单引号", "\u3000": "全角空格"}


def _char_name(ch: str) -> str:
    return f"{CHAR_NAMES[ch]} {ch}" if ch in CHAR_NAMES else f"中文标点 “{ch}”"


@explainer(SyntaxError)
def fullwidth(ctx: ErrorContext) -> Explanation | None:
    msg = getattr(ctx.exc, "msg", "")
    hit = re.search(r"invalid (?:non-printable )?character '?(.)'? \(U\+([0-9A-F]+)\)", msg) or re.search(
        r"invalid non-printable character U\+([0-9A-F]+)", msg)
    if not hit:
        return None
    ch = chr(int(hit.groups()[-1], 16))
    good = FULLWIDTH.get(ch)
    fix = "删掉它或换成普通空格" if ch == "\u3000" else (f"改成英文的 {good}" if good else "删掉它")
    title = f"{ctx.at()}有{_char_name(ch)}，要{fix}"
    lines = []
    code = ctx.namespace.get("__cw_code__", "")
    others = [(n, c, x) for n, c, x in fullwidth_outside_strings(code) if (n, x) != (ctx.line, ch)]
    for n, c, x in others[:5]:
        lines.append(f"第 {n} 行第 {c} 个字符也是{_char_name(x)}，要改成 {FULLWIDTH[x]}")
    lines.append("写代码时请切换到英文输入法；只有引号里的文字可以用中文。")
    return Explanation(title, lines, col=getattr(ctx.exc, "offset", None))


_INDENT = [
    (r"expected an indented block after '?(\w+)'? statement on line (\d+)",
     lambda m: (f"第 {m[2]} 行的 {m[1]} 语句后面的代码要缩进", "在下一行的开头加 4 个空格（和冒号所在的行相比往右缩进）。")),
    (r"expected an indented block after (function definition|class definition) on line (\d+)",
     lambda m: (f"第 {m[2]} 行的定义后面的代码要缩进", "在下一行的开头加 4 个空格。")),
    (r"expected an indented block", lambda m: ("这里需要缩进", "冒号后面的代码要往右缩进 4 个空格。")),
    (r"unexpected indent", lambda m: ("这一行前面多了空格（缩进）", "删掉行首多余的空格，让它和上一行对齐。")),
    (r"unindent does not match", lambda m: ("这一行的缩进和上面对不齐", "同一层的代码要用同样多的空格，建议每层 4 个空格。")),
    (r"inconsistent use of tabs and spaces", lambda m: ("这一行混用了 Tab 和空格", "把行首的 Tab 都换成 4 个空格。")),
]


@explainer(IndentationError)
def indentation(ctx: ErrorContext) -> Explanation | None:
    msg = getattr(ctx.exc, "msg", "")
    for pattern, make in _INDENT:
        m = re.search(pattern, msg)
        if m:
            what, fix = make(m)
            return Explanation(f"{ctx.at()}：{what}", [fix])
    return None


_SYNTAX = [
    (r"'(.)' was never closed", lambda m: f"这一行的 {_quote(m[1])} 没有配对的右括号"),
    (r"unmatched '(.)'", lambda m: f"多了一个 {_quote(m[1])}，找不到和它配对的左括号"),
    (r"closing parenthesis '(.)' does not match", lambda m: f"括号 {_quote(m[1])} 和前面的左括号不是一对"),
    (r"unterminated (?:triple-quoted )?string literal", lambda m: "引号没有配对：字符串要用同一种英文引号开头和结尾"),
    (r"expected ':'", lambda m: "这一行末尾缺少英文冒号 “:”（if、for、def 这些行都要以冒号结尾）"),
    (r"Maybe you meant '==' or ':=' instead of '='", lambda m: "判断是否相等要写两个等号 ==，一个 = 是赋值"),
    (r"invalid decimal literal", lambda m: "数字后面紧跟着文字：变量名不能以数字开头，金额后面的“元”要放在引号里"),
    (r"Perhaps you forgot a comma", lambda m: "可能少了一个英文逗号 “,”"),
    (r"cannot assign to", lambda m: "等号左边只能是变量名（判断相等要用 ==）"),
]


@explainer(SyntaxError)
def syntax(ctx: ErrorContext) -> Explanation:
    msg = getattr(ctx.exc, "msg", "")
    for pattern, make in _SYNTAX:
        m = re.search(pattern, msg)
        if m:
            return Explanation(f"{ctx.at()}：{make(m)}", ["改好这一行再运行；Python 只有在整段代码都符合语法时才会开始运行。"],
                               col=getattr(ctx.exc, "offset", None))
    return Explanation(f"{ctx.at()}有语法错误：Python 看不懂这一行",
                       ["检查括号和引号是否成对、行末是否缺冒号、是否用了中文标点。"], col=getattr(ctx.exc, "offset", None))


# -- text where numbers are needed -----------------------------------------------------------------

def junk_in(value: str) -> str:
    """What makes ``value`` not a number, in words (e.g. "带了“元”")."""
    reasons = []
    if "元" in value:
        reasons.append("带了“元”")
    if "," in value or "，" in value:
        reasons.append("有千位分隔符“,”")
    if any(c in value for c in "¥￥$"):
        reasons.append("带了货币符号")
    if "%" in value:
        reasons.append("带了百分号")
    if any(unicodedata.east_asian_width(c) == "F" for c in value):
        reasons.append("有全角字符")
    if value != value.strip() or not value.strip():
        reasons.append("有空格或是空的")
    return "，".join(reasons) or "不是数字"


TO_NUMBER = "先转成数字：pd.to_numeric(df['列名'].str.replace('元', '').str.replace(',', ''))"
TEXT_NUMBER = re.compile(
    r"can only concatenate str|unsupported operand type\(s\) for .+: '(?:str|int|float)' and '(?:str|int|float)'"
    r"|not supported between instances of '(?:str|int|float)' and '(?:str|int|float)'|can't multiply sequence"
    r"|Could not convert .* to numeric|must be real number, not str")


@explainer(TypeError)
def text_as_number(ctx: ErrorContext) -> Explanation | None:
    if not TEXT_NUMBER.search(ctx.message) or ("str" not in ctx.message and "convert" not in ctx.message):
        return None
    names = [str(s.name) for s in (f.f_locals.get("self") for f in ctx.frames)
             if type(s).__name__ == "Series" and str(getattr(s, "dtype", "")) == "object" and s.name is not None]
    which = f"列 {_quote(names[0])} 是文字，" if names else ""
    return Explanation(
        f"{ctx.at()}：{which}把文字当成数字来算或比较了",
        ["从 CSV 读进来的列，只要有一个值带了“元”、千位分隔符“,”，或者用了 dtype=str，整列就都是文字（字符串）。",
         TO_NUMBER, "也可以用 print(df.dtypes) 看每一列的类型：object 表示文字。"])


_BAD_NUMBER = [r"could not convert string to float: '(.*)'", r'Unable to parse string "(.*)" at position (\d+)',
               r"invalid literal for int\(\) with base 10: '(.*)'"]


@explainer(ValueError)
def bad_number(ctx: ErrorContext) -> Explanation | None:
    for pattern in _BAD_NUMBER:
        m = re.search(pattern, ctx.message)
        if m:
            where = f"（第 {int(m[2]) + 1} 个值）" if m.lastindex and m.lastindex > 1 else ""
            return Explanation(f"{ctx.at()}：{_quote(m[1])}{where}不能变成数字：{junk_in(m[1])}",
                               [TO_NUMBER, "实在转不了的值可以加 errors='coerce'，它们会变成空值 NaN。"])
    return None


_DATE_FORMAT = re.compile(r"""time data "(.*)" doesn't match format "(.*)", at position (\d+)""")
_DATE_UNKNOWN = re.compile(r"Unknown datetime string format, unable to parse: (.*?)(?:, at position (\d+))?$")


def _format_words(fmt: str) -> str:
    words = {"%Y": "年", "%m": "月", "%d": "日", "%H": "时", "%M": "分", "%S": "秒"}
    for code, word in words.items():
        fmt = fmt.replace(code, word)
    return fmt


@explainer(ValueError)
def bad_date(ctx: ErrorContext) -> Explanation | None:
    m = _DATE_FORMAT.search(ctx.message)
    if m:
        return Explanation(
            f"{ctx.at()}：日期的写法前后不一致",
            [f"第 {int(m[3]) + 1} 个值 {_quote(m[1])} 和前面的格式（{_format_words(m[2])}）不同。",
             "两种导出拼在一起时可以写 pd.to_datetime(df['列名'], format='mixed')。",
             "如果有的值根本不是日期，再加 errors='coerce'，它们会变成空值 NaT。"])
    m = _DATE_UNKNOWN.search(ctx.message.splitlines()[0] if ctx.message else "")
    if m:
        where = f"（第 {int(m[2]) + 1} 个值）" if m[2] else ""
        return Explanation(f"{ctx.at()}：{_quote(m[1])}{where}不是日期",
                           ["先看看这一列里有什么：print(df['列名'].unique()[:20])。",
                            "不是日期的值可以用 pd.to_datetime(df['列名'], errors='coerce') 变成空值 NaT。"])
    if "out of range" in ctx.message or type(ctx.exc).__name__ == "OutOfBoundsDatetime":
        return Explanation(f"{ctx.at()}：有的日期不存在或超出范围", ["检查月份和日期，或加 errors='coerce'。"])
    return None


# -- pandas warnings as errors, memory, numbers too big --------------------------------------------

SETTING_WITH_COPY = [
    "筛选出来的表只是原表的一部分“视图”，直接改它时 pandas 不知道要不要改原表。",
    "在筛选的那一行末尾加 .copy()，例如 done = orders[orders['订单状态'] == '交易成功'].copy()，再修改 done。",
]


@explainer(Exception)
def setting_with_copy(ctx: ErrorContext) -> Explanation | None:
    if type(ctx.exc).__name__ != "SettingWithCopyError":
        return None
    return Explanation(f"{ctx.at()}：在筛选出来的表上直接修改了数据", list(SETTING_WITH_COPY))


@explainer(MemoryError)
def memory(ctx: ErrorContext) -> Explanation:
    return Explanation(f"{ctx.at()}：内存不足", [
        "这一步要用的内存超过了浏览器里 Python 能用的范围（最多约 2 GB，实际往往更少）。",
        "请减少一次处理的数据量，不要在循环里反复复制整张表；重复的数据可以先去重。"])


@explainer(OverflowError)
def overflow(ctx: ErrorContext) -> Explanation:
    if "index-sized" in ctx.message or "too many" in ctx.message or "size" in ctx.message:
        return Explanation(f"{ctx.at()}：要建的列表或表格太大了", [
            "例如 [0] * 10**10 要 100 亿个元素，远远超出浏览器里 Python 的内存。请把数量改小。"])
    return Explanation(f"{ctx.at()}：计算结果太大，超出了数字能表示的范围", ["检查是不是把很大的数又做了乘方或指数运算。"])


# -- other frequent ones ---------------------------------------------------------------------------

@explainer(FileNotFoundError)
def missing_file(ctx: ErrorContext) -> Explanation:
    import os  # noqa: PLC0415

    name = getattr(ctx.exc, "filename", None) or ""
    files = sorted(os.listdir("data")) if os.path.isdir("data") else []
    lines = [f"数据文件都在 data 文件夹里：{'、'.join('data/' + f for f in files)}。"] if files else []
    lines.append("例如 pd.read_csv('data/orders.csv')；文件名要和上面完全一样。")
    return Explanation(f"{ctx.at()}：找不到文件 {_quote(name)}", lines)


@explainer(ModuleNotFoundError)
def missing_module(ctx: ErrorContext) -> Explanation:
    name = getattr(ctx.exc, "name", "") or ""
    return Explanation(f"{ctx.at()}：浏览器里的 Python 没有 {_quote(name)} 这个模块",
                       ["本课程的练习只需要 pandas（import pandas as pd）和 Python 自带的模块。"])


@explainer(AttributeError)
def attribute(ctx: ErrorContext) -> Explanation | None:
    m = re.search(r"'(\w+)' object has no attribute '(.+?)'", ctx.message)
    if not m:
        return None
    kind, attr = m[1], m[2]
    title = f"{ctx.at()}：{kind} 没有 {_quote(attr)} 这个属性或方法"
    obj = getattr(ctx.exc, "obj", None)
    if kind == "DataFrame" and obj is not None and hasattr(obj, "columns"):
        cols = [str(c) for c in obj.columns]
        advice = _column_advice(attr, cols)
        if attr in cols or not attr.isascii():
            return Explanation(title, [f"取一列要用方括号：df['{attr}']。", *advice])
    if kind == "Series" and attr in {"split", "strip", "replace_all", "startswith", "endswith", "contains", "upper"}:
        return Explanation(title, [f"对一列文字逐个处理要加 .str，例如 df['列名'].str.{attr}(…)。"])
    near = _closest(attr, [a for a in dir(obj) if not a.startswith("_")]) if obj is not None else []
    lines = [f"你是不是想写 .{near[0]}？"] if near else []
    lines.append("注意大小写和拼写，例如 groupby、sort_values、drop_duplicates。")
    return Explanation(title, lines)


@explainer(ZeroDivisionError)
def zero_division(ctx: ErrorContext) -> Explanation:
    return Explanation(f"{ctx.at()}：除数是 0", ["先判断分母是不是 0，或者只对分母大于 0 的行计算。"])


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
    note = Explanation(f"{at}：在筛选出来的表上直接修改了数据（结果可能没有写进去）", list(SETTING_WITH_COPY), line=lineno)
    lines = code.splitlines()
    if lineno and 0 < lineno <= len(lines):
        note.source = lines[lineno - 1]
    return asdict(note)
