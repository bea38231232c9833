"""Helpers shared by the renderers: formula neutralising, labels, score formatting, the stated policy."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from grader.gradebook import STATE_LABELS

if TYPE_CHECKING:
    from grader.gradebook import Entry, Gradebook
    from grader.model import CheckResult

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A spreadsheet treats a cell starting with one of these as a formula (CSV injection)."""


def neutralise(value: Any) -> Any:
    """Prefix a ``'`` to text a spreadsheet would run as a formula; other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


# C0 controls and DEL as their Unicode control pictures (␛ for ESC, ␊ for a line feed …), C1 controls as �
_VISIBLE = {**{code: 0x2400 + code for code in range(0x20)}, 0x7F: 0x2421, **dict.fromkeys(range(0x80, 0xA0), 0xFFFD)}


def visible(value: Any) -> Any:
    """Text with every control character shown as a symbol; other values unchanged.

    File names and cells come from students: an escape sequence in a zip member's name would clear or recolour
    the teacher's terminal, a line break would split a table row, and openpyxl refuses control characters in a
    worksheet (the whole 成绩.xlsx would fail)."""
    return value.translate(_VISIBLE) if isinstance(value, str) else value


def html_escape(text: str, quote: bool = True) -> str:
    """``html.escape`` of :func:`visible` text (HTML outputs: report, feedback, gradebook page)."""
    return html.escape(visible(text), quote)


def fmt_points(value: float | None) -> str:
    """2 → "2", 2.5 → "2.5", None → "—"."""
    if value is None:
        return "—"
    return f"{value:.2f}".rstrip("0").rstrip(".")


GENERATOR_META = '<meta name="generator" content="grader">'
"""In the <head> of every HTML page grader writes (how :mod:`grader.render.own_files` knows them)."""

LABELS: dict[str, dict[str, str]] = {
    "student": {"zh": "学号", "en": "student"},
    "name": {"zh": "姓名", "en": "name"},
    "exercise": {"zh": "练习编号", "en": "exercise"},
    "title": {"zh": "练习", "en": "title"},
    "file": {"zh": "文件", "en": "file"},
    "status": {"zh": "状态", "en": "status"},
    "score": {"zh": "得分", "en": "score"},
    "max_score": {"zh": "满分", "en": "max score"},
    "failed": {"zh": "未通过的检查", "en": "failed checks"},
    "notes": {"zh": "读取说明", "en": "notes"},
    "error": {"zh": "错误", "en": "error"},
    "flags": {"zh": "标记", "en": "flags"},
    "total": {"zh": "总分", "en": "total"},
    "graded": {"zh": "已评分", "en": "graded"},
    "errored": {"zh": "无法评分", "en": "error"},
    "summary": {"zh": "总表", "en": "summary"},
    "gradebook": {"zh": "成绩单", "en": "Gradebook"},
    "files": {"zh": "文件数", "en": "files"},
    "students": {"zh": "学生数", "en": "students"},
    "mean": {"zh": "平均分", "en": "mean"},
    "median": {"zh": "中位数", "en": "median"},
    "full_marks": {"zh": "满分人次", "en": "full marks"},
    "checks": {"zh": "检查", "en": "checks"},
    "passed": {"zh": "通过", "en": "passed"},
    "not_passed": {"zh": "未通过", "en": "failed"},
    "message": {"zh": "说明", "en": "message"},
    "all_passed": {"zh": "全部通过", "en": "all checks passed"},
    "hidden_full": {"zh": "另有 {n} 个文件全部通过，未逐行列出（详见输出文件）。",
                    "en": "{n} more file(s) passed every check (listed in the output files)."},
    "hints": {"zh": "改进提示", "en": "hints"},
    "hints_title": {"zh": "改进提示（每项未通过的检查一条）", "en": "Hints (one per failed check)"},
    "hint": {"zh": "提示", "en": "hint"},
    "duplicate": {"zh": "重复提交（未计分）", "en": "duplicate (not counted)"},
    "missing": {"zh": "未提交", "en": "missing"},
    "off_roster": {"zh": "名单外", "en": "not on roster"},
    "remarks": {"zh": "说明", "en": "remarks"},
    "policy": {"zh": "评分规则", "en": "policy"},
    "failed_count": {"zh": "未通过", "en": "failed"},
}
STATES_EN = {"graded": "graded", "error": "error", "duplicate": "duplicate (not counted)", "missing": "missing"}
POLICY_NAMES = {"latest": "最后提交", "best": "最高分"}


def label(key: str, lang: str = "zh") -> str:
    entry = LABELS[key]
    return entry.get(lang, entry["zh"])


def name_header(gradebook: Gradebook, lang: str = "zh") -> list[str]:
    """The 姓名 column's header beside 学号 in the CSV and XLSX tables: one cell when the roster gave names."""
    return [label("name", lang)] if gradebook.names else []


