# 错误示范：没有去掉店铺的 0.01 元测试订单
import pandas as pd

raw = pd.read_csv("data/orders_raw.csv", dtype=str)

# 1. 列名去空格；2. 删掉空行；3. 订单编号去重
raw.columns = raw.columns.str.strip()
orders = raw.dropna(subset=["订单编号"]).drop_duplicates(subset="订单编号").copy()

# 4. 金额：去掉“元”和千位分隔符
orders["买家实际支付金额"] = pd.to_numeric(
    orders["买家实际支付金额"].str.replace("元", "", regex=False).str.replace(",", "", regex=False))
# 5. 两种时间写法统一转换
orders["订单付款时间"] = pd.to_datetime(orders["订单付款时间"], format="mixed")

# 6. 只要成交订单（交易成功），去掉测试账号
sales = orders[orders["订单状态"] == "交易成功"].copy()

# 收货人姓名里的空格（包括全角空格）去掉；地址第一段是省份、第二段是城市
sales["收货人姓名"] = sales["收货人姓名"].str.replace(r"\s", "", regex=True)
address = sales["收货地址"].str.split()
sales["省份"] = address.str[0]
sales["城市"] = address.str[1]

# 每位客户的统计
archive = sales.groupby("买家会员名").agg(
    首次购买时间=("订单付款时间", "min"),
    最近购买时间=("订单付款时间", "max"),
    成交订单数=("订单编号", "nunique"),
    成交金额=("买家实际支付金额", "sum"),
)
archive["成交金额"] = archive["成交金额"].round(2)
archive["笔单价"] = (archive["成交金额"] / archive["成交订单数"]).round(2)

# 联系信息取最近一笔成交订单（付款时间最晚）
latest = sales.sort_values("订单付款时间").groupby("买家会员名").tail(1).set_index("买家会员名")
contact = latest[["收货人姓名", "联系手机", "省份", "城市"]]

result = contact.join(archive).reset_index()
result = result[["买家会员名", "收货人姓名", "联系手机", "省份", "城市", "首次购买时间", "最近购买时间",
                 "成交订单数", "成交金额", "笔单价"]]
print(f"客户档案共 {len(result)} 位客户")
print(result.head(10))
