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
import traceback
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from grader import cache
from grader.cache import student_key
from grader.log import log_exception

if TYPE_CHECKING:
    from grader.spec import ExerciseSpec


class ReferenceFailed(Exception):
    """The reference answer could not be computed; the message (Chinese) says why."""


def student_tables(student: str | None, tables: Iterable[str] | None = None) -> dict[str, pd.DataFrame]:
    """``datasets.generate(student)``, cached per table (None / "" = the lessons' default data).

    ``tables`` limits what is generated now (a table is the same whether or not others are generated);
    the result holds those tables (all of them when ``tables`` is None).
    """
    import datasets  # noqa: PLC0415  (the generator is only needed once a check asks)

    key = student_key(student)
    wanted = list(datasets.TABLES) if tables is None else list(tables)
    with cache.LOCK:
        if key in cache.VARIANTS:
            cache.VARIANTS.move_to_end(key)
        else:
            while len(cache.VARIANTS) >= cache.MAX_CACHED_STUDENTS:
                cache.VARIANTS.popitem(last=False)
            cache.VARIANTS[key] = {}
        have = cache.VARIANTS[key]
        missing = [name for name in wanted if name not in have]
        if missing:
            # Every table is built on top of the orders and customers, so asking one table at a time
            # rebuilds those each time: the CLI (several exercises per student) generates the rest at once
            # (0.33 s for all tables vs 0.12–0.18 s for each). The browser asks only what its page reads.
            ask = missing if cache.LAZY_TABLES else [name for name in datasets.TABLES if name not in have]
            have.update(datasets.generate(key or None, tables=ask))
        return {name: have[name] for name in wanted if name in have}


class LazyTables(Mapping[str, pd.DataFrame]):
    """A student's dataset whose tables are generated on first access (checks read one or two of them)."""

    def __init__(self, student: str | None) -> None:
        self.student = student

    def _names(self) -> list[str]:
        import datasets  # noqa: PLC0415

        return list(datasets.TABLES)

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._names():
            raise KeyError(name)
        return student_tables(self.student, [name])[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())


def data_dir(student: str | None, tables: Iterable[str] | None = None, *, write: bool = True) -> Path:
    """A folder whose ``data/`` holds this student's CSVs (each written once per process).

    ``tables`` limits the CSVs written to those an exercise reads (default: every table); ``write=False``
    only makes the folder (reference solutions read their tables from memory, see :func:`run_script`).
    """
    key = student_key(student)
    with cache.LOCK:
        folder = cache.DATA_DIRS.get(key)
        if folder is None or not (folder / "data").is_dir():
            folder = cache.scratch_root() / (("s-" + hashlib.sha1(key.encode()).hexdigest()[:12]) if key else "default")
            if folder.exists():
                shutil.rmtree(folder)
            (folder / "data").mkdir(parents=True)
            cache.DATA_DIRS[key] = folder
        if not write:
            return folder
        wanted = None if tables is None else set(tables)
        variant = student_tables(key, wanted)
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


def run_script(code: str, cwd: Path, filename: str = "solution.py", *,
               tables: Mapping[str, pd.DataFrame] | None = None, owner: str = "") -> Any:
    """Execute a course script in ``cwd`` and return its ``result`` variable; output is dropped.

    With ``tables`` (a student's variant, ``owner`` its 学号), ``pd.read_csv("data/<table>.csv", …)`` reads
    that table from memory: with ``dtype=str`` (how the course reads its data) the frame is built directly
    (:func:`datasets.writer.text_frame`, the same frame the parser returns), with no ``dtype`` or text columns
    only by :func:`datasets.writer.typed_frame` when it is sure of the parser's types, otherwise its CSV bytes
    are parsed without touching the disk. Each read is remembered per process (:data:`grader.cache.CSV_READS`:
    eight solutions read ``orders.csv``) and each script gets its own copy of the frame.
    """
    # print() is a no-op: the output is swallowed anyway, and printing a frame formats it (~10 ms each)
    namespace: dict[str, Any] = {"__name__": "__main__", "__file__": filename, "print": _no_print}
    with cache.LOCK, working_dir(cwd), contextlib.redirect_stdout(io.StringIO()), \
            _remembered_reads(cwd, tables or {}, owner):
        exec(compile(code, filename, "exec"), namespace)
    if "result" not in namespace:
        raise ReferenceFailed(f"{filename} 运行后没有变量 result")
    return namespace["result"]


