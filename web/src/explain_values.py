"""Explainers for data problems: text used as numbers, dates, SettingWithCopy, memory, files and modules
(part of ``courseware_explain``; see web/src/explain.py).
"""

from __future__ import annotations

import re
import unicodedata

from courseware_explain import ErrorContext, Explanation, explainer, quote

# -- text where numbers are needed -----------------------------------------------------------------

_UNIT = re.compile(r"^\s*[-+]?[0-9][0-9.,，]*\s*([^\s0-9.,，%¥￥$元]+)\s*$")
_EMPTY_TEXTS = {"nan", "none", "<na>", "nat"}


def junk_in(value: str) -> str:
    """What makes ``value`` not a number, in words (e.g. "带了“元”")."""
    if value.strip().lower() in _EMPTY_TEXTS:
        return "这原本是空单元格，astype(str) 把空值变成了文字"
    reasons = []
    if unit := _UNIT.match(value):
        reasons.append(f"带了单位“{unit[1]}”")
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


def to_number(value: str) -> list[str]:
    """How to turn a column holding ``value`` into numbers (the fix names what the value really carries)."""
    if value.strip().lower() in _EMPTY_TEXTS:
        return ["不要先 astype(str)：直接对原来的列用 .str.replace(…)，空单元格会保持为空值 NaN，pd.to_numeric 认得它。"]
    if unit := _UNIT.match(value):
        return [f"先去掉“{unit[1]}”再转：pd.to_numeric(df['列名'].str.replace('{unit[1]}', ''))。",
                "要写 .str.replace：不带 .str 的 .replace 只替换和整个格子完全相同的值，“30秒”里的“秒”不会被去掉。"]
    return [TO_NUMBER]
TEXT_NUMBER = re.compile(
    r"can only concatenate str|unsupported operand type\(s\) for .+: '(?:str|int|float)' and '(?:str|int|float)'"
    r"|not supported between instances of '(?:str|int|float)' and '(?:str|int|float)'|can't multiply sequence"
    r"|Could not convert .* to numeric|must be real number, not str|type str doesn't define __round__")


_CONCAT = re.compile(r'can only concatenate str \(not "(?:int|float)"\) to str'
                     r"|unsupported operand type\(s\) for \+: '(?:int|float)' and 'str'")


@explainer(TypeError)
def text_plus_number(ctx: ErrorContext) -> Explanation | None:
    """'共' + len(orders) + '笔' in the student's own line (inside pandas it is a text column: text_as_number)."""
    if not _CONCAT.search(ctx.message) or ctx.frames:
        return None
    return Explanation(f"{ctx.at()}：把文字和数字直接用 + 连在一起了", [
        "数字要先变成文字再连：'共' + str(len(orders)) + '笔订单'；更简单的是 f 字符串：f'共{len(orders)}笔订单'。",
        "如果本来想做加法，说明其中一个值是文字，先用 int(…) 或 float(…) 把它变成数字。"])


_METHOD = re.compile(r"'(?:method|builtin_function_or_method)'")


@explainer(TypeError)
def method_not_called(ctx: ErrorContext) -> Explanation | None:
    """rfm['R'] <= rfm['R'].mean — the method itself compared or added."""
    if not _METHOD.search(ctx.message):
        return None
    return Explanation(f"{ctx.at()}：方法名后面少了括号 ()", [
        "像 .mean、.sum、.max、.count 这样的方法，要加括号才会计算：rfm['R'].mean()。",
        "不加括号得到的是方法本身，不能拿来比较或计算。"])


@explainer(AttributeError)
def dt_on_text(ctx: ErrorContext) -> Explanation | None:
    if "Can only use .dt accessor" not in ctx.message:
        return None
    return Explanation(f"{ctx.at()}：这一列还是文字，不是日期或时间，不能用 .dt", [
        "从 CSV 读进来的时间都是文字，要先转换：df['订单付款时间'] = pd.to_datetime(df['订单付款时间'])，再用 .dt。",
        "可以用 print(df.dtypes) 看每一列的类型：datetime64 才是日期时间，object 表示文字。"])


