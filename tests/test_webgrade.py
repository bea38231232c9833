"""grader.webgrade (教师批改 in the browser) gives the gradebook ``grader grade --json`` writes, in CPython.

The fixture corpus (GBK-named zip with traversal/bomb members, XLSX, duplicates, hostile files) plus a tier
config is graded by the CLI from a folder and by webgrade from the same files as (path, bytes, mtime) —
one worker-sized step at a time, files of each 学号 together, a file "over the time limit" included —
and the two gradebooks must be equal.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sys
import zipfile
from importlib.metadata import version
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fixtures.build_corpus import FIXTURE_EXERCISES, Answers, build
from openpyxl import load_workbook

from grader import webgrade
from grader.cli import main
from grader.engine import answer_key
from grader.feedback import build_feedback, render_feedback
from grader.gradebook import Gradebook
from grader.intake.roster import RosterError, parse_roster
from grader.report import render_report
from grader.spec import load_spec

ROOT = Path(__file__).resolve().parent.parent
FIXED_MTIME = 1_767_000_000
ROSTER = ["2023001", "2023002", "2023003", "2023005"]


def exercises_dir(tmp: Path) -> Path:
    """The fixture exercise plus the course's tier config (a YAML submission)."""
    out = tmp / "exercises"
    shutil.copytree(FIXTURE_EXERCISES, out)
    shutil.copytree(ROOT / "exercises" / "tier-config", out / "tier-config")
    return out


def corpus(tmp: Path, exercises: Path) -> Path:
    root = tmp / "corpus"
    answers = Answers()
    try:
        build(root, answers)
    finally:
        answers.close()
    name, data = answer_key(load_spec(exercises / "tier-config"), "2023002")
    (root / "配置" / name).parent.mkdir(parents=True, exist_ok=True)
    (root / "配置" / name).write_bytes(data)
    for i, path in enumerate(sorted(root.rglob("*"))):
        if path.is_file():  # a fraction of a second, as real files have: the page must keep it as the CLI does
            os.utime(path, (FIXED_MTIME + i + 0.375, FIXED_MTIME + i + 0.375))
    return root


def dropped(root: Path) -> list[tuple[str, bytes, float]]:
    """What the page hands over for a dropped folder: relative path, bytes, mtime."""
    return [(p.relative_to(root.parent).as_posix(), p.read_bytes(), p.stat().st_mtime)
            for p in sorted(root.rglob("*")) if p.is_file()]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("webgrade")
    exercises = exercises_dir(tmp)
    root = corpus(tmp, exercises)
    cwd = os.getcwd()
    os.chdir(tmp)
    try:
        code = main(["grade", "corpus", "--exercises", str(exercises), "--roster", ",".join(ROSTER),
                     "--json", "cli.json", "-q"])
    finally:
        os.chdir(cwd)
    assert code == 1
    cli = json.loads((tmp / "cli.json").read_text("utf-8"))
    info = webgrade.init(str(exercises))
    assert "error" not in info
    loaded = webgrade.load(dropped(root), ROSTER)
    entries: list = [None] * len(loaded["items"])
    for group in webgrade.plan():
        for index in group:
            assert webgrade.prepare(index) == "ok"
            entries[index] = webgrade.grade(index)
    entries = [json.loads(json.dumps(e, ensure_ascii=False)) for e in entries]  # through JSON, as in the page
    web = webgrade.merge(entries, "latest")
    return {"cli": cli, "web": web, "loaded": loaded, "entries": entries, "root": root}


def _stable(book: dict) -> dict:
    book = json.loads(json.dumps(book))
    book["stamp"].pop("created_at")
    return book


def test_same_gradebook_as_the_cli(graded):
    cli, web = _stable(graded["cli"]), _stable(graded["web"])
    assert [r["file"] for r in web["results"]] == [r["file"] for r in cli["results"]]
    for a, b in zip(web["results"], cli["results"], strict=True):
        assert a == b, a["file"]
    assert web == cli


def test_corpus_covers_what_the_issue_names(graded):
    results = graded["web"]["results"]
    files = {r["file"]: r for r in results}
    assert any(f.startswith("corpus/班级作业.zip/第一组/") and r["status"] == "graded" for f, r in files.items())
    assert any(f.endswith(".xlsx") and r["status"] == "graded" for f, r in files.items())
    assert any(r["exercise"] == "tier-config" and r["score"] == r["max_score"] > 0 for r in results)
    assert any(r["state"] == "duplicate" for r in results)
    assert any(r["state"] == "missing" and r["student"] == "2023005" for r in results)
    assert any("疑似抄袭" in " ".join(r["flags"]) for r in results)
    assert files["corpus/班级作业.zip/../2023002_李四_fixture-old-customers.csv"]["status"] == "error"


