"""CPython and Pyodide produce the same CSV bytes: the default dataset and two student variants."""

from __future__ import annotations

import hashlib
import json

import pytest

import datasets

pytestmark = pytest.mark.pyodide

STUDENTS = [None, "20230101", "２０２４９９８７"]

CODE = """
import hashlib, json
import datasets
out = {}
for student in %s:
    tables = datasets.generate(student)
    out[str(student)] = {name: hashlib.sha256(datasets.csv_bytes(df)).hexdigest() for name, df in tables.items()}
print(json.dumps(out))
"""


def test_same_bytes_in_pyodide(pyodide):
    inside = json.loads(pyodide.run(CODE % repr(STUDENTS)).strip().splitlines()[-1])
    for student in STUDENTS:
        here = {name: hashlib.sha256(datasets.csv_bytes(df)).hexdigest()
                for name, df in datasets.generate(student).items()}
        assert inside[str(student)] == here, student
        assert {"chats", "refunds"} <= set(here), "the service tables must be compared too"


def test_seed_and_files_in_pyodide(pyodide):
    code = """
import datasets, os
print(datasets.seed_for(" ２０２３０１０１ "))
paths = datasets.write_csvs(datasets.generate("20230101", tables=["customers"]), "data")
print(os.path.getsize(paths["customers"]))
"""
    seed, size = pyodide.run(code).split()
    assert int(seed) == datasets.seed_for("20230101")
    assert int(size) == len(datasets.csv_bytes(datasets.generate("20230101", tables=["customers"])["customers"]))
