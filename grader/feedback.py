"""``grader feedback``: one short, printable Chinese feedback page per student, from a gradebook JSON.

:func:`build_feedback` turns a :class:`~grader.gradebook.Gradebook` into :class:`StudentFeedback` records
(each exercise: score, what was wrong with at most :data:`MAX_DETAILS` detail lines per check, and the
hint); :func:`render_feedback` draws one as a self-contained HTML page (inline CSS, every text escaped);
:func:`write_feedback` writes ``<学号>.html`` per student plus an ``index.html`` for the teacher.
Copy flags are deliberately not printed: they are for the teacher to look into, not to hand out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from grader.gradebook import Entry, Gradebook
from grader.render.common import GENERATOR_META, fmt_points, status_text
from grader.render.common import html_escape as escape

__all__ = ["CheckFeedback", "ExerciseFeedback", "StudentFeedback", "build_feedback", "feedback_name",
           "render_feedback", "render_index", "write_feedback"]

MAX_DETAILS = 5
"""Detail lines shown per failed check; the rest become one "……另有 N 处" line."""

CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:1.5em auto;max-width:46em;
color:#222;line-height:1.55;padding:0 1em}
h1{font-size:1.4em;margin-bottom:.2em}h2{font-size:1.1em;margin:1.2em 0 .3em;border-bottom:1px solid #ccc}
.score{float:right;font-weight:bold}.full{color:#1b5e20}.part{color:#8a4b00}.none{color:#b00020}
.check{margin:.5em 0 .8em}.check b{display:block}.hint{background:#eef4fb;border-left:4px solid #3f6fb5;
padding:.2em .6em;margin:.3em 0}ul{margin:.2em 0 .2em 1.4em;padding:0}small,.muted{color:#555}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .6em}
@media print{body{margin:0;max-width:none}a{color:inherit;text-decoration:none}h2{break-after:avoid}
.check{break-inside:avoid}}
"""


@dataclass
class CheckFeedback:
    """One failed check, as a student reads it."""

    name: str
    points: float
    max_points: float
    message: str
    details: list[str]
    hint: str


@dataclass
class ExerciseFeedback:
    """One exercise of one student: the file that counts, or why there is none."""

    exercise: str
    title: str
    state: str
    """``graded``, ``error`` or ``missing`` (see :attr:`Entry.state`)."""
    status: str
    """The Chinese word for ``state`` (已评分 / 无法评分 / 未提交)."""
    score: float | None
    max_score: float
    file: str
    problems: list[CheckFeedback] = field(default_factory=list)
    error: str = ""
    remark: str = ""
    """Why this file counts when several were handed in (the policy note)."""
    notes: list[str] = field(default_factory=list)
    """What the grader corrected while reading the file (列名、全角字符 …)."""


@dataclass
class StudentFeedback:
    student: str
    exercises: list[ExerciseFeedback]
    name: str = ""
    """姓名 from the roster ("" without one)."""

    @property
    def total(self) -> float:
        return sum(e.score or 0.0 for e in self.exercises)

    @property
    def max_total(self) -> float:
        return sum(e.max_score for e in self.exercises)


def _capped(lines: list[str], limit: int = MAX_DETAILS) -> list[str]:
    if len(lines) <= limit:
        return list(lines)
    rest = len(lines) - limit + 1
    if lines[-1].startswith("……另有 "):  # the engine already summarised a longer list
        m = re.search(r"另有 (\d+)", lines[-1])
        rest = len(lines) - limit + int(m.group(1)) if m else rest
    return [*lines[: limit - 1], f"……另有 {rest} 处"]


def _exercise(e: Entry, title: str) -> ExerciseFeedback:
    r = e.result
    item = ExerciseFeedback(exercise=r.exercise, title=title, state=e.state, status=status_text(e),
                            score=r.score if e.scored else None, max_score=r.max_score, file=r.file,
                            remark=e.policy_note, notes=[n.message for n in r.notes])
    if e.state == "error":
        item.error = r.error or ""
    shown: set[str] = set()
    for c in r.checks:
        if not c.passed and not c.skipped:  # several checks failing for one cause share a hint: say it once
            item.problems.append(CheckFeedback(c.name, c.points, c.max_points, c.message, _capped(c.details),
                                               "同上" if c.hint and c.hint in shown else c.hint))
            shown.add(c.hint)
    return item


def build_feedback(gradebook: Gradebook) -> list[StudentFeedback]:
    """One record per 学号 (sorted), each exercise of the run once: the counted file, 无法评分 or 未提交."""
    chosen: dict[tuple[str, str], Entry] = {}
    for e in gradebook.entries:
        r = e.result
        if not r.student or not r.exercise or e.duplicate_of:
            continue
        old = chosen.get((r.student, r.exercise))
        if old is None or (e.scored and not old.scored):
            chosen[(r.student, r.exercise)] = e
    out = []
    for student in gradebook.students:
        items = [_exercise(chosen[(student, ex)], gradebook.titles.get(ex, ex))
                 for ex in gradebook.exercises if (student, ex) in chosen]
        if items:
            out.append(StudentFeedback(student, items, gradebook.names.get(student, "")))
    return out


