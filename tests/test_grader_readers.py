"""Readers and normalisation: messy real-world files read right, with notes; bad files one Chinese line."""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from grader.engine import read_answer
from grader.intake.normalize import parse_number
from grader.intake.readers import MAX_BYTES, ReadError, read_raw, sniff_format
from grader.spec import parse_spec

SPEC_DATA = {
    "id": "demo", "title": "演示", "datasets": ["orders"],
    "submission": {
        "kind": "table", "columns": ["买家会员名", "成交订单数", "成交金额"], "key": "买家会员名",
        "aliases": {"买家会员名": ["客户", "客户名称", "顾客ID"], "成交订单数": ["实际成交次数", "订单数"],
                    "成交金额": ["交易金额"]},
        "dtypes": {"成交订单数": "int", "成交金额": "float"},
    },
    "checks": [{"kind": "columns", "points": 1}],
}
SPEC = parse_spec(SPEC_DATA, Path("demo"))
CONFIG_SPEC = parse_spec({
    "id": "tiers", "title": "等级", "datasets": ["orders"],
    "submission": {"kind": "tier-config", "tiers": {"names": ["银卡", "金卡"]}},
    "checks": [{"kind": "tier-schema", "points": 1}],
}, Path("tiers"))

ROWS = [["买家会员名", "成交订单数", "成交金额"], ["张三", "3", "120.5"], ["李四", "2", "41"], ["007", "2", "50"]]


def csv_text(rows: list[list[str]], sep: str = ",") -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=sep).writerows(rows)
    return buf.getvalue()


def xlsx_bytes(rows: list[list[object]], title: str = "Sheet1", extra_sheet_first: bool = False) -> bytes:
    wb = Workbook()
    ws = wb.active
    if extra_sheet_first:
        ws.title = "空白"
        ws = wb.create_sheet(title)
    else:
        ws.title = title
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def codes(answer) -> set[str]:
    return {n.code for n in answer.notes}


def expect_table(answer) -> None:
    df = answer.value
    assert list(df.columns) == ["买家会员名", "成交订单数", "成交金额"]
    assert list(df["买家会员名"]) == ["张三", "李四", "007"]
    assert list(df["成交订单数"]) == [3, 2, 2]
    assert list(df["成交金额"]) == [120.5, 41.0, 50.0]


@pytest.mark.parametrize(("encoding", "note"), [("utf-8", None), ("utf-8-sig", None), ("gbk", "encoding"),
                                                 ("gb18030", "encoding"), ("utf-16", "encoding")])
def test_csv_encodings(encoding, note):
    answer = read_answer(SPEC, "2023001_demo.csv", csv_text(ROWS).encode(encoding))
    expect_table(answer)
    assert (note in codes(answer)) if note else "encoding" not in codes(answer)


@pytest.mark.parametrize("sep", [";", "\t", "，"])
def test_csv_delimiters(sep):
    expect_table(read_answer(SPEC, "a.csv", csv_text(ROWS, sep).encode("utf-8")))


def test_aliases_fullwidth_amounts_spaces_title_row_and_extra_columns():
    rows = [["吃货美食团 老客户名单", "", ""],
            [" 客户 ", "订单数", "交易金额", "备注"],
            ["张三", "３", "￥120.50", "x"],
            ["李四 ", "2", "41元", ""],
            ["", "", "", ""],
            ["００７", "2", "50.00", ""]]
    answer = read_answer(SPEC, "a.csv", csv_text(rows).encode("gbk"))
    expect_table(answer)
    got = codes(answer)
    assert {"alias", "fullwidth", "amount_text", "whitespace", "header", "extra_columns", "empty_rows",
            "encoding"} <= got
    alias_note = next(n for n in answer.notes if n.code == "alias")
    assert "客户 → 买家会员名" in alias_note.message
    # a whole order table handed in: every extra column named up to ten, then how many there are
    wide = [[*rows[1][:3], *[f"附加{i}" for i in range(12)]], *[[*r[:3], *[""] * 12] for r in rows[2:4]]]
    [note] = [n.message for n in read_answer(SPEC, "a.csv", csv_text(wide).encode()).notes if n.code == "extra_columns"]
    assert note == "多余的列不参与评分：" + "、".join(f"附加{i}" for i in range(10)) + " 等 12 列"


def test_id_like_keys_stay_text():
    rows = [["买家会员名", "成交订单数", "成交金额"], ["0012", "1", "1,280"], ["13800000000", "2", "3"]]
    df = read_answer(SPEC, "a.csv", csv_text(rows).encode()).value
    assert list(df["买家会员名"]) == ["0012", "13800000000"]
    assert list(df["成交金额"]) == [1280.0, 3.0]


