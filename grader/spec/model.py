"""The typed schema of ``exercises/<id>/spec.yml``: dataclasses, constants, the exercise folder's hash.

Plain dataclasses (no pydantic: this package also runs in Pyodide); :mod:`grader.spec.parse` fills them
from YAML with validation.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SPEC_FILE = "spec.yml"
REQUIRED_FILES = ("instructions.md", "starter.py", "solution.py")
SUBMISSION_KINDS = {"table": ("csv", "xlsx"), "tier-config": ("yaml", "json")}
"""Submission kind → formats it may be submitted in (the first is the default download format)."""
FORMATS = ("csv", "xlsx", "yaml", "json")
DTYPES = ("str", "int", "float", "percent", "datetime", "date", "bool")
DEFAULT_FILENAME = "{student}_{id}.{ext}"
KNOWN_TABLES = ("orders", "order_items", "customers", "sms_log", "traffic")
NOTE_CODES = ("encoding", "alias", "header", "fullwidth", "whitespace", "amount_text", "extra_columns",
              "column_order", "sheet", "formula", "empty_rows", "key_text", "format", "rule_alias",
              "discount_text", "not_a_number", "totals", "precision", "serial_date")
"""Correction codes a reader may report; ``notes.deductions`` may set points for any of them."""
ID_RE = re.compile(r"^[a-z][a-z0-9-]*$")


class SpecError(Exception):
    """An exercise spec (or its folder) is broken; the message names the file, the field and the fix."""


@dataclass
class TierRules:
    """What a tier config / tier table must look like (submission.tiers)."""

    names: list[str]
    """Tier names, lowest first, e.g. [银卡, 金卡, 白金卡, 钻石卡]."""
    rule: str | None = "任一"
    """Required rule (任一 | 全部), or None when the student may choose."""
    min_discount: float = 0.70
    max_discount: float = 1.00


@dataclass
class SubmissionSpec:
    """What the student hands in."""

    kind: str
    """``table`` or ``tier-config``."""
    format: str
    """Format of the download the page produces (csv | xlsx | yaml | json)."""
    accept: list[str]
    """Formats the grader reads for this exercise (defaults by kind: csv+xlsx, yaml+json)."""
    filename: str = DEFAULT_FILENAME
    """File name pattern with {student}, {id}, {ext}."""
    columns: list[str] = field(default_factory=list)
    """Required columns, in the order the download writes them (tables)."""
    key: list[str] = field(default_factory=list)
    """Column(s) identifying a row; rows are matched on them, order-insensitive."""
    aliases: dict[str, list[str]] = field(default_factory=dict)
    """Canonical column → other names students use (客户, 客户名称, 顾客ID …)."""
    dtypes: dict[str, str] = field(default_factory=dict)
    """Column → str | int | float | percent | datetime | date | bool; undeclared columns stay text.

    ``float`` reads "12.5%" as 0.125; ``percent`` holds percent numbers and reads "12.5%" as 12.5."""
    tolerance: dict[str, float] = field(default_factory=dict)
    """Column → absolute tolerance for numeric comparison (default 0 for int, 1e-6 for float)."""
    sheet: str | None = None
    """XLSX sheet to read; None = the first sheet."""
    tiers: TierRules | None = None
    """Tier names and rule (tier-config submissions)."""

    def tolerance_for(self, column: str) -> float:
        if column in self.tolerance:
            return self.tolerance[column]
        return 1e-6 if self.dtypes.get(column) in ("float", "percent") else 0.0


@dataclass
class CheckSpec:
    """One entry of ``checks``."""

    kind: str
    """Registry name (grader.checks.REGISTRY)."""
    points: float
    """Points for this check."""
    name: str = ""
    """Display name (Chinese); defaults to the kind's title."""
    message: str | None = None
    """Replaces the failure message (details are still listed)."""
    hint: str = ""
    """Shown when the check fails."""
    needs_reference: bool = False
    """Needs the reference answer; skipped in exam builds in the browser."""
    hidden: bool = False
    """The browser says only that a hidden check failed, not which one."""
    params: dict[str, Any] = field(default_factory=dict)
    """Everything else in the entry, passed to the check function as keyword arguments."""

    @property
    def display_name(self) -> str:
        return self.name or self.kind


@dataclass
class NotesPolicy:
    """Point deductions for reader corrections."""

    deductions: dict[str, float] = field(default_factory=dict)
    """Note code → points taken off once per submission when that correction was needed."""
    max_deduction: float | None = None
    """Cap on the total deduction (None = no cap)."""


@dataclass
class ExerciseSpec:
    """A validated exercise."""

    id: str
    title: str
    datasets: list[str]
    """Tables the student's code reads (data/<name>.csv)."""
    submission: SubmissionSpec
    checks: list[CheckSpec]
    attempts_before_solution: int = 3
    notes: NotesPolicy = field(default_factory=NotesPolicy)
    folder: Path = Path()
    """Folder holding spec.yml, instructions.md, starter.py, solution.py, wrong/."""
    aliases: list[str] = field(default_factory=list)
    """Other names of the exercise in students' file names (e.g. 老客户), besides the id and title."""
    explicit: frozenset[str] = frozenset()
    """Top-level fields spec.yml sets itself (an optional field left out has its default)."""

    def sets(self, name: str) -> bool:
        """True when spec.yml sets the top-level field ``name`` (instead of leaving the default)."""
        return name in self.explicit

    @property
    def max_score(self) -> float:
        return float(sum(c.points for c in self.checks))

    @property
    def where(self) -> str:
        return _display(self.folder / SPEC_FILE)

    def file_text(self, name: str) -> str:
        return (self.folder / name).read_text(encoding="utf-8")

    def folder_hash(self) -> str:
        """:func:`spec_hash` of this exercise's folder."""
        return spec_hash(self.folder)

    @property
    def wrong_solutions(self) -> list[Path]:
        return sorted((self.folder / "wrong").glob("*.py"))

    def submission_name(self, student: str | None, ext: str | None = None) -> str:
        return self.submission.filename.format(student=student or "default", id=self.id,
                                               ext=ext or self.submission.format)


# ---------------------------------------------------------------------------------------------
def _display(path: Path) -> str:
    parts = path.parts
    return "/".join(parts[-3:]) if len(parts) >= 3 else str(path)



def exercise_folders(exercises_dir: str | Path) -> list[Path]:
    """Exercise folders (those holding a spec.yml), sorted by name."""
    root = Path(exercises_dir)
    return sorted(p for p in root.iterdir() if p.is_dir() and (p / SPEC_FILE).is_file()) if root.is_dir() else []


def spec_hash(folder: str | Path) -> str:
    """Short sha256 of every file of the exercise folder (names and bytes), to spot a changed exercise."""
    folder = Path(folder)
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


__all__ = ["DEFAULT_FILENAME", "DTYPES", "FORMATS", "NOTE_CODES", "SPEC_FILE", "SUBMISSION_KINDS", "CheckSpec",
           "ExerciseSpec", "NotesPolicy", "SpecError", "SubmissionSpec", "TierRules", "exercise_folders",
           "spec_hash"]
