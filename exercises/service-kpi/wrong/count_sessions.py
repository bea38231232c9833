# 错误示范：接待人数、询单人数、询单成交人数数的是会话条数，没有按买家去重
import pandas as pd

chats = pd.read_csv("data/chats.csv", dtype=str)
orders = pd.read_csv("data/orders.csv", dtype=str)
orders.columns = orders.columns.str.strip()                 # 导出表的列名可能带空格

# 去掉员工测试账号的会话
chats = chats[~chats["买家会员名"].str.startswith("吃货美食团_测试")].copy()

# 成交订单：订单编号去重，只留交易成功，去掉测试订单
orders = orders.drop_duplicates(subset="订单编号")
deals = orders[(orders["订单状态"] == "交易成功")
               & ~orders["买家会员名"].str.startswith("吃货美食团_测试")]
chats["询单成交"] = (chats["是否询单"] == "是") & chats["关联订单编号"].isin(deals["订单编号"])

# 首次响应秒数有的写成“35秒”：去掉单位再转数字；空值（没人回复）保持为空
chats["首响秒"] = pd.to_numeric(chats["首次响应秒数"].str.replace("秒", "", regex=False))
chats["满意"] = chats["满意度评价"].isin(["非常满意", "满意"])
chats["已评价"] = chats["满意度评价"].notna()

rows = []
for account, part in chats.groupby("客服子账号"):
    asked = part[part["是否询单"] == "是"]
    asked_buyers = len(asked)
    deal_buyers = int(asked["询单成交"].sum())
    rated = part["已评价"].sum()
    rows.append({
        "客服子账号": account,
        "接待人数": len(part),
        "询单人数": asked_buyers,
        "询单成交人数": deal_buyers,
        "询单转化率": round(deal_buyers / asked_buyers * 100, 2),
        "平均首次响应秒数": round(part["首响秒"].mean(), 2),      # mean() 自动跳过空值
        "满意率": round(part["满意"].sum() / rated * 100, 2),
    })

result = pd.DataFrame(rows)
print(result)
