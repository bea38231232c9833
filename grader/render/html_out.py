"""The gradebook as one self-contained HTML page (inline CSS, no external resources, all text escaped)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from grader.render.common import GENERATOR_META, fmt_points, label, policy_lines, status_text
from grader.render.common import html_escape as escape

if TYPE_CHECKING:
    from grader.gradebook import Entry, Gradebook
    from grader.model import CheckResult

CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:.3em .6em;vertical-align:top}
th{background:#f3f3f3}.error{color:#b00020}.ok{color:#1b5e20}.flag{color:#8a4b00;font-weight:bold}
.muted{color:#666}.hint{color:#0b4f8a}.policy{background:#f6f8fa;border-left:4px solid #3f6fb5;padding:.4em .8em}
details{margin:.4em 0}summary{cursor:pointer}small{color:#666}.bar{fill:#3f6fb5}.axis{font-size:11px}
svg{max-width:100%;height:auto}table{display:block;max-width:100%;overflow-x:auto}
@media (max-width:600px){body{margin:1em}th,td{min-width:5em}}
"""


def page(title: str, body: str, lang: str = "zh") -> bytes:
    """A complete HTML document; ``title`` is escaped here, ``body`` must already be."""
    html_lang = "zh-CN" if lang == "zh" else "en"
    return (
        f'<!DOCTYPE html>\n<html lang="{html_lang}"><head><meta charset="utf-8">{GENERATOR_META}'
        f"<title>{escape(title)}</title><style>{CSS}</style></head>\n<body>\n"
        f"<h1>{escape(title)}</h1>\n{body}\n</body></html>\n"
    ).encode()


def _row(cells: list[str], tag: str = "td") -> str:
    return "<tr>" + "".join(f"<{tag}>{c}</{tag}>" for c in cells) + "</tr>"


def _summary(gradebook: Gradebook, lang: str) -> str:
    s = gradebook.summary
    head = _row([escape(label(k, lang)) for k in
                 ("exercise", "title", "files", "graded", "errored", "duplicate", "missing", "mean", "median",
                  "full_marks", "flags")], "th")
    body = "".join(
        _row([escape(e.exercise), escape(e.title), str(e.files), str(e.graded), str(e.errors), str(e.duplicates),
              str(e.missing), fmt_points(e.mean), fmt_points(e.median), str(e.full_marks), str(e.flagged)])
        for e in s.exercises)
    counts = (f"<p>{escape(label('files', lang))}：{s.files}　{escape(label('graded', lang))}：{s.graded}　"
              f"{escape(label('errored', lang))}：{s.errors}　{escape(label('duplicate', lang))}：{s.duplicates}　"
              f"{escape(label('missing', lang))}：{s.missing}　{escape(label('off_roster', lang))}：{s.off_roster}　"
              f"{escape(label('students', lang))}：{s.students}</p>")
    policy = "".join(f"<p>{escape(line)}</p>" for line in policy_lines(gradebook))
    return f'{counts}<div class="policy">{policy}</div><table>{head}{body}</table>'


def hint_html(c: CheckResult) -> str:
    """The hint of a failed check as a paragraph ("" when passed or without a hint)."""
    return f'<p class="hint">提示：{escape(c.hint)}</p>' if c.hint and not c.passed else ""


def _entry(e: Entry, lang: str, who: str) -> str:
    r = e.result
    cls = "ok" if e.state == "graded" and r.score >= r.max_score > 0 else "error"
    if e.state in ("duplicate", "missing"):
        cls = "muted"
    score = (f"{fmt_points(r.score)} / {fmt_points(r.max_score)}" if r.status == "graded" and not e.absent
             else escape(status_text(e, lang)))
    if e.state == "duplicate":
        score += f"（{escape(status_text(e, lang))}）"
    parts = [f'<summary><b>{escape(who or "?")}</b> · {escape(r.exercise or "?")} · '
             f'<span class="{cls}">{score}</span> <small>{escape(r.file)}</small></summary>']
    if r.error and not e.absent:
        parts.append(f'<p class="error">{escape(r.error)}</p>')
    if e.policy_note:
        parts.append(f'<p class="muted">{escape(e.policy_note)}</p>')
    parts.extend(f'<p class="flag">{escape(flag)}</p>' for flag in e.marks)
    if r.checks:
        head = _row([escape(label(k, lang)) for k in ("checks", "status", "score", "message")], "th")
        rows = "".join(
            _row([escape(c.name), escape(label("passed" if c.passed else "not_passed", lang)),
                  f"{fmt_points(c.points)} / {fmt_points(c.max_points)}", _message(c)])
            for c in r.checks)
        parts.append(f"<table>{head}{rows}</table>")
    if r.notes:
        parts.append("<ul>" + "".join(f"<li>{escape(n.message)}</li>" for n in r.notes) + "</ul>")
    return "<details>" + "".join(parts) + "</details>"


def _message(c: CheckResult) -> str:
    if not c.details:
        return escape(c.message) + hint_html(c)
    items = "".join(f"<li>{escape(d)}</li>" for d in c.details)
    return f"{escape(c.message)}<ul>{items}</ul>{hint_html(c)}"


def render(gradebook: Gradebook, lang: str = "zh") -> bytes:
    body = [_summary(gradebook, lang), f"<h2>{escape(label('file', lang))}</h2>"]
    body.extend(_entry(e, lang, gradebook.who(e.result.student)) for e in gradebook.entries)
    return page(label("gradebook", lang), "\n".join(body), lang)
