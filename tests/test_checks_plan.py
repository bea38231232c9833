"""SMS sending-plan check kinds (grader/checks/plan.py), with the campaign of exercises/sms-plan/spec.yml
and small hand-made customers / sms_log tables whose every case is known."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from ruamel.yaml import YAML

from grader.checks import REGISTRY, CheckContext, run_check
from grader.checks.campaign import date_allowed, parse_campaign
from grader.spec import CheckSpec

ROOT = Path(__file__).resolve().parent.parent
RAW = YAML(typ="safe", pure=True).load((ROOT / "exercises/sms-plan/spec.yml").read_text(encoding="utf-8"))
PARAMS = {c["kind"]: {k: v for k, v in c.items() if k not in ("kind", "points", "name", "hint", "message")}
          for c in RAW["checks"]}
CAMPAIGN = parse_campaign(PARAMS["plan-window"]["campaign"])

CUSTOMERS = pd.DataFrame({
    "买家会员名": ["free", "jan30", "jan31", "busy", "failed", "nope", "tb1234567890ab"],
    "是否订阅短信": ["是", "是", "是", "是", "是", "否", "是"],
})


def log_rows() -> pd.DataFrame:
    rows = [("2026-01-30 12:05:00", "jan30", "营销", "成功"),
            ("2026-01-31 10:20:00", "jan31", "营销", "成功"),
            ("2026-01-31 09:00:00", "free", "通知", "成功"),      # notifications do not count
            ("2026-01-30 12:00:00", "failed", "营销", "失败")]    # failed sends do not count
    # busy: six marketing SMS between 1月6日 and 1月26日 → blocked on every campaign day
    rows += [(f"2026-01-{d:02d} 12:00:00", "busy", "营销", "成功") for d in (6, 10, 14, 18, 22, 26)]
    return pd.DataFrame(rows, columns=["发送时间", "买家会员名", "短信类型", "发送状态"])


TABLES = {"customers": CUSTOMERS, "sms_log": log_rows()}


def good_plan() -> pd.DataFrame:
    rows = [("free", "2026-02-01 12:00"), ("jan30", "2026-02-02 12:00"), ("jan31", "2026-02-03 18:00"),
            ("failed", "2026-02-01 12:30"), ("tb1234567890ab", "2026-02-01 19:00")]
    df = pd.DataFrame(rows, columns=["买家会员名", "发送时间"])
    df["场景"] = "活动通知"
    df["短信条数"] = [CAMPAIGN.segments(n) for n in df.买家会员名]
    df["费用"] = df["短信条数"] * CAMPAIGN.price
    return df


def run(kind: str, df: pd.DataFrame, points: float = 3):
    ctx = CheckContext(spec=None, check=CheckSpec(kind=kind, points=points, params=PARAMS[kind]),  # type: ignore[arg-type]
                       submission=df, tables_provider=lambda: TABLES)
    return run_check(REGISTRY[kind], ctx)


PLAN_KINDS = ["plan-consent", "plan-window", "plan-preferred", "plan-frequency", "plan-coverage", "plan-segments"]


@pytest.mark.parametrize("kind", PLAN_KINDS)
def test_good_plan_passes(kind):
    res = run(kind, good_plan())
    assert res.passed, (res.message, res.details)


@pytest.mark.parametrize("kind", PLAN_KINDS)
def test_empty_plan_fails_every_check(kind):
    res = run(kind, good_plan().iloc[0:0])
    assert not res.passed and res.points == 0


@pytest.mark.parametrize("kind", ["plan-window", "plan-preferred", "plan-frequency", "plan-coverage"])
def test_times_that_cannot_be_read_pass_no_check_that_needs_them(kind):
    """"2月1日 12:00" is no time the grader reads: every check about when a text is sent fails on it."""
    plan = good_plan()
    plan["发送时间"] = ["2月1日 12:00", "2月2日 12:00", "2月3日 18:00", "2月1日 12:30", "2月1日 19:00"]
    res = run(kind, plan)
    assert not res.passed and res.points == 0, (res.message, res.details)


def test_date_rules():
    jan30 = [dt.date(2026, 1, 30)]
    assert date_allowed(dt.date(2026, 2, 1), jan30, CAMPAIGN) is not None
    assert date_allowed(dt.date(2026, 2, 2), jan30, CAMPAIGN) is None       # exactly 3 days later
    five = [dt.date(2026, 1, d) for d in (3, 8, 13, 18, 23)]
    assert date_allowed(dt.date(2026, 2, 1), five, CAMPAIGN) is None         # 5 earlier + this = 6
    six = [dt.date(2026, 1, 2), *five]
    assert date_allowed(dt.date(2026, 2, 1), six, CAMPAIGN) is None          # 1月2日 is 30 days before
    six_in = [dt.date(2026, 1, 3), *[dt.date(2026, 1, d) for d in (7, 11, 15, 19, 23)]]
    assert "超过 6 条" in date_allowed(dt.date(2026, 2, 1), six_in, CAMPAIGN)


def test_segments_use_the_customers_own_name():
    base = len(CAMPAIGN.text.replace("{买家昵称}", ""))
    assert CAMPAIGN.segments("x" * (70 - base)) == 1
    assert CAMPAIGN.segments("x" * (71 - base)) == 2


def test_consent_is_checked():
    df = pd.concat([good_plan(), good_plan().iloc[[0]].assign(买家会员名="nope")])
    res = run("plan-consent", df)
    assert not res.passed and res.details == ["nope 没有订阅短信"]


def test_window_and_preferred_hours():
    df = good_plan()
    df.loc[0, "发送时间"] = "2026-02-01 21:30"
    df.loc[1, "发送时间"] = "2026-02-04 12:00"
    df.loc[2, "发送时间"] = "明天中午"
    res = run("plan-window", df)
    assert not res.passed and len(res.details) == 3
    assert "21:30 发送" in res.details[0] and "不在活动期" in res.details[1] and "看不懂" in res.details[2]
    df = good_plan()
    df.loc[0, "发送时间"] = "2026-02-01 21:00"       # allowed (ends included) but not preferred
    assert run("plan-window", df).passed
    assert not run("plan-preferred", df).passed


def test_frequency_counts_the_log_and_ignores_failed_and_notifications():
    df = good_plan()
    df.loc[df.买家会员名 == "jan30", "发送时间"] = "2026-02-01 12:00"
    res = run("plan-frequency", df)
    assert not res.passed and len(res.details) == 1 and res.details[0].startswith("jan30：01月30日已发过")
    busy = pd.concat([good_plan(), good_plan().iloc[[0]].assign(买家会员名="busy")])
    res = run("plan-frequency", busy)
    assert not res.passed and "超过 6 条" in res.details[0]


def test_coverage_names_who_was_dropped_and_when_they_could_get_it():
    df = good_plan()
    df = df[df.买家会员名 != "jan30"]
    res = run("plan-coverage", df)
    assert not res.passed and res.details == ["漏了 jan30（02月02日起可以发）"]
    assert "改到能发的那一天" in res.hint
    # busy (blocked every day) and nope (no consent) are not expected
    assert run("plan-coverage", good_plan()).passed


def test_wrong_segments_and_cost():
    df = good_plan()
    df.loc[df.买家会员名 == "tb1234567890ab", "短信条数"] = 1
    df.loc[df.买家会员名 == "free", "费用"] = 0.045
    res = run("plan-segments", df)
    assert not res.passed and len(res.details) == 2
    assert any("tb1234567890ab：短信共" in d and "应计 2 条" in d for d in res.details)
