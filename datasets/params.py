"""Shape parameters of one dataset: the default uses the central values, a variant draws within bands.

The bands are chosen so that every exercise stays solvable (see ``datasets.stats.solvability_problems``).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np


@dataclass(frozen=True)
class Params:
    """Knobs of the generator; every field has a band (low, central, high) in ``BANDS``."""

    one_time_share: float
    """Share of buyers who place exactly one order in the period."""
    tail_alpha: float
    """Pareto exponent of the repeat buyers' order weights (smaller = heavier tail)."""
    tmall_share: float
    """Share of buyers whose main store is the Tmall flagship store."""
    unpaid_rate: float
    """Share of orders never paid (closed before payment, or still waiting)."""
    refund_rate: float
    """Share of paid orders refunded (交易关闭 after payment)."""
    consent_rate: float
    """Base share of buyers who agreed to marketing SMS."""
    coupon_rate: float
    """Share of orders that use a shop coupon when the basket qualifies."""
    gift_box_boost: float
    """Extra popularity of 礼盒 during 双12 and 年货节."""
    peak_1111: float
    """Orders on 11 November relative to a normal day."""
    wechat_rate: float
    """Share of buyers in a 微信群 (more for repeat buyers)."""
    size_factor: float
    """Orders relative to the requested size, when the size is not given explicitly (10 000 × factor)."""
    buyers_per_order: float
    """Buyers per order (0.4: 10 000 orders ↔ 4 000 buyers)."""


BANDS: dict[str, tuple[float, float, float]] = {
    "one_time_share": (0.56, 0.62, 0.68),
    "tail_alpha": (1.0, 1.2, 1.45),
    "tmall_share": (0.5, 0.6, 0.7),
    "unpaid_rate": (0.05, 0.07, 0.1),
    "refund_rate": (0.035, 0.05, 0.07),
    "consent_rate": (0.45, 0.55, 0.65),
    "coupon_rate": (0.3, 0.4, 0.5),
    "gift_box_boost": (2.0, 3.0, 4.0),
    "peak_1111": (6.0, 8.0, 11.0),
    "wechat_rate": (0.15, 0.22, 0.3),
    "size_factor": (0.92, 1.0, 1.08),
    "buyers_per_order": (0.37, 0.4, 0.43),
}


def default_params() -> Params:
    """The lessons' dataset: central value of every band."""
    return Params(**{f.name: BANDS[f.name][1] for f in fields(Params)})


def draw_params(rng: np.random.Generator) -> Params:
    """A student's variant: every knob uniform within its band (fixed order of draws)."""
    values = {}
    for f in fields(Params):
        low, _, high = BANDS[f.name]
        values[f.name] = float(low + (high - low) * rng.random())
    return Params(**values)