def test_not_a_number_becomes_blank_with_note():
    rows = [["买家会员名", "成交订单数", "成交金额"], ["张三", "两笔", "12"]]
    answer = read_answer(SPEC, "a.csv", csv_text(rows).encode())
    assert pd.isna(answer.value["成交订单数"].iloc[0])
    assert "not_a_number" in codes(answer)


def test_xlsx_values_numbers_and_named_sheet():
    rows = [["客户名称", "实际成交次数", "成交金额"], ["张三", 3, 120.5], ["李四", 2, 41], ["007", 2.0, 50]]
    expect_table(read_answer(SPEC, "a.xlsx", xlsx_bytes(rows)))
    answer = read_answer(SPEC, "a.xlsx", xlsx_bytes(rows, extra_sheet_first=True))
    expect_table(answer)
    assert "sheet" in codes(answer)


def test_xlsx_formula_with_cached_value_is_read(tmp_path):
    # openpyxl cannot compute formulas; write a cached value into the sheet XML like Excel does
    data = xlsx_bytes([["买家会员名", "成交订单数", "成交金额"], ["张三", 3, "=100+20.5"], ["李四", 2, 41],
                       ["007", 2, 50]])
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"<f>100+20.5</f><v></v>", b"<f>100+20.5</f><v>120.5</v>")
                if b"<v>120.5</v>" not in content:
                    content = content.replace(b"<f>100+20.5</f>", b"<f>100+20.5</f><v>120.5</v>")
            dst.writestr(item, content)
    answer = read_answer(SPEC, "a.xlsx", out.getvalue())
    expect_table(answer)
    assert "formula" in codes(answer)
    with pytest.raises(ReadError, match=r"单元格 C2 是公式，但文件里没有保存计算结果"):
        read_answer(SPEC, "a.xlsx", data)


