"""Generic check kinds for table submissions (columns, keys, rows and values vs the reference)."""

from __future__ import annotations

import math

import pandas as pd

from grader.checks import CheckContext, CheckParamError, check
from grader.checks.value_hints import pattern_hint
from grader.compare import compare_tables, format_value, key_strings, latin_spaced
from grader.intake.normalize import norm_text
from grader.model import CheckResult

SCORINGS = ("f1", "all", "precision", "recall")


def _frame(ctx: CheckContext) -> pd.DataFrame:
    df = ctx.submission
    if not isinstance(df, pd.DataFrame):
        raise CheckParamError("这项检查只适用于表格提交")
    return df


def _missing_columns(ctx: CheckContext, columns: list[str]) -> list[str]:
    return [c for c in columns if c not in _frame(ctx).columns]


def _key(ctx: CheckContext) -> list[str]:
    return list(ctx.spec.submission.key)


EMPTY_TABLE = "结果是空表：没有任何一行数据"
EMPTY_HINT = ("结果表一行也没有，通常是某一步筛选一行也没选中：在每一步后面 print(len(表)) 看看是哪一步变空的；"
              "空单元格读进来是 NaN，不是 \"\"，判断空不空要用 .isna() / .notna()。")


def empty_table(ctx: CheckContext) -> CheckResult | None:
    """A failure worth 0 when the table has no rows: shape checks must not pass on nothing."""
    if len(_frame(ctx)) > 0:
        return None
    return ctx.fail(EMPTY_TABLE, fraction=0.0, hint=EMPTY_HINT)


@check("columns", title="列齐全", applies_to=("table",))
def columns_present(ctx: CheckContext, *, columns: list = []) -> CheckResult:  # noqa: B006 (read-only default)
    wanted = list(columns) or ctx.spec.submission.columns
    missing = _missing_columns(ctx, wanted)
    if not missing and empty_table(ctx):  # the columns are there: say so, or 列齐全 ✘ reads as a wrong column
        return ctx.fail(f"需要的 {len(wanted)} 列都在，但{EMPTY_TABLE}", fraction=0.0, hint=EMPTY_HINT)
    if not missing:
        return ctx.ok(f"需要的 {len(wanted)} 列都在：{'、'.join(wanted)}")
    present = [str(c) for c in ctx.extra.get("raw_columns", [])]
    seen = f"（表里的列：{'、'.join(present)}）" if present else ""
    return ctx.fail(f"缺少列：{'、'.join(missing)}{seen}",
                    fraction=1 - len(missing) / len(wanted),
                    hint=f"结果表需要这些列：{'、'.join(wanted)}；列名写错时请按要求改名。")


@check("no-duplicates", title="没有重复行", applies_to=("table",))
def no_duplicates(ctx: CheckContext, *, columns: list = []) -> CheckResult:  # noqa: B006
    key = list(columns) or _key(ctx)
    missing = _missing_columns(ctx, key)
    if missing:
        return ctx.fail(f"缺少关键列 {'、'.join(missing)}，无法检查重复")
    if empty := empty_table(ctx):
        return empty
    keys = key_strings(_frame(ctx), key)
    counts = pd.Series(keys, dtype=object).value_counts()
    dup = counts[counts > 1]
    if dup.empty:
        return ctx.ok(f"每个{'、'.join(key)}只出现一次")
    details = [f"{k} 出现了 {n} 次" for k, n in dup.items()]
    return ctx.fail(f"有 {len(dup)} 个{'、'.join(key)}重复出现", details=details,
                    hint="每个关键值只能有一行；检查是否按订单而不是按客户汇总，或合并前没有去重。")


