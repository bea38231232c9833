"""Files students hand in by mistake instead of a result: their code, a notebook, a screenshot, a document.

Such a file gets one line saying what it is and what to hand in instead, rather than "rename it" (the
advice for a result whose name says nothing) or "save it as .csv" (which a picture cannot be).
"""

from __future__ import annotations

from pathlib import PurePosixPath

from grader.intake.identity import split_name

_KINDS: dict[str, tuple[str, ...]] = {
    "Python 代码文件": ("py", "pyw"),
    "Jupyter 笔记本": ("ipynb",),
    "图片": ("png", "jpg", "jpeg", "gif", "bmp", "webp", "heic", "heif", "tif", "tiff"),
    "Word 文档": ("doc", "docx", "wps", "rtf", "odt"),
    "PDF 文档": ("pdf",),
    "演示文稿": ("ppt", "pptx", "dps", "odp"),
    "网页文件": ("html", "htm", "mhtml"),
}
NOT_RESULTS: dict[str, str] = {ext: kind for kind, exts in _KINDS.items() for ext in exts}
"""Extension (lower case, no dot) → what the file is, for files that are never a result."""

LINE = "这是{kind}（.{ext}），不是结果文件；请让学生在练习页点“下载提交文件”，提交下载得到的文件（{wanted}）"
DEFAULT_WANTED = ".csv / .xlsx，等级配置为 .yaml / .json"


def not_a_result(filename: str, accept: list[str] | None = None) -> str | None:
    """The line for a file that is code, a picture or a document (by its extension), else None.

    ``accept`` (the exercise's formats, when known) names what to hand in instead.
    """
    _stem, ext = split_name(PurePosixPath(filename.replace("\\", "/")).name)
    kind = NOT_RESULTS.get(ext)
    if kind is None:
        return None
    wanted = " / ".join("." + a for a in accept) if accept else DEFAULT_WANTED
    return LINE.format(kind=(" " if kind[0].isascii() else "") + kind, ext=ext, wanted=wanted)


__all__ = ["NOT_RESULTS", "not_a_result"]
