"""``grader report``: class statistics of a gradebook JSON as one self-contained HTML page.

:func:`build_report` turns a :class:`~grader.gradebook.Gradebook` into a :class:`ClassReport`
(score distribution per exercise, most-failed checks with their messages and hints, clusters of identical
wrong answers, flagged copies, duplicates, 未提交 and 名单外); :func:`render_report` draws it with inline SVG
charts. Statistics count only the files that count (no duplicates, no 未提交).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from grader.gradebook import Entry, Gradebook, who
from grader.render.common import fmt_points, policy_lines
from grader.render.common import html_escape as escape
from grader.render.html_out import page

__all__ = ["ClassReport", "Cluster", "Distribution", "FailedCheck", "build_report", "load_gradebook",
           "render_report"]

BIN_LABELS = ("0–9%", "10–19%", "20–29%", "30–39%", "40–49%", "50–59%", "60–69%", "70–79%", "80–89%",
              "90–99%", "满分")
TOP_CHECKS = 15
TOP_MESSAGES = 3


@dataclass
class Distribution:
    """How one exercise's scores spread over the class."""

    exercise: str
    title: str
    max_score: float
    counts: list[int]
    """Graded files per bin of :data:`BIN_LABELS`."""
    graded: int
    errors: int
    mean: float | None


@dataclass
class FailedCheck:
    """A check many students failed, with the messages they got most often."""

    exercise: str
    check: str
    failed: int
    graded: int
    messages: list[tuple[str, int]]
    hint: str = ""
    """The hint students got most often for this check ("" when it has none)."""


@dataclass
class Cluster:
    """Two or more students handed in the same (normalised) wrong answer."""

    exercise: str
    digest: str
    students: list[str]
    files: list[str]
    score: float
    max_score: float
    failed: list[str]
    high: float | None = None
    """The highest of the members' scores when they differ (one answer checked against each student's own data
    version scores differently); ``score`` is then the lowest."""


@dataclass
class ClassReport:
    distributions: list[Distribution]
    failed_checks: list[FailedCheck]
    clusters: list[Cluster]
    flagged: list[Entry] = field(default_factory=list)
    errors: list[Entry] = field(default_factory=list)
    duplicates: list[Entry] = field(default_factory=list)
    missing: list[Entry] = field(default_factory=list)
    off_roster: list[Entry] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    """学号 → 姓名 from the roster (shown beside the 学号 in the lists of students)."""

    def who(self, student: str | None) -> str:
        return who(self.names, student) or "?"


def load_gradebook(path: str | Path) -> Gradebook:
    """Read a ``grader grade --json`` file; ``ValueError`` with a Chinese reason when it is not one."""
    try:
        data = json.loads(Path(path).read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ValueError("不是 UTF-8 编码的 JSON") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"JSON 语法错误（第 {exc.lineno} 行第 {exc.colno} 列）") from None
    return Gradebook.from_dict(data)


def _bin(score: float, max_score: float) -> int:
    if max_score <= 0:
        return 0
    share = score / max_score
    if share >= 1:
        return len(BIN_LABELS) - 1
    return min(int(share * 10), len(BIN_LABELS) - 2)


def _wrong(e: Entry) -> bool:
    r = e.result
    return r.status == "graded" and r.score < r.max_score


