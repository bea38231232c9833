"""Check kinds for an SMS sending plan (exercise ``sms-plan``), verified against the student's own data.

No reference answer is needed: the constraints (consent, sending hours, frequency including the
existing ``sms_log``, billed segments) are checked row by row on the submission, and coverage is the
set of customers for whom some allowed send exists. ``campaign`` and ``log`` are one mapping each in
the spec (YAML anchors), shared by every check and stated in the instructions.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

import pandas as pd

from grader.cache import IdentityCache
from grader.checks import CheckContext, CheckParamError, check, require_columns
from grader.checks.campaign import Campaign, date_allowed, parse_campaign
from grader.model import CheckResult


def _strip(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy(deep=False)  # new column labels only; the cells are read, never written
    df.columns = [str(c).strip() for c in df.columns]
    return df


def _stripped(column: pd.Series, test: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """``test(column.astype(str).str.strip())`` for a value-by-value test, run once per distinct text."""
    texts = column.astype(str)
    uniques = pd.unique(texts)
    hit = test(pd.Series([u.strip() for u in uniques], dtype=object)).to_numpy(dtype=bool)
    return texts.isin(uniques[hit])


_HISTORIES: IdentityCache[dict[str, Any]] = IdentityCache(lambda _log: {})
"""Per sms_log table object: spec → history (asked by two checks per file; cleared by ``clear_caches``)."""


def marketing_history(log: pd.DataFrame, spec: dict[str, Any]) -> dict[str, list[dt.date]]:
    """Dates of earlier marketing SMS per customer, from ``sms_log`` filtered as ``spec`` says (do not change
    the result: the next call for the same table object and spec shares it)."""
    known = _HISTORIES(log)
    key = repr(sorted(spec.items()))
    if key not in known:
        known[key] = _marketing_history(log, spec)
    return known[key]


def _marketing_history(log: pd.DataFrame, spec: dict[str, Any]) -> dict[str, list[dt.date]]:
    log = _strip(log)
    need = [spec["customer"], spec["time"], spec["kind_column"]]
    if spec.get("status_column"):
        need.append(spec["status_column"])
    missing = [c for c in need if c not in log.columns]
    if missing:
        raise CheckParamError(f"数据表 sms_log 缺少列 {'、'.join(missing)}")
    keep = _stripped(log[spec["kind_column"]], lambda s: s.isin(spec["marketing_values"]))
    if spec.get("status_column"):
        keep &= _stripped(log[spec["status_column"]], lambda s: s.isin(spec["ok_values"]))
    part = log[keep]
    when = pd.to_datetime(part[spec["time"]], errors="coerce").dt.date
    history: dict[str, list[dt.date]] = {}
    for nick, day in zip(part[spec["customer"]].astype(str), when, strict=True):
        if isinstance(day, dt.date):
            history.setdefault(nick, []).append(day)
    return history


def consenting(customers: pd.DataFrame, spec: dict[str, Any]) -> set[str]:
    customers = _strip(customers)
    if spec["customer"] not in customers.columns or spec["consent_column"] not in customers.columns:
        raise CheckParamError(f"数据表 customers 缺少列 {spec['customer']} 或 {spec['consent_column']}")
    yes = _stripped(customers[spec["consent_column"]], lambda s: s == spec["consent_value"])
    return set(customers.loc[yes, spec["customer"]].astype(str))


def eligible(ctx: CheckContext, c: Campaign, log_spec: dict[str, Any]) -> set[str]:
    """Consenting customers for whom at least one campaign day is allowed."""
    history = marketing_history(ctx.tables["sms_log"], log_spec)
    days = c.days()
    return {n for n in consenting(ctx.tables["customers"], log_spec)
            if any(date_allowed(d, history.get(n, []), c) is None for d in days)}


_PLANS: IdentityCache[dict[tuple[str, str], Any]] = IdentityCache(lambda _df: {})
"""Per submission object: (key, time column) → (both columns as parsed, plan); five checks read it per file."""


def _plan(ctx: CheckContext, key: str, time_column: str) -> pd.DataFrame:
    """Nick and parsed send time per row (shared with the next call for the same, unchanged, columns)."""
    df = ctx.submission
    require_columns(df, [key, time_column])
    known = _PLANS(df)
    kept = known.get((key, time_column))
    if kept is not None and kept[0].equals(df[key]) and kept[1].equals(df[time_column]):
        return kept[2]
    plan = pd.DataFrame({"nick": df[key].astype(str).str.strip(),
                         "when": pd.to_datetime(df[time_column].astype(str).str.strip(), errors="coerce",
                                                format="mixed")})  # each value on its own, as students write them
    known[(key, time_column)] = (df[key].copy(), df[time_column].copy(), plan)
    return plan


def _rows(plan: pd.DataFrame) -> zip:  # (nick, when) as itertuples gives them, without a namedtuple per row
    return zip(plan["nick"], plan["when"], strict=True)


def _unreadable(plan: pd.DataFrame, what: str) -> list[str]:
    """A line for each send whose time cannot be read (those rows fail the checks that need the time)."""
    return [f"{n} 的发送时间看不懂，{what}" for n in plan.nick[plan.when.isna()]]


def _nonempty(fn: Callable[..., CheckResult]) -> Callable[..., CheckResult]:
    """An empty plan breaks no rule but does nothing: every plan check fails on it."""

    @functools.wraps(fn)
    def wrapper(ctx: CheckContext, **params: Any) -> CheckResult:
        if isinstance(ctx.submission, pd.DataFrame) and ctx.submission.empty:
            return ctx.fail("提交的发送计划是空的", hint="每位要发送的客户一行")
        return fn(ctx, **params)

    return wrapper


# ---------------------------------------------------------------------------------------------------
@check("plan-consent", title="只发给同意接收的客户", applies_to=("table",), reads_tables=True)
@_nonempty
def plan_consent(ctx: CheckContext, *, log: dict, key: str = "买家会员名", time_column: str = "发送时间") -> CheckResult:
    """Every planned customer agreed to marketing SMS (customers.是否订阅短信)."""
    plan = _plan(ctx, key, time_column)
    yes = consenting(ctx.tables["customers"], log)
    bad = [n for n in plan.nick if n not in yes]
    if not bad:
        return ctx.ok("名单里的客户都同意接收营销短信")
    return ctx.fail(f"有 {len(bad)} 位客户没有同意接收营销短信", details=[f"{n} 没有订阅短信" for n in bad],
                    fraction=0.0,
                    hint=f"营销短信只能发给“{log['consent_column']}”为“{log['consent_value']}”的客户（《通信短信息服务管理规定》）")


@check("plan-window", title="发送日期和时段", applies_to=("table",))
@_nonempty
def plan_window(ctx: CheckContext, *, campaign: dict, key: str = "买家会员名",
                time_column: str = "发送时间") -> CheckResult:
    """Each send falls within the campaign days and within earliest–latest o'clock."""
    c = parse_campaign(campaign)
    plan = _plan(ctx, key, time_column)
    problems: list[str] = []
    for nick, when in _rows(plan):
        if pd.isna(when):
            problems.append(f"{nick} 的发送时间看不懂，请写成 2026-02-02 12:00 这样")
        elif not c.start <= when.date() <= c.end:
            problems.append(f"{nick} 的发送日期 {when:%Y-%m-%d} 不在活动期 {c.start}～{c.end} 内")
        elif not c.earliest <= when.time() <= c.latest:
            problems.append(f"{nick} 在 {when:%H:%M} 发送，营销短信只能在 {c.earliest:%H:%M}–{c.latest:%H:%M} 发")
    if not problems:
        return ctx.ok(f"都在活动期内的 {c.earliest:%H:%M}–{c.latest:%H:%M} 发送")
    return ctx.fail(f"有 {len(problems)} 条发送时间不合规", details=problems,
                    fraction=1 - len(problems) / max(len(plan), 1),
                    hint=f"本课程约定营销短信只在 {c.earliest:%H:%M}–{c.latest:%H:%M} 发送，日期在活动期内")


