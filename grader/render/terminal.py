"""The gradebook as a rich table on the terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.markup import escape
from rich.table import Table

from grader.render.common import fmt_points, label

if TYPE_CHECKING:
    from rich.console import Console

    from grader.gradebook import Entry, Gradebook


FULL_LISTING_MAX = 60
"""Up to this many files every one is listed; above it only those needing attention."""


def _needs_attention(e: Entry) -> bool:
    r = e.result
    return bool(e.flags) or r.status != "graded" or any(not c.passed for c in r.checks)


def show(gradebook: Gradebook, console: Console, lang: str = "zh") -> None:
    """One line per file (score or the reason it failed), then the counts.

    A large class lists only files with an error, a failed check or a flag; the outputs have all.
    """
    entries = gradebook.entries
    if len(entries) > FULL_LISTING_MAX:
        entries = [e for e in entries if _needs_attention(e)]
    table = Table(show_lines=False)
    for key in ("student", "exercise", "score", "message"):
        table.add_column(label(key, lang), overflow="fold")
    for e in entries:
        r = e.result
        if r.status == "graded":
            score = f"{fmt_points(r.score)}/{fmt_points(r.max_score)}"
            failed = [c.name for c in r.checks if not c.passed]
            text = (label("failed", lang) + "：" + "、".join(failed)) if failed else label("all_passed", lang)
            style = "green" if not failed else "yellow"
        else:
            score, text, style = "—", r.error or "", "red"
        if e.flags:
            text += "；" + "；".join(e.flags)
            style = "bold magenta"
        table.add_row(escape(r.student or "?"), escape(r.exercise or "?"), score,
                      f"[{style}]{escape(text)}[/]  [dim]{escape(r.file)}[/]")
    if entries:
        console.print(table)
    hidden = len(gradebook.entries) - len(entries)
    if hidden:
        console.print(label("hidden_full", lang).format(n=hidden))
    s = gradebook.summary
    console.print(f"{label('files', lang)} {s.files}，{label('graded', lang)} {s.graded}，"
                  f"{label('errored', lang)} {s.errors}，{label('flags', lang)} {s.flagged}")
