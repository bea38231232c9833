"""The data model of one grading run: every result, a summary, a stamp, copy flags, the policy.

The run itself (grading, parallel workers, copy detection) is :mod:`grader.grading`; which file of a student
counts and who is missing is :mod:`grader.policy`.

Every output (terminal, JSON, CSV, XLSX, HTML, the class report) renders a
:class:`Gradebook`; :meth:`Gradebook.to_dict` is the JSON contract of ``grader grade --json``
and :meth:`Gradebook.from_dict` reads it back for ``grader report``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from grader.model import CheckResult, Note, SubmissionResult
from grader.summary import ExerciseSummary, Summary, summarise, summary_to_dict

__all__ = [
    "OFF_ROSTER",
    "STATE_LABELS",
    "Entry",
    "ExerciseSummary",
    "Gradebook",
    "Stamp",
    "Summary",
    "copy_flag",
    "summarise",
]

STATE_LABELS = {"graded": "已评分", "error": "无法评分", "duplicate": "重复提交（未计分）", "missing": "未提交"}
"""Entry state → the word every output uses."""
OFF_ROSTER = "名单外"
"""Mark of a 学号 that is not on the ``--roster``."""


def copy_flag(other: str, name: str = "") -> str:
    """The flag text put on a submission that matches another student's variant (``name``: that student's 姓名)."""
    return f"与学号 {other}（{name}）的数据版本一致，疑似抄袭" if name else f"与学号 {other} 的数据版本一致，疑似抄袭"


@dataclass
class Entry:
    """One graded (or ungradable) file with what the run found beyond its checks."""

    result: SubmissionResult
    """The engine's result (status ``error`` with a reason when the file could not be graded)."""
    sha256: str = ""
    """SHA-256 of the submitted bytes (empty when none could be read)."""
    flags: list[str] = field(default_factory=list)
    """Run-level findings, e.g. ``与学号 X 的数据版本一致，疑似抄袭``."""
    counted: bool = True
    """False for a duplicate (another file of the same student and exercise counts) and for 未提交."""
    duplicate_of: str = ""
    """For a duplicate: the file that counts instead."""
    absent: bool = False
    """A roster student with no file for this exercise: ``result`` is a placeholder with ``file == ""``."""
    off_roster: bool = False
    """The 学号 is not on the ``--roster`` (名单外)."""
    submitted_at: str = ""
    """Time used by the duplicates policy (``YYYY-MM-DD HH:MM:SS``), "" when unknown."""
    time_source: str = ""
    """Where that time came from: ``zip`` (member time), ``mtime`` (file time) or ""."""
    policy_note: str = ""
    """Why this file counts or not, when the student handed in several (Chinese, one line)."""

    @property
    def key(self) -> tuple[str, str, str]:
        r = self.result
        return (r.student or "", r.exercise or "", r.file)

    @property
    def state(self) -> str:
        """``graded``, ``error`` (file could not be graded), ``duplicate`` (not counted) or ``missing``."""
        if self.absent:
            return "missing"
        if self.duplicate_of:
            return "duplicate"
        return self.result.status

    @property
    def scored(self) -> bool:
        """Counts in statistics and totals: a graded file that is not a duplicate."""
        return self.counted and not self.absent and self.result.status == "graded"

    @property
    def marks(self) -> list[str]:
        """Copy flags plus 名单外: what a teacher must look at."""
        return [*self.flags, *([OFF_ROSTER] if self.off_roster else [])]


@dataclass
class Stamp:
    """What produced the gradebook, so a result can be reproduced and audited."""

    grader_version: str
    pandas_version: str
    exercise_hashes: dict[str, str]
    """Exercise id → SHA-256 over its folder (spec, solution …)."""
    input_sha256: dict[str, str]
    """Submitted file → SHA-256 of its bytes."""
    created_at: str = ""
    """UTC time of the run (ISO 8601); varies, so goldens leave it out."""


def who(names: Mapping[str, str], student: str | None) -> str:
    """"2024001 张三" (or just the 学号) for outputs that name a student in one cell."""
    name = names.get(student or "", "")
    return f"{student} {name}" if name else student or ""