BRACKETS = [
    "筛选时每个条件都加括号，“并且”用 &，“或者”用 |，例如 df[(df['订单状态'] == '交易成功') & (df['成交金额'] > 40)]。",
    "没有括号时 Python 会先算 & 和 |，条件就被拆错了。"]
_BRACKETS = re.compile(r"Cannot perform '(?:r?and_|r?or_|r?xor)' with a dtyped|unsupported operand type\(s\) for [&|^]:")


@explainer(TypeError)
def condition_without_brackets(ctx: ErrorContext) -> Explanation | None:
    """df[df['订单状态'] == '交易成功' & ~…]: & binds first, so '交易成功' & ~… is computed."""
    if not _BRACKETS.search(ctx.message):
        return None
    return Explanation(f"{ctx.at()}：筛选条件少了括号", list(BRACKETS))


@explainer(TypeError)
def text_as_number(ctx: ErrorContext) -> Explanation | None:
    if not TEXT_NUMBER.search(ctx.message) or ("str" not in ctx.message and "convert" not in ctx.message):
        return None
    names = [str(s.name) for s in (f.f_locals.get("self") for f in ctx.frames)
             if type(s).__name__ == "Series" and str(getattr(s, "dtype", "")) == "object" and s.name is not None]
    which = f"列 {quote(names[0])} 是文字，" if names else ""
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
            return Explanation(f"{ctx.at()}：{quote(m[1])}{where}不能变成数字：{junk_in(m[1])}",
                               [*to_number(m[1]), "如果有的值确实不是数字，先想清楚它该算什么；errors='coerce' 会把"
                                "转不了的值都变成空值 NaN，练习要求保留的值也会悄悄丢掉。"])
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
            [f"第 {int(m[3]) + 1} 个值 {quote(m[1])} 和前面的格式（{_format_words(m[2])}）不同。",
             "两种导出拼在一起时可以写 pd.to_datetime(df['列名'], format='mixed')。",
             "如果有的值根本不是日期，再加 errors='coerce'，它们会变成空值 NaT。"])
    m = _DATE_UNKNOWN.search(ctx.message.splitlines()[0] if ctx.message else "")
    if m:
        where = f"（第 {int(m[2]) + 1} 个值）" if m[2] else ""
        return Explanation(f"{ctx.at()}：{quote(m[1])}{where}不是日期",
                           ["先看看这一列里有什么：print(df['列名'].unique()[:20])。",
                            "不是日期的值可以用 pd.to_datetime(df['列名'], errors='coerce') 变成空值 NaT。"])
    if "out of range" in ctx.message or type(ctx.exc).__name__ == "OutOfBoundsDatetime":
        return Explanation(f"{ctx.at()}：有的日期不存在或超出范围", ["检查月份和日期，或加 errors='coerce'。"])
    return None
# -- pandas warnings as errors, memory, numbers too big --------------------------------------------

@explainer(ValueError)
def ambiguous_condition(ctx: ErrorContext) -> Explanation | None:
    if "truth value of a" not in ctx.message or "ambiguous" not in ctx.message:
        return None
    return Explanation(f"{ctx.at()}：一整列的条件不能直接用 and、or、if", list(BRACKETS))


@explainer(ValueError)
def nan_to_int(ctx: ErrorContext) -> Explanation | None:
    if "non-finite values" not in ctx.message and "float NaN to integer" not in ctx.message:
        return None
    return Explanation(f"{ctx.at()}：这一列有空值（NaN），不能直接变成整数", [
        "先决定空值怎么办：当作 0 就写 .fillna(0).astype(int)；不要这些行就先 .dropna(subset=['列名'])。"])


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
    return Explanation(f"{ctx.at()}：找不到文件 {quote(name)}", lines)


@explainer(ModuleNotFoundError)
def missing_module(ctx: ErrorContext) -> Explanation:
    name = getattr(ctx.exc, "name", "") or ""
    return Explanation(f"{ctx.at()}：浏览器里的 Python 没有 {quote(name)} 这个模块",
                       ["本课程的练习只需要 pandas（import pandas as pd）和 Python 自带的模块。"])


@explainer(ZeroDivisionError)
def zero_division(ctx: ErrorContext) -> Explanation:
    return Explanation(f"{ctx.at()}：除数是 0", ["先判断分母是不是 0，或者只对分母大于 0 的行计算。"])
