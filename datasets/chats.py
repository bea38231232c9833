"""The ``chats`` table: the 千牛 reception log, one row per conversation between a buyer and a 客服子账号.

Consistent with ``orders`` and ``refunds`` by construction:

- an 询单 (pre-sale inquiry, 是否询单 = 是) that led to an order names it in 关联订单编号 and ends before that
  order's 订单创建时间, with the order's buyer and store; whether it counts as 询单成交 depends on the order
  (交易成功 or not), exactly as in the shop's back office;
- other inquiries never led to an order (关联订单编号 empty): some from buyers of other orders, some from
  visitors who never bought anything;
- after-sale conversations (催发货, 物流查询, 退款售后) come after the payment; every order in ``refunds`` has one
  退款售后 conversation with the refund's 处理客服, shortly before the request;
- the staff test accounts chat before their 0.01 元 test orders (excluded like their orders).

Mess kept on purpose: 首次响应秒数 is text, ≈3 % of it with the unit (``35秒``); empty when nobody answered
(the buyer left, mostly at night); most buyers leave 满意度评价 empty.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from datasets import names
from datasets.constants import (
    PERIOD_START,
    SATISFACTION,
    SERVICE_ACCOUNTS,
    STORE_TAOBAO,
    STORE_TMALL,
)
from datasets.orders import Orders
from datasets.people import People
from datasets.refunds import Refunds
from datasets.timeline import DAY, EXPORT_S, HOUR, PERIOD_START_S, epoch_seconds, format_times, sample_times

ACCOUNTS = SERVICE_ACCOUNTS[STORE_TAOBAO] + SERVICE_ACCOUNTS[STORE_TMALL]
_INDEX = {name: i for i, name in enumerate(ACCOUNTS)}
# Per account (Taobao 琪琪 可可 阿杰 小卉, Tmall 米粒 豆豆 糖糖 小林): median first response (s) and the chance that
# a rating is 满意 or better. 琪琪 is the new intern: slow, and fewer of her inquiries turn into orders.
_MEDIAN_S = np.array([38.0, 13.0, 18.0, 24.0, 11.0, 16.0, 21.0, 27.0])
_SATISFIED = np.array([0.74, 0.91, 0.86, 0.84, 0.92, 0.88, 0.83, 0.8])
# Who gets a conversation: per store, weights over its four accounts (linked inquiries, other inquiries, after-sale).
_W_LINKED = np.array([[0.17, 0.35, 0.32, 0.16], [0.3, 0.3, 0.26, 0.14]])
_W_OTHER = np.array([[0.3, 0.26, 0.3, 0.14], [0.26, 0.28, 0.3, 0.16]])
_W_AFTER = np.array([[0.15, 0.2, 0.2, 0.45], [0.18, 0.18, 0.2, 0.44]])
_PEAK_DAYS = ((epoch_seconds(PERIOD_START.replace(day=11)) - PERIOD_START_S) // DAY,
              (epoch_seconds(PERIOD_START.replace(month=12, day=12)) - PERIOD_START_S) // DAY)


def _account(rng: np.random.Generator, tmall: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Index into ACCOUNTS: one of the store's four, by the store's row of ``weights``."""
    u = rng.random(len(tmall))
    cum = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)
    slot = np.minimum((u[:, None] >= cum[tmall.astype(np.intp)]).sum(axis=1), 3)
    return slot + np.where(tmall, 4, 0)


def _pick(rng: np.random.Generator, labels: tuple[str, ...], p: list[float], n: int) -> np.ndarray:
    return np.array(labels, dtype=object)[rng.choice(len(labels), size=n, p=p)]


def _part(start: np.ndarray, end: np.ndarray, nick: np.ndarray, acc: np.ndarray, *, kind: object, inquiry: bool,
          order: np.ndarray) -> dict[str, np.ndarray]:
    n = len(start)
    return {"start": np.asarray(start, np.int64), "end": np.asarray(end, np.int64), "nick": np.asarray(nick, object),
            "acc": np.asarray(acc, np.int64), "kind": np.broadcast_to(np.asarray(kind, object), (n,)).copy(),
            "inquiry": np.full(n, inquiry), "order": np.asarray(order, np.int64)}


