"""The ``refunds`` table: after-sale requests (仅退款 / 退货退款 / 换货), one row per 子订单 (order line).

Consistent with ``orders`` by construction:

- every 交易关闭 order that was paid (``付款以后用户退款成功，交易自动关闭``) has one 退款成功 row per line, and
  those rows' 退款金额 add up to its 买家实际支付金额 (the payment is split over the lines by their value);
- 交易成功 orders may carry a partial refund (one line, 退款成功, less than paid), an exchange (换货成功,
  0 元) or a request the buyer withdrew or lost (退款关闭);
- orders shipped but not yet confirmed may carry an open request (处理中 / 平台介入中, 处理时长 empty).

A request is always made after the payment and, when it is finished, before the export.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from datasets.catalog import CATALOG
from datasets.constants import SERVICE_ACCOUNTS, STORE_TAOBAO, STORE_TMALL
from datasets.names import labels
from datasets.orders import Orders
from datasets.timeline import DAY, EXPORT_S, HOUR, format_times

_SUCCESS, _CLOSED, _SHIPPED = 3, 4, 2  # indices into datasets.orders.ST_CODES

# (退款原因, 退款类型 for a full refund of a shipped order, weight)
_SHIPPED_REASONS = (
    ("七天无理由退货", "退货退款", 0.16),
    ("商品破损/包装漏气", "退货退款", 0.10),
    ("商品破损/包装漏气", "仅退款", 0.08),
    ("发错货", "退货退款", 0.12),
    ("口味与描述不符", "退货退款", 0.12),
    ("未收到货", "仅退款", 0.16),
    ("临近保质期/质量问题", "退货退款", 0.14),
    ("不想要了", "退货退款", 0.12),
)
_UNSHIPPED_REASONS = (("拍错/多拍", 0.65), ("未按约定时间发货", 0.2), ("协商一致退款", 0.15))
# After-sale on 交易成功 orders: (退款原因, 退款类型, weight)
_AFTER_SUCCESS = (
    ("少件/漏发", "仅退款", 0.24),
    ("商品破损/包装漏气", "仅退款", 0.22),
    ("发错货", "换货", 0.14),
    ("口味与描述不符", "换货", 0.10),
    ("七天无理由退货", "退货退款", 0.16),
    ("临近保质期/质量问题", "仅退款", 0.14),
)
_REASON_ROW = {row[0]: i for i, row in reversed(list(enumerate(_AFTER_SUCCESS)))}
"""First row of each reason in _AFTER_SUCCESS."""
_RISK_BY_CATEGORY = {"坚果": 1.0, "果干": 1.0, "肉脯": 1.3, "糕点": 2.6, "礼盒": 2.4}
_OPEN = (("未收到货", "仅退款", 0.4), ("商品破损/包装漏气", "退货退款", 0.35), ("发错货", "换货", 0.25))


_RISK = pd.Series(_RISK_BY_CATEGORY)[CATALOG.category].to_numpy(dtype=float)
"""After-sale risk of each catalogue product (by its category)."""


@dataclass
class Refunds:
    """Refund rows (one per order line) in generation order; ``row_order`` is the internal order index."""

    order: np.ndarray
    line: np.ndarray
    kind: np.ndarray
    reason: np.ndarray
    apply: np.ndarray
    finish: np.ndarray
    """Epoch seconds, -1 while the request is still open."""
    cents: np.ndarray
    state: np.ndarray
    platform: np.ndarray
    agent: np.ndarray


def _choice(rng: np.random.Generator, table: tuple, n: int) -> np.ndarray:
    w = np.array([row[-1] for row in table], dtype=float)
    return rng.choice(len(table), size=n, p=w / w.sum())


def _agents(rng: np.random.Generator, tmall: np.ndarray) -> np.ndarray:
    """处理客服: mostly the store's after-sale account (its last one), otherwise another of the store."""
    n = len(tmall)
    slot = np.where(rng.random(n) < 0.78, 3, rng.integers(0, 3, n))
    taobao = np.array(SERVICE_ACCOUNTS[STORE_TAOBAO], dtype=object)
    tm = np.array(SERVICE_ACCOUNTS[STORE_TMALL], dtype=object)
    return np.where(tmall, tm[slot], taobao[slot])