@dataclass
class Gradebook:
    """Results, summary and stamp of one ``grader grade`` run."""

    entries: list[Entry]
    summary: Summary
    stamp: Stamp
    titles: dict[str, str] = field(default_factory=dict)
    """Exercise id → Chinese title, for column headers."""
    policy: dict[str, Any] = field(default_factory=lambda: {"duplicates": "latest", "roster": 0})
    """``duplicates``: latest | best; ``roster``: number of 学号 on the roster (0 = none given)."""
    names: dict[str, str] = field(default_factory=dict)
    """学号 → 姓名 from the roster (empty without a roster or when it has no 姓名 column)."""

    def who(self, student: str | None) -> str:
        return who(self.names, student)

    @property
    def ok(self) -> bool:
        """True when every file that counts was graded (未提交 placeholders and duplicates aside)."""
        return all(e.result.status == "graded" for e in self.entries if not e.absent and not e.duplicate_of)

    @property
    def students(self) -> list[str]:
        """学号 in the order of the entries (the roster's order, then 学号 order: see ``grading.roster_order``)."""
        return list(dict.fromkeys(e.result.student for e in self.entries if e.result.student))

    @property
    def exercises(self) -> list[str]:
        return sorted({e.result.exercise for e in self.entries if e.result.exercise})

    # ------------------------------------------------------------------ JSON contract
    def to_dict(self) -> dict[str, Any]:
        return {
            "results": [_entry_to_dict(e) for e in self.entries],
            "summary": summary_to_dict(self.summary),
            "stamp": {
                "grader_version": self.stamp.grader_version,
                "pandas_version": self.stamp.pandas_version,
                "exercise_hashes": dict(sorted(self.stamp.exercise_hashes.items())),
                "input_sha256": dict(sorted(self.stamp.input_sha256.items())),
                "created_at": self.stamp.created_at,
            },
            "titles": dict(sorted(self.titles.items())),
            "policy": dict(self.policy),
            "names": dict(sorted(self.names.items())),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Gradebook:
        """Read back :meth:`to_dict` output; raises ``ValueError`` (Chinese) when it is not one."""
        if not isinstance(data, Mapping) or not isinstance(data.get("results"), list):
            raise ValueError("不是 grader grade --json 生成的成绩文件（缺少 results 列表）")
        try:
            entries = [_entry_from_dict(r) for r in data["results"]]
            stamp_data = data.get("stamp") or {}
            stamp = Stamp(
                grader_version=str(stamp_data.get("grader_version", "")),
                pandas_version=str(stamp_data.get("pandas_version", "")),
                exercise_hashes=dict(stamp_data.get("exercise_hashes") or {}),
                input_sha256=dict(stamp_data.get("input_sha256") or {}),
                created_at=str(stamp_data.get("created_at", "")),
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            raise ValueError("成绩文件格式不对（有结果缺少字段或字段类型不对，可能被手工改过）") from None
        titles = dict(data.get("titles") or {})
        policy = dict(data.get("policy") or {"duplicates": "latest", "roster": 0})
        names = {str(k): str(v) for k, v in dict(data.get("names") or {}).items()}
        return cls(entries, summarise(entries, titles), stamp, titles, policy, names)


def _entry_to_dict(entry: Entry) -> dict[str, Any]:
    r = entry.result
    return {
        "file": r.file,
        "student": r.student,
        "exercise": r.exercise or None,
        "status": "missing" if entry.absent else r.status,
        "state": entry.state,
        "counted": entry.counted,
        "score": r.score,
        "max_score": r.max_score,
        "checks": [
            {"name": c.name, "passed": c.passed, "points": c.points, "max_points": c.max_points,
             "message": c.message, "details": list(c.details), "hint": c.hint}
            for c in r.checks
        ],
        "notes": [n.message for n in r.notes],
        "error": r.error,
        "flags": list(entry.flags),
        "off_roster": entry.off_roster,
        "duplicate_of": entry.duplicate_of or None,
        "submitted_at": entry.submitted_at or None,
        "time_source": entry.time_source or None,
        "policy_note": entry.policy_note or None,
        "answer_digest": r.answer_digest,
    }


def _entry_from_dict(d: Mapping[str, Any]) -> Entry:
    checks = [
        CheckResult(
            name=str(c["name"]), passed=bool(c["passed"]), points=float(c["points"]),
            max_points=float(c["max_points"]), message=str(c.get("message", "")),
            details=[str(d) for d in c.get("details") or []], hint=str(c.get("hint") or ""),
        )
        for c in d.get("checks") or []
    ]
    notes = [Note(code="", message=str(n)) for n in d.get("notes") or []]
    status = "graded" if d.get("status") == "graded" else "error"
    result = SubmissionResult(
        file=str(d["file"]), student=d.get("student"), exercise=d.get("exercise") or "",
        status=status, score=float(d.get("score") or 0.0), max_score=float(d.get("max_score") or 0.0),
        checks=checks, notes=notes, error=d.get("error"), answer_digest=d.get("answer_digest"),
    )
    absent = d.get("status") == "missing"
    return Entry(result, sha256="", flags=[str(f) for f in d.get("flags") or []],
                 counted=bool(d.get("counted", not absent)), duplicate_of=str(d.get("duplicate_of") or ""),
                 absent=absent, off_roster=bool(d.get("off_roster")), submitted_at=str(d.get("submitted_at") or ""),
                 time_source=str(d.get("time_source") or ""), policy_note=str(d.get("policy_note") or ""))
