"""The ``sms_log`` table: what the shop's 千牛 SMS service sent during the period.

Order notifications (发货提醒, 签收关怀, 物流异常) go to every buyer of the order; marketing
(活动通知, 生日关怀) only to buyers who agreed (是否订阅短信 = 是), between 08:00 and 21:00.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from datasets.constants import STORE_TAOBAO
from datasets.names import mask_mobile
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


def _frame(time: np.ndarray, nick: np.ndarray, phone: np.ndarray, scene: tuple[str, str],
           text: np.ndarray) -> pd.DataFrame:
    scene, kind = scene
    return pd.DataFrame({"t": np.asarray(time, dtype=np.int64), "买家会员名": nick, "手机号": phone,
                         "场景": scene, "短信类型": kind, "短信内容": text})


def sms_table(rng: np.random.Generator, people: People, o: Orders, consent: np.ndarray,
              birthday: np.ndarray) -> pd.DataFrame:
    """``consent`` and ``birthday`` (``MM-DD`` or None) are per buyer, aligned with ``people``."""
    parts = []
    shipped = np.flatnonzero(o.ship >= 0)
    nick = people.nick[o.buyer]
    parts.append(_frame(o.ship[shipped], nick[shipped], people.phone[o.buyer][shipped], ("发货提醒", "通知"),
                        SIGN + "亲，您的零食已由" + o.carrier[shipped] + "发出，运单号" + o.tracking[shipped]
                        + "，请留意查收。"))
    care = np.flatnonzero((o.confirm >= 0) & (rng.random(len(o.buyer)) < 0.3))
    parts.append(_frame(o.confirm[care] + rng.integers(0, HOUR, len(care)), nick[care],
                        people.phone[o.buyer][care], ("签收关怀", "通知"),
                        SIGN + nick[care] + "，您的零食已签收，开袋后请密封保存，有问题随时找客服哦。"))
    late = (o.ship >= 0) & (o.ship + 3 * DAY < EXPORT_S) & (rng.random(len(o.buyer)) < 0.015)
    late = np.flatnonzero(late)
    parts.append(_frame(o.ship[late] + 3 * DAY, nick[late], people.phone[o.buyer][late], ("物流异常", "通知"),
                        SIGN + "亲，您的包裹在" + o.carrier[late]
                        + "中转时有延误，我们已联系加急处理，给您添麻烦了。"))

    fans = np.flatnonzero(consent)
    for start, text, reach in _CAMPAIGNS:
        who = fans[rng.random(len(fans)) < reach]
        t = epoch_seconds(start) + rng.integers(0, 40 * 60, len(who))
        parts.append(_frame(t, people.nick[who], people.phone[who], ("活动通知", "营销"),
                            np.full(len(who), SIGN + text, dtype=object)))

    bday = pd.Series(birthday, dtype=object)
    has = consent & bday.notna().to_numpy()
    who = np.flatnonzero(has)
    md = bday[who].str[5:].to_numpy(dtype=object)
    year = np.where(pd.Series(md).str[:2].to_numpy(dtype=object) == "01", "2026", "2025")
    date_text = pd.Series(year + "-" + md)
    in_period = date_text.between("2025-11-01", "2026-01-31").to_numpy()
    who, date_text = who[in_period], date_text[in_period]
    day_s = (pd.to_datetime(date_text, format="%Y-%m-%d").to_numpy().astype("datetime64[s]").astype(np.int64))
    parts.append(_frame(day_s + 10 * HOUR + rng.integers(0, HOUR, len(who)), people.nick[who], people.phone[who],
                        ("生日关怀", "营销"),
                        SIGN + people.nick[who] + "，生日快乐！送您10元无门槛券，7天内有效。回T退订"))

    log = pd.concat(parts, ignore_index=True)
    log = log.loc[log["t"] < EXPORT_S]
    # Sorted by time; ties keep the order above (stable), which is itself deterministic.
    log = log.take(np.argsort(log["t"].to_numpy(), kind="stable")).reset_index(drop=True)
    length = log["短信内容"].str.len().to_numpy(dtype=np.int64)
    segments = np.where(length <= 70, 1, -(-length // 67))
    status = np.where(rng.random(len(log)) < 0.965, "成功", "失败").astype(object)
    return pd.DataFrame({
        "发送时间": format_times(log["t"].to_numpy()),
        "买家会员名": log["买家会员名"].to_numpy(dtype=object),
        "手机号": mask_mobile(log["手机号"].to_numpy(dtype=object)),
        "场景": log["场景"].to_numpy(dtype=object),
        "短信类型": log["短信类型"].to_numpy(dtype=object),
        "短信内容": log["短信内容"].to_numpy(dtype=object),
        "字数": length,
        "计费条数": segments.astype(np.int64),
        "发送状态": status,
    })
