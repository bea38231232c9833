# 接触点满意度
import pandas as pd

chats = pd.read_csv("data/chats.csv", dtype=str)

# TODO 1：去掉买家会员名以“吃货美食团_测试”开头的员工测试会话
# TODO 2：标记每个会话：有没有评价（满意度评价不为空）、算不算满意、算不算不满意
# TODO 3：按咨询类型逐个统计会话数、评价数、评价率、满意率、不满意率（百分数，保留 2 位小数）

result = pd.DataFrame(columns=["咨询类型", "会话数", "评价数", "评价率", "满意率", "不满意率"])
print(result)
