"""Turn the generated arrays into the export-shaped tables ``orders``, ``order_items`` and ``orders_raw``.

The messy parts live here, each in one function, so the data dictionary can point at them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from datasets.catalog import CATALOG
from datasets.constants import (
    STORE_IDS,
    STORE_TAOBAO,
    STORE_TMALL,
    TEST_ACCOUNTS,
    TEST_TITLE,
)
from datasets.names import mask_mobile
from datasets.orders import ST_CODES, Orders
from datasets.people import People
from datasets.timeline import EXPORT_S, PERIOD_START_S, format_times, format_times_excel

ADDRESS_COL = "收货地址 "
PAID_COL = "订单付款时间 "
"""Two headers carry a trailing space, exactly as in real Tmall exports."""

ORDER_COLUMNS = (
    "订单编号", "买家会员名", "买家支付宝账号", "买家应付货款", "买家应付邮费", "买家支付积分", "总金额", "返点积分",
    "买家实际支付金额", "买家实际支付积分", "订单状态", "买家留言", "收货人姓名", ADDRESS_COL, "运送方式", "联系电话",
    "联系手机", "订单创建时间", PAID_COL, "宝贝标题", "宝贝种类", "物流单号", "物流公司", "订单备注", "宝贝总数量",
    "店铺Id", "店铺名称", "订单关闭原因", "卖家服务费", "买家服务费", "发票抬头", "是否手机订单", "分阶段订单信息",
    "特权订金订单id", "定金排名", "修改后的sku", "修改后的收货地址", "异常信息", "天猫卡券抵扣", "集分宝抵扣",
    "是否是O2O交易",
)
RAW_COLUMNS = ("订单编号", "买家会员名", "收货人姓名", "联系手机", ADDRESS_COL, "订单状态", "总金额", "买家实际支付金额",
               "订单创建时间", PAID_COL, "宝贝标题", "宝贝总数量", "店铺名称")
_FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def _money(cents: np.ndarray) -> np.ndarray:
    return np.asarray(cents, dtype=np.int64) / 100


def order_frame(o: Orders, people: People, rng: np.random.Generator,
                n_test: int) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """(orders without export duplicates, order_items, 订单编号 per order of ``o``), both tables newest first."""
    n = len(o.buyer)
    store = np.where(o.store_tmall, STORE_TMALL, STORE_TAOBAO).astype(object)
    empty = np.full(n, None, dtype=object)
    zeros = np.zeros(n)
    cols: dict[str, np.ndarray] = {
        "买家会员名": people.nick[o.buyer],
        "买家支付宝账号": mask_mobile(people.phone[o.buyer]),
        "买家应付货款": _money(o.goods),
        "买家应付邮费": _money(o.postage),
        "买家支付积分": np.zeros(n, dtype=np.int64),
        "总金额": _money(o.goods + o.postage),
        "返点积分": np.where(o.store_tmall & (o.status == 3), o.actual // 100, 0).astype(np.int64),
        "买家实际支付金额": _money(o.actual),
        "买家实际支付积分": np.zeros(n, dtype=np.int64),
        "订单状态": np.array(ST_CODES, dtype=object)[o.status],
        "买家留言": o.buyer_note,
        "收货人姓名": o.receiver,
        ADDRESS_COL: o.address,
        "运送方式": np.full(n, "快递", dtype=object),
        "联系电话": empty,
        "联系手机": mask_mobile(o.receiver_phone),
        "订单创建时间": o.created,
        PAID_COL: o.paid,
        "宝贝标题": o.title,
        "宝贝种类": o.kinds,
        "物流单号": o.tracking,
        "物流公司": o.carrier,
        "订单备注": o.seller_note,
        "宝贝总数量": o.quantity,
        "店铺名称": store,
        "订单关闭原因": o.close_reason,
        "发票抬头": o.invoice,
        "是否手机订单": np.where(o.mobile, "是", "否").astype(object),
    }
    # Staff test orders: 0.01 元, paid, 交易成功, no parcel, from the Taobao store.
    t_created = PERIOD_START_S + rng.integers(0, EXPORT_S - PERIOD_START_S - 86_400, n_test)
    test = {
        "买家会员名": np.array(TEST_ACCOUNTS, dtype=object)[np.arange(n_test) % len(TEST_ACCOUNTS)],
        "买家支付宝账号": mask_mobile(np.array(["13800000000"] * n_test, dtype=object)),
        "买家应付货款": np.full(n_test, 0.01), "买家应付邮费": np.zeros(n_test), "买家支付积分": np.zeros(n_test, np.int64),
        "总金额": np.full(n_test, 0.01), "返点积分": np.zeros(n_test, np.int64), "买家实际支付金额": np.full(n_test, 0.01),
        "买家实际支付积分": np.zeros(n_test, np.int64), "订单状态": np.full(n_test, ST_CODES[3], dtype=object),
        "买家留言": np.full(n_test, "测试", dtype=object), "收货人姓名": np.full(n_test, "测试", dtype=object),
        ADDRESS_COL: np.full(n_test, "浙江省 杭州市 余杭区 仓前街道吃货美食团仓库", dtype=object),
        "运送方式": np.full(n_test, "无需物流", dtype=object), "联系电话": np.full(n_test, None, dtype=object),
        "联系手机": np.full(n_test, "138****0000", dtype=object),
        "订单创建时间": t_created, PAID_COL: t_created + 30,
        "宝贝标题": np.full(n_test, TEST_TITLE, dtype=object), "宝贝种类": np.ones(n_test, np.int64),
        "物流单号": np.full(n_test, None, dtype=object), "物流公司": np.full(n_test, None, dtype=object),
        "订单备注": np.full(n_test, "店铺测试单", dtype=object), "宝贝总数量": np.ones(n_test, np.int64),
        "店铺名称": np.full(n_test, STORE_TAOBAO, dtype=object),
        "订单关闭原因": np.full(n_test, None, dtype=object), "发票抬头": np.full(n_test, None, dtype=object),
        "是否手机订单": np.full(n_test, "否", dtype=object),
    }
    both = {k: np.concatenate([v, test[k]]) for k, v in cols.items()}
    total = n + n_test
    created = both["订单创建时间"]
    # Export order: newest first; ids grow with time, so an id also tells which order came first.
    newest_first = np.lexsort((-np.arange(total), -created))
    rank = np.empty(total, dtype=np.int64)
    rank[np.lexsort((np.arange(total), created))] = np.arange(total, dtype=np.int64)
    ids = 2_600_000_000_000_000_000 + rank * 10_000_000_000 + rng.integers(0, 10_000_000_000, total)
    both["订单编号"] = ids
    both["店铺Id"] = np.where(both["店铺名称"] == STORE_TMALL, np.int64(STORE_IDS[STORE_TMALL]),
                            np.int64(STORE_IDS[STORE_TAOBAO]))  # int64: the id overflows wasm32's default int
    both["订单创建时间"] = format_times(created)
    both[PAID_COL] = format_times(np.where(both[PAID_COL] >= 0, both[PAID_COL], -1))
    zero_t = np.zeros(total)
    for col in ("卖家服务费", "买家服务费", "天猫卡券抵扣", "集分宝抵扣"):
        both[col] = zero_t
    for col in ("分阶段订单信息", "特权订金订单id", "定金排名", "修改后的sku", "修改后的收货地址", "异常信息"):
        both[col] = np.full(total, None, dtype=object)
    both["是否是O2O交易"] = np.full(total, "否", dtype=object)
    _ = zeros, empty
    orders = pd.DataFrame({c: both[c] for c in ORDER_COLUMNS}).take(newest_first).reset_index(drop=True)

    # order_items: real lines, then one line per test order; same order as the orders.
    m = len(o.line_order)
    items = pd.DataFrame({
        "订单编号": np.concatenate([ids[o.line_order], ids[n:]]),
        "标题": np.concatenate([CATALOG.title[o.line_product], np.full(n_test, TEST_TITLE, dtype=object)]),
        "价格": np.concatenate([_money(CATALOG.price_cents[o.line_product]), np.full(n_test, 0.01)]),
        "购买数量": np.concatenate([o.line_qty, np.ones(n_test, np.int64)]),
        "商品属性": np.concatenate([CATALOG.options[o.line_option], np.full(n_test, None, dtype=object)]),
        "订单状态": np.concatenate([both["订单状态"][o.line_order], both["订单状态"][n:]]),
        "商家编码": np.concatenate([CATALOG.code[o.line_product], np.full(n_test, "TEST-001", dtype=object)]),
    })
    line_owner = np.concatenate([o.line_order, np.arange(n, total, dtype=np.int64)])
    pos = np.empty(total, dtype=np.int64)
    pos[newest_first] = np.arange(total, dtype=np.int64)
    items = items.take(np.lexsort((np.arange(m + n_test), pos[line_owner]))).reset_index(drop=True)
    return orders, items, ids[:n]


def add_full_width(orders: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Mess: a few 收货人姓名 typed with a full-width space (王　芳) and addresses with full-width digits."""
    n = len(orders)
    out = orders.copy()
    real = (out["收货人姓名"] != "测试").to_numpy()
    name_mask = real & (rng.random(n) < 0.015)
    names = out["收货人姓名"].to_numpy(dtype=object)
    names[name_mask] = [s[:1] + "\u3000" + s[1:] for s in names[name_mask]]
    out["收货人姓名"] = names
    addr_mask = real & (rng.random(n) < 0.01)
    addr = out[ADDRESS_COL].to_numpy(dtype=object)
    addr[addr_mask] = [s.translate(_FULL_WIDTH_DIGITS) for s in addr[addr_mask]]
    out[ADDRESS_COL] = addr
    return out


