"""Hostile files (issue 10): each class is refused with its one Chinese line, bounded, while the rest of the
class is graded. Limits are asserted through the limit mechanism (a tiny --file-timeout / --file-memory on a
file that needs more), never by timing the test.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from fixtures.zips import plain_zip, seven_zip

from grader.cli import main
from grader.engine import answer_key
from grader.intake.collect import collect
from grader.parallel import CRASHED, FileLimits, run_parallel
from grader.spec import load_spec

ROOT = Path(__file__).resolve().parent.parent
EX = "old-customers"
TIER = "tier-config"
ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n" \
             "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"


def _alias_bomb_in(field: str) -> bytes:
    """A tier config whose ``field`` holds a billion-laughs alias bomb (the rest looks normal)."""
    tiers = {"名称": "银卡", "交易金额": 200, "交易笔数": 3, "折扣": 0.98}
    lines = [ALIAS_BOMB.rstrip("\n")]
    if field == "规则":
        lines += ["规则: *d", "等级:", "  - 名称: 银卡", "    交易金额: 200", "    交易笔数: 3", "    折扣: 0.98"]
    else:
        lines += ["规则: 任一", "等级:"]
        for i, (key, value) in enumerate(tiers.items()):
            lines.append(("  - " if i == 0 else "    ") + f"{key}: {'*d' if key == field else value}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _xlsx_with(parts: dict[str, bytes]) -> bytes:
    """A minimal workbook zip with the given parts replaced (sheet / sharedStrings bombs)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["买家会员名", "成交订单数", "成交金额"])
    buffer = io.BytesIO()
    wb.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in source.infolist():
            if info.filename not in parts:
                zf.writestr(info, source.read(info))
        for name, data in parts.items():
            zf.writestr(name, data)
    return out.getvalue()


@pytest.fixture(scope="module")
def good_csv():
    _name, data = answer_key(load_spec(ROOT / "exercises" / EX), "2024001")
    return data


@pytest.fixture(scope="module")
def other_csv():
    _name, data = answer_key(load_spec(ROOT / "exercises" / EX), "2024028")
    return data


@pytest.fixture(scope="module")
def hostile_class(tmp_path_factory, good_csv, other_csv):
    root = tmp_path_factory.mktemp("hostile")
    folder = root / "班级"
    folder.mkdir()
    (folder / f"2024001_{EX}.csv").write_bytes(good_csv)
    (folder / f"2024002_{EX}.csv").write_bytes((",".join(f"列{i}" for i in range(100_000)) + "\n1\n").encode())
    for i, field in enumerate(("规则", "名称", "交易金额", "交易笔数", "折扣")):
        (folder / f"20240{10 + i}_{TIER}.yaml").write_bytes(_alias_bomb_in(field))
    (folder / f"2024020_{TIER}.json").write_bytes(b"[" * 10_000 + b"]" * 10_000)
    big_strings = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + \
        b"<si><t>padding</t></si>" * 2_000_000 + b"</sst>"
    (folder / f"2024021_{EX}.xlsx").write_bytes(_xlsx_with({"xl/sharedStrings.xml": big_strings}))
    declared = b'<sst xmlns="x" count="50000000" uniqueCount="50000000"><si><t>a</t></si></sst>'
    (folder / f"2024022_{EX}.xlsx").write_bytes(_xlsx_with({"xl/sharedStrings.xml": declared}))
    cell = b'<c r="A2" t="inlineStr"><is><t>' + b"x" * 1000 + b"</t></is></c>"
    big_sheet = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' + \
        b"<row>" + cell * 45_000 + b"</row></sheetData></worksheet>"
    (folder / f"2024023_{EX}.xlsx").write_bytes(_xlsx_with({"xl/worksheets/sheet1.xml": big_sheet}))
    far = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' \
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c><c r="XFD1" t="inlineStr"><is><t>b</t></is></c></row>' \
        b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>c</t></is></c></row></sheetData></worksheet>'
    (folder / f"2024030_{EX}.xlsx").write_bytes(_xlsx_with({"xl/worksheets/sheet1.xml": far}))  # 3 cells, 17 G laid out
    os.symlink("/etc/passwd", folder / f"2024024_{EX}.csv")
    (folder / "linked_dir").symlink_to("/etc", target_is_directory=True)
    os.mkfifo(folder / f"2024025_{EX}.csv")
    level1 = plain_zip([(f"2024026_{EX}.csv", good_csv)])
    level2 = plain_zip([("inner.zip", level1)])
    (folder / "nested.zip").write_bytes(plain_zip([("middle.zip", level2)]))
    (folder / "traversal.7z").write_bytes(seven_zip([(f"xx/2024027_{EX}.csv", good_csv),
                                                     (f"2024028_{EX}.csv", other_csv)],
                                                    rename={f"xx/2024027_{EX}.csv": f"../2024027_{EX}.csv"}))
    (folder / f"2024029_{EX}.rar").write_bytes(b"Rar!\x1a\x07\x01\x00" + b"\0" * 64)
    out = root / "book.json"
    code = main(["grade", str(folder), "--json", str(out), "-q", "-j", "2"])
    results = json.loads(out.read_text(encoding="utf-8"))["results"]
    return code, {r["file"].replace(str(folder) + "/", ""): r for r in results if r.get("file")}


