"""Check kinds for SMS templates (exercise ``care-sms``): the answer is text, the reference is the rules.

Every rule lives in the spec's params, so the instructions, the checks and the tests share one list of
scenes, placeholders (with their maximum lengths), opt-out phrases and banned words. The text helpers
(:func:`segments`, :func:`expanded_length`, :func:`split_signature`) are plain functions that
``grader.checks.plan`` and the tests reuse.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable
from typing import Any

from grader.checks import CheckContext, CheckParamError, check, require_columns
from grader.model import CheckResult

SINGLE_SMS = 70
"""Characters that still fit into one billed SMS."""
SEGMENT = 67
"""Characters per segment once a message is split."""

PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")
SIGNATURE_RE = re.compile(r"^【([^【】]*)】")
CLAUSE_SPLIT_RE = re.compile(r"[，,。.！!？?；;：:、\s]+")
TRAILING_RE = re.compile(r"[\s。.！!]+$")


def segments(length: int) -> int:
    """Billed SMS for a message of ``length`` characters: 1 if ≤ 70, else ceil(length / 67)."""
    if length <= 0:
        return 0
    return 1 if length <= SINGLE_SMS else math.ceil(length / SEGMENT)


def expanded_length(text: str, placeholders: dict[str, int]) -> int:
    """Length of ``text`` with every known ``{占位符}`` at its maximum length (unknown ones as written)."""
    return len(PLACEHOLDER_RE.sub(lambda m: "x" * int(placeholders.get(m.group(1), len(m.group(0)))), text))


def split_signature(text: str) -> tuple[str | None, str]:
    """(signature without 【】 or None, rest of the text)."""
    m = SIGNATURE_RE.match(text)
    if not m:
        return None, text
    return m.group(1), text[m.end():]


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _rows(ctx: CheckContext, scene_column: str, text_column: str,
          scene_aliases: dict[str, list[str]] | None = None) -> list[tuple[str, str]]:
    """(scene, text) pairs of the submission, scene names mapped through ``scene_aliases``."""
    df = ctx.submission
    require_columns(df, [scene_column, text_column])
    lookup = {alias: canon for canon, names in (scene_aliases or {}).items() for alias in names}
    return [(lookup.get(_text(s), _text(s)), _text(t)) for s, t in zip(df[scene_column], df[text_column], strict=True)]


def _label(scene: str, i: int) -> str:
    return scene or f"第 {i + 1} 行"


MIN_BODY = 10
"""A template whose text after the signature is shorter than this is unfinished and passes no rule."""


def unfinished(text: str) -> bool:
    return len(split_signature(text)[1].strip()) < MIN_BODY


def gated(fn: Callable[..., CheckResult]) -> Callable[..., CheckResult]:
    """Unfinished templates count as failing the rule: an empty text has no banned word, but no merit either."""

    @functools.wraps(fn)
    def wrapper(ctx: CheckContext, **params: Any) -> CheckResult:
        res = fn(ctx, **params)
        rows = _rows(ctx, params.get("scene_column", "场景"), params.get("text_column", "短信内容"))
        short = [f"{_label(s, i)}：正文不到 {MIN_BODY} 个字，先把短信写完整" for i, (s, t) in enumerate(rows)
                 if unfinished(t)]
        if not short:
            return res
        earned = res.points / res.max_points if res.max_points else 0.0
        fraction = min(earned, 1 - len(short) / max(len(rows), 1))
        message = res.message if not res.passed else "有的短信还没写完"
        return ctx.fail(message, details=short + res.details, fraction=fraction,
                        hint=res.hint or "每个场景都写一条完整的短信，再逐条对照规则检查")

    return wrapper


# -- scenes ------------------------------------------------------------------------------------
@check("sms-scenes", title="场景齐全", applies_to=("table",))
def sms_scenes(ctx: CheckContext, *, scenes: list, scene_aliases: dict | None = None,
               scene_column: str = "场景", text_column: str = "短信内容") -> CheckResult:
    """Each required scene exactly once, with a non-empty text, and no other scenes."""
    rows = _rows(ctx, scene_column, text_column, scene_aliases)
    found = [s for s, _ in rows]
    problems = [f"缺少场景 {s}" for s in scenes if s not in found]
    problems += [f"场景 {s} 出现了 {found.count(s)} 次，每个场景只写一条" for s in scenes if found.count(s) > 1]
    problems += [f"多出场景 {s or '（空）'}" for s in dict.fromkeys(found) if s not in scenes]
    problems += [f"场景 {s} 的短信还没写完（正文不到 {MIN_BODY} 个字）" for s, t in rows
                 if s in scenes and unfinished(t)]
    if not problems:
        return ctx.ok(f"{len(scenes)} 个场景各有一条短信")
    good = sum(1 for s in scenes if found.count(s) == 1 and not any(unfinished(t) for sc, t in rows if sc == s))
    return ctx.fail("场景不对：" + "；".join(problems[:3]), details=problems, fraction=good / len(scenes),
                    hint="每个场景写一行，场景名称按题目给出的写：" + "、".join(scenes))


# -- signature ---------------------------------------------------------------------------------
@check("sms-signature", title="短信签名", applies_to=("table",))
@gated
def sms_signature(ctx: CheckContext, *, min_length: int = 2, max_length: int = 16, same: bool = True,
                  scene_column: str = "场景", text_column: str = "短信内容") -> CheckResult:
    """【签名】 at the very start, 2–16 characters inside, 【】 nowhere else; one signature for all."""
    rows = _rows(ctx, scene_column, text_column)
    problems: list[str] = []
    signatures: list[str] = []
    for i, (scene, text) in enumerate(rows):
        sig, rest = split_signature(text)
        if sig is None:
            problems.append(f"{_label(scene, i)}：开头不是【签名】")
            continue
        signatures.append(sig)
        if not min_length <= len(sig) <= max_length:
            problems.append(f"{_label(scene, i)}：签名【{sig}】有 {len(sig)} 个字，应为 {min_length}–{max_length} 个字")
        if "【" in rest or "】" in rest:
            problems.append(f"{_label(scene, i)}：正文里又出现了【】，【】只能用在开头的签名上")
    if same and len(set(signatures)) > 1:
        problems.append("签名不统一：" + "、".join(f"【{s}】" for s in dict.fromkeys(signatures)))
    if not problems:
        return ctx.ok("每条短信都以同一个【签名】开头，正文里没有【】")
    bad = {p.split("：")[0] for p in problems}
    return ctx.fail("签名不符合要求", details=problems, fraction=max(0.0, 1 - len(bad) / max(len(rows), 1)),
                    hint="签名写在最前面，例如【吃货美食团】；正文里的变量用 {买家昵称} 这样的花括号，不要用【】")


# -- placeholders ------------------------------------------------------------------------------
@check("sms-placeholders", title="变量（占位符）", applies_to=("table",))
@gated
def sms_placeholders(ctx: CheckContext, *, placeholders: dict, scene_column: str = "场景",
                     text_column: str = "短信内容") -> CheckResult:
    """Only placeholders of the allowed set, written as {名称}; no stray braces."""
    rows = _rows(ctx, scene_column, text_column)
    problems: list[str] = []
    for i, (scene, text) in enumerate(rows):
        unknown = [n for n in PLACEHOLDER_RE.findall(text) if n not in placeholders]
        if unknown:
            problems.append(f"{_label(scene, i)}：变量 " + "、".join("{" + n + "}" for n in unknown) + " 不在允许的变量表里")
        leftover = PLACEHOLDER_RE.sub("", text)
        if any(c in leftover for c in "{}$"):
            problems.append(f"{_label(scene, i)}：花括号没有成对，或多了 $ 符号")
    if not problems:
        return ctx.ok("只用了允许的变量")
    bad = {p.split("：")[0] for p in problems}
    return ctx.fail("有不认识的变量", details=problems, fraction=1 - len(bad) / max(len(rows), 1),
                    hint="变量只能从题目的变量表里选，写成 {买家昵称} 这样，名称一字不差")


# -- length ------------------------------------------------------------------------------------
@check("sms-length", title="按一条短信计费", applies_to=("table",))
@gated
def sms_length(ctx: CheckContext, *, placeholders: dict, limit: int = SINGLE_SMS, scene_column: str = "场景",
               text_column: str = "短信内容") -> CheckResult:
    """At most ``limit`` characters with every placeholder at its maximum length."""
    rows = _rows(ctx, scene_column, text_column)
    problems: list[str] = []
    for i, (scene, text) in enumerate(rows):
        n = expanded_length(text, placeholders)
        if n > limit:
            problems.append(f"{_label(scene, i)}：变量按最长算共 {n} 个字，超过 {limit} 个字（多了 {n - limit} 个），"
                            f"会按 {segments(n)} 条计费")
    if not problems:
        return ctx.ok(f"每条短信按变量最长计算都不超过 {limit} 个字")
    example = f"（例如 {{买家昵称}} 按 {placeholders['买家昵称']} 个字算）" if "买家昵称" in placeholders else ""
    hint = (f"每个变量都按它的最大长度来数{example}，签名、空格和标点也算字数，总数不超过 {limit}；"
            "超出几个字就把正文缩短几个字，或少用长变量。")
    return ctx.fail("有短信超过一条的长度", details=problems, fraction=1 - len(problems) / max(len(rows), 1),
                    hint=hint)


# -- opt-out -----------------------------------------------------------------------------------
def _ends_with_optout(text: str, optouts: list[str]) -> bool:
    body = TRAILING_RE.sub("", text)
    return any(body.endswith(o) for o in optouts)


@check("sms-optout", title="退订提示", applies_to=("table",))
@gated
def sms_optout(ctx: CheckContext, *, marketing: list, optouts: list, scene_aliases: dict | None = None,
               scene_column: str = "场景", text_column: str = "短信内容") -> CheckResult:
    """Marketing scenes end with an opt-out phrase; notification and service scenes carry none (rule book:
    通知类短信不带退订) and are never marked wrong for lacking one."""
    if not optouts:
        raise CheckParamError("optouts 不能为空")
    rows = _rows(ctx, scene_column, text_column, scene_aliases)
    missing: list[str] = []
    extra: list[str] = []
    problems: list[str] = []
    for i, (scene, text) in enumerate(rows):
        has_any = any(o in text for o in optouts) or "退订" in text
        if scene in marketing:
            if not _ends_with_optout(text, optouts):
                missing.append(scene)
                if any(o in text for o in optouts):
                    what = "退订提示没有放在最后"
                elif has_any:  # "退订回T": at the end, but not a wording the platform's users know
                    what = f"退订提示的写法不对，要写成 {' / '.join(optouts)} 之一"
                else:
                    what = "缺少退订提示"
                problems.append(f"{_label(scene, i)}：营销短信{what}")
        elif has_any:
            extra.append(scene)
            problems.append(f"{_label(scene, i)}：这是订单通知或售后服务短信，不需要退订提示")
    if not problems:
        return ctx.ok("营销短信末尾有退订提示，通知类短信没有")
    if extra and not missing:
        hint = "通知类短信不带退订：订单通知和售后服务短信不写退订提示，只有营销短信带"
    else:
        hint = "营销短信（" + "、".join(marketing) + "）结尾写上 " + " / ".join(optouts) + " 之一"
    return ctx.fail("退订提示用得不对", details=problems, fraction=1 - len(problems) / max(len(rows), 1),
                    hint=hint)


__all__ = ["MIN_BODY", "SEGMENT", "SINGLE_SMS", "expanded_length", "segments", "split_signature", "unfinished"]