def build_report(gradebook: Gradebook) -> ClassReport:
    """Statistics of a run, sorted so that the same gradebook always gives the same report."""
    graded = [e for e in gradebook.entries if e.scored]
    distributions = []
    for s in gradebook.summary.exercises:
        counts = [0] * len(BIN_LABELS)
        for e in graded:
            if e.result.exercise == s.exercise:
                counts[_bin(e.result.score, e.result.max_score)] += 1
        distributions.append(Distribution(s.exercise, s.title, s.max_score, counts, s.graded, s.errors, s.mean))

    totals: Counter[tuple[str, str]] = Counter()
    fails: Counter[tuple[str, str]] = Counter()
    messages: dict[tuple[str, str], Counter[str]] = {}
    hints: dict[tuple[str, str], Counter[str]] = {}
    for e in graded:
        for c in e.result.checks:
            key = (e.result.exercise, c.name)
            totals[key] += 1
            if not c.passed:
                fails[key] += 1
                messages.setdefault(key, Counter())[c.message] += 1
                if c.hint:
                    hints.setdefault(key, Counter())[c.hint] += 1

    def top_hint(key: tuple[str, str]) -> str:
        found = sorted(hints.get(key, Counter()).items(), key=lambda m: (-m[1], m[0]))
        return found[0][0] if found else ""

    failed_checks = [
        FailedCheck(ex, name, n, totals[(ex, name)],
                    sorted(messages[(ex, name)].items(), key=lambda m: (-m[1], m[0]))[:TOP_MESSAGES],
                    top_hint((ex, name)))
        for (ex, name), n in sorted(fails.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_CHECKS]
    ]

    groups: dict[tuple[str, str], list[Entry]] = {}
    for e in graded:
        if _wrong(e) and e.result.answer_digest:
            groups.setdefault((e.result.exercise, e.result.answer_digest), []).append(e)
    clusters = [
        Cluster(ex, digest, sorted({e.result.student or "?" for e in members}),
                sorted(e.result.file for e in members), min(scores), members[0].result.max_score,
                [c.name for c in members[0].result.checks if not c.passed],
                max(scores) if max(scores) != min(scores) else None)
        for (ex, digest), members in groups.items() if len(members) >= 2
        for scores in [[e.result.score for e in members]]
    ]
    clusters.sort(key=lambda c: (-len(c.files), c.exercise, c.digest))
    return ClassReport(
        distributions, failed_checks, clusters,
        flagged=[e for e in gradebook.entries if e.flags],
        errors=[e for e in gradebook.entries if e.state == "error"],
        duplicates=[e for e in gradebook.entries if e.state == "duplicate"],
        missing=[e for e in gradebook.entries if e.absent],
        off_roster=[e for e in gradebook.entries if e.off_roster],
        names=dict(gradebook.names),
    )


# ---------------------------------------------------------------------- rendering


