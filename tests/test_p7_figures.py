"""The figures 项目七's pages quote from the lessons' default data are the data's figures (so a change to the
generator that moves them fails here, naming the page)."""

from __future__ import annotations

import pandas as pd
import pytest
from course import DOCS

from grader.reference import student_tables


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return student_tables(None)


def page(name: str) -> str:
    return (DOCS / "p7-service" / name).read_text(encoding="utf-8")


def test_in_sale_figures(tables):
    orders = tables["orders"].drop_duplicates("订单编号")
    waiting = int((orders["订单状态"] == "等待买家付款").sum())
    lost = int((orders["订单关闭原因"] == "付款以前，卖家或买家主动关闭交易").sum())
    kinds = tables["chats"]["咨询类型"].value_counts()
    text = page("in-sale.md")
    assert f"还有 {waiting} 笔订单在等待付款" in text
    assert f"付款前就关闭的订单有 {lost} 笔" in text and lost > 600  # “近七百笔”
    assert f"{kinds['催发货']} 次催发货和 {kinds['物流查询']} 次物流查询" in text


def test_disputes_figures(tables):
    refunds = tables["refunds"]
    text = page("disputes.md")
    assert f"共有 {len(refunds):,} 条售后申请，涉及 {refunds['订单编号'].nunique()} 笔订单".replace(",", " ") in text
    assert f"有 {int((refunds['是否平台介入'] == '是').sum())} 条申请走到了平台介入" in text
    reasons = refunds["退款原因"].value_counts()
    assert list(reasons.index[:2]) == ["拍错/多拍", "商品破损/包装漏气"]
    assert 0.2 < reasons.iloc[0] / len(refunds) < 0.3  # “约占四分之一”


def test_workbench_figures(tables):
    chats = tables["chats"]
    hour = pd.to_datetime(chats["开始时间"]).dt.hour
    per_hour = chats.groupby(hour).size()
    assert per_hour.idxmax() in (20, 21, 22) and (per_hour.loc[[20, 21, 22]] > 500).all()
    night = chats.loc[(hour >= 1) & (hour < 8), "首次响应秒数"].isna().mean()
    assert 0.4 < night < 0.5  # “四成多没有人回复”
    taobao = chats.loc[chats["店铺名称"] == "吃货美食团", "客服子账号"].value_counts()
    assert taobao.idxmin() == "吃货美食团:琪琪"
    assert "四成多没有人回复" in page("workbench.md")
