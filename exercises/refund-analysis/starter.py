# 退款原因与类目退款率分析
import pandas as pd

refunds = pd.read_csv("data/refunds.csv", dtype={"订单编号": str})
items = pd.read_csv("data/order_items.csv", dtype={"订单编号": str})
orders = pd.read_csv("data/orders.csv", dtype={"订单编号": str})
products = pd.read_csv("data/products.csv")
orders.columns = orders.columns.str.strip()                 # 导出表的列名可能带空格

# TODO 1：用商家编码到商品目录里查出每条退款申请的类目
# TODO 2：分别按 退款原因、退款类型、类目 分组，算出申请笔数、退款金额（只算退款成功）、
#         笔数占比、平均处理时长（只算已完结的申请）
# TODO 3：类目的行再算退款率：退款成功的子订单数 ÷ 已付款的子订单数 × 100
# TODO 4：三部分上下拼成一张表

result = pd.DataFrame(columns=["维度", "分组", "申请笔数", "退款金额", "笔数占比", "平均处理时长", "退款率"])
print(result)
