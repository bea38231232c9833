"""Every cache of the grader in one place, with one :func:`clear_caches`.

In memory (per process, CPython and Pyodide):

* ``VARIANTS`` – each student's generated dataset (``datasets.generate``), least recently used first;
* ``DATA_DIRS`` – the scratch folder holding that variant's CSVs for ``solution.py``;
* ``ANSWERS`` – the ``result`` of ``solution.py`` per (exercise folder, exercise, student);
* ``REFERENCES`` – that answer serialised and read back like a submission (what checks compare with);
* ``SPEC_HASHES`` – the hash of each exercise folder (part of the disk key);
* :class:`IdentityCache` – values derived from one table object (e.g. the typed order export).

On disk (CPython only), under ``$GRADER_CACHE_DIR`` or ``~/.cache/ecom-crm-grader`` (``GRADER_CACHE_DIR=off``
disables it): serialised reference answers keyed by :func:`reference_key` (exercise folder hash + dataset
generator fingerprint + 学号), and the generated tables checks read (compressed pickles, :func:`variant_key`;
loading ``orders`` takes ~0.2 s where generating it takes ~1 s). The cache is the user's own folder.
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import os
import pickle
import shutil
import sys
import tempfile
import threading
import unicodedata
import zlib
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import numpy as np
import pandas as pd

from grader.log import log_exception

if TYPE_CHECKING:
    from grader.spec import ExerciseSpec

LOCK = threading.RLock()
"""Guards every in-memory store (the browser's worker and CLI threads share them)."""
MAX_CACHED_STUDENTS = 12
"""Variants kept in memory (each is a few tens of MB); older ones come back from the disk cache."""

VARIANTS: OrderedDict[str, dict[str, pd.DataFrame]] = OrderedDict()
DATA_DIRS: dict[str, Path] = {}
ANSWERS: dict[tuple[str, str, str], Any] = {}
REFERENCES: dict[tuple[str, str, str], Any] = {}
SPEC_HASHES: dict[str, str] = {}
_SCRATCH: list[Path] = []
_IDENTITY: list[IdentityCache[Any]] = []

T = TypeVar("T")


def student_key(student: str | None) -> str:
    """The 学号 as the generator sees it (NFKC, no outer spaces); "" = default data."""
    return "" if student is None else unicodedata.normalize("NFKC", str(student)).strip()


def scratch_root() -> Path:
    """One temporary folder per process for the variants' CSVs (removed at exit and by clear_caches)."""
    with LOCK:
        if not _SCRATCH or not _SCRATCH[0].is_dir():
            _SCRATCH[:] = [Path(tempfile.mkdtemp(prefix="grader-variants-"))]
            atexit.register(shutil.rmtree, _SCRATCH[0], True)
        return _SCRATCH[0]


class IdentityCache(Generic[T]):
    """``fn(obj)`` remembered for the last few objects, matched by identity (tables are not hashable)."""

    def __init__(self, fn: Callable[[Any], T], size: int = 4) -> None:
        self.fn, self.size = fn, size
        self.items: list[tuple[Any, T]] = []
        _IDENTITY.append(self)

    def __call__(self, obj: Any) -> T:
        with LOCK:
            for key, value in self.items:
                if key is obj:
                    return value
        value = self.fn(obj)
        with LOCK:
            self.items.append((obj, value))
            del self.items[: -self.size]
        return value

    def clear(self) -> None:
        with LOCK:
            self.items.clear()


# ---- persistent cache (CPython only): serialised reference answers -------------------------------
# Variants themselves are not stored: a pickled variant is ~10 MB and loads only ~2x faster than
# generating it.
def cache_dir() -> Path | None:
    """``$GRADER_CACHE_DIR`` or ~/.cache/ecom-crm-grader; None in Pyodide or with GRADER_CACHE_DIR=off."""
    if sys.platform == "emscripten":
        return None
    configured = os.environ.get("GRADER_CACHE_DIR")
    if configured is not None and configured.strip().lower() in ("", "0", "off", "no"):
        return None
    return Path(configured) if configured else Path.home() / ".cache" / "ecom-crm-grader"


@functools.cache
def datasets_fingerprint() -> str:
    """Changes whenever the generator's code or the pandas/numpy versions change."""
    import datasets  # noqa: PLC0415

    digest = hashlib.sha256(f"{pd.__version__}|{np.__version__}".encode())
    for path in sorted(Path(datasets.__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def reference_key(spec: ExerciseSpec, student: str | None) -> str:
    """Disk key of a reference answer: changes with the exercise folder, the generator and the 学号."""
    with LOCK:
        digest = SPEC_HASHES.get(str(spec.folder))
    if digest is None:
        digest = spec.folder_hash()
        with LOCK:
            SPEC_HASHES[str(spec.folder)] = digest
    ident = f"{digest}|{datasets_fingerprint()}|{student_key(student)}"
    return hashlib.sha256(ident.encode("utf-8")).hexdigest()[:32]


def cache_get(kind: str, key: str) -> bytes | None:
    root = cache_dir()
    if root is None or not key:
        return None
    try:
        return (root / kind / key).read_bytes()
    except OSError:
        return None


def cache_put(kind: str, key: str, data: bytes) -> None:
    root = cache_dir()
    if root is None or not key:
        return
    try:
        folder = root / kind
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{key}.{os.getpid()}.tmp"
        tmp.write_bytes(data)
        os.replace(tmp, folder / key)
    except OSError:  # a read-only home only costs speed
        pass


def variant_key(student: str | None, table: str) -> str:
    """Disk key of one generated table of one student's variant (changes with the generator)."""
    ident = f"{datasets_fingerprint()}|{student_key(student)}|{table}"
    return hashlib.sha256(ident.encode("utf-8")).hexdigest()[:32] + ".pickle.gz"


def table_get(student: str | None, table: str) -> pd.DataFrame | None:
    """A generated table from the disk cache (a re-grade needs the tables some checks read)."""
    data = cache_get("variants", variant_key(student, table)) if cache_dir() is not None else None
    if data is None:
        return None
    try:
        frame = pickle.loads(zlib.decompress(data))
    except Exception as exc:  # a damaged cache file only costs speed: generate again
        log_exception("variant cache", table, exc)
        return None
    return frame if isinstance(frame, pd.DataFrame) else None


def table_put(student: str | None, table: str, frame: pd.DataFrame) -> None:
    if cache_dir() is not None:
        cache_put("variants", variant_key(student, table), zlib.compress(pickle.dumps(frame, protocol=5), 1))


def clear_caches() -> None:
    """Forget everything kept in memory (tests; the browser after the dataset changes). Disk is kept."""
    with LOCK:
        VARIANTS.clear()
        DATA_DIRS.clear()
        ANSWERS.clear()
        REFERENCES.clear()
        for cache in _IDENTITY:
            cache.clear()
        SPEC_HASHES.clear()
        for root in _SCRATCH:
            shutil.rmtree(root, ignore_errors=True)
        _SCRATCH.clear()


__all__ = [
    "ANSWERS",
    "DATA_DIRS",
    "LOCK",
    "MAX_CACHED_STUDENTS",
    "REFERENCES",
    "SPEC_HASHES",
    "VARIANTS",
    "IdentityCache",
    "cache_dir",
    "cache_get",
    "cache_put",
    "clear_caches",
    "datasets_fingerprint",
    "reference_key",
    "scratch_root",
    "student_key",
    "table_get",
    "table_put",
    "variant_key",
]
