"""Turn the generated arrays into the export-shaped tables ``orders``, ``order_items`` and ``orders_raw``.

The messy parts live here, each in one function, so the data dictionary can point at them.
"""

from __future__ import annotations

from dataclasses import dataclass

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
from datasets.names import labels, mask_mobile
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


@dataclass
class OrderExport:
    """The ``orders`` table while it is being built: one array per export column (rows in the export's
    order), plus the epoch seconds behind 订单创建时间 and 订单付款时间 (-1: not paid), so that later steps
    never parse the text back. Arrays, not a DataFrame: every step is a cheap numpy operation."""

    cols: dict[str, np.ndarray]
    created: np.ndarray
    paid: np.ndarray

    def take(self, rows: np.ndarray) -> OrderExport:
        return OrderExport({c: v[rows] for c, v in self.cols.items()}, self.created[rows], self.paid[rows])

    def frame(self) -> pd.DataFrame:
        """The ``orders`` DataFrame (columns in the export's order)."""
        return pd.DataFrame({c: self.cols[c] for c in ORDER_COLUMNS})


def order_frame(o: Orders, people: People, rng: np.random.Generator, n_test: int,
                items: bool = True) -> tuple[OrderExport, pd.DataFrame | None, np.ndarray]:
    """(orders without export duplicates, order_items (None unless ``items``), 订单编号 per order of ``o``), both
    tables newest first."""
    n = len(o.buyer)
    store = labels(o.store_tmall, STORE_TAOBAO, STORE_TMALL)
    cols: dict[str, np.ndarray] = {
        "买家会员名": people.nick[o.buyer],
        "买家支付宝账号": mask_mobile(people.phone[o.buyer]),
        "买家应付货款": _money(o.goods),
        "买家应付邮费": _money(o.postage),
        "总金额": _money(o.goods + o.postage),
        "返点积分": np.where(o.store_tmall & (o.status == 3), o.actual // 100, 0).astype(np.int64),
        "买家实际支付金额": _money(o.actual),
        "订单状态": np.array(ST_CODES, dtype=object)[o.status],
        "买家留言": o.buyer_note,
        "收货人姓名": o.receiver,
        ADDRESS_COL: o.address,
        "运送方式": np.full(n, "快递", dtype=object),
        "联系电话": np.full(n, None, dtype=object),
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
        "是否手机订单": labels(o.mobile, "否", "是"),
    }
    # Staff test orders: 0.01 元, paid, 交易成功, no parcel, from the Taobao store.
    t_created = PERIOD_START_S + rng.integers(0, EXPORT_S - PERIOD_START_S - 86_400, n_test)
    test = {
        "买家会员名": np.array(TEST_ACCOUNTS, dtype=object)[np.arange(n_test) % len(TEST_ACCOUNTS)],
        "买家支付宝账号": mask_mobile(np.array(["13800000000"] * n_test, dtype=object)),
        "买家应付货款": np.full(n_test, 0.01), "买家应付邮费": np.zeros(n_test),
        "总金额": np.full(n_test, 0.01), "返点积分": np.zeros(n_test, np.int64), "买家实际支付金额": np.full(n_test, 0.01),
        "订单状态": np.full(n_test, ST_CODES[3], dtype=object),
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
    paid = np.where(both[PAID_COL] >= 0, both[PAID_COL], -1)
    # Export order: newest first; ids grow with time, so an id also tells which order came first.
    newest_first = np.lexsort((-np.arange(total), -created))
    rank = np.empty(total, dtype=np.int64)
    rank[np.lexsort((np.arange(total), created))] = np.arange(total, dtype=np.int64)
    ids = 2_600_000_000_000_000_000 + rank * 10_000_000_000 + rng.integers(0, 10_000_000_000, total)
    both["订单编号"] = ids
    both["店铺Id"] = np.where(both["店铺名称"] == STORE_TMALL, np.int64(STORE_IDS[STORE_TMALL]),
                            np.int64(STORE_IDS[STORE_TAOBAO]))  # int64: the id overflows wasm32's default int
    out = {c: v[newest_first] for c, v in both.items() if c not in ("订单创建时间", PAID_COL)}
    export = OrderExport(out, created[newest_first], paid[newest_first])
    out["订单创建时间"] = format_times(export.created)
    out[PAID_COL] = format_times(export.paid)
    # Columns the shop never fills in: the same value on every row.
    for col in ("买家支付积分", "买家实际支付积分"):
        out[col] = np.zeros(total, dtype=np.int64)
    for col in ("卖家服务费", "买家服务费", "天猫卡券抵扣", "集分宝抵扣"):
        out[col] = np.zeros(total)
    for col in ("分阶段订单信息", "特权订金订单id", "定金排名", "修改后的sku", "修改后的收货地址", "异常信息"):
        out[col] = np.full(total, None, dtype=object)
    out["是否是O2O交易"] = np.full(total, "否", dtype=object)

    if not items:
        return export, None, ids[:n]
    # order_items: real lines, then one line per test order; same order as the orders.
    m = len(o.line_order)
    line_owner = np.concatenate([o.line_order, np.arange(n, total, dtype=np.int64)])
    pos = np.empty(total, dtype=np.int64)
    pos[newest_first] = np.arange(total, dtype=np.int64)
    rows = np.lexsort((np.arange(m + n_test), pos[line_owner]))
    lines = pd.DataFrame({
        "订单编号": ids[line_owner[rows]],
        "标题": np.concatenate([CATALOG.title[o.line_product], np.full(n_test, TEST_TITLE, dtype=object)])[rows],
        "价格": np.concatenate([_money(CATALOG.price_cents[o.line_product]), np.full(n_test, 0.01)])[rows],
        "购买数量": np.concatenate([o.line_qty, np.ones(n_test, np.int64)])[rows],
        "商品属性": np.concatenate([CATALOG.options[o.line_option], np.full(n_test, None, dtype=object)])[rows],
        "订单状态": both["订单状态"][line_owner[rows]],
        "商家编码": np.concatenate([CATALOG.code[o.line_product], np.full(n_test, "TEST-001", dtype=object)])[rows],
    })
    return export, lines, ids[:n]


def add_full_width(orders: OrderExport, rng: np.random.Generator) -> OrderExport:
    """Mess: a few 收货人姓名 typed with a full-width space (王　芳) and addresses with full-width digits."""
    cols = dict(orders.cols)
    n = len(orders.created)
    real = cols["收货人姓名"] != "测试"
    name_mask = real & (rng.random(n) < 0.015)
    names = cols["收货人姓名"].copy()
    names[name_mask] = [s[:1] + "\u3000" + s[1:] for s in names[name_mask]]
    cols["收货人姓名"] = names
    addr_mask = real & (rng.random(n) < 0.01)
    addr = cols[ADDRESS_COL].copy()
    addr[addr_mask] = [s.translate(_FULL_WIDTH_DIGITS) for s in addr[addr_mask]]
    cols[ADDRESS_COL] = addr
    return OrderExport(cols, orders.created, orders.paid)


def add_duplicates(orders: OrderExport, rng: np.random.Generator, rate: float) -> OrderExport:
    """Mess: about ``rate`` of the orders repeated on the next line (overlapping export pages)."""
    n = len(orders.created)
    twice = rng.random(n) < rate
    return orders.take(np.repeat(np.arange(n, dtype=np.int64), 1 + twice.astype(np.intp)))


_CENTS_TEXT = np.array([f".{c:02d}" for c in range(100)], dtype=object)


def _amount_text(values: np.ndarray, thousands: bool, suffix: str = "", where: np.ndarray | None = None) -> np.ndarray:
    """``f"{v:.2f}"`` (``f"{v:,.2f}"`` with ``thousands``) of every amount, followed by ``suffix`` on the rows
    of ``where`` (every row when None), as an object array.

    Amounts are whole 分 (v == c / 100), so the text is the 元 part, formatted once per distinct value,
    joined to one of the 100 possible 分 parts: the same characters as formatting each float.
    """
    where = np.ones(len(values), dtype=bool) if where is None else where
    spec, yuan_spec = (",.2f", ",") if thousands else (".2f", "")
    cents = np.rint(values * 100) if np.isfinite(values).all() else np.full(len(values), -1.0)
    if not ((cents >= 0) & (cents < 2.0**53)).all() or np.signbit(values).any() or not np.array_equal(cents / 100, values):
        # Not plain 分 amounts: format every value.
        return np.array([format(v, spec) for v in values.tolist()], dtype=object) + labels(where, "", suffix)
    cents = cents.astype(np.int64)
    yuan = cents // 100
    lo, hi = (int(yuan.min()), int(yuan.max())) if len(yuan) else (0, 0)
    if hi - lo <= 4 * len(yuan) + 1_000:  # a dense range (prices): a table indexed by the 元 value, no sorting
        present = np.zeros(hi - lo + 1, dtype=bool)
        present[yuan - lo] = True
        distinct = np.flatnonzero(present) + lo
        table = np.empty(hi - lo + 1, dtype=object)
        table[distinct - lo] = [format(y, yuan_spec) for y in distinct.tolist()]
        yuan_text = table[yuan - lo]
    else:
        distinct, at = np.unique(yuan, return_inverse=True)
        yuan_text = np.array([format(y, yuan_spec) for y in distinct.tolist()], dtype=object)[at.reshape(-1)]
    fraction = np.concatenate([_CENTS_TEXT, _CENTS_TEXT + suffix])  # .00 … .99, then with the suffix
    return yuan_text + fraction[cents % 100 + 100 * where.astype(np.int64)]


def raw_frame(orders: OrderExport) -> pd.DataFrame:
    """``orders_raw``: the same rows, as two stores' exports pasted into one sheet and saved again.

    Tmall block first (dates ``2025-11-11 00:03:12``, 买家实际支付金额 ``1,288.00``), two empty rows,
    Taobao block (dates ``2025/11/11 0:03:12``, 买家实际支付金额 ``68.00元``), one empty row at the end.
    Every column is text (object): numbers stay as numbers in it, the empty rows hold None.
    """
    cols = orders.cols
    tmall = cols["店铺名称"] == STORE_TMALL
    taobao = ~tmall
    n_tmall = int(tmall.sum())
    # Where each export row lands in the sheet (each block keeps the export's order).
    dest = np.where(tmall, np.cumsum(tmall) - 1, n_tmall + 1 + np.cumsum(taobao))
    size = len(tmall) + 3
    text = {
        "买家实际支付金额": _amount_text(cols["买家实际支付金额"], True, "元", where=taobao),
        "总金额": _amount_text(cols["总金额"], False),
    }
    out = {}
    for c in RAW_COLUMNS:
        column = np.full(size, None, dtype=object)
        column[dest] = text.get(c, cols[c])
        out[c] = column
    # The Taobao block was saved again by Excel/WPS: its times lost their zero padding.
    at = dest[taobao]
    out["订单创建时间"][at] = format_times_excel(orders.created[taobao])
    out[PAID_COL][at] = format_times_excel(orders.paid[taobao])
    return pd.DataFrame(out)
