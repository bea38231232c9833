"""The engine end to end on small exercises written here: reference bytes score full, messy but right
files score full with notes, wrong answers lose points with Chinese findings, nothing raises."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook
from ruamel.yaml import YAML

from grader import browser
from grader.checks import REGISTRY, check
from grader.engine import answer_digest, grade_bytes, grade_result, reference_digest, reference_submission
from grader.reference import data_dir, reference_answer, run_script
from grader.serialize import serialize
from grader.spec import load_spec

OLD_SOLUTION = '''\
import pandas as pd

orders = pd.read_csv("data/orders.csv", dtype=str)
orders.columns = orders.columns.str.strip()
orders = orders.drop_duplicates("订单编号")
orders["买家实际支付金额"] = pd.to_numeric(orders["买家实际支付金额"])
ok = orders[orders["订单状态"] == "交易成功"]
per = ok.groupby("买家会员名").agg(成交订单数=("订单编号", "nunique"), 成交金额=("买家实际支付金额", "sum"))
per["成交金额"] = per["成交金额"].round(2)
result = per[(per["成交订单数"] >= 2) & (per["成交金额"] > 40)].reset_index()
'''
OLD_SPEC = {
    "id": "old-demo", "title": "老客户（测试）", "datasets": ["orders"],
    "submission": {
        "kind": "table", "format": "csv", "columns": ["买家会员名", "成交订单数", "成交金额"], "key": "买家会员名",
        "aliases": {"买家会员名": ["客户", "顾客ID"], "成交订单数": ["订单数"], "成交金额": ["交易金额"]},
        "dtypes": {"成交订单数": "int", "成交金额": "float"}, "tolerance": {"成交金额": 0.01},
    },
    "checks": [
        {"kind": "columns", "points": 1},
        {"kind": "no-duplicates", "points": 1},
        {"kind": "rows", "points": 4, "label": "客户", "hint": "成交订单数 ≥ 2 且成交金额 > 40"},
        {"kind": "values", "points": 4, "label": "客户"},
        {"kind": "row-count", "points": 0, "label": "客户", "hidden": True},
    ],
    "notes": {"deductions": {"alias": 0.5}},
}
TIER_SOLUTION = '''\
result = {"规则": "任一", "等级": [
    {"名称": "银卡", "交易金额": 100, "交易笔数": 3, "折扣": 0.98},
    {"名称": "金卡", "交易金额": 300, "交易笔数": 5, "折扣": 0.95},
    {"名称": "白金卡", "交易金额": 600, "交易笔数": 8, "折扣": 0.9},
    {"名称": "钻石卡", "交易金额": 1200, "交易笔数": 12, "折扣": 0.85},
]}
'''
TIER_SPEC = {
    "id": "tier-demo", "title": "等级（测试）", "datasets": ["orders"],
    "submission": {"kind": "tier-config", "tiers": {"names": ["银卡", "金卡", "白金卡", "钻石卡"], "rule": "任一"}},
    "checks": [
        {"kind": "tier-schema", "points": 2},
        {"kind": "tier-monotonic", "points": 2},
        {"kind": "tier-shares", "points": 3, "targets": [{"from": "钻石卡", "max": 1.0}, {"from": "银卡", "min": 0.0}]},
    ],
}
STUDENT = "2023001"


def make(root: Path, spec: dict, solution: str, starter: str = "result = None\n") -> Path:
    folder = root / spec["id"]
    folder.mkdir(parents=True)
    with (folder / "spec.yml").open("w", encoding="utf-8") as fh:
        YAML(typ="safe", pure=True).dump(spec, fh)
    (folder / "instructions.md").write_text("# 说明\n", encoding="utf-8")
    (folder / "solution.py").write_text(solution, encoding="utf-8")
    (folder / "starter.py").write_text(starter, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def exercises(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("exercises")
    make(root, OLD_SPEC, OLD_SOLUTION)
    make(root, TIER_SPEC, TIER_SOLUTION)
    return root


@pytest.fixture(scope="module")
def old(exercises):
    return load_spec(exercises / "old-demo")


@pytest.fixture(scope="module")
def tier(exercises):
    return load_spec(exercises / "tier-demo")


def answer_frame(spec, student) -> pd.DataFrame:
    return reference_answer(spec, student).copy()


@pytest.mark.parametrize("student", [None, STUDENT])
def test_reference_bytes_score_full(old, student):
    ser = serialize(old, reference_answer(old, student))
    result = grade_bytes(old, f"{student}_old-demo.csv", ser.data, student)
    assert result.status == "graded" and result.score == result.max_score == 10
    assert result.passed and all(c.passed for c in result.checks)
    assert result.answer_digest == reference_digest(old, student)


def test_variants_differ_and_another_students_answer_fails(old):
    mine = serialize(old, reference_answer(old, STUDENT)).data
    other = grade_bytes(old, "x_old-demo.csv", mine, None)
    assert other.score < other.max_score
    assert reference_digest(old, STUDENT) != reference_digest(old, None)


def test_messy_but_right_file_scores_full_minus_alias_deduction(old):
    df = answer_frame(old, None).sample(frac=1.0, random_state=3)
    df = df.rename(columns={"买家会员名": "客户", "成交金额": "交易金额"})[["交易金额", "客户", "成交订单数"]]
    df["交易金额"] = df["交易金额"].map(lambda v: f"{v:,.2f}元")
    data = df.to_csv(index=False).encode("gbk", errors="replace")
    result = grade_bytes(old, "a.csv", data, None)
    assert all(c.passed for c in result.checks), [c.message for c in result.checks]
    codes = {n.code for n in result.notes}
    assert {"alias", "encoding", "amount_text", "column_order"} <= codes
    assert result.score == 9.5
    assert next(n for n in result.notes if n.code == "alias").deduction == 0.5


def test_xlsx_submission_scores_full(old):
    df = answer_frame(old, None)
    wb = Workbook()
    ws = wb.active
    ws.append(list(df.columns))
    for row in df.itertuples(index=False):
        ws.append([row[0], int(row[1]), float(row[2])])
    buf = io.BytesIO()
    wb.save(buf)
    result = grade_bytes(old, "a.xlsx", buf.getvalue(), None)
    assert result.score == result.max_score, [c.message for c in result.checks]


def test_wrong_answer_findings(old):
    df = answer_frame(old, None)
    victim, changed = df["买家会员名"].iloc[0], df["买家会员名"].iloc[1]
    wrong = df.iloc[1:].copy()
    wrong.loc[wrong["买家会员名"] == changed, "成交订单数"] += 1
    wrong = pd.concat([wrong, pd.DataFrame([{"买家会员名": "不存在的人", "成交订单数": 2, "成交金额": 50.0}])])
    result = grade_bytes(old, "a.csv", serialize(old, wrong).data, None)
    by_kind = {c.kind: c for c in result.checks}
    assert f"缺少客户 {victim}" in by_kind["rows"].details and "多出客户 不存在的人" in by_kind["rows"].details
    assert 0 < by_kind["rows"].points < 4 and by_kind["rows"].hint == "成交订单数 ≥ 2 且成交金额 > 40"
    expected = int(df.loc[df["买家会员名"] == changed, "成交订单数"].iloc[0])
    assert f"{changed} 的成交订单数应为 {expected}，提交为 {expected + 1}" in by_kind["values"].details
    assert by_kind["row-count"].passed  # same number of rows: one missing, one extra
    assert result.score < result.max_score and not result.passed


def test_counting_closed_orders_loses_points(old):
    code = OLD_SOLUTION.replace('ok = orders[orders["订单状态"] == "交易成功"]', "ok = orders")
    wrong = run_script(code, data_dir(None))
    result = grade_result(old, wrong, None)
    assert result.score < result.max_score
    assert any(c.details and c.details[0].startswith("多出客户") for c in result.checks)


def test_unreadable_file_is_an_error_result(old):
    result = grade_bytes(old, "a.csv", b"", None)
    assert result.status == "error" and result.score == 0 and "文件是空的" in result.error
    assert result.max_score == 10 and result.checks == []


def test_missing_key_column(old):
    df = answer_frame(old, None).drop(columns=["买家会员名"])
    result = grade_bytes(old, "a.csv", df.to_csv(index=False).encode(), None)
    assert result.status == "graded" and result.score == 0.66  # 2 of 3 columns; nothing can be matched
    assert "缺少列：买家会员名" in result.checks[0].message
    assert result.checks[2].message.startswith("缺少关键列 买家会员名")


def test_checker_bug_becomes_a_message(exercises, tmp_path):
    @check("test-boom", title="会出错的检查")
    def boom(ctx):
        raise ZeroDivisionError("boom")

    try:
        spec_dict = {**OLD_SPEC, "id": "boom-demo", "checks": [{"kind": "test-boom", "points": 1},
                                                                 {"kind": "columns", "points": 1}]}
        spec = load_spec(make(tmp_path, spec_dict, OLD_SOLUTION))
        result = grade_result(spec, reference_answer(load_spec(exercises / "old-demo"), None), None)
        assert result.status == "graded" and result.score == 1
        assert result.checks[0].message.startswith("检查程序出错")
        assert "ZeroDivisionError" not in result.checks[0].message and "boom" not in result.checks[0].message
    finally:
        REGISTRY.pop("test-boom")


def test_exam_mode_skips_reference_checks(old):
    result = grade_result(old, reference_answer(old, None), None, solutions=False)
    skipped = [c.kind for c in result.checks if c.skipped]
    assert skipped == ["rows", "values", "row-count"] and result.score == 2 and result.passed


def test_broken_solution_makes_reference_checks_fail_not_crash(tmp_path):
    spec = load_spec(make(tmp_path, {**OLD_SPEC, "id": "broken-demo"}, "raise ValueError('x')\n"))
    df = pd.DataFrame({"买家会员名": ["a"], "成交订单数": [2], "成交金额": [50.0]})
    result = grade_result(spec, df, None)
    assert result.status == "graded"
    rows = next(c for c in result.checks if c.kind == "rows")
    assert rows.skipped and "参考答案" in rows.message and rows.points == 0


def test_result_objects_are_serialised_like_downloads(old):
    ref = reference_answer(old, None)
    indexed = ref.set_index("买家会员名")
    result = grade_result(old, indexed, None)
    assert result.score == result.max_score and "format" in {n.code for n in result.notes}
    bad = grade_result(old, 42, None)
    assert bad.status == "error" and "DataFrame" in bad.error


def test_tier_config_yaml_json_and_english(tier):
    ref = reference_answer(tier, None)
    yaml_result = grade_result(tier, ref, None)
    assert yaml_result.score == yaml_result.max_score == 7, [c.message for c in yaml_result.checks]
    assert "按你的配置划分" in yaml_result.checks[2].message
    json_result = grade_result(tier, ref, None, fmt="json")
    assert json_result.score == 7 and json_result.file.endswith(".json")
    english = {"rule": "any", "tiers": [{"name": t["名称"], "min_amount": t["交易金额"], "min_orders": t["交易笔数"],
                                         "discount": t["折扣"]} for t in ref["等级"]]}
    en = grade_result(tier, english, None)
    assert en.score == 7 and "rule_alias" in {n.code for n in en.notes}


def test_tier_config_violations(tier):
    ref = reference_answer(tier, None)
    bad = {"规则": "全部", "等级": [dict(t) for t in ref["等级"]]}
    bad["等级"][2]["折扣"] = 0.96
    result = grade_result(tier, bad, None)
    kinds = {c.kind: c for c in result.checks}
    assert "规则应为“任一”，提交为“全部”" in kinds["tier-schema"].details
    assert any("白金卡的折扣（0.96）应低于金卡（0.95）" in d for d in kinds["tier-monotonic"].details)
    broken = grade_bytes(tier, "a.yaml", "规则: 任一\n等级:\n  - 名称: 银卡\n".encode(), None)
    assert broken.status == "graded" and broken.score < 0.3  # only the rule and one name could be read
    assert "门槛和折扣没有读出来" in broken.checks[1].message


def test_tier_shares_target_failure(tmp_path):
    spec_dict = {**TIER_SPEC, "id": "tier-strict"}
    spec_dict["checks"] = [{"kind": "tier-shares", "points": 3,
                            "targets": [{"from": "钻石卡", "max": 0.0}, {"from": "银卡", "min": 0.0, "max": 1.0}]}]
    spec = load_spec(make(tmp_path, spec_dict, TIER_SOLUTION))
    result = grade_result(spec, reference_answer(spec, None), None)
    c = result.checks[0]
    assert c.points == 1.5 and c.details[0].startswith("钻石卡占成交客户的") and "要求 ≤ 0.0%" in c.details[0]


def test_tier_assignment_table(tmp_path):
    tiers = [{"名称": "银卡", "交易金额": 100, "交易笔数": 3, "折扣": 0.98},
             {"名称": "金卡", "交易金额": 300, "交易笔数": 5, "折扣": 0.95}]
    spec_dict = {
        "id": "assign-demo", "title": "等级划分（测试）", "datasets": ["orders"],
        "submission": {"kind": "table", "columns": ["买家会员名", "累计成交金额", "累计成交笔数", "会员等级", "折扣"],
                       "key": "买家会员名", "dtypes": {"累计成交金额": "float", "累计成交笔数": "int", "折扣": "float"}},
        "checks": [
            {"kind": "tier-totals", "points": 2},
            {"kind": "tier-assignment", "points": 3, "tiers": tiers, "none_label": "普通会员", "discount_column": "折扣"},
            {"kind": "tier-probes", "points": 1, "tiers": tiers, "none_label": "普通会员", "hidden": True},
        ],
    }
    solution = OLD_SOLUTION.split("per[\"成交金额\"]", maxsplit=1)[0].replace(  # 成交客户: no test accounts
        'ok = orders[orders["订单状态"] == "交易成功"]',
        'ok = orders[(orders["订单状态"] == "交易成功") & ~orders["买家会员名"].str.startswith("吃货美食团_测试")]') + '''
per = per.rename(columns={"成交订单数": "累计成交笔数", "成交金额": "累计成交金额"}).reset_index()
def tier(a, n):
    if a >= 300 or n >= 5: return "金卡", 0.95
    if a >= 100 or n >= 3: return "银卡", 0.98
    return "普通会员", 1.0
per["会员等级"] = [tier(a, n)[0] for a, n in zip(per["累计成交金额"], per["累计成交笔数"])]
per["折扣"] = [tier(a, n)[1] for a, n in zip(per["累计成交金额"], per["累计成交笔数"])]
result = per
'''
    spec = load_spec(make(tmp_path, spec_dict, solution))
    ref = reference_answer(spec, None)
    assert grade_result(spec, ref, None).score == 6
    strict = ref.copy()
    # the classic mistake: > instead of ≥ and 全部 instead of 任一
    strict["会员等级"] = ["金卡" if a > 300 and n > 5 else "银卡" if a > 100 and n > 3 else "普通会员"
                          for a, n in zip(strict["累计成交金额"], strict["累计成交笔数"], strict=True)]
    result = grade_result(spec, strict, None)
    kinds = {c.kind: c for c in result.checks}
    assert not kinds["tier-assignment"].passed and not kinds["tier-probes"].passed
    assert any("规则是“任一”" in d or "门槛是 ≥" in d for d in kinds["tier-assignment"].details)
    assert kinds["tier-totals"].passed
    page = browser._masked(result)
    hidden = next(c for c in page["checks"] if c["hidden"])
    assert hidden["name"] == "隐藏检查" and hidden["details"] == [] and "隐藏检查未通过" in hidden["message"]


def test_browser_api_roundtrip(exercises, old):
    info = browser.init(exercises)
    assert "error" not in info and set(info["exercises"]) == {"old-demo", "tier-demo"}
    assert info["exercises"]["old-demo"]["checks"][4]["name"] == "隐藏检查"
    ref = reference_answer(old, STUDENT)
    page = browser.check("old-demo", ref, STUDENT)
    assert page["status"] == "graded" and page["score"] == 10 and page["passed"] and page["hash"]
    name, data, mime = browser.submission_file("old-demo", ref, STUDENT)
    assert name == f"{STUDENT}_old-demo.csv" and mime.startswith("text/csv") and data.startswith(b"\xef\xbb\xbf")
    assert grade_bytes(old, name, data, STUDENT).score == page["score"]
    name, data, _ = browser.submission_file("old-demo", "not a table", STUDENT)
    assert name == "" and "DataFrame" in data.decode()
    missing = browser.check("nope", ref, STUDENT)
    assert missing["status"] == "error" and "练习 nope 不存在" in missing["error"]
    assert browser.check("old-demo", None, "")["status"] == "error"


def test_reference_submission_is_normalised_like_a_submission(old):
    ref = reference_submission(old, None)
    assert list(ref.columns) == ["买家会员名", "成交订单数", "成交金额"]
    assert str(ref["成交订单数"].dtype) == "Int64"
    assert answer_digest(old, ref) == reference_digest(old, None)


def test_reference_bytes_are_cached_on_disk(tmp_path, monkeypatch):
    from grader import cache, engine

    monkeypatch.setenv("GRADER_CACHE_DIR", str(tmp_path / "cache"))
    spec = load_spec(make(tmp_path / "ex", {**OLD_SPEC, "id": "cached-demo"}, OLD_SOLUTION))
    first = reference_digest(spec, STUDENT)
    stored = list((tmp_path / "cache" / "references").glob("*.csv"))
    assert len(stored) == 1 and stored[0].read_bytes().startswith(b"\xef\xbb\xbf")
    cache.clear_caches()

    def no_solution_runs(*_args):
        raise AssertionError("solution.py ran although the answer was cached")

    monkeypatch.setattr(engine, "reference_answer", no_solution_runs)
    assert reference_digest(spec, STUDENT) == first
    monkeypatch.setenv("GRADER_CACHE_DIR", "off")
    assert cache.cache_dir() is None


def test_table_without_any_expected_column_is_graded_zero_not_an_error():
    from grader.spec import load_spec

    root = Path(__file__).resolve().parent.parent / "exercises"
    for exercise in ("rfm", "repurchase", "old-customers"):
        spec = load_spec(root / exercise)
        result = grade_bytes(spec, f"2023001_{exercise}.csv", b"a,b\n1,2\n", "2023001")
        assert result.status == "graded", result.error
        assert result.score < result.max_score
        assert any("缺少列" in c.message for c in result.checks)


def test_debug_switch_logs_the_traceback_of_a_failing_check(tmp_path, monkeypatch, caplog):
    """Nothing is swallowed: with GRADER_DEBUG=1 a check's exception reaches the log with its traceback."""
    import logging

    @check("test-boom-debug", title="炸")
    def boom(ctx):
        raise ZeroDivisionError("boom-for-debug")

    monkeypatch.setenv("GRADER_DEBUG", "1")
    try:
        spec_dict = {**OLD_SPEC, "id": "boom-debug", "checks": [{"kind": "test-boom-debug", "points": 1}]}
        spec = load_spec(make(tmp_path, spec_dict, OLD_SOLUTION))
        with caplog.at_level(logging.DEBUG, logger="grader"):
            result = grade_result(spec, pd.DataFrame({"买家会员名": ["a"]}), None)
        assert result.checks[0].passed is False
        assert any("boom-for-debug" in r.getMessage() and r.exc_info for r in caplog.records)
    finally:
        REGISTRY.pop("test-boom-debug")


