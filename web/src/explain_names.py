"""Explainers for wrong names: a column that is not in the table, a variable or a method that does not exist
(part of ``courseware_explain``; see web/src/explain.py).
"""

from __future__ import annotations

import builtins
import re

from courseware_explain import (
    MAX_COLUMNS,
    ErrorContext,
    Explanation,
    closest,
    explainer,
    norm,
    quote,
    table_near,
)

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
    same = [c for c in columns if norm(c) == norm(key)]
    if same:
        col = same[0]
        if key.strip() != key and col.strip() == col:
            return [f"你写的列名 {quote(key)} 开头或末尾多了空格；表里的列名是 {quote(col)}，去掉引号里的空格就行。"]
        if col.strip() != col:
            return [f"表里的列名是 {quote(col)}：末尾或开头多了空格。可以先写 df.columns = df.columns.str.strip() 去掉列名两边的空格。"]
        return [f"表里的列名是 {quote(col)}（全角/半角或大小写不同），请照它的写法改。"]
    near = closest(key, columns) or closest(norm(key), [norm(c) for c in columns])
    if near:
        return [f"你是不是想写 {'、'.join(quote(c) for c in near)}？"]
    return []


@explainer(KeyError)
def column_key(ctx: ErrorContext) -> Explanation | None:
    keys = _missing_keys(ctx)
    columns = table_near(ctx)
    if columns is None:
        if not ctx.frames:  # a dict lookup in the student's own code
            return Explanation(f"{ctx.at()}：字典里没有键 {quote(keys[0])}",
                               ["先用 print(字典.keys()) 看看有哪些键，再检查拼写。"])
        return None
    lines: list[str] = []
    for key in keys[:3]:
        lines += _column_advice(key, columns)
    shown = "、".join(columns[:MAX_COLUMNS]) + ("……" if len(columns) > MAX_COLUMNS else "")
    lines.append(f"这张表的 {len(columns)} 列是：{shown}")
    title = f"{ctx.at()}：表里没有 {'、'.join(quote(k) for k in keys[:3])} 这一列"
    return Explanation(title, lines)
@explainer(KeyError)
def key_in_nothing(ctx: ErrorContext) -> Explanation | None:
    """A lookup in a Series or table that came out empty: an earlier filter or match kept nothing, most often
    because one table read 订单编号 as numbers and the other as text."""
    empty = [s for s in (f.f_locals.get("self") for f in ctx.frames)
             if type(s).__name__ in ("Series", "DataFrame") and len(s) == 0]
    if not empty:
        return None
    keys = _missing_keys(ctx)
    return Explanation(f"{ctx.at()}：要找的 {quote(keys[0])} 不在里面——这一步用到的数据是空的", [
        "前面某一步筛选或匹配一条都没有留下。最常见的原因：两张表的同一列（如订单编号）一张读成了数字、一张是文字，"
        "isin、merge、map 就一个也对不上。",
        "读 CSV 时给编号列写上 dtype={'订单编号': str}；也可以 print(len(表)) 看看是哪一步变空的。"])


# -- NameError -------------------------------------------------------------------------------------

_MODULES = {"pd": "import pandas as pd", "np": "import numpy as np", "datetime": "import datetime",
            "math": "import math", "re": "import re"}
_LITERALS = {"true": "True", "false": "False", "null": "None", "none": "None", "TRUE": "True", "FALSE": "False"}


@explainer(NameError)
def name_error(ctx: ErrorContext) -> Explanation | None:
    name = getattr(ctx.exc, "name", None) or (re.findall(r"'(.+?)'", ctx.message) or [""])[0]
    if not name:
        return None
    title = f"{ctx.at()}：没有叫 {quote(name)} 的变量"
    if _in_f_string(ctx, name):
        return Explanation(f"{ctx.at()}：f 字符串把 {{{name}}} 当成了变量", [
            f"引号前面的 f 会把花括号里的 {name} 换成同名变量的值；短信模板里的 {{{name}}} 要原样保留，"
            "去掉引号前面的 f 就行。"])
    if _compared_not_assigned(ctx, name):
        return Explanation(f"{ctx.at()}：赋值要用一个等号", [
            f"{name} = …（一个等号）才是把右边的值存进变量 {name}；== 是判断两边是否相等，{name} 还不存在，就出错了。"])
    if name in _MODULES:
        return Explanation(title, [f"还没有导入：在代码开头写 {_MODULES[name]}。"])
    if name in _LITERALS:
        return Explanation(title, [f"Python 里要写 {_LITERALS[name]}（首字母大写）。"])
    if not name.isascii():
        return Explanation(
            title, [f"文字要写在英文引号里，例如 df['{name}'] 或 '{name}'；没有引号时 Python 把它当成变量名。"])
    known = [k for k in ctx.namespace if not k.startswith("_") and k != "print"] + dir(builtins)
    near = closest(name, known)
    lines = [f"你是不是想写 {'、'.join(quote(c) for c in near)}？"] if near else []
    lines.append("变量要先赋值再使用；注意大小写。每次运行都从第一行重新开始，上一次运行的变量不会保留。")
    return Explanation(title, lines)


def _in_f_string(ctx: ErrorContext, name: str) -> bool:
    """``f"…{买家昵称}…"``: a template's placeholder read as a variable."""
    line = ctx.source_line
    return "{" + name + "}" in line and re.search(r"""\b[fF][rR]?["']""", line) is not None


def _compared_not_assigned(ctx: ErrorContext, name: str) -> bool:
    """The failing line is ``name == …`` (a statement of its own): ``=`` was meant."""
    return re.match(rf"\s*{re.escape(name)}\s*==(?!=)", ctx.source_line) is not None


_NUMBER_METHODS = {"round", "mean", "abs", "sum", "max", "min", "astype", "fillna", "is_integer"}


@explainer(AttributeError)
def attribute(ctx: ErrorContext) -> Explanation | None:
    m = re.search(r"'(\w+)' object has no attribute '(.+?)'", ctx.message)
    if not m:
        return None
    kind, attr = m[1], m[2]
    title = f"{ctx.at()}：{kind} 没有 {quote(attr)} 这个属性或方法"
    obj = getattr(ctx.exc, "obj", None)
    if kind == "DataFrame" and obj is not None and hasattr(obj, "columns"):
        cols = [str(c) for c in obj.columns]
        advice = _column_advice(attr, cols)
        if attr in cols or not attr.isascii():
            return Explanation(title, [f"取一列要用方括号：df['{attr}']。", *advice])
    if kind == "str" and attr in _NUMBER_METHODS:
        return Explanation(f"{ctx.at()}：这个值是文字（str），不是数字，没有 .{attr}", [
            "文字列求和（.sum()）得到的是把所有文字首尾相接拼成的一长串，而不是数字。",
            "先把这一列变成数字再算：pd.to_numeric(df['列名'])；列里带“元”或“,”时先去掉它们。"])
    if kind == "Series" and attr in {"split", "strip", "replace_all", "startswith", "endswith", "contains", "upper"}:
        return Explanation(title, [f"对一列文字逐个处理要加 .str，例如 df['列名'].str.{attr}(…)。"])
    near = closest(attr, [a for a in dir(obj) if not a.startswith("_")]) if obj is not None else []
    lines = [f"你是不是想写 .{near[0]}？"] if near else []
    lines.append("注意大小写和拼写，例如 groupby、sort_values、drop_duplicates。")
    return Explanation(title, lines)


