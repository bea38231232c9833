"""Normalise a raw text table (every cell a string) into the exercise's canonical table.

Headers and cells go through NFKC (full-width digits and letters → half-width), surrounding spaces
are stripped, headers are mapped through the exercise's aliases, declared numeric / date / bool
columns are converted ("1,280元", "¥35", "9.8折", "12.5%" understood) and every correction becomes a
:class:`~grader.model.Note`, one per kind of correction, with a few examples.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from grader.intake.dates import convert_datetime, minute_precision
from grader.model import Note

if TYPE_CHECKING:
    from grader.spec import SubmissionSpec

FULLWIDTH_ALNUM_RE = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
SPACE_RE = re.compile(r"\s+")
NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
CURRENCY_RE = re.compile(r"^(¥|RMB|CNY|人民币)\s*|\s*(元|块|RMB|CNY)$", re.IGNORECASE)
DISCOUNT_RE = re.compile(r"^(\d+(\.\d+)?)\s*折$")
TRUE_WORDS = {"是", "true", "yes", "y", "1", "对", "√", "已订阅", "订阅"}
FALSE_WORDS = {"否", "false", "no", "n", "0", "不", "×", "未订阅", "不订阅"}
EXAMPLES = 3
EXTRA_SHOWN = 10
"""Extra columns named in the note (all of them up to this many, then their count)."""


def norm_text(value: object) -> str:
    """NFKC + strip; None/NaN → ""."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return unicodedata.normalize("NFKC", str(value)).strip()


def norm_header(value: object) -> str:
    """Header comparison form: NFKC, no whitespace at all, lower case, no BOM."""
    return SPACE_RE.sub("", norm_text(value).replace("\ufeff", "")).lower()


def find_column(df: pd.DataFrame, name: str) -> str | None:
    """Column of ``df`` whose normalised header equals ``name`` (exports have stray spaces)."""
    want = norm_header(name)
    return next((c for c in df.columns if norm_header(c) == want), None)


@dataclass
class NoteBook:
    """Collects corrections; one Note per code with up to three examples."""

    items: dict[str, tuple[str, list[str], int]] = field(default_factory=dict)

    def add(self, code: str, what: str, example: str = "", count: int = 1) -> None:
        """Record ``count`` corrections of kind ``code`` (the first few ``example`` texts are shown)."""
        title, examples, seen = self.items.get(code, (what, [], 0))
        if example and example not in examples and len(examples) < EXAMPLES:
            examples.append(example)
        self.items[code] = (title, examples, seen + count)

    def notes(self) -> list[Note]:
        out = []
        for code, (title, examples, count) in self.items.items():
            text = title
            if examples:
                more = f" 等 {count} 处" if count > len(examples) else ""
                text += "：" + "；".join(examples) + more
            out.append(Note(code=code, message=text))
        return out


def map_headers(headers: Iterable[str], sub: SubmissionSpec, book: NoteBook) -> dict[str, str]:
    """Raw header → canonical column, for the headers that match a column or an alias."""
    lookup: dict[str, str] = {}
    for col in sub.columns:
        lookup[norm_header(col)] = col
    alias_of: dict[str, str] = {}
    for col, names in sub.aliases.items():
        for name in names:
            alias_of.setdefault(norm_header(name), col)
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for raw in headers:
        key = norm_header(raw)
        col = lookup.get(key)
        via_alias = False
        if col is None and key in alias_of:
            col, via_alias = alias_of[key], True
        if col is None or col in taken:
            continue
        taken.add(col)
        mapping[raw] = col
        if via_alias:
            book.add("alias", "列名按别名处理", f"{raw.strip()} → {col}")
        elif raw != col:
            book.add("header", "列名中的空格或全角字符已去掉", f"'{raw}' → {col}")
    return mapping


def parse_number(text: str, *, discount: bool = False, percent_units: bool = False) -> tuple[float | None, str | None]:
    """(value, correction code) for a cell; value None = not a number. ``text`` is already NFKC.

    "12.5%" is 0.125, or 12.5 with ``percent_units`` (columns that hold percent numbers)."""
    s = text.strip()
    if s == "":
        return math.nan, None
    if NUMBER_RE.match(s):
        return float(s), None
    m = DISCOUNT_RE.match(s)
    if m:
        value = float(m.group(1))
        return (value / 10 if value <= 10 else value / 100), "discount_text"
    code = "amount_text"
    t = CURRENCY_RE.sub("", s).replace(",", "").replace(" ", "")
    percent = t.endswith("%")
    if percent:
        t = t[:-1]
    if NUMBER_RE.match(t):
        value = float(t)
        return (value / 100 if percent and not percent_units else value), code
    if discount and s in ("不打折", "无折扣", "原价"):
        return 1.0, "discount_text"
    return None, None


def _convert_numeric(series: pd.Series, col: str, book: NoteBook, *, integer: bool,
                     percent_units: bool = False) -> pd.Series:
    fast = pd.to_numeric(series, errors="coerce")  # "" becomes NaN as None would (same values, same dtype)
    if not (fast.isna() & (series != "")).any():  # plain numbers (the usual case): no per-cell parsing
        out = fast.astype("float64")
        return _as_int(out) if integer else out
    values: list[float] = []
    for text in series:
        value, code = parse_number(text, discount="折" in col or "折" in text, percent_units=percent_units)
        if value is None:
            book.add("not_a_number", "不是数字的单元格按空值处理", f"{col} '{text}'")
            value = math.nan
        elif code == "amount_text":
            book.add(code, "带单位或千分位的数字已转为数字", f"'{text}' → {_fmt(value)}")
        elif code == "discount_text":
            book.add(code, "折扣写法已换算", f"'{text}' → {_fmt(value)}")
        values.append(value)
    out = pd.Series(values, index=series.index, dtype="float64")
    return _as_int(out) if integer else out


