"""The trimmed Pyodide distribution: hash-verified, complete, refuses unverified wheels, runs pandas."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from courseware import pyodide_dist
from courseware.pyodide_dist import DistError, assemble, verify

ROOT = Path(__file__).resolve().parent.parent
BUILT = ROOT / "build" / "pyodide"


def test_built_distribution_matches_official_hashes():
    assert verify(BUILT) == []
    lock = json.loads((BUILT / "pyodide-lock.json").read_text(encoding="utf-8"))
    assert lock["info"]["version"] == "0.27.7"
    assert {"pandas", "numpy", "python-dateutil", "pytz", "six", "openpyxl", "et-xmlfile", "ruamel-yaml"} <= set(
        lock["packages"]
    )
    shipped_wheels = {p.name for p in BUILT.glob("*.whl")}
    assert shipped_wheels == {e["file_name"] for e in lock["packages"].values()}


def test_site_carries_the_same_files(site_dir):
    for path in BUILT.iterdir():
        copy = site_dir / "pyodide" / path.name
        assert copy.is_file(), path.name
        assert hashlib.sha256(copy.read_bytes()).digest() == hashlib.sha256(path.read_bytes()).digest()


def _fake_modules(tmp_path: Path) -> Path:
    """A node_modules/pyodide with the real core files but no wheels anywhere nearby."""
    nm = tmp_path / "node_modules"
    shutil.copytree(ROOT / "node_modules" / "pyodide", nm / "pyodide")
    return nm


def test_tampered_wheel_is_refused_and_named(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    (cache / "wheels").mkdir(parents=True)
    (cache / "carrier").mkdir()
    lock = json.loads((ROOT / "node_modules/pyodide/pyodide-lock.json").read_text(encoding="utf-8"))
    six_name = lock["packages"]["six"]["file_name"]
    # A release folder whose six wheel was altered by one byte: the assembler must refuse it.
    dist = tmp_path / "release"
    dist.mkdir()
    for wheel in BUILT.glob("*.whl"):
        shutil.copy2(wheel, dist / wheel.name)
    good = (BUILT / six_name).read_bytes()
    (dist / six_name).write_bytes(good[:-1] + bytes([good[-1] ^ 1]))
    monkeypatch.setenv(pyodide_dist.ENV_DIST, str(dist))
    # The carrier source is emptied so nothing else can supply the wheel.
    monkeypatch.setattr(pyodide_dist.CarrierSource, "get", lambda self, name: None)
    with pytest.raises(DistError) as info:
        assemble(tmp_path / "out", node_modules=_fake_modules(tmp_path), cache_dir=cache)
    message = str(info.value)
    assert six_name in message and "sha256 不符" in message and pyodide_dist.ENV_DIST in message
    assert not (tmp_path / "out").exists()


def test_release_folder_is_used_first(tmp_path, monkeypatch):
    dist = tmp_path / "release"
    dist.mkdir()
    for wheel in BUILT.glob("*.whl"):
        shutil.copy2(wheel, dist / wheel.name)
    monkeypatch.setenv(pyodide_dist.ENV_DIST, str(dist))
    monkeypatch.setattr(pyodide_dist.CarrierSource, "get", lambda self, name: None)
    monkeypatch.setattr(pyodide_dist.PyPISource, "get", lambda self, name: None)
    out = tmp_path / "out"
    cache = tmp_path / "cache"
    # extras (openpyxl …) are not in an official release: seed the cache with them the way an earlier run would.
    (cache / "wheels").mkdir(parents=True)
    for name in ("openpyxl-3.1.5-py2.py3-none-any.whl", "et_xmlfile-2.0.0-py3-none-any.whl",
                 "ruamel_yaml-0.19.1-py3-none-any.whl"):
        shutil.copy2(BUILT / name, cache / "wheels" / name)
    assemble(out, node_modules=_fake_modules(tmp_path), cache_dir=cache)
    assert verify(out, node_modules=tmp_path / "node_modules") == []


@pytest.mark.pyodide
def test_pandas_runs_in_the_shipped_pyodide(pyodide):
    out = pyodide.run(
        "import pandas as pd, numpy as np\n"
        "df = pd.DataFrame({'买家会员名': ['甲', '乙', '甲'], '金额': [1.5, 2.0, 3.0]})\n"
        "print(pd.__version__, np.__version__, df.groupby('买家会员名')['金额'].sum().to_dict())"
    )
    assert out.strip() == "2.2.3 2.0.2 {'乙': 2.0, '甲': 4.5}"
