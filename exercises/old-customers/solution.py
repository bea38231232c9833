# 参考答案：老客户筛选
import pandas as pd

orders = pd.read_csv("data/orders.csv", dtype=str)
orders.columns = orders.columns.str.strip()          # 导出表的列名可能带空格
orders = orders.drop_duplicates(subset="订单编号")     # 同一订单可能被导出多行，只算一次
orders["买家实际支付金额"] = pd.to_numeric(orders["买家实际支付金额"], errors="coerce")

# 成交 = 订单状态为“交易成功”；店铺测试账号的订单不算
sales = orders[
    (orders["订单状态"] == "交易成功")
    & ~orders["买家会员名"].str.startswith("吃货美食团_测试")
]

per_buyer = sales.groupby("买家会员名").agg(
    成交订单数=("订单编号", "nunique"),
    成交金额=("买家实际支付金额", "sum"),
).reset_index()
per_buyer["成交金额"] = per_buyer["成交金额"].round(2)

# 老客户：成交订单数 ≥ 2 且 成交金额 > 40 元（正好 40 元不算）
result = per_buyer[(per_buyer["成交订单数"] >= 2) & (per_buyer["成交金额"] > 40)]
result = result[["买家会员名", "成交订单数", "成交金额"]].reset_index(drop=True)
print(f"老客户共 {len(result)} 位")
print(result.head(10))