@pytest.mark.parametrize("seconds", [None, 3.5])
def test_a_file_over_the_time_limit_gets_the_line_of_the_limit_enforced(graded, seconds):
    """The page hands back the seconds it enforced (by default LIMITS, what it read at start-up): the line
    states that number, not the CLI's 10 s, and no memory limit the page does not have."""
    index = next(i["index"] for i in graded["loaded"]["items"] if i["file"].endswith("2023003_王五_fixture-old-customers.csv"))
    entries = list(graded["entries"])
    entries[index] = json.loads(webgrade.call("over_limit", json.dumps([index] if seconds is None else [index, seconds])))["ok"]
    book = webgrade.merge(entries, "latest")
    row = next(r for r in book["results"] if r["file"] == graded["loaded"]["items"][index]["file"])
    assert row["status"] == "error"
    enforced = webgrade.LIMITS["file_timeout"] if seconds is None else seconds
    assert row["error"].startswith(f"无法评分：文件过大或过于复杂（超过 {enforced:g} 秒）；"), row["error"]
    assert "GB" not in row["error"] and "--file-timeout" not in row["error"]


def test_the_stamp_carries_the_grader_version(graded):
    """One definition: grader.__version__, which the package metadata (the CLI's stamp) is built from."""
    import grader

    assert graded["web"]["stamp"]["grader_version"] == grader.__version__ == version("ecom-crm-courseware")
    assert graded["web"]["stamp"]["grader_version"] == graded["cli"]["stamp"]["grader_version"]


def test_outputs_are_the_renderers_bytes(graded):
    webgrade.merge(graded["entries"], "latest")
    assert json.loads(webgrade.output("json"))["results"] == graded["web"]["results"]
    assert webgrade.output("csv").startswith("\ufeff".encode())
    assert webgrade.output("xlsx")[:4] == b"PK\x03\x04"
    assert b"<html" in webgrade.output("report")[:300].lower()
    with zipfile.ZipFile(io.BytesIO(webgrade.output("feedback"))) as zf:
        names = zf.namelist()
    assert "反馈/index.html" in names and "反馈/2023001.html" in names


def test_call_is_json_and_never_raises():
    assert json.loads(webgrade.call("nope", "[]"))["error"].startswith("批改程序出错")
    assert "error" in json.loads(webgrade.call("grade", "[99999]"))


