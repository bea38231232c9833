"""The order export as the customer-archive checks see it: typed columns, the course rule and its
per-buyer figures (sales, unpaid, archive views).

``load_orders`` turns a raw export (text cells, stray header spaces, ``1,288.00`` / ``68.00元``) into typed
columns once per table object; ``sales_figures`` / ``unpaid_figures`` / ``archive_figures`` compute the
per-buyer rows under a :class:`Rule` (the course rule, or a mistake students make).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from grader.cache import IdentityCache
from grader.checks import CheckParamError
from grader.intake.normalize import find_column, norm_text, parse_number

SUCCESS = "交易成功"
WAIT_PAY = "等待买家付款"
CLOSED = ("交易关闭", "交易被淘宝关闭")
PAID_OPEN = (norm_text("买家已付款，等待卖家发货"), norm_text("卖家已发货，等待买家确认"))
"""Statuses as ``load_orders`` gives them: cells are NFKC-normalised, so "，" becomes ","."""
TEST_PREFIX = "吃货美食团_测试"
"""Staff accounts placing 0.01 元 test orders (not customers)."""


@dataclass(frozen=True)
class Rule:
    """How per-buyer figures are computed. The defaults are the course rule; a mistake changes fields."""

    statuses: tuple[str, ...] = (SUCCESS,)
    """sales view: order statuses that count as 成交."""
    amount: str = "actual"
    """Amount column: ``actual`` (买家实际支付金额) or ``total`` (总金额)."""
    dedup: bool = True
    """Each 订单编号 once (False: repeated export rows counted again)."""
    dedup_amount: bool = True
    """False: orders counted once but amounts summed over repeated rows."""
    drop_test: bool = True
    """Leave out the shop's test accounts."""
    amount_strict: bool = True
    """Selection: amount > threshold (False: ≥)."""
    orders_strict: bool = False
    """Selection: orders ≥ threshold (True: >)."""
    unpaid: str = "no-payment"
    """unpaid view: which orders are unpaid (``no-payment``, ``wait-only``, ``wait-or-closed``)."""
    exclude: str = "paid-any"
    """unpaid view: buyers left out (``paid-any`` = any paid order, ``success`` = any 交易成功, ``none``)."""
    time: str = "paid"
    """archive view: purchase time column (``paid`` = 订单付款时间, ``created`` = 订单创建时间)."""
    contact: str = "latest"
    """archive view: contact details from the ``latest`` or the ``first`` 成交 order (by payment time)."""


def norm_unique(series: pd.Series) -> pd.Series:
    """``norm_text`` of every cell, computed once per distinct value (exports repeat names a lot)."""
    raw = series.astype(object).where(series.notna(), "")
    uniques = pd.unique(raw)
    clean = pd.Series(uniques, dtype=object).astype(str).str.normalize("NFKC").str.strip()  # vectorised norm_text
    return raw.map(dict(zip(uniques, clean, strict=True))).astype(object)


def _amounts(text: pd.Series) -> pd.Series:
    fast = pd.to_numeric(text, errors="coerce")
    slow = fast.isna() & (text != "")
    if slow.any():  # "1,288.00", "68.00元"
        fast[slow] = pd.to_numeric(text[slow].map(lambda s: parse_number(s)[0]), errors="coerce")
    return fast.fillna(0.0)


def load_orders(orders: pd.DataFrame) -> pd.DataFrame:
    """The order export as typed columns: order, buyer, status, actual, total, created, paid, plus ``code``
    (buyer number), ``first`` (first row of its 订单编号) and ``test`` (staff test account). Never raises
    for messy text; headers are matched ignoring stray spaces; blank rows are dropped."""
    wanted = {"order": "订单编号", "buyer": "买家会员名", "status": "订单状态", "actual": "买家实际支付金额",
              "total": "总金额", "created": "订单创建时间", "paid": "订单付款时间"}
    cols = {k: find_column(orders, v) for k, v in wanted.items()}
    missing = [wanted[k] for k, c in cols.items() if c is None]
    if missing:
        raise CheckParamError(f"订单表缺少列 {'、'.join(missing)}")
    text = {k: norm_unique(orders[c]) for k, c in cols.items()}
    out = pd.DataFrame({k: text[k] for k in ("order", "buyer", "status")})
    for k in ("actual", "total"):
        out[k] = _amounts(text[k])
    for k in ("created", "paid"):
        out[k] = pd.to_datetime(text[k].str.replace("/", "-", regex=False).replace("", None),
                                format="mixed", errors="coerce")
    for k, name in (("receiver", "收货人姓名"), ("phone", "联系手机"), ("address", "收货地址")):
        col = find_column(orders, name)
        out[k] = norm_unique(orders[col]) if col is not None else ""
    out = out[out["order"] != ""].reset_index(drop=True)
    out["name"] = out["receiver"].str.replace(r"\s", "", regex=True)
    parts = out["address"].str.split()
    out["province"], out["city"] = parts.str[0], parts.str[1]
    rank = np.empty(len(out), dtype=np.int64)
    rank[np.lexsort((out["order"].to_numpy(), out["paid"].to_numpy(dtype="datetime64[ns]").astype(np.int64)))] = \
        np.arange(len(out))
    out["rank"] = rank  # position by (订单付款时间, 订单编号): larger = later
    out["code"] = pd.factorize(out["buyer"])[0]
    out["first"] = ~out["order"].duplicated()
    out["test"] = out["buyer"].str.startswith(TEST_PREFIX)
    return out


loaded_orders = IdentityCache(load_orders)
"""``load_orders`` once per table object: the grader caches each student's tables, and every check
of every submission of that student reuses them."""


def _buyer_names(orders: pd.DataFrame) -> np.ndarray:
    names = np.empty(int(orders["code"].max()) + 1 if len(orders) else 0, dtype=object)
    names[orders["code"].to_numpy()] = orders["buyer"].to_numpy()
    return names


