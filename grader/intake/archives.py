"""Archives inside a submission: zip and 7z members read into memory, never extracted to disk.

Members are read with their declared *and* actual sizes checked against :class:`Limits`, so neither a zip
bomb nor a ``../`` member can write anything anywhere; links are never followed, RAR is named (not\nread), archives nest at most ``Limits.max_zip_depth`` deep. A member that cannot be taken becomes a
:class:`Submission` with ``error`` set, so it still shows up in every output.
"""

from __future__ import annotations

import contextlib
import functools
import io
import re
import stat
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from grader.intake.limits import Limits
from grader.intake.limits import mb as _mb
from grader.intake.submission import Submission, sha
from grader.log import log_exception

SKIPPED_LINK = "已跳过：链接/特殊文件（符号链接、管道或设备文件，出于安全不读取）；请把真实的文件放进来再评分。"
RAR_MESSAGE = "这是 RAR 压缩包，请先解压，或请学生提交 zip"
SEVEN_ZIP_MAGIC = b"7z\xbc\xaf\x27\x1c"
KIND_NAMES = {"zip": "zip 压缩包", "7z": "7z 压缩包"}
NO_7Z_READER = (
    # Pyodide (教师批改 in the browser): py7zr needs C extensions that have no Pyodide build
    "网页里读不了 7z 压缩包（浏览器里没有解压 7z 的组件）；请先把它解压，再把解压出的文件夹拖进来一起批改，"
    "或者用命令行工具 grader grade 批改。"
    if sys.platform == "emscripten" else
    "这台电脑的评分工具缺少读取 7z 的组件（py7zr）；请先解压，或重新安装评分工具。"
)

# System clutter that archivers and file managers add; never a student's submission.
_JUNK_NAMES = {".ds_store", "thumbs.db", "desktop.ini"}
_JUNK_DIRS = {"__macosx", ".git"}
_UTF8_FLAG = 0x800
_ENCRYPTED_FLAG = 0x1
_CHUNK = 1 << 16


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


def is_junk(name: str) -> bool:
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
                raise TooBig
            chunks.append(chunk)
    return b"".join(chunks)


@dataclass
class Member:
    """One entry of an archive, before its bytes are read."""

    name: str
    size: int
    """Declared uncompressed size."""
    packed: int
    """Declared compressed size (0 when unknown)."""
    read: Callable[[int], bytes]
    """Reads the bytes, raising :class:`TooBig` past the given cap whatever was declared."""
    link: bool = False
    encrypted: bool = False
    when: datetime | None = None
    notes: tuple[str, ...] = ()


class TooBig(Exception):
    """An archive member expanded past its cap."""


def _zip_members(data: bytes) -> list[Member]:
    zf = zipfile.ZipFile(io.BytesIO(data))
    out = []
    for info in zf.infolist():
        if info.is_dir():
            continue
        name, re_decoded = _member_name(info)
        mode = (info.external_attr >> 16) & 0xFFFF
        when = None
        with contextlib.suppress(ValueError, TypeError):
            when = datetime(*info.date_time)
        out.append(Member(
            name, info.file_size, info.compress_size, functools.partial(_read_member, zf, info),
            link=info.create_system == 3 and stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR),
            encrypted=bool(info.flag_bits & _ENCRYPTED_FLAG), when=when,
            notes=("压缩包内的文件名按 GBK 编码解码",) if re_decoded else ()))
    return out


def _members(kind: str, data: bytes) -> list[Member]:
    if kind == "7z":
        from grader.intake.sevenzip import members  # noqa: PLC0415  (py7zr: CLI only, not in Pyodide)

        return members(data, TooBig)
    return _zip_members(data)