def chats_table(rng: np.random.Generator, o: Orders, order_ids: np.ndarray, people: People, *, refunds: Refunds,
                tests: pd.DataFrame, peak_1111: float) -> pd.DataFrame:
    """``tests`` holds the test orders (订单编号, 买家会员名, 订单创建时间 in epoch seconds)."""
    n = len(o.buyer)
    nick = people.nick[o.buyer]
    parts = []

    # 1. Inquiries that led to an order (first orders are asked about more often than repeat ones).
    linked = np.flatnonzero(rng.random(n) < np.where(o.repeat_order, 0.22, 0.5))
    k = len(linked)
    end = o.created[linked] - rng.integers(20, 900, k)
    start = end - rng.integers(60, 1500, k)
    keep = start >= PERIOD_START_S
    linked, start, end = linked[keep], start[keep], end[keep]
    parts.append(_part(start, end, nick[linked], _account(rng, o.store_tmall[linked], _W_LINKED),
                       kind=_pick(rng, ("商品咨询", "优惠咨询", "发货咨询"), [0.6, 0.25, 0.15], len(linked)),
                       inquiry=True, order=order_ids[linked]))

    # 2. Inquiries that led to nothing: buyers of other orders, and visitors who never bought.
    k = round(len(linked) * 0.8)
    start, _ = sample_times(rng, k, peak_1111)
    end = start + rng.integers(30, 1200, k)
    known = rng.random(k) < 0.55
    who = rng.integers(0, len(people.nick), k)
    strangers = names.nicknames(rng, k)
    known_lower = set(names.lower(people.nick))
    taken = np.array([s in known_lower for s in names.lower(strangers)], dtype=bool)
    ok = (end < EXPORT_S) & (known | ~taken)
    tmall = np.where(known, np.where(rng.random(k) < 0.86, people.tmall[who], ~people.tmall[who]), rng.random(k) < 0.6)
    parts.append(_part(start[ok], end[ok], np.where(known, people.nick[who], strangers)[ok],
                       _account(rng, tmall, _W_OTHER)[ok],
                       kind=_pick(rng, ("商品咨询", "优惠咨询", "发货咨询"), [0.55, 0.35, 0.1], k)[ok],
                       inquiry=True, order=np.full(k, -1)[ok]))

    # 3. After-sale: where is my parcel, please ship, and one conversation per refunded order.
    track = np.flatnonzero((o.ship >= 0) & (rng.random(n) < 0.05))
    start = o.ship[track] + rng.integers(36 * HOUR, 5 * DAY, len(track))
    track, start = track[start < EXPORT_S - 2 * HOUR], start[start < EXPORT_S - 2 * HOUR]
    parts.append(_part(start, start + rng.integers(60, 900, len(track)), nick[track],
                       _account(rng, o.store_tmall[track], _W_AFTER), kind="物流查询",
                       inquiry=False, order=order_ids[track]))
    rush = np.flatnonzero((o.paid >= 0) & (rng.random(n) < 0.025))
    start = o.paid[rush] + rng.integers(3 * HOUR, 30 * HOUR, len(rush))
    ok = ((o.ship[rush] < 0) | (start < o.ship[rush])) & (start < EXPORT_S - 2 * HOUR)
    rush, start = rush[ok], start[ok]
    parts.append(_part(start, start + rng.integers(60, 600, len(rush)), nick[rush],
                       _account(rng, o.store_tmall[rush], _W_AFTER), kind="催发货",
                       inquiry=False, order=order_ids[rush]))
    first = np.unique(refunds.order, return_index=True)[1]
    ref_order, ref_apply = refunds.order[first], refunds.apply[first]
    start = np.maximum(ref_apply - rng.integers(300, 2 * HOUR, len(first)), o.paid[ref_order] + 60)
    start = np.minimum(start, ref_apply)
    parts.append(_part(start, np.minimum(start + rng.integers(120, 1800, len(first)), EXPORT_S - 1),
                       nick[ref_order], np.array([_INDEX[a] for a in refunds.agent[first].tolist()], dtype=np.int64),
                       kind="退款售后", inquiry=False, order=order_ids[ref_order]))

    # 4. Staff testing the shop's own links before their test orders.
    created = tests["订单创建时间"].to_numpy(dtype=np.int64)
    k = len(created)
    end = created - rng.integers(60, 600, k)
    parts.append(_part(end - rng.integers(60, 300, k), end, tests["买家会员名"].to_numpy(dtype=object),
                       rng.integers(0, 3, k), kind="商品咨询", inquiry=True,
                       order=tests["订单编号"].to_numpy(dtype=np.int64)))

    c = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
    return _finish(rng, c)