def name_cells(gradebook: Gradebook, student: str | None) -> list[str]:
    """The 姓名 cell of ``student`` for that column (nothing when the roster gave no names)."""
    return [gradebook.names.get(student or "", "")] if gradebook.names else []


def status_text(entry: Entry, lang: str = "zh") -> str:
    """已评分 / 无法评分 / 重复提交（未计分） / 未提交."""
    return STATES_EN[entry.state] if lang == "en" else STATE_LABELS[entry.state]


def policy_lines(gradebook: Gradebook, *, terminal: bool = False) -> list[str]:
    """The run's policy in Chinese, one short sentence each (said the same way in every output).

    The files (XLSX, HTML, report, CSV) may come from the CLI or from the 教师批改 page, so how to change the
    policy is said for both; the terminal is the CLI's own and names only its options."""
    duplicates = str(gradebook.policy.get("duplicates", "latest"))
    rule = POLICY_NAMES.get(duplicates, "最后提交")
    if duplicates != "best":
        switch = "要改为计最高分的那份，加 --duplicates best" + ("" if terminal else "（网页批改时选“计最高分”）") + "。"
    else:
        switch = "要改为计最后提交的那份，去掉 --duplicates best" + ("" if terminal else "（网页批改时选“计最后提交的”）") + "。"
    lines = [f"重复提交：同一学生同一练习交了多份文件时，计“{rule}”的那份，其余记为“重复提交（未计分）”，不进入统计。",
             switch]
    roster = int(gradebook.policy.get("roster") or 0)
    if roster:
        lines.append(f"名单：共 {roster} 人；没有文件的记为“未提交”，不在名单上的学号标记“名单外”。")
    else:
        where = "--roster" if terminal else "--roster，网页批改时填“全班名单”"
        lines.append(f"名单：没有提供（{where}），只列出交了文件的学生。")
    return lines


def join_cn(parts: list[str] | tuple[str, ...]) -> str:
    """Sentences joined by "；" into one cell, each without its own final "。" (no "。；")."""
    return "；".join(p.rstrip().removesuffix("。") for p in parts if p and p.strip())


def hints(entry: Entry) -> list[str]:
    """"检查名：提示" for every failed check that has a hint."""
    return [f"{c.name}：{c.hint}" for c in entry.result.checks if not c.passed and c.hint]


def attention_notes(entry: Entry) -> list[str]:
    """Notes the teacher should see even in the short terminal table: how the 学号 was decided with the roster
    (a name, a number not on it, two 学号 in the path) and an answer that looks like another exercise's."""
    return [n.message for n in entry.result.notes
            if (n.code == "collect" and "名单" in n.message) or n.code == "exercise"]


def failed_checks(entry: Entry) -> list[str]:
    """"检查名：说明" for every check that did not pass."""
    return [f"{c.name}：{feedback(c)}" for c in entry.result.checks if not c.passed]


def feedback(check: CheckResult) -> str:
    """The check's message followed by its detail lines (already capped at 10 by the engine)."""
    return "；".join([check.message, *check.details]) if check.details else check.message
