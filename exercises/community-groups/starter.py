# 微信群分组
import pandas as pd

# 会员等级表（任一：成交金额或成交笔数满足其一即可）
TIERS = [("钻石卡", 2000, 12), ("白金卡", 1000, 8), ("金卡", 500, 5), ("银卡", 200, 3)]

orders = pd.read_csv("data/orders.csv", dtype=str)
orders.columns = orders.columns.str.strip()
customers = pd.read_csv("data/customers.csv", dtype=str)
customers.columns = customers.columns.str.strip()

# TODO 1：从订单算出每位客户的累计成交金额和成交笔数（先清洗）
# TODO 2：只取加入了微信群的客户，按微信入群时间从早到晚排好
# TODO 3：定会员等级，白金卡及以上进 VIP群，其余进会员群；每个群满 500 人再开下一个

result = pd.DataFrame(columns=["买家会员名", "会员等级", "群名称"])
print(result)
