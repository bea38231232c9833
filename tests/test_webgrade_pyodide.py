"""grader.webgrade inside Pyodide (the grading worker's runtime, under Node): the corpus of test_webgrade
gives the same gradebook as ``grader grade --json`` in CPython — one definition, two runtimes."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator

import pytest
from pyodide_harness import ROOT, PyodideSession
from test_webgrade import ROSTER, _stable, corpus, exercises_dir

from grader.cli import main

pytestmark = [pytest.mark.pyodide, pytest.mark.slow]
WORK = ROOT / "tests" / "artifacts" / "webgrade"  # inside the repository: Pyodide sees it at /project/…

IN_PYODIDE = r'''
import json
from pathlib import Path
from grader import webgrade

base = Path("/project/tests/artifacts/webgrade")
root = base / "corpus"
files = [(p.relative_to(base).as_posix(), p.read_bytes(), p.stat().st_mtime)
         for p in sorted(root.rglob("*")) if p.is_file()]
info = json.loads(webgrade.call("init", json.dumps([str(base / "exercises")])))
loaded = webgrade.load(files, %(roster)r)  # bytes: called directly, as the worker does
entries = [None] * len(loaded["items"])
for group in json.loads(webgrade.call("plan", "[]"))["ok"]:
    for index in group:
        assert json.loads(webgrade.call("prepare", json.dumps([index])))["ok"] == "ok"
        entries[index] = json.loads(webgrade.call("grade", json.dumps([index])))["ok"]
book = json.loads(webgrade.call("merge", json.dumps([entries, "latest"], ensure_ascii=False)))
print(json.dumps({"info": info, "book": book}, ensure_ascii=False))
'''


@pytest.fixture(scope="module")
def pyodide() -> Iterator[PyodideSession]:
    session = PyodideSession()
    try:
        yield session
    finally:
        session.close()


def test_same_gradebook_in_pyodide_as_the_cli(pyodide):
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    exercises = exercises_dir(WORK)
    corpus(WORK, exercises)
    cwd = os.getcwd()
    os.chdir(WORK)
    try:
        assert main(["grade", "corpus", "--exercises", str(exercises), "--roster", ",".join(ROSTER),
                     "--json", "cli.json", "-q"]) == 1
    finally:
        os.chdir(cwd)
    cli = json.loads((WORK / "cli.json").read_text("utf-8"))
    out = json.loads(pyodide.run(IN_PYODIDE % {"roster": ROSTER}).strip().splitlines()[-1])
    assert "error" not in out["info"], out["info"]
    assert "ok" in out["book"], out["book"]
    web, cli = _stable(out["book"]["ok"]), _stable(cli)
    for key in ("grader_version", "pandas_version"):  # Pyodide has no installed distribution metadata
        web["stamp"].pop(key)
        cli["stamp"].pop(key)
    assert [r["file"] for r in web["results"]] == [r["file"] for r in cli["results"]]
    for a, b in zip(web["results"], cli["results"], strict=True):
        assert a == b, a["file"]
    assert web == cli
