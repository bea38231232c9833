"""Mistakes students make in the order-based exercises, and how well a submission fits each.

A :class:`Mistake` changes fields of the course :class:`~grader.checks.orders.Rule`; a :class:`View` names a
per-buyer computation and the mistakes it can diagnose; :class:`Fitter` scores candidate figures against
one submission (the share of rows that agree on key and every figure).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from grader.checks.orders import (
    CLOSED,
    PAID_OPEN,
    SUCCESS,
    Rule,
    archive_figures,
    norm_unique,
    sales_figures,
    unpaid_figures,
)
from grader.compare import key_strings

PAIR_POOL = 3
"""Pairs of mistakes are tried among this many best single mistakes."""
MIN_FIT = 0.5
"""A mistake is named only when it explains at least half of the rows (and more than the course rule)."""


@dataclass(frozen=True)
class Mistake:
    changes: dict[str, Any]
    message: str


SALES_MISTAKES: dict[str, Mistake] = {
    "closed": Mistake({"statuses": (SUCCESS, *CLOSED)}, "看起来把交易关闭的订单也算成交了（只有“交易成功”才算）"),
    "all-status": Mistake({"statuses": ()}, "看起来把所有状态的订单都算成交了（只有“交易成功”才算）"),
    "paid-status": Mistake({"statuses": (SUCCESS, *PAID_OPEN)},
                           "看起来把已付款但还没确认收货的订单也算成交了（只有“交易成功”才算）"),
    "total-amount": Mistake({"amount": "total"}, "看起来金额用了“总金额”，应该用“买家实际支付金额”"),
    "no-dedup": Mistake({"dedup": False}, "看起来没有按订单编号去重：重复导出的行被算了不止一次"),
    "dup-amount": Mistake({"dedup_amount": False},
                          "看起来订单数去重了，金额却没有：重复导出的行的金额被加了两次"),
    "test-orders": Mistake({"drop_test": False}, "看起来没有去掉店铺的测试账号（吃货美食团_测试…）"),
    "amount-ge": Mistake({"amount_strict": False}, "看起来金额条件用了 ≥，本题要求大于（正好等于门槛的不算）"),
    "orders-gt": Mistake({"orders_strict": True}, "看起来订单数条件用了 >，本题要求大于等于（正好等于门槛的也算）"),
}

UNPAID_MISTAKES: dict[str, Mistake] = {
    "wait-only": Mistake({"unpaid": "wait-only"},
                         "看起来只找了“等待买家付款”的订单，漏掉了付款前就关闭的订单"),
    "wait-or-closed": Mistake({"unpaid": "wait-or-closed", "exclude": "success"},
                              "看起来把付款后退款关闭的订单也当成了未付款；要看“订单付款时间”是否为空"),
    "per-order": Mistake({"exclude": "none"},
                         "看起来按订单筛选，没有去掉已经付过款的买家：潜在客户是一笔都没付过款的买家"),
    "success-only": Mistake({"exclude": "success"},
                            "看起来只去掉了有交易成功订单的买家；已付款待发货、已发货或付款后退款的买家也付过款，不算潜在客户"),
    "actual-amount": Mistake({"amount": "actual"}, "看起来未付款金额用了“买家实际支付金额”（未付款订单是 0），应该用“总金额”"),
    "no-dedup": Mistake({"dedup": False}, "看起来没有按订单编号去重：重复导出的行被算了不止一次"),
    "test-orders": Mistake({"drop_test": False}, "看起来没有去掉店铺的测试账号（吃货美食团_测试…）"),
}


ARCHIVE_MISTAKES: dict[str, Mistake] = {
    **{code: SALES_MISTAKES[code] for code in ("closed", "all-status", "paid-status", "total-amount", "no-dedup",
                                                "dup-amount", "test-orders")},
    "created-time": Mistake({"time": "created"}, "看起来购买时间用了“订单创建时间”，本课程约定看“订单付款时间”"),
    "first-contact": Mistake({"contact": "first"},
                             "看起来联系信息取了第一笔成交订单；本课程约定取最近一笔（付款时间最晚的那笔）"),
}


@dataclass(frozen=True)
class View:
    compute: Callable[..., pd.DataFrame]
    base: Rule
    mistakes: dict[str, Mistake]
    selects: bool
    """Takes the min_orders / min_amount selection."""


VIEWS: dict[str, View] = {
    "sales": View(sales_figures, Rule(), SALES_MISTAKES, True),
    "unpaid": View(unpaid_figures, Rule(amount="total"), UNPAID_MISTAKES, False),
    "archive": View(archive_figures, Rule(), ARCHIVE_MISTAKES, False),
}
"""Per-buyer computations the check can diagnose, by name."""


TIME_FIGURES = frozenset({"first", "last"})
TEXT_FIGURES = frozenset({"name", "phone", "province", "city"})


class Fitter:
    """Scores candidate per-buyer figures against one submission (prepared once, applied many times)."""

    def __init__(self, submission: pd.DataFrame, key: str, columns: dict[str, str],
                 tolerance: dict[str, float]) -> None:
        keys = pd.Series(key_strings(submission, [key]), index=submission.index, dtype=object)
        keep = ~keys.duplicated()
        self.keys = pd.Index(keys[keep])
        self.columns = columns
        self.tolerance = {name: tolerance.get(col, 0.0) for name, col in columns.items()}
        self.values: dict[str, np.ndarray] = {}
        for name, col in columns.items():
            cells = submission.loc[keep.to_numpy(), col]
            if name in TIME_FIGURES:
                self.values[name] = pd.to_datetime(cells, errors="coerce").to_numpy(dtype="datetime64[ns]")
            elif name in TEXT_FIGURES:
                self.values[name] = norm_unique(cells).to_numpy(dtype=object)
            else:
                self.values[name] = pd.to_numeric(cells, errors="coerce").to_numpy(dtype=float)

    def __call__(self, figures: pd.DataFrame) -> float:
        """Share of rows (of the larger of submission and candidate) that agree on key and every figure."""
        if len(self.keys) == 0 and figures.empty:
            return 1.0
        pos = self.keys.get_indexer(figures.index.astype(str))
        hit = pos >= 0
        ok = hit.copy()
        for name, got_all in self.values.items():
            got = got_all[pos[hit]]
            want = figures[name].to_numpy()[hit]
            if name in TEXT_FIGURES:
                good = got == want  # both sides NFKC-normalised already (load_orders / __init__)
            elif name in TIME_FIGURES:
                diff = np.abs((got - want.astype("datetime64[ns]")).astype("timedelta64[s]").astype(float))
                good = ~np.isnat(got) & (diff <= self.tolerance[name])
            else:
                good = np.abs(got - want.astype(float)) <= self.tolerance[name] + 1e-9
            ok[hit] &= good
        return int(ok.sum()) / max(len(self.keys), len(figures), 1)


def fit(submission: pd.DataFrame, key: str, figures: pd.DataFrame, columns: dict[str, str],
        tolerance: dict[str, float]) -> float:
    """Share of rows (of the larger of submission and candidate) that agree on key and every figure."""
    return Fitter(submission, key, columns, tolerance)(figures)

__all__ = ["ARCHIVE_MISTAKES", "MIN_FIT", "PAIR_POOL", "SALES_MISTAKES", "TEXT_FIGURES", "TIME_FIGURES",
           "UNPAID_MISTAKES", "VIEWS", "Fitter", "Mistake", "View", "fit"]
