"""Digests of normalised answers: the same answer gives the same digest whatever its row and column order and
float noise (copy detection compares a file's digest with each student's reference digest, without re-reading)."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from pandas.api.types import is_float_dtype

from grader.tier_config import ParsedConfig

if TYPE_CHECKING:
    from grader.spec import ExerciseSpec


def answer_digest(spec: ExerciseSpec, value: Any) -> str | None:
    """sha256 of a normalised answer, independent of row/column order and float noise."""
    if isinstance(value, pd.DataFrame):
        cols = [c for c in spec.submission.columns if c in value.columns]
        key = [k for k in spec.submission.key if k in value.columns]
        if not cols:  # none of the exercise's columns: nothing comparable to cluster on
            return None
        texts = {}
        for col in cols:
            column = value[col]
            texts[col] = (column.round(2) if is_float_dtype(column.dtype) else column).astype(str) \
                if (fast := _second_texts(column)) is None else fast
        frame = pd.DataFrame(texts, index=value.index)
        if key:  # the other columns only break ties (one sort key is much cheaper on a unique key)
            ties = bool(frame.duplicated(key).any())
            frame = frame.sort_values(key + [c for c in cols if c not in key] if ties else key, kind="stable")
        hashes = pd.util.hash_pandas_object(frame.reset_index(drop=True), index=False).to_numpy()
        digest = hashlib.sha256("\x1f".join(cols).encode("utf-8"))
        digest.update(np.sort(hashes).tobytes() if not key else hashes.tobytes())
        return digest.hexdigest()
    elif isinstance(value, ParsedConfig) and value.config is not None:
        cfg = value.config
        text = cfg.rule + "".join(f"|{t.name},{t.min_amount:g},{t.min_orders:g},{t.discount:g}" for t in cfg.tiers)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()
    return None


def _second_texts(column: pd.Series) -> pd.Series | None:
    """``column.astype(str)`` of a naive datetime column whole to the second, by numpy (pandas formats each
    value in Python); None for any other column."""
    ns = column.to_numpy().view("int64") if column.dtype == np.dtype("datetime64[ns]") else None
    valid = ns != np.iinfo("int64").min if ns is not None else None  # NaT stays "NaT"
    if ns is None or (ns[valid] % 1_000_000_000).any():
        return None
    dates = not (ns[valid] % 86_400_000_000_000).any()  # all at midnight: pandas writes the date alone
    texts = np.datetime_as_string(column.to_numpy(), unit="D" if dates else "s")
    if not dates and valid.any():  # "2025-11-01T08:30:00" -> "2025-11-01 08:30:00"
        texts.view(np.uint32).reshape(len(texts), -1)[valid, 10] = ord(" ")
    return pd.Series(texts.astype(object), index=column.index, name=column.name)


__all__ = ["answer_digest"]
