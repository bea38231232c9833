"""Size of the built site, by part: what a classroom server sends to each student's browser."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT_MB = 35.0


def size_of(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main() -> int:
    site = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "site"
    if not site.is_dir():
        print("site/ 不存在：请先运行 make build。")
        return 2
    total = size_of(site)
    parts = {
        "pyodide/ (runtime + wheels)": site / "pyodide",
        "assets/courseware/ (widget, worker, mermaid, py bundle)": site / "assets" / "courseware",
        "data/ (default datasets)": site / "data",
        "search/ (search index)": site / "search",
        "assets/ (Material theme)": site / "assets",
    }
    print("| part | MB | share |\n|---|---:|---:|")
    for label, path in parts.items():
        size = size_of(path) if path.exists() else 0
        if label.startswith("assets/ (Material"):
            size -= size_of(site / "assets" / "courseware") if (site / "assets" / "courseware").exists() else 0
        print(f"| {label} | {size / 1e6:.2f} | {size / total:.0%} |")
    pages = len(list(site.rglob("*.html")))
    print(f"| **site/ total** ({pages} HTML pages) | **{total / 1e6:.2f}** | limit {LIMIT_MB:.0f} MB: "
          f"{'OK' if total / 1e6 < LIMIT_MB else 'OVER'} ({total / 1e6 / LIMIT_MB:.0%}) |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
