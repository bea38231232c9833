"""Turn command-line PATHs (files, folders, .zip archives) into submissions.

Nothing is extracted to disk (see :mod:`grader.intake.archives`). A file that cannot be taken becomes a
:class:`Submission` with ``error`` set, so it still shows up in every output.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from grader.intake.archives import expand, is_junk
from grader.intake.identity import parse_name
from grader.intake.limits import Limits
from grader.intake.limits import mb as _mb
from grader.intake.submission import Submission

__all__ = ["collect"]


def _from_path(path: Path, limits: Limits, shown: str) -> Iterator[Submission]:
    try:
        size = path.stat().st_size
    except OSError as exc:
        yield Submission(shown, error=f"无法读取文件（{exc.strerror or type(exc).__name__}）；请检查路径和权限。")
        return
    cap = limits.max_zip_total_bytes if path.suffix.lower() == ".zip" else limits.max_file_bytes
    if size > cap:
        yield Submission(shown, error=f"文件过大（{_mb(size)}，上限 {_mb(cap)}），未评分；请确认提交的是正确的文件。")
        return
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield Submission(shown, error=f"无法读取文件（{exc.strerror or type(exc).__name__}）；请检查路径和权限。")
        return
    yield from expand(shown, data, limits, 0)


def _walk(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and not is_junk(rel):
            yield path


def _raw_submissions(paths: Iterable[str | Path], limits: Limits) -> Iterator[Submission]:
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in _walk(path):
                yield from _from_path(child, limits, child.as_posix())
        elif path.exists():
            yield from _from_path(path, limits, path.as_posix())
        else:
            yield Submission(str(raw), error="找不到这个文件或文件夹；请检查路径是否写对。")


def collect(
    paths: Iterable[str | Path],
    exercise_ids: Iterable[str],
    *,
    exercise: str | None = None,
    student: str | None = None,
    limits: Limits | None = None,
) -> list[Submission]:
    """Every submission under ``paths`` with 学号 and exercise filled in, in input order.

    ``exercise`` / ``student`` override what the file names say. A file whose name
    names no known exercise (and no override) gets an error instead of a guess.
    """
    ids = sorted(set(exercise_ids))
    limits = limits or Limits()
    out: list[Submission] = []
    for sub in _raw_submissions(paths, limits):
        if sub.error is not None:
            named_student, named_exercise = parse_name(sub.name, ids)
            out.append(replace(sub, student=student or named_student, exercise=exercise or named_exercise))
            continue
        named_student, named_exercise = parse_name(sub.name, ids)
        ex = exercise or named_exercise
        stu = student or named_student
        error = None
        if ex is None:
            error = (
                "文件名里没有可识别的练习编号（可用：" + "、".join(ids) + "）；"
                "请按 <学号>_<练习编号>.<扩展名> 重命名，或用 --exercise 指定。"
            )
        elif stu is None:
            error = "文件名里找不到学号；请按 <学号>_<练习编号>.<扩展名> 重命名，或用 --student 指定。"
        out.append(replace(sub, student=stu, exercise=ex, error=error))
    return out
