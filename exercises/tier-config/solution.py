# 参考答案：会员等级设置
import pandas as pd

orders = pd.read_csv("data/orders.csv", dtype=str)
orders.columns = orders.columns.str.strip()
orders = orders.drop_duplicates(subset="订单编号")
orders["买家实际支付金额"] = pd.to_numeric(orders["买家实际支付金额"])
sales = orders[(orders["订单状态"] == "交易成功")
               & ~orders["买家会员名"].str.startswith("吃货美食团_测试")]
customers = sales.groupby("买家会员名").agg(
    金额=("买家实际支付金额", "sum"), 笔数=("订单编号", "nunique"))
amount, count = customers["金额"], customers["笔数"]


def share(min_amount, min_orders):
    """规则“任一”：金额或笔数满足其一的客户占比。"""
    return ((amount >= min_amount) | (count >= min_orders)).mean()


def thresholds(target, lowest_amount, lowest_orders):
    """找一组门槛，让达到的客户占比刚好不超过 target。"""
    # 笔数门槛：只靠笔数就达到的客户不超过目标的一半
    min_orders = max(int(count.quantile(1 - target / 2)) + 1, lowest_orders)
    # 金额门槛：分位数从低往高试，找到第一个让“满足其一”的占比 ≤ target 的金额
    q = 0.0
    while True:
        min_amount = max(int(amount.quantile(q)) + 1, lowest_amount)
        if share(min_amount, min_orders) <= target or q >= 1:
            return min_amount, min_orders
        q += 0.005


# 各等级的目标占比（“及以上”）：都留出余量——银卡及以上 30%–60%，白金卡及以上 ≤ 15%，钻石卡 ≤ 5%
targets = [("银卡", 0.45, 0.98), ("金卡", 0.25, 0.95), ("白金卡", 0.10, 0.90), ("钻石卡", 0.03, 0.85)]
tiers = []
lowest_amount, lowest_orders = 0, 0
for name, target, discount in targets:
    min_amount, min_orders = thresholds(target, lowest_amount, lowest_orders)
    tiers.append({"名称": name, "交易金额": min_amount, "交易笔数": min_orders, "折扣": discount})
    print(f"{name}：金额 ≥ {min_amount}，笔数 ≥ {min_orders}，及以上占比 {share(min_amount, min_orders):.1%}")
    lowest_amount, lowest_orders = min_amount + 1, min_orders + 1   # 下一级的门槛要严格更高

result = {"规则": "任一", "等级": tiers}
