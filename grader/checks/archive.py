"""Check kinds for the customer-archive exercises (customer-archive, potential-customers, old-customers,
tier-assign).

``order-mistakes`` recomputes the per-buyer figures from the student's *own* orders under the course
rule and under each mistake students really make (and every pair of them). When the submission fits a
mistake better than the course rule, the check names the mistake ("看起来把交易关闭的订单也算成交了")
instead of only listing wrong cells. It needs no reference answer, so it also runs in exam builds.

``masked-phone`` checks that phone numbers are masked as ``138****1234``; ``tier-rule-mistakes`` names the
wrong reading of a given tier table (全部 instead of 任一, > instead of ≥, one condition only, lowest tier first).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from grader.checks import CheckContext, CheckParamError, check
from grader.compare import key_strings
from grader.model import CheckResult
from grader.normalize import norm_text, parse_number
from grader.tiers import find_column

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


def _norm_unique(series: pd.Series) -> pd.Series:
    """``norm_text`` of every cell, computed once per distinct value (exports repeat names a lot)."""
    raw = series.astype(object).where(series.notna(), "")
    mapping = {v: norm_text(v) for v in pd.unique(raw)}
    return raw.map(mapping).astype(object)


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
    text = {k: _norm_unique(orders[c]) for k, c in cols.items()}
    out = pd.DataFrame({k: text[k] for k in ("order", "buyer", "status")})
    for k in ("actual", "total"):
        out[k] = _amounts(text[k])
    for k in ("created", "paid"):
        out[k] = pd.to_datetime(text[k].str.replace("/", "-", regex=False).replace("", None),
                                format="mixed", errors="coerce")
    for k, name in (("receiver", "收货人姓名"), ("phone", "联系手机"), ("address", "收货地址")):
        col = find_column(orders, name)
        out[k] = _norm_unique(orders[col]) if col is not None else ""
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


_LOADED: list[tuple[pd.DataFrame, pd.DataFrame]] = []


def _loaded(table: pd.DataFrame) -> pd.DataFrame:
    """``load_orders`` once per table object: the grader caches each student's tables, and every check
    of every submission of that student reuses them."""
    for raw, done in _LOADED:
        if raw is table:
            return done
    done = load_orders(table)
    _LOADED.append((table, done))
    del _LOADED[:-4]
    return done


_NAMES: list[tuple[pd.DataFrame, np.ndarray]] = []


def _names(orders: pd.DataFrame) -> np.ndarray:
    """Buyer name by ``code`` (cached per loaded table)."""
    for frame, names in _NAMES:
        if frame is orders:
            return names
    names = np.empty(int(orders["code"].max()) + 1 if len(orders) else 0, dtype=object)
    names[orders["code"].to_numpy()] = orders["buyer"].to_numpy()
    _NAMES.append((orders, names))
    del _NAMES[:-4]
    return names


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


ARCHIVE_MISTAKES: dict[str, Mistake] = {
    **{code: SALES_MISTAKES[code] for code in ("closed", "all-status", "paid-status", "total-amount", "no-dedup",
                                                "dup-amount", "test-orders")},
    "created-time": Mistake({"time": "created"}, "看起来购买时间用了“订单创建时间”，本课程约定看“订单付款时间”"),
    "first-contact": Mistake({"contact": "first"},
                             "看起来联系信息取了第一笔成交订单；本课程约定取最近一笔（付款时间最晚的那笔）"),
}


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
                self.values[name] = _norm_unique(cells).to_numpy(dtype=object)
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


def _validate(params: dict[str, Any]) -> list[str]:
    problems = []
    view = VIEWS.get(params.get("view", "sales"))
    if view is None:
        return [f"参数 view '{params.get('view')}' 未知（可用：{', '.join(VIEWS)}）"]
    unknown = [m for m in params.get("mistakes", []) if m not in view.mistakes]
    if unknown:
        problems.append(f"参数 mistakes 里的 {', '.join(map(str, unknown))} 未知（可用：{', '.join(view.mistakes)}）")
    figures = {"orders", "amount"} | TIME_FIGURES | TEXT_FIGURES
    bad = [f for f in params.get("columns", {}) if f not in figures]
    if bad or not params.get("columns"):
        problems.append(f"参数 columns 应把 {', '.join(sorted(figures))} 中的若干项映射到提交的列名")
    return problems


@check("order-mistakes", title="常见错误诊断", applies_to=("table",), validate=_validate)
def order_mistakes(ctx: CheckContext, *, columns: dict, view: str = "sales", mistakes: list = [],  # noqa: B006
                   min_orders: int = 0, min_amount: float = -1.0, label: str = "客户",
                   table: str = "orders") -> CheckResult:
    """Name the common mistake whose figures the submission matches better than the course rule's."""
    df = ctx.submission
    if not isinstance(df, pd.DataFrame):
        raise CheckParamError("这项检查只适用于表格提交")
    key = ctx.spec.submission.key[0]
    needed = [key, *columns.values()]
    if any(c not in df.columns for c in needed):
        return ctx.fail(f"缺少列 {'、'.join(c for c in needed if c not in df.columns)}，无法检查")
    if df.empty:
        return ctx.fail("表格没有任何数据行，无法诊断")
    spec_view = VIEWS[view]
    if table not in ctx.tables:
        raise CheckParamError(f"数据里没有表 {table}")
    orders = _loaded(ctx.tables[table])
    select = {"min_orders": min_orders, "min_amount": None if min_amount < 0 else min_amount} \
        if spec_view.selects else {}
    tolerance = dict(ctx.spec.submission.tolerance)

    scores: dict[Rule, float] = {}
    fitter = Fitter(df, key, columns, tolerance)

    def score(rule: Rule) -> float:
        if rule not in scores:
            scores[rule] = fitter(spec_view.compute(orders, rule, **select))
        return scores[rule]

    right = score(spec_view.base)
    if right >= 1.0 - 1e-9:
        return ctx.ok(f"每位{label}的数字都和课程口径一致，没有发现常见错误")
    codes = list(mistakes) or list(spec_view.mistakes)

    def rule_of(combo: tuple[str, ...]) -> Rule:
        changes: dict[str, Any] = {}
        for code in combo:
            changes.update(spec_view.mistakes[code].changes)
        return replace(spec_view.base, **changes)

    singles = {code: score(rule_of((code,))) for code in codes}
    # Pairs only among the singles that explain more than the course rule (at most the best three):
    # two mistakes at once are common, trying every pair is not needed to find them.
    promising = sorted((c for c in codes if singles[c] > right + 1e-9), key=lambda c: -singles[c])[:PAIR_POOL]
    candidates = [((code,), fitted) for code, fitted in singles.items()]
    if max(singles.values(), default=0.0) < 1.0 - 1e-9:
        candidates += [(combo, score(rule_of(combo))) for combo in itertools.combinations(promising, 2)
                       if rule_of(combo) not in (spec_view.base, *(rule_of((c,)) for c in combo))]
    best: tuple[float, tuple[str, ...]] = (right, ())
    for combo, fitted in candidates:
        if fitted > best[0] + 1e-9 and fitted >= MIN_FIT:
            best = (fitted, combo)
    if not best[1]:
        return ctx.ok(f"没有发现常见的口径错误（有 {_pct(1 - right)} 的{label}对不上，请看其他检查的逐行提示）")
    messages = [spec_view.mistakes[code].message for code in best[1]]
    return ctx.fail("；另外，".join(messages),
                    details=[f"按这种算法得到的结果和你的提交有 {_pct(best[0])} 的{label}完全一致，"
                             f"按课程口径只有 {_pct(right)}"])


