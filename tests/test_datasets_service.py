"""The customer-service tables ``chats`` and ``refunds``: consistent with ``orders`` (and each other), per
student, deterministic, independent of the other tables, with the documented mess."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

import datasets
from datasets.constants import (
    CLOSE_AFTER_PAY,
    EXPORT_TIME,
    PERIOD_START,
    REFUND_STATES,
    REFUND_TYPES,
    SATISFACTION,
    SERVICE_ACCOUNTS,
    TEST_ACCOUNTS,
)

STUDENTS = [None, "20230101", "2024002"]  # 2024002: a staff test order is repeated in the export
CHAT_COLUMNS = ["会话编号", "店铺名称", "客服子账号", "买家会员名", "开始时间", "结束时间", "消息数", "首次响应秒数",
                "平均响应秒数", "咨询类型", "是否询单", "关联订单编号", "满意度评价"]
REFUND_COLUMNS = ["退款编号", "订单编号", "店铺名称", "买家会员名", "宝贝标题", "商家编码", "退款类型", "退款原因",
                  "申请时间", "完结时间", "退款金额", "退款状态", "是否平台介入", "处理客服", "处理时长小时"]


def read_back(df: pd.DataFrame) -> pd.DataFrame:
    """What a student gets from ``pd.read_csv(..., dtype=str)``: the file, not the generator's frame."""
    import io

    return pd.read_csv(io.BytesIO(datasets.csv_bytes(df)), dtype=str, encoding="utf-8-sig")


@pytest.fixture(scope="module", params=STUDENTS, ids=["default", "20230101", "2024002"])
def data(request) -> dict[str, pd.DataFrame]:
    tables = datasets.generate(request.param, tables=["orders", "order_items", "chats", "refunds"])
    out = {name: read_back(df) for name, df in tables.items()}
    orders = out["orders"].rename(columns=str.strip).drop_duplicates("订单编号")
    for col in ("订单创建时间", "订单付款时间"):
        orders[col] = pd.to_datetime(orders[col])
    orders["买家实际支付金额"] = orders["买家实际支付金额"].astype(float)
    out["orders"] = orders.set_index("订单编号")
    for col in ("开始时间", "结束时间"):
        out["chats"][col] = pd.to_datetime(out["chats"][col])
    for col in ("申请时间", "完结时间"):
        out["refunds"][col] = pd.to_datetime(out["refunds"][col])
    out["refunds"]["退款金额"] = out["refunds"]["退款金额"].astype(float)
    return out


def test_columns_in_export_order(data):
    assert list(data["chats"].columns) == CHAT_COLUMNS
    assert list(data["refunds"].columns) == REFUND_COLUMNS


def test_ids_are_unique_and_times_inside_the_period(data):
    chats, refunds = data["chats"], data["refunds"]
    assert chats["会话编号"].is_unique and refunds["退款编号"].is_unique
    start, export = pd.Timestamp(PERIOD_START), pd.Timestamp(EXPORT_TIME)
    assert (chats["开始时间"] >= start).all() and (chats["结束时间"] < export).all()
    assert (chats["结束时间"] >= chats["开始时间"]).all()
    assert chats["开始时间"].is_monotonic_increasing and refunds["申请时间"].is_monotonic_increasing
    assert (refunds["申请时间"] < export).all() and (refunds["完结时间"].dropna() < export).all()


def test_chat_values(data):
    chats = data["chats"]
    accounts = {a for names in SERVICE_ACCOUNTS.values() for a in names}
    assert set(chats["客服子账号"]) == accounts
    for store, names in SERVICE_ACCOUNTS.items():
        assert set(chats.loc[chats["店铺名称"] == store, "客服子账号"]) == set(names)
    assert set(chats["满意度评价"].dropna()) == set(SATISFACTION)
    assert set(chats["是否询单"]) == {"是", "否"}
    assert (chats["消息数"].astype(int) >= 1).all()


def test_inquiries_precede_their_orders_and_some_never_convert(data):
    chats, orders = data["chats"], data["orders"]
    linked = chats.loc[chats["关联订单编号"].notna()]
    assert linked["关联订单编号"].isin(orders.index).all(), "关联订单编号 not in orders"
    order = orders.loc[linked["关联订单编号"]]
    assert (linked["买家会员名"].to_numpy() == order["买家会员名"].to_numpy()).all()
    assert (linked["店铺名称"].to_numpy() == order["店铺名称"].to_numpy()).all()
    inquiry = (linked["是否询单"] == "是").to_numpy()
    assert (linked["结束时间"].to_numpy()[inquiry] < order["订单创建时间"].to_numpy()[inquiry]).all()
    after = ~inquiry
    assert (linked["开始时间"].to_numpy()[after] > order["订单付款时间"].to_numpy()[after]).all()
    # Never converted: inquiries without an order, and inquiries whose order is not 交易成功.
    inquiries = chats.loc[chats["是否询单"] == "是"]
    assert inquiries["关联订单编号"].isna().mean() > 0.25
    status = order["订单状态"].to_numpy()[inquiry]
    assert (status == "交易成功").mean() > 0.6 and (status == "交易关闭").sum() >= 20
    buyers = set(orders["买家会员名"])
    assert (~inquiries["买家会员名"].isin(buyers)).sum() >= 100, "no visitors who never bought"


