"""The exercise suite inside Pyodide (the browser's runtime, under Node): solutions full marks on the
default data and two variants, starters and wrong solutions not, and every check awards exactly the
points it awards on CPython — one definition, two runtimes."""

from __future__ import annotations

import json

import pytest
from test_exercise_suite import EXERCISES, FOLDERS, STUDENTS

from grader.engine import grade_result
from grader.reference import data_dir, run_script
from grader.spec import exercise_folders, load_spec

pytestmark = [pytest.mark.pyodide, pytest.mark.slow]

# Runs inside Pyodide: the repository is at /project; prints one JSON line with every outcome.
IN_PYODIDE = r'''
import json
from pathlib import Path
from grader import browser
from grader.reference import data_dir, run_script
from grader.spec import exercise_folders, load_spec

STUDENTS = %(students)s
info = browser.init("/project/exercises")
out = {"init_error": info.get("error"), "results": []}

def record(spec, script, student):
    entry = {"exercise": spec.id, "script": script, "student": student}
    try:
        result = run_script((spec.folder / script).read_text(encoding="utf-8"), data_dir(student), script)
    except Exception as exc:
        entry["crashed"] = f"{type(exc).__name__}: {exc}"
        out["results"].append(entry)
        return
    page = browser.check(spec.id, result, student)
    entry.update(status=page["status"], score=page["score"], max_score=page["max_score"],
                 error=page.get("error"), points=[c["points"] for c in page["checks"]],
                 failed=[c["message"] for c in page["checks"] if not c["passed"]])
    out["results"].append(entry)

for folder in exercise_folders("/project/exercises"):
    spec = load_spec(folder)
    for student in STUDENTS:
        record(spec, "solution.py", student)
    record(spec, "starter.py", None)
    for wrong in sorted((folder / "wrong").glob("*.py")):
        record(spec, "wrong/" + wrong.name, None)
print(json.dumps(out, ensure_ascii=False))
'''


@pytest.fixture(scope="module")
def outcomes(pyodide) -> dict:
    printed = pyodide.run(IN_PYODIDE % {"students": repr(STUDENTS)})
    data = json.loads(printed.strip().splitlines()[-1])
    assert data["init_error"] is None, data["init_error"]
    return {(r["exercise"], r["script"], r["student"]): r for r in data["results"]}


def cpython_points(exercise: str, script: str, student: str | None) -> list[float]:
    spec = load_spec(EXERCISES / exercise)
    result = run_script((spec.folder / script).read_text(encoding="utf-8"), data_dir(student), script)
    return [c.points for c in grade_result(spec, result, student).checks]


def test_every_exercise_ran_in_pyodide(outcomes):
    assert {e for e, _, _ in outcomes} == {f.name for f in exercise_folders(EXERCISES)}


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_solution_full_marks_in_pyodide_same_as_cpython(outcomes, folder):
    for student in STUDENTS:
        r = outcomes[(folder.name, "solution.py", student)]
        assert "crashed" not in r, r
        assert r["status"] == "graded" and r["score"] == r["max_score"], r
        assert r["points"] == cpython_points(folder.name, "solution.py", student), r


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_starter_and_wrong_solutions_lose_points_in_pyodide(outcomes, folder):
    starter = outcomes[(folder.name, "starter.py", None)]
    assert "crashed" in starter or starter["score"] < starter["max_score"], starter
    for wrong in sorted((folder / "wrong").glob("*.py")):
        r = outcomes[(folder.name, f"wrong/{wrong.name}", None)]
        assert "crashed" not in r, r
        assert r["score"] < r["max_score"] and (r["failed"] or r["error"]), r
        assert r["points"] == cpython_points(folder.name, f"wrong/{wrong.name}", None), r
