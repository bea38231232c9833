"""The one exception readers raise: :class:`ReadError`, whose text is one Chinese line with the fix."""

from __future__ import annotations

FORMAT_NAMES = {"csv": "CSV", "xlsx": "Excel 工作簿（.xlsx）", "yaml": "YAML", "json": "JSON"}


class ReadError(Exception):
    """The file cannot be read; ``str(exc)`` is one Chinese line with the fix."""


TOO_COMPLEX = "文件过大或过于复杂（{what}）；提交的应是练习要求的结果表，请只保留结果后重新保存"

__all__ = ["FORMAT_NAMES", "TOO_COMPLEX", "ReadError"]