@check("not-empty", title="没有空值", applies_to=("table",))
def not_empty(ctx: CheckContext, *, columns: list = []) -> CheckResult:  # noqa: B006
    df = _frame(ctx)
    wanted = [c for c in (list(columns) or ctx.spec.submission.columns) if c in df.columns]
    if empty := empty_table(ctx):
        return empty
    details = []
    for col in wanted:
        blank = df[col].isna() | (df[col].astype(str).str.strip() == "")
        if blank.any():
            details.append(f"{col} 有 {int(blank.sum())} 个空单元格")
    if not details:
        return ctx.ok("没有空单元格")
    return ctx.fail("有空单元格", details=details)


@check("allowed-values", title="取值范围", applies_to=("table",))
def allowed_values(ctx: CheckContext, *, column: str, allowed: list) -> CheckResult:
    df = _frame(ctx)
    if column not in df.columns:
        return ctx.fail(f"缺少列 {column}")
    if empty := empty_table(ctx):
        return empty
    allowed_set = {norm_text(v) for v in allowed}
    bad = [v for v in df[column].map(format_value) if norm_text(v) not in allowed_set]
    if not bad:
        return ctx.ok(f"{column} 的值都在允许的范围内")
    counts = pd.Series(bad, dtype=object).value_counts()
    details = [f"{column} 出现了不允许的值“{v}”（{n} 行）" for v, n in counts.items()]
    return ctx.fail(f"{column} 只能是：{'、'.join(map(str, allowed))}", details=details,
                    fraction=1 - len(bad) / max(len(df), 1))


@check("value-range", title="数值范围", applies_to=("table",))
def value_range(ctx: CheckContext, *, column: str, min: float | None = None,
                max: float | None = None) -> CheckResult:
    df = _frame(ctx)
    if column not in df.columns:
        return ctx.fail(f"缺少列 {column}")
    if empty := empty_table(ctx):
        return empty
    values = pd.to_numeric(df[column], errors="coerce")
    details = []
    for k, v in zip(key_strings(df, _key(ctx)) or [str(i + 1) for i in range(len(df))], values, strict=False):
        if v is None or (isinstance(v, float) and math.isnan(v)):
            details.append(f"{k} 的{latin_spaced(column)}不是数字")
        elif (min is not None and v < min) or (max is not None and v > max):
            details.append(f"{k} 的{latin_spaced(column)}为 {format_value(float(v))}，超出范围")
    if not details:
        return ctx.ok(f"{column} 都在范围内")
    bounds = f"{'' if min is None else format_value(float(min))}–{'' if max is None else format_value(float(max))}"
    return ctx.fail(f"{column} 应在 {bounds} 之间", details=details,
                    fraction=1 - len(details) / len(df) if len(df) else 0.0)


@check("row-count", title="行数", needs_reference=True, applies_to=("table",))
def row_count(ctx: CheckContext, *, tolerance: int = 0, label: str = "行") -> CheckResult:
    expected, got = len(ctx.reference), len(_frame(ctx))
    if abs(expected - got) <= tolerance:
        return ctx.ok(f"共 {got} 个{label}，数量正确")
    more = "多了" if got > expected else "少了"
    return ctx.fail(f"应有 {expected} 个{label}，提交了 {got} 个（{more} {abs(got - expected)} 个）")


def _check_scoring(params: dict) -> list[str]:
    scoring = params.get("scoring", "f1")
    return [] if scoring in SCORINGS else [f"参数 scoring '{scoring}' 未知（可用：{', '.join(SCORINGS)}）"]


@check("rows", title="行集合", needs_reference=True, applies_to=("table",), validate=_check_scoring)
def rows(ctx: CheckContext, *, label: str = "行", scoring: str = "f1") -> CheckResult:
    key = _key(ctx)
    missing = _missing_columns(ctx, key)
    if missing:
        return ctx.fail(f"缺少关键列 {'、'.join(missing)}，无法逐行比对")
    diff = compare_tables(ctx.reference, _frame(ctx), key, columns=[], label=label)
    lines = [f"缺少{label} {k}" for k in diff.missing] + [f"多出{label} {k}" for k in diff.extra]
    if not lines:
        return ctx.ok(f"{len(set(diff.expected_keys))} 个{label}全部正确")
    fraction = {"f1": diff.f1, "all": 0.0, "precision": diff.precision, "recall": diff.recall}[scoring]
    summary = (f"应有 {len(set(diff.expected_keys))} 个{label}，提交的 {len(set(diff.actual_keys))} 个中对了 "
               f"{diff.matched} 个（缺少 {len(diff.missing)} 个，多出 {len(diff.extra)} 个）")
    # interleave missing and extra so both kinds show within the 10-line cap
    ordered = _interleave([f"缺少{label} {k}" for k in diff.missing], [f"多出{label} {k}" for k in diff.extra])
    return ctx.fail(summary, details=ordered, fraction=fraction)


