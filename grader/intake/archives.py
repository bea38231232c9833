"""Archives inside a submission: zip members read into memory, never extracted to disk.

Members are read with their declared *and* actual sizes checked against :class:`Limits`, so neither a zip
bomb nor a ``../`` member can write anything anywhere. A member that cannot be taken becomes a
:class:`Submission` with ``error`` set, so it still shows up in every output.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator

from grader.intake.limits import Limits
from grader.intake.limits import mb as _mb
from grader.intake.submission import Submission, sha

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
            if is_junk(name):
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
            yield from expand(shown, member, limits, depth, notes)


def _too_big_message(size: int, limits: Limits, budget: int) -> str:
    if size > limits.max_file_bytes:
        return f"文件过大（{_mb(size)}，上限 {_mb(limits.max_file_bytes)}），未评分；请确认提交的是正确的文件。"
    return (
        f"压缩包解压总量超过上限 {_mb(limits.max_zip_total_bytes)}（剩余 {_mb(max(budget, 0))}），"
        "该文件未读取；请分批打包。"
    )


def expand(
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
    yield Submission(label, data=data, sha256=sha(data), notes=notes)


def _looks_like_plain_zip(data: bytes) -> bool:
    """A .zip saved under another extension, but not an XLSX (also a zip)."""

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return False
    return "[Content_Types].xml" not in names


__all__ = ["expand", "is_junk"]