def test_mess_response_seconds_as_text_and_missing_ratings(data):
    chats = data["chats"]
    seconds = chats["首次响应秒数"]
    unit = seconds.str.endswith("秒", na=False)
    assert 0.01 < unit.mean() < 0.06
    assert seconds[~unit].dropna().str.fullmatch(r"\d+").all()
    assert seconds.isna().any(), "unanswered conversations have no 首次响应秒数"
    assert chats.loc[seconds.isna(), "平均响应秒数"].isna().all()
    assert 0.5 < chats["满意度评价"].isna().mean() < 0.85


def test_staff_test_chats_lead_to_test_orders(data):
    chats, orders = data["chats"], data["orders"]
    test = chats.loc[chats["买家会员名"].isin(TEST_ACCOUNTS)]
    assert len(test) == (orders["买家会员名"].isin(TEST_ACCOUNTS)).sum() >= 4
    assert (test["是否询单"] == "是").all() and test["关联订单编号"].isin(orders.index).all()


def test_refunds_belong_to_paid_orders(data):
    refunds, orders, items = data["refunds"], data["orders"], data["order_items"]
    assert refunds["订单编号"].isin(orders.index).all()
    order = orders.loc[refunds["订单编号"]]
    assert order["订单付款时间"].notna().all(), "a refund on an order that was never paid"
    assert (refunds["申请时间"].to_numpy() > order["订单付款时间"].to_numpy()).all()
    assert (refunds["买家会员名"].to_numpy() == order["买家会员名"].to_numpy()).all()
    lines = set(zip(items["订单编号"], items["商家编码"], strict=True))
    assert all(pair in lines for pair in zip(refunds["订单编号"], refunds["商家编码"], strict=True))
    assert not refunds.duplicated(["订单编号", "商家编码"]).any(), "one request per 子订单"
    assert (refunds["退款金额"] <= order["买家实际支付金额"].to_numpy() + 1e-9).all()


def test_every_paid_closed_order_was_refunded_in_full(data):
    refunds, orders = data["refunds"], data["orders"]
    closed = orders.loc[(orders["订单状态"] == "交易关闭") & (orders["订单关闭原因"] == CLOSE_AFTER_PAY)]
    assert len(closed) >= 100
    done = refunds.loc[refunds["退款状态"] == "退款成功"].groupby("订单编号")["退款金额"].sum()
    assert closed.index.isin(done.index).all()
    assert np.allclose(done.reindex(closed.index).to_numpy(), closed["买家实际支付金额"].to_numpy(), atol=0.005)
    # Refunds on orders that stayed open never give back the whole payment.
    other = done.loc[~done.index.isin(closed.index)]
    status = orders.loc[other.index, "订单状态"]
    assert (status == "交易成功").all()
    assert (other.to_numpy() < orders.loc[other.index, "买家实际支付金额"].to_numpy()).all()


def test_refund_values_and_open_requests(data):
    refunds = data["refunds"]
    assert set(refunds["退款类型"]) == set(REFUND_TYPES)
    assert set(refunds["退款状态"]) == set(REFUND_STATES)
    open_ = refunds["退款状态"].isin(["处理中", "平台介入中"])
    assert refunds.loc[open_, "处理时长小时"].isna().all() and refunds.loc[open_, "完结时间"].isna().all()
    assert refunds.loc[~open_, "处理时长小时"].notna().all()
    hours = (refunds["完结时间"] - refunds["申请时间"]).dt.total_seconds() / 3600
    assert np.allclose(hours[~open_], refunds.loc[~open_, "处理时长小时"].astype(float), atol=0.006)
    assert (refunds.loc[refunds["退款类型"] == "换货", "退款金额"] == 0).all()
    assert (refunds.loc[refunds["退款状态"] == "平台介入中", "是否平台介入"] == "是").all()
    assert (refunds["是否平台介入"] == "是").sum() >= 10


def test_every_refunded_order_has_an_after_sale_chat_with_its_agent(data):
    refunds, chats = data["refunds"], data["chats"]
    talks = chats.loc[chats["咨询类型"] == "退款售后"]
    first = refunds.drop_duplicates("订单编号").set_index("订单编号")
    talk = talks.set_index("关联订单编号").loc[first.index]
    assert (talk["客服子账号"].to_numpy() == first["处理客服"].to_numpy()).all()
    assert (talk["开始时间"].to_numpy() <= first["申请时间"].to_numpy()).all()


def digest(student: str | None, names: list[str]) -> dict[str, str]:
    return {n: hashlib.sha256(datasets.csv_bytes(df)).hexdigest()
            for n, df in datasets.generate(student, tables=names).items()}


def test_deterministic_per_student_and_independent_of_other_tables():
    both = digest("20230101", ["chats", "refunds"])
    assert both == digest("20230101", ["chats", "refunds"])
    assert digest("20230101", ["refunds"])["refunds"] == both["refunds"]
    assert digest("20230101", ["chats", "orders", "traffic"])["chats"] == both["chats"]
    assert digest("20230102", ["chats"])["chats"] != both["chats"]
    assert digest(None, ["refunds"])["refunds"] != both["refunds"]
