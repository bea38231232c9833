"""Turn command-line PATHs (files, folders, .zip archives) into submissions.

Nothing is extracted to disk: zip members are read into memory with their declared
*and* actual sizes checked against :class:`Limits`, so neither a zip bomb nor a
``../`` member can write anything anywhere. A member or file that cannot be taken
becomes a :class:`Submission` with ``error`` set, so it still shows up in every output.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

__all__ = ["Limits", "Submission", "collect", "parse_name"]

# System clutter that archivers and file managers add; never a student's submission.
_JUNK_NAMES = {".ds_store", "thumbs.db", "desktop.ini"}
_JUNK_DIRS = {"__macosx", ".git"}

_COPY_SUFFIX = re.compile(r"(\s*(\(\d+\)|-\s*(副本|copy)(\s*\(\d+\))?|副本|copy))+$", re.IGNORECASE)
_SEP = re.compile(r"[_\s-]+")
_STUDENT_ID = re.compile(r"^[A-Za-z]{0,3}\d[A-Za-z0-9]*$")
_UTF8_FLAG = 0x800
_ENCRYPTED_FLAG = 0x1
_CHUNK = 1 << 16


@dataclass(frozen=True)
class Limits:
    """Caps that protect the grader from oversized or malicious inputs."""

    max_file_bytes: int = 20 * 1024 * 1024
    """Largest single submission file (on disk or inside a zip), in bytes."""
    max_zip_members: int = 2000
    """Most entries a zip archive may list."""
    max_zip_total_bytes: int = 200 * 1024 * 1024
    """Most bytes all members of one archive may expand to together."""
    max_zip_depth: int = 2
    """How many zips may be nested inside each other."""


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


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------- file names


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


# ---------------------------------------------------------------- zip members


def _member_name(info: zipfile.ZipInfo) -> tuple[str, bool]:
    """Decode a member name; returns (name, was_re_decoded)."""
    if info.flag_bits & _UTF8_FLAG:
        return info.filename, False
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename, False
    for encoding in ("utf-8", "gb18030"):
        try:
            decoded = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        return decoded, decoded != info.filename
    return info.filename, False


def _unsafe(name: str) -> bool:
    posix = name.replace("\\", "/")
    if posix.startswith("/") or re.match(r"^[A-Za-z]:", posix):
        return True
    return any(part == ".." for part in posix.split("/"))


def _is_junk(name: str) -> bool:
    parts = [p.lower() for p in name.replace("\\", "/").split("/") if p]
    if not parts:
        return True
    base = parts[-1]
    return (
        any(p in _JUNK_DIRS for p in parts[:-1])
        or base in _JUNK_NAMES
        or base.startswith("~$")
        or base.startswith("._")
    )


class _TooBig(Exception):
    pass


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    """Read a member, stopping as soon as it expands beyond ``cap`` whatever it declares."""
    chunks: list[bytes] = []
    total = 0
    with zf.open(info) as stream:
        while True:
            chunk = stream.read(_CHUNK)
            if not chunk:
                break
            total += len(chunk)
            if total > cap:
                raise _TooBig
            chunks.append(chunk)
    return b"".join(chunks)


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def _from_zip(label: str, data: bytes, limits: Limits, depth: int) -> Iterator[Submission]:

    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        yield Submission(label, error=f"压缩包无法打开（{type(exc).__name__}）；请重新下载或重新打包后再评分。")
        return
    with zf:
        files = [i for i in infos if not i.is_dir()]
        if len(files) > limits.max_zip_members:
            yield Submission(
                label,
                error=f"压缩包里有 {len(files)} 个文件，超过上限 {limits.max_zip_members}；请分批打包。",
            )
            return
        budget = limits.max_zip_total_bytes
        for info in files:
            name, re_decoded = _member_name(info)
            shown = f"{label}/{name}"
            if _unsafe(name):
                yield Submission(
                    shown, error="压缩包成员的路径含 ../ 或是绝对路径，出于安全已跳过；请让学生重新打包。"
                )
                continue
            if _is_junk(name):
                continue
            if info.flag_bits & _ENCRYPTED_FLAG:
                yield Submission(shown, error="压缩包里的这个文件设了密码，无法读取；请让学生去掉密码后重新打包。")
                continue
            cap = min(limits.max_file_bytes, budget)
            if info.file_size > cap:
                yield Submission(shown, error=_too_big_message(info.file_size, limits, budget))
                continue
            try:
                member = _read_member(zf, info, cap)
            except _TooBig:
                yield Submission(
                    shown,
                    error=f"解压后超过 {_mb(cap)}（与声明大小不符，疑似压缩炸弹），已停止读取；请检查该文件。",
                )
                budget = 0
                continue
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as exc:
                if info.compress_size > max(info.file_size, 1) * 2:
                    # zipfile stops at the declared size, so a bomb that under-declares ends in a CRC error
                    yield Submission(shown, error="压缩后的数据比声明的解压大小还大（疑似压缩炸弹或文件损坏），"
                                                  "已停止读取；请检查该文件。")
                else:
                    yield Submission(shown, error=f"压缩包成员读取失败（{type(exc).__name__}）；请重新打包。")
                continue
            budget -= len(member)
            notes = ("压缩包内的文件名按 GBK 编码解码。",) if re_decoded else ()
            yield from _from_bytes(shown, member, limits, depth, notes)


def _too_big_message(size: int, limits: Limits, budget: int) -> str:
    if size > limits.max_file_bytes:
        return f"文件过大（{_mb(size)}，上限 {_mb(limits.max_file_bytes)}），未评分；请确认提交的是正确的文件。"
    return (
        f"压缩包解压总量超过上限 {_mb(limits.max_zip_total_bytes)}（剩余 {_mb(max(budget, 0))}），"
        "该文件未读取；请分批打包。"
    )


def _from_bytes(
    label: str, data: bytes, limits: Limits, depth: int, notes: tuple[str, ...] = ()
) -> Iterator[Submission]:
    low = label.lower()
    sniff = data[:4] == b"PK\x03\x04" and not low.endswith((".xlsx", ".xlsm")) and _looks_like_plain_zip(data)
    if low.endswith(".zip") or sniff:
        if depth >= limits.max_zip_depth:
            yield Submission(label, error=f"压缩包嵌套超过 {limits.max_zip_depth} 层，未展开；请解压后再评分。")
            return
        yield from _from_zip(label, data, limits, depth + 1)
        return
    yield Submission(label, data=data, sha256=_sha(data), notes=notes)


def _looks_like_plain_zip(data: bytes) -> bool:
    """A .zip saved under another extension, but not an XLSX (also a zip)."""

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return False
    return "[Content_Types].xml" not in names


# ---------------------------------------------------------------- paths


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
    yield from _from_bytes(shown, data, limits, 0)


def _walk(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and not _is_junk(rel):
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
