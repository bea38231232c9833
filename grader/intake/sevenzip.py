"""7z archives (``py7zr``, CLI only): the members of an archive in memory, never on disk.

Each member is decompressed into a writer that stops past its cap, so a 7z bomb that under-declares its
sizes costs at most the cap; links are reported as links, never followed.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from typing import Any

import py7zr
from py7zr.io import Py7zIO, WriterFactory

from grader.intake.archives import Member


class _Capped(Py7zIO):
    def __init__(self, cap: int, too_big: type[Exception]) -> None:
        self.cap, self.too_big = cap, too_big
        self.buffer = io.BytesIO()

    def write(self, s: bytes | bytearray) -> int:
        if self.buffer.tell() + len(s) > self.cap:
            raise self.too_big
        return self.buffer.write(s)

    def read(self, size: int | None = None) -> bytes:
        return self.buffer.read(size)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.buffer.seek(offset, whence)

    def flush(self) -> None:
        return None

    def size(self) -> int:
        return self.buffer.getbuffer().nbytes


class _Factory(WriterFactory):
    def __init__(self, cap: int, too_big: type[Exception]) -> None:
        self.cap, self.too_big = cap, too_big
        self.products: dict[str, _Capped] = {}

    def create(self, filename: str) -> Py7zIO:
        self.products[filename] = _Capped(self.cap, self.too_big)
        return self.products[filename]


def _reader(data: bytes, name: str, too_big: type[Exception]) -> Callable[[int], bytes]:
    def read(cap: int) -> bytes:
        factory = _Factory(cap, too_big)
        with py7zr.SevenZipFile(io.BytesIO(data)) as archive:
            archive.extract(targets=[name], factory=factory)
        product = factory.products.get(name)
        return product.buffer.getvalue() if product is not None else b""

    return read


def _when(info: Any) -> datetime | None:
    stamp = getattr(info, "creationtime", None)
    if not isinstance(stamp, datetime):
        return None
    return stamp.astimezone().replace(tzinfo=None) if stamp.tzinfo else stamp


def members(data: bytes, too_big: type[Exception]) -> list[Member]:
    """The file entries of a 7z archive; raises on a broken or password-protected archive."""
    with py7zr.SevenZipFile(io.BytesIO(data)) as archive:
        if archive.needs_password():
            raise ValueError("encrypted")
        infos = archive.list()
    out = []
    for info in infos:
        if info.is_directory:
            continue
        out.append(Member(info.filename, int(info.uncompressed or 0), int(info.compressed or 0),
                          _reader(data, info.filename, too_big), link=bool(info.is_symlink) or not info.is_file,
                          when=_when(info)))
    return out


__all__ = ["members"]
