"""The ``grader`` CLI end to end on the fixture corpus: every output, exit codes, goldens, key/dataset/report.

Goldens live in tests/goldens/grader/ (numbers that depend on the generated data are masked; the exact
renderings of a fixed gradebook are golden-tested in test_render.py); refresh them after a reviewed change with
``UPDATE_GOLDENS=1 .venv/bin/pytest -q tests/test_cli.py``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fixtures.build_corpus import EXERCISE, FIXTURE_EXERCISES, Answers, build
from openpyxl import load_workbook

from grader.cli import main

ROOT = Path(__file__).resolve().parent.parent
GOLDENS = ROOT / "tests" / "goldens" / "grader"
UPDATE = os.environ.get("UPDATE_GOLDENS") == "1"
VARYING_STAMP = ("created_at", "grader_version", "pandas_version")
EX = ["--exercises", str(FIXTURE_EXERCISES)]
FIXED_MTIME = 1767600000  # 2026-01-05 08:00 UTC


@pytest.fixture(scope="module")
def answers():
    a = Answers()
    yield a
    a.close()


@pytest.fixture(scope="module")
def graded(tmp_path_factory, answers):
    """The corpus graded once with every output written; cwd-relative file names for the goldens."""
    root = tmp_path_factory.mktemp("cli")
    expect = build(root / "corpus", answers)
    for path in (root / "corpus").rglob("*"):  # one fixed file time: "latest" then follows zip times and names
        if path.is_file() and not path.is_symlink():
            os.utime(path, (FIXED_MTIME, FIXED_MTIME))
    out = root / "out"
    cwd = Path.cwd()
    os.chdir(root)
    try:
        code = main(["grade", "corpus", *EX, "--json", "out/g.json", "--csv", "out/g.csv",
                     "--xlsx", "out/g.xlsx", "--html", "out/g.html", "-q"])
    finally:
        os.chdir(cwd)
    return {"code": code, "expect": expect, "out": out, "root": root,
            "book": json.loads((out / "g.json").read_text(encoding="utf-8"))}


def _golden(name: str, actual: str) -> None:
    path = GOLDENS / name
    if UPDATE or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="")
        if not UPDATE:
            pytest.fail(f"golden {path} was missing and has been written; review it and run again")
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs from its golden (UPDATE_GOLDENS=1 to refresh)"


def test_every_file_is_in_every_output(graded):
    files = {r["file"].removeprefix("corpus/") for r in graded["book"]["results"]}
    assert files == set(graded["expect"])
    rows = list(csv.reader(io.StringIO((graded["out"] / "g.csv").read_text(encoding="utf-8-sig"))))
    assert {r[3].removeprefix("corpus/") for r in rows[1:]} == files
    html = (graded["out"] / "g.html").read_text(encoding="utf-8")
    for r in graded["book"]["results"]:
        assert r["file"].replace("&", "&amp;") in html
    wb = load_workbook(graded["out"] / "g.xlsx")
    sheet_files = [row[1] for row in wb[EXERCISE].iter_rows(min_row=2, values_only=True)]
    assert len(sheet_files) == sum(1 for r in graded["book"]["results"] if r["exercise"] == EXERCISE)


def test_exit_code_one_when_some_file_fails(graded):
    assert graded["code"] == 1
    assert any(r["status"] == "error" for r in graded["book"]["results"])


def test_outcomes_match_the_corpus(graded, answers):
    by_file = {r["file"].removeprefix("corpus/"): r for r in graded["book"]["results"]}
    for file, exp in graded["expect"].items():
        if exp is None:
            continue
        r = by_file[file]
        if exp.outcome == "error":
            assert r["status"] == "error" and r["error"], file
            continue
        assert r["status"] == "graded", (file, r["error"])
        full = r["score"] == r["max_score"]
        assert full == (exp.outcome == "full"), (file, r["score"], [c["message"] for c in r["checks"]])
        if exp.flag:
            assert any(f"学号 {exp.flag} " in f for f in r["flags"]), (file, r["flags"])
        else:
            assert not r["flags"], (file, r["flags"])


def test_wrong_answers_fail_the_right_checks(tmp_path, answers):
    """The mistakes students make are caught by the check that names them."""
    from fixtures.build_corpus import csv_bytes

    from grader.engine import grade_bytes
    from grader.spec import load_spec

    spec = load_spec(FIXTURE_EXERCISES / EXERCISE)
    cases = {"wrong/counts_closed.py": "rows", "wrong/greater_than.py": "rows", "wrong/total_amount.py": "values"}
    for script, kind in cases.items():
        data = csv_bytes(answers.answer("2023003", script))
        result = grade_bytes(spec, f"2023003_{EXERCISE}.csv", data, "2023003")
        failed = {c.kind for c in result.checks if not c.passed}
        assert kind in failed, (script, [(c.kind, c.message) for c in result.checks])


def test_reader_notes_reach_the_gradebook(graded):
    by_file = {r["file"].removeprefix("corpus/"): r for r in graded["book"]["results"]}
    assert by_file[f"2023003_王五_{EXERCISE}.csv"]["notes"], "GBK file must carry an encoding note"
    assert by_file[f"2023002 李四 {EXERCISE} - 副本.csv"]["notes"], "alias headers must be noted"
    assert by_file[f"２０２３００２_{EXERCISE}.csv"]["notes"], "full-width digits must be noted"
    zipped = by_file[f"班级作业.zip/第一组/2023003_王五_{EXERCISE}.csv"]
    assert any("GBK" in n for n in zipped["notes"])


_DIGITS = re.compile(r"\d+(\.\d+)?")


def _mask(text: str | None) -> str | None:
    """Numbers in messages depend on the generated data; the golden keeps the wording."""
    return None if text is None else _DIGITS.sub("#", text)


def _stable_book(book: dict) -> dict:
    """The gradebook without what the dataset generator decides (counts, partial scores, digests)."""
    out = json.loads(json.dumps(book))
    for key in VARYING_STAMP:
        out["stamp"].pop(key)
    out["stamp"]["input_sha256"] = sorted(out["stamp"]["input_sha256"])
    for r in out["results"]:
        if r["status"] == "graded" and r["score"] != r["max_score"]:
            r["score"] = "partial"
        r["answer_digest"] = "<digest>" if r["answer_digest"] else None
        r["notes"] = [_mask(n) for n in r["notes"]]
        r["policy_note"] = _mask(r.get("policy_note"))
        r["submitted_at"] = "<time>" if r.get("submitted_at") else None
        for c in r["checks"]:
            c["message"] = _mask(c["message"])
            c["details"] = "<details>" if c["details"] else []  # customer names come from the data
            if not c["passed"]:
                c["points"] = "partial"
    for ex in out["summary"]["exercises"].values():
        for key in ("mean", "median", "min"):
            ex[key] = "#"
    return out


def test_json_golden(graded):
    book = _stable_book(graded["book"])
    _golden("corpus_gradebook.json", json.dumps(book, ensure_ascii=False, indent=2) + "\n")


def test_csv_golden(graded):
    text = (graded["out"] / "g.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    failing = {r["file"]: "、".join(c["name"] for c in r["checks"] if not c["passed"])
               for r in graded["book"]["results"]}
    for row in rows[1:]:
        if row[5] != row[6]:
            row[5] = "partial"
        # the failed-checks cell carries data-dependent details: keep which checks failed
        row[7], row[8], row[9], row[10] = failing[row[3]], _mask(row[8]), _mask(row[9]), _mask(row[10])
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)
    _golden("corpus_gradebook.csv", buffer.getvalue())


def test_same_input_same_gradebook(graded, tmp_path):
    """Grading is deterministic: the same files give the same JSON, byte for byte (but the time)."""
    cwd = Path.cwd()
    os.chdir(graded["root"])
    try:
        main(["grade", "corpus", *EX, "--json", str(tmp_path / "again.json"), "-q"])
    finally:
        os.chdir(cwd)
    again = json.loads((tmp_path / "again.json").read_text(encoding="utf-8"))
    first = json.loads(json.dumps(graded["book"]))
    again["stamp"].pop("created_at")
    first["stamp"].pop("created_at")
    assert again == first


def test_report(graded, tmp_path):
    html = tmp_path / "r.html"
    assert main(["report", str(graded["out"] / "g.json"), "--html", str(html)]) == 0
    text = html.read_text(encoding="utf-8")
    assert "<svg" in text and "相同的错误答案" in text
    cluster = text.split("相同的错误答案", 1)[1]
    assert "2023003" in cluster and "2023004" in cluster  # one wrong answer handed in by both
    assert "疑似抄袭" in text


def test_report_without_html_writes_next_to_the_gradebook(graded, tmp_path, capsys):
    book = tmp_path / "成绩.json"
    book.write_bytes((graded["out"] / "g.json").read_bytes())
    capsys.readouterr()
    assert main(["report", str(book)]) == 0
    written = tmp_path / "班级报告.html"
    assert "<svg" in written.read_text(encoding="utf-8")
    out = capsys.readouterr().out.strip()
    assert "班级报告.html" in out.replace("\n", "") and "已写入" in out


def test_a_hand_edited_gradebook_gets_one_chinese_line(graded, tmp_path, capsys):
    data = json.loads((graded["out"] / "g.json").read_text(encoding="utf-8"))
    del data["results"][0]["file"]  # what an edit in a text editor can do
    book = tmp_path / "改过的成绩.json"
    book.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    capsys.readouterr()
    assert main(["report", str(book)]) == 2
    err = capsys.readouterr().err
    assert "成绩文件格式不对" in err and "重新生成" in err
    assert "KeyError" not in err and "Traceback" not in err


def test_key_is_full_marks_and_dataset(tmp_path, capsys):
    out = tmp_path / "key"
    assert main(["key", EXERCISE, "--student", "2023002", "--out", str(out), *EX]) == 0
    [key_file] = list(out.iterdir())
    assert key_file.name.startswith(f"2023002_{EXERCISE}.")
    assert main(["grade", str(out), *EX, "--json", str(tmp_path / "k.json")]) == 0
    [result] = json.loads((tmp_path / "k.json").read_text(encoding="utf-8"))["results"]
    assert result["status"] == "graded" and result["score"] == result["max_score"] > 0
    assert main(["dataset", EXERCISE, "--student", "2023002", "--out", str(tmp_path / "ds"), *EX]) == 0
    assert (tmp_path / "ds" / "data" / "orders.csv").stat().st_size > 0


def test_usage_and_config_errors(tmp_path, capsys):
    assert main(["grade", str(tmp_path), "--exercise", "nope", *EX]) == 2
    assert "练习 nope 不存在" in capsys.readouterr().err
    assert main(["frobnicate"]) == 2
    assert main(["grade", str(tmp_path / "typo"), *EX]) == 2
    assert "找不到" in capsys.readouterr().err
    broken = tmp_path / "exercises"
    shutil.copytree(FIXTURE_EXERCISES / EXERCISE, broken / EXERCISE)
    spec = broken / EXERCISE / "spec.yml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("kind: rows", "kind: rowz"), encoding="utf-8")
    assert main(["list", "--exercises", str(broken)]) == 2
    err = capsys.readouterr().err
    assert "spec.yml" in err and "kind" in err and "Traceback" not in err
    assert main(["report", str(tmp_path / "missing.json"), "--html", str(tmp_path / "r.html")]) == 2
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    assert main(["report", str(tmp_path / "bad.json"), "--html", str(tmp_path / "r.html")]) == 2
    assert "JSON" in capsys.readouterr().err
    assert main(["list", "--exercises", str(tmp_path / "empty"), "--lang", "en"]) == 2
    assert "No exercises" in capsys.readouterr().err


def test_a_teacher_s_slips_get_a_line_that_says_what_to_do(graded, tmp_path, capsys):
    """What a teacher new to the terminal types: a name for --student, a mistyped option or roster path, an Excel
    output named .csv, -q without an output, a roster CSV whose 学号 Excel turned into 2.02309E+11."""
    one = str(graded["root"] / "corpus" / f"2023002_李四_{EXERCISE}.csv")
    assert main(["grade", one, *EX, "--student", "张三"]) == 2
    assert "“张三”不是学号" in capsys.readouterr().err
    assert main(["key", EXERCISE, *EX, "--student", "张三", "--out", str(tmp_path / "k")]) == 2
    assert "不是学号" in capsys.readouterr().err and not (tmp_path / "k").exists()
    assert main(["grade", one, *EX, "--student", "２０２３００２", "--json", str(tmp_path / "s.json"), "-q"]) == 0
    assert json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))["results"][0]["student"] == "2023002"
    assert main(["grade", one, *EX, "--rooster", "名单.xlsx"]) == 2
    assert "是不是想写 --roster" in capsys.readouterr().err
    assert main(["grade", one, *EX, "--roster", str(tmp_path / "名单s.xlsx")]) == 2
    assert "找不到名单文件" in capsys.readouterr().err
    excel = tmp_path / "名单.csv"
    excel.write_text("序号,学号,姓名\n1,2.02309E+11,张三\n2,2.02309E+11,李四\n", encoding="gbk")
    assert main(["grade", one, *EX, "--roster", str(excel)]) == 2
    assert "科学计数法" in capsys.readouterr().err
    assert main(["grade", one, *EX, "--xlsx", str(tmp_path / "成绩.csv")]) == 2
    assert "文件名应以 .xlsx 结尾" in capsys.readouterr().err and not (tmp_path / "成绩.csv").exists()
    assert main(["grade", one, *EX, "-q"]) == 0
    assert "成绩不会保存" in capsys.readouterr().err
    underscored = EXERCISE.replace("-", "_").upper()  # as a file name may spell it
    assert main(["grade", one, *EX, "--exercise", underscored, "--json", str(tmp_path / "e.json"), "-q"]) == 0
    assert json.loads((tmp_path / "e.json").read_text(encoding="utf-8"))["results"][0]["exercise"] == EXERCISE
    assert main(["grade", one, *EX, "--exercise", EXERCISE[:4]]) == 2  # a part of a name is no name
    assert f"练习 {EXERCISE[:4]} 不存在" in capsys.readouterr().err
    assert main(["grade", "--help"]) == 0
    assert capsys.readouterr().out.startswith("用法：grader grade")


def test_installed_entry_point_never_shows_a_traceback(tmp_path):
    exe = Path(sys.executable).with_name("grader")
    (tmp_path / "2023001_fixture-old-customers.csv").write_bytes(bytes(range(256)) * 8)  # binary: cannot be graded
    proc = subprocess.run([str(exe), "grade", str(tmp_path), *EX], capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    proc = subprocess.run([str(exe), "grade"], capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 2 and "缺少参数" in proc.stderr and "Traceback" not in proc.stderr


def test_roster_finds_a_copy_from_a_student_not_in_the_run(graded, tmp_path):
    copied = graded["root"] / "corpus" / f"2023004_{EXERCISE} (2).csv"  # holds 2023001's answer
    assert main(["grade", str(copied), *EX, "--json", str(tmp_path / "a.json"), "-q"]) == 0
    [alone] = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))["results"]
    assert alone["score"] < alone["max_score"] and alone["flags"] == []
    roster = tmp_path / "名单.csv"
    roster.write_text("学号,姓名\n2023001,张三\n2023002,李四\n", encoding="gbk")
    assert main(["grade", str(copied), *EX, "--roster", str(roster), "--json", str(tmp_path / "b.json"),
                 "-q", "--lang", "en"]) == 0
    results = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))["results"]
    [flagged] = [r for r in results if r["file"] == str(copied)]  # roster students without a file are listed too
    assert flagged["flags"] == ["与学号 2023001（张三）的数据版本一致，疑似抄袭"]  # the roster names the other student


def test_duplicates_roster_and_feedback_from_the_command_line(graded, tmp_path):
    cwd = Path.cwd()
    os.chdir(graded["root"])
    try:
        code = main(["grade", "corpus", *EX, "--duplicates", "best", "--roster", "2023001,2023002,2023003,2023005",
                     "--json", str(tmp_path / "best.json"), "-q"])
    finally:
        os.chdir(cwd)
    book = json.loads((tmp_path / "best.json").read_text(encoding="utf-8"))
    errors = [r["file"] for r in book["results"] if r["state"] == "error"]
    assert code == 1 and errors == ["corpus/2023001_homework.docx.csv"]  # broken duplicates do not count
    assert book["policy"] == {"duplicates": "best", "roster": 4}
    by_student: dict[str, list[dict]] = {}
    for r in book["results"]:
        by_student.setdefault(r["student"], []).append(r)
    for student in ("2023001", "2023002", "2023003", "2023004"):
        files = [r for r in by_student[student] if r["exercise"]]
        counted = [r for r in files if r["counted"]]
        assert len(counted) == 1, student
        assert counted[0]["score"] == max(r["score"] for r in files if r["status"] == "graded")
        assert all(r["state"] == "duplicate" for r in files if not r["counted"])
    [missing] = by_student["2023005"]
    assert missing["status"] == "missing" and missing["file"] == ""
    assert all(r["off_roster"] for r in by_student["2023004"])
    out = tmp_path / "反馈"
    assert main(["feedback", str(tmp_path / "best.json"), "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["2023001.html", "2023002.html", "2023003.html", "2023004.html",
                                                     "2023005.html", "index.html"]
    assert "没有收到这道练习的文件" in (out / "2023005.html").read_text(encoding="utf-8")
    assert main(["feedback", str(tmp_path / "nope.json"), "--out", str(out)]) == 2


def test_every_output_lists_the_students_in_the_roster_s_order(graded, tmp_path):
    """A 花名册 is rarely in 学号 order; the teacher copies the scores into the school's sheet in its order."""
    roster = tmp_path / "名单.csv"
    order = ["2023003", "2023005", "2023001", "2023002"]
    roster.write_text("学号,姓名\n" + "".join(f"{s},学生{s[-1]}\n" for s in order), encoding="gbk")
    out = tmp_path / "out"
    cwd = Path.cwd()
    os.chdir(graded["root"])
    try:
        main(["grade", "corpus", *EX, "--roster", str(roster), "--json", str(out / "g.json"), "--csv",
              str(out / "g.csv"), "--xlsx", str(out / "g.xlsx"), "-q"])
    finally:
        os.chdir(cwd)
    book = json.loads((out / "g.json").read_text(encoding="utf-8"))
    off_roster = sorted({r["student"] for r in book["results"] if r["student"] and r["student"] not in order})
    expected = order + off_roster  # then 名单外, by 学号
    assert off_roster and list(dict.fromkeys(r["student"] for r in book["results"] if r["student"])) == expected
    with (out / "g.csv").open(encoding="utf-8-sig", newline="") as fh:
        csv_students = [row[0] for row in list(csv.reader(fh))[1:] if row[0]]
    assert list(dict.fromkeys(csv_students)) == expected
    sheet = load_workbook(out / "g.xlsx").worksheets[0]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == expected
    assert main(["feedback", str(out / "g.json"), "--out", str(out / "反馈")]) == 0
    index = (out / "反馈" / "index.html").read_text(encoding="utf-8")
    assert sorted(expected, key=index.index) == expected