def _pct(share: float) -> str:
    """Percent that never shows 100% for less than all (99.9%)."""
    text = f"{share * 100:.1f}".removesuffix(".0")
    return "99.9%" if text == "100" and share < 1 else f"{text}%"


PHONE_MASK = re.compile(r"^1\d{2}\*{4}\d{4}$")


@check("masked-phone", title="手机号打码", applies_to=("table",))
def masked_phone(ctx: CheckContext, *, column: str = "联系手机", label: str = "客户") -> CheckResult:
    """Every phone number is shown as 3 digits, 4 asterisks, 4 digits (138****1234)."""
    df = ctx.submission
    if not isinstance(df, pd.DataFrame):
        raise CheckParamError("这项检查只适用于表格提交")
    if column not in df.columns:
        return ctx.fail(f"缺少列 {column}")
    keys = key_strings(df, list(ctx.spec.submission.key)) or [str(i + 1) for i in range(len(df))]
    bad = []
    for k, value in zip(keys, df[column], strict=False):
        text = "" if pd.isna(value) else norm_text(value)
        if not PHONE_MASK.match(text):
            why = "没有打码" if re.fullmatch(r"1\d{10}", text) else "格式不对"
            bad.append(f"{k} 的{column}“{text or '空'}”{why}")
    if not bad:
        return ctx.ok(f"{column}都已打码（前 3 位 + **** + 后 4 位）")
    return ctx.fail(f"{column}要写成 138****1234 的样子：保留前 3 位和后 4 位，中间 4 位换成 *",
                    details=bad, fraction=1 - len(bad) / max(len(df), 1))


# ---- tier rules ------------------------------------------------------------------------------------
TIER_MISTAKES: dict[str, tuple[dict[str, Any], str]] = {
    "all": ({"rule": "全部"}, "看起来要求金额和笔数同时达到门槛；规则是“任一”，满足其中一个就达到该等级"),
    "strict": ({"strict": True}, "看起来门槛用了 >；达到门槛是 ≥，正好等于门槛也算达到"),
    "amount-only": ({"basis": "amount"}, "看起来只看了累计成交金额，忘了笔数达到门槛也能升级"),
    "orders-only": ({"basis": "orders"}, "看起来只看了累计成交笔数，忘了金额达到门槛也能升级"),
    "lowest-first": ({"lowest_first": True},
                     "看起来从低到高判断、取了第一个满足的等级，结果会员都成了最低等级；应取能达到的最高等级"),
}
"""Ways students apply a tier table wrongly: code → (changes to the course rule, message)."""


