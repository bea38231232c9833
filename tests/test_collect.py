"""grader.intake.collect: PATHs (files, folders, zips) → submissions, safely."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures.zips import bomb_zip, encrypted_flag_zip, flag_bits, gbk_zip, plain_zip

from grader.intake.collect import NO_STUDENT, collect
from grader.intake.identity import identify, parse_name
from grader.intake.limits import Limits

IDS = ["old-customers", "customers", "tier-config", "rfm"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2023001_old-customers.csv", ("2023001", "old-customers")),
        ("2023001_张三_old-customers.xlsx", ("2023001", "old-customers")),
        ("2023001_张三_old-customers.XLSX", ("2023001", "old-customers")),
        ("２０２３００１＿张三＿old-customers.csv", ("2023001", "old-customers")),  # full-width digits and ＿
        ("2023001 张三 old-customers (1).csv", ("2023001", "old-customers")),
        ("2023001_old-customers（2）.csv", ("2023001", "old-customers")),
        ("2023001_old-customers - 副本.csv", ("2023001", "old-customers")),
        ("2023001_customers.csv", ("2023001", "customers")),
        ("2023001-张三-old-customers.csv", ("2023001", "old-customers")),
        ("S2023001_rfm.yaml", ("S2023001", "rfm")),  # longest id wins only when it is the suffix
        ("folder/sub/2023002_rfm.csv", ("2023002", "rfm")),
        # an id retyped with other separators, none, or spaces; after a hyphenated 学号; not inside another word
        ("2023001_oldcustomers.csv", ("2023001", "old-customers")),
        ("2023001_old_customers.csv", ("2023001", "old-customers")),
        ("2023001 Old Customers.csv", ("2023001", "old-customers")),
        ("2023001 old-customers.csv", ("2023001", "old-customers")),
        ("2023001-old-customers.csv", ("2023001", "old-customers")),
        ("2023001_tier_config.yaml", ("2023001", "tier-config")),
        ("2023001_goldcustomers.csv", ("2023001", None)),
        ("2023001_new-customers.csv", ("2023001", None)),
        ("2023001_old-customers-v2.csv", ("2023001", "old-customers")),  # a version or a name after the id
        ("2023001-rfm-zhangsan.csv", ("2023001", "rfm")),
        ("2023001rfm.csv", ("2023001", "rfm")),                         # glued to the 学号
        ("zhangsan2023001_rfm.csv", ("2023001", "rfm")),                # … or to a pinyin name
        ("张三_rfm.csv", (None, "rfm")),
        ("rfm.csv", (None, "rfm")),
        ("notes.txt", (None, None)),
    ],
)
def test_parse_name(name, expected):
    assert parse_name(name, IDS) == expected


def test_collect_folder_and_overrides(tmp_path: Path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "2023001_rfm.csv").write_bytes(b"x\n1\n")
    (tmp_path / "a" / "2023002_张三_tier-config.yaml").write_bytes(b"rule: any\n")
    (tmp_path / "a" / ".DS_Store").write_bytes(b"junk")
    (tmp_path / "readme.txt").write_bytes(b"hello")
    subs = collect([tmp_path], IDS)
    by_name = {s.name: s for s in subs}
    assert set(by_name) == {"2023001_rfm.csv", "2023002_张三_tier-config.yaml", "readme.txt"}
    assert by_name["2023001_rfm.csv"].error is None
    assert by_name["2023001_rfm.csv"].data == b"x\n1\n"
    assert by_name["2023001_rfm.csv"].sha256
    assert by_name["2023002_张三_tier-config.yaml"].exercise == "tier-config"
    assert "练习编号" in by_name["readme.txt"].error  # reported, not guessed
    forced = collect([tmp_path / "readme.txt"], IDS, exercise="rfm", student="2023009")
    assert (forced[0].exercise, forced[0].student, forced[0].error) == ("rfm", "2023009", None)


def test_missing_student_and_missing_path(tmp_path: Path):
    (tmp_path / "rfm.csv").write_bytes(b"a\n")
    subs = collect([tmp_path / "rfm.csv", tmp_path / "nope.csv"], IDS)
    assert "学号" in subs[0].error
    assert subs[1].file.endswith("nope.csv") and "找不到" in subs[1].error


def test_gbk_names_are_decoded(tmp_path: Path):
    blob = gbk_zip([("作业/2023001_张三_rfm.csv", b"a\n1\n"), ("作业/2023002_李四_rfm.csv", b"a\n2\n")])
    assert flag_bits(blob) == [0, 0]
    (tmp_path / "班级.zip").write_bytes(blob)
    subs = collect([tmp_path / "班级.zip"], IDS)
    assert all(s.file.startswith(str(tmp_path / "班级.zip") + "/作业/") for s in subs)
    assert {s.name for s in subs} == {"2023001_张三_rfm.csv", "2023002_李四_rfm.csv"}
    assert all(s.error is None and s.student and s.exercise == "rfm" for s in subs)
    assert all(any("GBK" in n for n in s.notes) for s in subs)
    assert not any(n.endswith("。") for s in subs for n in s.notes), "notes are joined with ；, so none ends in 。"


def test_unsafe_members_are_reported_not_read(tmp_path: Path):
    blob = plain_zip([("../2023001_rfm.csv", b"a\n"), ("/etc/2023002_rfm.csv", b"b\n"),
                      ("C:/x/2023003_rfm.csv", b"c\n"), ("ok/2023004_rfm.csv", b"d\n")])
    (tmp_path / "x.zip").write_bytes(blob)
    subs = collect([tmp_path / "x.zip"], IDS)
    assert len(subs) == 4
    bad = [s for s in subs if s.error]
    assert len(bad) == 3 and all("../" in s.error and s.data is None for s in bad)
    assert [s.student for s in subs if not s.error] == ["2023004"]
    assert not (tmp_path.parent / "2023001_rfm.csv").exists()


def test_zip_bomb_declared_and_lying(tmp_path: Path):
    limits = Limits(max_file_bytes=1 << 20, max_zip_total_bytes=4 << 20)
    (tmp_path / "bomb.zip").write_bytes(bomb_zip("2023001_rfm.csv", 8 << 20))
    (tmp_path / "liar.zip").write_bytes(bomb_zip("2023002_rfm.csv", 8 << 20, lie=True))
    subs = collect([tmp_path / "bomb.zip", tmp_path / "liar.zip"], IDS, limits=limits)
    assert len(subs) == 2
    assert all(s.error and s.data is None for s in subs)
    assert "过大" in subs[0].error
    assert subs[1].student == "2023002"


def test_member_count_cap_and_nesting(tmp_path: Path):
    many = plain_zip([(f"{i:07d}_rfm.csv", b"a\n") for i in range(30)])
    (tmp_path / "many.zip").write_bytes(many)
    [sub] = collect([tmp_path / "many.zip"], IDS, limits=Limits(max_zip_members=10))
    assert "30" in sub.error
    inner = plain_zip([("2023001_rfm.csv", b"a\n")])
    (tmp_path / "outer.zip").write_bytes(plain_zip([("inner.zip", inner)]))
    [nested] = collect([tmp_path / "outer.zip"], IDS)
    assert nested.file.endswith("outer.zip/inner.zip/2023001_rfm.csv") and nested.error is None
    deep = plain_zip([("outer.zip", (tmp_path / "outer.zip").read_bytes())])
    (tmp_path / "deep.zip").write_bytes(deep)
    [too_deep] = collect([tmp_path / "deep.zip"], IDS)
    assert "嵌套" in too_deep.error


def test_corrupt_zip_and_huge_file(tmp_path: Path):
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 not really a zip")
    huge = tmp_path / "2023001_rfm.csv"
    with huge.open("wb") as fh:  # sparse: costs no disk
        fh.truncate(64 << 20)
    subs = collect([tmp_path / "broken.zip", huge], IDS)
    assert "压缩包无法打开" in subs[0].error
    assert "过大" in subs[1].error and subs[1].student == "2023001"


def test_password_protected_member(tmp_path: Path):
    (tmp_path / "locked.zip").write_bytes(encrypted_flag_zip("2023001_rfm.csv", b"a\n1\n"))
    [sub] = collect([tmp_path / "locked.zip"], IDS)
    assert "密码" in sub.error and sub.student == "2023001" and sub.exercise == "rfm"


@pytest.mark.parametrize(
    ("path", "student"),
    [
        ("1_张三_2024001_old-customers.csv", "2024001"),            # platform numbering prefix
        ("hw1_2024001_rfm.csv", "2024001"),                          # homework number
        ("20251201_2024001_rfm.csv", "2024001"),                     # a date is not a 学号
        ("作业_20251201123045/2024001_rfm.csv", "2024001"),          # platform time stamp folder
        ("1733023845_2024001_rfm.csv", "2024001"),                   # Unix time
        ("张三_2024001/rfm.csv", "2024001"),                          # only the folder has it
        ("作业/张三2024001/rfm.csv", "2024001"),                       # glued to the name
        ("张三2024001rfm.csv", "2024001"),                             # … and to the exercise
        ("2024001A_rfm.csv", "2024001A"),                              # a letter suffix kept
        ("S2024001_rfm.csv", "S2024001"),                             # letter prefix kept
        ("第3组_rfm.csv", None),                                       # nothing 学号-like
        ("20240101_rfm.csv", "20240101"),                             # date-shaped, nothing else: a 学号
        ("20240101/2024001_rfm.csv", "2024001"),                      # date-shaped folder: not taken
        ("作业_20251201123045/rfm.csv", None),                         # a 14-digit time stamp never is
        ("202309150203_张三_rfm.csv", "202309150203"),                 # 12 digits: 2023级09院15专业02班03号
        ("张三_202309150203/rfm.csv", "202309150203"),                 # … also in a folder
        ("作业_202512011030/2024001_rfm.csv", "2024001"),              # 12-digit stamp beside a 学号: not taken
    ],
)
def test_student_from_the_whole_path(path, student):
    from grader.intake.identity import find_student

    assert find_student(path)[0] == student


def test_a_date_shaped_student_id_is_noted_or_confirmed_by_the_roster():
    from grader.intake.identity import find_student

    student, notes = find_student("20240101_rfm.csv")
    assert student == "20240101" and any("也像日期或时间" in n for n in notes)
    student, notes = find_student("202309150203_rfm.csv", ["202309150203"])
    assert (student, notes) == ("202309150203", [])
    student, notes = find_student("202309150201_rfm.csv", ["2024001", "2024002"])  # the roster was given
    assert student == "202309150201" and "不在名单上" in notes[0] and "--roster" not in notes[0]
    assert find_student("作业_20251201123045/2023091502_rfm.csv", ["20251201123045"])[0] == "20251201123045"
    assert find_student("20251201_20240101_rfm.csv", ["20240101"])[0] == "20240101"
    assert find_student("作业_20240101/张三_rfm.csv", ["20240101"])[0] == "20240101"
    assert find_student("20251201_2024001_rfm.csv", ["2024001"])[0] == "2024001"


NAMED_ROSTER = "学号,姓名\n2024001,张三\n2024002,李四\n2024003,张三丰\n2024004,王芳\n2024005,王芳\n"


@pytest.mark.parametrize(
    ("path", "student", "note"),
    [
        ("张三_RFM客户分层.xlsx", "2024001", "学号按名单上的姓名“张三”认定为 2024001"),
        ("张三丰-rfm.csv", "2024003", "“张三丰”认定为 2024003"),                   # 张三 inside 张三丰 is 张三丰
        ("作业/李四/rfm.csv", "2024002", "（取自文件夹名“李四”）"),
        ("38271635_李四_rfm.csv", "2024002", "路径里的编号 38271635 不在名单上，未作学号"),  # a platform's number
        ("20251201_张三_rfm.csv", "2024001", "“张三”认定为 2024001"),             # a date is no 学号
        ("2024002_李四_rfm.csv", "2024002", None),                                  # the 学号 as it should be
        ("2024002_张三_rfm.csv", "2024002", "文件名里的姓名“张三”与名单上 2024002 的姓名“李四”不一致，请核对"),
        # a number shaped like the roster's 学号 is a 学号 (名单外), though the roster has a student of that name
        ("作业提交/2023015_李四/rfm.csv", "2023015", "2023015 不在名单上；名单上的 2024002 也叫“李四”"),
        # the platform's folder (学号 and name agree) says who handed in a file named with another student's 学号
        ("作业提交/2024002_李四/2024001_rfm.csv", "2024002", "按学号和姓名一致的“2024002_李四”认定为 2024002"),
        ("作业提交/2024001_张三/2024001_rfm.csv", "2024001", None),
    ],
)
def test_a_roster_with_names_finds_the_student_of_a_file_named_by_name(path, student, note):
    from grader.intake.identity import identify
    from grader.intake.roster import parse_roster

    roster = parse_roster(NAMED_ROSTER)
    ident = identify(path, {"rfm": ["RFM 客户分层"]}, roster, roster.names)
    assert ident.student == student and ident.exercise == "rfm" and ident.student_error is None
    if note is None:
        assert ident.student_notes == []
    else:
        assert any(note in n for n in ident.student_notes), ident.student_notes


def test_a_name_two_students_share_or_two_names_get_a_line_not_a_guess(tmp_path: Path):
    from grader.intake.roster import parse_roster

    for name in ("王芳_rfm.csv", "张三李四_rfm.csv", "无名_rfm.csv"):
        (tmp_path / name).write_text("买家会员名\n", encoding="utf-8")
    roster = parse_roster(NAMED_ROSTER)
    got = {s.file.rsplit("/", 1)[-1]: s for s in collect([tmp_path], ["rfm"], roster=roster)}
    assert got["王芳_rfm.csv"].student is None
    assert got["王芳_rfm.csv"].error.startswith("名单上有 2 位“王芳”（2024004、2024005），按姓名无法认定学号；请在文件名里写上学号")
    assert got["张三李四_rfm.csv"].error.startswith("文件名里有名单上的多个姓名（张三、李四）")
    assert got["无名_rfm.csv"].error == NO_STUDENT
    # without the names (a list of 学号 only) a name says nothing
    assert all(s.error == NO_STUDENT for s in collect([tmp_path], ["rfm"], roster=list(roster)))


def test_doubled_extension_and_title_alias(tmp_path: Path):
    from grader.spec import load_spec

    exercises = Path(__file__).resolve().parent.parent / "exercises"
    specs = {ex: load_spec(exercises / ex) for ex in ("old-customers", "customer-archive", "rfm")}
    (tmp_path / "2024001_老客户.csv.csv").write_bytes(b"a\n1\n")
    [sub] = collect([tmp_path], specs)
    assert (sub.student, sub.exercise) == ("2024001", "old-customers")
    assert any("练习按名称“老客户”" in n for n in sub.notes)
    assert sub.time_source == "mtime" and sub.submitted_at is not None


def test_rar_and_7z_members_keep_their_time(tmp_path: Path):
    from fixtures.zips import seven_zip

    (tmp_path / "班级.rar").write_bytes(b"Rar!\x1a\x07\x00" + b"\0" * 32)
    (tmp_path / "班级.7z").write_bytes(seven_zip([("张三_2023001/rfm.csv", b"a\n1\n")]))
    subs = {s.name: s for s in collect([tmp_path], IDS)}
    assert subs["班级.rar"].error == "这是 RAR 压缩包，请先解压，或请学生提交 zip"
    member = subs["rfm.csv"]
    assert (member.student, member.exercise, member.error) == ("2023001", "rfm", None)
    assert member.time_source == "zip" and member.submitted_at is not None


def test_folders_above_the_given_path_never_name_the_student(tmp_path: Path):
    home = tmp_path / "T20190012" / "班级"  # e.g. the teacher's own staff number in the home folder
    (home / "张三_2024001").mkdir(parents=True)
    (home / "rfm.csv").write_bytes(b"a\n1\n")
    (home / "张三_2024001" / "rfm.csv").write_bytes(b"a\n1\n")
    subs = {s.file.removeprefix(str(home) + "/"): s for s in collect([home], IDS)}
    assert subs["rfm.csv"].student is None and "学号" in subs["rfm.csv"].error
    assert subs["张三_2024001/rfm.csv"].student == "2024001"
    [single] = collect([home / "张三_2024001" / "rfm.csv"], IDS)
    assert single.student == "2024001"  # the file's own folder counts


def test_a_retyped_id_is_a_guess_with_a_note():
    ident = identify("2023001_Old Customers.csv", {ex: () for ex in IDS})
    assert ident.exercise == "old-customers"
    assert ident.exercise_notes == ["练习按名称“old customers”认定为 old-customers"]
    assert identify("2023001_old-customers.csv", {ex: () for ex in IDS}).exercise_notes == []
