"""An in-memory answer (the ``result`` variable) → submission bytes, exactly as a student would hand in.

The browser grades these bytes with the same engine the CLI uses, so a download that passes on the
page passes in ``grader grade``. Tables: CSV (UTF-8 with BOM, what Excel opens correctly) or XLSX;
tier configs: YAML or JSON.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from ruamel.yaml import YAML

from grader.model import Note

if TYPE_CHECKING:
    from grader.spec import ExerciseSpec

MIME = {
    "csv": "text/csv;charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "yaml": "application/yaml;charset=utf-8",
    "json": "application/json;charset=utf-8",
}


class SerializeError(Exception):
    """The answer cannot be turned into a submission file; the message (Chinese) says why."""


@dataclass
class Serialized:
    data: bytes
    format: str
    mime: str
    notes: list[Note] = field(default_factory=list)


def _type_name(obj: Any) -> str:
    names = {type(None): "None（没有给 result 赋值？）", bool: "真假值（True/False）", int: "整数", float: "数字",
             str: "文字", list: "列表", dict: "字典", tuple: "元组", pd.Series: "Series", pd.Index: "列名或索引（Index）"}
    return names.get(type(obj), f" {type(obj).__name__} 类型的值")


def _records_or_columns(obj: Any) -> bool:
    """A list of row dicts, or a dict of equally long columns."""
    if isinstance(obj, list):
        return bool(obj) and all(isinstance(r, dict) for r in obj)
    if isinstance(obj, dict) and obj and all(isinstance(v, list | tuple | pd.Series) for v in obj.values()):
        return len({len(v) for v in obj.values()}) == 1
    return False


def as_table(result: Any, spec: ExerciseSpec) -> tuple[pd.DataFrame, list[Note]]:
    """Coerce a student's answer into a DataFrame with a plain index, noting what was done."""
    notes: list[Note] = []
    if isinstance(result, pd.Series):
        result = result.to_frame(name=result.name if result.name is not None else "值")
        have = {*map(str, result.columns), *map(str, result.index.names)}
        missing = [c for c in spec.submission.columns if not {c, *spec.submission.aliases.get(c, [])} & have]
        notes.append(Note("format", "result 是一列数据（Series），已转换为表格" + (
            f"；练习要的表还缺 {'、'.join(missing[:5])}：选多列要写 df[['列1', '列2']]，groupby 之后用 .reset_index()"
            if missing else "")))
    elif _records_or_columns(result):
        result = pd.DataFrame(result)
    if type(result).__name__.endswith("GroupBy"):
        raise SerializeError("result 还是“分组”对象（groupby 的结果），不是表格：groupby 后面要接汇总，例如 .agg(…)、.size() "
                             "或 .sum()，再用 .reset_index() 变成表格")
    if not isinstance(result, pd.DataFrame):
        raise SerializeError(f"result 应该是一个 DataFrame（表格），现在是{_type_name(result)}；请把最后的结果表赋给 result")
    if result.shape[1] == 0 and isinstance(result.index, pd.RangeIndex):  # pd.DataFrame([]): the file would be blank
        raise SerializeError("result 是一张空表，连列都没有：通常是用空列表建了表（筛选后一行也没剩下）；"
                             "在每一步后面 print(len(表)) 看看是哪一步变空的")
    df = result
    index_names = [n for n in df.index.names if n is not None]
    if index_names and not set(index_names) & set(map(str, df.columns)):
        df = df.reset_index()
        notes.append(Note("format", f"{'、'.join(map(str, index_names))} 在索引里，已作为列写出（可以用 reset_index()）"))
    if isinstance(df.columns, pd.MultiIndex):
        df = df.copy()
        df.columns = ["_".join(str(p) for p in col if str(p)) for col in df.columns]
    df = df.copy()
    df.columns = [str(c) for c in df.columns]
    wanted = [c for c in spec.submission.columns if c in df.columns]
    others = [c for c in df.columns if c not in wanted]
    return df[wanted + others], notes


def _plain(value: Any) -> Any:
    """numpy / pandas scalars → plain Python for openpyxl, YAML and JSON."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, dt.datetime | dt.date | bool | int | float | str):
        return value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value)


def table_csv(df: pd.DataFrame) -> bytes:
    return df.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def table_xlsx(df: pd.DataFrame, sheet: str = "结果") -> bytes:
    from openpyxl import Workbook  # noqa: PLC0415  (heavy; only XLSX downloads need it)

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    ws.append(list(df.columns))
    for row in df.itertuples(index=False, name=None):
        ws.append([_plain(v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def config_bytes(result: Any, fmt: str) -> bytes:
    if isinstance(result, bytes):
        return result
    if isinstance(result, str):
        return result.encode("utf-8")
    if not isinstance(result, dict):
        raise SerializeError(f"result 应该是一个字典（等级配置），现在是{_type_name(result)}；请按练习给出的格式写配置")
    data = _plain(result)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue().encode("utf-8")


def serialize(spec: ExerciseSpec, result: Any, fmt: str | None = None) -> Serialized:
    """``result`` → bytes in ``fmt`` (default: the exercise's download format)."""
    fmt = fmt or spec.submission.format
    if spec.submission.kind == "table":
        df, notes = as_table(result, spec)
        data = table_xlsx(df, spec.submission.sheet or "结果") if fmt == "xlsx" else table_csv(df)
        return Serialized(data, fmt, MIME[fmt], notes)
    return Serialized(config_bytes(result, fmt), fmt, MIME[fmt])


__all__ = ["MIME", "SerializeError", "Serialized", "as_table", "config_bytes", "serialize", "table_csv", "table_xlsx"]
