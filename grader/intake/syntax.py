"""YAML / JSON syntax errors → one Chinese line: the line number, that line's text and what to do.

The parsers' own English wording never reaches the reader; it is only used to pick the message below
(a registry of ``(matches, message)`` pairs, first match wins).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from ruamel.yaml.error import MarkedYAMLError

QUOTE_CHARS = 40
"""Longest stretch of the offending line quoted in a message."""


def _line(text: str, index: int) -> str:
    lines = text.splitlines()
    if not 0 <= index < len(lines):
        return ""
    shown = lines[index].replace("\t", "⇥").rstrip()
    return shown if len(shown) <= QUOTE_CHARS else shown[:QUOTE_CHARS] + "…"


def _at(text: str, index: int) -> str:
    quoted = _line(text, index)
    return f"第 {index + 1} 行 “{quoted.strip()}”" if quoted.strip() else f"第 {index + 1} 行"


def _previous_nonblank(text: str, index: int) -> int:
    lines = text.splitlines()
    for i in range(min(index, len(lines)) - 1, -1, -1):
        if lines[i].strip() and not lines[i].lstrip().startswith("#"):
            return i
    return -1


# ---- YAML ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class YamlProblem:
    text: str
    problem: str
    context: str
    line: int          # 0-based line of the problem mark
    context_line: int  # 0-based line of the context mark (or the problem line)


INDENT = "缩进不对；同一层的键要对齐，用空格不要用 Tab"
COLON = "少了冒号；写成“键: 值”，冒号后留一个空格"


def _mapping_values(p: YamlProblem) -> str:
    prev = _previous_nonblank(p.text, p.line)
    if prev >= 0 and ":" not in p.text.splitlines()[prev]:
        return f"{_at(p.text, prev)} {COLON}"
    return f"{_at(p.text, p.line)} {INDENT}"


YAML_MESSAGES: list[tuple[Callable[[YamlProblem], bool], Callable[[YamlProblem], str]]] = [
    (lambda p: "'\\t'" in p.problem or "\t" in _leading(p.text, p.line),
     lambda p: f"{_at(p.text, p.line)} 用了 Tab 缩进；缩进只用空格，同一层的键要对齐"),
    (lambda p: "quoted scalar" in p.context,
     lambda p: f"{_at(p.text, p.context_line)} 的引号没有配对；把引号补齐，或者去掉引号"),
    (lambda p: "flow sequence" in p.context or "flow mapping" in p.context,
     lambda p: f"{_at(p.text, p.context_line)} 的方括号或花括号没有配对；把 ] 或 }} 补上，或者去掉括号"),
    (lambda p: "could not find expected ':'" in p.problem,
     lambda p: f"{_at(p.text, p.context_line)} {COLON}"),
    (lambda p: "mapping values are not allowed" in p.problem, _mapping_values),
    (lambda p: "expected <block end>" in p.problem or "block" in p.context,
     lambda p: f"{_at(p.text, p.line)} {INDENT}"),
]


def _leading(text: str, index: int) -> str:
    lines = text.splitlines()
    if not 0 <= index < len(lines):
        return ""
    line = lines[index]
    return line[: len(line) - len(line.lstrip())]


def yaml_message(exc: MarkedYAMLError, text: str) -> str:
    """One Chinese line for a YAML syntax error in ``text``."""
    mark = exc.problem_mark or exc.context_mark
    line = mark.line if mark else 0
    context_line = exc.context_mark.line if exc.context_mark else line
    p = YamlProblem(text, exc.problem or "", exc.context or "", line, context_line)
    for matches, message in YAML_MESSAGES:
        if matches(p):
            return f"YAML 语法错误：{message(p)}"
    return (f"YAML 语法错误：{_at(text, line)} 附近格式不对；检查缩进（只用空格、同一层对齐）"
            "和“键: 值”的冒号")


# ---- JSON ------------------------------------------------------------------------------------------

def _comma_before(exc: json.JSONDecodeError) -> int | None:
    """0-based line of a trailing comma right before the error position, if there is one."""
    before = exc.doc[: exc.pos].rstrip()
    if before.endswith(",") and exc.doc[exc.pos: exc.pos + 1] in ("]", "}"):
        return before.count("\n")
    return None


JSON_MESSAGES: list[tuple[Callable[[json.JSONDecodeError], bool], Callable[[json.JSONDecodeError], str]]] = [
    (lambda e: not e.doc.strip(), lambda e: "文件是空的；请按练习给出的格式填写"),
    (lambda e: _comma_before(e) is not None,
     lambda e: f"{_at(e.doc, _comma_before(e) or 0)} 末尾多了一个逗号；最后一项后面不要加逗号"),
    (lambda e: e.msg.startswith("Unterminated string"),
     lambda e: f"{_at(e.doc, e.lineno - 1)} 的引号没有配对；把英文双引号补齐"),
    (lambda e: e.msg.startswith("Expecting ':'"),
     lambda e: f"{_at(e.doc, e.lineno - 1)} 少了冒号；写成 \"键\": 值"),
    (lambda e: e.msg.startswith("Expecting ','"),
     lambda e: f"{_at(e.doc, e.lineno - 1)} 附近少了逗号；各项之间用英文逗号隔开"),
    (lambda e: e.msg.startswith("Expecting property name"),
     lambda e: f"{_at(e.doc, e.lineno - 1)} 的键要用英文双引号括起来，例如 \"名称\""),
]


def json_message(exc: json.JSONDecodeError) -> str:
    """One Chinese line for a JSON syntax error."""
    for matches, message in JSON_MESSAGES:
        if matches(exc):
            return f"JSON 语法错误：{message(exc)}"
    return f"JSON 语法错误：{_at(exc.doc, exc.lineno - 1)} 附近格式不对；请检查英文引号、逗号和括号"


__all__ = ["json_message", "yaml_message"]
