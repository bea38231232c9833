"""Check kinds for WeChat group assignments (exercise ``community-groups``).

The rules (group name pattern, which tiers go to which group, the 500 cap, filling in join order)
are checked on the submission itself and the student's own ``customers`` table, so each mistake gets
its own message; the exact assignment is compared with the reference by the generic ``values`` check.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

import pandas as pd

from grader.checks import CheckContext, CheckParamError, check, require_columns
from grader.model import CheckResult


def _frame(ctx: CheckContext, columns: list[str]) -> pd.DataFrame:
    df = ctx.submission
    require_columns(df, columns)
    if df.empty:
        raise EmptySubmission
    return df[columns].astype(str).apply(lambda s: s.str.strip())


class EmptySubmission(Exception):
    """The submitted table has no rows: every group rule fails (nothing was grouped)."""


def _nonempty(fn: Callable[..., CheckResult]) -> Callable[..., CheckResult]:
    @functools.wraps(fn)
    def wrapper(ctx: CheckContext, **params: Any) -> CheckResult:
        try:
            return fn(ctx, **params)
        except EmptySubmission:
            return ctx.fail("提交的表是空的，还没有分组", hint="每位加入微信群的客户一行")

    return wrapper


def parse_group(name: str, prefix: str, kinds: list[str]) -> tuple[str, int] | None:
    """(kind, number) of a well-formed name such as 吃货美食团·VIP群01, else None."""
    return _parse_group(name, prefix, tuple(kinds))


@functools.lru_cache(maxsize=4096)  # a class has a few dozen group names, each on hundreds of rows
def _parse_group(name: str, prefix: str, kinds: tuple[str, ...]) -> tuple[str, int] | None:
    m = re.fullmatch(re.escape(prefix) + "(" + "|".join(map(re.escape, kinds)) + r")(\d{2})", name)
    return (m.group(1), int(m.group(2))) if m else None


@check("group-names", title="群名称格式", applies_to=("table",))
@_nonempty
def group_names(ctx: CheckContext, *, prefix: str = "吃货美食团·", kinds: tuple = ("VIP群", "会员群"),
                group_column: str = "群名称") -> CheckResult:
    """Every name is prefix + kind + two-digit number; numbers of each kind run 01, 02, … without gaps."""
    names = _frame(ctx, [group_column])[group_column]
    kinds = list(kinds)
    bad = sorted({n for n in names if parse_group(n, prefix, kinds) is None})
    problems = [f"群名称「{n}」不符合格式" for n in bad]
    parsed = [p for p in (parse_group(n, prefix, kinds) for n in names) if p]
    for kind in kinds:
        numbers = sorted({num for k, num in parsed if k == kind})
        if numbers and numbers != list(range(1, len(numbers) + 1)):
            problems.append(f"{kind}的编号应从 01 起连续，现在是 " + "、".join(f"{n:02d}" for n in numbers))
    if not problems:
        return ctx.ok("群名称都符合 " + prefix + "VIP群01 这样的格式")
    return ctx.fail("群名称不对", details=problems,
                    fraction=1 - sum(n in bad for n in names) / max(len(names), 1),
                    hint=f"群名称写成 {prefix}VIP群01、{prefix}会员群02 这样：店名、间隔号“·”、群类型、两位编号")


@check("group-kind", title="按等级进群", applies_to=("table",))
@_nonempty
def group_kind(ctx: CheckContext, *, vip_tiers: tuple = ("钻石卡", "白金卡"), vip_kind: str = "VIP群",
               other_kind: str = "会员群", prefix: str = "吃货美食团·", key: str = "买家会员名",
               tier_column: str = "会员等级", group_column: str = "群名称") -> CheckResult:
    """Members whose submitted tier is in ``vip_tiers`` are in a VIP group, everybody else in a 会员群."""
    df = _frame(ctx, [key, tier_column, group_column])
    wrong: list[str] = []
    for name, tier, group in df.itertuples(index=False):
        parsed = parse_group(group, prefix, [vip_kind, other_kind])
        if parsed is None:
            continue
        expected = vip_kind if tier in vip_tiers else other_kind
        if parsed[0] != expected:
            wrong.append(f"{name} 是{tier}，应进{expected}，提交为 {group}")
    if not wrong:
        return ctx.ok("每位会员都按自己的等级进了对应的群")
    return ctx.fail(f"有 {len(wrong)} 位会员进错了群类型", details=wrong, fraction=1 - len(wrong) / max(len(df), 1),
                    hint="、".join(vip_tiers) + f" 进{vip_kind}，其余等级（包括非会员）进{other_kind}")


@check("group-size", title="每群人数（不超过 500 人，装满再开新群）", applies_to=("table",))
@_nonempty
def group_size(ctx: CheckContext, *, limit: int = 500, prefix: str = "吃货美食团·",
               kinds: tuple = ("VIP群", "会员群"), group_column: str = "群名称") -> CheckResult:
    """No group above ``limit``; groups are filled one after another (all but the last of a kind are full)."""
    names = _frame(ctx, [group_column])[group_column]
    sizes = names.value_counts()
    problems = [f"{g} 有 {n} 人，超过 {limit} 人" for g, n in sizes.items() if n > limit]
    for kind in kinds:
        groups = sorted((p[1], g) for g in sizes.index if (p := parse_group(g, prefix, list(kinds))) and p[0] == kind)
        problems += [f"{g} 只有 {sizes[g]} 人，后面还有 {kind}：应先把它装满 {limit} 人"
                     for _, g in groups[:-1] if sizes[g] < limit]
    if not problems:
        return ctx.ok(f"每个群都不超过 {limit} 人，按顺序装满")
    over = any("超过" in p for p in problems)
    summary = "有群超过人数上限" if over else f"没有群超过 {limit} 人，但前面的群没有装满就开了新群"
    return ctx.fail(summary, details=problems, fraction=0.0 if over else 0.5,
                    hint=f"微信群最多 {limit} 人：第 1–{limit} 位进 01 群，第 {limit + 1}–{2 * limit} 位进 02 群……")


@check("group-order", title="新入群的排在后面", applies_to=("table",), reads_tables=True)
@_nonempty
def group_order(ctx: CheckContext, *, table: str = "customers", time_column: str = "微信入群时间",
                prefix: str = "吃货美食团·", kinds: tuple = ("VIP群", "会员群"), key: str = "买家会员名",
                group_column: str = "群名称") -> CheckResult:
    """Within each group kind, group numbers never decrease in order of join time (newest members last)."""
    df = _frame(ctx, [key, group_column])
    source = ctx.tables[table].copy()
    source.columns = [str(c).strip() for c in source.columns]
    if key not in source.columns or time_column not in source.columns:
        raise CheckParamError(f"数据表 {table} 缺少列 {key} 或 {time_column}")
    joined = pd.to_datetime(source.set_index(key)[time_column], errors="coerce")
    df = df.assign(time=df[key].map(joined))
    parsed = [parse_group(g, prefix, list(kinds)) for g in df[group_column]]
    df = df.assign(kind=[p[0] if p else None for p in parsed], number=[p[1] if p else None for p in parsed])
    df = df.dropna(subset=["time", "kind"]).sort_values(["time", key])
    late: list[str] = []
    for kind, part in df.groupby("kind", sort=True):
        highest = part["number"].cummax().shift(fill_value=0)
        for row in part[part["number"] < highest].itertuples():
            late.append(f"{row.time:%Y-%m-%d %H:%M} 入群的 {row[1]} 在{kind}{int(row.number):02d}，"
                        f"可比这位会员早入群的人已排进了更后面的群")
    if not late:
        return ctx.ok("按入群时间从早到晚依次分群，最新入群的在最后")
    hint = "按微信入群时间从早到晚排序（同一时刻按买家会员名），早入群的先进 01 群"
    if len(late) > len(df) / 3:
        hint = "看起来把最新入群的会员排在了前面；" + hint
    return ctx.fail(f"有 {len(late)} 位会员的群序号与入群先后不符", details=late,
                    fraction=max(0.0, 1 - len(late) / max(len(df), 1)), hint=hint)


__all__ = ["parse_group"]
