"""Seeded generator of the 吃货美食团 shop's data (orders, order_items, customers, sms_log, traffic, chats, refunds …).

``generate(student=None)`` is the lessons' dataset; ``generate(student="20230101")`` a student's own
variant. Pure numpy + pandas: the same code gives the same CSV bytes on CPython and in Pyodide.

Mess kept on purpose (exercises clean it; full list in docs/data-dictionary.md and DESIGN.md):

- ``orders``: headers ``收货地址 `` and ``订单付款时间 `` end with a space; ≈1 % of rows repeated on the next
  line; 4–8 staff test orders of 0.01 元 (买家会员名 ``吃货美食团_测试01/02``); full-width spaces in a few
  收货人姓名 and full-width digits in a few 收货地址. Refunded 交易关闭 orders keep their payment.
- ``orders_raw``: the same rows as two stores' exports pasted together — 买家实际支付金额 as text
  (``1,288.00`` / ``68.00元``), dates in two formats (``2025-11-11 00:03:12`` / ``2025/11/11 0:03:12``),
  empty rows between the blocks and at the end.
- ``chats``: 首次响应秒数 as text, ≈3 % with the unit (``35秒``), empty when nobody answered; most
  满意度评价 empty; the staff test accounts chat before their test orders.
- ``refunds``: open requests (处理中 / 平台介入中) have no 完结时间 and 处理时长小时.
- every other table is clean.
"""

from __future__ import annotations

from datasets.constants import (
    CAMPAIGNS,
    EXPORT_TIME,
    PERIOD_END,
    PERIOD_START,
    REFERENCE_DATE,
    STORES,
    TABLES,
)
from datasets.generator import DatasetError, generate
from datasets.seeding import normalize_student, seed_for
from datasets.writer import csv_bytes, write_csvs

__all__ = [
    "CAMPAIGNS",
    "EXPORT_TIME",
    "PERIOD_END",
    "PERIOD_START",
    "REFERENCE_DATE",
    "STORES",
    "TABLES",
    "DatasetError",
    "csv_bytes",
    "generate",
    "normalize_student",
    "seed_for",
    "write_csvs",
]