def add_duplicates(orders: pd.DataFrame, rng: np.random.Generator, rate: float) -> pd.DataFrame:
    """Mess: about ``rate`` of the orders repeated on the next line (overlapping export pages)."""
    twice = rng.random(len(orders)) < rate
    rows = np.repeat(np.arange(len(orders), dtype=np.int64), 1 + twice.astype(np.intp))
    return orders.take(rows).reset_index(drop=True)


def _money_text(values: np.ndarray, suffix: str) -> np.ndarray:
    return np.array([f"{v:,.2f}{suffix}" for v in values.tolist()], dtype=object)


def raw_frame(orders: pd.DataFrame) -> pd.DataFrame:
    """``orders_raw``: the same rows, as two stores' exports pasted into one sheet and saved again.

    Tmall block first (dates ``2025-11-11 00:03:12``, 买家实际支付金额 ``1,288.00``), two empty rows,
    Taobao block (dates ``2025/11/11 0:03:12``, 买家实际支付金额 ``68.00元``), one empty row at the end.
    """
    raw = orders.loc[:, list(RAW_COLUMNS)].copy()
    tmall = (raw["店铺名称"] == STORE_TMALL).to_numpy()
    blocks = []
    for mask, excel, suffix in ((tmall, False, ""), (~tmall, True, "元")):
        part = raw.loc[mask].copy()
        part["买家实际支付金额"] = _money_text(part["买家实际支付金额"].to_numpy(), suffix)
        part["总金额"] = np.array([f"{v:.2f}" for v in part["总金额"].tolist()], dtype=object)
        if excel:
            for col in ("订单创建时间", PAID_COL):
                text = part[col].to_numpy(dtype=object)
                has = pd.notna(text)
                secs = np.full(len(text), -1, dtype=np.int64)
                if has.any():
                    secs[has] = (pd.to_datetime(pd.Series(text[has]), format="%Y-%m-%d %H:%M:%S")
                                 .to_numpy().astype("datetime64[s]").astype(np.int64))
                part[col] = format_times_excel(secs)
        blocks.append(part)
    blank = pd.DataFrame({c: [None, None] for c in RAW_COLUMNS})
    return pd.concat([blocks[0], blank, blocks[1], blank.iloc[:1]], ignore_index=True)
