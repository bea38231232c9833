# 客服绩效指标
import pandas as pd

chats = pd.read_csv("data/chats.csv", dtype=str)
orders = pd.read_csv("data/orders.csv", dtype=str)
orders.columns = orders.columns.str.strip()                 # 导出表的列名可能带空格

# TODO 1：去掉“吃货美食团_测试”开头的员工测试账号的会话
# TODO 2：找出成交订单（订单编号去重、订单状态为交易成功、去掉测试订单），
#         标记哪些询单会话的“关联订单编号”是成交订单
# TODO 3：首次响应秒数有的写成“35秒”，先去掉“秒”再转成数字
# TODO 4：按客服子账号逐个统计下面各列

result = pd.DataFrame(columns=["客服子账号", "接待人数", "询单人数", "询单成交人数",
                               "询单转化率", "平均首次响应秒数", "满意率"])
print(result)