def _from_archive(kind: str, label: str, data: bytes, limits: Limits, depth: int) -> Iterator[Submission]:
    try:
        members = _members(kind, data)
    except ImportError:
        yield Submission(label, error=NO_7Z_READER)
        return
    except Exception as exc:
        log_exception("archive", label, exc)
        yield Submission(label, error=f"{KIND_NAMES[kind]}无法打开（可能已损坏、不完整或设了密码）；请重新下载或重新打包后再评分。")
        return
    if len(members) > limits.max_zip_members:
        yield Submission(label, error=f"压缩包里有 {len(members)} 个文件，超过上限 {limits.max_zip_members}；请分批打包。")
        return
    budget = limits.max_zip_total_bytes
    for m in members:
        shown = f"{label}/{m.name}"
        if _unsafe(m.name):
            yield Submission(shown, error="压缩包成员的路径含 ../ 或是绝对路径，出于安全已跳过；请让学生重新打包。")
            continue
        if is_junk(m.name):
            continue
        if m.link:
            yield Submission(shown, error=SKIPPED_LINK)
            continue
        if m.encrypted:
            yield Submission(shown, error="压缩包里的这个文件设了密码，无法读取；请让学生去掉密码后重新打包。")
            continue
        cap = min(limits.max_file_bytes, budget)
        if m.size > cap:
            yield Submission(shown, error=_too_big_message(m.size, limits, budget))
            continue
        if m.packed and m.size > 1_000_000 and m.size / m.packed > limits.max_ratio:
            yield Submission(shown, error=f"压缩比超过 {limits.max_ratio:g} 倍（疑似压缩炸弹），未解压；请检查该文件。")
            continue
        try:
            body = m.read(cap)
        except TooBig:
            yield Submission(shown, error=f"解压后超过 {_mb(cap)}（与声明大小不符，疑似压缩炸弹），已停止读取；请检查该文件。")
            budget = 0
            continue
        except Exception as exc:
            log_exception("archive member", shown, exc)
            if m.packed > max(m.size, 1) * 2:
                # zipfile stops at the declared size, so a bomb that under-declares ends in a CRC error
                yield Submission(shown, error="压缩后的数据比声明的解压大小还大（疑似压缩炸弹或文件损坏），"
                                              "已停止读取；请检查该文件。")
            else:
                yield Submission(shown, error="压缩包里的这个文件读取失败（数据损坏）；请重新打包。")
            continue
        budget -= len(body)
        yield from expand(shown, body, limits, depth, m.notes, when=m.when, source="zip" if m.when else "")


def _too_big_message(size: int, limits: Limits, budget: int) -> str:
    if size > limits.max_file_bytes:
        return f"文件过大（{_mb(size)}，上限 {_mb(limits.max_file_bytes)}），未评分；请确认提交的是正确的文件。"
    return (
        f"压缩包解压总量超过上限 {_mb(limits.max_zip_total_bytes)}（剩余 {_mb(max(budget, 0))}），"
        "该文件未读取；请分批打包。"
    )


def archive_kind(label: str, data: bytes) -> str | None:
    """``zip`` / ``7z`` / ``rar`` when ``data`` is an archive to open (an XLSX is a zip but not one)."""
    low = label.lower()
    if data[:6] == SEVEN_ZIP_MAGIC or low.endswith(".7z"):
        return "7z"
    if data[:4] == b"Rar!" or low.endswith(".rar"):
        return "rar"
    if low.endswith(".zip"):
        return "zip"
    if data[:4] == b"PK\x03\x04" and not low.endswith((".xlsx", ".xlsm")) and _looks_like_plain_zip(data):
        return "zip"
    return None


def expand(label: str, data: bytes, limits: Limits, depth: int, notes: tuple[str, ...] = (), *,
           when: datetime | None = None, source: str = "") -> Iterator[Submission]:
    """``data`` as submissions: itself, or the members of the archive it is (nested up to the depth cap)."""
    kind = archive_kind(label, data)
    if kind is None:
        yield Submission(label, data=data, sha256=sha(data), notes=notes, submitted_at=when, time_source=source)
        return
    if kind == "rar":
        yield Submission(label, error=RAR_MESSAGE)
        return
    if depth >= limits.max_zip_depth:
        yield Submission(label, error=f"压缩包嵌套超过 {limits.max_zip_depth} 层，未展开；请先解压外层压缩包再评分。")
        return
    yield from _from_archive(kind, label, data, limits, depth + 1)


def _looks_like_plain_zip(data: bytes) -> bool:
    """A .zip saved under another extension, but not an XLSX (also a zip)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return False
    return "[Content_Types].xml" not in names


__all__ = ["KIND_NAMES", "RAR_MESSAGE", "SKIPPED_LINK", "Member", "TooBig", "archive_kind", "expand", "is_junk"]
