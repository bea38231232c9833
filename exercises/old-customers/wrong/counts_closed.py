# 错误示范：把“交易关闭”的订单也当成交
import pandas as pd

orders = pd.read_csv("data/orders.csv", dtype=str)
orders.columns = orders.columns.str.strip()
orders = orders.drop_duplicates(subset="订单编号")
orders["买家实际支付金额"] = pd.to_numeric(orders["买家实际支付金额"], errors="coerce")

sales = orders[orders["订单状态"].isin(["交易成功", "交易关闭"])
               & ~orders["买家会员名"].str.startswith("吃货美食团_测试")]
per_buyer = sales.groupby("买家会员名").agg(
    成交订单数=("订单编号", "nunique"), 成交金额=("买家实际支付金额", "sum")).reset_index()
per_buyer["成交金额"] = per_buyer["成交金额"].round(2)
result = per_buyer[(per_buyer["成交订单数"] >= 2) & (per_buyer["成交金额"] > 40)]
