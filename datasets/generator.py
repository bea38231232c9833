"""``generate``: one seeded run of every part, in a fixed order of random draws."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from datasets import chats, frames, refunds, sms, traffic
from datasets.boundaries import plant_old_customer_boundary, plant_round_totals
from datasets.catalog import products_table
from datasets.constants import DEFAULT_ORDERS, TABLES, TEST_ACCOUNTS
from datasets.orders import make_orders
from datasets.params import Params, default_params, draw_params
from datasets.people import customers_table, make_people
from datasets.seeding import normalize_student, seed_for

MIN_ORDERS = 1_000
MAX_ORDERS = 2_000_000


class DatasetError(ValueError):
    """A request the generator cannot serve (message in Chinese, says what to do)."""


def _test_orders(orders: frames.OrderExport) -> pd.DataFrame:
    """The staff test orders: 订单编号, 买家会员名 and 订单创建时间 as epoch seconds (once each, in export order)."""
    nick = orders.cols["买家会员名"]
    rows = np.flatnonzero(np.isin(nick, TEST_ACCOUNTS))
    ids = orders.cols["订单编号"][rows]
    rows = rows[np.sort(np.unique(ids, return_index=True)[1])]  # the export repeats some rows
    return pd.DataFrame({"订单编号": orders.cols["订单编号"][rows], "买家会员名": nick[rows],
                         "订单创建时间": orders.created[rows]})


def _build(seed: int, params: Params, n_orders: int, wanted: frozenset[str],
           last: bool) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """(the tables in ``wanted``, the solvability problems of this draw). A draw with problems stops after the
    orders and customers (the next seed is drawn) unless it is the ``last`` attempt."""
    from datasets.stats import order_problems  # noqa: PLC0415  stats imports the package constants

    # One independent random stream per part: leaving a table out never changes the others.
    # (SeedSequence.spawn(8) starts with the same six children as spawn(6): new parts never move old ones.)
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(8)]
    rng_people, rng_orders, rng_customers, rng_frames, rng_sms, rng_traffic, rng_refunds, rng_chats = streams
    n_test = int(rng_frames.integers(4, 9))
    dup_rate = 0.006 + 0.009 * float(rng_frames.random())
    n_real = n_orders - n_test
    n_customers = max(50, round(n_orders * params.buyers_per_order))
    people = make_people(rng_people, n_customers, n_real, params)
    o = make_orders(rng_orders, people, params)
    at_40 = plant_old_customer_boundary(o)
    plant_round_totals(o, exclude=at_40)

    first_order = np.full(n_customers, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first_order, o.buyer.astype(np.intp), o.created)
    customers = customers_table(rng_customers, people, first_order, params)

    export, items, order_ids = frames.order_frame(o, people, rng_frames, n_test, items="order_items" in wanted)
    export = frames.add_full_width(export, rng_frames)
    export = frames.add_duplicates(export, rng_frames, dup_rate)
    problems = order_problems(export.cols, customers)  # = stats.solvability_problems of the tables
    if problems and not last:
        return {}, problems

    # Row of each buyer (people order) in the customers table (会员名 are unique).
    row = pd.Index(customers["买家会员名"]).get_indexer(people.nick)
    sms_log = visits = None
    if "sms_log" in wanted:
        consent = customers["是否订阅短信"].to_numpy(dtype=object)[row] == "是"
        birthday = customers["生日"].to_numpy(dtype=object)[row]
        sms_log = sms.sms_table(rng_sms, people, o, consent, birthday)
    if "traffic" in wanted:
        channel = customers["来源渠道"].to_numpy(dtype=object)[row]
        visits = traffic.traffic_table(rng_traffic, o, traffic.order_sources(rng_traffic, o, channel))

    refund_table = chat_table = None
    if "refunds" in wanted or "chats" in wanted:
        r = refunds.make_refunds(rng_refunds, o)
        refund_table = refunds.refunds_table(r, o, order_ids, people.nick) if "refunds" in wanted else None
        if "chats" in wanted:
            chat_table = chats.chats_table(rng_chats, o, order_ids, people, refunds=r,
                                              tests=_test_orders(export), peak_1111=params.peak_1111)

    tables = {
        "orders": export.frame() if "orders" in wanted else None,
        "order_items": items,
        "customers": customers,
        "sms_log": sms_log,
        "traffic": visits,
        "products": products_table() if "products" in wanted else None,
        "orders_raw": frames.raw_frame(export) if "orders_raw" in wanted else None,
        "chats": chat_table,
        "refunds": refund_table,
    }
    return {name: tables[name] for name in TABLES if name in wanted}, problems


def generate(student: str | None = None, n_orders: int | None = None,
             tables: Iterable[str] | None = None) -> dict[str, pd.DataFrame]:
    """Every table of the shop's data, as DataFrames keyed by table name (see ``TABLES``).

    ``student=None`` (or an empty 学号) gives the lessons' default dataset; a 学号 gives that student's
    variant: other names and numbers, proportions moved within the bands of ``datasets.params.BANDS``.
    ``n_orders`` sets the size; left out, it is 10 000 for the default and 9 200–10 800 for a variant. ``tables`` limits the result to some table names
    (faster in the browser); a table is the same whether or not others are asked for.
    Same arguments → identical tables and CSV bytes on CPython and in Pyodide.
    A variant that would leave an exercise unsolvable (``datasets.stats.solvability_problems``) is
    redrawn from the next seed, so every student gets a usable dataset.
    """
    try:
        n = DEFAULT_ORDERS if n_orders is None else int(n_orders)
    except (TypeError, ValueError):
        raise DatasetError(f"订单数应为整数，收到的是 {n_orders!r}：请给出 {MIN_ORDERS} 到 {MAX_ORDERS} 之间的整数。") from None
    if not MIN_ORDERS <= n <= MAX_ORDERS:
        raise DatasetError(f"订单数 {n} 不在允许范围内：请给出 {MIN_ORDERS} 到 {MAX_ORDERS} 之间的整数。")
    wanted = frozenset(TABLES) if tables is None else frozenset(tables)
    unknown = sorted(wanted - set(TABLES))
    if unknown:
        raise DatasetError(f"没有名为 {'、'.join(unknown)} 的数据表：可用的表有 {'、'.join(TABLES)}。")
    base = seed_for(student)
    variant = normalize_student(student) is not None
    result: dict[str, pd.DataFrame] = {}
    for attempt in range(8):
        seed = (base + attempt) % (1 << 64)
        params = draw_params(np.random.default_rng([seed, 1])) if variant else default_params()
        size = round(DEFAULT_ORDERS * params.size_factor) if n_orders is None else n
        result, problems = _build(seed, params, size, wanted, last=attempt == 7)
        if not problems:
            break
    return result
