"""The ``traffic`` table: visitors per day, store and traffic source, consistent with the orders."""

from __future__ import annotations

import numpy as np
import pandas as pd

from datasets.constants import STORE_TAOBAO, STORE_TMALL, TRAFFIC_SOURCES
from datasets.names import labels
from datasets.orders import Orders
from datasets.timeline import DAY, N_DAYS, PERIOD_START_S, format_dates

# Conversion (paying buyers ÷ visitors), page views per visitor, bounce rate (%) and dwell time (s) by source.
_CONVERSION = np.array([0.035, 0.025, 0.05, 0.02, 0.12, 0.015])
_PAGES = np.array([2.6, 2.2, 1.9, 2.4, 3.8, 1.7])
_BOUNCE = np.array([55.0, 62.0, 68.0, 58.0, 38.0, 72.0])
_DWELL = np.array([48.0, 36.0, 28.0, 40.0, 85.0, 22.0])


def order_sources(rng: np.random.Generator, o: Orders, channel_of_buyer: np.ndarray) -> np.ndarray:
    """Index into TRAFFIC_SOURCES per order: a buyer's channel, or 回头客 for most repeat orders."""
    per_buyer = pd.Series(channel_of_buyer).map({s: i for i, s in enumerate(TRAFFIC_SOURCES)})
    first = per_buyer.to_numpy(dtype=np.int64)[o.buyer]
    back = o.repeat_order & (rng.random(len(o.buyer)) < 0.7)
    return np.where(back, TRAFFIC_SOURCES.index("回头客"), first)


def traffic_table(rng: np.random.Generator, o: Orders, source: np.ndarray) -> pd.DataFrame:
    n_src = len(TRAFFIC_SOURCES)
    cells = N_DAYS * 2 * n_src

    def cell(day: np.ndarray, tmall: np.ndarray, src: np.ndarray) -> np.ndarray:
        return (day * 2 + tmall.astype(np.int64)) * n_src + src

    def buyers_per_cell(mask: np.ndarray, when: np.ndarray) -> np.ndarray:
        day = (when[mask] - PERIOD_START_S) // DAY
        inside = (day >= 0) & (day < N_DAYS)
        key = cell(day[inside], o.store_tmall[mask][inside], source[mask][inside])
        # distinct (cell, buyer) pairs, as one integer each
        span = int(o.buyer.max()) + 1 if len(o.buyer) else 1
        pairs = pd.unique(key * span + o.buyer[mask][inside])
        return np.bincount((pairs // span).astype(np.intp), minlength=cells)

    paid = o.paid >= 0
    pay_buyers = buyers_per_cell(paid, o.paid)
    order_buyers = buyers_per_cell(np.ones(len(o.buyer), dtype=bool), o.created)
    pd_day = np.clip((o.paid[paid] - PERIOD_START_S) // DAY, 0, N_DAYS - 1)
    amount = np.bincount(cell(pd_day, o.store_tmall[paid], source[paid]).astype(np.intp), weights=o.actual[paid], minlength=cells)

    idx = np.arange(cells, dtype=np.int64)
    src = idx % n_src
    tmall = (idx // n_src) % 2 == 1
    day = idx // (2 * n_src)
    noise = 0.85 + 0.3 * rng.random(cells)
    visitors = np.round((order_buyers + 0.6) / _CONVERSION[src] * noise).astype(np.int64)
    views = np.round(visitors * _PAGES[src] * (0.9 + 0.2 * rng.random(cells))).astype(np.int64)
    bounce = np.round(_BOUNCE[src] + rng.normal(0.0, 3.0, cells), 2)
    dwell = np.round(_DWELL[src] * (0.85 + 0.3 * rng.random(cells))).astype(np.int64)
    return pd.DataFrame({
        "日期": format_dates(PERIOD_START_S + day * DAY),
        "店铺名称": labels(tmall, STORE_TAOBAO, STORE_TMALL),
        "流量来源": np.array(TRAFFIC_SOURCES, dtype=object)[src],
        "访客数": visitors,
        "浏览量": views,
        "平均停留时长秒": dwell,
        "跳失率": bounce,
        "下单买家数": order_buyers.astype(np.int64),
        "支付买家数": pay_buyers.astype(np.int64),
        "支付金额": np.round(amount).astype(np.int64) / 100,
    })
