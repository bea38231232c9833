# 错误示范：笔数占比写成了小数（0.25），没有乘以 100
import pandas as pd

refunds = pd.read_csv("data/refunds.csv", dtype={"订单编号": str})
items = pd.read_csv("data/order_items.csv", dtype={"订单编号": str})
orders = pd.read_csv("data/orders.csv", dtype={"订单编号": str})
products = pd.read_csv("data/products.csv")
orders.columns = orders.columns.str.strip()                 # 导出表的列名可能带空格
orders = orders.drop_duplicates(subset="订单编号")            # 同一订单只算一次

# 每条申请属于哪个类目：用商家编码到商品目录里查
category = products.set_index("商家编码")["类目"]
refunds["类目"] = refunds["商家编码"].map(category)
total = len(refunds)


def summary(dimension):
    """按一个维度分组：申请笔数、退款金额（只算退款成功）、笔数占比、平均处理时长（只算已完结）。"""
    rows = []
    for group, part in refunds.groupby(dimension):
        success = part[part["退款状态"] == "退款成功"]
        rows.append({
            "维度": dimension,
            "分组": group,
            "申请笔数": len(part),
            "退款金额": round(success["退款金额"].sum(), 2),
            "笔数占比": round(len(part) / total, 4),
            "平均处理时长": round(part["处理时长小时"].mean(), 2),   # mean() 跳过还在处理的空值
        })
    return pd.DataFrame(rows)


# 类目退款率 = 退款成功的子订单数 ÷ 已付款的子订单数
paid_orders = orders.loc[orders["订单付款时间"].notna(), "订单编号"]
paid_lines = items[items["订单编号"].isin(paid_orders)].copy()
paid_lines["类目"] = paid_lines["商家编码"].map(category)   # 测试订单的 TEST-001 查不到类目，自然不算
paid_count = paid_lines.groupby("类目").size()
refunded_count = refunds[refunds["退款状态"] == "退款成功"].groupby("类目").size()

by_category = summary("类目")
by_category["退款率"] = [round(refunded_count.get(c, 0) / paid_count[c] * 100, 2) for c in by_category["分组"]]

result = pd.concat([summary("退款原因"), summary("退款类型"), by_category], ignore_index=True)
print(result)
