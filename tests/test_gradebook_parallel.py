"""Grading a class in several processes gives exactly the gradebook that grading one file at a time gives."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from grader.engine import answer_key
from grader.grading import build_gradebook
from grader.intake.collect import collect
from grader.spec import load_all

ROOT = Path(__file__).resolve().parent.parent


def test_parallel_and_sequential_gradebooks_are_identical(tmp_path):
    specs = load_all(ROOT / "exercises")
    for student in ("2023101", "2023102", "2023103"):
        name, data = answer_key(specs["old-customers"], student)
        (tmp_path / name).write_bytes(data)
    # A wrong answer (another student's key under this student's name), a broken file and a stray file.
    (tmp_path / "2023104_old-customers.csv").write_bytes((tmp_path / "2023101_old-customers.csv").read_bytes())
    (tmp_path / "2023105_old-customers.csv").write_bytes(b"\x00\x01\x02")
    (tmp_path / "notes.txt").write_text("不是提交文件", encoding="utf-8")
    subs = collect([tmp_path], specs)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    sequential = build_gradebook(subs, specs, jobs=1, now=now).to_dict()
    parallel = build_gradebook(subs, specs, jobs=2, now=now).to_dict()
    assert parallel == sequential
    by_student = {r["student"]: r for r in parallel["results"]}
    assert all(by_student[s]["score"] == by_student[s]["max_score"] for s in ("2023101", "2023102", "2023103"))
    assert by_student["2023104"]["score"] < by_student["2023104"]["max_score"]
    assert by_student["2023104"]["flags"], "a copy of 2023101's variant must be flagged"
    assert by_student["2023105"]["status"] == "error"
    assert len(parallel["results"]) == 5 + 1  # the stray file is reported too


def test_a_parallel_run_leaves_no_temporary_folders(tmp_path):
    """Forked workers end without ``atexit``: their scratch folders must live inside the parent's, which the
    parent removes (each `grader grade -j 2` used to leave one folder per worker in the system's temp)."""
    specs = load_all(ROOT / "exercises")
    class_dir, temp = tmp_path / "class", tmp_path / "temp"
    class_dir.mkdir()
    temp.mkdir()
    for student in ("2023101", "2023102", "2023103"):
        name, data = answer_key(specs["old-customers"], student)
        (class_dir / name).write_bytes(data)
    env = {**os.environ, "TMPDIR": str(temp), "GRADER_CACHE_DIR": "off"}
    exe = Path(sys.executable).with_name("grader")
    proc = subprocess.run([str(exe), "grade", str(class_dir), "-j", "2", "-q", "--json", str(tmp_path / "g.json")],
                          capture_output=True, text=True, timeout=300, check=False, env=env)
    assert proc.returncode == 0, proc.stderr
    results = json.loads((tmp_path / "g.json").read_text(encoding="utf-8"))["results"]
    assert [r["score"] == r["max_score"] for r in results] == [True] * 3
    assert sorted(p.name for p in temp.iterdir()) == []
