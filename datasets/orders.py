"""Orders and their items: baskets from the catalogue, amounts in 分, statuses as seen at export time."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from datasets import geo, names
from datasets.catalog import CATALOG
from datasets.constants import (
    CLOSE_AFTER_PAY,
    CLOSE_BEFORE_PAY,
    ST_CLOSED,
    ST_CLOSED_BY_TAOBAO,
    ST_SHIPPED,
    ST_SUCCESS,
    ST_WAIT_PAY,
    ST_WAIT_SHIP,
)
from datasets.params import Params
from datasets.people import People
from datasets.timeline import DAY, EXPORT_S, HOUR, is_gift_season, sample_times

_CARRIERS = ("中通快递", "圆通速递", "韵达快递", "申通快递", "极兔速递", "顺丰速运", "邮政快递包裹")
_CARRIER_P = np.array([0.3, 0.22, 0.17, 0.1, 0.08, 0.08, 0.05])
_CARRIER_P_REMOTE = np.array([0.15, 0.1, 0.1, 0.05, 0.05, 0.1, 0.45])
_TRACK_PREFIX = ("75", "YT", "43", "77", "JT", "SF", "98")
_TRACK_DIGITS = (12, 13, 13, 13, 13, 13, 11)
_BUYER_NOTES = ("请尽快发货，谢谢", "送人的，不要放发票和价格单", "麻烦发顺丰，可以补运费", "多放点干燥剂",
                "生日礼物，包装好一点谢谢", "周末不在家，请放快递柜", "不要辣的口味", "给老人买的，麻烦开袋方便一些")
_SELLER_NOTES = ("已备注赠品：试吃装一包", "老客户，加送小零食", "催发货，优先处理", "买家改地址，已核对",
                 "礼盒，注意外包装", "已电话确认收货时间")

ST_CODES = (ST_WAIT_PAY, ST_WAIT_SHIP, ST_SHIPPED, ST_SUCCESS, ST_CLOSED, ST_CLOSED_BY_TAOBAO)
(_WAIT_PAY, _WAIT_SHIP, _SHIPPED, _SUCCESS, _CLOSED, _CLOSED_TB) = range(6)


@dataclass
class Orders:
    """Per-order arrays (index i is one order, in no particular order) and per-line item arrays."""

    buyer: np.ndarray
    created: np.ndarray
    paid: np.ndarray
    """Payment time in epoch seconds, -1 when never paid."""
    status: np.ndarray
    """Index into ``ST_CODES``."""
    close_reason: np.ndarray
    store_tmall: np.ndarray
    goods: np.ndarray
    postage: np.ndarray
    actual: np.ndarray
    """买家实际支付金额 in 分 (0 when unpaid)."""
    quantity: np.ndarray
    kinds: np.ndarray
    title: np.ndarray
    receiver: np.ndarray
    receiver_phone: np.ndarray
    address: np.ndarray
    remote: np.ndarray
    carrier: np.ndarray
    tracking: np.ndarray
    buyer_note: np.ndarray
    seller_note: np.ndarray
    mobile: np.ndarray
    invoice: np.ndarray
    ship: np.ndarray
    """Shipping time (epoch seconds), -1 when no parcel left the warehouse before the export."""
    confirm: np.ndarray
    """Receipt confirmation time (epoch seconds) of 交易成功 orders, -1 otherwise."""
    repeat_order: np.ndarray
    """True when the buyer ordered before in the period (drives the 回头客 traffic source)."""
    line_order: np.ndarray
    line_product: np.ndarray
    line_qty: np.ndarray
    line_option: np.ndarray


def _pick_products(rng: np.random.Generator, gift_season: np.ndarray, boost: float) -> np.ndarray:
    base = CATALOG.popularity.copy()
    boosted = base * np.where(CATALOG.is_gift_box, boost, 1.0)
    u = rng.random(len(gift_season))
    normal = np.searchsorted(np.cumsum(base / base.sum()), u, side="right")
    gift = np.searchsorted(np.cumsum(boosted / boosted.sum()), u, side="right")
    return np.minimum(np.where(gift_season, gift, normal), len(base) - 1).astype(np.int64)


_TRACK_PREFIX_CODES = np.array(_TRACK_PREFIX, dtype="<U2").view(np.uint32).reshape(len(_TRACK_PREFIX), 2)


def _tracking(rng: np.random.Generator, carrier: np.ndarray) -> np.ndarray:
    """物流单号: the carrier's two-character prefix, then the first 11–13 digits of a zero-padded 13-digit draw."""
    n = len(carrier)
    digits = np.array(_TRACK_DIGITS, dtype=np.int64)[carrier]
    # Code points, no Python loop: prefix, then the digits; those beyond the carrier's length become NUL,
    # which a numpy string drops at its end.
    codes = np.empty((n, 15), dtype=np.uint32)
    codes[:, :2] = _TRACK_PREFIX_CODES[carrier]
    codes[:, 2:] = names.digit_codes(rng.integers(0, 10**13, n), 13)
    codes[np.arange(15) >= 2 + digits[:, None]] = 0
    return codes.view("<U15").reshape(n).astype(object)


