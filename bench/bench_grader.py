"""Benchmark ``grader grade``: 50 students × 10 exercise slots = 500 files, mixed CSV/XLSX (YAML/JSON configs).

Each file is the instructor's key for that student's variant (``grader.reference`` + ``grader.serialize``),
so every file is graded in full. Measured:

* cold — ``grader grade DIR`` in a fresh process with the disk cache off: start-up, every student's dataset
  variant, every reference answer, reading and checking all files (what an instructor waits for the first time);
* again — the same command once more: reference answers come from the disk cache (a re-grade);
* warm — the same grading in this process with the variants and references already cached
  (the engine's own cost per file);
* pandas — ``pd.read_csv`` / ``pd.read_excel`` (ruamel/json for configs) of the same bytes, nothing else.

Goal: cold < 20 s on the 2-core machine, warm / pandas ≤ 3. When fewer than 10 exercises exist the
slots cycle through those that do (a resubmission is graded like any file) and the table says so.
Usage: ``.venv/bin/python bench/bench_grader.py [--students 50] [--slots 10]``.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
from ruamel.yaml import YAML

from grader.grading import build_gradebook
from grader.intake.collect import collect
from grader.reference import reference_answer
from grader.serialize import serialize
from grader.spec import ExerciseSpec, SpecError, exercise_folders, load_spec

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = ROOT / "exercises"
TABLE_FORMATS = ("csv", "xlsx")
CONFIG_FORMATS = ("yaml", "json")


def usable_exercises(link_dir: Path) -> tuple[dict[str, ExerciseSpec], list[str]]:
    """Exercises whose spec loads (others are being written right now), linked into ``link_dir``."""
    specs, broken = {}, []
    link_dir.mkdir()
    for folder in exercise_folders(EXERCISES):
        try:
            spec = load_spec(folder)
        except SpecError as exc:
            broken.append(f"{folder.name} ({str(exc)[:60]}…)")
            continue
        (link_dir / folder.name).symlink_to(folder, target_is_directory=True)
        specs[spec.id] = load_spec(link_dir / folder.name)
    return specs, broken


def make_files(folder: Path, specs: dict[str, ExerciseSpec], students: int,
               slots: int) -> tuple[list[Path], list[str], float]:
    ids = sorted(specs)
    start = time.perf_counter()
    paths = []
    for s in range(students):
        student = f"2024{s + 1:04d}"
        for k in range(slots):
            spec = specs[ids[k % len(ids)]]
            formats = TABLE_FORMATS if spec.submission.kind == "table" else CONFIG_FORMATS
            fmt = formats[(s + k) % 2]
            packed = serialize(spec, reference_answer(spec, student), fmt)
            path = folder / f"{student}_第{k + 1}次_{spec.id}.{packed.format}"
            path.write_bytes(packed.data)
            paths.append(path)
        print(f"  keys for {student}: {time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)
    return paths, ids, time.perf_counter() - start


def pandas_read(paths: list[Path]) -> float:
    blobs = [(p.suffix, p.read_bytes()) for p in paths]
    yaml = YAML(typ="safe", pure=True)
    start = time.perf_counter()
    for suffix, data in blobs:
        if suffix == ".csv":
            pd.read_csv(io.BytesIO(data), dtype=str)
        elif suffix == ".xlsx":
            pd.read_excel(io.BytesIO(data), dtype=str, engine="openpyxl")
        elif suffix == ".yaml":
            yaml.load(data.decode("utf-8"))
        else:
            json.loads(data)
    return time.perf_counter() - start


def grade_cold(folder: Path, exercises: Path, out: Path, *, disk_cache: bool) -> tuple[float, dict]:
    """``grader grade`` in a new process; without the disk cache nothing computed before is reused."""
    exe = Path(sys.executable).with_name("grader")
    env = dict(os.environ)
    if not disk_cache:
        env["GRADER_CACHE_DIR"] = "off"
    start = time.perf_counter()
    proc = subprocess.run([str(exe), "grade", str(folder), "--exercises", str(exercises), "-q", "--json", str(out)],
                          capture_output=True, env=env,
                          text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"grader grade failed ({proc.returncode}): {proc.stderr.strip()}")
    return elapsed, json.loads(out.read_text(encoding="utf-8"))


def grade_warm(paths: list[Path], specs: dict[str, ExerciseSpec]) -> tuple[float, int]:
    start = time.perf_counter()
    book = build_gradebook(collect(paths, specs), specs)
    elapsed = time.perf_counter() - start
    full = sum(1 for e in book.entries if e.result.status == "graded" and e.result.score >= e.result.max_score)
    return elapsed, full


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=50)
    parser.add_argument("--slots", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-grader-") as tmp:
        folder = Path(tmp) / "class"
        folder.mkdir()
        specs, broken = usable_exercises(Path(tmp) / "exercises")
        paths, ids, setup = make_files(folder, specs, args.students, args.slots)
        n = len(paths)
        kinds = {p.suffix for p in paths}
        cold, book = grade_cold(folder, Path(tmp) / "exercises", Path(tmp) / "g.json", disk_cache=False)
        cold_full = sum(1 for r in book["results"] if r["status"] == "graded" and r["score"] >= r["max_score"])
        again, book = grade_cold(folder, Path(tmp) / "exercises", Path(tmp) / "g2.json", disk_cache=True)
        again_full = sum(1 for r in book["results"] if r["status"] == "graded" and r["score"] >= r["max_score"])
        warm, warm_full = grade_warm(paths, specs)
        read = pandas_read(paths)
    rows = [
        ("files", f"{n} ({args.students} students × {args.slots} slots, {', '.join(sorted(kinds))})"),
        ("exercises", f"{len(ids)}: {', '.join(ids)}" + ("" if len(ids) >= args.slots else
                                                         f"  (fewer than {args.slots}: slots cycle)")),
        ("exercises skipped (spec broken)", "; ".join(broken) or "none"),
        ("setup: keys built (not timed)", f"{setup:.2f} s"),
        ("cold: grader grade, new process, nothing cached", f"{cold:.2f} s  ({n / cold:.1f} files/s)  "
         f"full marks {cold_full}/{n}"),
        ("again: new process, answers cached on disk", f"{again:.2f} s  ({n / again:.1f} files/s)  "
         f"full marks {again_full}/{n}"),
        ("warm: in-process, one core, caches filled", f"{warm:.2f} s  ({n / warm:.1f} files/s)  "
         f"full marks {warm_full}/{n}"),
        ("pandas only: read same files", f"{read:.2f} s  ({n / read:.1f} files/s)"),
        ("ratio warm / pandas (goal ≤ 3)", f"{warm / read:.2f}"),
        ("ratio cold / pandas", f"{cold / read:.2f}"),
        ("ratio again / pandas", f"{again / read:.2f}"),
        ("goal cold < 20 s", "met" if cold < 20 else "NOT met"),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"| {'measure'.ljust(width)} | value |")
    print(f"|{'-' * (width + 2)}|-------|")
    for key, value in rows:
        print(f"| {key.ljust(width)} | {value} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
