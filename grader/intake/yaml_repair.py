"""Typing slips in hand-written YAML tier configs that have only one meaning, mended before parsing (with a note).

A student typing with a Chinese input method writes ``名称：银卡`` (a full-width colon), ``名称:银卡`` (no space
after the colon) or ``-名称: 银卡`` (no space after the dash). YAML reads each of these as a piece of text, not as
a key and its value, so the whole config would fail over one keystroke. Each repair applies only to a key at the
start of a line (a word starting with a letter or a Chinese character), so values, comments and numbers such as
``-5`` or ``12:30`` are never touched. A registry of ``(code, pattern, replacement, note)``; each note lists the
lines it changed.
"""

from __future__ import annotations

import re

from grader.intake.normalize import NoteBook

_KEY = r"[^\W\d_]\w*"
"""A key as a tier config spells it: a letter or a Chinese character first (``名称``, ``交易笔数``, ``rule``)."""

REPAIRS: list[tuple[str, re.Pattern[str], str, str]] = [
    ("yaml-dash", re.compile(rf"^([ \t]*)-(?={_KEY}[ \t]*[:：])"), r"\1- ",
     "短横线“-”后面少了空格，已按列表项读取（以后请写成“- 键: 值”）"),
    ("yaml-colon", re.compile(rf"^([ \t]*(?:-[ \t]+)?)({_KEY})[ \t]*：[ \t]*"), r"\1\2: ",
     "中文冒号“：”已按英文冒号“:”读取（以后请用英文冒号，后面留一个空格）"),
    ("yaml-space", re.compile(rf"^([ \t]*(?:-[ \t]+)?)({_KEY}):(?=[^\s])"), r"\1\2: ",
     "冒号后面少了空格，已按“键: 值”读取（以后请在冒号后留一个空格）"),
]


def repair_yaml(text: str, book: NoteBook) -> str:
    """``text`` with the slips above mended; each kind mended is a note in ``book`` (with its line numbers)."""
    lines = text.split("\n")
    for code, pattern, replacement, note in REPAIRS:
        for number, line in enumerate(lines, start=1):
            if line.lstrip().startswith("#"):
                continue
            mended = pattern.sub(replacement, line, count=1)
            if mended != line:
                lines[number - 1] = mended
                book.add(code, note, f"第 {number} 行")
    return "\n".join(lines)


__all__ = ["REPAIRS", "repair_yaml"]
