# 春节囤货季短信发送计划
import pandas as pd

TEXT = "【吃货美食团】{买家昵称}，春节囤货季：坚果礼盒满199减30，2月3日24点前下单年前发货 c.tb.cn/h.5Q8 回TD退订"
PRICE = 0.05   # 元/条

customers = pd.read_csv("data/customers.csv", dtype=str)
customers.columns = customers.columns.str.strip()
log = pd.read_csv("data/sms_log.csv", dtype=str)
log.columns = log.columns.str.strip()

# TODO 1：找出同意接收营销短信的客户
# TODO 2：从日志里整理每位客户已经收到的营销短信日期（只算营销、发送成功的）
# TODO 3：对每位客户，从 2 月 1 日起找到能发的最早一天，定好发送时间
# TODO 4：算出每条短信的计费条数和费用

result = pd.DataFrame(columns=["买家会员名", "场景", "发送时间", "短信条数", "费用"])
print(result)
