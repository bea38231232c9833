"""Registry of check kinds: name → function ``(ctx, **params) -> CheckResult``.

A check kind is a plain function registered with :func:`check`; its keyword parameters are the
``params`` an exercise spec may give it (unknown or missing ones fail spec loading with the file and
field named). Every module in this package is imported once, so adding ``grader/checks/foo.py`` with
``@check("foo", ...)`` functions is all it takes to add kinds::

    from grader.checks import CheckContext, check

    @check("sms-length", title="短信长度", applies_to=("table",))
    def sms_length(ctx: CheckContext, *, column: str = "短信内容", limit: int = 70) -> CheckResult:
        too_long = [...]
        if not too_long:
            return ctx.ok("每条短信都不超过 70 个字")
        return ctx.fail("有短信超过 70 个字", details=too_long, fraction=0.5)

A check never raises to the student: :func:`run_check` turns any exception into a failed
CheckResult with "检查程序出错，请告诉老师".
"""

from __future__ import annotations

import importlib
import inspect
import math
import pkgutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd
from pandas.api.types import infer_dtype, is_numeric_dtype

from grader.log import log_exception
from grader.model import CheckResult, round_points
from grader.reference import LazyTables

if TYPE_CHECKING:
    from grader.spec import CheckSpec, ExerciseSpec

MAX_DETAIL_LINES = 10
"""Findings shown per check; the rest are summarised as "……另有 N 处"."""

CheckFn = Callable[..., CheckResult]


class ReferenceUnavailable(Exception):
    """The reference answer cannot be computed here (exam build, or solution.py failed)."""


class CheckParamError(Exception):
    """A check found its spec params unusable at run time (message in Chinese)."""


class MissingColumns(Exception):
    """The submission lacks columns this check reads: the student's to fix (the 列齐全 check says which), not the
    exercise's setup."""

    def __init__(self, columns: list[str]) -> None:
        super().__init__("、".join(columns))
        self.columns = columns


def require_columns(df: object, columns: Iterable[str]) -> None:
    """Raise :class:`MissingColumns` naming those of ``columns`` the submitted frame lacks."""
    missing = [c for c in columns if not isinstance(df, pd.DataFrame) or c not in df.columns]
    if missing:
        raise MissingColumns(missing)


@dataclass
class CheckContext:
    """Everything a check may look at."""

    spec: ExerciseSpec
    """The exercise."""
    check: CheckSpec
    """This check's entry in the spec (points, params, message/hint overrides)."""
    submission: Any
    """The normalised submission: a DataFrame for tables, a TierConfig / dict for configs."""
    student: str | None = None
    """学号 of the dataset variant; None = default data."""
    reference_provider: Callable[[], Any] | None = None
    """Returns the normalised reference answer for this student's variant (lazy, cached by the engine)."""
    tables_provider: Callable[[], dict[str, Any]] | None = None
    """Returns this student's dataset tables (lazy, cached)."""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def reference(self) -> Any:
        """The reference answer, normalised exactly like a submission."""
        if self.reference_provider is None:
            raise ReferenceUnavailable("参考答案在这里不可用")
        return self.reference_provider()

    def equals_reference(self, columns: list[str]) -> bool:
        """True when the submission holds exactly the reference answer's values in ``columns`` (rows in any
        order). The reference passes every check of its exercise (``tests/test_exercise_suite.py``), so a
        diagnostic check that recomputes figures from the dataset may stop there; False when there is no
        reference here (exam builds), so the check does its own work."""
        df = self.submission
        try:
            ref = self.reference
        except ReferenceUnavailable:
            return False
        if not isinstance(df, pd.DataFrame) or not isinstance(ref, pd.DataFrame) or len(df) != len(ref):
            return False
        if any(c not in df.columns or c not in ref.columns for c in columns):
            return False

        key = [k for k in self.spec.submission.key if k in columns] or columns

        def rows(frame: pd.DataFrame) -> pd.DataFrame:
            return frame[columns].sort_values(key, kind="stable").reset_index(drop=True)

        def as_is(frame: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
            return frame[cols].reset_index(drop=True)

        try:
            if _sortable(df, key) and as_is(df, key).equals(as_is(ref, key)):  # same key order: both sorts
                return as_is(df, columns).equals(as_is(ref, columns))  # would move the same rows the same way
            return rows(df).equals(rows(ref))
        except (TypeError, ValueError):  # unorderable mixed cells: not provably equal
            return False

    @property
    def tables(self) -> Mapping[str, Any]:
        """This student's dataset (``orders``, ``customers`` …) as DataFrames."""
        if self.tables_provider is None:
            return LazyTables(self.student)
        return self.tables_provider()

    # -- building results ------------------------------------------------------------------
    def result(self, fraction: float, message: str, *, details: list[str] | None = None,
               hint: str | None = None) -> CheckResult:
        """A result worth ``fraction`` (0–1) of this check's points."""
        fraction = min(1.0, max(0.0, float(fraction)))
        passed = fraction >= 1.0 - 1e-9
        max_points = float(self.check.points)
        shown = cap_lines(details or [])
        if not passed and self.check.message:
            message = self.check.message
        return CheckResult(
            name=self.check.display_name,
            passed=passed,
            # a failed check never shows full points: round partial credit down to the cent
            points=round_points(max_points if passed else math.floor(max_points * fraction * 100 + 1e-9) / 100),
            max_points=round_points(max_points),
            message=message,
            hint="" if passed else (hint if hint is not None else self.check.hint),
            kind=self.check.kind,
            hidden=self.check.hidden,
            details=shown,
        )

    def ok(self, message: str = "正确") -> CheckResult:
        return self.result(1.0, message)

    def fail(self, message: str, *, details: list[str] | None = None, fraction: float = 0.0,
             hint: str | None = None) -> CheckResult:
        return self.result(min(fraction, 0.999999), message, details=details, hint=hint)


def _sortable(frame: pd.DataFrame, key: list[str]) -> bool:
    """Key columns that sort without a TypeError (text or numbers)."""
    return all(is_numeric_dtype(frame[k].dtype) or (frame[k].dtype == object
               and infer_dtype(frame[k], skipna=False) == "string") for k in key)


def cap_lines(lines: list[str], limit: int = MAX_DETAIL_LINES) -> list[str]:
    """At most ``limit`` lines; the rest become one "……另有 N 处" line."""
    if len(lines) <= limit:
        return list(lines)
    return [*lines[: limit - 1], f"……另有 {len(lines) - limit + 1} 处问题"]


@dataclass(frozen=True)
class CheckKind:
    """A registered check kind."""

    name: str
    fn: CheckFn
    title: str
    """Default display name (Chinese) when the spec gives none."""
    needs_reference: bool = False
    """Needs the reference answer (skipped in exam builds in the browser)."""
    applies_to: tuple[str, ...] = ()
    """Submission kinds it works on (``table``, ``tier-config``); empty = any."""
    validate: Callable[[dict[str, Any]], list[str]] | None = None
    """Optional extra validation of params at spec load; returns Chinese problems."""
    reads_tables: bool = False
    """Reads the student's dataset (``ctx.tables``): the CLI generates it before the file's time limit starts."""

    def __call__(self, ctx: CheckContext, **params: Any) -> CheckResult:
        return self.fn(ctx, **params)

    def parameters(self) -> dict[str, inspect.Parameter]:
        sig = inspect.signature(self.fn)
        return {n: p for i, (n, p) in enumerate(sig.parameters.items())
                if i > 0 and p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)}

    def check_params(self, params: dict[str, Any]) -> list[str]:
        """Problems with ``params`` as Chinese phrases ("参数 columns 应为列表" …); empty = fine."""
        declared = self.parameters()
        problems: list[str] = []
        for key in params:
            if key not in declared:
                known = "、".join(declared) or "（无参数）"
                problems.append(f"参数 {key} 未知（可用：{known}）")
        for name, param in declared.items():
            if param.default is inspect.Parameter.empty and name not in params:
                problems.append(f"缺少参数 {name}")
            elif name in params and param.default not in (inspect.Parameter.empty, None):
                problem = _type_problem(name, params[name], param.default)
                if problem:
                    problems.append(problem)
        if not problems and self.validate is not None:
            problems.extend(self.validate(params))
        return problems


