# 错误示范：按订单状态找“等待买家付款”和“交易关闭”，把付款后退款关闭的也当成没付款；
# 只去掉了有交易成功订单的买家
import pandas as pd

orders = pd.read_csv("data/orders.csv", dtype=str)
orders.columns = orders.columns.str.strip()
orders = orders.drop_duplicates(subset="订单编号")
orders = orders[~orders["买家会员名"].str.startswith("吃货美食团_测试")]
orders["总金额"] = pd.to_numeric(orders["总金额"])
orders["订单创建时间"] = pd.to_datetime(orders["订单创建时间"])

buyers_ok = set(orders.loc[orders["订单状态"] == "交易成功", "买家会员名"])
unpaid = orders[orders["订单状态"].isin(["等待买家付款", "交易关闭", "交易被淘宝关闭"])
                & ~orders["买家会员名"].isin(buyers_ok)]
result = unpaid.groupby("买家会员名").agg(
    下单次数=("订单编号", "nunique"), 最近下单时间=("订单创建时间", "max"), 未付款金额=("总金额", "sum")
).reset_index()
result["未付款金额"] = result["未付款金额"].round(2)
