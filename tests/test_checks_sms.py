"""SMS template check kinds (grader/checks/sms.py), driven by the rules in exercises/care-sms/spec.yml."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from ruamel.yaml import YAML

from grader.checks import REGISTRY, CheckContext, run_check
from grader.checks.sms import expanded_length, segments, split_signature
from grader.checks.sms_words import review_requests
from grader.spec import CheckSpec

ROOT = Path(__file__).resolve().parent.parent
RAW = YAML(typ="safe", pure=True).load((ROOT / "exercises/care-sms/spec.yml").read_text(encoding="utf-8"))
PARAMS = {c["kind"]: {k: v for k, v in c.items() if k not in ("kind", "points", "name", "hint", "message")}
          for c in RAW["checks"]}
PLACEHOLDERS = PARAMS["sms-length"]["placeholders"]

GOOD = {
    "发货提醒": "【吃货美食团】{买家昵称}，您的零食已由{物流公司}发出，单号{物流单号}，请留意查收。",
    "签收关怀": "【吃货美食团】{买家昵称}，包裹已签收，如有破损或少件，请联系旺旺客服为您处理。",
    "物流异常": "【吃货美食团】您的包裹{物流单号}在运输中延误了，我们已催{物流公司}加急派送，有进展马上告诉您。",
    "好评感谢": "【吃货美食团】{买家昵称}，谢谢您的好评和支持！吃得开心就是我们的心愿。",
    "差评安抚": "【吃货美食团】{买家昵称}，很抱歉这次没让您满意，客服今天会联系您，为您补发或退款。",
    "生日关怀": "【吃货美食团】亲爱的会员，生日快乐！送您10元无门槛零食券，7天内有效，领取{店铺短链} 回TD退订",
}


def run(kind: str, templates: dict[str, str], points: float = 10):
    df = pd.DataFrame({"场景": list(templates), "短信内容": list(templates.values())})
    spec = CheckSpec(kind=kind, points=points, params=PARAMS[kind])
    ctx = CheckContext(spec=None, check=spec, submission=df)  # type: ignore[arg-type]
    return run_check(REGISTRY[kind], ctx)


def with_(scene: str, text: str) -> dict[str, str]:
    return {**GOOD, scene: text}


@pytest.mark.parametrize("n, expected", [(0, 0), (1, 1), (68, 1), (70, 1), (71, 2), (134, 2), (135, 3), (160, 3)])
def test_segments_follow_the_67_character_rule(n, expected):
    assert segments(n) == expected


def test_expanded_length_uses_maximum_lengths():
    assert expanded_length("【店】{买家昵称}好", PLACEHOLDERS) == 3 + 25 + 1
    assert expanded_length("{不存在}", PLACEHOLDERS) == len("{不存在}")


def test_split_signature():
    assert split_signature("【吃货美食团】你好") == ("吃货美食团", "你好")
    assert split_signature("你好【吃货】") == (None, "你好【吃货】")


@pytest.mark.parametrize("kind", sorted(PARAMS.keys() - {"columns"}))
def test_good_templates_pass_every_sms_check(kind):
    res = run(kind, GOOD)
    assert res.passed, (kind, res.message, res.details)
    assert res.points == 10


def test_scenes_missing_duplicate_and_alias():
    renamed = {("到货关怀" if k == "签收关怀" else k): v for k, v in GOOD.items()}
    assert run("sms-scenes", renamed).passed
    missing = {k: v for k, v in GOOD.items() if k != "差评安抚"}
    res = run("sms-scenes", {**missing, "催付提醒": "【吃货美食团】记得付款"})
    assert not res.passed
    assert "缺少场景 差评安抚" in res.details and "多出场景 催付提醒" in res.details
    assert 0 < res.points < 10


def test_signature_rules():
    res = run("sms-signature", with_("发货提醒", "{买家昵称}，您的零食发出了【吃货美食团】"))
    assert not res.passed and any("开头不是" in d for d in res.details)
    res = run("sms-signature", with_("签收关怀", "【吃货美食团】【买家昵称】，包裹已签收。"))
    assert any("正文里又出现了【】" in d for d in res.details)
    res = run("sms-signature", with_("好评感谢", "【吃】谢谢您的支持。"))
    assert any("1 个字" in d for d in res.details)
    assert any("签名不统一" in d for d in res.details)
    res = run("sms-signature", with_("好评感谢", "【吃货美食团吃货美食团吃货美食团零食】谢谢"))
    assert any("17 个字" in d for d in res.details)


def test_placeholders_unknown_and_unbalanced():
    res = run("sms-placeholders", with_("物流异常", "【吃货美食团】{快递员}会尽快派送"))
    assert not res.passed and "{快递员}" in res.details[0]
    res = run("sms-placeholders", with_("物流异常", "【吃货美食团】${物流单号 会尽快派送"))
    assert "花括号没有成对" in res.details[0]


def test_length_counts_placeholders_at_maximum_and_says_by_how_much():
    text = "【吃货美食团】{买家昵称}，您在{拍下时间}拍下的零食已由{物流公司}发出，物流单号{物流单号}，请留意查收哦。"
    assert len(text) <= 70 < expanded_length(text, PLACEHOLDERS)
    res = run("sms-length", with_("发货提醒", text))
    assert not res.passed
    assert f"共 {expanded_length(text, PLACEHOLDERS)} 个字" in res.details[0]
    over = expanded_length(text, PLACEHOLDERS) - 70
    assert f"多了 {over} 个" in res.details[0]
    assert f"{{买家昵称}} 按 {PLACEHOLDERS['买家昵称']} 个字算" in res.hint
    exactly_70 = "【吃货美食团】" + "好" * 63
    assert run("sms-length", with_("好评感谢", exactly_70)).passed
    assert not run("sms-length", with_("好评感谢", exactly_70 + "。")).passed


def test_optout_only_on_marketing_and_at_the_end():
    res = run("sms-optout", with_("发货提醒", GOOD["发货提醒"] + "回TD退订"))
    assert not res.passed and "不需要退订提示" in res.details[0]
    assert "只有营销短信" in res.hint
    res = run("sms-optout", with_("生日关怀", "【吃货美食团】生日快乐！送您10元零食券。"))
    assert "缺少退订提示" in res.details[0]
    res = run("sms-optout", with_("生日关怀", "【吃货美食团】回TD退订，生日快乐！送您10元零食券"))
    assert "没有放在最后" in res.details[0]
    res = run("sms-optout", with_("生日关怀", "【吃货美食团】生日快乐！送您10元零食券，退订回T"))
    assert "写法不对" in res.details[0] and "没有放在最后" not in res.details[0]  # it is at the end
    for optout in ("回T退订", "拒收请回复R", "回N退订。"):
        assert run("sms-optout", with_("生日关怀", "【吃货美食团】生日快乐！送您10元零食券，" + optout)).passed


@pytest.mark.parametrize("text", ["有进展我们会第一时间告诉您", "全网最低价的坚果", "国家级品质", "顶级零食",
                                  "最好吃的坚果", "本店最便宜", "最快明天送达"])
def test_banned_words_are_found(text):
    res = run("sms-banned-words", with_("物流异常", "【吃货美食团】" + text))
    assert not res.passed and "物流异常" in res.details[0]


def test_a_longer_banned_term_is_named_once():
    res = run("sms-banned-words", with_("物流异常", "【吃货美食团】全网最低价的坚果，欢迎选购"))
    assert res.details == ["物流异常：出现了「最低价、全网」"]


@pytest.mark.parametrize("text", ["您最近买的坚果已经发货，请留意查收", "我们的最新消息：您的包裹已到达驿站"])
def test_time_words_with_zui_are_not_absolute_terms(text):
    assert run("sms-banned-words", with_("物流异常", "【吃货美食团】" + text)).passed


@pytest.mark.parametrize("text", [
    "满意的话请给个五星好评哦", "记得晒图哦", "求好评", "麻烦您修改一下评价", "好评返现5元", "希望您给我们打分",
    "给个好评", "求五星", "吃得满意就给个好评吧", "感谢您给的好评，也请给个五星",
])
def test_review_requests_are_found(text):
    res = run("sms-review-request", with_("签收关怀", "【吃货美食团】" + text))
    assert not res.passed, text


@pytest.mark.parametrize("text", [
    "谢谢您的好评和支持", "请您放心，您的评价我们都认真看了", "很抱歉给您带来不好的体验",
    "感谢您给的好评", "感谢您给予的好评", "谢谢您给了我们好评", "看到您给出的评价很抱歉", "谢谢您给我们的好评", "看到您给的评价很抱歉", "谢谢您给我们的五星好评，欢迎再来",
])
def test_thanks_and_apologies_are_not_review_requests(text):
    p = PARAMS["sms-review-request"]
    args = {k: p[k] for k in ("askers", "targets", "changers", "change_targets", "phrases", "window", "given")}
    assert review_requests(text, **args) == []
    assert run("sms-review-request", with_("好评感谢", "【吃货美食团】{买家昵称}，" + text)).passed


def test_notifications_pass_without_optout_and_marketing_fails_without_one():
    assert run("sms-optout", GOOD).passed  # no notification carries 退订 in GOOD
    for scene in ("发货提醒", "签收关怀", "物流异常", "好评感谢", "差评安抚"):
        assert "退订" not in GOOD[scene]
    res = run("sms-optout", with_("生日关怀", "【吃货美食团】亲爱的会员，生日快乐！送您10元无门槛零食券，7天内有效"))
    assert not res.passed and res.details == ["生日关怀：营销短信缺少退订提示"]
    assert "回TD退订" in res.hint


def test_promotion_in_a_notification_is_flagged_but_allowed_in_marketing():
    res = run("sms-promo-words", with_("好评感谢", "【吃货美食团】谢谢您的好评！送您一张5元券"))
    assert not res.passed and "券" in res.details[0]
    assert run("sms-promo-words", GOOD).passed  # 生日关怀 has 券 and is marketing


def test_missing_text_column_is_a_clear_error_not_a_crash():
    spec = CheckSpec(kind="sms-length", points=3, params=PARAMS["sms-length"])
    ctx = CheckContext(spec=None, check=spec, submission=pd.DataFrame({"场景": ["发货提醒"]}))  # type: ignore[arg-type]
    res = run_check(REGISTRY["sms-length"], ctx)
    assert not res.passed and "缺少列" in res.message


def test_unfinished_templates_fail_every_rule_instead_of_passing_vacuously():
    empty = dict.fromkeys(GOOD, "【吃货美食团】")
    for kind in PARAMS.keys() - {"columns"}:
        res = run(kind, empty)
        assert not res.passed and res.points == 0, kind
    res = run("sms-banned-words", with_("好评感谢", "【吃货美食团】谢谢"))
    assert not res.passed and "好评感谢：正文不到 10 个字" in res.details[0]
    assert 0 < res.points < 10


def test_instructions_list_the_same_banned_words_and_allow_thanks():
    text = (ROOT / "exercises/care-sms/instructions.md").read_text(encoding="utf-8")
    words = PARAMS["sms-banned-words"]["words"]
    assert "任何一条都不能出现：" + "、".join(words) + "。" in text
    for sentence in ("感谢您给的好评", "谢谢您给我们的好评", "看到您给的评价很抱歉"):
        assert sentence in text
