"""A student who hands in the course's own data (``orders.csv`` as downloaded, or opened and saved in Excel)
instead of a result gets one line saying so, rather than a low score from checks that cannot apply.

A table counts as a data table when its header holds every column of one of the dataset's tables and lacks
a column the exercise requires (so a result that also carries such columns is graded as usual).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from grader.intake.errors import ReadError
from grader.intake.normalize import norm_header

LINE = ("这是课程的原始数据表 {name}.csv（{what}），不是结果表；请提交用它算出的结果"
        "（在练习页运行代码后点“下载提交文件”）")


class DataTableError(ReadError):
    """The file is one of the course's data tables (a file whose exercise is guessed from its columns keeps
    this line rather than "no exercise matches")."""


@functools.cache
def _headers() -> dict[str, frozenset[str]]:
    """Each dataset table's normalised header (the lessons' data; every variant has the same columns)."""
    from grader.reference import student_tables  # noqa: PLC0415  (the generator runs only on this rare path)

    return {name: frozenset(norm_header(c) for c in frame.columns) for name, frame in student_tables(None).items()}


def data_table_line(columns: Iterable[str], missing: Iterable[str]) -> str | None:
    """The line for a header that is a dataset table's (the widest that fits), when required columns are
    ``missing``; else None."""
    if not list(missing):
        return None
    have = {norm_header(c) for c in columns}
    fits = [(len(head), name) for name, head in _headers().items() if head <= have]
    if not fits:
        return None
    import datasets  # noqa: PLC0415

    _width, name = max(fits)
    return LINE.format(name=name, what=datasets.TABLES[name].split("：", 1)[0])


__all__ = ["DataTableError", "data_table_line"]