@check("plan-preferred", title="推荐时段", applies_to=("table",))
@_nonempty
def plan_preferred(ctx: CheckContext, *, campaign: dict, key: str = "买家会员名",
                   time_column: str = "发送时间") -> CheckResult:
    """Sends fall in a preferred window (midday or early evening)."""
    c = parse_campaign(campaign)
    whole = _plan(ctx, key, time_column)
    plan = whole.dropna()
    windows = "、".join(f"{a:%H:%M}–{b:%H:%M}" for a, b in c.preferred)
    off = [f"{n} 在 {w:%H:%M} 发送" for n, w in _rows(plan)
           if not any(a <= w.time() <= b for a, b in c.preferred)] + _unreadable(whole, "无法判断时段")
    if not off:
        return ctx.ok(f"都在推荐时段（{windows}）发送")
    return ctx.fail(f"有 {len(off)} 条不在推荐时段", details=off, fraction=1 - len(off) / max(len(whole), 1),
                    hint=f"中午或傍晚（{windows}）买家最可能看手机，又不打扰工作和休息")


@check("plan-frequency", title="发送频率", applies_to=("table",), reads_tables=True)
@_nonempty
def plan_frequency(ctx: CheckContext, *, campaign: dict, log: dict, key: str = "买家会员名",
                   time_column: str = "发送时间") -> CheckResult:
    """With the earlier marketing SMS of sms_log: ≥ gap_days apart and ≤ cap in cap_days."""
    c = parse_campaign(campaign)
    whole = _plan(ctx, key, time_column)
    plan = whole.dropna()
    history = marketing_history(ctx.tables["sms_log"], log)
    problems: list[str] = _unreadable(whole, "无法检查频率")
    seen: dict[str, list[dt.date]] = {}
    for nick, when in _rows(plan):
        earlier = history.get(nick, []) + seen.get(nick, [])
        reason = date_allowed(when.date(), earlier, c)
        if reason:
            problems.append(f"{nick}：{reason}")
        seen.setdefault(nick, []).append(when.date())
    if not problems:
        return ctx.ok(f"每位客户 {c.gap_days} 天内至多 1 条、{c.cap_days} 天内至多 {c.cap} 条营销短信")
    hint = (f"要把 sms_log 里已经发过的营销短信算进去：和上一条至少隔 {c.gap_days} 天，"
            f"且往前 {c.cap_days} 天内（含本条）不超过 {c.cap} 条；不行就换到活动期里更晚的一天")
    return ctx.fail(f"有 {len(problems)} 条超过了发送频率或无法检查", details=problems,
                    fraction=1 - len(problems) / max(len(whole), 1), hint=hint)


