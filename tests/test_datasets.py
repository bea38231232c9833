"""The generator's contract: columns, determinism, variants, consistency between tables, the documented mess."""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata

import numpy as np
import pandas as pd
import pytest

import datasets
from datasets.constants import (
    CLOSE_AFTER_PAY,
    CLOSE_BEFORE_PAY,
    STATUSES,
    STORES,
    TEST_ACCOUNTS,
    TEST_TITLE,
)
from datasets.stats import clean_orders, sales

# domain-notes §5, in order; two headers carry a trailing space as in real Tmall exports.
ORDER_COLUMNS = [
    "订单编号", "买家会员名", "买家支付宝账号", "买家应付货款", "买家应付邮费", "买家支付积分", "总金额", "返点积分",
    "买家实际支付金额", "买家实际支付积分", "订单状态", "买家留言", "收货人姓名", "收货地址 ", "运送方式", "联系电话",
    "联系手机", "订单创建时间", "订单付款时间 ", "宝贝标题", "宝贝种类", "物流单号", "物流公司", "订单备注", "宝贝总数量",
    "店铺Id", "店铺名称", "订单关闭原因", "卖家服务费", "买家服务费", "发票抬头", "是否手机订单", "分阶段订单信息",
    "特权订金订单id", "定金排名", "修改后的sku", "修改后的收货地址", "异常信息", "天猫卡券抵扣", "集分宝抵扣",
    "是否是O2O交易",
]
MASKED = re.compile(r"^1\d{2}\*{4}\d{4}$")


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return datasets.generate()


@pytest.fixture(scope="module")
def csv_dir(tables, tmp_path_factory):
    out = tmp_path_factory.mktemp("data")
    datasets.write_csvs(tables, out)
    return out


def read(csv_dir, name: str, **kw) -> pd.DataFrame:
    return pd.read_csv(csv_dir / f"{name}.csv", **kw)


