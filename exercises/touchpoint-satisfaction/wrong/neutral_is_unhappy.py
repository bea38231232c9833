# 错误示范：把“一般”也算成了不满意
import pandas as pd

chats = pd.read_csv("data/chats.csv", dtype=str)

# 去掉员工测试账号的会话
chats = chats[~chats["买家会员名"].str.startswith("吃货美食团_测试")].copy()

chats["已评价"] = chats["满意度评价"].notna()                        # 空着的是没有评价
chats["满意"] = chats["满意度评价"].isin(["非常满意", "满意"])
chats["不满意"] = chats["满意度评价"].isin(["一般", "不满意", "非常不满意"])

rows = []
for kind, part in chats.groupby("咨询类型"):
    sessions = len(part)
    rated = part["已评价"].sum()
    rows.append({
        "咨询类型": kind,
        "会话数": sessions,
        "评价数": rated,
        "评价率": round(rated / sessions * 100, 2),
        "满意率": round(part["满意"].sum() / rated * 100, 2),
        "不满意率": round(part["不满意"].sum() / rated * 100, 2),
    })

result = pd.DataFrame(rows).sort_values("满意率").reset_index(drop=True)
print(result)