@pytest.mark.parametrize(("name", "data", "expected"), [
    ("a.csv", b"", "文件是空的"),
    ("a.csv", b"   \r\n \r\n", "只有空白"),
    ("a.csv", b"\x00\x01\x02binary\x00" * 20, "二进制"),
    ("a.numbers", b"whatever", "这是 Mac 的 Numbers 表格（.numbers），批改读不了这种格式；请在 Numbers 里"),
    ("a.et", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "这是 WPS 表格文件（.et），批改读不了这种格式；请在 WPS 里“另存为”"),
    ("a.ods", b"PK\x03\x04whatever", "OpenDocument 表格（.ods）"),
    ("a.sql", b"select 1", "扩展名 .sql 不是本练习接受的格式"),
    ("a.docx", b"PK\x03\x04whatever", "这是 Word 文档（.docx），不是结果文件"),
    ("截图.png", b"\x89PNG\r\n\x1a\n", "这是图片（.png），不是结果文件"),
    ("solution.py", b"result = 1\n", "这是 Python 代码文件（.py）"),
    ("a", b"a,b\n1,2\n", "扩展名 （无扩展名）"),
    ("a.yaml", b"a: 1\n", "本练习要提交 .csv、.xlsx 文件"),
    ("a.xlsx", b"<html><table><tr><td>1</td></tr></table></html>", "内容却不是 Excel 工作簿"),
    ("a.xls", b"x", "这是旧版 Excel 97-2003 文件（.xls），批改读不了这种格式；请在 Excel 或 WPS 里另存为"),
    ("a.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "旧版 Excel 97-2003"),
    ("a.csv", b"%PDF-1.4 ...", "PDF"),
])
def test_bad_files_give_one_chinese_line(name, data, expected):
    with pytest.raises(ReadError) as err:
        read_answer(SPEC, name, data)
    assert expected in str(err.value)
    assert "\n" not in str(err.value) and "；" in str(err.value)


def test_truncated_xlsx_and_csv_with_wrong_extension():
    data = xlsx_bytes([["买家会员名"], ["张三"]])
    with pytest.raises(ReadError, match="不完整"):
        read_answer(SPEC, "a.xlsx", data[: len(data) // 2])
    csv_only = parse_spec({**SPEC_DATA, "submission": {**SPEC_DATA["submission"], "accept": ["csv"]}}, Path("demo"))
    with pytest.raises(ReadError, match="内容却是 Excel 工作簿"):
        read_answer(csv_only, "a.csv", data)


def test_renamed_csv_and_workbook_are_read_by_content_with_a_note():
    """A CSV renamed .xlsx (a student's way to "make it Excel") and a workbook renamed .csv, when the
    exercise takes both formats: the same table as the right name gives, and a note saying what happened."""
    workbook, text = xlsx_bytes(ROWS), csv_text(ROWS).encode("utf-8")
    for wrong, right, content in (("a.xlsx", "a.csv", text), ("a.csv", "a.xlsx", workbook)):
        renamed, proper = read_answer(SPEC, wrong, content), read_answer(SPEC, right, content)
        pd.testing.assert_frame_equal(renamed.value, proper.value)
        [note] = [n.message for n in renamed.notes if n.code == "renamed"]
        assert note.startswith("文件扩展名是 ." + wrong.rsplit(".", 1)[1]) and "已按" in note
        assert "renamed" not in {n.code for n in proper.notes}


def _zip_of(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    return buf.getvalue()


@pytest.mark.parametrize("data", [
    _zip_of({"docProps/app.xml": b"<x/>" * 500, "media/image1.png": bytes(range(256)) * 50}),
    _zip_of({"docProps/app.xml": b"<x/>" * 500, "media/image1.png": bytes(range(256)) * 50})[:300],
], ids=["zip-without-workbook-parts", "truncated-zip"])
def test_damaged_xlsx_that_starts_like_a_zip_is_a_damaged_workbook(data):
    with pytest.raises(ReadError) as err:
        read_answer(SPEC, "2024004_customer-archive.xlsx", data)
    assert str(err.value) == "Excel 文件不完整或已损坏（可能没有传完）；请重新保存后再提交"


def test_zip_named_csv_is_still_called_an_archive():
    with pytest.raises(ReadError, match="这是一个压缩包"):
        read_answer(SPEC, "a.csv", _zip_of({"a.csv": b"x,y\n1,2\n"}))


def test_huge_file_is_refused_before_parsing():
    with pytest.raises(ReadError, match="超过上限"):
        read_answer(SPEC, "a.csv", b"a" * (MAX_BYTES + 1))


BROKEN_CONFIGS = [
    ("a.yaml", "规则: 任一\n等级:\n  - 名称: 银卡\n    交易金额: 200\n   折扣: 0.98\n",
     "YAML 语法错误：第 5 行 “折扣: 0.98” 缩进不对；同一层的键要对齐，用空格不要用 Tab"),
    ("a.yaml", "等级:\n  银卡:\n    折扣: 1\n   金卡:\n    折扣: 0.98\n", "第 4 行 “金卡:” 缩进不对"),
    ("a.yaml", "规则: 任一\n等级:\n\t- 名称: 银卡\n", "第 3 行 “⇥- 名称: 银卡” 用了 Tab 缩进"),
    ("a.yaml", "规则: 任一\n交易金额 500\n等级:\n  - 名称: 银卡\n", "第 2 行 “交易金额 500” 少了冒号"),
    ("a.yaml", "等级:\n  - 名称 银卡\n    折扣: 1\n", "第 2 行 “- 名称 银卡” 少了冒号"),
    ("a.yaml", "等级:\n  - 名称: \"银卡\n    折扣: 1\n", "第 2 行 “- 名称: \"银卡” 的引号没有配对"),
    ("a.yaml", "规则: 任一\n等级: [银卡, 金卡\n折扣: 1\n", "第 2 行 “等级: [银卡, 金卡” 的方括号或花括号没有配对"),
    ("a.json", '{"rule": "any",\n "tiers": [{"name": "银卡"},]}', "第 2 行 “\"tiers\": [{\"name\": \"银卡\"},]}” 末尾多了一个逗号"),
    ("a.json", '{"rule": "any",\n}', "第 1 行 “{\"rule\": \"any\",” 末尾多了一个逗号"),
    ("a.json", '{"rule" "any"}', "少了冒号"),
    ("a.json", '{"rule": "any}', "的引号没有配对"),
    # Python refuses to turn a 4 301-digit text into an integer: the file names the number instead
    ("a.yaml", "规则: 任一\n等级:\n  - 名称: 银卡\n    交易金额: " + "9" * 100_000 + "\n", "有一个 100000 位长的数字"),
    ("a.json", '{"等级": [{"名称": "银卡", "交易笔数": ' + "1" * 5_000 + "}]}", "有一个 5000 位长的数字"),
]


@pytest.mark.parametrize(("name", "text", "expected"), BROKEN_CONFIGS)
def test_broken_tier_configs_get_one_chinese_line(name, text, expected):
    with pytest.raises(ReadError) as err:
        read_answer(CONFIG_SPEC, name, text.encode())
    message = str(err.value)
    assert expected in message
    assert "\n" not in message and "；" in message
    outside_quote = re.sub(r"“.*”", "", message)
    assert set(re.findall(r"[A-Za-z]{2,}", outside_quote)) <= {"YAML", "JSON", "Tab"}, message


def test_wrong_format_for_a_config_exercise():
    with pytest.raises(ReadError, match=r"本练习要提交 \.yaml、\.json 文件，收到的是 CSV"):
        read_answer(CONFIG_SPEC, "a.csv", b"a,b\n")


def test_sniff_format():
    assert sniff_format(xlsx_bytes([["a"]])) == "xlsx"
    assert sniff_format("买家会员名".encode("gbk")) == "text"
    assert sniff_format(b"\x00\x00") == "binary"


@pytest.mark.parametrize(("text", "value", "code"), [
    ("12", 12.0, None), ("1,280元", 1280.0, "amount_text"), ("¥35.5", 35.5, "amount_text"),
    ("9.8折", 0.98, "discount_text"), ("85折", 0.85, "discount_text"), ("12.5%", 0.125, "amount_text"),
    ("abc", None, None), ("", None, None),
])
def test_parse_number(text, value, code):
    got, got_code = parse_number(text)
    if value is None:
        assert got is None or math.isnan(got)  # None (not a number) or NaN (blank)
    else:
        assert got == pytest.approx(value) and got_code == code
    assert parse_number("12.5%", percent_units=True)[0] == 12.5


# ---- properties: no input makes the readers raise anything but ReadError -------------------------
NAMES = st.sampled_from(["a.csv", "a.xlsx", "a.yaml", "a.json", "a.txt", "a", "a.CSV", "数据.csv"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=2000), name=NAMES)
def test_any_bytes_only_read_error(data, name):
    for spec in (SPEC, CONFIG_SPEC):
        try:
            read_answer(spec, name, data)
        except ReadError as exc:
            assert str(exc) and "\n" not in str(exc)


CELL = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.lists(CELL, min_size=0, max_size=5), max_size=8),
       header=st.lists(st.sampled_from(["买家会员名", "客户", "成交金额", "订单数", "", "x", "成交订单数"]), max_size=5),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]), sep=st.sampled_from([",", ";", "\t"]))
