"""Grading the same class again reads unchanged files' results from the disk cache (issue 10: re-grade);
a changed file, other limits or other grader code grade again, and a file over its limit is never stored.

Whether a result came from the cache is observed through the cache itself: a stored result is altered on
disk, and the next run either shows the altered score (read back) or the real one (graded again).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from grader import cache
from grader.cli import main
from grader.engine import answer_key
from grader.spec import load_spec

ROOT = Path(__file__).resolve().parent.parent
EX = "old-customers"
STUDENTS = ("2024001", "2024002")
SENTINEL = 1.23


@pytest.fixture
def graded_class(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADER_CACHE_DIR", str(tmp_path / "cache"))
    spec = load_spec(ROOT / "exercises" / EX)
    folder = tmp_path / "class"
    folder.mkdir()
    for student in STUDENTS:
        name, data = answer_key(spec, student)
        (folder / name).write_bytes(data)
    return folder, tmp_path / "cache" / "results"


def grade(folder: Path, out: Path, *extra: str) -> dict[str, dict]:
    main(["grade", str(folder), "--json", str(out), "-q", *extra])
    return {Path(r["file"]).name: r for r in json.loads(out.read_text(encoding="utf-8"))["results"]}


def tamper(results: Path) -> None:
    """Give every stored result the score SENTINEL (a real grading never gives it)."""
    for path in results.glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        data["score"] = SENTINEL
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_a_regrade_reads_unchanged_results_and_grades_changed_files(graded_class, tmp_path):
    folder, results = graded_class
    first = grade(folder, tmp_path / "1.json")
    assert all(r["status"] == "graded" and r["score"] == r["max_score"] for r in first.values())
    assert len(list(results.glob("*.json"))) == len(STUDENTS)
    tamper(results)
    changed = folder / f"{STUDENTS[1]}_{EX}.csv"
    lines = changed.read_bytes().splitlines(keepends=True)
    changed.write_bytes(b"".join(lines[:-3]))  # three customers fewer: a different file
    second = grade(folder, tmp_path / "2.json")
    assert second[f"{STUDENTS[0]}_{EX}.csv"]["score"] == SENTINEL  # read back, not graded
    regraded = second[changed.name]
    assert regraded["status"] == "graded" and regraded["score"] not in (SENTINEL, regraded["max_score"])
    assert {k: v for k, v in second[f"{STUDENTS[0]}_{EX}.csv"].items() if k != "score"} == \
        {k: v for k, v in first[f"{STUDENTS[0]}_{EX}.csv"].items() if k != "score"}


def test_other_limits_or_other_code_grade_again(graded_class, tmp_path, monkeypatch):
    folder, results = graded_class
    grade(folder, tmp_path / "1.json")
    tamper(results)
    tight = grade(folder, tmp_path / "2.json", "--file-timeout", "0.001")
    assert all(r["status"] == "error" and r["error"].startswith("无法评分") for r in tight.values())
    assert len(list(results.glob("*.json"))) == len(STUDENTS)  # over the limit: nothing stored
    assert all(r["score"] == SENTINEL for r in grade(folder, tmp_path / "3.json").values())
    monkeypatch.setattr(cache, "grader_fingerprint", lambda: "changed-grader-code")
    fresh = grade(folder, tmp_path / "4.json")
    assert all(r["status"] == "graded" and r["score"] == r["max_score"] != SENTINEL for r in fresh.values())


def test_no_result_cache_when_the_cache_is_off(graded_class, tmp_path, monkeypatch):
    folder, results = graded_class
    monkeypatch.setenv("GRADER_CACHE_DIR", "off")
    grade(folder, tmp_path / "1.json")
    assert not results.exists()


def test_the_disk_cache_is_trimmed_least_recently_used_first(graded_class, tmp_path, monkeypatch):
    folder, results = graded_class
    grade(folder, tmp_path / "a.json")
    root = tmp_path / "cache"
    kept = sum(p.stat().st_size for p in root.glob("*/*"))
    tamper(results)
    for path in results.glob("*.json"):  # this class's results: stored long ago, but read again below
        os.utime(path, (1_000_000, 1_000_000))
    old = {}
    for name, used in (("a" * 32, 500_000), ("b" * 32, 2_000_000)):  # entries of an older grader
        old[name] = root / "references" / name
        old[name].parent.mkdir(exist_ok=True)  # (this process may have its references in memory already)
        old[name].write_bytes(b"x" * 300_000)
        os.utime(old[name], (used, used))
    # Over the limit by the two old entries; 80 % of it holds exactly what this class uses (plus a margin).
    monkeypatch.setattr(cache, "DISK_CACHE_MB", (kept + 50_000) / 0.8 / 2**20)
    again = grade(folder, tmp_path / "b.json")
    assert {r["score"] for r in again.values()} == {SENTINEL}, "the re-grade reads the stored results"
    assert not any(p.exists() for p in old.values()), "entries not used for longest are deleted first"
    assert len(list(results.glob("*.json"))) == len(STUDENTS), "entries just read are kept (reading refreshes them)"