_names = IdentityCache(_buyer_names)
"""Buyer name by ``code`` (cached per loaded table)."""


def sales_figures(orders: pd.DataFrame, rule: Rule, *, min_orders: int = 0,
                  min_amount: float | None = None) -> pd.DataFrame:
    """Per buyer (index): ``orders`` and ``amount`` over 成交 orders, then the selection."""
    keep = np.ones(len(orders), dtype=bool)
    if rule.drop_test:
        keep &= ~orders["test"].to_numpy()
    if rule.statuses:
        keep &= orders["status"].isin(rule.statuses).to_numpy()
    first = orders["first"].to_numpy()
    counted = keep & first if rule.dedup else keep
    summed = keep & first if rule.dedup and rule.dedup_amount else keep
    codes = orders["code"].to_numpy().astype(np.intp)  # bincount wants intp (int32 in Pyodide)
    names = _names(orders)
    count = np.bincount(codes[counted], minlength=len(names))
    amount = np.bincount(codes[summed], weights=orders[rule.amount].to_numpy()[summed], minlength=len(names))
    amount = amount.round(2)
    chosen = count > 0
    if min_orders:
        chosen &= count > min_orders if rule.orders_strict else count >= min_orders
    if min_amount is not None:
        chosen &= amount > min_amount + 1e-9 if rule.amount_strict else amount >= min_amount - 1e-9
    return pd.DataFrame({"orders": count[chosen], "amount": amount[chosen]},
                        index=pd.Index(names[chosen], name="buyer"))


def unpaid_figures(orders: pd.DataFrame, rule: Rule) -> pd.DataFrame:
    """Per potential customer (index): ``orders``, ``amount`` left unpaid and ``last`` order time."""
    keep = ~orders["test"].to_numpy() if rule.drop_test else np.ones(len(orders), dtype=bool)
    if rule.dedup:
        keep &= orders["first"].to_numpy()
    status = orders["status"]
    paid = orders["paid"].notna().to_numpy()
    unpaid = {
        "no-payment": ~paid,
        "wait-only": (status == WAIT_PAY).to_numpy(),
        "wait-or-closed": status.isin((WAIT_PAY, *CLOSED)).to_numpy(),
    }[rule.unpaid]
    excluded_rows = {
        "paid-any": paid,
        "success": (status == SUCCESS).to_numpy(),
        "none": np.zeros(len(orders), dtype=bool),
    }[rule.exclude]
    codes = orders["code"].to_numpy().astype(np.intp)  # bincount wants intp (int32 in Pyodide)
    names = _names(orders)
    excluded = np.bincount(codes[keep & excluded_rows], minlength=len(names)) > 0
    picked = keep & unpaid & ~excluded[codes]
    count = np.bincount(codes[picked], minlength=len(names))
    amount = np.bincount(codes[picked], weights=orders[rule.amount].to_numpy()[picked], minlength=len(names))
    created = orders["created"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
    last = np.full(len(names), np.iinfo(np.int64).min, dtype=np.int64)  # = NaT
    np.maximum.at(last, codes[picked], created[picked])
    chosen = count > 0
    return pd.DataFrame({"orders": count[chosen], "amount": amount[chosen].round(2),
                         "last": last[chosen].astype("datetime64[ns]")},
                        index=pd.Index(names[chosen], name="buyer"))


def archive_figures(orders: pd.DataFrame, rule: Rule) -> pd.DataFrame:
    """Per 成交 buyer (index): the customer-archive row — orders, amount, first / last purchase time,
    and name / phone / province / city of the latest (or first) 成交 order by payment time."""
    sales = sales_figures(orders, rule)
    keep = ~orders["test"].to_numpy() if rule.drop_test else np.ones(len(orders), dtype=bool)
    if rule.statuses:
        keep &= orders["status"].isin(rule.statuses).to_numpy()
    if rule.dedup:
        keep &= orders["first"].to_numpy()
    codes = orders["code"].to_numpy().astype(np.intp)[keep]
    size = len(_names(orders))
    times = orders[rule.time].to_numpy(dtype="datetime64[ns]").astype(np.int64)[keep]
    nat = times == np.iinfo(np.int64).min
    first = np.full(size, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, codes[~nat], times[~nat])
    last = np.full(size, np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(last, codes, times)
    rank = orders["rank"].to_numpy()[keep]
    if rule.contact == "latest":
        best = np.full(size, -1, dtype=np.int64)
        np.maximum.at(best, codes, rank)
    else:
        best = np.full(size, np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(best, codes, rank)
    row_of_rank = np.empty(len(orders), dtype=np.int64)
    row_of_rank[orders["rank"].to_numpy()] = np.arange(len(orders))
    chosen = pd.Index(_names(orders)).get_indexer(sales.index)
    rows = row_of_rank[best[chosen]]
    first_t = first[chosen]
    first_t[first_t == np.iinfo(np.int64).max] = np.iinfo(np.int64).min
    return pd.DataFrame({
        "orders": sales["orders"].to_numpy(), "amount": sales["amount"].to_numpy(),
        "first": first_t.astype("datetime64[ns]"), "last": last[chosen].astype("datetime64[ns]"),
        "name": orders["name"].to_numpy()[rows], "phone": orders["phone"].to_numpy()[rows],
        "province": orders["province"].to_numpy()[rows], "city": orders["city"].to_numpy()[rows],
    }, index=sales.index)

__all__ = ["CLOSED", "PAID_OPEN", "SUCCESS", "TEST_PREFIX", "WAIT_PAY", "Rule", "archive_figures",
           "load_orders", "loaded_orders", "norm_unique", "sales_figures", "unpaid_figures"]