def _finish(rng: np.random.Generator, c: dict[str, np.ndarray]) -> pd.DataFrame:
    """Response times, message counts, ratings and the export's layout (oldest conversation first)."""
    n = len(c["start"])
    hour = (c["start"] % DAY) // HOUR
    day = (c["start"] - PERIOD_START_S) // DAY
    answered = rng.random(n) >= np.where((hour >= 1) & (hour < 8), 0.45, 0.015)
    busy = np.isin(day, _PEAK_DAYS)
    first = np.exp(np.log(_MEDIAN_S[c["acc"]]) + 0.75 * rng.standard_normal(n)) * np.where(busy, 2.2, 1.0)
    first = np.maximum(np.round(first), 1).astype(np.int64)
    # A conversation lasts at least until the first reply (inquiries keep their end, so start earlier).
    short = answered & (c["end"] - c["start"] < first + 30)
    c["start"] = np.where(short & c["inquiry"], np.maximum(c["end"] - first - 30, PERIOD_START_S), c["start"])
    first = np.where(c["inquiry"], np.minimum(first, c["end"] - c["start"] - 1), first)
    c["end"] = np.where(short & ~c["inquiry"], c["start"] + first + 30, c["end"])
    left = c["start"] + rng.integers(20, 300, n)  # nobody answered: the buyer gave up
    c["end"] = np.where(answered, c["end"], np.where(c["inquiry"], np.minimum(left, c["end"]), left))
    c["end"] = np.minimum(c["end"], np.maximum(c["start"] + 1, EXPORT_S - 1))
    mean_s = np.round(first * (0.8 + rng.random(n)) + 15 * rng.random(n), 2)
    messages = np.where(~answered, 1 + rng.poisson(0.8, n),
                        np.where(c["inquiry"], 3 + rng.poisson(9, n), 4 + rng.poisson(11, n)))

    rated = rng.random(n) < np.where(answered, 0.32, 0.12)
    p_good = np.clip(_SATISFIED[c["acc"]] - np.where(c["inquiry"], 0.0, 0.08) - np.where(answered, 0.0, 0.5), 0, 1)
    good = rng.random(n) < p_good
    grade = np.where(good, rng.choice(2, size=n, p=[0.6, 0.4]), 2 + rng.choice(3, size=n, p=[0.5, 0.3, 0.2]))
    rating = np.where(rated, np.array(SATISFACTION, dtype=object)[grade], None)

    text = names.int_text(first)
    with_unit = rng.random(n) < 0.03
    text[with_unit] = text[with_unit] + "秒"
    order = np.lexsort((c["acc"], c["start"]))
    acc = c["acc"][order]
    linked = c["order"][order]
    linked_text = np.full(n, None, dtype=object)
    linked_text[linked >= 0] = names.int_text(linked[linked >= 0])
    return pd.DataFrame({
        "会话编号": names.zero_padded(np.arange(1, n + 1, dtype=np.int64), 8, prefix="KF"),
        "店铺名称": names.labels(acc >= 4, STORE_TAOBAO, STORE_TMALL),
        "客服子账号": np.array(ACCOUNTS, dtype=object)[acc],
        "买家会员名": c["nick"][order],
        "开始时间": format_times(c["start"][order]),
        "结束时间": format_times(c["end"][order]),
        "消息数": messages[order].astype(np.int64),
        "首次响应秒数": np.where(answered, text, None)[order],
        "平均响应秒数": np.where(answered, mean_s, np.nan)[order],
        "咨询类型": c["kind"][order],
        "是否询单": names.labels(c["inquiry"][order], "否", "是"),
        "关联订单编号": linked_text,
        "满意度评价": rating[order],
    })
