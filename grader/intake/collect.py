"""Turn command-line PATHs (files, folders, .zip / .7z archives) into submissions.

Nothing is extracted to disk (see :mod:`grader.intake.archives`). A file that cannot be taken becomes a
:class:`Submission` with ``error`` set, so it still shows up in every output. Links are never followed and
FIFOs, devices and sockets are never read ("已跳过：链接/特殊文件").
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from grader.intake.archives import SKIPPED_LINK, expand, is_junk
from grader.intake.identity import identify
from grader.intake.limits import Limits
from grader.intake.limits import mb as _mb
from grader.intake.submission import Submission
from grader.render.own_files import is_own_output

__all__ = ["NOT_FOUND", "NO_STUDENT", "collect", "exercise_names"]

NO_STUDENT = ("路径里找不到学号（文件名和文件夹名都没有）；请按 <学号>_<练习编号>.<扩展名> 重命名后再批改，"
              "文件名只有姓名时也可给出带姓名列的全班名单（命令行也可用 --student 指定）。")
NOT_FOUND = "找不到这个文件或文件夹；请检查路径是否写对。"


def _cannot_read(exc: OSError) -> str:
    return f"无法读取文件（{exc.strerror or '系统拒绝访问'}）；请检查路径和权限。"


def _too_big(size: int | None, cap: int) -> str:
    what = f"{_mb(size)}，" if size is not None else ""
    return f"文件过大（{what}上限 {_mb(cap)}），未评分；请确认提交的是正确的文件。"


def _from_path(path: Path, limits: Limits, shown: str) -> Iterator[Submission]:
    """One file, opened without following links; FIFOs, devices and sockets are never read."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        linked = exc.errno == errno.ELOOP or path.is_symlink()
        yield Submission(shown, error=SKIPPED_LINK if linked else _cannot_read(exc))
        return
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            yield Submission(shown, error=SKIPPED_LINK)
            return
        cap = limits.max_zip_total_bytes if path.name.lower().endswith((".zip", ".7z")) else limits.max_file_bytes
        if info.st_size > cap:
            yield Submission(shown, error=_too_big(info.st_size, cap))
            return
        try:
            data = handle.read(cap + 1)
        except OSError as exc:
            yield Submission(shown, error=_cannot_read(exc))
            return
    if len(data) > cap:
        yield Submission(shown, error=_too_big(None, cap))
        return
    when = datetime.fromtimestamp(info.st_mtime)
    for sub in expand(shown, data, limits, 0):
        # archive members keep their own time; a plain file gets its modification time
        yield sub if sub.time_source or sub.error else replace(sub, submitted_at=when, time_source="mtime")


def _walk(root: Path) -> Iterator[tuple[Path, bool]]:
    """(path, is a plain entry) under ``root``, sorted; linked folders are listed, never entered."""
    found: list[tuple[Path, bool]] = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        base = Path(folder)
        for name in list(dirs):
            if (base / name).is_symlink():
                dirs.remove(name)
                found.append((base / name, False))
        found.extend((base / name, True) for name in files)
    for path, plain in sorted(found):
        if not is_junk(path.relative_to(root).as_posix()):
            yield path, plain


def _raw_submissions(paths: Iterable[str | Path], limits: Limits,
                     exclude: set[Path] | None = None) -> Iterator[tuple[Submission, str]]:
    """Each submission with the part of its path that may name the student: from the given folder (or the
    given file's own folder) down, never the folders above it (a teacher's home may look like a 学号).
    Files of a folder in ``exclude`` (resolved paths: the roster, this run's outputs) are left out."""
    for raw in paths:
        path = Path(raw)
        above = path.parent.as_posix().rstrip("/") + "/" if path.parent != Path(".") else ""
        if path.is_symlink():
            yield Submission(path.as_posix(), error=SKIPPED_LINK), above
        elif path.is_dir():
            for child, plain in _walk(path):
                if exclude and plain and child.resolve() in exclude:
                    continue
                if plain:
                    yield from ((s, above) for s in _from_path(child, limits, child.as_posix()))
                else:
                    yield Submission(child.as_posix(), error=SKIPPED_LINK), above
        elif os.path.lexists(path):
            above = path.parent.parent.as_posix().rstrip("/") + "/" if path.parent.parent != path.parent else ""
            yield from ((s, above) for s in _from_path(path, limits, path.as_posix()))
        else:
            yield Submission(str(raw), error=NOT_FOUND), ""


def exercise_names(exercises: Mapping[str, Any] | Iterable[str]) -> dict[str, list[str]]:
    """Exercise id → its title and ``aliases`` (what a file name may call it)."""
    if isinstance(exercises, Mapping):
        return {ex: [str(getattr(s, "title", "") or ""), *getattr(s, "aliases", [])] for ex, s in exercises.items()}
    return {ex: [] for ex in exercises}


def collect(
    paths: Iterable[str | Path],
    exercises: Mapping[str, Any] | Iterable[str],
    *,
    exercise: str | None = None,
    student: str | None = None,
    roster: Iterable[str] = (),
    limits: Limits | None = None,
    exclude: Iterable[str | Path] = (),
    skipped: list[str] | None = None,
) -> list[Submission]:
    """Every submission under ``paths`` with 学号 and exercise taken from the whole path, in input order.

    ``exercises`` are the specs by id (titles and ``aliases`` are matched too) or just the ids.
    ``exercise`` / ``student`` override what the paths say; with ``roster``, a 学号 on it wins. A file
    whose path names no exercise keeps ``exercise=None``: the grader then tries its columns
    (:func:`grader.engine.guess_exercise`).

    Not students' files, so left out: in a folder, the files of ``exclude`` (the roster, the outputs being
    written), and anywhere, the files grader itself wrote (:func:`grader.render.own_files.is_own_output`: last
    run's 成绩 and 反馈); their paths are appended to ``skipped``.
    """
    names = exercise_names(exercises)
    student_names = getattr(roster, "names", None)  # a Roster read with its 姓名 column
    roster = list(roster)
    limits = limits or Limits()
    out: list[Submission] = []
    leave_out = {Path(p).resolve() for p in exclude}
    for sub, above in _raw_submissions(paths, limits, leave_out):
        if sub.error is None and sub.data and is_own_output(sub.name, sub.data):
            if skipped is not None:
                skipped.append(sub.file)
            continue
        ident = identify(sub.file.removeprefix(above) if above else sub.file, names, roster, student_names)
        notes = [*sub.notes, *([] if student else ident.student_notes), *([] if exercise else ident.exercise_notes)]
        stu = student or ident.student
        error = sub.error if sub.error is not None or stu is not None else ident.student_error or NO_STUDENT
        out.append(replace(sub, student=stu, exercise=exercise or ident.exercise, error=error, notes=tuple(notes)))
    return out
