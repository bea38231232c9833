"""web/src/runtime.py (the worker's Python half) inside the site's own Pyodide under Node.js.

Runs, tracebacks, memory errors, fresh namespaces, checks and downloads on the real exercises and the
real datasets, exactly as the worker calls them (JSON strings in and out).
"""

from __future__ import annotations

import base64
import json
import textwrap

import pytest
from web_py import load_web_modules

from grader.engine import grade_bytes
from grader.spec import load_spec

pytestmark = [pytest.mark.pyodide, pytest.mark.slow]

EXERCISE = "old-customers"


@pytest.fixture(scope="module")
def rt(pyodide, project_root):
    """The runtime module loaded from the repository, set up like the worker does (bundle = the repo).

    The worker writes the modules of web/src/pyfiles.js next to runtime.py; tests/web_py.py does the same here,
    and the default data is one zip archive, as on the site.
    """
    load_web_modules(pyodide, runtime=True)
    pyodide.run(
        textwrap.dedent(
            """
            import zipfile
            import courseware_runtime as rt
            print(rt.setup("/project", True))
            import datasets
            archive = "/home/pyodide/.w2-default-data.zip"
            with zipfile.ZipFile(archive, "w") as zf:
                for table, df in datasets.generate(None, tables=["orders"]).items():
                    zf.writestr(f"{table}.csv", datasets.csv_bytes(df))
            print(rt.use_data(None, ["orders"], archive))
            """
        )
    )
    return pyodide


def call(session, fn: str, *args) -> dict:
    literal = ", ".join(repr(a) for a in args)
    out = session.run(f"import courseware_runtime as rt\nprint(rt.{fn}({literal}))")
    return json.loads(out.strip().splitlines()[-1])


def source(name: str) -> str:
    return load_spec(f"exercises/{EXERCISE}").file_text(name)


def test_run_renders_dataframe_with_chinese_columns_and_print_output(rt):
    code = "import pandas as pd\nprint('你好')\nresult = pd.DataFrame({'买家会员名': [f'客户{i}' for i in range(80)]})\n"
    out = call(rt, "run", "demo", code)
    assert out["error"] is None
    assert out["stdout"] == "你好\n"
    assert out["result"]["kind"] == "dataframe"
    assert (out["result"]["rows"], out["result"]["cols"]) == (80, 1)
    assert "<th>买家会员名</th>" in out["result"]["html"]
    assert out["result"]["html"].count("<tr") == 1 + 10 + 1 + 10  # header, first 10, "…", last 10 rows
    assert out["outputs"] == [{"kind": "text", "text": "你好\n"}]


def test_traceback_is_trimmed_to_the_students_code(rt):
    out = call(rt, "run", "demo", "import pandas as pd\n\ndf = pd.DataFrame({'a': [1]})\ndf['不存在的列']\n")
    text = out["error"]["text"]
    assert out["error"]["kind"] == "exception"
    assert 'File "<你的代码>", line 4' in text
    assert "KeyError: '不存在的列'" in text
    assert "pandas/core" not in text
    explain = out["error"]["explain"]  # the Chinese explanation the page shows first; the traceback is 详细信息
    assert explain["title"] == "第 4 行：表里没有 “不存在的列” 这一列"
    assert explain["line"] == 4 and explain["source"] == "df['不存在的列']"
    assert "pandas/core" in out["error"]["full"]


def test_print_and_last_expression_are_tables_and_warnings_are_explained(rt):
    code = ("import pandas as pd\ndf = pd.DataFrame({'金额': [1.5, 2.0], '买家': ['甲', '乙']})\nprint('表：', df)\n"
            "sub = df[df['金额'] > 1.6]\nsub['新'] = 1\ndf.describe()\n")
    out = call(rt, "run", "demo", code)
    assert out["error"] is None
    assert [c["kind"] for c in out["outputs"]] == ["text", "table", "warning", "table"]
    assert out["outputs"][1]["numeric"] == [True, False]
    assert out["outputs"][2]["line"] == 5 and ".copy()" in "".join(out["outputs"][2]["lines"])
    assert "表：" in out["stdout"] and "SettingWithCopyWarning" in out["stdout"]  # plain text stays complete


def test_html_in_results_is_escaped(rt):
    out = call(rt, "run", "demo", "import pandas as pd\nresult = pd.DataFrame({'<b>列</b>': ['<script>x</script>']})")
    assert "<script>" not in out["result"]["html"]
    assert "&lt;script&gt;" in out["result"]["html"]


def test_each_run_gets_a_fresh_namespace(rt):
    assert call(rt, "run", "demo", "secret = 1\n")["error"] is None
    out = call(rt, "run", "demo", "print(secret)\n")
    assert "NameError" in out["error"]["text"]


def test_memory_error_ends_in_a_message(rt):
    out = call(rt, "run", "demo", "big = bytearray(2**31 - 1)\nbigger = [big, bytearray(2**31 - 1)]\n")
    assert out["error"]["kind"] == "memory"
    assert "内存不足" in out["error"]["text"]
    explain = out["error"]["explain"]
    assert explain["title"] == f"第 {explain['line']} 行：内存不足" and explain["line"] in (1, 2)
    assert call(rt, "run", "demo", "result = 1\n")["result"]["text"] == "1"  # still alive


def test_syntax_error_points_at_the_line(rt):
    out = call(rt, "run", "demo", "x = 1\nif x\n    pass\n")
    assert "SyntaxError" in out["error"]["text"]
    assert "line 2" in out["error"]["text"]


def test_check_starter_fails_and_solution_passes(rt):
    starter = call(rt, "check", EXERCISE, source("starter.py"))
    assert starter["check"]["passed"] is False
    solution = call(rt, "check", EXERCISE, source("solution.py"))
    report = solution["check"]
    assert report["passed"] is True, report
    assert report["score"] == report["max_score"] > 0


def test_missing_result_is_explained(rt):
    out = call(rt, "check", EXERCISE, "x = 1\n")
    assert "没有找到变量 result" in out["check"]["error"]


def test_download_for_a_student_variant_scores_full_marks_in_the_cli_grader(rt):
    held = set(call(rt, "use_data", None, [])["files"])  # one worker per tab: tables earlier pages loaded stay
    files = call(rt, "use_data", "2024077", ["orders"])["files"]
    assert set(files) == held | {"orders.csv"}  # the page's table joins them, nothing else is generated
    try:
        out = call(rt, "submission", EXERCISE, source("solution.py"))
    finally:
        call(rt, "use_data", None)
    assert out["file"]["name"] == f"2024077_{EXERCISE}.csv"
    data = base64.b64decode(out["file"]["b64"])
    graded = grade_bytes(load_spec(f"exercises/{EXERCISE}"), out["file"]["name"], data, "2024077")
    assert graded.score == graded.max_score


def test_exam_mode_skips_reference_checks(rt):
    rt.run("import courseware_runtime as rt\nrt._state['solutions'] = False")
    try:
        report = call(rt, "check", EXERCISE, source("solution.py"))["check"]
    finally:
        rt.run("import courseware_runtime as rt\nrt._state['solutions'] = True")
    spec = load_spec(f"exercises/{EXERCISE}")
    assert [c["skipped"] for c in report["checks"]] == [c.needs_reference for c in spec.checks]
    assert any(c.needs_reference for c in spec.checks)
    assert all(c["passed"] for c in report["checks"] if not c["skipped"])
