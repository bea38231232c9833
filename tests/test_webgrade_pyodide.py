"""grader.webgrade inside Pyodide (the grading worker's runtime, under Node): the corpus of test_webgrade
gives the same gradebook as ``grader grade --json`` in CPython — one definition, two runtimes (the stamp's
grader_version included); a .7z, which the browser cannot open, gets a line saying what to do instead."""

from __future__ import annotations

import base64
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
mtimes = %(mtimes)r  # as the page hands them over (File.lastModified); the mount here keeps whole seconds
files = [(p.relative_to(base).as_posix(), p.read_bytes(), mtimes[p.relative_to(base).as_posix()])
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
    mtimes = {p.relative_to(WORK).as_posix(): p.stat().st_mtime for p in (WORK / "corpus").rglob("*") if p.is_file()}
    out = json.loads(pyodide.run(IN_PYODIDE % {"roster": ROSTER, "mtimes": mtimes}).strip().splitlines()[-1])
    assert "error" not in out["info"], out["info"]
    assert "ok" in out["book"], out["book"]
    web, cli = _stable(out["book"]["ok"]), _stable(cli)
    assert web["stamp"]["grader_version"] == cli["stamp"]["grader_version"]  # grader.__version__ in both
    web["stamp"].pop("pandas_version")  # Pyodide's own pandas build
    cli["stamp"].pop("pandas_version")
    assert [r["file"] for r in web["results"]] == [r["file"] for r in cli["results"]]
    for a, b in zip(web["results"], cli["results"], strict=True):
        assert a == b, a["file"]
    assert web == cli


SEVEN_ZIP = r'''
import base64, json
from grader import webgrade

webgrade.init("/project/tests/artifacts/webgrade/exercises")
data = base64.b64decode(%(data)r)
loaded = webgrade.load([("作业/班级.7z", data, 0), ("作业/2023001_张三_rfm.7z", data, 0)])
print(json.dumps(loaded["items"], ensure_ascii=False))
'''


def test_a_7z_says_to_unpack_it_or_use_the_cli(pyodide):
    """py7zr needs C extensions (pyppmd, pybcj, inflate64, pycryptodomex, backports.zstd) that Pyodide 0.27.7
    does not build: the page cannot open a .7z, and its line says to unpack it and drop the folder, or use the CLI."""
    from fixtures.zips import seven_zip

    if not (WORK / "exercises").is_dir():
        exercises_dir(WORK)
    data = base64.b64encode(seven_zip([("张三_2023001/rfm.csv", b"a\n1\n")])).decode()
    items = json.loads(pyodide.run(SEVEN_ZIP % {"data": data}).strip().splitlines()[-1])
    by_file = {i["file"]: i for i in items}
    assert set(by_file) == {"作业/班级.7z", "作业/2023001_张三_rfm.7z"}
    for item in items:
        assert item["error"].startswith("网页里读不了 7z 压缩包"), item
        assert "解压" in item["error"] and "文件夹拖进来" in item["error"] and "grader grade" in item["error"]
    assert by_file["作业/2023001_张三_rfm.7z"]["student"] == "2023001"