def histogram_svg(d: Distribution, width: int = 560, height: int = 200) -> str:
    """An inline SVG bar chart of one exercise's score bins (no scripts, no external resources)."""
    left, bottom, top = 30, 40, 16
    n = len(d.counts)
    slot = (width - left) / n
    peak = max(d.counts) or 1
    scale = (height - bottom - top) / peak
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(d.exercise)} 分数分布">']
    base = height - bottom
    parts.append(f'<line x1="{left}" y1="{base}" x2="{width}" y2="{base}" stroke="#888"/>')
    for i, count in enumerate(d.counts):
        x = left + i * slot + 3
        h = count * scale
        parts.append(f'<rect class="bar" x="{x:.1f}" y="{base - h:.1f}" width="{slot - 6:.1f}" height="{h:.1f}">'
                     f"<title>{escape(BIN_LABELS[i])}：{count}</title></rect>")
        if count:
            parts.append(f'<text class="axis" x="{x + (slot - 6) / 2:.1f}" y="{base - h - 3:.1f}" '
                         f'text-anchor="middle">{count}</text>')
        parts.append(f'<text class="axis" x="{x + (slot - 6) / 2:.1f}" y="{base + 14}" text-anchor="middle" '
                     f'transform="rotate(30 {x + (slot - 6) / 2:.1f} {base + 14})">{escape(BIN_LABELS[i])}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _table(head: list[str], rows: list[list[str]]) -> str:
    th = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{th}</tr>{body}</table>"


def _cluster_points(c: Cluster) -> str:
    """"3 / 10", or "2.72–3.1 / 10" when the same answer scored differently on the students' data versions."""
    low = fmt_points(c.score)
    return f"{low}–{fmt_points(c.high)} / {fmt_points(c.max_score)}" if c.high is not None else f"{low} / {fmt_points(c.max_score)}"


def render_report(gradebook: Gradebook, lang: str = "zh") -> bytes:
    """The report as a complete HTML page; every piece of text from the gradebook is escaped."""
    report = build_report(gradebook)
    s = gradebook.summary
    out = [f"<p>文件 {s.files} 个，计分 {s.graded}，无法评分 {s.errors}，重复提交（未计分）{s.duplicates}，"
           f"学生 {s.students} 人，未提交 {s.missing} 项，名单外 {s.off_roster} 人，疑似抄袭 {s.flagged} 份。</p>",
           '<div class="policy">' + "".join(f"<p>{escape(line)}</p>" for line in policy_lines(gradebook)) + "</div>",
           "<h2>分数分布</h2>"]
    for d in report.distributions:
        mean = fmt_points(d.mean)
        out.append(f"<h3>{escape(d.exercise)} {escape(d.title)}</h3>"
                   f"<p>满分 {fmt_points(d.max_score)}，已评分 {d.graded}，无法评分 {d.errors}，平均 {mean}</p>")
        out.append(histogram_svg(d) if d.graded else "<p>没有可评分的文件，无法画分布图。</p>")
    out.append("<h2>最常未通过的检查</h2>")
    if report.failed_checks:
        rows = [[escape(f.exercise), escape(f.check), f"{f.failed} / {f.graded}",
                 "<br>".join(f"{escape(m)}（{n} 人）" for m, n in f.messages), escape(f.hint)]
                for f in report.failed_checks]
        out.append(_table(["练习", "检查", "未通过 / 已评分", "常见说明", "改进提示"], rows))
    else:
        out.append("<p>所有检查都通过了。</p>")
    out.append("<h2>相同的错误答案</h2>")
    if report.clusters:
        rows = [[escape(c.exercise), escape("、".join(report.who(s) for s in c.students)), _cluster_points(c),
                 escape("、".join(c.failed)), escape(c.digest[:12]), "<br>".join(escape(f) for f in c.files)]
                for c in report.clusters]
        out.append(_table(["练习", "学号", "得分", "未通过的检查", "答案指纹", "文件"], rows))
    else:
        out.append("<p>没有两份完全相同的错误答案。</p>")
    if report.flagged:
        out.append("<h2>疑似抄袭</h2>")
        rows = [[escape(report.who(e.result.student)), escape(e.result.exercise or "?"), escape("；".join(e.flags)),
                 escape(e.result.file)] for e in report.flagged]
        out.append(_table(["学号", "练习", "标记", "文件"], rows))
    if report.errors:
        out.append("<h2>无法评分的文件</h2>")
        rows = [[escape(e.result.file), escape(e.result.error or "")] for e in report.errors]
        out.append(_table(["文件", "原因"], rows))
    if report.duplicates:
        out.append("<h2>重复提交（未计分）</h2>")
        rows = [[escape(report.who(e.result.student)), escape(e.result.exercise or "?"), escape(e.result.file),
                 escape(e.duplicate_of)] for e in report.duplicates]
        out.append(_table(["学号", "练习", "未计分的文件", "计分的文件"], rows))
    if report.missing:
        out.append("<h2>未提交</h2>")
        per: dict[str, list[str]] = {}
        for e in report.missing:
            per.setdefault(report.who(e.result.student), []).append(e.result.exercise or "?")
        everything = len(report.distributions)
        rows = [[escape(student), f"全部（{everything} 道）" if len(exercises) == everything > 1
                 else escape("、".join(exercises))] for student, exercises in per.items()]
        out.append(_table(["学号", "没有交的练习"], rows))
    if report.off_roster:
        out.append("<h2>名单外的学号</h2>")
        rows = [[escape(e.result.student or "?"), escape(e.result.exercise or "?"), escape(e.result.file)]
                for e in report.off_roster]
        out.append(_table(["学号", "练习", "文件"], rows))
    return page("全班评分报告", "\n".join(out), lang)
