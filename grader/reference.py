"""Reference answers: run an exercise's ``solution.py`` on one student's dataset variant.

``solution.py`` is a script that reads ``data/<table>.csv`` and leaves the answer in ``result``. It
runs with the current directory set to a cached temporary folder holding that student's variant
(``datasets.generate(student)`` + ``datasets.write_csvs``). Answers are cached per exercise and
student. Works the same in Pyodide (the temporary folder lives in its in-memory file system).
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import hashlib
import io
import os
import shutil
import sys
import tempfile
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from grader.spec import ExerciseSpec

_LOCK = threading.RLock()
_TABLES: OrderedDict[str, dict[str, pd.DataFrame]] = OrderedDict()
_DIRS: dict[str, Path] = {}
_ANSWERS: dict[tuple[str, str, str], Any] = {}
_ROOT: Path | None = None
MAX_CACHED_STUDENTS = 12
"""Variants kept in memory (each is a few tens of MB); older ones come back from the disk cache."""


class ReferenceFailed(Exception):
    """The reference answer could not be computed; the message (Chinese) says why."""


def student_key(student: str | None) -> str:
    """The 学号 as the generator sees it (NFKC, no outer spaces); "" = default data."""
    return "" if student is None else unicodedata.normalize("NFKC", str(student)).strip()


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


def cache_get(kind: str, key: str) -> bytes | None:
    root = cache_dir()
    if root is None:
        return None
    try:
        return (root / kind / key).read_bytes()
    except OSError:
        return None


def cache_put(kind: str, key: str, data: bytes) -> None:
    root = cache_dir()
    if root is None:
        return
    try:
        folder = root / kind
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{key}.{os.getpid()}.tmp"
        tmp.write_bytes(data)
        os.replace(tmp, folder / key)
    except OSError:  # a read-only home only costs speed
        pass


def student_tables(student: str | None) -> dict[str, pd.DataFrame]:
    """``datasets.generate(student)``, cached (None / "" = the lessons' default data)."""
    key = student_key(student)
    with _LOCK:
        if key in _TABLES:
            _TABLES.move_to_end(key)
        else:
            while len(_TABLES) >= MAX_CACHED_STUDENTS:
                _TABLES.popitem(last=False)
            import datasets  # noqa: PLC0415  (the generator is only needed once a check asks)

            _TABLES[key] = datasets.generate(key or None)
        return _TABLES[key]


def _root() -> Path:
    global _ROOT  # noqa: PLW0603 (one scratch folder per process)
    if _ROOT is None or not _ROOT.is_dir():
        _ROOT = Path(tempfile.mkdtemp(prefix="grader-variants-"))
        atexit.register(shutil.rmtree, _ROOT, True)
    return _ROOT


def data_dir(student: str | None, tables: Iterable[str] | None = None) -> Path:
    """A folder whose ``data/`` holds this student's CSVs (each written once per process).

    ``tables`` limits the CSVs written to those an exercise reads (default: every table).
    """
    key = student_key(student)
    with _LOCK:
        folder = _DIRS.get(key)
        if folder is None or not (folder / "data").is_dir():
            folder = _root() / (("s-" + hashlib.sha1(key.encode()).hexdigest()[:12]) if key else "default")
            if folder.exists():
                shutil.rmtree(folder)
            (folder / "data").mkdir(parents=True)
            _DIRS[key] = folder
        wanted = None if tables is None else set(tables)
        variant = student_tables(key)
        missing = {name: df for name, df in variant.items()
                   if (wanted is None or name in wanted) and not (folder / "data" / f"{name}.csv").is_file()}
        if missing:
            import datasets  # noqa: PLC0415

            datasets.write_csvs(missing, folder / "data")
        return folder


@contextlib.contextmanager
def working_dir(path: Path) -> Iterator[None]:
    old = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def run_script(code: str, cwd: Path, filename: str = "solution.py") -> Any:
    """Execute a course script in ``cwd`` and return its ``result`` variable; output is swallowed."""
    namespace: dict[str, Any] = {"__name__": "__main__", "__file__": filename}
    with _LOCK, working_dir(cwd), contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code, filename, "exec"), namespace)
    if "result" not in namespace:
        raise ReferenceFailed(f"{filename} 运行后没有变量 result")
    return namespace["result"]


def reference_answer(spec: ExerciseSpec, student: str | None) -> Any:
    """The ``result`` of the exercise's solution.py on this student's variant (cached)."""
    key = (str(spec.folder.resolve()), spec.id, student_key(student))
    with _LOCK:
        if key in _ANSWERS:
            return _ANSWERS[key]
    try:
        code = spec.file_text("solution.py")
        answer = run_script(code, data_dir(student, spec.datasets), f"exercises/{spec.id}/solution.py")
    except ReferenceFailed:
        raise
    except Exception as exc:
        raise ReferenceFailed(f"参考答案 exercises/{spec.id}/solution.py 运行出错（{type(exc).__name__}: {exc}）") from exc
    with _LOCK:
        _ANSWERS[key] = answer
    return answer


def clear_caches() -> None:
    """Forget generated data and answers (tests; the browser after the dataset changes)."""
    global _ROOT  # noqa: PLW0603
    with _LOCK:
        _TABLES.clear()
        _DIRS.clear()
        _ANSWERS.clear()
        if _ROOT is not None:
            shutil.rmtree(_ROOT, ignore_errors=True)
        _ROOT = None


__all__ = ["ReferenceFailed", "clear_caches", "data_dir", "reference_answer", "run_script", "student_tables"]
