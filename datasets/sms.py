"""The ``sms_log`` table: what the shop's 千牛 SMS service sent during the period.

Order notifications (发货提醒, 签收关怀, 物流异常) go to every buyer of the order; marketing
(活动通知, 生日关怀) only to buyers who agreed (是否订阅短信 = 是), between 08:00 and 21:00.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from datasets.constants import STORE_TAOBAO
from datasets.names import labels, mask_mobile
from datasets.orders import Orders
from datasets.people import People
from datasets.timeline import DAY, EXPORT_S, HOUR, epoch_seconds, format_times

SIGN = f"【{STORE_TAOBAO}】"

# (send start, text, share of consenting buyers reached)
_CAMPAIGNS = (
    (dt.datetime(2025, 11, 9, 12, 0), "双11提前加购，坚果满199减30，11日零点开抢，别错过哦。回T退订", 0.5),
    (dt.datetime(2025, 11, 10, 19, 0), "双11明晚零点开抢，前1小时下单加送试吃装一包。回T退订", 0.4),
    (dt.datetime(2025, 12, 10, 12, 0), "双12年终回馈，全店零食满99减10，老朋友专享。回T退订", 0.4),
    (dt.datetime(2025, 12, 11, 18, 30), "双12明天开始，肉脯礼盒第二件半价，限量500件。回T退订", 0.35),
    (dt.datetime(2026, 1, 6, 12, 0), "年货节预告：坚果礼盒1月10日开售，先收藏不迷路。回T退订", 0.45),
    (dt.datetime(2026, 1, 10, 18, 30), "年货节开始啦，坚果礼盒满199减30，顺丰可选。回T退订", 0.45),
    (dt.datetime(2026, 1, 14, 12, 0), "年货节第二波：糕点礼盒买二送一，送长辈正合适。回TD退订", 0.45),
    (dt.datetime(2026, 1, 18, 18, 30), "年货节会员日，老客户领20元券，满159可用。回T退订", 0.45),
    (dt.datetime(2026, 1, 22, 12, 0), "春节前最后发货提醒：1月26日前下单，年前送达。回T退订", 0.45),
    (dt.datetime(2026, 1, 26, 18, 30), "年货节返场，零食大礼包限时79元，数量有限。回T退订", 0.45),
    (dt.datetime(2026, 1, 30, 12, 0), "新年新品上架：冻干榴莲、低脂鸡胸肉干，尝鲜价9折。回T退订", 0.45),
)


_SCENES = (("发货提醒", "通知"), ("签收关怀", "通知"), ("物流异常", "通知"), ("活动通知", "营销"), ("生日关怀", "营销"))
_SHIP, _CARE, _LATE, _CAMPAIGN, _BIRTHDAY = range(len(_SCENES))


def _part(time: np.ndarray, who: np.ndarray, scene: int, text: np.ndarray | str) -> tuple[np.ndarray, ...]:
    """One kind of message: send time, buyer (index into ``people``), scene (index into _SCENES), text and its
    length in characters (``text`` may be one text for every row)."""
    n = len(who)
    if isinstance(text, str):
        length = np.full(n, len(text), dtype=np.int64)
        text = np.full(n, text, dtype=object)
    else:
        length = np.fromiter(map(len, text.tolist()), dtype=np.int64, count=n)
    return np.asarray(time, dtype=np.int64), who, np.full(n, scene, dtype=np.int64), text, length


def sms_table(rng: np.random.Generator, people: People, o: Orders, consent: np.ndarray,
              birthday: np.ndarray) -> pd.DataFrame:
    """``consent`` and ``birthday`` (``MM-DD`` or None) are per buyer, aligned with ``people``."""
    parts = []
    shipped = np.flatnonzero(o.ship >= 0)
    nick = people.nick[o.buyer]
    parts.append(_part(o.ship[shipped], o.buyer[shipped], _SHIP,
                       SIGN + "亲，您的零食已由" + o.carrier[shipped] + "发出，运单号" + o.tracking[shipped]
                       + "，请留意查收。"))
    care = np.flatnonzero((o.confirm >= 0) & (rng.random(len(o.buyer)) < 0.3))
    parts.append(_part(o.confirm[care] + rng.integers(0, HOUR, len(care)), o.buyer[care], _CARE,
                       SIGN + nick[care] + "，您的零食已签收，开袋后请密封保存，有问题随时找客服哦。"))
    late = (o.ship >= 0) & (o.ship + 3 * DAY < EXPORT_S) & (rng.random(len(o.buyer)) < 0.015)
    late = np.flatnonzero(late)
    parts.append(_part(o.ship[late] + 3 * DAY, o.buyer[late], _LATE,
                       SIGN + "亲，您的包裹在" + o.carrier[late] + "中转时有延误，我们已联系加急处理，给您添麻烦了。"))

    fans = np.flatnonzero(consent)
    for start, text, reach in _CAMPAIGNS:
        who = fans[rng.random(len(fans)) < reach]
        t = epoch_seconds(start) + rng.integers(0, 40 * 60, len(who))
        parts.append(_part(t, who, _CAMPAIGN, SIGN + text))

    who = np.flatnonzero(consent & pd.notna(birthday))
    md = np.array([b[5:] for b in birthday[who].tolist()], dtype=object)
    year = np.where(np.array([m[:2] for m in md.tolist()], dtype=object) == "01", "2026", "2025")
    date_text = year + "-" + md
    in_period = (date_text >= "2025-11-01") & (date_text <= "2026-01-31")
    who, date_text = who[in_period], date_text[in_period]
    day_s = (pd.to_datetime(date_text, format="%Y-%m-%d").to_numpy().astype("datetime64[s]").astype(np.int64))
    parts.append(_part(day_s + 10 * HOUR + rng.integers(0, HOUR, len(who)), who, _BIRTHDAY,
                       SIGN + people.nick[who] + "，生日快乐！送您10元无门槛券，7天内有效。回T退订"))

    t, who, scene, text, length = (np.concatenate(column) for column in zip(*parts, strict=True))
    # Sorted by time; ties keep the order above (stable), which is itself deterministic.
    sent = np.flatnonzero(t < EXPORT_S)
    rows = sent[np.argsort(t[sent], kind="stable")]
    who, scene, text, length = who[rows], scene[rows], text[rows], length[rows]
    segments = np.where(length <= 70, 1, -(-length // 67))
    status = labels(rng.random(len(rows)) < 0.965, "失败", "成功")
    return pd.DataFrame({
        "发送时间": format_times(t[rows]),
        "买家会员名": people.nick[who],
        "手机号": mask_mobile(people.phone)[who],
        "场景": np.array([sc for sc, _ in _SCENES], dtype=object)[scene],
        "短信类型": np.array([kind for _, kind in _SCENES], dtype=object)[scene],
        "短信内容": text,
        "字数": length,
        "计费条数": segments.astype(np.int64),
        "发送状态": status,
    })
