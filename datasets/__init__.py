"""Seeded generator of the 吃货美食团 shop's data (orders, order_items, customers, sms_log, traffic …).

``generate(student=None)`` is the lessons' dataset; ``generate(student="20230101")`` a student's own
variant. Pure numpy + pandas: the same code gives the same CSV bytes on CPython and in Pyodide.
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
