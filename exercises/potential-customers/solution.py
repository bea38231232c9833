# 参考答案：潜在客户
import pandas as pd

orders = pd.read_csv("data/orders.csv", dtype=str)
orders.columns = orders.columns.str.strip()          # 导出表的列名可能带空格
orders = orders.drop_duplicates(subset="订单编号")     # 同一订单只算一次
orders = orders[~orders["买家会员名"].str.startswith("吃货美食团_测试")]   # 去掉测试账号
orders["总金额"] = pd.to_numeric(orders["总金额"], errors="coerce")
orders["订单创建时间"] = pd.to_datetime(orders["订单创建时间"])

# 付过款的订单：订单付款时间不为空
paid = orders["订单付款时间"].notna()
paid_buyers = set(orders.loc[paid, "买家会员名"])

# 潜在客户：一笔都没付过款的买家（他们的订单全部是没付款的订单）
unpaid = orders[~paid & ~orders["买家会员名"].isin(paid_buyers)]

result = unpaid.groupby("买家会员名").agg(
    下单次数=("订单编号", "nunique"),
    最近下单时间=("订单创建时间", "max"),
    未付款金额=("总金额", "sum"),
).reset_index()
result["未付款金额"] = result["未付款金额"].round(2)
print(f"潜在客户共 {len(result)} 位")
print(result.sort_values("最近下单时间", ascending=False).head(10))