@check("plan-segments", title="计费条数和费用", applies_to=("table",))
@_nonempty
def plan_segments(ctx: CheckContext, *, campaign: dict, key: str = "买家会员名", count_column: str = "短信条数",
                  cost_column: str = "费用") -> CheckResult:
    """短信条数 = billed segments of the text with the customer's own 买家会员名; 费用 = 条数 × price."""
    c = parse_campaign(campaign)
    df = ctx.submission
    require_columns(df, [key, count_column, cost_column])
    counts = pd.to_numeric(df[count_column], errors="coerce")
    costs = pd.to_numeric(df[cost_column], errors="coerce")
    problems: list[str] = []
    for nick, n, cost in zip(df[key].astype(str).str.strip(), counts, costs, strict=True):
        want = c.segments(nick)
        if n != want:
            problems.append(f"{nick}：短信共 {c.length(nick)} 个字，应计 {want} 条，提交为 {n:g}")
        elif pd.isna(cost) or abs(cost - round(want * c.price, 2)) > 0.005:
            problems.append(f"{nick}：费用应为 {want * c.price:.2f} 元，提交为 {cost}")
    if not problems:
        return ctx.ok("每条短信的计费条数和费用都对")
    return ctx.fail(f"有 {len(problems)} 行条数或费用不对", details=problems,
                    fraction=1 - len(problems) / max(len(df), 1),
                    hint="把 {买家昵称} 换成这位客户的买家会员名再数字数：≤ 70 字计 1 条，"
                         f"否则每 67 字一条（向上取整）；费用 = 条数 × {c.price} 元")


@check("plan-coverage", title="该发的都发了", applies_to=("table",), reads_tables=True)
@_nonempty
def plan_coverage(ctx: CheckContext, *, campaign: dict, log: dict, key: str = "买家会员名",
                  time_column: str = "发送时间") -> CheckResult:
    """Every consenting customer who can receive the message on some campaign day is in the plan."""
    c = parse_campaign(campaign)
    whole = _plan(ctx, key, time_column)
    plan = set(whole.dropna().nick)  # a send whose time cannot be read is no send
    should = eligible(ctx, c, log)
    missing = sorted(should - plan)
    if not missing:
        return ctx.ok(f"可以发送的 {len(should)} 位客户都安排了")
    unread = set(whole.nick) & set(missing)
    if unread:  # in the plan, but at a time nobody can read: not "left out"
        return ctx.fail(f"有 {len(unread)} 位客户的发送时间看不懂，算不上安排了发送",
                        details=[f"{n} 的发送时间看不懂" for n in sorted(unread)],
                        fraction=1 - len(missing) / max(len(should), 1),
                        hint="发送时间写成 2026-02-02 12:00 这样（年-月-日 时:分），评分才能知道哪天几点发")
    history = marketing_history(ctx.tables["sms_log"], log)
    details = []
    for n in missing:
        first_ok = next(d for d in c.days() if date_allowed(d, history.get(n, []), c) is None)
        details.append(f"漏了 {n}（{first_ok:%m月%d日}起可以发）")
    shifted = sum(1 for n in missing if date_allowed(c.start, history.get(n, []), c) is not None)
    hint = ("有些客户活动第一天不能发，但活动期里晚一两天就可以：不要直接去掉，改到能发的那一天"
            if shifted > len(missing) / 2 else "同意接收、且活动期内有一天不超频率的客户都要安排")
    return ctx.fail(f"漏了 {len(missing)} 位可以发送的客户", details=details,
                    fraction=1 - len(missing) / max(len(should), 1), hint=hint)


__all__ = ["Campaign", "date_allowed", "eligible", "marketing_history", "parse_campaign"]
