"""CSV output: UTF-8 with BOM (Excel and WPS open it without garbling), ``\\n`` line ends, amounts with
two decimals; the same tables give the same bytes on CPython and in Pyodide."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd


def csv_bytes(df: pd.DataFrame) -> bytes:
    """One table as the bytes of its CSV file."""
    text = df.to_csv(index=False, lineterminator="\n", float_format="%.2f")
    return ("\ufeff" + text).encode("utf-8")


def write_csvs(tables: Mapping[str, pd.DataFrame], out_dir: str | Path) -> dict[str, Path]:
    """Write ``out_dir/<name>.csv`` for every table; returns name → path. Creates ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, df in tables.items():
        path = out / f"{name}.csv"
        path.write_bytes(csv_bytes(df))
        paths[name] = path
    return paths