def test_a_series_result_says_which_columns_the_table_still_needs():
    """`result = rfm["客户分层"]` hands in one column: the note names what the table lacks and how to keep columns."""
    from grader.engine import grade_result
    from grader.reference import reference_answer
    from grader.spec import load_spec

    spec = load_spec(Path(__file__).resolve().parent.parent / "exercises" / "rfm")
    answer = reference_answer(spec, None)
    [note] = [n.message for n in grade_result(spec, answer["客户分层"], None).notes if n.code == "format"]
    assert note.startswith("result 是一列数据（Series），已转换为表格；练习要的表还缺 买家会员名、R、F、M")
    assert "reset_index()" in note
    notes = [n.message for n in grade_result(spec, answer.set_index("买家会员名")["客户分层"], None).notes]
    assert any("还缺 R、F、M" in n for n in notes)  # the index is written out as a column: not missing


def test_a_groupby_left_in_result_asks_for_the_aggregation():
    """`result = orders.groupby("买家会员名")` forgets the aggregation: say so in Chinese, not the class name."""
    browser.init(Path(__file__).resolve().parent.parent / "exercises")
    frame = pd.DataFrame({"买家会员名": ["a", "a", "b"], "金额": [1, 2, 3]})
    report = browser.check("old-customers", frame.groupby("买家会员名"))
    assert "“分组”对象" in report["error"] and ".agg(" in report["error"] and "reset_index" in report["error"]
    assert "GroupBy" not in report["error"]
    assert "Index" in browser.check("old-customers", frame.columns)["error"]  # a type named, in Chinese words


