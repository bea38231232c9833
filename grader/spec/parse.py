"""Reading ``spec.yml`` into :mod:`grader.spec.model` dataclasses, field by field.

Every problem raises :class:`~grader.spec.model.SpecError` with one Chinese line naming the file and the
field, e.g. "exercises/old-customers/spec.yml：checks[2].kind 'rowz' 未知（可用：columns, rows, values …）".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from grader.checks import REGISTRY
from grader.intake.syntax import yaml_message
from grader.spec.model import (
    DEFAULT_FILENAME,
    DTYPES,
    FORMATS,
    ID_RE,
    KNOWN_TABLES,
    NOTE_CODES,
    REQUIRED_FILES,
    SPEC_FILE,
    SUBMISSION_KINDS,
    CheckSpec,
    ExerciseSpec,
    NotesPolicy,
    SpecError,
    SubmissionSpec,
    TierRules,
    _display,
    exercise_folders,
)


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
        raise SpecError(f"{where}：{yaml_message(exc, text)}") from None
    except YAMLError:
        raise SpecError(f"{where}：YAML 无法解析；请检查缩进（只用空格）和“键: 值”的冒号") from None


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


def load_all(exercises_dir: str | Path) -> dict[str, ExerciseSpec]:
    """Every exercise under ``exercises_dir`` by id; the first broken spec raises SpecError."""
    return {spec.id: spec for spec in (load_spec(p) for p in exercise_folders(exercises_dir))}


__all__ = ["load_all", "load_spec", "parse_spec"]