def _line_shares(o: Orders) -> np.ndarray:
    """Each line's share of its order's 买家实际支付金额 in 分, by line value; the last line takes the rest."""
    value = CATALOG.price_cents[o.line_product] * o.line_qty
    goods = np.bincount(o.line_order.astype(np.intp), weights=value, minlength=len(o.buyer))
    raw = np.floor(o.actual[o.line_order] * value / np.maximum(goods[o.line_order], 1)).astype(np.int64)
    given = np.bincount(o.line_order.astype(np.intp), weights=raw, minlength=len(o.buyer)).round().astype(np.int64)
    last = np.r_[o.line_order[1:] != o.line_order[:-1], True]
    raw[last] += (o.actual - given)[o.line_order[last]]
    return raw


def _finish_before_export(apply: np.ndarray, hours: np.ndarray, earliest: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Move (apply, apply + duration) back so that it ends before the export, never before ``earliest``."""
    dur = np.maximum((hours * HOUR).astype(np.int64), 300)
    room = EXPORT_S - 60 - earliest
    dur = np.minimum(dur, np.maximum(room // 2, 60))
    apply = np.maximum(np.minimum(np.maximum(apply, earliest + 30), EXPORT_S - 60 - dur), earliest)
    return apply, np.minimum(apply + dur, EXPORT_S - 1)


def make_refunds(rng: np.random.Generator, o: Orders) -> Refunds:
    first_line = np.searchsorted(o.line_order, np.arange(len(o.buyer), dtype=np.int64))
    kinds = np.bincount(o.line_order.astype(np.intp), minlength=len(o.buyer))
    share = _line_shares(o)
    parts: list[dict[str, np.ndarray]] = []

    # A. Paid, then closed: every line refunded in full, 退款成功.
    closed = np.flatnonzero((o.status == _CLOSED) & (o.paid >= 0))
    shipped = o.ship[closed] >= 0
    k = len(closed)
    pick_s = _choice(rng, _SHIPPED_REASONS, k)
    pick_u = _choice(rng, _UNSHIPPED_REASONS, k)
    reason = np.where(shipped, np.array([r[0] for r in _SHIPPED_REASONS], dtype=object)[pick_s],
                      np.array([r[0] for r in _UNSHIPPED_REASONS], dtype=object)[pick_u])
    kind = np.where(shipped, np.array([r[1] for r in _SHIPPED_REASONS], dtype=object)[pick_s], "仅退款")
    platform = shipped & (rng.random(k) < 0.07)
    hours = np.where(kind == "退货退款", 24 + 150 * rng.random(k), np.where(shipped, 1 + 40 * rng.random(k),
                                                                          0.1 + 20 * rng.random(k)))
    hours = hours + np.where(platform, 48 + 72 * rng.random(k), 0)
    start = np.where(shipped, o.ship[closed] + rng.integers(DAY, 9 * DAY, k),
                     o.paid[closed] + rng.integers(600, 30 * HOUR, k))
    earliest = np.where(shipped, o.ship[closed], o.paid[closed])
    apply, finish = _finish_before_export(start, hours, earliest)
    agent = _agents(rng, o.store_tmall[closed])
    lines = np.repeat(closed, kinds[closed])
    per = np.repeat(np.arange(k), kinds[closed])
    line_idx = first_line[lines] + (np.arange(len(lines)) - np.repeat(np.cumsum(kinds[closed]) - kinds[closed],
                                                                     kinds[closed]))
    parts.append({"order": lines, "line": line_idx, "kind": kind[per], "reason": reason[per], "apply": apply[per],
                  "finish": finish[per], "cents": share[line_idx], "state": np.full(len(lines), "退款成功", object),
                  "platform": platform[per], "agent": agent[per]})

    # B. 交易成功 orders: one line each (partial refund, exchange, or a request that was closed). 糕点 and 礼盒
    # cause more after-sale work (short shelf life, boxes crushed in transit): more requests, other reasons.
    risk = _RISK[o.line_product]
    worst = np.zeros(len(o.buyer))
    np.maximum.at(worst, o.line_order.astype(np.intp), risk)
    done = np.flatnonzero((o.status == _SUCCESS) & (rng.random(len(o.buyer)) < 0.022 * worst))
    k = len(done)
    pick = _choice(rng, _AFTER_SUCCESS, k)
    score = risk * rng.random(len(risk))
    best = np.full(len(o.buyer), -1.0)
    np.maximum.at(best, o.line_order.astype(np.intp), score)
    chosen = np.flatnonzero(score == best[o.line_order])
    line_of = np.full(len(o.buyer), -1, dtype=np.int64)
    line_of[o.line_order[chosen]] = chosen
    line_idx = line_of[done]
    cat = CATALOG.category[o.line_product[line_idx]]
    override = rng.random(k) < 0.45
    pick = np.where(override & (cat == "糕点"), _REASON_ROW["临近保质期/质量问题"],
                    np.where(override & (cat == "礼盒"), _REASON_ROW["商品破损/包装漏气"], pick))
    reason = np.array([r[0] for r in _AFTER_SUCCESS], dtype=object)[pick]
    kind = np.array([r[1] for r in _AFTER_SUCCESS], dtype=object)[pick]
    unit = CATALOG.price_cents[o.line_product[line_idx]]
    partial = np.minimum(unit, o.actual[done] // 2)
    cents = np.select([kind == "仅退款", kind == "换货"], [partial, 0], share[line_idx])
    withdrawn = rng.random(k) < 0.15
    # 七天无理由 on 交易成功 orders: the food had been opened, so the shop refused (bad bags are refunded).
    refused = kind == "退货退款"
    platform = refused & (rng.random(k) < 0.3)
    state = np.where(refused | withdrawn, "退款关闭", np.where(kind == "换货", "换货成功", "退款成功")).astype(object)
    hours = np.where(kind == "换货", 48 + 96 * rng.random(k), 2 + 46 * rng.random(k)) + np.where(platform, 72, 0)
    apply = o.ship[done] + rng.integers(DAY, 10 * DAY, k)
    apply, finish = _finish_before_export(apply, hours, o.ship[done])
    parts.append({"order": done, "line": line_idx, "kind": kind, "reason": reason, "apply": apply,
                  "finish": finish, "cents": cents, "state": state, "platform": platform,
                  "agent": _agents(rng, o.store_tmall[done])})

    # C. Shipped, not yet confirmed: requests still open at the export.
    wait = np.flatnonzero((o.status == _SHIPPED) & (rng.random(len(o.buyer)) < 0.04))
    wait = wait[o.ship[wait] < EXPORT_S - DAY - HOUR]
    k = len(wait)
    pick = _choice(rng, _OPEN, k)
    kind = np.array([r[1] for r in _OPEN], dtype=object)[pick]
    line_idx = first_line[wait] + rng.integers(0, 1 << 30, k) % kinds[wait]
    platform = rng.random(k) < 0.25
    span = EXPORT_S - HOUR - (o.ship[wait] + DAY)
    apply = o.ship[wait] + DAY + (span * rng.random(k)).astype(np.int64)
    parts.append({"order": wait, "line": line_idx, "kind": kind,
                  "reason": np.array([r[0] for r in _OPEN], dtype=object)[pick], "apply": apply,
                  "finish": np.full(k, -1, dtype=np.int64), "cents": np.where(kind == "换货", 0, share[line_idx]),
                  "state": labels(platform, "处理中", "平台介入中"), "platform": platform,
                  "agent": _agents(rng, o.store_tmall[wait])})

    cols = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
    return Refunds(order=cols["order"].astype(np.int64), line=cols["line"].astype(np.int64), kind=cols["kind"],
                   reason=cols["reason"], apply=cols["apply"].astype(np.int64),
                   finish=cols["finish"].astype(np.int64), cents=cols["cents"].astype(np.int64),
                   state=cols["state"], platform=cols["platform"].astype(bool), agent=cols["agent"])


def refunds_table(r: Refunds, o: Orders, order_ids: np.ndarray, nick: np.ndarray) -> pd.DataFrame:
    """The ``refunds`` table, oldest request first; 退款编号 grows with 申请时间."""
    order = np.lexsort((r.line, r.apply))
    n = len(order)
    refund_ids = 300_000_000_000_000 + np.arange(n, dtype=np.int64) * 1_000 + (order_ids[r.order[order]] % 997)
    hours = np.where(r.finish >= 0, (r.finish - r.apply) / HOUR, np.nan)
    return pd.DataFrame({
        "退款编号": refund_ids,
        "订单编号": order_ids[r.order[order]],
        "店铺名称": labels(o.store_tmall[r.order[order]], STORE_TAOBAO, STORE_TMALL),
        "买家会员名": nick[o.buyer[r.order[order]]],
        "宝贝标题": CATALOG.title[o.line_product[r.line[order]]],
        "商家编码": CATALOG.code[o.line_product[r.line[order]]],
        "退款类型": r.kind[order],
        "退款原因": r.reason[order],
        "申请时间": format_times(r.apply[order]),
        "完结时间": format_times(r.finish[order]),
        "退款金额": r.cents[order] / 100,
        "退款状态": r.state[order],
        "是否平台介入": labels(r.platform[order], "否", "是"),
        "处理客服": r.agent[order],
        "处理时长小时": np.round(hours[order], 2),
    })