def make_orders(rng: np.random.Generator, people: People, p: Params) -> Orders:
    buyer = np.repeat(np.arange(len(people.nick), dtype=np.int64), people.orders.astype(np.intp))
    n = len(buyer)
    created, day = sample_times(rng, n, p.peak_1111)
    own_store = rng.random(n) < 0.86
    store_tmall = np.where(own_store, people.tmall[buyer], ~people.tmall[buyer])

    # Baskets: 1–4 distinct products, quantities 1–3; loyal buyers (4+ orders) fill bigger baskets.
    loyal = people.orders[buyer] >= 4
    lines = np.where(loyal, rng.choice(4, size=n, p=[0.38, 0.32, 0.18, 0.12]),
                     rng.choice(4, size=n, p=[0.64, 0.25, 0.08, 0.03])) + 1
    line_order = np.repeat(np.arange(n, dtype=np.int64), lines.astype(np.intp))
    line_product = _pick_products(rng, is_gift_season(day)[line_order], p.gift_box_boost)
    keep = ~pd.Series(line_order * len(CATALOG.code) + line_product).duplicated().to_numpy()  # (order, product) pairs
    line_order, line_product = line_order[keep], line_product[keep]
    m = len(line_order)
    line_qty = rng.choice(3, size=m, p=[0.78, 0.16, 0.06]).astype(np.int64) + 1
    line_qty = np.where(CATALOG.is_gift_box[line_product], np.minimum(line_qty, 2), line_qty)
    # Company 年货 purchases: a few gift-box lines of 5–20 boxes (the orders over 1 000 元).
    season_line = is_gift_season(day)[line_order]
    bulk = CATALOG.is_gift_box[line_product] & season_line & (rng.random(m) < 0.02)
    line_qty = np.where(bulk, rng.integers(5, 21, m), line_qty)
    line_option = (CATALOG.option_offset[line_product]
                   + rng.integers(0, 1 << 30, m) % CATALOG.option_count[line_product])
    line_cents = CATALOG.price_cents[line_product] * line_qty
    goods = np.bincount(line_order.astype(np.intp), weights=line_cents, minlength=n).round().astype(np.int64)
    quantity = np.bincount(line_order.astype(np.intp), weights=line_qty, minlength=n).round().astype(np.int64)
    kinds = np.bincount(line_order.astype(np.intp), minlength=n).astype(np.int64)
    first_line = np.searchsorted(line_order, np.arange(n, dtype=np.int64))
    first_title = CATALOG.title[line_product[first_line]]
    title = first_title.copy()
    several = np.flatnonzero(kinds > 1)
    if len(several):
        suffix = np.array([f"等{k}件宝贝" for k in range(int(kinds.max()) + 1)], dtype=object)
        title[several] = first_title[several] + suffix[kinds[several]]
    has_gift = np.bincount(line_order.astype(np.intp), weights=CATALOG.is_gift_box[line_product], minlength=n) > 0

    # Receiver: the buyer's own address, or a gift sent to someone else.
    gift_to_other = rng.random(n) < np.where(has_gift, 0.25, 0.05)
    g = int(gift_to_other.sum())
    other_city = geo.sample_cities(rng, g)
    receiver = people.name[buyer].copy()
    receiver_phone = people.phone[buyer].copy()
    address = people.address[buyer].copy()
    city = people.city[buyer].copy()
    receiver[gift_to_other] = names.real_names(rng, names.genders(rng, g))
    receiver_phone[gift_to_other] = names.mobiles(rng, g)
    address[gift_to_other] = geo.street_addresses(rng, other_city)
    city[gift_to_other] = other_city
    remote = geo.CITIES.remote[city]

    # Money (分): postage only to remote provinces; shop coupons; 双11 cross-store allowance.
    postage = np.where(remote, 1200, 0).astype(np.int64)
    coupon = np.select([goods >= 19_900, goods >= 9_900, goods >= 5_900], [3_000, 1_000, 500], 0)
    coupon = np.where(rng.random(n) < p.coupon_rate, coupon, 0)
    in_1111 = day <= 10
    allowance = np.where(in_1111 & (goods >= 30_000) & (rng.random(n) < 0.6), 5_000, 0)
    due = goods + postage - coupon - allowance

    # Status as seen at the export: fate first, then the clock decides how far the order got.
    fate = rng.random(n)
    unpaid = fate < p.unpaid_rate
    by_taobao = (fate >= p.unpaid_rate) & (fate < p.unpaid_rate + 0.003)
    refund = ~unpaid & ~by_taobao & (rng.random(n) < p.refund_rate)
    delay = np.select([fate < 0.8, fate < 0.95], [rng.integers(5, 300, n), rng.integers(300, HOUR, n)],
                      rng.integers(HOUR, 20 * HOUR, n))
    paid = np.where(unpaid | by_taobao, -1, created + delay)
    late = paid >= EXPORT_S
    paid = np.where(late, -1, paid)
    ship = paid + np.where(in_1111, rng.integers(8 * HOUR, 4 * DAY, n), rng.integers(3 * HOUR, 48 * HOUR, n))
    confirm = ship + np.minimum(rng.integers(2 * DAY, 14 * DAY, n), 10 * DAY)
    status = np.full(n, _SUCCESS, dtype=np.int64)
    status[confirm >= EXPORT_S] = _SHIPPED
    status[ship >= EXPORT_S] = _WAIT_SHIP
    status[refund] = _CLOSED
    status[unpaid] = _CLOSED
    recent_unpaid = (unpaid & (created >= EXPORT_S - 72 * HOUR) & (rng.random(n) < 0.7)) | late
    status[recent_unpaid] = _WAIT_PAY
    status[by_taobao] = _CLOSED_TB
    paid = np.where(recent_unpaid | unpaid, -1, paid)
    close_reason = np.select([(status == _CLOSED) & (paid >= 0), status == _CLOSED],
                             [CLOSE_AFTER_PAY, CLOSE_BEFORE_PAY], None).astype(object)
    actual = np.where(paid >= 0, due, 0).astype(np.int64)

    shipped = np.isin(status, [_SHIPPED, _SUCCESS]) | (refund & (rng.random(n) < 0.5) & (ship < EXPORT_S))
    carrier = np.where(remote, rng.choice(7, size=n, p=_CARRIER_P_REMOTE), rng.choice(7, size=n, p=_CARRIER_P))
    tracking = np.where(shipped, _tracking(rng, carrier), None)
    carrier_name = np.where(shipped, np.array(_CARRIERS, dtype=object)[carrier], None)

    buyer_note = np.where(rng.random(n) < 0.08,
                          np.array(_BUYER_NOTES, dtype=object)[rng.integers(0, len(_BUYER_NOTES), n)], None)
    seller_note = np.where(rng.random(n) < 0.05,
                           np.array(_SELLER_NOTES, dtype=object)[rng.integers(0, len(_SELLER_NOTES), n)], None)
    invoice = np.where(store_tmall & (rng.random(n) < 0.04), "个人", None)

    # Which orders are a buyer's second or later (by creation time, ties by position).
    order_by_time = np.lexsort((np.arange(n), created, buyer))
    rank_sorted = np.ones(n, dtype=bool)
    rank_sorted[1:] = buyer[order_by_time][1:] != buyer[order_by_time][:-1]
    repeat_order = np.empty(n, dtype=bool)
    repeat_order[order_by_time] = ~rank_sorted

    return Orders(
        buyer=buyer, created=created, paid=paid, status=status, close_reason=close_reason,
        store_tmall=store_tmall, goods=goods, postage=postage, actual=actual, quantity=quantity,
        kinds=kinds, title=title, receiver=receiver, receiver_phone=receiver_phone, address=address,
        remote=remote, carrier=carrier_name, tracking=tracking, buyer_note=buyer_note,
        seller_note=seller_note, mobile=rng.random(n) < 0.88, invoice=invoice,
        ship=np.where(shipped, ship, -1), confirm=np.where(status == _SUCCESS, confirm, -1),
        repeat_order=repeat_order,
        line_order=line_order, line_product=line_product, line_qty=line_qty, line_option=line_option,
    )
