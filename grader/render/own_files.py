"""Recognise the files ``grader`` itself writes (成绩.csv / .xlsx / .json, 成绩单 and 班级报告 HTML, 反馈 pages),
so that grading a folder that also holds last run's outputs or the roster does not grade them as students'.

Each test reads only what the writer always puts there: the CSV's header row, the workbook's sheet names, the
gradebook JSON's keys, the HTML's generator ``<meta>``. A student's own table never has all of them.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile

from grader.render.common import GENERATOR_META, LABELS

_HEAD_BYTES = 4096
_CSV_COLUMNS = ("exercise", "file", "status", "score", "max_score")
_SHEETS = ("summary", "policy")


def _csv_header(data: bytes) -> list[str]:
    line = data[:_HEAD_BYTES].split(b"\n", 1)[0].removeprefix(b"\xef\xbb\xbf")
    try:
        return next(csv.reader(io.StringIO(line.decode("utf-8"))), [])
    except (UnicodeDecodeError, csv.Error):
        return []


def _sheet_names(data: bytes) -> set[str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            info = zf.getinfo("xl/workbook.xml")
            if info.file_size > 1_000_000:
                return set()
            text = zf.read(info).decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError):
        return set()
    return set(re.findall(r'<sheet\b[^>]*\bname="([^"]*)"', text))


def is_own_output(name: str, data: bytes) -> bool:
    """True when ``data`` (a file called ``name``) is one of grader's outputs."""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext in ("html", "htm"):
        return GENERATOR_META.encode() in data[:_HEAD_BYTES]
    if ext == "json":
        return data.lstrip()[:1] == b"{" and all(k in data for k in (b'"results"', b'"summary"', b'"stamp"',
                                                                       b'"grader_version"'))
    if ext == "csv":
        header = set(_csv_header(data))
        return any(all(LABELS[c][lang] in header for c in _CSV_COLUMNS) for lang in ("zh", "en"))
    if ext == "xlsx":
        sheets = _sheet_names(data)
        return any(all(LABELS[s][lang] in sheets for s in _SHEETS) for lang in ("zh", "en"))
    return False


__all__ = ["GENERATOR_META", "is_own_output"]
