"""Every cache of the grader in one place, with one :func:`clear_caches`.

In memory (per process, CPython and Pyodide):

* ``VARIANTS`` – each student's generated dataset (``datasets.generate``), least recently used first;
* ``DATA_DIRS`` – the scratch folder holding that variant's CSVs for ``solution.py``;
* ``ANSWERS`` – the ``result`` of ``solution.py`` per (exercise folder, exercise, student);
* ``REFERENCES`` – that answer serialised and read back like a submission (what checks compare with);
* ``SPEC_HASHES`` – the hash of each exercise folder (part of the disk key);
* :class:`IdentityCache` – values derived from one table object (e.g. the typed order export);
* ``CSV_READS`` – frames ``pd.read_csv`` returned to reference solutions (one student's variant CSVs).

On disk (CPython only), under ``$GRADER_CACHE_DIR`` or ``~/.cache/ecom-crm-grader`` (``GRADER_CACHE_DIR=off``
disables it): serialised reference answers keyed by :func:`reference_key` (exercise folder hash + dataset
generator fingerprint + 学号), and each file's result keyed by :func:`result_key` (the file's bytes and
name, exercise folder, 学号 and :func:`grader_fingerprint` of the grader's own code), so grading the same
class again grades only the files that changed. Results over a limit or from a crash are never stored.
The cache is the user's own folder.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import hashlib
import json
import os
import shutil
import sys
import tempfile
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import numpy as np
import pandas as pd

from grader.log import log_exception

if TYPE_CHECKING:
    from grader.model import SubmissionResult
    from grader.spec import ExerciseSpec

LOCK = threading.RLock()
"""Guards every in-memory store (the browser's worker and CLI threads share them)."""
MAX_CACHED_STUDENTS = 12
"""Variants kept in memory (each is a few tens of MB); older ones are generated again."""
MAX_CSV_READS = 16
"""Frames of ``pd.read_csv`` remembered for reference solutions (one student's variant CSVs)."""
LAZY_TABLES = sys.platform == "emscripten"
"""Generate only the tables asked for (the browser's page reads one or two); the CLI generates a whole
variant at once, since every table is built on the orders and customers."""

VARIANTS: OrderedDict[str, dict[str, pd.DataFrame]] = OrderedDict()
DATA_DIRS: dict[str, Path] = {}
ANSWERS: dict[tuple[str, str, str], Any] = {}
REFERENCES: dict[tuple[str, str, str], Any] = {}
SPEC_HASHES: dict[str, str] = {}
CSV_READS: OrderedDict[tuple[Any, ...], pd.DataFrame] = OrderedDict()
_SCRATCH: list[tuple[int, Path]] = []
"""(process id, folder) of the scratch folders this process made or inherited through ``fork``."""
_IDENTITY: list[IdentityCache[Any]] = []

T = TypeVar("T")


def student_key(student: str | None) -> str:
    """The 学号 as the generator sees it (NFKC, no outer spaces); "" = default data."""
    return "" if student is None else unicodedata.normalize("NFKC", str(student)).strip()


def scratch_root() -> Path:
    """One temporary folder per process for the variants' CSVs.

    The first process's folder is removed at its exit (and by :func:`clear_caches`). A worker forked from it
    (the CLI's ``-j``) makes its own folder inside the inherited one: a worker ends with ``os._exit`` (no
    ``atexit``) or is killed at a file's time limit, so the parent's removal is what cleans up after it.
    """
    with LOCK:
        pid = os.getpid()
        own = [folder for owner, folder in _SCRATCH if owner == pid and folder.is_dir()]
        if own:
            return own[0]
        inherited = [(owner, folder) for owner, folder in _SCRATCH if owner != pid and folder.is_dir()][:1]
        if inherited:
            folder = Path(tempfile.mkdtemp(prefix=f"worker-{pid}-", dir=inherited[0][1]))
        else:
            folder = Path(tempfile.mkdtemp(prefix="grader-variants-"))
            atexit.register(shutil.rmtree, folder, True)
        _SCRATCH[:] = [*inherited, (pid, folder)]
        return folder


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


def spec_digest(spec: ExerciseSpec) -> str:
    """:meth:`ExerciseSpec.folder_hash`, computed once per folder and process."""
    with LOCK:
        digest = SPEC_HASHES.get(str(spec.folder))
    if digest is None:
        digest = spec.folder_hash()
        with LOCK:
            SPEC_HASHES[str(spec.folder)] = digest
    return digest


def reference_key(spec: ExerciseSpec, student: str | None) -> str:
    """Disk key of a reference answer: changes with the exercise folder, the generator and the 学号."""
    ident = f"{spec_digest(spec)}|{datasets_fingerprint()}|{student_key(student)}"
    return hashlib.sha256(ident.encode("utf-8")).hexdigest()[:32]


DISK_CACHE_MB = 500
"""The disk cache is trimmed to 80 % of this after a run that finds it larger, least recently used first."""


def cache_get(kind: str, key: str) -> bytes | None:
    root = cache_dir()
    if root is None or not key:
        return None
    try:
        data = (root / kind / key).read_bytes()
    except OSError:
        return None
    with contextlib.suppress(OSError):
        os.utime(root / kind / key)  # its modification time says when it was last used (see trim_disk_cache)
    return data


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


def trim_disk_cache(limit_mb: float | None = None) -> int:
    """Delete the least recently used cache files while the cache is over ``limit_mb`` (down to 80 % of it).

    Entries of old grader versions or changed exercises are never read again, so without this the folder
    only grows. Returns the number of files deleted.
    """
    root = cache_dir()
    if root is None or not root.is_dir():
        return 0
    limit_mb = DISK_CACHE_MB if limit_mb is None else limit_mb
    files: list[tuple[float, int, Path]] = []
    for path in root.glob("*/*"):
        with contextlib.suppress(OSError):
            stat = path.stat()
            files.append((stat.st_mtime, stat.st_size, path))
    total = sum(size for _, size, _ in files)
    if total <= limit_mb * 1024 * 1024:
        return 0
    deleted = 0
    for _, size, path in sorted(files, key=lambda item: item[0]):
        if total <= 0.8 * limit_mb * 1024 * 1024:
            break
        with contextlib.suppress(OSError):
            path.unlink()
            total -= size
            deleted += 1
    return deleted


# ---- results (CPython only): a re-grade of unchanged files reads their results back ----------------
@functools.cache
def grader_fingerprint() -> str:
    """Changes whenever any of the grader's or the generator's code, or the pandas/numpy versions, change."""
    digest = hashlib.sha256(datasets_fingerprint().encode())
    root = Path(__file__).parent
    for path in sorted(root.rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def result_key(sha256: str, name: str, exercise: str, student: str | None, spec_digest: str) -> str:
    """Disk key of one file's result: the file's bytes and name, the exercise folder(s), the 学号, the code."""
    if cache_dir() is None or not sha256:
        return ""
    ident = "|".join((sha256, name, exercise, student_key(student), spec_digest, grader_fingerprint()))
    return hashlib.sha256(ident.encode("utf-8")).hexdigest()[:32] + ".json"


def result_get(key: str) -> SubmissionResult | None:
    from grader.model import SubmissionResult  # noqa: PLC0415

    data = cache_get("results", key)
    if data is None:
        return None
    try:
        return SubmissionResult.from_dict(json.loads(data))
    except Exception as exc:  # a damaged cache file only costs speed: grade again
        log_exception("result cache", key, exc)
        return None


def result_put(key: str, result: SubmissionResult) -> None:
    if key:
        cache_put("results", key, json.dumps(result.to_dict(), ensure_ascii=False).encode("utf-8"))


def clear_caches() -> None:
    """Forget everything kept in memory (tests; the browser after the dataset changes). Disk is kept."""
    with LOCK:
        VARIANTS.clear()
        DATA_DIRS.clear()
        ANSWERS.clear()
        REFERENCES.clear()
        CSV_READS.clear()
        for cache in _IDENTITY:
            cache.clear()
        SPEC_HASHES.clear()
        pid = os.getpid()
        for owner, root in _SCRATCH:
            if owner == pid:
                shutil.rmtree(root, ignore_errors=True)
        _SCRATCH[:] = [(owner, root) for owner, root in _SCRATCH if owner != pid]


__all__ = [
    "ANSWERS",
    "CSV_READS",
    "DATA_DIRS",
    "DISK_CACHE_MB",
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
    "grader_fingerprint",
    "reference_key",
    "result_get",
    "result_key",
    "result_put",
    "scratch_root",
    "spec_digest",
    "student_key",
    "trim_disk_cache",
]