def _workbook(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_roster_formats(tmp_path):
    assert parse_roster("2024001, 2024002 2024003") == ["2024001", "2024002", "2024003"]
    assert parse_roster("学号,姓名\n2024001,张三\n2024002,李四\n".encode("gbk")) == ["2024001", "2024002"]
    assert parse_roster(_workbook([["学号", "姓名"], [2024001, "张三"], ["S2024002", "李四"]])) == ["2024001", "S2024002"]
    with pytest.raises(RosterError):
        parse_roster(b"\xff\xfe\x00garbage")


@pytest.mark.parametrize("roster", [
    _workbook([["2024级电子商务1班学生名单"], ["序号", "学号", "姓名"], [1, "2024001", "张三"], [2, 2024002, "欧阳·娜娜"]]),
    _workbook([["姓名", "学号"], ["张三", "2024001"], ["欧阳·娜娜", "2024002"]]),
    "序号,学 号,学生姓名,性别\n1,2024001,张三,男\n2,2024002,欧阳·娜娜,女\n".encode("gbk"),
    "1 2024001 张三 男\n2 2024002 欧阳·娜娜 女\n",                      # no header: the column of Chinese names
    "２０２４００１　张三\n２０２４００２　欧阳·娜娜\n２０２４００３\n",   # a student without a name
    '"学号","姓名"\n"2024001","张三"\n"2024002","欧阳·娜娜"\n',               # quoted cells
    _workbook([["学号", "姓名"], ["2024001", "张　三"], ["2024002", "欧阳·娜娜"]]),  # a name padded to line up
])
def test_the_name_beside_each_student_number_is_kept(roster):
    read = parse_roster(roster)
    assert read.names == {"2024001": "张三", "2024002": "欧阳·娜娜"}
    assert webgrade.roster(roster)["names"] == read.names


def test_a_file_named_by_the_student_s_name_is_found_by_the_cli_and_the_page_alike(graded, tmp_path):
    exercises = exercises_dir(tmp_path)
    klass = tmp_path / "class"
    (klass / "第二组" / "李四").mkdir(parents=True)
    answer = (graded["root"] / "2023002_李四_fixture-old-customers.csv").read_bytes()
    (klass / "李四_fixture-old-customers.csv").write_bytes(answer)
    (klass / "第二组" / "李四" / "fixture-old-customers.csv").write_bytes(answer)  # only the folder names her
    (klass / "张三_fixture-old-customers.csv").write_bytes(answer)  # 张三 hands in 李四's answer
    roster = tmp_path / "名单.csv"
    roster.write_bytes("学号,姓名\n2023001,张三\n2023002,李四\n".encode("gbk"))
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        main(["grade", "class", "--exercises", str(exercises), "--roster", str(roster), "--json", "cli.json",
              "--csv", "cli.csv", "--xlsx", "cli.xlsx", "-q"])
    finally:
        os.chdir(cwd)
    cli = json.loads((tmp_path / "cli.json").read_text("utf-8"))
    webgrade.init(str(exercises))
    names = webgrade.roster(roster.read_bytes())
    loaded = webgrade.load(dropped(klass), names["ids"], names["names"])
    entries = [webgrade.grade(i) for i in range(len(loaded["items"]))]
    web = webgrade.merge(json.loads(json.dumps(entries, ensure_ascii=False)), "latest")
    assert _stable(web) == _stable(cli)
    by_file = {r["file"]: r for r in cli["results"]}
    for name in ("class/李四_fixture-old-customers.csv", "class/第二组/李四/fixture-old-customers.csv"):
        assert by_file[name]["student"] == "2023002" and by_file[name]["status"] == "graded", by_file[name]
        assert any("学号按名单上的姓名“李四”认定为 2023002" in n for n in by_file[name]["notes"])
    copied = by_file["class/张三_fixture-old-customers.csv"]
    assert copied["student"] == "2023001" and copied["flags"] == ["与学号 2023002（李四）的数据版本一致，疑似抄袭"]
    # the names stand beside the 学号 in every output
    assert cli["names"] == {"2023001": "张三", "2023002": "李四"}
    table = list(csv.reader(io.StringIO((tmp_path / "cli.csv").read_text("utf-8-sig"))))
    assert table[0][:2] == ["学号", "姓名"] and {tuple(r[:2]) for r in table[1:]} == {("2023001", "张三"), ("2023002", "李四")}
    summary = load_workbook(tmp_path / "cli.xlsx").worksheets[0]
    assert [c.value for c in summary[1]][:2] == ["学号", "姓名"]
    assert sorted(tuple(c.value for c in row[:2]) for row in summary.iter_rows(min_row=2)) == [("2023001", "张三"), ("2023002", "李四")]
    book = Gradebook.from_dict(cli)
    assert "<td>2023001 张三</td>" in render_report(book).decode()
    pages = {fb.student: render_feedback(fb).decode() for fb in build_feedback(book)}
    assert "<h1>作业反馈 · 李四（学号 2023002）</h1>" in pages["2023002"]


def test_a_malformed_csv_roster_loses_no_student():
    huge = 'a,"' + "x" * 200_000 + '"\n'  # a cell over the csv module's size limit
    for text in (huge + "2024001,张三\n2024002,李四\n", '学号,姓名\n"2024001,张三\n2024002,李四\n',
                 "2024001,张三\n2024002 李四\n"):
        read = parse_roster(text.encode())
        assert list(read) == ["2024001", "2024002"] and read.names == {"2024001": "张三", "2024002": "李四"}


def test_a_roster_without_names_has_none():
    assert parse_roster("2024001, 2024002").names == {}
    assert parse_roster("序号 学号 性别\n1 2024001 男\n2 2024002 女\n").names == {}  # 男/女 are no names
    assert webgrade.roster("2024001\n2024002")["names"] == {}


@pytest.mark.parametrize("roster", [
    # what schools' rosters look like: a title row, 序号 first, 姓名 first, no header at all, full-width digits
    _workbook([["2024级电子商务1班学生名单"], ["序号", "学号", "姓名"], [1, "2024001", "张三"], [2, 2024002, "李四"]]),
    _workbook([["姓名", "学号"], ["张三", "2024001"], ["李四", "2024002"]]),
    "序号,学 号,姓名\n1,2024001,张三\n2,2024002,李四\n".encode("gbk"),
    "1 2024001 张三\n2 2024002 李四\n",
    "２０２４００１　张三\n２０２４００２　李四\n",
])
def test_the_student_number_column_is_found_not_the_row_number(roster):
    assert parse_roster(roster) == ["2024001", "2024002"]
    assert "error" in webgrade.roster("姓名\n张三")


def test_grader_s_own_outputs_dropped_with_the_class_are_not_graded(graded):
    """A teacher drops the class folder again, with last run's 成绩.json / 成绩.csv in it: the page leaves them out
    and says how many (``skipped``), as the CLI does."""
    saved = dict(webgrade._STATE)
    try:
        cli_json = json.dumps(graded["cli"], ensure_ascii=False).encode()
        extra = [("corpus/成绩.json", cli_json, 0), ("corpus/2023001_成绩.json", cli_json, 0)]
        loaded = webgrade.load(dropped(graded["root"]) + extra, ROSTER)
        assert sorted(loaded["skipped"]) == ["corpus/2023001_成绩.json", "corpus/成绩.json"]
        assert [i["file"] for i in loaded["items"]] == [i["file"] for i in graded["loaded"]["items"]]
    finally:
        webgrade._STATE.clear()
        webgrade._STATE.update(saved)
