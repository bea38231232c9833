# 参考答案：月度复购分析
import math

import pandas as pd

orders = pd.read_csv("data/orders.csv", dtype=str)
orders.columns = orders.columns.str.strip()          # 导出表的列名可能带空格
orders = orders.drop_duplicates(subset="订单编号")     # 同一订单只算一次
orders["买家实际支付金额"] = pd.to_numeric(orders["买家实际支付金额"], errors="coerce")
orders["订单付款时间"] = pd.to_datetime(orders["订单付款时间"], errors="coerce")

sales = orders[
    (orders["订单状态"] == "交易成功")
    & ~orders["买家会员名"].str.startswith("吃货美食团_测试")
].copy()
sales["月份"] = sales["订单付款时间"].dt.to_period("M").astype(str)

# 每位客户第一次成交的月份：在这个月之前没买过 = 这个月的新客
first_month = sales.groupby("买家会员名")["订单付款时间"].min().dt.to_period("M").astype(str)


def metrics(part, label, new_from):
    """一段时间（一个月或全部）的指标；new_from 是“在这段时间之前”的分界月份。"""
    per_buyer = part.groupby("买家会员名").agg(订单数=("订单编号", "nunique"),
                                              金额=("买家实际支付金额", "sum"))
    buyers = len(per_buyer)
    repeat = int((per_buyer["订单数"] >= 2).sum())
    amount = per_buyer["金额"].sum()
    new = int((first_month[per_buyer.index] >= new_from).sum())
    top_n = math.ceil(buyers * 0.2)                   # 前 20% 的客户数，向上取整
    top_amount = per_buyer["金额"].sort_values(ascending=False).head(top_n).sum()
    return {
        "月份": label,
        "成交客户数": buyers,
        "多次成交客户数": repeat,
        "复购率": round(repeat / buyers * 100, 2),
        "销售额": round(amount, 2),
        "客单价": round(amount / buyers, 2),
        "新客数": new,
        "复购客户数": buyers - new,
        "前20%客户销售额占比": round(top_amount / amount * 100, 2),
    }


rows = [metrics(part, month, month) for month, part in sales.groupby("月份")]
rows.append(metrics(sales, "全部", sales["月份"].min()))
result = pd.DataFrame(rows)
print(result)
