"""When orders happen: daily seasonality (双11, 双12, 年货节, weekends) and time of day, as epoch seconds."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import numpy as np

from datasets.constants import EXPORT_TIME, PERIOD_END, PERIOD_START

_EPOCH = dt.datetime(1970, 1, 1)
DAY = 86_400
HOUR = 3_600

# Relative orders per hour of the day (late evening is the peak, as on every Chinese shopping platform).
_HOURS = np.array([1.2, 0.6, 0.3, 0.15, 0.1, 0.1, 0.25, 0.6, 1.0, 1.4, 1.8, 1.7,
                   1.6, 1.5, 1.5, 1.5, 1.5, 1.4, 1.4, 1.8, 2.4, 2.7, 2.5, 1.8])
# 11 November: the rush right after midnight.
_HOURS_1111 = _HOURS * np.array([12, 4, 1.5, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1.3, 1.5, 1.6, 2.0])


def epoch_seconds(value: dt.datetime | dt.date) -> int:
    """Seconds since 1970-01-01 (naive local shop time; no time zones in the exports)."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    return int((value - _EPOCH).total_seconds())


PERIOD_START_S = epoch_seconds(PERIOD_START)
EXPORT_S = epoch_seconds(EXPORT_TIME)
N_DAYS = (PERIOD_END - PERIOD_START).days + 1


def day_weights(peak_1111: float) -> np.ndarray:
    """Relative order volume of each day of the period."""
    days = [PERIOD_START + dt.timedelta(days=i) for i in range(N_DAYS)]
    w = np.ones(N_DAYS)
    for i, d in enumerate(days):
        if d.weekday() >= 5:
            w[i] *= 1.12
        md = (d.month, d.day)
        if d.month == 11 and d.day <= 10:
            w[i] *= 1.35  # 双11 预热
        elif md == (11, 11):
            w[i] *= peak_1111
        elif md in ((11, 12), (11, 13)):
            w[i] *= 1.4
        elif d.month == 12 and 8 <= d.day <= 11:
            w[i] *= 1.3
        elif md == (12, 12):
            w[i] *= peak_1111 * 0.5
        elif d.month == 1 and 10 <= d.day <= 25:
            w[i] *= 1.9  # 年货节
        elif d.month == 1 and d.day > 25:
            w[i] *= 1.3
        elif md in ((11, 20), (11, 21), (11, 22)) or (d.month == 12 and 20 <= d.day <= 24):
            w[i] *= 0.85
    return w / w.sum()


def is_gift_season(day_index: np.ndarray) -> np.ndarray:
    """True for 双12 and 年货节 days (礼盒 sell better)."""
    days = np.arange(N_DAYS)
    dates = [PERIOD_START + dt.timedelta(days=int(i)) for i in days]
    flag = np.array([(d.month == 12 and 8 <= d.day <= 12) or (d.month == 1 and d.day >= 5) for d in dates])
    return flag[day_index]


def sample_times(rng: np.random.Generator, n: int, peak_1111: float) -> tuple[np.ndarray, np.ndarray]:
    """(epoch seconds, day index) of ``n`` order creation times."""
    day = rng.choice(N_DAYS, size=n, p=day_weights(peak_1111))
    d1111 = (dt.date(2025, 11, 11) - PERIOD_START).days
    hour = np.where(day == d1111,
                    rng.choice(24, size=n, p=_HOURS_1111 / _HOURS_1111.sum()),
                    rng.choice(24, size=n, p=_HOURS / _HOURS.sum()))
    sec = rng.integers(0, HOUR, n)
    return PERIOD_START_S + day.astype(np.int64) * DAY + hour.astype(np.int64) * HOUR + sec, day


