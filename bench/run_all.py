"""Run every benchmark in bench/ in turn; each prints its own table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def main() -> int:
    status = 0
    for script in sorted(BENCH.glob("bench_*.py")):
        print(f"\n## {script.stem}\n", flush=True)
        status |= subprocess.run([sys.executable, str(script)], check=False).returncode
    return status


if __name__ == "__main__":
    raise SystemExit(main())
