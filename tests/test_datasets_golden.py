"""Golden figures of the default dataset and one variant: the lessons quote the default data, so any change
to its bytes must be deliberate. Refresh after a reviewed change with
``UPDATE_GOLDENS=1 .venv/bin/pytest -q tests/test_datasets_golden.py`` (and re-check the numbers in the lessons)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import pytest

import datasets
from datasets.stats import shape

GOLDEN = Path(__file__).parent / "goldens" / "datasets" / "figures.json"
UPDATE = os.environ.get("UPDATE_GOLDENS") == "1"


def figures(student: str | None) -> dict:
    tables = datasets.generate(student)
    s = asdict(shape(tables))
    return {
        "rows": {name: len(df) for name, df in tables.items()},
        "sha256": {name: hashlib.sha256(datasets.csv_bytes(df)).hexdigest() for name, df in tables.items()},
        "shape": {k: round(v, 4) if isinstance(v, float) else v for k, v in s.items() if k != "status_share"},
        "status_share": {k: round(v, 4) for k, v in sorted(s["status_share"].items())},
    }


def test_default_and_variant_match_their_golden():
    actual = {"default": figures(None), "20230101": figures("20230101")}
    text = json.dumps(actual, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if UPDATE or not GOLDEN.exists():
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
        pytest.skip("golden written")
    assert text == GOLDEN.read_text(encoding="utf-8"), "dataset changed (UPDATE_GOLDENS=1 to refresh after review)"


def test_module_cli_writes_the_same_files(tmp_path):
    out = tmp_path / "d"
    done = subprocess.run([sys.executable, "-m", "datasets", "--out", str(out), "--student", "20230101",
                           "--tables", "customers", "orders"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    tables = datasets.generate("20230101", tables=["customers", "orders"])
    for name, df in tables.items():
        assert (out / f"{name}.csv").read_bytes() == datasets.csv_bytes(df)


@pytest.mark.parametrize(("args", "fragment"), [
    (["--size", "3"], "订单数 3 不在允许范围内"),
    (["--tables", "order"], "没有名为 order 的数据表"),
])
def test_module_cli_bad_arguments(tmp_path, args, fragment):
    done = subprocess.run([sys.executable, "-m", "datasets", "--out", str(tmp_path), *args],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert fragment in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
