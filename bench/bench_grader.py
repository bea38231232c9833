"""Benchmark ``grader grade``: 50 students × 10 exercise slots = 500 files, mixed CSV/XLSX (YAML/JSON configs).

Each file is the instructor's key for that student's variant (``grader.reference`` + ``grader.serialize``),
so every file is graded in full. Measured:

* cold — ``grader grade DIR`` in a fresh process with an empty disk cache: start-up, every student's dataset
  variant, every reference answer, reading and checking all files (what an instructor waits for the first time);
* re-grade — the same command once more: unchanged files' results come from the disk cache;
* ``-j 1`` vs ``-j 2`` — a re-check (stored results removed, reference answers still on disk, so every file is
  read and checked) with one and with two worker processes (the speed-up of -j);
* floor — ``pd.read_csv`` / ``pd.read_excel(engine="calamine")`` (ruamel/json for configs) of the same
  bytes, nothing else, in this process, one core;
* hostile — peak memory (max RSS of the grader and its workers) grading each hostile file alone.

Goal: cold ≤ 20 s, re-grade ≤ 10 s on the 2-core machine. When fewer than 10 exercises exist the
slots cycle through those that do (a resubmission is graded like any file) and the table says so. On a
shared machine absolute times are noisy: compare the ratios, measured in the same run.
Usage: ``.venv/bin/python bench/bench_grader.py [--students 50] [--slots 10]``.
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd
from ruamel.yaml import YAML

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


def _student_files(folder: Path, specs: dict[str, ExerciseSpec], s: int, slots: int) -> list[Path]:
    ids = sorted(specs)
    student = f"2024{s + 1:04d}"
    paths = []
    for k in range(slots):
        spec = specs[ids[k % len(ids)]]
        formats = TABLE_FORMATS if spec.submission.kind == "table" else CONFIG_FORMATS
        fmt = formats[(s + k) % 2]
        packed = serialize(spec, reference_answer(spec, student), fmt)
        path = folder / f"{student}_第{k + 1}次_{spec.id}.{packed.format}"
        path.write_bytes(packed.data)
        paths.append(path)
    return paths


def make_files(folder: Path, specs: dict[str, ExerciseSpec], students: int,
               slots: int) -> tuple[list[Path], list[str], float]:
    """Every student's keys, built in parallel processes (setup, not timed)."""
    start = time.perf_counter()
    paths: list[Path] = []
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1, mp_context=context) as pool:
        for done, files in enumerate(pool.map(_student_files, [folder] * students, [specs] * students,
                                              range(students), [slots] * students), start=1):
            paths += files
            print(f"  keys for {done} students: {time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)
    return paths, sorted(specs), time.perf_counter() - start


def pandas_read(paths: list[Path]) -> float:
    blobs = [(p.suffix, p.read_bytes()) for p in paths]
    yaml = YAML(typ="safe", pure=True)
    start = time.perf_counter()
    for suffix, data in blobs:
        if suffix == ".csv":
            pd.read_csv(io.BytesIO(data), dtype=str)
        elif suffix == ".xlsx":
            pd.read_excel(io.BytesIO(data), dtype=str, engine="calamine")
        elif suffix == ".yaml":
            yaml.load(data.decode("utf-8"))
        else:
            json.loads(data)
    return time.perf_counter() - start


def grade_cold(folder: Path, exercises: Path, out: Path, *, cache: Path, jobs: int | None = None) -> tuple[float, dict]:
    """``grader grade`` in a new process with ``cache`` as its disk cache (empty = a cold run)."""
    exe = Path(sys.executable).with_name("grader")
    env = dict(os.environ, GRADER_CACHE_DIR=str(cache))
    extra = ["-j", str(jobs)] if jobs else []
    start = time.perf_counter()
    proc = subprocess.run([str(exe), "grade", str(folder), "--exercises", str(exercises), "-q", "--json", str(out),
                           *extra], capture_output=True, env=env, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"grader grade failed ({proc.returncode}): {proc.stderr.strip()}")
    return elapsed, json.loads(out.read_text(encoding="utf-8"))


def full_marks(book: dict) -> int:
    return sum(1 for r in book["results"] if r["status"] == "graded" and r["score"] >= r["max_score"])


def hostile_files(folder: Path, good: bytes) -> dict[str, Path]:
    """The hostile classes of tests/test_grader_hostile.py, one file each."""
    folder.mkdir()
    bomb = ("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n规则: 任一\n等级:\n  - 名称: 银卡\n    交易金额: *c\n")
    strings = (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
               + b"<si><t>padding</t></si>" * 2_000_000 + b"</sst>")
    far = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
           b'<c r="A1" t="inlineStr"><is><t>a</t></is></c><c r="XFD1" t="inlineStr"><is><t>b</t></is></c></row>'
           b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>c</t></is></c></row></sheetData></worksheet>')
    files = {
        "CSV, 100 000 columns": ("2024001_old-customers.csv",
                                 (",".join(f"c{i}" for i in range(100_000)) + "\n").encode()),
        "YAML alias bomb": ("2024001_tier-config.yaml", bomb.encode()),
        "JSON 10 000 deep": ("2024001_tier-config.json", b"[" * 10_000 + b"]" * 10_000),
        "XLSX sharedStrings 2 M": ("2024001_old-customers.xlsx", _xlsx_part("xl/sharedStrings.xml", strings)),
        "XLSX cells at XFD1 and A1048576": ("2024001_old-customers.xlsx", _xlsx_part("xl/worksheets/sheet1.xml", far)),
        "CSV 150 000 rows (largest allowed kind)": ("2024002_old-customers.csv",
                                                    good + b"".join(b"x%d,2,100\n" % i for i in range(150_000))),
    }
    out = {}
    for label, (name, data) in files.items():
        sub = folder / label.split(",")[0].replace(" ", "_")
        sub.mkdir(exist_ok=True)
        (sub / name).write_bytes(data)
        out[label] = sub / name
    return out


def _xlsx_part(part: str, data: bytes) -> bytes:
    import zipfile  # noqa: PLC0415

    from openpyxl import Workbook  # noqa: PLC0415

    wb = Workbook()
    wb.active.append(["买家会员名", "成交订单数", "成交金额"])
    raw = io.BytesIO()
    wb.save(raw)
    src = zipfile.ZipFile(io.BytesIO(raw.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            if info.filename != part:
                zf.writestr(info, src.read(info))
        zf.writestr(part, data)
    return out.getvalue()


def peak_memory(path: Path, cache: Path) -> tuple[float, float, str]:
    """(max RSS in MB of the grader and its workers, seconds, the file's message) for one file alone."""
    exe = Path(sys.executable).with_name("grader")
    probe = ("import json, resource, subprocess, sys, time\n"
             "t = time.perf_counter()\n"
             "subprocess.run(sys.argv[1:], capture_output=True)\n"
             "print(json.dumps([resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, "
             "time.perf_counter() - t]))\n")
    out = path.parent / "h.json"
    proc = subprocess.run([sys.executable, "-c", probe, str(exe), "grade", str(path), "-q", "--json", str(out)],
                          capture_output=True, text=True, env=dict(os.environ, GRADER_CACHE_DIR=str(cache)),
                          check=False)
    rss, seconds = json.loads(proc.stdout)
    result = json.loads(out.read_text(encoding="utf-8"))["results"][0]
    return rss, seconds, (result.get("error") or f"graded {result['score']}")[:60]


PHASES = ("variant: generate", "solution.py runs (tables from memory)", "reference read back", "read the file",
          "checks", "answer digest")


def phase_breakdown(paths: list[Path], specs: dict[str, ExerciseSpec], students: int = 3) -> dict[str, float]:
    """CPU seconds per student of each stage, in this process on one core, caches off (where a cold run's
    time goes: the per-student work is the design's floor, whatever the readers do)."""
    from grader import cache, engine  # noqa: PLC0415
    from grader.digest import answer_digest  # noqa: PLC0415
    from grader.reference import student_tables  # noqa: PLC0415

    os.environ["GRADER_CACHE_DIR"] = "off"
    cache.clear_caches()
    spent = dict.fromkeys(PHASES, 0.0)
    chosen = sorted({p.name.split("_")[0] for p in paths})[:students]

    def timed(phase: str, fn: Any, *args: Any) -> Any:
        start = time.process_time()
        value = fn(*args)
        spent[phase] += time.process_time() - start
        return value

    for student in chosen:
        mine = [p for p in paths if p.name.startswith(student + "_")]
        timed(PHASES[0], student_tables, student)
        for path in mine:
            spec = specs[path.stem.split("_", 2)[2]]
            timed(PHASES[1], reference_answer, spec, student)
            timed(PHASES[2], engine.reference_submission, spec, student)
            read = timed(PHASES[3], engine.read_submission, spec, path.name, path.read_bytes(), student)
            result = timed(PHASES[4], engine.grade_answer, spec, read, path.name, student)
            timed(PHASES[5], answer_digest, spec, read.value)
            assert result.score == result.max_score, (path.name, result.score)
    return {phase: seconds / len(chosen) for phase, seconds in spent.items()}


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
        exercises = Path(tmp) / "exercises"
        cache = Path(tmp) / "cache"
        cold, book = grade_cold(folder, exercises, Path(tmp) / "g.json", cache=cache)
        cold_full = full_marks(book)
        again, book = grade_cold(folder, exercises, Path(tmp) / "g2.json", cache=cache)
        again_full = full_marks(book)
        # -j: files graded for real (results removed, reference answers kept), one and two workers
        shutil.rmtree(cache / "results")
        j1, _ = grade_cold(folder, exercises, Path(tmp) / "g3.json", cache=cache, jobs=1)
        shutil.rmtree(cache / "results")
        j2, _ = grade_cold(folder, exercises, Path(tmp) / "g4.json", cache=cache, jobs=2)
        read = pandas_read(paths)
        phases = phase_breakdown(paths, specs)
        good = next(p for p in paths if p.name.endswith("old-customers.csv")).read_bytes()
        hostile = {label: peak_memory(path, cache) for label, path in hostile_files(Path(tmp) / "hostile", good).items()}
    rows = [
        ("files", f"{n} ({args.students} students × {args.slots} slots, {', '.join(sorted(kinds))})"),
        ("exercises", f"{len(ids)}: {', '.join(ids)}" + ("" if len(ids) >= args.slots else
                                                         f"  (fewer than {args.slots}: slots cycle)")),
        ("exercises skipped (spec broken)", "; ".join(broken) or "none"),
        ("setup: keys built (not timed)", f"{setup:.2f} s"),
        ("cold: grader grade, new process, empty cache", f"{cold:.2f} s  ({n / cold:.1f} files/s)  "
         f"full marks {cold_full}/{n}"),
        ("re-grade: new process, results cached on disk", f"{again:.2f} s  ({n / again:.1f} files/s)  "
         f"full marks {again_full}/{n}"),
        ("re-check -j 1: results removed, answers cached", f"{j1:.2f} s"),
        ("re-check -j 2", f"{j2:.2f} s  (speed-up {j1 / j2:.2f}×)"),
        ("floor: pandas (calamine) reads the same files, 1 core", f"{read:.2f} s  ({n / read:.1f} files/s)"),
        ("ratio cold / floor", f"{cold / read:.2f}"),
        ("ratio re-grade / floor", f"{again / read:.2f}"),
        ("goal cold ≤ 20 s / re-grade ≤ 10 s", f"{'met' if cold <= 20 else 'NOT met'} / "
                                                f"{'met' if again <= 10 else 'NOT met'}"),
    ]
    per_student = sum(phases.values())
    rows.append((f"per student, CPU s on one core ({min(3, args.students)} students)", f"{per_student:.2f} s = " + "; ".join(
        f"{k} {v:.2f}" for k, v in phases.items())))
    rows.append(("→ the per-student work alone, on 2 cores", f"{per_student * args.students / 2:.1f} s "
                                                            f"for {args.students} students"))
    for label, (rss, seconds, message) in hostile.items():
        rows.append((f"hostile: {label}", f"peak {rss:.0f} MB, {seconds:.1f} s — {message}"))
    worst = max(hostile.items(), key=lambda item: item[1][0])
    rows.append(("hostile: worst peak memory", f"{worst[1][0]:.0f} MB ({worst[0]})"))
    width = max(len(r[0]) for r in rows)
    print(f"| {'measure'.ljust(width)} | value |")
    print(f"|{'-' * (width + 2)}|-------|")
    for key, value in rows:
        print(f"| {key.ljust(width)} | {value} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
