"""Result data model of the check engine.

Every output (terminal, JSON, CSV, XLSX, HTML, the browser widget) is a rendering of these
dataclasses; nothing else carries grading information. All text meant for people is Chinese.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Status = Literal["graded", "error"]


@dataclass
class Note:
    """One correction the reader made to a submission, shown to the student."""

    code: str
    """Machine name of the correction, e.g. ``encoding``, ``alias``, ``fullwidth`` (see exercises/README.md)."""
    message: str
    """What was corrected, in Chinese, e.g. "列名 客户 按 买家会员名 处理"."""
    deduction: float = 0.0
    """Points taken off for it, as set by the exercise's ``notes.deductions`` (0 = information only)."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class CheckResult:
    """Outcome of one check of one submission."""

    name: str
    """Display name of the check (Chinese), e.g. "老客户名单"."""
    passed: bool
    """True only when the full points were earned."""
    points: float
    """Points earned, 0 ≤ points ≤ max_points."""
    max_points: float
    """Points the check is worth."""
    message: str
    """What is right or wrong, in Chinese; at most 10 detail lines are joined into it."""
    hint: str = ""
    """How to fix it (Chinese); empty when passed."""
    kind: str = ""
    """Registry name of the check kind, e.g. ``rows``."""
    hidden: bool = False
    """Hidden checks count for points but the browser shows only that a hidden check failed."""
    skipped: bool = False
    """True when the check could not run here (e.g. needs the reference answer in an exam build)."""
    details: list[str] = field(default_factory=list)
    """The individual findings (already capped), e.g. ["缺少客户 张三", "多出客户 李四"]."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class SubmissionResult:
    """Outcome of grading one submitted file (or one in-browser answer)."""

    file: str
    """File name as submitted (or the generated download name in the browser)."""
    student: str | None
    """学号 whose dataset variant was used; None = the lessons' default data."""
    exercise: str
    """Exercise id."""
    status: Status
    """``graded`` when the checks ran; ``error`` when the file could not be read (see ``error``)."""
    score: float = 0.0
    """Points earned after note deductions, never below 0."""
    max_score: float = 0.0
    """Sum of the exercise's check points."""
    checks: list[CheckResult] = field(default_factory=list)
    """One result per check of the exercise, in spec order."""
    notes: list[Note] = field(default_factory=list)
    """Corrections the reader made (encoding, aliases, full-width digits …)."""
    error: str | None = None
    """One Chinese line: what is wrong with the file and what to do; None when graded."""
    answer_digest: str | None = None
    """sha256 of the normalised answer, used to cluster identical answers and detect a copied variant."""
    reference_digest: str | None = None
    """Digest of the reference answer for this student's variant, when the grader computed it anyway
    (the CLI's workers do): copy detection compares other students' answers with it."""

    @property
    def passed(self) -> bool:
        """Full marks with every check passed."""
        return self.status == "graded" and all(c.passed for c in self.checks if not c.skipped)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["passed"] = self.passed
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SubmissionResult:
        """Read back :meth:`to_dict` (the result cache); raises ``TypeError``/``KeyError`` on other data."""
        fields = {k: v for k, v in data.items() if k != "passed"}
        fields["checks"] = [CheckResult(**c) for c in fields.get("checks") or []]
        fields["notes"] = [Note(**n) for n in fields.get("notes") or []]
        return cls(**fields)


def round_points(value: float) -> float:
    """Points are shown with at most two decimals; keep the data that way too."""
    return round(float(value) + 0.0, 2)
