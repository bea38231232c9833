"""Who handed a file in and for which exercise, read from its name."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import PurePosixPath

_COPY_SUFFIX = re.compile(r"(\s*(\(\d+\)|-\s*(副本|copy)(\s*\(\d+\))?|副本|copy))+$", re.IGNORECASE)
_SEP = re.compile(r"[_\s-]+")
_STUDENT_ID = re.compile(r"^[A-Za-z]{0,3}\d[A-Za-z0-9]*$")


def _normalise_stem(name: str) -> tuple[str, str]:
    text = unicodedata.normalize("NFKC", name).strip()
    stem, dot, ext = text.rpartition(".")
    if not dot:
        stem, ext = text, ""
    stem = _COPY_SUFFIX.sub("", stem.strip()).strip()
    return stem, ext.strip().lower()


def parse_name(name: str, exercise_ids: Iterable[str]) -> tuple[str | None, str | None]:
    """Return ``(学号, exercise id)`` read from a file name, each ``None`` when absent.

    Accepts ``<学号>_<exercise-id>.csv`` and ``<学号>_<姓名>_<exercise-id>.xlsx`` with
    full-width characters, spaces instead of underscores, upper-case extensions and
    ``(1)`` / ``- 副本`` copy markers. The exercise id must end the stem; it is never guessed.
    """
    stem, _ext = _normalise_stem(PurePosixPath(name.replace("\\", "/")).name)
    low = stem.lower()
    exercise: str | None = None
    rest = stem
    for ex in sorted(exercise_ids, key=len, reverse=True):
        ex_low = ex.lower()
        if low == ex_low:
            exercise, rest = ex, ""
            break
        if low.endswith(ex_low) and _SEP.match(low[-len(ex_low) - 1]):
            exercise, rest = ex, stem[: -len(ex_low)]
            break
    tokens = [t for t in _SEP.split(rest) if t]
    student = next((t for t in tokens if _STUDENT_ID.match(t)), None)
    return student, exercise



__all__ = ["parse_name"]
