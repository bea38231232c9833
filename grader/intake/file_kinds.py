"""Files students hand in by mistake instead of a result: their code, a notebook, a screenshot, a document,
or a spreadsheet saved in another program's format (WPS .et, Excel 97 .xls, Numbers).

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

_SHEETS: dict[str, tuple[tuple[str, ...], str]] = {
    "WPS 表格文件": (("et", "ett"), "请在 WPS 里“另存为” .xlsx 或 .csv 文件后再提交"),
    "旧版 Excel 97-2003 文件": (("xls", "xlt"), "请在 Excel 或 WPS 里另存为 .xlsx 或 .csv 文件后再提交"),
    "Excel 二进制工作簿": (("xlsb",), "请在 Excel 或 WPS 里另存为 .xlsx 或 .csv 文件后再提交"),
    "OpenDocument 表格": (("ods",), "请在 WPS 或 LibreOffice 里另存为 .xlsx 或 .csv 文件后再提交"),
    "Mac 的 Numbers 表格": (("numbers",), "请在 Numbers 里用“文件 → 导出为”存成 Excel 或 CSV 文件后再提交"),
}
OTHER_SHEETS: dict[str, tuple[str, str]] = {ext: (kind, fix) for kind, (exts, fix) in _SHEETS.items() for ext in exts}
"""Extension → (what the spreadsheet is, how to save it in a format the grader reads)."""

SHEET_LINE = "这是{kind}（.{ext}），批改读不了这种格式；{fix}"
LINE = "这是{kind}（.{ext}），不是结果文件；请让学生在练习页点“下载提交文件”，提交下载得到的文件（{wanted}）"
DEFAULT_WANTED = ".csv / .xlsx，等级配置为 .yaml / .json"


def not_a_result(filename: str, accept: list[str] | None = None) -> str | None:
    """The line for a file that is code, a picture, a document or a spreadsheet in a format the grader does
    not read (WPS .et, .xls, .ods …), by its extension; else None.

    ``accept`` (the exercise's formats, when known) names what to hand in instead.
    """
    _stem, ext = split_name(PurePosixPath(filename.replace("\\", "/")).name)
    if ext in OTHER_SHEETS:
        return sheet_line(ext)
    kind = NOT_RESULTS.get(ext)
    if kind is None:
        return None
    wanted = " / ".join("." + a for a in accept) if accept else DEFAULT_WANTED
    return LINE.format(kind=_spaced(kind), ext=ext, wanted=wanted)


def disguised_line(real_ext: str, filename: str, accept: list[str] | None = None) -> str:
    """The line for a document whose content is ``real_ext`` (``docx``) under another name (``…_rfm.xlsx``)."""
    wanted = " / ".join("." + a for a in accept) if accept else DEFAULT_WANTED
    kind = NOT_RESULTS[real_ext]
    name_ext = PurePosixPath(filename.replace("\\", "/")).suffix or "（无扩展名）"
    return (f"文件扩展名是 {name_ext}，内容却是{_spaced(kind)}（.{real_ext}），不是结果文件；"
            f"请让学生在练习页点“下载提交文件”，提交下载得到的文件（{wanted}）")


def sheet_line(ext: str) -> str:
    """The line for a spreadsheet of another format (``ext`` a key of :data:`OTHER_SHEETS`), whatever its name."""
    kind, fix = OTHER_SHEETS[ext]
    return SHEET_LINE.format(kind=_spaced(kind), ext=ext, fix=fix)


def _spaced(kind: str) -> str:
    """A space after 这是 before a Latin name (这是 Word 文档, 这是图片)."""
    return (" " if kind[0].isascii() else "") + kind


__all__ = ["NOT_RESULTS", "OTHER_SHEETS", "disguised_line", "not_a_result", "sheet_line"]