def _day_table(day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the distinct days as ``datetime64[D]``, index of each value of ``day`` into them), cheaply: a
    plain range of days when the values are close together (the period's times), else the sorted uniques."""
    lo, hi = int(day.min()), int(day.max())
    if hi - lo <= len(day) + 400:
        return np.arange(lo, hi + 1, dtype=np.int64).astype("datetime64[D]"), day - lo
    uniq, inverse = np.unique(day, return_inverse=True)
    return uniq.astype("datetime64[D]"), inverse.reshape(-1)


_HOUR_TEXT = np.array([f"{h}:" for h in range(24)], dtype=object)
_MS_TEXT = np.array([f"{m:02d}:{s:02d}" for m in range(60) for s in range(60)], dtype=object)  # MM:SS
_ZERO = ord("0")
_YEAR_10000 = np.datetime64("10000-01-01", "D")
_SLICE = 4096


class _Times(NamedTuple):
    """Seconds to format, split for the table-driven formatters below."""

    out: np.ndarray  # the result, None where there is no time
    has: np.ndarray  # which rows have a time
    v: np.ndarray  # their seconds
    day: np.ndarray  # their day numbers
    days: np.ndarray  # the distinct days (datetime64[D]) ...
    at: np.ndarray  # ... and each row's index into them


def _times(seconds: np.ndarray) -> _Times:
    s = np.asarray(seconds, dtype=np.int64)
    has = s >= 0
    v = s[has]
    day = v // DAY
    days, at = _day_table(day) if len(v) else (day.astype("datetime64[D]"), day)
    return _Times(np.full(len(s), None, dtype=object), has, v, day, days, at)


def format_times(seconds: np.ndarray) -> np.ndarray:
    """``YYYY-MM-DD HH:MM:SS`` strings (object array); negative values mean "no time" and give None."""
    out, has, v, day, days, at = _times(seconds)
    if not len(v):
        return out
    if days[-1] >= _YEAR_10000:  # five-digit years: the old way (the 11th code point becomes a space)
        text = np.datetime_as_string(v.astype("datetime64[s]"), unit="s")
        text.view(np.uint32).reshape(len(text), -1)[:, 10] = ord(" ")
        out[has] = text
        return out
    dates = np.datetime_as_string(days).astype("<U10").view(np.uint32).reshape(len(days), 10)
    tod = v - day * DAY
    clock = ((11, tod // HOUR), (14, tod // 60 % 60), (17, tod % 60))
    text = out if len(v) == len(out) else np.empty(len(v), dtype=object)
    # Code points of the 19 characters: the date from the table of days, the clock by arithmetic; then one
    # view as '<U19' (no Python loop over the rows). In slices of 4 096 rows: small buffers stay in cache.
    codes = np.empty((min(len(v), _SLICE), 19), dtype=np.uint32)
    codes[:, 10] = ord(" ")
    codes[:, 13] = codes[:, 16] = ord(":")
    for a in range(0, len(v), _SLICE):
        b = min(a + _SLICE, len(v))
        part = codes[: b - a]
        part[:, :10] = dates[at[a:b]]
        for col, value in clock:
            part[:, col] = value[a:b] // 10 + _ZERO
            part[:, col + 1] = value[a:b] % 10 + _ZERO
        text[a:b] = part.view("<U19").reshape(b - a)
    if text is not out:
        out[has] = text
    return out


def format_times_excel(seconds: np.ndarray) -> np.ndarray:
    """``YYYY/M/D H:MM:SS`` strings as Excel/WPS re-saves them (no zero padding of month, day, hour);
    negative values give None."""
    out, has, v, day, days, at = _times(seconds)
    if not len(v):
        return out
    months = days.astype("datetime64[M]")
    years = months.astype("datetime64[Y]")
    date_text = np.array([f"{y}/{m}/{d} " for y, m, d in
                          zip((years.astype(np.int64) + 1970).tolist(), ((months - years).astype(np.int64) + 1).tolist(),
                              ((days - months).astype(np.int64) + 1).tolist(), strict=True)], dtype=object)
    tod = v - day * DAY
    out[has] = date_text[at] + _HOUR_TEXT[tod // HOUR] + _MS_TEXT[tod % HOUR]
    return out


def format_dates(seconds: np.ndarray) -> np.ndarray:
    """``YYYY-MM-DD`` strings."""
    s = np.asarray(seconds, dtype=np.int64)
    return np.datetime_as_string(s.astype("datetime64[s]").astype("datetime64[D]")).astype(object)
