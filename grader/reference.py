"""Reference answers: run an exercise's ``solution.py`` on one student's dataset variant.

``solution.py`` is a script that reads ``data/<table>.csv`` and leaves the answer in ``result``. It
runs with the current directory set to a cached temporary folder holding that student's variant
(``datasets.generate(student)`` + ``datasets.write_csvs``). Answers are cached per exercise and
student. Works the same in Pyodide (the temporary folder lives in its in-memory file system).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from grader.spec import ExerciseSpec

_LOCK = threading.RLock()
_TABLES: dict[str, dict[str, pd.DataFrame]] = {}
_DIRS: dict[str, Path] = {}
_ANSWERS: dict[tuple[str, str, str], Any] = {}
_ROOT: Path | None = None
MAX_CACHED_STUDENTS = 256


class ReferenceFailed(Exception):
    """The reference answer could not be computed; the message (Chinese) says why."""


def _student_key(student: str | None) -> str:
    return "" if student is None else str(student).strip()


def student_tables(student: str | None) -> dict[str, pd.DataFrame]:
    """``datasets.generate(student)``, cached (None / "" = the lessons' default data)."""
    key = _student_key(student)
    with _LOCK:
        if key not in _TABLES:
            import datasets  # noqa: PLC0415  (the generator is only needed once a check asks)

            if len(_TABLES) >= MAX_CACHED_STUDENTS:
                _TABLES.pop(next(iter(_TABLES)))
            _TABLES[key] = datasets.generate(key or None)
        return _TABLES[key]


def _root() -> Path:
    global _ROOT  # noqa: PLW0603 (one scratch folder per process)
    if _ROOT is None or not _ROOT.is_dir():
        _ROOT = Path(tempfile.mkdtemp(prefix="grader-variants-"))
    return _ROOT


def data_dir(student: str | None) -> Path:
    """A folder whose ``data/`` holds this student's CSVs (written once per process)."""
    key = _student_key(student)
    with _LOCK:
        folder = _DIRS.get(key)
        if folder is None or not (folder / "data").is_dir():
            import datasets  # noqa: PLC0415

            folder = _root() / (("s-" + hashlib.sha1(key.encode()).hexdigest()[:12]) if key else "default")
            if folder.exists():
                shutil.rmtree(folder)
            (folder / "data").mkdir(parents=True)
            datasets.write_csvs(student_tables(key), folder / "data")
            _DIRS[key] = folder
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
    key = (str(spec.folder.resolve()), spec.id, _student_key(student))
    with _LOCK:
        if key in _ANSWERS:
            return _ANSWERS[key]
    code = spec.file_text("solution.py")
    try:
        answer = run_script(code, data_dir(student), f"exercises/{spec.id}/solution.py")
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
