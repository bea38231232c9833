"""The buyers: how many orders each places (heavy tail) and their profile (customers table)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from datasets import geo, names
from datasets.constants import CHANNELS
from datasets.params import Params
from datasets.timeline import DAY, EXPORT_S, epoch_seconds, format_dates, format_times


@dataclass
class People:
    """Per-buyer arrays (index i is one buyer)."""

    nick: np.ndarray
    name: np.ndarray
    gender: np.ndarray
    phone: np.ndarray
    city: np.ndarray
    address: np.ndarray
    tmall: np.ndarray
    """True when the buyer's main store is the Tmall flagship store."""
    orders: np.ndarray
    """Orders placed in the period (≥ 1)."""


def order_counts(rng: np.random.Generator, n_customers: int, n_orders: int, p: Params) -> np.ndarray:
    """Orders per buyer summing to ``n_orders``: most buy once, repeaters follow a capped Pareto tail."""
    n_one = round(n_customers * p.one_time_share)
    repeat = np.zeros(n_customers, dtype=bool)
    repeat[rng.permutation(n_customers)[: n_customers - n_one]] = True
    n_rep = int(repeat.sum())
    extra = n_orders - n_customers - n_rep  # every repeater has at least 2 orders
    if n_rep == 0 or extra < 0:
        return np.ones(n_customers, dtype=np.int64) + (np.arange(n_customers) < n_orders - n_customers)
    weight = np.minimum((1.0 - rng.random(n_rep)) ** (-1.0 / p.tail_alpha), 60.0)
    counts = np.ones(n_customers, dtype=np.int64)
    counts[repeat] = 2 + rng.multinomial(extra, weight / weight.sum()).astype(np.int64)
    return counts


def make_people(rng: np.random.Generator, n: int, n_orders: int, p: Params) -> People:
    gender = names.genders(rng, n)
    phone = names.mobiles(rng, n)
    city = geo.sample_cities(rng, n)
    return People(
        nick=names.nicknames(rng, n),
        name=names.real_names(rng, gender),
        gender=gender,
        phone=phone,
        city=city,
        address=geo.street_addresses(rng, city),
        tmall=rng.random(n) < p.tmall_share,
        orders=order_counts(rng, n, n_orders, p),
    )


def customers_table(rng: np.random.Generator, people: People, first_order_s: np.ndarray, p: Params) -> pd.DataFrame:
    """The ``customers`` table, one row per buyer, sorted by first order time (ties: by 会员名)."""
    n = len(people.nick)
    repeat = people.orders >= 2
    yes_no = np.array(["否", "是"], dtype=object)

    # Taobao account registered between 2009 and shortly before the first order here.
    reg_lo = epoch_seconds(dt.date(2009, 1, 1))
    reg_s = reg_lo + ((first_order_s - DAY - reg_lo) * rng.beta(2.2, 1.6, n)).astype(np.int64)
    birth_lo = epoch_seconds(dt.date(1966, 1, 1))
    birth_hi = epoch_seconds(dt.date(2006, 12, 31))
    birth_s = birth_lo + ((birth_hi - birth_lo) * rng.beta(3.0, 2.2, n)).astype(np.int64)
    has_birthday = rng.random(n) < 0.58

    channel = np.array(CHANNELS, dtype=object)[rng.choice(len(CHANNELS), size=n, p=[0.4, 0.2, 0.15, 0.08, 0.17])]
    follows = rng.random(n) < np.where(repeat, 0.7, 0.32)
    consent = rng.random(n) < np.clip(p.consent_rate + np.where(repeat, 0.12, -0.05), 0.05, 0.95)
    wechat = rng.random(n) < np.clip(p.wechat_rate * np.where(repeat, 2.0, 0.55), 0.0, 0.9)
    # Joined the 微信群 some time after the first order, in waking hours (the day's clock squeezed into
    # 09:00–23:00), never before that order nor after the export.
    moment = first_order_s + ((EXPORT_S - first_order_s) * rng.random(n)).astype(np.int64)
    day_start = moment - moment % DAY
    awake = day_start + 9 * 3600 + (moment - day_start) * 14 // 24
    joined_s = np.minimum(np.maximum(awake, first_order_s + 300), EXPORT_S - 1)
    wangwang = rng.random(n) < np.where(repeat, 0.35, 0.12)
    email = names.emails(rng, people.nick, people.phone)
    email = np.where(rng.random(n) < 0.4, email, None)

    # Rows sorted by first order time (ties: by 会员名); every column is put in that order before the frame.
    row = np.lexsort((people.nick.astype(str), first_order_s))
    wechat = wechat[row]
    return pd.DataFrame({
        "买家会员名": people.nick[row],
        "姓名": people.name[row],
        "性别": people.gender[row],
        "生日": np.where(has_birthday[row], format_dates(birth_s[row]), None),
        "手机号": people.phone[row],
        "电子邮箱": email[row],
        "省份": geo.CITIES.province[people.city[row]],
        "城市": geo.CITIES.city[people.city[row]],
        "注册时间": format_dates(reg_s[row]),
        "来源渠道": channel[row],
        "是否关注店铺": yes_no[follows[row].astype(np.int64)],
        "是否订阅短信": yes_no[consent[row].astype(np.int64)],
        "是否加入微信群": yes_no[wechat.astype(np.int64)],
        "微信入群时间": np.where(wechat, format_times(joined_s[row]), None),
        "是否加入旺旺群": yes_no[wangwang[row].astype(np.int64)],
    })
