# 参考答案：春节囤货季短信发送计划
import datetime as dt
import math

import pandas as pd

TEXT = "【吃货美食团】{买家昵称}，春节囤货季：坚果礼盒满199减30，2月3日24点前下单年前发货 c.tb.cn/h.5Q8 回TD退订"
DAYS = [dt.date(2026, 2, 1), dt.date(2026, 2, 2), dt.date(2026, 2, 3)]   # 活动期
SEND_AT = "12:00"          # 推荐时段 11:30–13:30 之内
PRICE = 0.05               # 元/条

customers = pd.read_csv("data/customers.csv", dtype=str)
customers.columns = customers.columns.str.strip()
fans = customers.loc[customers["是否订阅短信"] == "是", "买家会员名"]

# 已经发过的营销短信：只算短信类型为“营销”且发送成功的
log = pd.read_csv("data/sms_log.csv", dtype=str)
log.columns = log.columns.str.strip()
sent = log[(log["短信类型"] == "营销") & (log["发送状态"] == "成功")].copy()
sent["日期"] = pd.to_datetime(sent["发送时间"]).dt.date
history = {}   # 买家会员名 → 已收到营销短信的日期
for nick, day in zip(sent["买家会员名"], sent["日期"]):
    history.setdefault(nick, []).append(day)


def can_send(day, earlier):
    """day 这天能不能再发一条营销短信。"""
    # 1) 和任何一条营销短信至少隔 3 天
    if any(abs((day - d).days) < 3 for d in earlier):
        return False
    # 2) 含这一条在内，30 天内不超过 6 条：往前 29 天里最多已有 5 条
    recent = [d for d in earlier if 0 < (day - d).days < 30]
    return len(recent) + 1 <= 6


def segments(n):
    return 1 if n <= 70 else math.ceil(n / 67)


rows = []
for nick in fans:
    earlier = history.get(nick, [])
    day = next((d for d in DAYS if can_send(d, earlier)), None)   # 能发的最早一天
    if day is None:
        continue                                                  # 活动期内都超频，这次不发
    n = segments(len(TEXT.replace("{买家昵称}", nick)))
    rows.append({"买家会员名": nick, "场景": "活动通知", "发送时间": f"{day} {SEND_AT}",
                 "短信条数": n, "费用": round(n * PRICE, 2)})

result = pd.DataFrame(rows)
print(result["发送时间"].value_counts())
print("共", len(result), "人，", result["短信条数"].sum(), "条，费用", round(result["费用"].sum(), 2), "元")
