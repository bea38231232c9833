"""Which exercise a file is, from its content, when its path does not say (``张三_2024001.xlsx``).

A table belongs to the exercise whose required columns it has, all of them (names and aliases, after
the usual normalising); a YAML/JSON document to the only tier-config exercise accepting that format. Two
matches are refused rather than guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any

from grader.engine import read_answer
from grader.intake.file_kinds import not_a_result
from grader.intake.identity import split_name
from grader.intake.raw_data import DataTableError
from grader.intake.readers import EXTENSIONS, ReadError
from grader.log import log_exception

NO_EXERCISE = ("路径里没有可识别的练习（编号、标题都没有），列名也对不上任何练习（可用：{ids}）；"
               "请按 <学号>_<练习编号>.<扩展名> 重命名后再批改（命令行也可用 --exercise 指定）。")
TWO_MATCH = "路径里没有练习编号，按列名它可能是 {a} 也可能是 {b}；请按 <学号>_<练习编号>.<扩展名> 重命名后再批改（命令行也可用 --exercise 指定）。"


def guess_exercise(specs: Mapping[str, Any], filename: str, data: bytes) -> tuple[str | None, str]:
    """(exercise id, note) or (None, the Chinese reason)."""
    _stem, ext = split_name(PurePosixPath(filename.replace("\\", "/")).name)
    fmt = EXTENSIONS.get("." + ext)
    ids = "、".join(sorted(specs))
    if fmt is None:
        return None, not_a_result(filename) or NO_EXERCISE.format(ids=ids)
    matches: list[str] = []
    data_table: str | None = None  # the file is one of the course's data tables, not a result
    for ex_id, spec in sorted(specs.items()):
        sub = spec.submission
        if fmt not in sub.accept:
            continue
        if sub.kind != "table":
            matches.append(ex_id)
            continue
        try:
            frame = read_answer(spec, filename, data, handed_in=True).value
        except DataTableError as exc:
            data_table = str(exc)
            continue
        except ReadError:
            continue
        except Exception as exc:
            log_exception("guess", filename, exc)
            continue
        if all(c in frame.columns for c in sub.columns):
            matches.append(ex_id)
    if len(matches) == 1:
        return matches[0], f"文件名里没有练习编号，按列名认定为 {matches[0]}（{specs[matches[0]].title}）"
    if len(matches) > 1:
        return None, TWO_MATCH.format(a=matches[0], b=matches[1])
    return None, data_table or NO_EXERCISE.format(ids=ids)


__all__ = ["NO_EXERCISE", "guess_exercise"]
