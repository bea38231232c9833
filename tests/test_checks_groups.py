"""WeChat group check kinds (grader/checks/groups.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from grader.checks import REGISTRY, CheckContext, run_check
from grader.checks.groups import parse_group
from grader.spec import CheckSpec

P = "吃货美食团·"


def members(n_vip: int, n_other: int) -> pd.DataFrame:
    """Customers table: VIP members join first (v0000 …), then the others (m0000 …), one minute apart."""
    names = [f"v{i:04d}" for i in range(n_vip)] + [f"m{i:04d}" for i in range(n_other)]
    times = pd.date_range("2025-11-01 08:00", periods=len(names), freq="min").strftime("%Y-%m-%d %H:%M:%S")
    return pd.DataFrame({"买家会员名": names, "是否加入微信群": "是", "微信入群时间 ": times})


def assign(customers: pd.DataFrame, size: int = 500, newest_first: bool = False) -> pd.DataFrame:
    """A correct assignment (or one filled newest first)."""
    rows = []
    for kind, tier, prefix in (("VIP群", "白金卡", "v"), ("会员群", "银卡", "m")):
        part = customers[customers.买家会员名.str.startswith(prefix)]
        names = list(part.买家会员名)[::-1] if newest_first else list(part.买家会员名)
        rows += [(n, tier, f"{P}{kind}{i // size + 1:02d}") for i, n in enumerate(names)]
    return pd.DataFrame(rows, columns=["买家会员名", "会员等级", "群名称"])


def run(kind: str, df: pd.DataFrame, customers: pd.DataFrame | None = None, **params):
    ctx = CheckContext(spec=None, check=CheckSpec(kind=kind, points=2, params=params),  # type: ignore[arg-type]
                       submission=df, tables_provider=lambda: {"customers": customers})
    return run_check(REGISTRY[kind], ctx)


@pytest.fixture(scope="module")
def customers() -> pd.DataFrame:
    return members(30, 1203)


@pytest.mark.parametrize("kind", ["group-names", "group-kind", "group-size", "group-order"])
def test_correct_assignment_passes(kind, customers):
    res = run(kind, assign(customers), customers)
    assert res.passed, (res.message, res.details)


def test_parse_group():
    assert parse_group(f"{P}VIP群01", P, ["VIP群", "会员群"]) == ("VIP群", 1)
    assert parse_group(f"{P}会员群12", P, ["VIP群", "会员群"]) == ("会员群", 12)
    for bad in (f"{P}会员群1", "吃货美食团VIP群01", f"{P}粉丝群01", f"{P}VIP群001"):
        assert parse_group(bad, P, ["VIP群", "会员群"]) is None


def test_bad_names_and_gaps(customers):
    df = assign(customers)
    df.loc[0, "群名称"] = "吃货美食团VIP群01"
    df.loc[df.群名称 == f"{P}会员群03", "群名称"] = f"{P}会员群04"
    res = run("group-names", df)
    assert not res.passed
    assert "群名称「吃货美食团VIP群01」不符合格式" in res.details
    assert any("会员群的编号应从 01 起连续" in d for d in res.details)


def test_vip_tier_in_member_group(customers):
    df = assign(customers)
    df.loc[df.买家会员名 == "m0007", "会员等级"] = "钻石卡"
    df.loc[df.买家会员名 == "v0003", "会员等级"] = "金卡"
    res = run("group-kind", df)
    assert not res.passed and len(res.details) == 2
    assert "m0007 是钻石卡，应进VIP群" in res.details[1] or "m0007 是钻石卡，应进VIP群" in res.details[0]


def test_oversized_and_not_filled_groups(customers):
    over = assign(customers, size=700)
    res = run("group-size", over)
    assert not res.passed and res.points == 0 and any("超过 500 人" in d for d in res.details)
    under = assign(customers, size=400)
    res = run("group-size", under)
    assert not res.passed and res.points == 1 and any("应先把它装满 500 人" in d for d in res.details)
    assert res.message.startswith("没有群超过 500 人")  # the title's 500 was kept: the message says what was not


def test_newest_first_is_recognised(customers):
    res = run("group-order", assign(customers, newest_first=True), customers)
    assert not res.passed
    assert "最新入群的会员排在了前面" in res.hint


def test_group_order_strips_header_spaces_and_ignores_unknown_members(customers):
    df = pd.concat([assign(customers), pd.DataFrame([["ghost", "银卡", f"{P}会员群01"]], columns=["买家会员名", "会员等级", "群名称"])])
    assert run("group-order", df, customers).passed


def test_missing_column_is_reported(customers):
    res = run("group-kind", assign(customers).drop(columns=["会员等级"]))
    assert not res.passed and "缺少列 会员等级" in res.message
