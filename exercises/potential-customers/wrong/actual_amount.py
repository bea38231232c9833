# 错误示范：未付款金额用了“买家实际支付金额”（没付款的订单这一列是 0）
import pandas as pd

orders = pd.read_csv("data/orders.csv", dtype=str)
orders.columns = orders.columns.str.strip()
orders = orders.drop_duplicates(subset="订单编号")
orders = orders[~orders["买家会员名"].str.startswith("吃货美食团_测试")]
orders["买家实际支付金额"] = pd.to_numeric(orders["买家实际支付金额"])
orders["订单创建时间"] = pd.to_datetime(orders["订单创建时间"])

paid_buyers = set(orders.loc[orders["订单付款时间"].notna(), "买家会员名"])
unpaid = orders[orders["订单付款时间"].isna() & ~orders["买家会员名"].isin(paid_buyers)]
result = unpaid.groupby("买家会员名").agg(
    下单次数=("订单编号", "nunique"), 最近下单时间=("订单创建时间", "max"), 未付款金额=("买家实际支付金额", "sum")
).reset_index()