def test_a_folder_holding_the_roster_and_last_run_s_outputs_grades_only_the_students_files(graded, tmp_path, capsys):
    """`grader grade .` in the class folder: the roster, the outputs being written and grader's earlier 成绩 / 报告 /
    反馈 are left out (one line says so), not listed as 无法评分 files of students."""
    folder = tmp_path / "班级"
    shutil.copytree(graded["root"] / "corpus", folder)
    for name in ("g.json", "g.csv", "g.xlsx", "g.html"):
        shutil.copy(graded["out"] / name, folder / f"上次_{name}")
    assert main(["feedback", str(graded["out"] / "g.json"), "--out", str(folder / "反馈")]) == 0
    assert main(["report", str(graded["out"] / "g.json"), "--html", str(folder / "报告.html")]) == 0
    (folder / "名单.csv").write_text("学号,姓名\n2023001,张三\n2023002,李四\n", encoding="gbk")
    capsys.readouterr()
    main(["grade", str(folder), *EX, "--roster", str(folder / "名单.csv"), "--json", str(folder / "本次.json"),
          "--csv", str(folder / "本次.csv"), "-q"])
    err = capsys.readouterr().err
    book = json.loads((folder / "本次.json").read_text(encoding="utf-8"))
    files = {Path(r["file"]).name for r in book["results"] if r["file"]}
    corpus = {r["file"].rsplit("/", 1)[-1] for r in graded["book"]["results"] if r["file"]}
    assert files == corpus  # the same files as the corpus alone
    left_out = 4 + 1 + len(list((folder / "反馈").iterdir()))  # 上次_*, the report, the feedback pages
    assert f"已跳过 {left_out} 个不是学生交的文件" in err