def _interleave(a: list[str], b: list[str]) -> list[str]:
    out: list[str] = []
    for i in range(max(len(a), len(b))):
        out.extend(x[i] for x in (a, b) if i < len(x))
    return out


@check("values", title="数值正确", needs_reference=True, applies_to=("table",))
def values(ctx: CheckContext, *, columns: list = [], label: str = "行", partial: bool = True) -> CheckResult:  # noqa: B006
    key = _key(ctx)
    missing_key = _missing_columns(ctx, key)
    if missing_key:  # the concept hints of this check are beside the point until the key is there
        return ctx.fail(f"缺少关键列 {'、'.join(missing_key)}，无法逐行比对数值",
                        hint=f"先补上关键列 {'、'.join(missing_key)}，这一项才能逐行比对。")
    ref = ctx.reference
    cols = list(columns) or [c for c in ctx.spec.submission.columns if c not in key]
    absent = _missing_columns(ctx, cols)
    tolerance = {c: ctx.spec.submission.tolerance_for(c) for c in cols}
    diff = compare_tables(ref, _frame(ctx), key, columns=cols, tolerance=tolerance, label=label)
    matched = diff.matched
    if matched == 0:
        return ctx.fail(f"没有一个{label}与参考答案对得上，无法比对数值", hint=_match_first(key, label))
    expected = len(set(diff.expected_keys))
    unmatched = expected - matched  # values never compared earn nothing (else wrong keys kept full marks here)
    if not diff.mismatches and not unmatched:
        return ctx.ok(f"{matched} 个{label}的{latin_spaced('、'.join(cols))}都正确")
    wrong_rows = len({m.key for m in diff.mismatches})
    wrong_cols = latin_spaced("、".join(dict.fromkeys(m.column for m in diff.mismatches if m.column not in absent)))
    what = wrong_cols or "数值"  # named: 数值 reads wrong for a group name or a time
    head = f"缺少列 {'、'.join(absent)}；" if absent else ""
    if unmatched:
        found = f"其中 {wrong_rows} 个的{what}不对" if wrong_rows else "数值都正确"
        summary = (f"{head}应有 {expected} 个{label}，只有 {matched} 个与参考答案对得上，{found}；"
                   f"另外 {unmatched} 个{label}没有对上，无法比对数值")
    else:
        summary = f"{head}{matched} 个{label}中有 {wrong_rows} 个的{what}不对"
    fraction = diff.value_accuracy * diff.recall if partial else 0.0
    only_columns = bool(absent) and all(m.column in absent for m in diff.mismatches)
    hint = (_match_first(key, label) if unmatched and not wrong_rows
            else f"先补上列 {'、'.join(absent)}。" if only_columns and not unmatched
            else pattern_hint([m for m in diff.mismatches if m.column not in absent], matched))
    return ctx.fail(summary, details=diff.value_messages(), fraction=fraction, hint=hint)


def _match_first(key: list[str], label: str) -> str:
    return (f"先让{label}都对上：{'、'.join(key)} 的写法要和练习要求的一致，缺少的{label}要补上；"
            "对上之后这一项才能比对全部数值。")


__all__ = ["allowed_values", "columns_present", "no_duplicates", "not_empty", "row_count", "rows", "value_range",
           "values"]
