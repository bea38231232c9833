"""``grader.intake.xlsx_fast.sheet_rows`` gives exactly the rows of openpyxl's read-only ``iter_rows(values_only=True)``
for the workbooks students hand in, and declines (None) what it does not read, so openpyxl reads it;
``sheet_texts`` gives exactly those rows' ``cell_text``s."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import re
import warnings
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from grader.intake.cells import cell_text
from grader.intake.errors import ReadError
from grader.intake.headers import Header
from grader.intake.limits import MAX_CELLS
from grader.intake.normalize import NoteBook
from grader.intake.xlsx import read_xlsx
from grader.intake.xlsx_extent import sheet_extent
from grader.intake.xlsx_fast import sheet_rows
from grader.intake.xlsx_sizes import quick_sizes
from grader.intake.xlsx_texts import sheet_texts
from grader.reference import reference_answer
from grader.serialize import serialize
from grader.spec import load_all

ROOT = Path(__file__).resolve().parent.parent


def both(data: bytes, max_row: int | None = None) -> list[tuple[list, list | None]]:
    """(openpyxl's rows, the scanner's rows) of every sheet; checks ``sheet_texts`` against those rows too."""
    book = load_workbook(io.BytesIO(data), read_only=True)
    out = []
    for ws in book.worksheets:
        with warnings.catch_warnings():  # openpyxl warns about a date past Excel's last day
            warnings.simplefilter("ignore", UserWarning)
            expected = [list(r) for r in ws.iter_rows(max_row=max_row, values_only=True)]
            fast = sheet_rows(ws, max_row)
            texts = sheet_texts(ws, max_row)
        out.append((expected, None if fast is None else [list(r) for r in fast]))
        shown = [[cell_text(v) for v in row] for row in expected]
        if fast is None or any(t[:1] == "=" for row in shown for t in row):
            assert texts is None, "sheet_texts read a sheet that sheet_rows declines, or a possible formula"
        else:
            assert texts == shown, [(i, a, b) for i, (a, b) in enumerate(zip(shown, texts, strict=False)) if a != b][:3]
    book.close()
    return out


def assert_same(data: bytes, *, fast: bool = True) -> None:
    for max_row in (None, 1, 3, 20):
        for expected, got in both(data, max_row):
            if got is None:
                assert not fast, "the scanner declined a sheet it should read"
                continue
            assert got == expected, (max_row, [(i, a, b) for i, (a, b) in enumerate(zip(expected, got, strict=False)) if a != b][:3])


def saved(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def rewrite(data: bytes, part: str, change) -> bytes:
    """The workbook with one part's XML changed (what other writers produce)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            dst.writestr(info, change(body) if info.filename == part else body)
    return out.getvalue()


def every_kind_of_cell() -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = "答案"
    ws.append(["客户", "金额", "笔数", "日期", "时间", "时长", "是否", "备注"])
    ws.append(["张三", 19.9, 3, dt.datetime(2025, 11, 1, 5, 37), dt.time(8, 30), dt.timedelta(hours=30, minutes=5), True,
               "A&B <好> \"引号\" 'x'"])
    ws.append(["李四", 1e20, 12345678901234567890, dt.date(2025, 12, 31), None, None, False, "多行\n文本"])
    ws.append([])  # a row with nothing
    ws.append(["", -0.5, 0, "2025/11/1 5:37", "=SUM(1,2)"[1:], "#N/A", None, "  两端空格  "])
    ws["J9"] = "远处的单元格"  # a gap of rows and columns
    ws["B9"] = 45658.25
    ws["B9"].number_format = "yyyy-mm-dd hh:mm"  # a serial date
    ws["C9"] = 1.5
    ws["C9"].number_format = "[h]:mm:ss"  # a duration
    ws["D9"] = 2958466  # past the last date Excel knows
    ws["D9"].number_format = "yyyy-mm-dd"
    second = wb.create_sheet("原始订单")
    for i in range(30):
        second.append([f"订单{i}", i * 1.25, i % 2 == 0])
    wb.create_sheet("空表")
    return wb


def test_every_kind_of_cell_openpyxl_writes():
    assert_same(saved(every_kind_of_cell()))


def test_the_1904_date_system():
    wb = every_kind_of_cell()
    wb.epoch = dt.datetime(1904, 1, 1)
    assert_same(saved(wb))