def tiers_by_rule(amount: pd.Series, orders: pd.Series, tiers: list[tuple[str, float, float]], *,
                  none_label: str, rule: str = "任一", strict: bool = False, basis: str = "both",
                  lowest_first: bool = False) -> pd.Series:
    """Tier name per customer under a (possibly mistaken) reading of the tier table, lowest tier first."""
    out = pd.Series(none_label, index=amount.index, dtype=object)
    ordered = list(reversed(tiers)) if lowest_first else tiers
    for name, min_amount, min_orders in ordered:  # later assignments win
        by_amount = amount > min_amount if strict else amount >= min_amount - 1e-9
        by_orders = orders > min_orders if strict else orders >= min_orders - 1e-9
        reached = {"amount": by_amount, "orders": by_orders}.get(basis)
        if reached is None:
            reached = (by_amount | by_orders) if rule == "任一" else (by_amount & by_orders)
        out[reached.to_numpy()] = name
    return out


def _validate_tier_mistakes(params: dict[str, Any]) -> list[str]:
    tiers = params.get("tiers")
    if not isinstance(tiers, list) or not tiers or not all(isinstance(t, dict) for t in tiers):
        return ["参数 tiers 应为等级列表，每项有 名称、交易金额、交易笔数"]
    for t in tiers:
        if not {"名称", "交易金额", "交易笔数"} <= set(t):
            return ["参数 tiers 的每一项都要有 名称、交易金额、交易笔数"]
    return []


@check("tier-rule-mistakes", title="等级规则诊断", applies_to=("table",), validate=_validate_tier_mistakes)
def tier_rule_mistakes(ctx: CheckContext, *, tiers: list, amount_column: str = "累计成交金额",
                       orders_column: str = "累计成交笔数", tier_column: str = "会员等级",
                       none_label: str = "非会员", label: str = "客户") -> CheckResult:
    """Name the wrong reading of the tier table (全部, >, one condition only, lowest tier first) that the
    submitted tiers follow better than the course rule (任一, ≥, highest tier reached)."""
    df = ctx.submission
    if not isinstance(df, pd.DataFrame):
        raise CheckParamError("这项检查只适用于表格提交")
    missing = [c for c in (amount_column, orders_column, tier_column) if c not in df.columns]
    if missing:
        return ctx.fail(f"缺少列 {'、'.join(missing)}，无法检查")
    if df.empty:
        return ctx.fail("表格没有任何数据行，无法诊断")
    table = [(norm_text(t["名称"]), float(t["交易金额"]), float(t["交易笔数"])) for t in tiers]
    amount = pd.to_numeric(df[amount_column], errors="coerce").fillna(0.0)
    orders = pd.to_numeric(df[orders_column], errors="coerce").fillna(0.0)
    submitted = df[tier_column].map(lambda v: "" if pd.isna(v) else norm_text(v))
    submitted = submitted.replace("", norm_text(none_label))

    def agree(**changes: Any) -> float:
        expected = tiers_by_rule(amount, orders, table, none_label=norm_text(none_label), **changes)
        return float((expected == submitted).mean())

    right = agree()
    if right >= 1.0 - 1e-9:
        return ctx.ok(f"每位{label}的等级都按“任一、≥、取最高等级”的规则划分")
    combos = [(code,) for code in TIER_MISTAKES] + [("strict", code) for code in TIER_MISTAKES if code != "strict"]
    best: tuple[float, tuple[str, ...]] = (right, ())
    for combo in combos:
        changes: dict[str, Any] = {}
        for code in combo:
            changes.update(TIER_MISTAKES[code][0])
        fitted = agree(**changes)
        if fitted > best[0] + 1e-9 and fitted >= MIN_FIT:
            best = (fitted, combo)
    if not best[1]:
        return ctx.ok(f"没有发现常见的规则错误（有 {_pct(1 - right)} 的{label}等级不对，请看“等级与折扣”的逐行提示）")
    return ctx.fail("；另外，".join(TIER_MISTAKES[code][1] for code in best[1]),
                    details=[f"按这种规则得到的等级和你的提交有 {_pct(best[0])} 一致，按课程规则只有 {_pct(right)}"])


__all__ = ["ARCHIVE_MISTAKES", "SALES_MISTAKES", "TIER_MISTAKES", "UNPAID_MISTAKES", "VIEWS", "Fitter", "Rule",
           "archive_figures", "fit", "load_orders", "sales_figures", "tiers_by_rule", "unpaid_figures"]
