"""Fixed facts of the running case: period, reference date, stores, status strings and table names.

Every variant shares these, so an exercise's instructions (dates, rules) stay true for every student.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

COURSE_SEED: Final = "chihuo-meishituan/2025-2026"
"""Course-wide seed text mixed into every 学号 (changing it changes every dataset)."""

PERIOD_START: Final = dt.date(2025, 11, 1)
"""First day of the orders (inclusive)."""
PERIOD_END: Final = dt.date(2026, 1, 31)
"""Last day of the orders (inclusive): three months covering 双11, 双12 and 年货节."""
REFERENCE_DATE: Final = dt.date(2026, 2, 1)
"""The day the exports were taken (00:00); lessons compute R (days since last purchase) against it."""
EXPORT_TIME: Final = dt.datetime(2026, 2, 1, 0, 0, 0)
"""Moment of the export: order statuses are those seen at this time."""

CAMPAIGNS: Final = {
    "双11": (dt.date(2025, 11, 1), dt.date(2025, 11, 11)),
    "双12": (dt.date(2025, 12, 8), dt.date(2025, 12, 12)),
    "年货节": (dt.date(2026, 1, 10), dt.date(2026, 1, 25)),
}
"""Promotion windows of the simulated shop (inclusive), used for seasonality."""

DEFAULT_ORDERS: Final = 10_000
"""Orders in the lessons' default dataset (before duplicated export rows are added)."""

STORE_TAOBAO: Final = "吃货美食团"
STORE_TMALL: Final = "吃货美食团旗舰店"
STORES: Final = (STORE_TAOBAO, STORE_TMALL)
STORE_IDS: Final = {STORE_TAOBAO: 106358172, STORE_TMALL: 2201447893}

ST_WAIT_PAY: Final = "等待买家付款"
ST_WAIT_SHIP: Final = "买家已付款，等待卖家发货"
ST_SHIPPED: Final = "卖家已发货，等待买家确认"
ST_SUCCESS: Final = "交易成功"
ST_CLOSED: Final = "交易关闭"
ST_CLOSED_BY_TAOBAO: Final = "交易被淘宝关闭"
STATUSES: Final = (ST_WAIT_PAY, ST_WAIT_SHIP, ST_SHIPPED, ST_SUCCESS, ST_CLOSED, ST_CLOSED_BY_TAOBAO)

CLOSE_AFTER_PAY: Final = "付款以后用户退款成功，交易自动关闭"
CLOSE_BEFORE_PAY: Final = "付款以前，卖家或买家主动关闭交易"

TEST_ACCOUNTS: Final = ("吃货美食团_测试01", "吃货美食团_测试02")
"""Staff accounts that place 0.01 元 test orders (not customers)."""
TEST_TITLE: Final = "【测试链接】请勿拍下 0.01元"

TRAFFIC_SOURCES: Final = ("搜索", "直通车", "淘宝客", "微淘", "回头客", "其他")
"""traffic.流量来源; 回头客 = visitors who bought here before (rule book: not 老客户, which is a customer class)."""
CHANNELS: Final = ("搜索", "直通车", "淘宝客", "微淘", "其他")
"""How a customer first found the shop (customers.来源渠道)."""

TABLES: Final = {
    "orders": "订单报表：淘宝/天猫后台导出的订单，41 列，一行一个订单（含重复行、测试订单等真实导出的瑕疵）",
    "order_items": "宝贝报表：订单里的每件宝贝一行（标题、价格、购买数量、商家编码、商品属性）",
    "customers": "客户资料：每位下过单的买家一行（性别、生日、地区、来源渠道、是否订阅短信、社群）",
    "sms_log": "短信发送日志：千牛短信的发送记录（场景、时间、内容、计费条数、状态）",
    "traffic": "流量来源：两个店铺每天各流量来源的访客数、浏览量、支付买家数和支付金额",
    "products": "商品目录：店铺在售的零食（类目、价格、净含量、商家编码）",
    "orders_raw": "手工合并的订单表：同一批订单，两个店铺分别导出后粘贴到一起（金额带“元”和千位分隔符、两种日期格式、空行）",
    "chats": "客服会话：千牛接待记录，一行一次会话（客服子账号、买家、起止时间、响应秒数、是否询单、关联订单、满意度评价）",
    "refunds": "退款记录：售后退款/换货申请，一行一个子订单的申请（类型、原因、金额、状态、是否平台介入、处理客服、处理时长）",
}
"""Table name → short Chinese description, in the order they are generated and written."""

SERVICE_ACCOUNTS: Final = {
    STORE_TAOBAO: ("吃货美食团:琪琪", "吃货美食团:可可", "吃货美食团:阿杰", "吃货美食团:小卉"),
    STORE_TMALL: ("吃货美食团旗舰店:米粒", "吃货美食团旗舰店:豆豆", "吃货美食团旗舰店:糖糖", "吃货美食团旗舰店:小林"),
}
"""客服子账号 (主账号:子账号) per store; the last of each store mainly handles after-sale work."""

REFUND_TYPES: Final = ("仅退款", "退货退款", "换货")
REFUND_STATES: Final = ("退款成功", "换货成功", "退款关闭", "处理中", "平台介入中")
"""refunds.退款状态: the first three are finished (处理时长 known); the last two were still open at the export."""
SATISFACTION: Final = ("非常满意", "满意", "一般", "不满意", "非常不满意")
"""chats.满意度评价 (empty when the buyer did not rate); 满意 = the first two (本课程约定)."""