def test_sheets_written_by_pandas_and_by_the_grader(tmp_path):
    specs = load_all(ROOT / "exercises")
    for ex in ("customer-archive", "rfm", "sms-plan", "old-customers", "refund-analysis"):
        answer = reference_answer(specs[ex], "20240017")
        assert_same(serialize(specs[ex], answer, "xlsx").data)
        buf = io.BytesIO()
        answer.to_excel(buf, index=False)
        assert_same(buf.getvalue())


def test_shared_strings_attribute_orders_spans_and_other_writers_habits():
    data = saved(every_kind_of_cell())
    # WPS / Excel habits: s before t, spans and extra attributes on rows, no dimension, an "A1" dimension
    def wps(xml: bytes) -> bytes:
        xml = xml.replace(b'<row r="2">', b'<row r="2" spans="1:8" ht="15" customHeight="1">')
        return xml.replace(b' t="n"', b"")
    assert_same(rewrite(data, "xl/worksheets/sheet1.xml", wps))
    assert_same(rewrite(data, "xl/worksheets/sheet1.xml",
                        lambda xml: xml.replace(b'<dimension ref="A1:J9" />', b"")))
    assert_same(rewrite(data, "xl/worksheets/sheet1.xml",
                        lambda xml: xml.replace(b'<dimension ref="A1:J9" />', b'<dimension ref="A1:C5"/>')))
    # shared strings, as Excel writes them, and an empty value element
    def shared(xml: bytes) -> bytes:
        inline = '<c r="A2" t="inlineStr"><is><t>张三</t></is></c>'.encode()
        return xml.replace(inline, b'<c r="A2" s="0" t="s"><v>0</v></c>') \
                  .replace(b'<c r="C2" t="n"><v>3</v></c>', b'<c r="C2"><v></v></c>')
    with_sst = rewrite(data, "xl/worksheets/sheet1.xml", shared)
    with_sst = rewrite(with_sst, "[Content_Types].xml", lambda xml: xml.replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                     b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'))
    zf = zipfile.ZipFile(io.BytesIO(with_sst))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in zf.infolist():
            dst.writestr(info, zf.read(info))
        dst.writestr("xl/sharedStrings.xml", '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                                             '<si><t>共享的张三</t></si></sst>')
    rels = "xl/_rels/workbook.xml.rels"
    final = rewrite(out.getvalue(), rels, lambda xml: xml.replace(
        b"</Relationships>", b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                             b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'))
    assert both(final)[0][1][1][0] == "共享的张三"
    assert_same(final)


def test_what_the_scanner_does_not_read_goes_to_openpyxl():
    wb = Workbook()
    ws = wb.active
    ws.append(["金额", "合计"])
    ws.append([1, "=A2*2"])  # a formula
    [(expected, got)] = both(saved(wb))
    assert got is None and expected[1][1] == "=A2*2"

    wb = Workbook()
    wb.active.append([CellRichText(["普通", TextBlock(InlineFont(b=True), "加粗")])])  # rich inline text
    data = saved(wb)
    assert b"<r>" in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert both(data)[0][1] is None
    assert_same(data, fast=False)

    plain = saved(every_kind_of_cell())
    no_refs = rewrite(plain, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(b' r="A2"', b""))
    assert both(no_refs)[0][1] is None
    prefixed = rewrite(plain, "xl/worksheets/sheet1.xml",
                       lambda xml: xml.replace(b'main">', b'main" xmlns:x="http://schemas.openxmlformats.org/'
                                                          b'spreadsheetml/2006/main">', 1)
                       .replace(b"<sheetData>", b"<x:sheetData>").replace(b"</sheetData>", b"</x:sheetData>"))
    assert both(prefixed)[0][1] is None
    assert_same(prefixed, fast=False)


def test_a_changed_value_would_be_noticed():
    data = saved(every_kind_of_cell())
    changed = rewrite(data, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(b"<v>19.9</v>", b"<v>19.8</v>"))
    [(expected, _), *_] = both(data)
    [(_, got), *_] = both(changed)
    assert got != expected
    texts = [sheet_texts(ws) for ws in load_workbook(io.BytesIO(data), read_only=True).worksheets]
    assert texts != [sheet_texts(ws) for ws in load_workbook(io.BytesIO(changed), read_only=True).worksheets]


def test_a_text_like_a_formula_is_left_to_the_formula_check():
    wb = Workbook()
    wb.active.append(["客户", "备注"])
    wb.active.append(["张三", "PLACEHOLDER"])
    data = rewrite(saved(wb), "xl/worksheets/sheet1.xml",
                   lambda xml: xml.replace(b"PLACEHOLDER", "=1+1 不是公式".encode()))  # an inline text cell
    [(expected, got)] = both(data)
    assert got == expected and got[1][1] == "=1+1 不是公式"  # a text cell: sheet_rows reads it
    assert sheet_texts(load_workbook(io.BytesIO(data), read_only=True).active) is None


@pytest.mark.pyodide
def test_same_rows_in_pyodide(pyodide):
    buf = io.BytesIO()
    pd.DataFrame({"客户": ["张三", "李四"], "金额": [1.5, 2.0],
                  "时间": pd.to_datetime(["2025-11-01 05:37:00", "2025-11-02 00:00:00"])}).to_excel(buf, index=False)
    data = saved(every_kind_of_cell())
    code = f"""
import io, json
from openpyxl import load_workbook
from grader.intake.cells import cell_text
from grader.intake.errors import ReadError
from grader.intake.headers import Header
from grader.intake.limits import MAX_CELLS
from grader.intake.normalize import NoteBook
from grader.intake.xlsx import read_xlsx
from grader.intake.xlsx_extent import sheet_extent
from grader.intake.xlsx_fast import sheet_rows
from grader.intake.xlsx_texts import sheet_texts
out = []
for data in ({data!r}, {buf.getvalue()!r}):
    book = load_workbook(io.BytesIO(data), read_only=True)
    for ws in book.worksheets:
        fast = sheet_rows(ws)
        expected = [list(r) for r in ws.iter_rows(values_only=True)]
        out.append([fast is not None, expected == [list(r) for r in fast or []],
                    repr([list(r) for r in fast or []]), sheet_texts(ws) == [[cell_text(v) for v in r] for r in expected]])
print(json.dumps(out))
"""
    inside = json.loads(pyodide.run(code).strip().splitlines()[-1])
    here = [[fast is not None, got == expected, repr(got or []), True]
            for blob in (data, buf.getvalue()) for expected, got in both(blob) for fast in [got]]
    assert inside == here
    assert all(ok for _, ok, _, _ in inside)


def test_a_sheet_over_the_cell_cap_is_left_to_the_counting_reader():
    book = load_workbook(io.BytesIO(saved(every_kind_of_cell())), read_only=True)
    sheet = book["原始订单"]  # 30 rows × 3 cells
    assert sheet_rows(sheet, max_cells=89) is None
    assert len(sheet_rows(sheet, max_cells=90)) == 30
    assert sheet_rows(sheet, 3, max_cells=10) is not None  # a head is never more than its rows


def test_a_huge_declared_size_is_refused_without_building_it():
    """Two cells, but a <dimension> of 16 384 columns × 1 048 576 rows: the padded sheet would hold 17 billion
    cells. The scanners leave it to openpyxl's row-by-row reader, which stops at the cell cap."""
    wb = Workbook()
    wb.active.append(["买家会员名", "成交订单数"])
    wb.active["A1048576"] = "末行"
    data = rewrite(saved(wb), "xl/worksheets/sheet1.xml",
                   lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', xml))
    with quick_sizes():
        sheet = load_workbook(io.BytesIO(data), read_only=True).active
    assert (sheet.max_row, sheet.max_column) == (1048576, 16384)
    assert sheet_rows(sheet, max_cells=MAX_CELLS) is None and sheet_texts(sheet, max_cells=MAX_CELLS) is None
    assert len(sheet_texts(sheet, 3, max_cells=MAX_CELLS)) == 3  # a head is still read
    with pytest.raises(ReadError, match="单元格"):
        read_xlsx(data, NoteBook(), lambda _rows: Header(),
                  engine="openpyxl")


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
@pytest.mark.parametrize("layout", ["space", "newline", "spans first"])
def test_cells_far_apart_are_refused_before_a_reader_lays_them_out(engine, layout):
    """Cells at XFD1 and A1048576 (a few bytes): calamine would allocate 17 billion cells and abort the process."""
    wb = Workbook()
    wb.active.append(["买家会员名", "成交订单数"])
    wb.active["XFD1"] = "远"
    wb.active["A1048576"] = "末行"
    change = {"space": lambda xml: xml,
              "newline": lambda xml: xml.replace(b' r="', b'\nr="'),
              "spans first": lambda xml: re.sub(rb'<row r="([0-9]+)"([^>]*)>', rb'<row\2 r="\1">', xml)}[layout]
    data = rewrite(saved(wb), "xl/worksheets/sheet1.xml", change)
    assert load_workbook(io.BytesIO(data), read_only=True).active.max_row == 1048576  # still a valid workbook
    with pytest.raises(ReadError, match="宽到第 16384 列"):
        read_xlsx(data, NoteBook(), lambda _rows: Header(), engine=engine)


@pytest.mark.parametrize(("cell", "words"), [("ZZZZ1", "宽到第 475254 列，上限 500 列"),  # past XFD: no reader's limit
                                             ("A99999999", "排到第 99999999 行")])
def test_a_single_far_cell_is_refused(cell, words):
    wb = Workbook()
    wb.active.append(["买家会员名", "成交订单数"])
    wb.active.append(["张三", 1])
    row = cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    data = rewrite(saved(wb), "xl/worksheets/sheet1.xml", lambda xml: xml.replace(
        b"</sheetData>", f'<row r="{row}"><c r="{cell}" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'.encode()))
    with pytest.raises(ReadError, match=words):
        read_xlsx(data, NoteBook(), lambda _rows: Header())


def test_ordinary_wide_and_long_sheets_are_not_refused():
    wb = Workbook()
    for i in range(3_000):
        wb.active.append([f"客户{i}", i, *range(30)])  # 32 columns (to AF), 3 000 rows
    rows, _header = read_xlsx(saved(wb), NoteBook(), lambda _rows: Header(), engine="calamine")
    assert len(rows) == 3_000 and len(rows[0]) == 32
    long = Workbook(write_only=True)
    sheet = long.create_sheet()
    for i in range(100_000):
        sheet.append([f"客户{i}", i])  # 100 000 rows × 2 columns: 200 000 cells, within the cap
    assert sheet_extent(zipfile.ZipFile(io.BytesIO(saved(long))).read("xl/worksheets/sheet1.xml")) == (100_000, 2)


def sizes(data: bytes, quick: bool) -> list[tuple]:
    with quick_sizes() if quick else contextlib.nullcontext():
        book = load_workbook(io.BytesIO(data), read_only=True)
    return [(ws.min_column, ws.min_row, ws.max_column, ws.max_row) for ws in book.worksheets]


def test_quick_sizes_are_openpyxls_sizes():
    data = saved(every_kind_of_cell())
    sheet = "xl/worksheets/sheet1.xml"
    buf = io.BytesIO()
    pd.DataFrame({"a": range(5)}).to_excel(buf, index=False)
    variants = {
        "openpyxl": data,
        "pandas": buf.getvalue(),
        "no dimension": rewrite(data, sheet, lambda xml: xml.replace(b'<dimension ref="A1:J9" />', b"")),
        "A1 dimension": rewrite(data, sheet, lambda xml: xml.replace(b'<dimension ref="A1:J9" />', b'<dimension ref="A1"/>')),
        "offset dimension": rewrite(data, sheet, lambda xml: xml.replace(b'ref="A1:J9"', b"ref='B3:D7'")),
        "dimension after the data": rewrite(data, sheet, lambda xml: xml.replace(b'<dimension ref="A1:J9" />', b"")
                                            .replace(b"</sheetData>", b'</sheetData><dimension ref="A1:C3"/>')),
    }
    seen = set()
    for label, blob in variants.items():
        assert sizes(blob, True) == sizes(blob, False), label
        seen.add(tuple(sizes(blob, False)[0]))
    assert len(seen) >= 4  # the variants really differ in size
    assert b"<dimension" not in zipfile.ZipFile(io.BytesIO(saved_write_only())).read("xl/worksheets/sheet1.xml")


def saved_write_only() -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(["a", "b"])
    return saved(wb)
