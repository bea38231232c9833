# 建立客户档案
import pandas as pd

raw = pd.read_csv("data/orders_raw.csv", dtype=str)
raw.columns = raw.columns.str.strip()                # 列名带空格，先去掉

# TODO 1：删掉订单编号为空的行，订单编号去重
# TODO 2：买家实际支付金额去掉“元”和千位分隔符再转数字；订单付款时间用 pd.to_datetime(..., format="mixed")
# TODO 3：只留“交易成功”的订单，去掉“吃货美食团_测试”开头的测试账号
# TODO 4：按买家统计首次/最近购买时间、成交订单数、成交金额、笔单价
# TODO 5：收货人姓名、联系手机、省份、城市取每位客户付款时间最晚的那笔成交订单

result = pd.DataFrame(columns=["买家会员名", "收货人姓名", "联系手机", "省份", "城市", "首次购买时间",
                               "最近购买时间", "成交订单数", "成交金额", "笔单价"])
print(result)
