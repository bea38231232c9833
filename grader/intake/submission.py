"""One file to grade (bytes + where it came from), or one that could not be read."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePosixPath


@dataclass(frozen=True)
class Submission:
    """One file to grade, or one that could not even be read."""

    file: str
    """Where it came from, for people: a path, or ``archive.zip/inner/path``."""
    data: bytes | None = None
    """The file's bytes (``None`` when ``error`` is set)."""
    student: str | None = None
    """学号, from ``--student`` or the file name."""
    exercise: str | None = None
    """Exercise id, from ``--exercise`` or the file name."""
    error: str | None = None
    """Chinese reason why this file cannot be graded; ``None`` when it can."""
    sha256: str = ""
    """SHA-256 of ``data`` (empty when there is none)."""
    notes: tuple[str, ...] = field(default_factory=tuple)
    """Remarks from collection: a decoded GBK member name, where the 学号 / exercise were found …"""
    submitted_at: datetime | None = None
    """When it was handed in as far as we can tell: the archive member's time, else the file's mtime."""
    time_source: str = ""
    """Where ``submitted_at`` comes from: ``zip`` (zip / 7z member time), ``mtime`` or "" (unknown)."""

    @property
    def name(self) -> str:
        """The bare file name, without folders."""
        return PurePosixPath(self.file.replace("\\", "/")).name


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


__all__ = ["Submission", "sha"]