_TYPE_NAMES = {bool: "true/false", int: "整数", float: "数字", str: "文字", list: "列表", dict: "映射", tuple: "列表"}


def _type_problem(name: str, value: Any, default: Any) -> str | None:
    expected = type(default)
    if expected is float and isinstance(value, int | float) and not isinstance(value, bool):
        return None
    if expected is tuple and isinstance(value, list):
        return None
    if isinstance(value, expected) and not (expected is int and isinstance(value, bool)):
        return None
    return f"参数 {name} 应为{_TYPE_NAMES.get(expected, expected.__name__)}，现在是 {value!r}"


REGISTRY: dict[str, CheckKind] = {}
"""All check kinds by name."""


def check(name: str, *, title: str, needs_reference: bool = False, applies_to: tuple[str, ...] = (),
          validate: Callable[[dict[str, Any]], list[str]] | None = None,
          reads_tables: bool = False) -> Callable[[CheckFn], CheckFn]:
    """Register ``fn`` as check kind ``name``."""

    def register(fn: CheckFn) -> CheckFn:
        if name in REGISTRY and REGISTRY[name].fn is not fn:
            raise ValueError(f"check kind {name!r} registered twice")
        REGISTRY[name] = CheckKind(name, fn, title, needs_reference, tuple(applies_to), validate, reads_tables)
        return fn

    return register


def run_check(kind: CheckKind, ctx: CheckContext) -> CheckResult:
    """Run one check; never raises."""
    try:
        result = kind(ctx, **ctx.check.params)
    except ReferenceUnavailable as exc:
        res = ctx.result(0.0, f"这项检查需要参考答案，这里无法进行（{exc}）")
        res.skipped = True
        return res
    except MissingColumns as exc:
        return ctx.result(0.0, f"无法检查：提交里缺少列 {exc}，补上或改好列名后才能检查这一项", hint="")
    except CheckParamError as exc:
        return ctx.result(0.0, f"练习的检查设置有误：{exc}，请告诉老师", hint="")
    except MemoryError:
        raise  # over the per-file memory limit: reported for the whole file
    except Exception as exc:  # a checker bug must not reach the student as a traceback
        log_exception(f"check {kind.name}", ctx.spec.id, exc)
        return ctx.result(0.0, "检查程序出错，这一项暂时无法评分；请告诉老师（老师可用 grader --debug 查看原因）", hint="")
    if not isinstance(result, CheckResult):
        return ctx.result(0.0, "检查程序出错，请告诉老师（检查没有返回结果）", hint="")
    return result


def _load_kind_modules() -> None:
    """Import every module of this package so their @check functions register."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")


_load_kind_modules()

__all__ = ["MAX_DETAIL_LINES", "REGISTRY", "CheckContext", "CheckKind", "CheckParamError", "MissingColumns",
           "ReferenceUnavailable", "cap_lines", "check", "require_columns", "run_check"]
