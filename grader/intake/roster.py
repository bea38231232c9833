"""The class roster (``--roster`` and the browser's 名单): 学号 from a text/CSV file, an XLSX or a pasted list.

A roster is read as a table — text lines split at commas, full-width commas, tabs or spaces (UTF-8 with or
without BOM, or GBK); the first sheet of a workbook — and the 学号 column is found the way a teacher would:

1. a header cell in the first rows that names it (学号, 学生学号, 学籍号, 学生编号, 考号, 准考证号, student id);
   the 学号 are the cells below it;
2. else the column with the most 学号-like cells: at least :data:`~grader.intake.identity.MIN_DIGITS` digits, so a
   序号 column (1, 2, 3 …) in front of the 学号 is passed over;
3. else the first column holding anything that looks like an id (short in-class numbers such as 01, 02).

Full-width digits and letters are read as ASCII. A pasted string without line breaks may be a comma- or
space-separated list.

**姓名.** Beside each 学号, the roster's name when it has one: the column headed 姓名 (学生姓名, 名字, name), else
the column in which most 学号 rows hold a Chinese name (2–8 characters, ``·`` allowed). The grader uses them to
find the 学号 of a file named only with the student's name (:func:`grader.intake.identity.find_student`).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata

from grader.intake.identity import MIN_DIGITS, StudentNames

__all__ = ["ROSTER_ID", "Roster", "RosterError", "parse_roster"]

ROSTER_ID = re.compile(r"[A-Za-z]{0,3}\d[A-Za-z0-9-]*")
"""What a 学号 on a roster looks like (letters prefix allowed, e.g. S2024001)."""
MAX_ROSTER_BYTES = 5 << 20
MAX_ROWS = 20_000
MAX_COLUMNS = 50
HEADER_ROWS = 10
"""A header naming the 学号 column is looked for in this many rows (title rows above it are common)."""
HEADERS = ("学号", "学生学号", "学籍号", "学生编号", "考号", "准考证号", "studentid", "id")
NAME_HEADERS = ("姓名", "学生姓名", "名字", "name", "studentname")
"""Header cells naming the 姓名 column (compared without spaces, ``_``, ``/``, ``-``, lower case)."""
CHINESE_NAME = re.compile(r"[\u4e00-\u9fff][\u4e00-\u9fff·•]{1,7}")
"""A cell that reads as a Chinese name (少数民族 names joined by ``·``)."""


class Roster(list[str]):
    """学号 in roster order (a list, as every caller takes it), with ``names``: 学号 → 姓名 where the roster has one."""

    def __init__(self, ids: list[str] | tuple[str, ...] = (), names: dict[str, str] | None = None) -> None:
        super().__init__(ids)
        known = set(ids)
        self.names = StudentNames({k: v for k, v in (names or {}).items() if k in known and v})


class RosterError(ValueError):
    """The roster cannot be read; the message is one Chinese line (why), the caller adds what to do."""


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RosterError("编码无法识别")


def _xlsx_rows(raw: bytes) -> list[list[str]]:
    from openpyxl import load_workbook  # noqa: PLC0415  (only for XLSX rosters)

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception:  # any broken workbook: one line, not an exception name
        raise RosterError("Excel 文件无法打开") from None
    try:
        rows = []
        for row in book.worksheets[0].iter_rows(max_col=MAX_COLUMNS, max_row=MAX_ROWS, values_only=True):
            rows.append([_cell(value) for value in row])
        return rows
    finally:
        book.close()


def _cell(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else _normal(str(value))


def _text_rows(text: str) -> list[list[str]]:
    """Cells of each line: a CSV (commas or tabs, quotes and empty cells kept in place, so the header lines up
    with the rows) or, without either, words split at spaces."""
    lines = [_normal(line) for line in text.splitlines() if line.strip()][:MAX_ROWS]  # full-width ， → ","
    if len(lines) > 1 and any("," in line or "\t" in line for line in lines):
        delimiter = "\t" if sum(line.count("\t") for line in lines) > sum(line.count(",") for line in lines) else ","
        return [[cell.strip() for cell in _csv_line(line, delimiter)[:MAX_COLUMNS]] if delimiter in line else _words(line)
                for line in lines]  # a line typed by hand with spaces among pasted CSV lines
    return [_words(line) for line in lines]


def _csv_line(line: str, delimiter: str) -> list[str]:
    """One line's CSV cells (each line alone: an unclosed quote spoils only its own line); a line the csv
    module refuses (a cell over its size limit) or with an unpaired quote is split at the delimiter."""
    if line.count('"') % 2:
        return [cell.strip('"') for cell in line.split(delimiter)]
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return line.split(delimiter)


def _words(line: str) -> list[str]:
    return re.split(r"[,\t ]+", line, maxsplit=MAX_COLUMNS)[:MAX_COLUMNS]


def _normal(cell: str) -> str:
    return unicodedata.normalize("NFKC", cell).strip()


def _header_column(rows: list[list[str]], headers: tuple[str, ...] = HEADERS) -> tuple[int, int] | None:
    """(row, column) of a header cell that names the 学号 column (or another of ``headers``), in the first rows."""
    for r, row in enumerate(rows[:HEADER_ROWS]):
        for c, cell in enumerate(row):
            if re.sub(r"[\s_/-]", "", cell).lower() in headers:
                return r, c
    return None


def _ids(cells: list[str]) -> list[str]:
    return [cell for cell in cells if ROSTER_ID.fullmatch(cell)]


def _column(rows: list[list[str]], c: int, start: int = 0) -> list[str]:
    return [row[c] for row in rows[start:] if c < len(row)]


def _id_column(rows: list[list[str]]) -> tuple[int, int, int | None] | None:
    """(column, first row below the header, header row or None) of the 学号."""
    found = _header_column(rows)
    if found is not None:
        return found[1], found[0] + 1, found[0]
    width = max((len(row) for row in rows), default=0)
    columns = [_ids(_column(rows, c)) for c in range(width)]
    long = [sum(1 for cell in ids if sum(ch.isdigit() for ch in cell) >= MIN_DIGITS) for ids in columns]
    if any(long):
        return long.index(max(long)), 0, None  # ties: the leftmost
    return next(((c, 0, None) for c, ids in enumerate(columns) if ids), None)


def _name_column(rows: list[list[str]], id_col: int, start: int, header: int | None) -> int | None:
    """The 姓名 column: named in the header row, else the column where most 学号 rows hold a Chinese name."""
    named = _header_column(rows[header:header + 1] if header is not None else rows, NAME_HEADERS)
    if named is not None and named[1] != id_col:
        return named[1]
    body = [row for row in rows[start:] if id_col < len(row) and ROSTER_ID.fullmatch(row[id_col])]
    width = max((len(row) for row in body), default=0)
    counts = [sum(1 for row in body if c < len(row) and CHINESE_NAME.fullmatch(_name(row[c]))) if c != id_col else 0
              for c in range(width)]
    best = max(counts, default=0)
    return counts.index(best) if best and best * 2 >= len(body) else None


def _name(cell: str) -> str:
    """A 姓名 without the spaces rosters pad two-character names with (``张　三`` lines up with ``欧阳娜娜``)."""
    return re.sub(r"\s+", "", cell)


def _table(rows: list[list[str]]) -> Roster:
    found = _id_column(rows)
    if found is None:
        return Roster()
    id_col, start, header = found
    name_col = _name_column(rows, id_col, start, header)
    ids: list[str] = []
    names: dict[str, str] = {}
    for row in rows[start:]:
        if id_col < len(row) and ROSTER_ID.fullmatch(row[id_col]) and row[id_col] not in names:
            ids.append(row[id_col])
            names[row[id_col]] = _name(row[name_col]) if name_col is not None and name_col < len(row) else ""
    return Roster(ids, names)


def parse_roster(data: bytes | str) -> Roster:
    """学号 in roster order, each once, with their 姓名; raises :class:`RosterError` (Chinese reason) when none is
    found."""
    if isinstance(data, bytes):
        if len(data) > MAX_ROSTER_BYTES:
            raise RosterError("文件过大（名单应只有学号和姓名）")
        rows = _xlsx_rows(data) if data.startswith(b"PK\x03\x04") else _text_rows(_decode(data))
    else:
        rows = _text_rows(data)
        if len(rows) == 1:  # one pasted line: a list of 学号, not a table row
            rows = [[cell] for cell in rows[0]]
    roster = _table(rows)  # cells normalised as they were read
    if not roster:
        if any(_SCIENTIFIC.fullmatch(cell.strip()) for row in rows[:50] for cell in row):
            raise RosterError("学号被 Excel 存成了科学计数法，如 2.02309E+11，位数已经丢了；请用学校发的 xlsx 名单，"
                              "或在 Excel 里把学号列设为“文本”、重新输入后再另存为 CSV")
        raise RosterError("没有找到学号")
    return roster


_SCIENTIFIC = re.compile(r"[0-9](?:\.[0-9]+)?[eE]\+[0-9]{1,2}")
"""A number Excel shows and saves to CSV in scientific notation (a 12-digit 学号 becomes 2.02309E+11)."""