def _as_int(out: pd.Series) -> pd.Series:
    """Whole numbers as nullable Int64; a column with fractions stays float so the check can say so."""
    values = out.to_numpy(dtype="float64")
    whole = values[~np.isnan(values)]
    with np.errstate(invalid="ignore"):
        fits = len(whole) and np.isfinite(whole).all() and (np.abs(whole - np.round(whole)) < 1e-9).all() \
            and (np.abs(whole) < 2**53).all()
    if fits:
        return out.round().astype("Int64")
    return out


def _convert_bool(series: pd.Series, col: str, book: NoteBook) -> pd.Series:
    def one(text: str) -> object:
        low = text.lower()
        if low in TRUE_WORDS:
            return True
        if low in FALSE_WORDS:
            return False
        if text:
            book.add("not_a_number", "无法识别的是/否值按空值处理", f"{col} '{text}'")
        return pd.NA

    return pd.Series([one(t) for t in series], index=series.index, dtype="boolean")


def _fmt(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


_NUL_SPACE_RE = re.compile(r"\x00\s")


def _edge_space(joined: str) -> bool:
    """Some NUL-joined cell starts or ends with whitespace (two fast NUL-led searches; ``\\s`` is str.isspace)."""
    return (joined[:1].isspace() or joined[-1:].isspace() or _NUL_SPACE_RE.search(joined) is not None
            or _NUL_SPACE_RE.search(joined[::-1]) is not None)


def _already_clean(raw: pd.Series) -> bool:
    """True when no cell would change: one NFKC pass over the joined column instead of one per cell."""
    joined = "\x00".join(raw.tolist())  # NUL: not whitespace, and a composition barrier for NFKC
    return unicodedata.normalize("NFKC", joined) == joined and not _edge_space(joined)


def normalize_cells(df: pd.DataFrame, book: NoteBook) -> pd.DataFrame:
    """NFKC + strip every cell of an all-text frame, noting full-width and space fixes."""
    out = {}
    for col in df.columns:
        raw = df[col]
        if raw.dtype != object or infer_dtype(raw, skipna=False) != "string":  # read tables hold str only
            raw = raw.fillna("").astype(str)
        if _already_clean(raw):
            out[col] = raw
            continue
        clean = raw.str.normalize("NFKC").str.strip()
        changed = raw[raw != clean]
        for before in changed:
            if FULLWIDTH_ALNUM_RE.search(before):
                book.add("fullwidth", "全角数字或字母已转为半角", f"'{before.strip()}' → {norm_text(before)}")
            elif before.strip() != before:
                book.add("whitespace", "单元格前后的空格已去掉", f"'{before}'")
        out[col] = clean
    return pd.DataFrame(out, index=df.index)


def to_canonical(raw: pd.DataFrame, sub: SubmissionSpec, book: NoteBook) -> pd.DataFrame:
    """Raw all-text frame (headers as read) → canonical columns with declared dtypes."""
    mapping = map_headers([str(c) for c in raw.columns], sub, book)
    extra = [str(c).strip() for c in raw.columns if c not in mapping and str(c).strip()]
    if extra:
        shown = "、".join(extra[:EXTRA_SHOWN]) + (f" 等 {len(extra)} 列" if len(extra) > EXTRA_SHOWN else "")
        book.add("extra_columns", "多余的列不参与评分", shown)
    picked = raw[list(mapping)].copy()
    picked.columns = [mapping[c] for c in picked.columns]
    present = [c for c in sub.columns if c in picked.columns]
    if present != [c for c in picked.columns if c in present]:
        book.add("column_order", "列的顺序与要求不同（不影响评分）")
    picked = normalize_cells(picked[present], book)
    blank = (pd.Series(np.logical_and.reduce([picked[c].to_numpy(dtype=object) == "" for c in picked.columns]),
                       index=picked.index)  # all cells are str here: one comparison per column, not per cell
             if len(picked.columns) else pd.Series(False, index=picked.index))
    if blank.any():
        book.add("empty_rows", f"跳过了 {int(blank.sum())} 个空行")
        picked = picked[~blank]
    picked = picked.reset_index(drop=True)
    for col in present:
        typ = sub.dtypes.get(col, "str")
        if typ in ("int", "float", "percent"):
            picked[col] = _convert_numeric(picked[col], col, book, integer=typ == "int",
                                           percent_units=typ == "percent")
        elif typ in ("datetime", "date"):
            picked[col] = convert_datetime(picked[col], col, book, date_only=typ == "date")
            if typ == "datetime" and minute_precision(picked[col]):
                picked.attrs.setdefault("minute_precision", []).append(col)
        elif typ == "bool":
            picked[col] = _convert_bool(picked[col], col, book)
    return picked


__all__ = ["NoteBook", "find_column", "map_headers", "norm_header", "norm_text", "normalize_cells",
           "parse_number", "to_canonical"]
