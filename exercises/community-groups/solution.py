# 参考答案：微信群分组
import pandas as pd

# 会员等级表（任一：成交金额或成交笔数满足其一即可），从高到低判断
TIERS = [("钻石卡", 2000, 12), ("白金卡", 1000, 8), ("金卡", 500, 5), ("银卡", 200, 3)]
VIP_TIERS = {"钻石卡", "白金卡"}
GROUP_SIZE = 500

orders = pd.read_csv("data/orders.csv", dtype=str)
orders.columns = orders.columns.str.strip()
orders = orders.drop_duplicates(subset="订单编号")
orders["买家实际支付金额"] = pd.to_numeric(orders["买家实际支付金额"], errors="coerce")
sales = orders[
    (orders["订单状态"] == "交易成功")
    & ~orders["买家会员名"].str.startswith("吃货美食团_测试")
]
totals = sales.groupby("买家会员名").agg(金额=("买家实际支付金额", "sum"), 笔数=("订单编号", "nunique"))
totals["金额"] = totals["金额"].round(2)   # 保留到分：小数相加有误差，正好 500 元可能算成 499.99999……

customers = pd.read_csv("data/customers.csv", dtype=str)
customers.columns = customers.columns.str.strip()
members = customers[customers["是否加入微信群"] == "是"].copy()
members["微信入群时间"] = pd.to_datetime(members["微信入群时间"])
# 入群早的在前，最新入群的排在最后；同一时刻按会员名
members = members.sort_values(["微信入群时间", "买家会员名"])
members = members.join(totals, on="买家会员名")
members[["金额", "笔数"]] = members[["金额", "笔数"]].fillna(0)


def tier_of(amount, count):
    for name, min_amount, min_count in TIERS:
        if amount >= min_amount or count >= min_count:
            return name
    return "非会员"


members["会员等级"] = [tier_of(a, c) for a, c in zip(members["金额"], members["笔数"])]
members["群类型"] = ["VIP群" if t in VIP_TIERS else "会员群" for t in members["会员等级"]]
# 每类群里按入群顺序编号：第 1–500 位进 01 群，第 501–1000 位进 02 群……
position = members.groupby("群类型").cumcount()
members["群名称"] = ["吃货美食团·" + kind + f"{pos // GROUP_SIZE + 1:02d}"
                    for kind, pos in zip(members["群类型"], position)]

result = members[["买家会员名", "会员等级", "群名称"]].reset_index(drop=True)
print(result["群名称"].value_counts().sort_index())