def digest(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    return {name: hashlib.sha256(datasets.csv_bytes(df)).hexdigest() for name, df in tables.items()}


# --- seeds -------------------------------------------------------------------------------------------


def test_seed_normalises_the_student_number():
    assert datasets.seed_for("20230101") == datasets.seed_for(" ２０２３０１０１\u3000")
    assert datasets.seed_for(None) == datasets.seed_for("") == datasets.seed_for("   ")
    assert datasets.seed_for("20230101") != datasets.seed_for("20230102")
    assert datasets.seed_for("20230101") != datasets.seed_for(None)


def test_seed_is_pinned():
    # sha256-based, so the same on every runtime; a change here changes every student's data.
    assert datasets.seed_for(None) == int.from_bytes(
        hashlib.sha256(b"chihuo-meishituan/2025-2026|default").digest()[:8], "big")
    assert 0 <= datasets.seed_for("x") < 2**64


# --- determinism and variants -------------------------------------------------------------------------


def test_same_seed_gives_identical_bytes(tables):
    again = datasets.generate(student=None)
    assert digest(again) == digest(tables)


def test_write_csvs_writes_utf8_bom_files(tables, csv_dir):
    assert sorted(p.name for p in csv_dir.iterdir()) == sorted(f"{n}.csv" for n in datasets.TABLES)
    for name, df in tables.items():
        raw = (csv_dir / f"{name}.csv").read_bytes()
        assert raw == datasets.csv_bytes(df)
        assert raw.startswith(b"\xef\xbb\xbf")
        assert b"\r\n" not in raw
        assert list(pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", nrows=0).columns) == list(df.columns)


def test_student_variant_is_deterministic_and_differs():
    a = datasets.generate("20230101")
    b = datasets.generate("２０２３０１０１")
    c = datasets.generate("20230102")
    d = datasets.generate(None)
    assert digest(a) == digest(b)
    for other in (c, d):
        for name in ("orders", "order_items", "customers", "sms_log", "traffic", "orders_raw"):
            assert digest(a)[name] != digest(other)[name], name
        # not just shuffled: other buyers, other totals
        assert set(a["customers"]["买家会员名"]) != set(other["customers"]["买家会员名"])
        assert clean_orders(a["orders"])["买家实际支付金额"].sum() != clean_orders(other["orders"])["买家实际支付金额"].sum()


def test_variants_move_the_proportions():
    from datasets.stats import shape

    shares = [shape(datasets.generate(s, n_orders=3000)).repeat_share for s in ("a1", "a2", "a3", "a4")]
    assert max(shares) - min(shares) > 0.02


def test_table_filter_gives_the_same_tables(tables):
    some = datasets.generate(tables=["orders", "sms_log"])
    assert list(some) == ["orders", "sms_log"]
    assert digest(some) == {k: digest(tables)[k] for k in some}


def test_size_option():
    small = datasets.generate(n_orders=2000)
    assert small["orders"]["订单编号"].nunique() == 2000
    assert 700 <= len(small["customers"]) <= 900


@pytest.mark.parametrize(("kwargs", "fragment"), [
    ({"n_orders": 10}, "订单数 10 不在允许范围内"),
    ({"tables": ["orders", "ordres"]}, "没有名为 ordres 的数据表"),
])
def test_bad_arguments_say_what_to_do(kwargs, fragment):
    with pytest.raises(datasets.DatasetError) as err:
        datasets.generate(**kwargs)
    assert fragment in str(err.value)
    assert "\n" not in str(err.value)


# --- the orders export ------------------------------------------------------------------------------


def test_orders_has_the_41_export_columns_in_order(tables, csv_dir):
    assert list(tables["orders"].columns) == ORDER_COLUMNS
    assert list(read(csv_dir, "orders", nrows=0).columns) == ORDER_COLUMNS


def test_status_strings_and_stores(tables):
    o = tables["orders"]
    assert set(o["订单状态"]) == set(STATUSES)
    assert "买家已付款，等待卖家发货" in set(o["订单状态"])  # full-width comma
    assert set(o["店铺名称"]) == set(STORES)
    assert set(o["订单关闭原因"].dropna()) == {CLOSE_AFTER_PAY, CLOSE_BEFORE_PAY}


def test_payment_fields_follow_the_status(csv_dir):
    o = read(csv_dir, "orders").drop_duplicates("订单编号")
    paid_time = o["订单付款时间 "].notna()
    unpaid = o["订单状态"].isin(["等待买家付款", "交易被淘宝关闭"]) | (o["订单关闭原因"] == CLOSE_BEFORE_PAY)
    assert not paid_time[unpaid].any()
    assert (o.loc[unpaid, "买家实际支付金额"] == 0).all()
    assert paid_time[~unpaid].all()
    assert (o.loc[~unpaid, "买家实际支付金额"] > 0).all()
    refunded = o["订单关闭原因"] == CLOSE_AFTER_PAY
    assert refunded.sum() > 100 and (o.loc[refunded, "订单状态"] == "交易关闭").all()
    shipped = o["订单状态"].isin(["卖家已发货，等待买家确认"])
    assert o.loc[shipped, "物流单号"].notna().all()
    assert o.loc[o["订单状态"] == "等待买家付款", "物流单号"].isna().all()
    created = pd.to_datetime(o["订单创建时间"], format="%Y-%m-%d %H:%M:%S")
    paid = pd.to_datetime(o["订单付款时间 "], format="%Y-%m-%d %H:%M:%S")
    assert (paid[paid_time] >= created[paid_time]).all()
    assert created.min() >= pd.Timestamp(datasets.PERIOD_START)
    assert paid.max() < pd.Timestamp(datasets.REFERENCE_DATE)


def test_amounts_add_up(csv_dir):
    o = read(csv_dir, "orders").drop_duplicates("订单编号").set_index("订单编号")
    items = read(csv_dir, "order_items")
    items["小计"] = (items["价格"] * 100).round() * items["购买数量"]
    per = items.groupby("订单编号").agg(货款=("小计", "sum"), 种类=("标题", "size"), 数量=("购买数量", "sum"))
    per = per.reindex(o.index)
    assert per["种类"].notna().all()
    assert np.array_equal((o["买家应付货款"] * 100).round(), per["货款"])
    assert (o["宝贝种类"] == per["种类"]).all()
    assert (o["宝贝总数量"] == per["数量"]).all()
    assert np.allclose(o["总金额"], o["买家应付货款"] + o["买家应付邮费"])
    paid = o["买家实际支付金额"] > 0
    assert (o.loc[paid, "买家实际支付金额"] <= o.loc[paid, "总金额"] + 1e-9).all()
    assert (o["订单状态"] == items.drop_duplicates("订单编号").set_index("订单编号").loc[o.index, "订单状态"]).all()


def test_phones_are_masked_in_the_export(tables):
    o = tables["orders"]
    assert o["联系手机"].map(lambda s: bool(MASKED.match(s))).all()
    assert o["买家支付宝账号"].map(lambda s: bool(MASKED.match(s))).all()
    text = datasets.csv_bytes(o).decode("utf-8")
    assert re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", text) is None  # no unmasked mobile anywhere
    phones = tables["customers"]["手机号"]
    assert phones.str.fullmatch(r"1[3-9]\d{9}").all()
    assert tables["sms_log"]["手机号"].map(lambda s: bool(MASKED.match(s))).all()


def test_a_buyer_is_one_customer(tables):
    c = tables["customers"]
    nicks = c["买家会员名"]
    assert nicks.is_unique
    folded = nicks.map(lambda s: unicodedata.normalize("NFKC", s).strip().lower())
    assert folded.is_unique  # a grader that normalises names never merges two buyers
    buyers = set(tables["orders"]["买家会员名"]) - set(TEST_ACCOUNTS)
    assert buyers == set(nicks)
    assert set(c["是否订阅短信"]) == {"是", "否"}
    assert set(c["性别"]) <= {"男", "女", "未知"}


# --- the documented mess -----------------------------------------------------------------------------


def test_orders_mess_is_there_and_cleanable(tables):
    o = tables["orders"]
    dup = o["订单编号"].duplicated(keep=False)
    assert 0.004 < o["订单编号"].duplicated().mean() < 0.02
    assert o.loc[dup].duplicated(keep=False).all()  # repeated rows are identical
    tests = o.loc[o["宝贝标题"] == TEST_TITLE].drop_duplicates("订单编号")
    assert 4 <= len(tests) <= 8
    assert (tests["买家实际支付金额"] == 0.01).all() and set(tests["买家会员名"]) <= set(TEST_ACCOUNTS)
    assert (tests["订单状态"] == "交易成功").all()
    assert o["收货人姓名"].str.contains("\u3000").sum() > 20
    assert o["收货地址 "].str.contains("[０-９]").sum() > 20
    cleaned = clean_orders(o)
    assert cleaned["订单编号"].is_unique and TEST_TITLE not in set(cleaned["宝贝标题"])


def test_boundary_buyers_at_exactly_40(tables):
    per = sales(tables["orders"])
    at_line = per[(per["成交订单数"] == 2) & (per["成交金额"].round(2) == 40.0)]
    assert 1 <= len(at_line) <= 3


def test_orders_raw_cleans_to_the_same_orders(tables, csv_dir):
    raw_text = (csv_dir / "orders_raw.csv").read_text(encoding="utf-8-sig")
    assert "元" in raw_text and re.search(r'"\d{1,3}(,\d{3})+\.\d\d元?"', raw_text)
    raw = read(csv_dir, "orders_raw", dtype={"订单编号": str})
    assert raw.isna().all(axis=1).sum() == 3
    raw = raw.dropna(how="all")
    created = raw["订单创建时间"]
    assert created.str.match(r"^\d{4}-\d\d-\d\d \d\d:").any() and created.str.match(r"^\d{4}/\d{1,2}/\d{1,2} ").any()
    with pytest.raises(ValueError):  # one format alone does not parse the column
        pd.to_datetime(created, format="%Y-%m-%d %H:%M:%S")

    raw.columns = raw.columns.str.strip()
    raw["买家实际支付金额"] = raw["买家实际支付金额"].str.replace("元", "").str.replace(",", "").astype(float)
    raw["订单创建时间"] = pd.to_datetime(raw["订单创建时间"], format="mixed")
    raw = raw.drop_duplicates("订单编号").set_index("订单编号").sort_index()

    ref = read(csv_dir, "orders", dtype={"订单编号": str}).drop_duplicates("订单编号").set_index("订单编号").sort_index()
    assert list(raw.index) == list(ref.index)
    assert np.array_equal(raw["买家实际支付金额"].to_numpy(), ref["买家实际支付金额"].to_numpy())
    assert (raw["订单创建时间"] == pd.to_datetime(ref["订单创建时间"])).all()
    assert (raw["订单状态"] == ref["订单状态"]).all()


def test_other_tables_are_clean(tables):
    for name in ("order_items", "customers", "traffic", "products"):
        df = tables[name]
        assert [c for c in df.columns if c != c.strip()] == [], name
    assert not tables["order_items"].duplicated().any()
    traffic = tables["traffic"]
    assert set(traffic["流量来源"]) == {"搜索", "直通车", "淘宝客", "微淘", "回头客", "其他"}
    assert len(traffic) == 92 * 2 * 6
    assert (traffic["访客数"] >= traffic["下单买家数"]).all() and (traffic["下单买家数"] >= 0).all()


def test_sms_log_respects_consent_and_hours(tables):
    log = tables["sms_log"]
    consent = tables["customers"].set_index("买家会员名")["是否订阅短信"]
    marketing = log[log["短信类型"] == "营销"]
    assert (consent.loc[marketing["买家会员名"]] == "是").all()
    hours = pd.to_datetime(marketing["发送时间"]).dt.hour
    assert hours.between(8, 20).all()
    assert marketing["短信内容"].str.contains("回T退订|回TD退订").all()
    length = log["短信内容"].str.len()
    assert (log["字数"] == length).all()
    assert (log["计费条数"] == np.where(length <= 70, 1, np.ceil(length / 67))).all()
    # the sms-plan exercise needs customers near the caps (6 marketing SMS in 30 days)
    jan = marketing[marketing["发送时间"] >= "2026-01-02"]
    assert (jan.groupby("买家会员名").size() >= 6).sum() > 5


def test_csv_bytes_are_pandas_to_csv(tables):
    """The fast writer prints exactly what pandas' to_csv prints (quoting, missing values, two decimals)."""
    edge = pd.DataFrame({"金额": [1.5, np.nan, -2.345], "文字": ["x,y", 'q"z', None], "整数": [1, 2, 3],
                         "真假": [True, False, True], "混合": [np.nan, "w\nv", 3]})
    for df in [*tables.values(), edge, edge.iloc[:0]]:
        expected = ("\ufeff" + df.to_csv(index=False, lineterminator="\n", float_format="%.2f")).encode("utf-8")
        assert datasets.csv_bytes(df) == expected


def test_wechat_members_joined_after_their_first_order(tables):
    c = tables["customers"].set_index("买家会员名")
    members = c["是否加入微信群"] == "是"
    assert 0.1 < members.mean() < 0.5
    assert c.loc[~members, "微信入群时间"].isna().all()
    joined = pd.to_datetime(c.loc[members, "微信入群时间"], format="%Y-%m-%d %H:%M:%S")
    first = pd.to_datetime(tables["orders"].groupby("买家会员名")["订单创建时间"].min()).reindex(joined.index)
    assert (joined > first).all()
    assert joined.max() < pd.Timestamp(datasets.EXPORT_TIME)
    assert joined.dt.hour.between(9, 22).all()


@pytest.mark.parametrize("student", ["张三", "a" * 300, "😀 2023", "None", "0", "２０２３-０１", 20230101])
def test_any_student_id_gives_a_usable_variant(student):
    from datasets.stats import solvability_problems

    got = datasets.generate(student, tables=["orders", "customers"])
    assert solvability_problems(got) == []
    assert datasets.seed_for(student) == datasets.seed_for(str(student))
