"""The gradebook as rich tables on the terminal: one line per file, the hints of the failed checks, the
counts and the policy in force."""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.markup import escape as markup_escape
from rich.table import Table

from grader.render.common import attention_notes, fmt_points, label, policy_lines, status_text, visible

if TYPE_CHECKING:
    from rich.console import Console

    from grader.gradebook import Entry, Gradebook


NO_LINE_START = "）)，。；：、」”！？"
"""Punctuation that stays at the end of a line instead of starting the next one."""
FULL_LISTING_MAX = 60
"""Up to this many files every one is listed; above it only those needing attention."""


def escape(text: str) -> str:
    """Rich markup escaped, with control characters shown as symbols (names and cells come from students)."""
    return markup_escape(visible(text))


def _needs_attention(e: Entry) -> bool:
    r = e.result
    return bool(e.marks) or e.state != "graded" or any(not c.passed for c in r.checks) or bool(attention_notes(e))


def _line(e: Entry, lang: str) -> tuple[str, str, str]:
    """(score, text, style) of one entry."""
    r = e.result
    if e.state == "missing":
        return "—", status_text(e, lang), "yellow"
    if e.state == "duplicate":
        score = f"{fmt_points(r.score)}/{fmt_points(r.max_score)}" if r.status == "graded" else "—"
        why = f"；{label('errored', lang)}：{r.error}" if r.status != "graded" and r.error else ""
        return score, f"{status_text(e, lang)}：计分的是 {e.duplicate_of}{why}", "dim"
    if r.status != "graded":
        return "—", r.error or "", "red"
    score = f"{fmt_points(r.score)}/{fmt_points(r.max_score)}"
    failed = [c.name for c in r.checks if not c.passed]
    if failed:
        return score, label("failed", lang) + "：" + "、".join(failed), "yellow"
    return score, label("all_passed", lang), "green"


_TOKEN = re.compile(r"[!-~]+|.", re.DOTALL)
"""A run of ASCII non-space characters (a word, code such as ``format="mixed"``) or one other character."""


def _fold(line: str, width: int) -> list[str]:
    """Cut ``line`` into pieces of at most ``width`` terminal cells (continuations indented like the line):
    Chinese has no spaces, so wrapping at spaces leaves ragged breaks; an ASCII word or code is never cut
    unless it alone is wider than a line."""
    indent = " " * (len(line) - len(line.lstrip(" ")) or 2)
    pieces, current = [], ""
    for whole in _TOKEN.findall(line):
        token = whole
        limit = width if token in NO_LINE_START else width - 4  # room for closing punctuation
        if cell_len(current + token) > limit and current.strip():
            pieces.append(current.rstrip())
            current = indent
            if token == " ":
                continue
        while cell_len(current + token) > width - 4 and cell_len(token) > width - 4 - len(indent):
            room = max(1, width - 4 - cell_len(current))  # a word longer than a whole line: cut it
            pieces.append(current + token[:room])
            current, token = indent, token[room:]
        current += token
    return [*pieces, current]


def _hint_lines(gradebook: Gradebook, lang: str) -> list[str]:
    """Two lines per (exercise, failed check): how many counted files failed it, then its hint."""
    counts: Counter[tuple[str, str, str]] = Counter()
    for e in gradebook.entries:
        if e.scored:
            for c in e.result.checks:
                if not c.passed and c.hint:
                    counts[(e.result.exercise, c.name, c.hint)] += 1
    failed = "未通过 {n} 份" if lang == "zh" else "{n} failed"
    lines = []
    for (exercise, name, hint), n in sorted(counts.items(), key=lambda kv: (kv[0][0], -kv[1], kv[0][1])):
        lines += [f"· {exercise} · {name}（{failed.format(n=n)}）", f"  {hint}"]
    return lines


def _student_header(gradebook: Gradebook, lang: str) -> str:
    """学号, or "学号 姓名" when the roster gave names (the cells hold both)."""
    return f"{label('student', lang)} {label('name', lang)}" if gradebook.names else label("student", lang)


def _missing_table(gradebook: Gradebook, lang: str) -> Table | None:
    """未提交, one row per roster student: the exercises without a file (all of them: "全部")."""
    per: dict[str, list[str]] = {}
    for e in gradebook.entries:
        if e.absent:
            per.setdefault(gradebook.who(e.result.student) or "?", []).append(e.result.exercise)
    if not per:
        return None
    table = Table(title=label("missing", lang), title_justify="left")
    table.add_column(_student_header(gradebook, lang))
    table.add_column(label("exercise", lang), overflow="fold")
    everything = len(gradebook.exercises)
    for student, exercises in per.items():
        text = (f"全部（{everything} 道）" if lang == "zh" else f"all {everything}") if len(exercises) == everything > 1 \
            else "、".join(exercises)
        table.add_row(escape(student), escape(text))
    return table


def show(gradebook: Gradebook, console: Console, lang: str = "zh") -> None:
    """One line per file (score or the reason it failed), the hints, then the counts and the policy.

    A large class lists only files with an error, a failed check, a mark, a duplicate or 未提交; the
    outputs have all.
    """
    files = [e for e in gradebook.entries if not e.absent]
    entries = files
    if len(entries) > FULL_LISTING_MAX:
        entries = [e for e in entries if _needs_attention(e)]
    table = Table(show_lines=False)
    for key in ("student", "exercise", "score", "message"):
        table.add_column(_student_header(gradebook, lang) if key == "student" else label(key, lang), overflow="fold")
    for e in entries:
        score, text, style = _line(e, lang)
        noted = [] if e.absent else attention_notes(e)
        if noted:
            text += "；" + "；".join(noted)
        if e.marks:
            text += "；" + "；".join(e.marks)
            style = "bold magenta"
        where = f"  [dim]{escape(e.result.file)}[/]" if e.result.file else ""
        table.add_row(escape(gradebook.who(e.result.student) or "?"), escape(e.result.exercise or "?"), score,
                      f"[{style}]{escape(text)}[/]{where}")
    if entries:
        console.print(table)
    hidden = len(files) - len(entries)
    if hidden:
        console.print(label("hidden_full", lang).format(n=hidden))
    missing = _missing_table(gradebook, lang)
    if missing is not None:
        console.print(missing)
    hint_lines = _hint_lines(gradebook, lang)
    if hint_lines:
        console.print(f"[bold]{label('hints_title', lang)}[/]")
        for line in hint_lines:
            for piece in _fold(line, console.width):
                console.print(escape(piece), no_wrap=True, overflow="ignore")
    s = gradebook.summary
    if lang == "zh":
        line = f"文件 {s.files} 个：计分 {s.graded}，无法评分 {s.errors}，重复提交（未计分） {s.duplicates}"
        if gradebook.policy.get("roster"):
            line += f"；未提交 {s.missing} 项，名单外 {s.off_roster} 人"
        line += f"；疑似抄袭 {s.flagged} 份"
    else:
        line = (f"{s.files} files: {s.graded} counted, {s.errors} errors, {s.duplicates} duplicates; "
                f"{s.missing} missing, {s.off_roster} not on roster; {s.flagged} flagged")
    for piece in _fold(line, console.width):
        console.print(escape(piece), no_wrap=True, overflow="ignore")
    if lang == "zh":
        for policy in policy_lines(gradebook, terminal=True):
            for piece in _fold(policy, console.width):
                console.print(f"[dim]{escape(piece)}[/]", no_wrap=True, overflow="ignore")
