"""Check kinds for the words of SMS templates (exercise ``care-sms``): no absolute terms (广告法), no request
for a good review, no promotion in a notification. The word lists live in the spec's params."""

from __future__ import annotations

import re

from grader.checks import CheckContext, check
from grader.checks.sms import CLAUSE_SPLIT_RE, _label, _rows, gated
from grader.model import CheckResult


# -- words -------------------------------------------------------------------------------------
def _hits(text: str, words: list[str]) -> list[str]:
    """Words of ``words`` found in ``text``; a word inside a longer hit is not repeated (最低价, not 最低 too)."""
    found = [w for w in words if w in text]
    return [w for w in found if not any(w != o and w in o for o in found)]


@check("sms-banned-words", title="广告法禁用词", applies_to=("table",))
@gated
def sms_banned_words(ctx: CheckContext, *, words: list, scene_column: str = "场景",
                     text_column: str = "短信内容") -> CheckResult:
    """None of the absolute terms of the spec's list (广告法 第9条 applies to ads; the course applies it to every
    SMS). The list names whole terms (最好, 最低价 …), never a bare 最, so 最近 and 最新 stay allowed."""
    rows = _rows(ctx, scene_column, text_column)
    problems = [f"{_label(s, i)}：出现了「{'、'.join(h)}」" for i, (s, t) in enumerate(rows) if (h := _hits(t, words))]
    if not problems:
        return ctx.ok("没有绝对化用语")
    return ctx.fail("用了广告法禁止的绝对化用语", details=problems,
                    fraction=1 - len(problems) / max(len(rows), 1),
                    hint="「第一时间」「最快」「最低价」这类说法也算绝对化用语，改成「马上」「尽快」「实惠」")


def review_requests(text: str, *, askers: list[str], targets: list[str], changers: list[str],
                    change_targets: list[str], phrases: list[str], window: int = 4,
                    given: list[str] | None = None) -> list[str]:
    """Phrases in ``text`` that ask for (or try to change) a review, clause by clause.

    A match that starts with one of ``given`` ("给的", "给我们的" …) names a review the buyer already gave
    ("感谢您给的好评", "看到您给的评价很抱歉"): that is thanks or an apology, not a request."""
    found = [p for p in phrases if p in text]
    for clause in CLAUSE_SPLIT_RE.split(text):
        for verbs, objects in ((askers, targets), (changers, change_targets)):
            pattern = "(?:" + "|".join(map(re.escape, verbs)) + ").{0," + str(window) + "}?(?:" + \
                      "|".join(map(re.escape, objects)) + ")"
            for m in re.finditer(pattern, clause):
                if not any(m.group(0).startswith(g) for g in given or ()):
                    found.append(m.group(0))
                    break
    return list(dict.fromkeys(found))


@check("sms-review-request", title="不索要好评", applies_to=("table",))
@gated
def sms_review_request(ctx: CheckContext, *, askers: list, targets: list, changers: list, change_targets: list,
                       phrases: list, window: int = 4, given: list | None = None, scene_column: str = "场景",
                       text_column: str = "短信内容") -> CheckResult:
    """No request for a (good) review and no request to change one; thanks for a review given are fine."""
    rows = _rows(ctx, scene_column, text_column)
    problems = []
    for i, (scene, text) in enumerate(rows):
        hits = review_requests(text, askers=askers, targets=targets, changers=changers,
                               change_targets=change_targets, phrases=phrases, window=window, given=given)
        if hits:
            problems.append(f"{_label(scene, i)}：「{'」「'.join(hits)}」是在索要或引导评价")
    if not problems:
        return ctx.ok("没有索要好评或要求改评价")
    return ctx.fail("短信在索要好评或要求改评价", details=problems,
                    fraction=1 - len(problems) / max(len(rows), 1),
                    hint="腾讯云、华为云等短信平台会拒发「邀请好评」的内容：可以感谢买家给的评价（如“感谢您给的好评”），"
                         "但不要请买家给好评、五星、晒图或修改评价")


@check("sms-promo-words", title="通知不夹带营销", applies_to=("table",))
@gated
def sms_promo_words(ctx: CheckContext, *, marketing: list, words: list, scene_aliases: dict | None = None,
                    scene_column: str = "场景", text_column: str = "短信内容") -> CheckResult:
    """Notification and service scenes carry no promotion (else they would be marketing SMS)."""
    rows = _rows(ctx, scene_column, text_column, scene_aliases)
    problems = [f"{_label(s, i)}：出现了「{'、'.join(h)}」" for i, (s, t) in enumerate(rows)
                if s not in marketing and (h := _hits(t, words))]
    if not problems:
        return ctx.ok("通知和售后短信里没有促销内容")
    return ctx.fail("通知或售后短信里夹带了促销内容", details=problems,
                    fraction=1 - len(problems) / max(len(rows), 1),
                    hint="带优惠券、活动的短信就是营销短信，需要买家同意并带退订；通知和售后短信只说订单和服务的事")


__all__ = ["review_requests"]
