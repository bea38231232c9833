# 参考答案：RFM 客户分层
import pandas as pd

REFERENCE_DATE = pd.Timestamp("2026-02-01")  # 参考日期：数据导出日

orders = pd.read_csv("data/orders.csv", dtype=str)
orders.columns = orders.columns.str.strip()          # 导出表的列名可能带空格
orders = orders.drop_duplicates(subset="订单编号")     # 同一订单可能被导出多行，只算一次
orders["买家实际支付金额"] = pd.to_numeric(orders["买家实际支付金额"], errors="coerce")
orders["订单付款时间"] = pd.to_datetime(orders["订单付款时间"], errors="coerce")

# 成交订单（本课程约定）：订单状态为“交易成功”，店铺自己的测试订单除外
sales = orders[
    (orders["订单状态"] == "交易成功")
    & ~orders["买家会员名"].str.startswith("吃货美食团_测试")
]

rfm = sales.groupby("买家会员名").agg(
    最近付款时间=("订单付款时间", "max"),
    F=("订单编号", "nunique"),
    M=("买家实际支付金额", "sum"),
)
# R = 参考日期 与 最近一次成交付款日期（只看日期）相差的天数
rfm["R"] = (REFERENCE_DATE - rfm["最近付款时间"].dt.normalize()).dt.days
rfm["M"] = rfm["M"].round(2)

# 各自与平均值比较：R 越小越“近”，所以 R ≤ 平均值为近；F、M ≥ 平均值为高
r_near = rfm["R"] <= rfm["R"].mean()
f_high = rfm["F"] >= rfm["F"].mean()
m_high = rfm["M"] >= rfm["M"].mean()

names = {
    (True, True, True): "重要价值客户",
    (False, True, True): "重要保持客户",
    (True, False, True): "重要发展客户",
    (False, False, True): "重要挽留客户",
    (True, True, False): "一般价值客户",
    (False, True, False): "一般保持客户",
    (True, False, False): "一般发展客户",
    (False, False, False): "一般挽留客户",
}
rfm["客户分层"] = [names[key] for key in zip(r_near, f_high, m_high)]

result = rfm.reset_index()[["买家会员名", "R", "F", "M", "客户分层"]]
print(result["客户分层"].value_counts())