def test_roster_from_a_pipe(tmp_path):
    """``--roster <(…)`` in a shell hands the grader a pipe, not a regular file: it is read like one."""
    import threading

    from grader.cli_support import read_roster

    fifo = tmp_path / "roster"
    os.mkfifo(fifo)

    def shell_side() -> None:  # what the shell writes into <(…)
        with open(fifo, "w", encoding="utf-8") as fh:
            fh.write("2023001 张三\n2023002 李四\n")

    writer = threading.Thread(target=shell_side)
    writer.start()
    try:
        assert read_roster(str(fifo)) == ["2023001", "2023002"]
    finally:
        writer.join(timeout=10)


def test_no_english_warning_reaches_the_teacher(tmp_path):
    """A plan whose times are written 2月1日 12:00 made pandas print a UserWarning (English) on stderr."""
    (tmp_path / "2024001_sms-plan.csv").write_text(
        "买家会员名,场景,发送时间,短信条数,费用\nabc,活动通知,2月1日 12:00,1,0.05\nxyz,活动通知,2月2日 12:00,1,0.05\n",
        encoding="utf-8")
    exe = Path(sys.executable).with_name("grader")
    proc = subprocess.run([str(exe), "grade", str(tmp_path), "-q", "--json", str(tmp_path / "g.json")],
                          capture_output=True, text=True, timeout=300, check=False)
    assert "Warning" not in proc.stderr and "warn" not in proc.stderr.lower(), proc.stderr
    [row] = json.loads((tmp_path / "g.json").read_text(encoding="utf-8"))["results"]
    assert row["status"] == "graded" and row["score"] < row["max_score"]
