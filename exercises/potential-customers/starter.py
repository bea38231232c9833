# 潜在客户
import pandas as pd

orders = pd.read_csv("data/orders.csv", dtype=str)
orders.columns = orders.columns.str.strip()          # 导出表的列名可能带空格

# TODO 1：订单编号去重；去掉买家会员名以“吃货美食团_测试”开头的测试订单
# TODO 2：找出付过款的买家（“订单付款时间”不为空的订单的买家）
# TODO 3：剩下一笔都没付过款的买家，按买家统计 下单次数、最近下单时间、未付款金额（总金额之和，保留 2 位小数）

result = pd.DataFrame(columns=["买家会员名", "下单次数", "最近下单时间", "未付款金额"])
print(result)
