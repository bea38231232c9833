"""Reading a submitted member-tier config the way students really write it; never raises.

Accepted (YAML or JSON, Chinese or English keys)::

    规则: 满足其一          # 任一/任意/其一/满足任一/或/any  ·  全部/同时满足/且/都要满足/all
    等级:                   # a list (lowest first) or a mapping 名称 → fields
      - 名称: 银卡
        交易金额: 1,000元   # 1000, "1,000元", "¥1000", "1千", "≥1000", "1000以上"
        交易笔数: 4笔       # 4, "4笔", "4单", "4次"
        折扣: 9.5折         # 0.95, "9.5折", "95折", "九五折", 9.5, 95, "95%", "不打折"

Reading degrades per field: a value that still cannot be read is kept as NaN and reported as one
:class:`FieldProblem` naming the tier and the field, so it costs only what depends on it and every other
check still runs. Only a document with no tiers at all gives ``config=None``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from grader.intake.normalize import norm_header, norm_text
from grader.model import Note
from grader.tiers import RULE_ALL, RULE_ANY, Tier, TierConfig

KEY_ALIASES = {
    "rule": ("规则", "rule", "升级规则", "等级规则", "条件"),
    "tiers": ("等级", "tiers", "levels", "会员等级", "等级列表"),
    "name": ("名称", "name", "等级名称", "等级", "名字"),
    "min_amount": ("交易金额", "min_amount", "amount", "累计成交金额", "成交金额", "金额", "累计交易金额", "消费金额"),
    "min_orders": ("交易笔数", "min_orders", "orders", "count", "累计成交笔数", "成交笔数", "笔数", "累计交易笔数",
                   "交易次数", "订单数"),
    "discount": ("折扣", "discount", "会员折扣", "折扣率"),
}
ENGLISH_KEYS = {"rule", "tiers", "levels", "name", "min_amount", "amount", "min_orders", "orders", "count",
                "discount"}
FIELD_NAMES = {"min_amount": "交易金额", "min_orders": "交易笔数", "discount": "折扣"}
"""Tier fields in the order they are read, with the Chinese word the messages use."""
EXAMPLES = {"min_amount": "1000", "min_orders": "4", "discount": "0.95（或 9.5折）"}

RULE_EXACT = {"any": RULE_ANY, "or": RULE_ANY, "either": RULE_ANY, "all": RULE_ALL, "and": RULE_ALL,
              "both": RULE_ALL}
ANY_MARKERS = ("任一", "任意", "其一", "之一", "其中一", "一项", "一个", "或")
ALL_MARKERS = ("全部", "同时", "且", "都要", "都需", "都满足", "均需", "均满足", "两项都", "两者都", "都达到")

NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
PREFIX_RE = re.compile(r"^(¥|￥|rmb|cny|人民币|≥|>=|>|满|达到|累计|至少)+")
SUFFIX_RE = re.compile(r"(及以上|或以上|以上|起)$")
UNIT_RE = re.compile(r"(元|块钱|块|rmb|cny|笔|单|次|个订单|个|件)$")
MULTIPLIERS = {"千": 1_000, "k": 1_000, "万": 10_000, "w": 10_000}
CN_DIGITS = dict(zip("零一二三四五六七八九", "0123456789", strict=True)) | {"〇": "0", "两": "2"}
NO_DISCOUNT = {"不打折", "无折扣", "原价", "无", "不打", "100%"}


@dataclass
class FieldProblem:
    """One part of the config that could not be read: where (tier label or "规则"), which field, why."""

    tier: str
    """Tier label (e.g. 金卡, 第 2 个等级) or "" for the rule."""
    field: str
    """``rule``, ``name``, ``min_amount``, ``min_orders`` or ``discount``."""
    message: str


@dataclass
class ParsedConfig:
    """A submitted config as far as it could be read.

    ``config`` is None only when no tier could be found; unreadable fields are NaN (names "") and listed in
    ``unread``; ``problems`` are all messages (structure problems first).
    """

    config: TierConfig | None
    problems: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    unread: list[FieldProblem] = field(default_factory=list)

    def unreadable(self, tier: Tier, field_name: str) -> bool:
        return any(p.tier == tier.label and p.field == field_name for p in self.unread)


def _lookup(mapping: dict[Any, Any], field_name: str) -> tuple[bool, Any]:
    normalized = {norm_header(k): k for k in mapping}
    for alias in KEY_ALIASES[field_name]:
        key = normalized.get(norm_header(alias))
        if key is not None:
            return True, mapping[key]
    return False, None


def read_rule(raw: Any) -> str | None:
    """任一 / 全部 from the words students use; None when it says neither (or both)."""
    text = re.sub(r"\s+", "", norm_text(raw)).lower()
    if not text:
        return None
    if text in RULE_EXACT:
        return RULE_EXACT[text]
    is_any = any(m in text for m in ANY_MARKERS)
    is_all = any(m in text for m in ALL_MARKERS)
    if is_any != is_all:
        return RULE_ANY if is_any else RULE_ALL
    return None


def read_number(raw: Any) -> float | None:
    """A threshold: 1000, "1,000元", "¥1000", "4笔", "1千", "≥200", "200以上"; None when unreadable."""
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, int | float):
        return None if math.isnan(raw) or math.isinf(raw) else float(raw)
    text = re.sub(r"[\s,]", "", norm_text(raw)).lower()
    for _ in range(2):
        text = SUFFIX_RE.sub("", PREFIX_RE.sub("", text))
        text = UNIT_RE.sub("", text)
    scale = 1
    if text[-1:] in MULTIPLIERS:
        scale, text = MULTIPLIERS[text[-1]], text[:-1]
    return float(text) * scale if NUMBER_RE.match(text) else None


def discount_rate(value: float) -> tuple[float, bool]:
    """Discount in any common notation → rate 0–1; second item True when it was converted."""
    if value <= 1:
        return value, False
    if value <= 10:
        return value / 10, True
    if value <= 100:
        return value / 100, True
    if value <= 1000:
        return value / 1000, True
    return value, False


def read_discount(raw: Any) -> float | None:
    """A discount as a rate: 0.95, 9.5, 95, "9.5折", "95折", "九五折", "95%", "不打折"; None when unreadable."""
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, int | float):
        number = read_number(raw)
        return None if number is None else round(discount_rate(number)[0], 6)
    text = re.sub(r"\s+", "", norm_text(raw)).lower()
    if text in NO_DISCOUNT:
        return 1.0
    if text.endswith("%"):
        number = read_number(text[:-1])
        return None if number is None else round(number / 100, 6)
    if text.endswith("折"):
        text = "".join(CN_DIGITS.get(c, c) for c in text[:-1])
        if NUMBER_RE.match(text):
            value = float(text)
            digits_only = "." not in text and len(text) == 2
            return round(value / 100 if digits_only or value > 10 else value / 10, 6)
        return None
    number = read_number(text)
    return None if number is None else round(discount_rate(number)[0], 6)


def _tier_items(raw: Any, notes: list[Note]) -> list[tuple[str | None, Any]] | None:
    """(name from a mapping key or None, tier body) for a list or a mapping of tiers; None if neither."""
    if isinstance(raw, list) and raw:
        return [(None, item) for item in raw]
    if isinstance(raw, dict) and raw:
        if any(_lookup(raw, f)[0] for f in ("min_amount", "min_orders")):  # one tier, not in a list
            return [(None, raw)]
        notes.append(Note("tiers_mapping", "等级写成了“名称: 内容”的映射，已按从上到下的顺序当作从低到高读取"))
        return [(str(k), v) for k, v in raw.items()]
    return None


def _loose_tiers(data: dict[Any, Any]) -> list[tuple[str | None, Any]]:
    """Tiers written at the top level (银卡: {...}) without an 等级 key."""
    skip = {norm_header(a) for a in KEY_ALIASES["rule"]}
    return [(str(k), v) for k, v in data.items() if norm_header(k) not in skip and isinstance(v, dict)
            and any(_lookup(v, f)[0] for f in ("min_amount", "min_orders"))]


def _read_tier(position: int, key_name: str | None, item: Any, parsed: ParsedConfig) -> Tier:
    tier = Tier("", math.nan, math.nan, math.nan, position=position)
    if not isinstance(item, dict):
        label = norm_text(key_name) or tier.label
        tier.name = norm_text(key_name) if key_name else ""
        for f in ("min_amount", "min_orders", "discount"):
            parsed.unread.append(FieldProblem(label, f, ""))
        parsed.problems.append(f"等级“{label}”应写成 名称、交易金额、交易笔数、折扣 四项，现在是“{item}”")
        return tier
    has_name, name = _lookup(item, "name")
    tier.name = norm_text(name) if has_name and name is not None else norm_text(key_name)
    if not tier.name:
        message = f"{tier.label}缺少名称：请写上“名称: 银卡”这样的一行"
        parsed.unread.append(FieldProblem(tier.label, "name", message))
        parsed.problems.append(message)
    known = {norm_header(a) for aliases in KEY_ALIASES.values() for a in aliases}
    strange = "、".join(str(k) for k in item if norm_header(k) not in known)
    for field_name, what in FIELD_NAMES.items():
        has, raw = _lookup(item, field_name)
        reader = read_discount if field_name == "discount" else read_number
        value = reader(raw) if has else None
        if value is None:
            told = "缺少" + what if not has or raw is None else f"的{what}“{raw}”无法识别"
            message = f"等级“{tier.label}”{told}：请写成数字，例如 {what}: {EXAMPLES[field_name]}"
            if not has and strange:
                message += f"（没有认出的项：{strange}）"
            parsed.unread.append(FieldProblem(tier.label, field_name, message))
            parsed.problems.append(message)
            continue
        setattr(tier, field_name, value)
        if isinstance(raw, str) or (field_name == "discount" and value != raw):
            shown = f"{value:g}（{value * 10:g}折）" if field_name == "discount" else f"{value:g} "
            code = "discount_text" if field_name == "discount" else "amount_text"
            parsed.notes.append(Note(code, f"等级“{tier.label}”的{what}“{raw}”按 {shown}处理"))
    return tier


def parse_config(data: Any) -> ParsedConfig:
    """Read a config document (from YAML/JSON) as far as possible; never raises."""
    parsed = ParsedConfig(None)
    if isinstance(data, list) and data and all(isinstance(i, dict) for i in data):
        data = {"等级": data}  # only the list of tiers was submitted
    if not isinstance(data, dict):
        kind = {list: "列表", str: "一段文字", type(None): "空文件"}.get(type(data), type(data).__name__)
        parsed.problems.append(f"配置应是“规则:”和“等级:”两项，现在是{kind}；请按练习给出的格式填写")
        return parsed
    english = [str(k) for k in data if str(k).strip().lower() in ENGLISH_KEYS]
    found, rule_raw = _lookup(data, "rule")
    rule = read_rule(rule_raw) if found else None
    if rule is None:
        message = ("缺少“规则”：请写“规则: 任一”（满足其一即可）或“规则: 全部”（同时满足）" if not found or rule_raw is None
                   else f"规则“{rule_raw}”无法识别：请写“任一”（满足其一即可）或“全部”（同时满足）")
        parsed.unread.append(FieldProblem("", "rule", message))
        parsed.problems.append(message)
    found, tiers_raw = _lookup(data, "tiers")
    items = _tier_items(tiers_raw, parsed.notes) if found else None
    if items is None:
        items = _loose_tiers(data)
        if items and not found:
            parsed.notes.append(Note("tiers_mapping", "没有“等级:”这一项，已把 " + "、".join(k or "" for k, _ in items)
                                     + " 当作等级读取"))
    if not items:
        parsed.problems.append("缺少“等级”列表：每个等级写一项，包括 名称、交易金额、交易笔数、折扣")
        return parsed
    tiers = [_read_tier(i + 1, key, item, parsed) for i, (key, item) in enumerate(items)]
    for _key, item in items:
        if isinstance(item, dict):
            english += [str(k) for k in item if str(k).strip().lower() in ENGLISH_KEYS]
    if english:
        parsed.notes.append(Note("rule_alias", "英文键名已按中文键名处理：" + "、".join(dict.fromkeys(english))))
    parsed.config = TierConfig(rule or "", tiers)
    return parsed


__all__ = ["FieldProblem", "ParsedConfig", "discount_rate", "parse_config", "read_discount", "read_number",
           "read_rule"]