def _score_html(item: ExerciseFeedback) -> str:
    if item.score is None:
        return f'<span class="score none">{escape(item.status)}</span>'
    cls = "full" if item.score >= item.max_score > 0 else "part" if item.score > 0 else "none"
    return f'<span class="score {cls}">{fmt_points(item.score)} / {fmt_points(item.max_score)} 分</span>'


def _exercise_html(item: ExerciseFeedback) -> str:
    parts = [f"<h2>{_score_html(item)}{escape(item.title)} <small>{escape(item.exercise)}</small></h2>"]
    if item.file:
        parts.append(f'<p class="muted">评分的文件：{escape(item.file)}</p>')
    if item.remark:
        parts.append(f'<p class="muted">{escape(item.remark)}</p>')
    if item.state == "missing":
        parts.append("<p>没有收到这道练习的文件。请在练习页面点“下载提交文件”，把文件交给老师。</p>")
    elif item.error:
        parts.append(f"<p>这个文件无法评分：{escape(item.error)}</p>")
    elif not item.problems:
        parts.append("<p>全部检查都通过了。</p>")
    for p in item.problems:
        details = "".join(f"<li>{escape(d)}</li>" for d in p.details)
        hint = f'<p class="hint">怎么改：{escape(p.hint)}</p>' if p.hint else ""
        parts.append(f'<div class="check"><b>{escape(p.name)}（{fmt_points(p.points)} / '
                     f"{fmt_points(p.max_points)} 分）</b>{escape(p.message)}"
                     f"{f'<ul>{details}</ul>' if details else ''}{hint}</div>")
    if item.notes:
        notes = "".join(f"<li>{escape(n)}</li>" for n in item.notes)
        parts.append(f'<details><summary class="muted">读取文件时自动做的处理（{len(item.notes)} 条）</summary>'
                     f"<ul>{notes}</ul></details>")
    return "\n".join(parts)


def _page(title: str, body: str) -> bytes:
    return (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">{GENERATOR_META}'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{CSS}</style></head>\n<body>\n{body}\n</body></html>\n").encode()


def render_feedback(fb: StudentFeedback) -> bytes:
    """One student's feedback as a complete, printable HTML page."""
    who = f"{fb.name}（学号 {fb.student}）" if fb.name else f"学号 {fb.student}"
    head = (f"<h1>作业反馈 · {escape(who)}</h1>"
            f"<p>共 {len(fb.exercises)} 道练习，合计 <b>{fmt_points(fb.total)} / {fmt_points(fb.max_total)}</b> 分。"
            "每道练习下面列出没通过的检查、具体问题（最多列出几条）和修改提示。</p>")
    body = "\n".join([head, *(_exercise_html(item) for item in fb.exercises)])
    return _page(f"作业反馈 {fb.student} {fb.name}".rstrip(), body)


def feedback_name(student: str) -> str:
    """A safe file name for a 学号 (anything but letters, digits, - and _ becomes _)."""
    return re.sub(r"[^0-9A-Za-z_-]", "_", student)[:64] or "_"


def render_index(feedback: list[StudentFeedback]) -> bytes:
    """The teacher's list of the feedback pages: 学号, total, link."""
    named = any(fb.name for fb in feedback)
    rows = "".join(f'<tr><td><a href="{escape(feedback_name(fb.student))}.html">{escape(fb.student)}</a></td>'
                   + (f"<td>{escape(fb.name)}</td>" if named else "")
                   + f"<td>{fmt_points(fb.total)} / {fmt_points(fb.max_total)}</td>"
                   f"<td>{sum(1 for e in fb.exercises if e.problems or e.error or e.state == 'missing')}</td></tr>"
                   for fb in feedback)
    body = (f"<h1>作业反馈（{len(feedback)} 人）</h1><p>每位学生一页，可直接打印或发给学生。</p>"
            f"<table><tr><th>学号</th>{'<th>姓名</th>' if named else ''}<th>合计</th><th>需要改的练习</th></tr>{rows}</table>")
    return _page("作业反馈", body)


def write_feedback(gradebook: Gradebook, out: str | Path) -> list[Path]:
    """Write ``<学号>.html`` for every student and ``index.html``; returns the student pages written."""
    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    feedback = build_feedback(gradebook)
    written = []
    for fb in feedback:
        path = target / f"{feedback_name(fb.student)}.html"
        path.write_bytes(render_feedback(fb))
        written.append(path)
    (target / "index.html").write_bytes(render_index(feedback))
    return written
