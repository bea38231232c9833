"""Typed schema of ``exercises/<id>/spec.yml`` and its loader.

Plain dataclasses with explicit validation (no pydantic: this module also runs in Pyodide). Every
problem raises :class:`SpecError` with one Chinese line naming the file and the field, e.g.
"exercises/old-customers/spec.yml：checks[2].kind 'rowz' 未知（可用：columns, rows, values …）".
The format is documented with a full example in ``exercises/README.md``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from grader.checks import REGISTRY

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


class _Fields:
    """Reads a mapping field by field, raising SpecError("<file>：<field> …")."""

    def __init__(self, where: str, data: Any, prefix: str = "") -> None:
        self.where, self.prefix = where, prefix
        if not isinstance(data, dict):
            raise self.error(prefix.rstrip(".") or "文件", "应为映射（键: 值）")
        self.data: dict[str, Any] = data
        self.used: set[str] = set()

    def error(self, name: str, problem: str) -> SpecError:
        return SpecError(f"{self.where}：{self.prefix}{name} {problem}")

    def get(self, name: str, typ: type | tuple[type, ...], default: Any = ..., *, allow_none: bool = False) -> Any:
        self.used.add(name)
        if name not in self.data:
            if default is ...:
                raise self.error(name, "缺失，请补上")
            return default
        value = self.data[name]
        if value is None and allow_none:
            return None
        if typ is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, typ) or (typ is int and isinstance(value, bool)):
            return self._wrong_type(name, typ, value)
        if isinstance(value, str) and not value.strip():
            raise self.error(name, "不能为空")
        return value

    def _wrong_type(self, name: str, typ: type | tuple[type, ...], value: Any) -> Any:
        names = {str: "文字", int: "整数", float: "数字", bool: "true/false", list: "列表", dict: "映射"}
        wanted = "或".join(names.get(t, t.__name__) for t in (typ if isinstance(typ, tuple) else (typ,)))
        raise self.error(name, f"应为{wanted}，现在是 {value!r}")

    def str_list(self, name: str, default: Any = ...) -> list[str]:
        value = self.get(name, (list, str), default)
        if isinstance(value, str):
            value = [value]
        for i, item in enumerate(value):
            if not isinstance(item, str | int) or isinstance(item, bool) or not str(item).strip():
                raise self.error(f"{name}[{i}]", f"应为非空文字，现在是 {item!r}")
        return [str(v) for v in value]

    def choice(self, name: str, choices: tuple[str, ...], default: Any = ...) -> str:
        value = self.get(name, str, default)
        if value not in choices:
            raise self.error(name, f"'{value}' 未知（可用：{', '.join(choices)}）")
        return value

    def finish(self) -> None:
        extra = [k for k in self.data if k not in self.used]
        if extra:
            raise self.error(str(extra[0]), "是未知字段，请删除或检查拼写")


def _load_yaml_text(text: str, where: str) -> Any:
    try:
        return YAML(typ="safe", pure=True).load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark else ""
        raise SpecError(f"{where}：YAML 语法错误 {pos}（{exc.problem or exc.context}），请修正") from None
    except YAMLError as exc:
        raise SpecError(f"{where}：YAML 无法解析（{exc}），请修正") from None


def _parse_tiers(where: str, data: Any, prefix: str) -> TierRules:
    f = _Fields(where, data, prefix)
    names = f.str_list("names")
    if len(set(names)) != len(names) or not names:
        raise f.error("names", "应为不重复的等级名称列表")
    rule = f.get("rule", str, "任一", allow_none=True)
    if rule is not None and rule not in ("任一", "全部"):
        raise f.error("rule", f"'{rule}' 未知（可用：任一, 全部，或 null 表示学生自选）")
    tiers = TierRules(names, rule, f.get("min_discount", float, 0.70), f.get("max_discount", float, 1.00))
    f.finish()
    return tiers


def _parse_submission(where: str, data: Any) -> SubmissionSpec:
    f = _Fields(where, data, "submission.")
    kind = f.choice("kind", tuple(SUBMISSION_KINDS))
    allowed = SUBMISSION_KINDS[kind]
    fmt = f.choice("format", allowed, allowed[0])
    accept = f.str_list("accept", list(allowed))
    for i, a in enumerate(accept):
        if a not in FORMATS:
            raise f.error(f"accept[{i}]", f"'{a}' 未知（可用：{', '.join(FORMATS)}）")
    if fmt not in accept:
        accept.insert(0, fmt)
    filename = f.get("filename", str, DEFAULT_FILENAME)
    if "{student}" not in filename or "{id}" not in filename:
        raise f.error("filename", "必须包含 {student} 和 {id}")
    sub = SubmissionSpec(kind=kind, format=fmt, accept=accept, filename=filename)
    sub.columns = f.str_list("columns", [])
    key = f.str_list("key", [])
    sub.aliases = _parse_aliases(f)
    sub.dtypes = _parse_dtypes(f)
    sub.tolerance = _parse_tolerance(f)
    sub.sheet = f.get("sheet", str, None, allow_none=True)
    tiers = f.get("tiers", dict, None, allow_none=True)
    sub.tiers = _parse_tiers(where, tiers, "submission.tiers.") if tiers is not None else None
    f.finish()
    if kind == "table":
        if not sub.columns:
            raise f.error("columns", "缺失：表格练习必须列出提交的列")
        if len(set(sub.columns)) != len(sub.columns):
            raise f.error("columns", "有重复的列名")
        if not key:
            raise f.error("key", "缺失：表格练习必须指定用来对行的关键列")
        for col in [*key, *sub.dtypes, *sub.tolerance, *sub.aliases]:
            if col not in sub.columns:
                raise f.error("key/dtypes/tolerance/aliases", f"提到的列 '{col}' 不在 columns 里")
    if kind == "tier-config" and sub.tiers is None:
        raise f.error("tiers", "缺失：等级配置练习必须给出 tiers.names")
    sub.key = key
    return sub


def _parse_aliases(f: _Fields) -> dict[str, list[str]]:
    raw = f.get("aliases", dict, {})
    out: dict[str, list[str]] = {}
    seen: dict[str, str] = {}
    for col, names in raw.items():
        sub = _Fields(f.where, {"v": names}, f"submission.aliases.{col}")
        values = sub.str_list("v")
        for name in values:
            if name in seen and seen[name] != col:
                raise f.error(f"aliases.{col}", f"别名 '{name}' 同时属于 {seen[name]}")
            seen[name] = str(col)
        out[str(col)] = values
    return out


def _parse_dtypes(f: _Fields) -> dict[str, str]:
    raw = f.get("dtypes", dict, {})
    for col, typ in raw.items():
        if typ not in DTYPES:
            raise f.error(f"dtypes.{col}", f"'{typ}' 未知（可用：{', '.join(DTYPES)}）")
    return {str(k): str(v) for k, v in raw.items()}


def _parse_tolerance(f: _Fields) -> dict[str, float]:
    raw = f.get("tolerance", dict, {})
    for col, tol in raw.items():
        if isinstance(tol, bool) or not isinstance(tol, int | float) or tol < 0:
            raise f.error(f"tolerance.{col}", f"应为不小于 0 的数字，现在是 {tol!r}")
    return {str(k): float(v) for k, v in raw.items()}


_CHECK_COMMON = ("kind", "points", "name", "message", "hint", "needs_reference", "hidden")


def _parse_check(where: str, data: Any, index: int, submission_kind: str) -> CheckSpec:
    prefix = f"checks[{index}]."
    f = _Fields(where, data, prefix)
    kind_name = f.get("kind", str)
    if kind_name not in REGISTRY:
        raise f.error("kind", f"'{kind_name}' 未知（可用：{', '.join(sorted(REGISTRY))}）")
    kind = REGISTRY[kind_name]
    if kind.applies_to and submission_kind not in kind.applies_to:
        raise f.error("kind", f"'{kind_name}' 不能用于 {submission_kind} 类型的提交（只适用于 {', '.join(kind.applies_to)}）")
    points = f.get("points", float)
    if points < 0:
        raise f.error("points", "不能为负数")
    spec = CheckSpec(
        kind=kind_name,
        points=points,
        name=f.get("name", str, kind.title),
        message=f.get("message", str, None, allow_none=True),
        hint=f.get("hint", str, ""),
        needs_reference=f.get("needs_reference", bool, kind.needs_reference),
        hidden=f.get("hidden", bool, False),
        params={k: v for k, v in f.data.items() if k not in _CHECK_COMMON},
    )
    if kind.needs_reference and not spec.needs_reference:
        raise f.error("needs_reference", f"不能为 false：检查 '{kind_name}' 必须用参考答案")
    problems = kind.check_params(spec.params)
    if problems:
        raise SpecError(f"{where}：{prefix.rstrip('.')}（{kind_name}）{problems[0]}")
    return spec


def _parse_notes(where: str, data: Any) -> NotesPolicy:
    f = _Fields(where, data, "notes.")
    raw = f.get("deductions", dict, {})
    for code, pts in raw.items():
        if code not in NOTE_CODES:
            raise f.error(f"deductions.{code}", f"未知（可用：{', '.join(NOTE_CODES)}）")
        if isinstance(pts, bool) or not isinstance(pts, int | float) or pts < 0:
            raise f.error(f"deductions.{code}", f"应为不小于 0 的数字，现在是 {pts!r}")
    cap = f.get("max_deduction", float, None, allow_none=True)
    f.finish()
    return NotesPolicy({str(k): float(v) for k, v in raw.items()}, cap)


def _known_tables() -> tuple[str, ...]:
    try:
        from datasets import TABLES  # noqa: PLC0415  (optional: the engine also runs without it)
    except ImportError:
        return KNOWN_TABLES
    return tuple(TABLES)


def parse_spec(data: Any, folder: Path, where: str | None = None) -> ExerciseSpec:
    """Validate an already-parsed spec mapping; ``folder`` is the exercise folder."""
    where = where or _display(folder / SPEC_FILE)
    f = _Fields(where, data)
    ex_id = f.get("id", str)
    if not ID_RE.match(ex_id):
        raise f.error("id", f"'{ex_id}' 只能用小写字母、数字和连字符")
    if folder.name and folder.name != ex_id:
        raise f.error("id", f"'{ex_id}' 与文件夹名 '{folder.name}' 不一致，请改成一样")
    title = f.get("title", str)
    tables = f.str_list("datasets")
    known = _known_tables()
    for i, name in enumerate(tables):
        if name not in known:
            raise f.error(f"datasets[{i}]", f"'{name}' 未知（可用：{', '.join(known)}）")
    submission = _parse_submission(where, f.get("submission", dict))
    raw_checks = f.get("checks", list)
    if not raw_checks:
        raise f.error("checks", "不能为空，至少要有一项检查")
    checks = [_parse_check(where, c, i, submission.kind) for i, c in enumerate(raw_checks)]
    attempts = f.get("attempts_before_solution", int, 3)
    if attempts < 0:
        raise f.error("attempts_before_solution", "不能为负数")
    notes = _parse_notes(where, f.get("notes", dict, {}))
    aliases = f.str_list("aliases", [])
    f.finish()
    return ExerciseSpec(ex_id, title, tables, submission, checks, attempts, notes, folder,
                        aliases=aliases, explicit=frozenset(str(k) for k in f.data))


def load_spec(folder: str | Path) -> ExerciseSpec:
    """Load and validate ``folder/spec.yml`` and check the exercise's files exist."""
    folder = Path(folder)
    path = folder / SPEC_FILE
    where = _display(path)
    if not path.is_file():
        raise SpecError(f"{where}：文件不存在，每个练习文件夹都要有 spec.yml")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"{where}：无法读取（{exc}），请保存为 UTF-8") from None
    spec = parse_spec(_load_yaml_text(text, where), folder, where)
    for name in REQUIRED_FILES:
        if not (folder / name).is_file():
            raise SpecError(f"{_display(folder / name)}：缺少 {name}，每个练习都要有 {', '.join(REQUIRED_FILES)}")
    return spec


def exercise_folders(exercises_dir: str | Path) -> list[Path]:
    """Exercise folders (those holding a spec.yml), sorted by name."""
    root = Path(exercises_dir)
    return sorted(p for p in root.iterdir() if p.is_dir() and (p / SPEC_FILE).is_file()) if root.is_dir() else []


def load_all(exercises_dir: str | Path) -> dict[str, ExerciseSpec]:
    """Every exercise under ``exercises_dir`` by id; the first broken spec raises SpecError."""
    return {spec.id: spec for spec in (load_spec(p) for p in exercise_folders(exercises_dir))}


def spec_hash(folder: str | Path) -> str:
    """Short sha256 of every file of the exercise folder (names and bytes), to spot a changed exercise."""
    folder = Path(folder)
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


__all__ = ["CheckSpec", "ExerciseSpec", "NotesPolicy", "SpecError", "SubmissionSpec", "TierRules",
           "exercise_folders", "load_all", "load_spec", "parse_spec", "spec_hash"]