def test_values_of_keys_that_match_nothing_earn_nothing():
    """Months written 2025年11月 match only the 全部 row: each value check credits 1 of the 4 months, not all."""
    from grader.reference import reference_answer
    from grader.spec import load_spec

    spec = load_spec(Path(__file__).resolve().parent.parent / "exercises" / "repurchase")
    answer = reference_answer(spec, None).copy()
    answer["月份"] = [m if m == "全部" else f"{m[:4]}年{m[5:]}月" for m in answer["月份"]]
    checks = {c.name: c for c in grade_result(spec, answer, None).checks}
    value_checks = [c for c in checks.values() if c.message.startswith("应有") and "无法比对数值" in c.message]
    assert value_checks, [c.message for c in checks.values()]
    share = 1 / len(answer)
    for c in value_checks:
        assert not c.passed and c.points == pytest.approx(c.max_points * share, abs=0.01)
        assert "写法要和练习要求的一致" in c.hint


def test_a_table_without_columns_is_explained_to_the_student():
    """pd.DataFrame([]) from an empty list of rows: not the teacher tool's "文件里只有空白"."""
    browser.init(Path(__file__).resolve().parent.parent / "exercises")
    report = browser.check("sms-plan", pd.DataFrame([]))
    assert report["error"].startswith("result 是一张空表，连列都没有") and "print(len(" in report["error"]
