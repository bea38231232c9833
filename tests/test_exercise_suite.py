"""Every exercise present: the spec validates; solution.py scores full marks and starter.py does not,
on the default data and two student variants; every wrong/*.py scores less with a message."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from grader.engine import grade_bytes, grade_result
from grader.model import SubmissionResult
from grader.reference import data_dir, reference_answer, run_script, student_tables
from grader.serialize import serialize
from grader.spec import ExerciseSpec, exercise_folders, load_spec

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = ROOT / "exercises"
STUDENTS = [None, "2023001", "2024117"]
FOLDERS = exercise_folders(EXERCISES)
WRONG = [(f, w) for f in FOLDERS for w in sorted((f / "wrong").glob("*.py"))]


def run_and_grade(spec: ExerciseSpec, script: Path, student: str | None) -> SubmissionResult:
    """Run a course script on ``student``'s data, then grade its ``result`` like the page does."""
    result = run_script(script.read_text(encoding="utf-8"), data_dir(student), script.name)
    return grade_result(spec, result, student)


def tables_fingerprint(student: str | None) -> dict[str, int]:
    """Checks share the cached variant (also with the browser's data/): none may change it in place."""
    return {name: int(pd.util.hash_pandas_object(df, index=True).sum()) for name, df in student_tables(student).items()}


def explain(result: SubmissionResult) -> str:
    lines = [f"{result.exercise} {result.student}: {result.status} {result.score}/{result.max_score} {result.error or ''}"]
    lines += [f"  {c.name}: {c.points}/{c.max_points} {c.message} {c.details[:3]}" for c in result.checks if not c.passed]
    return "\n".join(lines)


def failure_messages(result: SubmissionResult) -> list[str]:
    if result.status == "error":
        return [result.error or ""]
    return [c.message for c in result.checks if not c.passed and not c.skipped]


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_spec_validates_and_has_what_it_needs(folder):
    spec = load_spec(folder)
    assert spec.id == folder.name and spec.max_score > 0
    assert (folder / "instructions.md").read_text(encoding="utf-8").strip()
    # Where the exercise appears is said once, by the page's ::exercise line (tests/test_content.py checks it).


@pytest.mark.slow
@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
@pytest.mark.parametrize("student", STUDENTS, ids=["default", *STUDENTS[1:]])
def test_solution_full_marks_starter_not(folder, student):
    spec = load_spec(folder)
    before = tables_fingerprint(student)
    answer = run_script((folder / "solution.py").read_text(encoding="utf-8"), data_dir(student), "solution.py")
    solved = grade_result(spec, answer, student)
    assert solved.status == "graded" and solved.score == solved.max_score and solved.passed, explain(solved)
    assert not any(c.skipped for c in solved.checks), explain(solved)
    # Without a reference (exam builds) the diagnostic checks recompute everything from the dataset instead
    # of stopping at "equals the reference" (CheckContext.equals_reference): the reference passes them too.
    alone = grade_result(spec, answer, student, solutions=False)
    assert all(c.passed for c in alone.checks if not c.skipped), explain(alone)
    assert tables_fingerprint(student) == before, "a check changed the shared dataset tables in place"
    try:
        started = run_and_grade(spec, folder / "starter.py", student)
    except Exception:  # a starter that stops with an error clearly does not score full marks
        return
    assert started.score < started.max_score, explain(started)


@pytest.mark.slow
@pytest.mark.parametrize(("folder", "script"), WRONG, ids=[f"{f.name}/{w.name}" for f, w in WRONG])
def test_wrong_solution_loses_points_with_a_message(folder, script):
    spec = load_spec(folder)
    graded = run_and_grade(spec, script, None)
    assert graded.score < graded.max_score, explain(graded)
    messages = failure_messages(graded)
    assert messages and all(m.strip() for m in messages), explain(graded)


def _empty_starter_results() -> list[tuple[Path, pd.DataFrame]]:
    found = []
    for folder in FOLDERS:
        try:
            result = run_script((folder / "starter.py").read_text(encoding="utf-8"), data_dir(None), "starter.py")
        except Exception:  # a starter that stops with an error has nothing to submit
            continue
        if isinstance(result, pd.DataFrame) and len(result) == 0:
            found.append((folder, result))
    return found


EMPTY_STARTERS = _empty_starter_results()


def test_some_starters_give_an_empty_table():
    assert any(folder.name == "old-customers" for folder, _ in EMPTY_STARTERS)


@pytest.mark.parametrize(("folder", "result"), EMPTY_STARTERS, ids=[f.name for f, _ in EMPTY_STARTERS])
def test_untouched_starter_with_no_rows_earns_nothing(folder, result):
    """The starter's empty table (right columns, 0 rows) — on the page or downloaded and graded — scores 0."""
    spec = load_spec(folder)
    in_page = grade_result(spec, result, None)
    downloaded = grade_bytes(spec, f"2024001_{spec.id}.csv", serialize(spec, result).data, None)
    for graded in (in_page, downloaded):
        assert graded.status == "graded" and graded.score == 0, explain(graded)
    columns = next(c for c in in_page.checks if c.name == "列齐全")
    assert re.fullmatch(r"需要的 \d+ 列都在，但结果是空表：没有任何一行数据", columns.message), explain(in_page)


@pytest.mark.parametrize("student", ["2024069", "2024159"])  # each has a WeChat member at exactly a threshold
def test_community_groups_and_tier_assign_give_each_customer_the_same_tier(student):
    """Both exercises apply the course's tier table to the same 累计成交金额; summed floats must not drop a customer
    at exactly 500.00 (499.99999999999994) a tier in one of them."""
    groups = reference_answer(load_spec(ROOT / "exercises" / "community-groups"), student)
    tiers = reference_answer(load_spec(ROOT / "exercises" / "tier-assign"), student)
    both = groups.merge(tiers, on="买家会员名", suffixes=("_groups", "_tiers"))
    assert len(both) > 500
    differ = both[both["会员等级_groups"] != both["会员等级_tiers"]]
    assert differ.empty, differ.head().to_dict("records")
