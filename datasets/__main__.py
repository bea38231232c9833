"""``python -m datasets``: write a dataset's CSV files (thin layer over ``generate`` and ``write_csvs``).

    python -m datasets --out DIR [--student 学号] [--size N] [--tables orders customers …]

Exit codes: 0 written; 2 bad arguments (one Chinese line, no traceback).
"""

from __future__ import annotations

import argparse
import sys

from datasets.constants import TABLES
from datasets.generator import DatasetError, generate
from datasets.writer import write_csvs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m datasets", description="生成吃货美食团的店铺数据（CSV）")
    parser.add_argument("--out", required=True, help="输出文件夹（不存在会自动创建）")
    parser.add_argument("--student", default=None, help="学号；不填则生成课程正文使用的默认数据")
    parser.add_argument("--size", type=int, default=None, help="订单数（默认 10 000，用于压力测试）")
    parser.add_argument("--tables", nargs="+", default=None, help=f"只生成这些表（可选：{'、'.join(TABLES)}）")
    args = parser.parse_args(argv)
    try:
        tables = generate(args.student, n_orders=args.size, tables=args.tables)
        paths = write_csvs(tables, args.out)
    except DatasetError as err:
        print(f"错误：{err}", file=sys.stderr)
        return 2
    except OSError as err:
        print(f"错误：无法写入 {args.out}（{err.strerror}）：请换一个有写权限的文件夹。", file=sys.stderr)
        return 2
    for name, path in paths.items():
        print(f"{path}（{len(tables[name])} 行）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
