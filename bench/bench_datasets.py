"""Benchmark: generating the shop's dataset (all tables) and writing its CSVs, at 10 000 and 100 000 orders.

    .venv/bin/python bench/bench_datasets.py [--sizes 10000 100000] [--repeat 3] [--no-pyodide]

Prints a table: orders, generate seconds (best of N, wall clock and CPU), orders per second, CSV write
seconds and the total CSV size. The machine is shared, so CPU seconds are the steadier figure.
It then times the browser's case — a student's variant (10 000 orders) generated and written inside
Pyodide under Node.js — when build/pyodide exists (``make build``); ``--no-pyodide`` skips it.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import datasets

ROOT = Path(__file__).resolve().parent.parent
PYODIDE_CODE = """
import json, time
import datasets
datasets.generate("warm-up", n_orders=1000)
rows = []
for student in ("20230101", "20230102", "20230103"):
    t0 = time.perf_counter()
    tables = datasets.generate(student)
    t1 = time.perf_counter()
    datasets.write_csvs(tables, "data")
    rows.append([student, t1 - t0, time.perf_counter() - t1])
print(json.dumps(rows))
"""


def measure(n_orders: int, repeat: int, out: Path) -> dict[str, float]:
    best_wall = best_cpu = float("inf")
    tables = {}
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        tables = datasets.generate(n_orders=n_orders)
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    wall = time.perf_counter()
    paths = datasets.write_csvs(tables, out)
    write = time.perf_counter() - wall
    return {
        "orders": n_orders,
        "wall": best_wall,
        "cpu": best_cpu,
        "rate": n_orders / best_wall,
        "write": write,
        "mb": sum(p.stat().st_size for p in paths.values()) / 1e6,
    }


def pyodide_rows() -> list[list]:
    sys.path.insert(0, str(ROOT / "tests"))
    from pyodide_harness import PyodideSession  # noqa: PLC0415  test helper, only for this option

    session = PyodideSession()
    try:
        return json.loads(session.run(PYODIDE_CODE).strip().splitlines()[-1])
    finally:
        session.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-pyodide", dest="pyodide", action="store_false",
                        help="skip timing a student's variant inside Pyodide")
    args = parser.parse_args()
    print(f"{'orders':>8} | {'generate s':>10} | {'cpu s':>6} | {'orders/s':>9} | {'write CSV s':>11} | {'CSV MB':>6}")
    print(f"{'-' * 8}-+-{'-' * 10}-+-{'-' * 6}-+-{'-' * 9}-+-{'-' * 11}-+-{'-' * 6}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            r = measure(n, args.repeat, Path(tmp) / str(n))
            print(f"{r['orders']:>8} | {r['wall']:>10.2f} | {r['cpu']:>6.2f} | {r['rate']:>9.0f} | "
                  f"{r['write']:>11.2f} | {r['mb']:>6.1f}")
    if args.pyodide and not (ROOT / "build" / "pyodide" / "pyodide.mjs").is_file():
        print("\n(build/pyodide 不存在：先运行 make build，才能测浏览器里的生成速度)")
    elif args.pyodide:
        print()
        print(f"{'Pyodide, 学号':>14} | {'generate s':>10} | {'write CSV s':>11}")
        print(f"{'-' * 14}-+-{'-' * 10}-+-{'-' * 11}")
        for student, gen, write in pyodide_rows():
            print(f"{student:>14} | {gen:>10.2f} | {write:>11.2f}")


if __name__ == "__main__":
    main()
