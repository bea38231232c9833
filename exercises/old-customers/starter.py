# 老客户筛选
import pandas as pd

orders = pd.read_csv("data/orders.csv", dtype=str)
orders.columns = orders.columns.str.strip()          # 导出表的列名可能带空格

# TODO 1：同一个订单编号只保留一行
# TODO 2：只留“交易成功”的订单，去掉买家会员名以“吃货美食团_测试”开头的测试订单
# TODO 3：把“买家实际支付金额”转成数字，按买家会员名统计成交订单数和成交金额（保留 2 位小数）
# TODO 4：筛选 成交订单数 >= 2 且 成交金额 > 40 的客户

result = pd.DataFrame(columns=["买家会员名", "成交订单数", "成交金额"])
print(result)
