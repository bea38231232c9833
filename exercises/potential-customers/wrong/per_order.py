# 错误示范：按订单筛选“没付款的订单”，没有去掉已经在别的订单里付过款的买家
import pandas as pd

orders = pd.read_csv("data/orders.csv", dtype=str)
orders.columns = orders.columns.str.strip()
orders = orders.drop_duplicates(subset="订单编号")
orders = orders[~orders["买家会员名"].str.startswith("吃货美食团_测试")]
orders["总金额"] = pd.to_numeric(orders["总金额"])
orders["订单创建时间"] = pd.to_datetime(orders["订单创建时间"])

unpaid = orders[orders["订单付款时间"].isna()]
result = unpaid.groupby("买家会员名").agg(
    下单次数=("订单编号", "nunique"), 最近下单时间=("订单创建时间", "max"), 未付款金额=("总金额", "sum")
).reset_index()
result["未付款金额"] = result["未付款金额"].round(2)
