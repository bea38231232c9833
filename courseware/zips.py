"""Deterministic zip archives for the site: same inputs, same bytes (browsers cache them by content)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

FIXED_TIME = (2020, 1, 1, 0, 0, 0)


def content(source: Path | bytes) -> bytes:
    return source if isinstance(source, bytes) else source.read_bytes()


def build_zip(files: dict[str, Path | bytes]) -> bytes:
    """Archive path → file (or literal bytes), deflated, with fixed timestamps and permissions."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for arcname, source in files.items():
            info = zipfile.ZipInfo(arcname, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, content(source))
    return buf.getvalue()
