"""Precompress the built site once, so servers send gzip without compressing on every request.

Every file whose kind compresses (``COMPRESSIBLE``: WebAssembly, JS, CSS, JSON, HTML, SVG, XML, text, CSV)
and that is at least ``MIN_BYTES`` gets a ``<name>.gz`` sibling (gzip -9, mtime 0, so a build is
byte-reproducible) — unless gzip saves less than ``MIN_SAVING``. Wheels, zips and images are compressed
already and are left alone. ``courseware.serve`` and nginx's ``gzip_static`` send the ``.gz`` file with
``Content-Encoding: gzip`` to browsers that accept it, the plain file to the others.

``python -m courseware.precompress SITE`` (re)writes the ``.gz`` files of a built site and prints a summary.
"""

from __future__ import annotations

import gzip
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

COMPRESSIBLE = frozenset({
    ".wasm", ".js", ".mjs", ".css", ".json", ".html", ".htm", ".svg", ".xml", ".txt", ".csv", ".map",
})
MIN_BYTES = 1024
MIN_SAVING = 0.10  # keep a .gz only when it is at least 10 % smaller than the file
GZ = ".gz"


@dataclass
class PrecompressReport:
    """What one run wrote: per file (site-relative path) the plain and the gzip size."""

    files: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def plain_bytes(self) -> int:
        return sum(plain for plain, _ in self.files.values())

    @property
    def gzip_bytes(self) -> int:
        return sum(packed for _, packed in self.files.values())

    def __str__(self) -> str:
        return (f"{len(self.files)} 个文件预压缩：{self.plain_bytes / 1e6:.1f} MB → {self.gzip_bytes / 1e6:.1f} MB"
                f"（gzip -9）")


def compressible(path: Path) -> bool:
    return path.suffix.lower() in COMPRESSIBLE and path.stat().st_size >= MIN_BYTES


def gzip_sibling(path: Path) -> Path:
    return path.with_name(path.name + GZ)


def _compress_one(path: Path) -> tuple[int, int] | None:
    data = path.read_bytes()
    packed = gzip.compress(data, compresslevel=9, mtime=0)
    target = gzip_sibling(path)
    if len(packed) > len(data) * (1 - MIN_SAVING):
        target.unlink(missing_ok=True)
        return None
    target.write_bytes(packed)
    return len(data), len(packed)


def precompress(site: Path, *, workers: int = 2) -> PrecompressReport:
    """Write ``.gz`` siblings for the compressible files under ``site``; returns what was written."""
    paths = sorted(p for p in site.rglob("*") if p.is_file() and compressible(p))
    report = PrecompressReport()
    with ThreadPoolExecutor(max_workers=workers) as pool:  # zlib releases the GIL
        for path, sizes in zip(paths, pool.map(_compress_one, paths), strict=True):
            if sizes:
                report.files[path.relative_to(site).as_posix()] = sizes
    return report


def is_precompressed_copy(path: Path) -> bool:
    """True for ``x.gz`` next to ``x``: another encoding of the same file, not more content."""
    return path.name.endswith(GZ) and path.with_name(path.name[: -len(GZ)]).is_file()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    site = Path(args[0] if args else "site")
    if not (site / "index.html").is_file():
        print(f"错误：{site}/ 里没有 index.html：请先运行 make build。", file=sys.stderr)
        return 2
    print(precompress(site))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
