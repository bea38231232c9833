# 会员等级划分
import numpy as np
import pandas as pd

orders = pd.read_csv("data/orders.csv", dtype=str)
orders.columns = orders.columns.str.strip()          # 导出表的列名可能带空格

# TODO 1：订单编号去重；只留“交易成功”的订单；去掉“吃货美食团_测试”开头的测试账号
# TODO 2：按买家统计 累计成交金额（买家实际支付金额之和，保留 2 位小数）和 累计成交笔数
# TODO 3：按等级表划分：金额 >= 门槛 或 笔数 >= 门槛 即达到；取最高等级；都达不到的是“非会员”（折扣 1）
#         提示：np.select(条件列表, 取值列表, default=...) 会取第一个成立的条件，条件要从高等级排到低等级

result = pd.DataFrame(columns=["买家会员名", "累计成交金额", "累计成交笔数", "会员等级", "折扣"])
print(result)
