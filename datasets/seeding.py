"""Seeds: one integer per 学号, identical on CPython and in Pyodide (sha256, no ``hash()``)."""

from __future__ import annotations

import hashlib
import unicodedata

from datasets.constants import COURSE_SEED


def normalize_student(student: str | None) -> str | None:
    """Return the 学号 as the generator sees it: NFKC (full-width digits → ASCII), outer spaces removed.

    ``None`` or an empty string means the lessons' default dataset.
    """
    if student is None:
        return None
    text = unicodedata.normalize("NFKC", str(student)).strip()
    return text or None


def seed_for(student: str | None) -> int:
    """A 64-bit seed for a 学号 (``None`` → the default dataset's seed)."""
    norm = normalize_student(student)
    key = f"{COURSE_SEED}|default" if norm is None else f"{COURSE_SEED}|student|{norm}"
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big")
