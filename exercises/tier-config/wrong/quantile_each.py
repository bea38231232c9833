# 错误示范：金额和笔数各取同一个分位数，忘了“任一”规则下两部分客户会加在一起，占比超标
import pandas as pd

orders = pd.read_csv("data/orders.csv", dtype=str)
orders.columns = orders.columns.str.strip()
orders = orders.drop_duplicates(subset="订单编号")
orders["买家实际支付金额"] = pd.to_numeric(orders["买家实际支付金额"])
sales = orders[(orders["订单状态"] == "交易成功")
               & ~orders["买家会员名"].str.startswith("吃货美食团_测试")]
customers = sales.groupby("买家会员名").agg(
    金额=("买家实际支付金额", "sum"), 笔数=("订单编号", "nunique"))

tiers = []
for name, q, discount in [("银卡", 0.55, 0.98), ("金卡", 0.75, 0.95), ("白金卡", 0.85, 0.90), ("钻石卡", 0.95, 0.85)]:
    tiers.append({"名称": name, "交易金额": round(customers["金额"].quantile(q)),
                  "交易笔数": int(customers["笔数"].quantile(q)) + 1, "折扣": discount})
result = {"规则": "任一", "等级": tiers}
