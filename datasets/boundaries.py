"""Buyers planted exactly on a rule's line, so that ">" and "≥" give different answers.

Runs after the random draws and draws nothing itself, so it never shifts the rest of the data.
"""

from __future__ import annotations

import numpy as np

from datasets.constants import ST_SUCCESS
from datasets.orders import ST_CODES, Orders

OLD_CUSTOMER_LINE = 4_000
"""40.00 元 in 分: the lab's 老客户 need 成交金额 > 40 元 (exactly 40.00 元 is not enough)."""


def plant_old_customer_boundary(o: Orders, n: int = 3) -> np.ndarray:
    """Give up to ``n`` buyers with exactly two 交易成功 orders worth 40.01–50.00 元 in total a total of
    exactly 40.00 元: the later order gets a shop red packet (买家实际支付金额 lowered, never raised).

    Returns the buyer indices changed.
    """
    success = np.flatnonzero(o.status == ST_CODES.index(ST_SUCCESS))
    buyers = o.buyer[success].astype(np.intp)
    count = np.bincount(buyers, minlength=len(o.buyer))
    total = np.bincount(buyers, weights=o.actual[success], minlength=len(o.buyer))
    candidates = np.flatnonzero((count == 2) & (total > OLD_CUSTOMER_LINE) & (total <= OLD_CUSTOMER_LINE + 1_000))
    picked = []
    for buyer in candidates.tolist():
        first, later = sorted(success[o.buyer[success] == buyer].tolist(), key=lambda i: (int(o.created[i]), i))
        if o.actual[first] >= OLD_CUSTOMER_LINE - 100:  # the later order must keep at least 1 元
            continue
        o.actual[later] = OLD_CUSTOMER_LINE - o.actual[first]
        picked.append(buyer)
        if len(picked) == n:
            break
    return np.array(picked, dtype=np.int64)


ROUND_LINES = (20_000, 50_000, 100_000, 200_000)
"""200, 500, 1 000 and 2 000 元 in 分: round figures that member-tier tables use as thresholds."""


def plant_round_totals(o: Orders, exclude: np.ndarray, per_line: int = 2) -> np.ndarray:
    """Give up to ``per_line`` buyers per line in ``ROUND_LINES`` a 交易成功 total of exactly that amount, so a
    tier rule written with ">" instead of "≥" shows. A buyer within 5 % above a line gets the difference off
    the latest 交易成功 order (which keeps at least 1 元). Buyers in ``exclude`` are left alone.

    Returns the buyer indices changed.
    """
    success = np.flatnonzero(o.status == ST_CODES.index(ST_SUCCESS))
    buyers = o.buyer[success].astype(np.intp)
    total = np.bincount(buyers, weights=o.actual[success], minlength=len(o.buyer)).round().astype(np.int64)
    # latest 交易成功 order of every buyer (by creation time, then position)
    order = success[np.lexsort((success, o.created[success], o.buyer[success]))]
    last_of_buyer = np.ones(len(order), dtype=bool)
    last_of_buyer[:-1] = o.buyer[order][1:] != o.buyer[order][:-1]
    latest = np.full(len(o.buyer), -1, dtype=np.int64)
    latest[o.buyer[order][last_of_buyer]] = order[last_of_buyer]  # one write per buyer: no ordering question
    taken = set(exclude.tolist())
    picked = []
    for line in ROUND_LINES:
        excess = total - line
        fits = (excess > 0) & (excess <= line // 20) & (latest >= 0)
        fits &= o.actual[np.maximum(latest, 0)] - excess >= 100
        done = 0
        for buyer in np.flatnonzero(fits).tolist():
            if buyer in taken:
                continue
            o.actual[latest[buyer]] -= excess[buyer]
            taken.add(buyer)
            picked.append(buyer)
            done += 1
            if done == per_line:
                break
    return np.array(picked, dtype=np.int64)