EXPECTED = {
    f"2024002_{EX}.csv": "表头有 100000 列",
    **{f"20240{10 + i}_{TIER}.yaml": "锚点或别名" for i in range(5)},
    f"2024020_{TIER}.json": "嵌套超过",
    f"2024021_{EX}.xlsx": "共享字符串表解压后",
    f"2024022_{EX}.xlsx": "共享字符串表声明了 50000000 个",
    f"2024023_{EX}.xlsx": "工作表解压后",
    f"2024030_{EX}.xlsx": "宽到第 16384 列",
    f"2024024_{EX}.csv": "已跳过：链接/特殊文件",
    "linked_dir": "已跳过：链接/特殊文件",
    f"2024025_{EX}.csv": "已跳过：链接/特殊文件",
    "nested.zip/middle.zip/inner.zip": "嵌套超过 2 层",
    f"traversal.7z/../2024027_{EX}.csv": "../",
    f"2024029_{EX}.rar": "这是 RAR 压缩包，请先解压，或请学生提交 zip",
}


def test_each_hostile_file_is_refused_with_its_chinese_line(hostile_class):
    code, results = hostile_class
    assert code == 1
    for name, words in EXPECTED.items():
        assert name in results, (name, sorted(results))
        r = results[name]
        assert r["status"] == "error" and words in r["error"], (name, r["error"])
        assert "Error" not in r["error"] and "Traceback" not in r["error"], r["error"]


def test_the_rest_of_the_class_is_graded(hostile_class):
    _code, results = hostile_class
    for name in (f"2024001_{EX}.csv", f"traversal.7z/2024028_{EX}.csv"):
        r = results[name]
        assert r["status"] == "graded" and r["score"] == r["max_score"], (name, r)
    assert not any("root:" in json.dumps(r, ensure_ascii=False) for r in results.values())  # /etc/passwd unread


def test_time_limit_through_the_mechanism(tmp_path, good_csv):
    big = tmp_path / f"2024001_{EX}.csv"
    big.write_bytes(good_csv + b"".join(b"x%d,2,100\n" % i for i in range(150_000)))
    out = tmp_path / "t.json"
    assert main(["grade", str(big), "--json", str(out), "-q", "--file-timeout", "0.001"]) == 1
    [r] = json.loads(out.read_text(encoding="utf-8"))["results"]
    assert r["error"].startswith("无法评分：文件过大或过于复杂（超过 0.001 秒 / 1 GB）")


def test_memory_limit_through_the_mechanism(tmp_path, good_csv):
    """In a fresh ``grader`` process, as a teacher runs it (a worker forked from this test process would
    inherit its large free heap: the limit counts new address space)."""
    big = tmp_path / f"2024001_{EX}.csv"
    big.write_bytes(good_csv + b"".join(b"x%d,2,100\n" % i for i in range(150_000)))
    out = tmp_path / "m.json"
    exe = Path(sys.executable).with_name("grader")
    proc = subprocess.run([str(exe), "grade", str(big), "--json", str(out), "-q", "--file-memory", "1"],
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    [r] = json.loads(out.read_text(encoding="utf-8"))["results"]
    assert "无法评分：文件过大或过于复杂（超过 10 秒 / 1 MB）" in r["error"]


def _crash_on_two(payload: int) -> str:
    if payload == 2:
        os._exit(3)  # a worker dying in the middle of a file (e.g. killed for memory by the system)
    return f"ok {payload}"


def test_a_crashed_worker_is_reported_and_the_rest_still_graded():
    done: dict[int, str] = {}
    ran = run_parallel([[(1, 1), (2, 2), (3, 3)], [(4, 4)]], _crash_on_two, lambda p, why: f"error {p}: {why}",
                       jobs=2, limits=FileLimits(timeout=30), on_done=done.__setitem__)
    assert ran
    assert done[1] == "ok 1" and done[3] == "ok 3" and done[4] == "ok 4"
    assert done[2] == f"error 2: {CRASHED}"


def test_collect_never_opens_a_fifo_or_follows_a_link(tmp_path):
    os.mkfifo(tmp_path / f"2024001_{EX}.csv")
    (tmp_path / f"2024002_{EX}.csv").symlink_to(tmp_path / "missing-target.csv")
    subs = collect([tmp_path], [EX])
    assert len(subs) == 2 and all("已跳过：链接/特殊文件" in s.error for s in subs)