def test_any_csv_table_reads_or_read_error(rows, header, encoding, sep):
    buf = io.StringIO()
    csv.writer(buf, delimiter=sep).writerows([header, *rows])
    try:
        answer = read_answer(SPEC, "a.csv", buf.getvalue().encode(encoding, errors="replace"))
    except ReadError as exc:
        assert str(exc)
        return
    assert set(answer.value.columns) <= {"买家会员名", "成交订单数", "成交金额"}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=st.recursive(st.none() | st.booleans() | st.floats(allow_nan=True) | st.integers() | CELL,
                        lambda kids: st.lists(kids, max_size=4) | st.dictionaries(
                            st.sampled_from(["规则", "rule", "等级", "tiers", "名称", "交易金额", "交易笔数", "折扣", "x"]),
                            kids, max_size=5), max_leaves=20))
def test_any_config_document_reads_or_read_error(doc):
    import json

    raw = read_raw(json.dumps(doc, ensure_ascii=False).encode(), "a.json", ["json"])
    assert raw.format == "json"
    read_answer(CONFIG_SPEC, "a.json", json.dumps(doc, ensure_ascii=False).encode())


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.one_of(st.binary(max_size=1500), CELL.map(lambda t: t.encode("utf-8"))), name=NAMES)
def test_every_file_gets_a_result(data, name):
    from grader.engine import grade_bytes

    for spec in (SPEC, CONFIG_SPEC):
        result = grade_bytes(spec, name, data, None)
        assert result.status in ("graded", "error") and result.exercise == spec.id
        assert (result.error is None) == (result.status == "graded")
        assert 0 <= result.score <= result.max_score


@settings(max_examples=300, deadline=None)
@given(cells=st.lists(CELL, max_size=6))
def test_clean_column_shortcut_agrees_with_per_cell_normalisation(cells):
    from grader.intake.normalize import _already_clean

    raw = pd.Series(cells, dtype=object)
    per_cell = list(raw.str.normalize("NFKC").str.strip()) if cells else []
    # the shortcut may only say "nothing to do" when per-cell normalisation indeed changes nothing
    assert not _already_clean(raw) or per_cell == cells


def _office_zip(parts: list[str]) -> bytes:
    """An Office file's zip as Word/PowerPoint write it: [Content_Types].xml first, then the parts."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for part in ["[Content_Types].xml", "_rels/.rels", *parts]:
            zf.writestr(part, "<?xml version=\"1.0\"?><x/>")
    return out.getvalue()


@pytest.mark.parametrize(("parts", "kind"), [
    (["word/document.xml", "word/styles.xml", "docProps/app.xml"], "Word 文档（.docx）"),
    (["ppt/presentation.xml", "ppt/slides/slide1.xml"], "演示文稿（.pptx）"),
])
@pytest.mark.parametrize("name", ["2024006_孙八_rfm.xlsx", "2024006_rfm.csv"])
def test_a_document_renamed_as_a_table_is_called_what_it_is(parts, kind, name):
    with pytest.raises(ReadError) as err:
        read_answer(SPEC, name, _office_zip(parts))
    ext = "." + name.rsplit(".", 1)[1]
    assert str(err.value).startswith(f"文件扩展名是 {ext}，内容却是") and kind in str(err.value)
    assert "不是结果文件" in str(err.value)