def _no_print(*_args: Any, **_kwargs: Any) -> None:
    return None


def _table_name(path: Any, cwd: Path, tables: Mapping[str, pd.DataFrame]) -> str | None:
    """The variant table ``path`` names (``data/<table>.csv`` under ``cwd``), or None."""
    if not tables or not isinstance(path, str | os.PathLike):
        return None
    target = Path(os.path.normpath(cwd / Path(path)))
    if target.parent != Path(os.path.normpath(cwd / "data")) or target.suffix != ".csv":
        return None
    return target.stem if target.stem in tables else None


def _typed(table: pd.DataFrame, args: tuple[Any, ...], kwargs: dict[str, Any]) -> pd.DataFrame | None:
    """``pd.read_csv(…)`` or ``pd.read_csv(…, dtype={col: str, …})`` (how the course keeps order numbers as text)
    without parsing, when :func:`datasets.writer.typed_frame` is sure of the result; else None."""
    from datasets.writer import typed_frame  # noqa: PLC0415  (the generator's package)

    dtype = kwargs.get("dtype", {})
    if args or set(kwargs) - {"dtype"} or not isinstance(dtype, dict) or any(t is not str for t in dtype.values()):
        return None
    return typed_frame(table, dtype)


@contextlib.contextmanager
def _remembered_reads(cwd: Path, tables: Mapping[str, pd.DataFrame], owner: str) -> Iterator[None]:
    original = pd.read_csv

    def read_csv(path: Any, *args: Any, **kwargs: Any) -> Any:
        name = _table_name(path, cwd, tables)
        try:
            if name is not None:
                key: tuple[Any, ...] = ("variant", owner, id(tables[name]), name, repr(args), repr(sorted(kwargs.items())))
            else:
                stat = os.stat(path)
                key = (os.path.realpath(path), stat.st_mtime_ns, stat.st_size, repr(args), repr(sorted(kwargs.items())))
        except (OSError, TypeError, ValueError):
            return original(path, *args, **kwargs)
        frame = cache.CSV_READS.get(key)
        if frame is None:
            from datasets.writer import csv_bytes, text_frame  # noqa: PLC0415  (the generator's package)

            if name is None:
                frame = original(path, *args, **kwargs)
            elif not args and kwargs == {"dtype": str}:
                frame = text_frame(tables[name])
            else:
                frame = _typed(tables[name], args, kwargs)
                if frame is None:
                    frame = original(io.BytesIO(csv_bytes(tables[name])), *args, **kwargs)
            if not isinstance(frame, pd.DataFrame):  # chunked / iterator reads are not remembered
                return frame
            cache.CSV_READS[key] = frame
            while len(cache.CSV_READS) > cache.MAX_CSV_READS:
                cache.CSV_READS.popitem(last=False)
        return frame.copy(deep=True)

    pd.read_csv = read_csv  # type: ignore[assignment]
    try:
        yield
    finally:
        pd.read_csv = original  # type: ignore[assignment]


def reference_answer(spec: ExerciseSpec, student: str | None) -> Any:
    """The ``result`` of the exercise's solution.py on this student's variant (cached)."""
    key = (str(spec.folder.resolve()), spec.id, student_key(student))
    with cache.LOCK:
        if key in cache.ANSWERS:
            return cache.ANSWERS[key]
    try:
        code, name = spec.file_text("solution.py"), f"exercises/{spec.id}/solution.py"
        variant = student_tables(student, spec.datasets)
        try:  # the tables come from memory; the CSVs are written only for a script that opens files itself
            answer = run_script(code, data_dir(student, write=False), name, tables=variant, owner=student_key(student))
        except OSError:
            answer = run_script(code, data_dir(student, spec.datasets), name)
    except ReferenceFailed:
        raise
    except Exception as exc:
        log_exception("solution.py", spec.id, exc)
        line = next((f.lineno for f in reversed(traceback.extract_tb(exc.__traceback__))
                     if f.filename.endswith("solution.py")), None)
        where = f"第 {line} 行" if line else "运行时"
        raise ReferenceFailed(f"参考答案 exercises/{spec.id}/solution.py {where}出错（{str(exc)[:120]}）；"
                              "请课程维护者修正（grader --debug 可看到完整报错）") from exc
    with cache.LOCK:
        cache.ANSWERS[key] = answer
    return answer


__all__ = ["LazyTables", "ReferenceFailed", "data_dir", "reference_answer", "run_script", "student_tables"]
