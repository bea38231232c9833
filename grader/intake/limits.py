"""Caps that keep one file from stalling or exhausting the grader (sizes, counts, depth)."""

from __future__ import annotations

from dataclasses import dataclass

MAX_BYTES = 20 * 1024 * 1024
"""Larger submissions are refused: a class's submission is a few hundred rows."""
MAX_ROWS = 200_000
MAX_CELLS = 2_000_000


@dataclass(frozen=True)
class Limits:
    """Caps that protect the grader from oversized or malicious inputs."""

    max_file_bytes: int = 20 * 1024 * 1024
    """Largest single submission file (on disk or inside a zip), in bytes."""
    max_zip_members: int = 2000
    """Most entries a zip archive may list."""
    max_zip_total_bytes: int = 200 * 1024 * 1024
    """Most bytes all members of one archive may expand to together."""
    max_zip_depth: int = 2
    """How many zips may be nested inside each other."""



def mb(n: int) -> str:
    """Bytes as "1.5 MB" for messages."""
    return f"{n / 1024 / 1024:.1f} MB"


__all__ = ["MAX_BYTES", "MAX_CELLS", "MAX_ROWS", "Limits", "mb"]
