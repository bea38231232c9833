"""Explainers for code Python cannot read: full-width punctuation, indentation, other syntax errors
(part of ``courseware_explain``; see web/src/explain.py).
"""

from __future__ import annotations

import re

from courseware_explain import ErrorContext, Explanation, explainer, quote

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
    (r"'(.)' was never closed", lambda m: f"这一行的 {quote(m[1])} 没有配对的右括号"),
    (r"unmatched '(.)'", lambda m: f"多了一个 {quote(m[1])}，找不到和它配对的左括号"),
    (r"closing parenthesis '(.)' does not match", lambda m: f"括号 {quote(m[1])} 和前面的左括号不是一对"),
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
    code = ctx.namespace.get("__cw_code__", "")
    lines = code.splitlines()
    source = lines[ctx.line - 1] if ctx.line and 0 < ctx.line <= len(lines) else ""
    if _comma_left_out(source):  # {'买家会员名': nick '场景': 1} — Python says only "invalid syntax" here
        return Explanation(f"{ctx.at()}：可能少了一个英文逗号 “,”",
                           ["列表、字典和函数参数里，每两项之间都要用英文逗号隔开。"], col=getattr(ctx.exc, "offset", None))
    return Explanation(f"{ctx.at()}有语法错误：Python 看不懂这一行",
                       ["检查括号和引号是否成对、两项之间是否漏了逗号、行末是否缺冒号、是否用了中文标点。"],
                       col=getattr(ctx.exc, "offset", None))


_BEFORE_STRING = re.compile(r"""(\w+|[)\]}])\s+[rbfRBF]?['"]""")


def _comma_left_out(source: str) -> bool:
    """A name, number or closing bracket followed by a string with only spaces between (``nick '场景'``), the
    word not being a keyword (``in 'abc'``, ``return 'x'``) or print (Python 2's ``print 'x'`` has its own message)."""
    import keyword  # noqa: PLC0415

    return any(not keyword.iskeyword(m[1]) and m[1] != "print" for m in _BEFORE_STRING.finditer(source))
