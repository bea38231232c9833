# RFM 客户分层
import pandas as pd

REFERENCE_DATE = pd.Timestamp("2026-02-01")  # 参考日期：数据导出日

orders = pd.read_csv("data/orders.csv", dtype=str)
orders.columns = orders.columns.str.strip()          # 导出表的列名可能带空格

# TODO 1：清洗——同一订单编号只算一次；只留“交易成功”的订单；去掉“吃货美食团_测试”开头的测试订单
# TODO 2：按买家会员名汇总出 R（距参考日期的天数）、F（订单数）、M（实付金额合计，保留 2 位小数）
# TODO 3：R、F、M 各自与平均值比较，按八种分层命名

result = pd.DataFrame(columns=["买家会员名", "R", "F", "M", "客户分层"])
print(result)
