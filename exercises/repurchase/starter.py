# 月度复购分析
import pandas as pd

orders = pd.read_csv("data/orders.csv", dtype=str)
orders.columns = orders.columns.str.strip()          # 导出表的列名可能带空格

# TODO 1：清洗——订单编号去重；只留“交易成功”的订单；去掉“吃货美食团_测试”开头的测试订单
# TODO 2：按付款时间得到“月份”（例如 2025-11），并找出每位客户第一次成交的月份
# TODO 3：逐月算出各项指标，最后加一行“全部”

result = pd.DataFrame(columns=["月份", "成交客户数", "多次成交客户数", "复购率", "销售额", "客单价",
                               "新客数", "复购客户数", "前20%客户销售额占比"])
print(result)
