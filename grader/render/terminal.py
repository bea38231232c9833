"""The gradebook as a rich table on the terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.markup import escape
from rich.table import Table

from grader.render.common import fmt_points, label

if TYPE_CHECKING:
    from rich.console import Console

    from grader.gradebook import Gradebook


def show(gradebook: Gradebook, console: Console, lang: str = "zh") -> None:
    """One line per file (score or the reason it failed), then the counts."""

    table = Table(show_lines=False)
    for key in ("student", "exercise", "score", "message"):
        table.add_column(label(key, lang), overflow="fold")
    for e in gradebook.entries:
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
    console.print(table)
    s = gradebook.summary
    console.print(f"{label('files', lang)} {s.files}，{label('graded', lang)} {s.graded}，"
                  f"{label('errored', lang)} {s.errors}，{label('flags', lang)} {s.flagged}")
