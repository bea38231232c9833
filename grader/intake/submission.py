"""One file to grade (bytes + where it came from), or one that could not be read."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
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
    """Remarks from collection, e.g. a decoded GBK member name."""

    @property
    def name(self) -> str:
        """The bare file name, without folders."""
        return PurePosixPath(self.file.replace("\\", "/")).name


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


__all__ = ["Submission", "sha"]
