# 错误示范：等级从低到高判断，np.select 取第一个成立的条件，结果所有会员都成了银卡
import numpy as np
import pandas as pd

orders = pd.read_csv("data/orders.csv", dtype=str)
orders.columns = orders.columns.str.strip()          # 导出表的列名可能带空格
orders = orders.drop_duplicates(subset="订单编号")     # 同一订单只算一次
orders["买家实际支付金额"] = pd.to_numeric(orders["买家实际支付金额"])

sales = orders[(orders["订单状态"] == "交易成功")
               & ~orders["买家会员名"].str.startswith("吃货美食团_测试")]
customers = sales.groupby("买家会员名").agg(
    累计成交金额=("买家实际支付金额", "sum"),
    累计成交笔数=("订单编号", "nunique"),
).reset_index()
customers["累计成交金额"] = customers["累计成交金额"].round(2)

# 等级表：从高到低排列，np.select 取第一个满足的条件 = 能达到的最高等级
tiers = [  # (名称, 金额门槛, 笔数门槛, 折扣)
    ("银卡", 200, 3, 0.98),
    ("金卡", 500, 5, 0.95),
    ("白金卡", 1000, 8, 0.90),
    ("钻石卡", 2000, 12, 0.85),
]
amount, count = customers["累计成交金额"], customers["累计成交笔数"]
conditions = [(amount >= a) | (count >= c) for _, a, c, _ in tiers]   # 任一：满足一个即可，门槛用 >=
customers["会员等级"] = np.select(conditions, [name for name, _, _, _ in tiers], default="非会员")
customers["折扣"] = np.select(conditions, [d for _, _, _, d in tiers], default=1.0)

result = customers[["买家会员名", "累计成交金额", "累计成交笔数", "会员等级", "折扣"]]
print(result["会员等级"].value_counts())
