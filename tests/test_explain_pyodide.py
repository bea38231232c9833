"""The Chinese error explainers (web/src/explain.py) and notebook-style output (web/src/display.py) in Pyodide.

Each explainer is driven by the code students of this course actually write wrong, run on the real default
data, exactly as the worker runs it (``Capture`` around ``exec`` of ``compile_student``).
"""

from __future__ import annotations

import json
import re
import textwrap

import pytest
from web_py import load_web_modules

pytestmark = [pytest.mark.pyodide, pytest.mark.slow]

RUNNER = """
import contextlib, io, json, os
import courseware_display as D, courseware_explain as E
os.makedirs("/home/pyodide/data", exist_ok=True)
if not os.path.exists("/home/pyodide/data/orders.csv"):
    import datasets
    datasets.write_csvs(datasets.generate(None, tables=["orders"]), "/home/pyodide/data")

def _w2_run(code):
    os.chdir("/home/pyodide")
    ns = {"__name__": "__main__"}
    out = io.StringIO()
    cap = D.Capture(ns, out, "<你的代码>", code)
    err = None
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out), cap:
        try:
            exec(D.compile_student(code, "<你的代码>"), ns)
        except BaseException as exc:
            err = E.explain(exc, "<你的代码>", code)
    return json.dumps({"error": err, "outputs": cap.chunks(out.getvalue())}, ensure_ascii=False)

import builtins
builtins._w2_run = _w2_run  # each harness call gets a fresh namespace; builtins persist
"""


@pytest.fixture(scope="module")
def py(pyodide):
    load_web_modules(pyodide)
    pyodide.run(RUNNER)
    return pyodide


def run(session, code: str) -> dict:
    out = session.run(f"print(_w2_run({textwrap.dedent(code)!r}))")
    return json.loads(out.strip().splitlines()[-1])


READ = "import pandas as pd\norders = pd.read_csv('data/orders.csv')\n"

# (case id, student code, line the editor marks, fragments the title + lines must contain)
CASES = [
    ("column-typo", READ + "x = orders['订单转态']\n", 3, ["没有 “订单转态” 这一列", "你是不是想写 “订单状态”", "41 列"]),
    ("column-trailing-space", READ + "paid = orders[orders['订单付款时间'].notna()]\n", 3,
     ["“订单付款时间 ”", "多了空格", "str.strip()"]),
    ("column-list", READ + "x = orders[['买家会员名', '订单转态']]\n", 3, ["“订单转态”", "订单状态"]),
    ("groupby-typo", READ + "n = orders.groupby('买家会员民').size()\n", 3, ["买家会员民", "买家会员名"]),
    ("dict-key", "d = {'金额': 1}\nd['数量']\n", 2, ["字典里没有键 “数量”"]),
    ("name-typo", READ + "print(Orders.shape)\n", 3, ["没有叫 “Orders” 的变量", "你是不是想写 “orders”"]),
    ("name-no-import", "df = pd.DataFrame()\n", 1, ["import pandas as pd"]),
    ("name-unquoted", READ + "x = orders[订单状态]\n", 3, ["英文引号", "df['订单状态']"]),
    ("fullwidth-paren", "import pandas as pd\ndf = pd.read_csv（'data/orders.csv'）\n", 2,
     ["中文标点 “（”", "英文的 (", "第 2 行第 35 个字符", "英文输入法"]),
    ("fullwidth-colon", "x = 1\nif x > 0：\n    print(x)\n", 2, ["中文标点 “：”", "英文的 :"]),
    ("fullwidth-comma", "print(1，2)\n", 1, ["中文标点 “，”"]),
    ("fullwidth-quotes", "x = “交易成功”\n", 1, ["中文左双引号", "中文右双引号", '英文的 "']),
    ("fullwidth-single-quotes", "x = ‘交易成功’\n", 1, ["中文左单引号"]),
    ("fullwidth-space", "x = 1\u3000+ 1\n", 1, ["全角空格"]),
    ("indent-missing", "for i in range(3):\nprint(i)\n", 2, ["第 1 行的 for 语句后面的代码要缩进", "4 个空格"]),
    ("indent-unexpected", "x = 1\n    y = 2\n", 2, ["多了空格"]),
    ("indent-mismatch", "if True:\n        x = 1\n    y = 2\n", 3, ["对不齐"]),
    ("missing-colon", "x = 1\nif x == 1\n    pass\n", 2, ["缺少英文冒号"]),
    ("assign-in-if", "x = 1\nif x = 1:\n    pass\n", 2, ["=="]),
    ("unclosed-paren", "x = (1, 2\ny = 3\n", 1, ["没有配对"]),
    ("text-compare", "import pandas as pd\ns = pd.Series(['68.00元', '12.50元'], name='金额')\nbig = s > 40\n", 3,
     ["列 “金额” 是文字", "pd.to_numeric"]),
    ("text-plus-number", "total = '68.00' + 1\n", 1, ["把文字和数字直接用 + 连在一起了", "如果本来想做加法"]),
    ("concat-count", READ + "print('共' + len(orders) + '笔订单')\n", 3,
     ["把文字和数字直接用 + 连在一起了", "str(len(orders))", "f'共{len(orders)}笔订单'"]),
    ("method-not-called", "import pandas as pd\ns = pd.Series([1, 2])\nnear = s <= s.mean\n", 3, ["少了括号", ".mean()"]),
    ("dt-on-text", "import pandas as pd\ns = pd.Series(['2025-11-11 08:00:00'])\nd = s.dt.normalize()\n", 3,
     ["还是文字", "不能用 .dt", "pd.to_datetime"]),
    ("sum-of-text", "import pandas as pd\ns = pd.Series(['1.50', '2.00'])\nt = s.sum().round(2)\n", 3,
     ["是文字（str）", "首尾相接", "pd.to_numeric"]),
    ("column-space-in-key", READ + "x = orders['订单状态 ']\n", 3, ["“订单状态 ” 开头或末尾多了空格", "“订单状态”"]),
    ("key-in-empty", "import pandas as pd\nitems = pd.Series([1001, 1002], name='订单编号')\n"
     "paid = items[items.isin(['1001'])]\ncounts = paid.value_counts()\nn = counts[1001]\n", 5,
     ["“1001” 不在里面", "数据是空的", "dtype={'订单编号': str}"]),
    ("missing-comma-dict", "nick = 'a'\nd = {'买家会员名': nick '场景': 1}\n", 2, ["逗号"]),
    ("astype-float", "import pandas as pd\ns = pd.Series(['68.00元'])\nv = s.astype(float)\n", 3,
     ["“68.00元”不能变成数字", "带了“元”"]),
    ("to-numeric", "import pandas as pd\nv = pd.to_numeric(pd.Series(['12.00', '1,288.00']))\n", 2,
     ["“1,288.00”（第 2 个值）", "千位分隔符"]),
    ("to-datetime-mixed", "import pandas as pd\n"
     "d = pd.to_datetime(pd.Series(['2025-11-11 00:03:12', '2025/11/11 0:03:12']))\n", 2,
     ["日期的写法前后不一致", "第 2 个值 “2025/11/11 0:03:12”", "format='mixed'"]),
    ("to-datetime-garbage", "import pandas as pd\nd = pd.to_datetime(pd.Series(['合计']))\n", 2, ["“合计”", "不是日期", "errors='coerce'"]),
    ("and-in-filter", READ + "old = orders[(orders['买家实际支付金额'] > 40) and (orders['订单状态'] == '交易成功')]\n", 3,
     ["不能直接用 and、or、if", "&"]),
    ("filter-without-parentheses", READ + "x = orders[orders['买家实际支付金额'] > 40 & orders['宝贝总数量'] > 1]\n", 3,
     ["加括号"]),
    ("filter-text-without-parentheses", READ + "x = orders[orders['订单状态'] == '交易成功' & ~orders['买家会员名']"
     ".str.startswith('吃货美食团_测试')]\n", 3, ["筛选条件少了括号", "(df['订单状态'] == '交易成功') &"]),
    ("round-text-sum", READ.replace(")", ", dtype=str)") + "total = round(orders['买家实际支付金额'].sum(), 2)\n", 3,
     ["把文字当成数字来算或比较了", "dtype=str"]),
    ("replace-without-str", "import pandas as pd\ns = pd.Series(['30秒', '45秒'])\nv = pd.to_numeric(s.replace('秒', ''))\n",
     3, ["“30秒”", "带了单位“秒”", ".str.replace('秒', '')", "不带 .str 的 .replace"]),
    ("empty-cell-as-text", "import pandas as pd\ns = pd.Series(['30', None, '12'])\nv = pd.to_numeric(s.astype(str))\n",
     3, ["原本是空单元格", "不要先 astype(str)"]),
    ("f-string-template", "text = f'【吃货美食团】{买家昵称}，您的零食已发出'\n", 1,
     ["f 字符串把 {买家昵称} 当成了变量", "去掉引号前面的 f"]),
    ("compare-not-assign", READ + "result == orders.head()\n", 3, ["赋值要用一个等号", "result = …"]),
    ("nan-to-int", "import pandas as pd\nn = pd.Series([1.0, None]).astype(int)\n", 2, ["空值（NaN）", "fillna(0)"]),
    ("overflow-list", "x = [0] * 10**10\n", 1, []),  # MemoryError or OverflowError: both say so in Chinese
    ("overflow-math", "import math\ny = math.exp(1000)\n", 2, ["计算结果太大"]),
    ("file-not-found", "import pandas as pd\ndf = pd.read_csv('orders.csv')\n", 2, ["找不到文件 “orders.csv”", "data/orders.csv"]),
    ("attribute-typo", READ + "orders.groupBy('买家会员名')\n", 3, ["groupBy", ".groupby"]),
    ("series-str", "import pandas as pd\nparts = pd.Series(['a b']).split(' ')\n", 2, [".str.split"]),
    ("zero-division", "rate = 1 / 0\n", 1, ["除数是 0"]),
    ("unknown", "def f():\n    raise RuntimeError('boom')\nf()\n", 2, ["第 2 行出错了（运行出错）", "详细信息"]),
]


@pytest.mark.parametrize(("code", "line", "fragments"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_explainer(py, code, line, fragments):
    err = run(py, code)["error"]
    assert err is not None
    text = err["title"] + "\n" + "\n".join(err["lines"])
    for fragment in fragments:
        assert fragment in text, text
    assert err["line"] == line
    assert err["source"] == code.splitlines()[line - 1]
    # Chinese for the student: no English exception name in what is shown first
    assert not re.search(r"[A-Z][a-z]+(Error|Warning|Exception)\b", err["title"]), err["title"]


def test_big_list_is_explained_as_too_big(py):
    err = run(py, "x = [0] * 10**10\n")["error"]
    assert err["title"] in ("第 1 行：要建的列表或表格太大了", "第 1 行：内存不足"), err
    assert run(py, "x = 1\nx\n")["outputs"] == [{"kind": "value", "text": "1"}]  # the runtime lives on


def test_setting_with_copy_is_a_chinese_note_at_its_line(py):
    code = READ + "done = orders[orders['订单状态'] == '交易成功']\ndone['金额'] = 1\ndone['金额2'] = 2\n"
    out = run(py, code)
    assert out["error"] is None
    notes = [c for c in out["outputs"] if c["kind"] == "warning"]
    assert [n["line"] for n in notes] == [4, 5]
    assert ".copy()" in "".join(notes[0]["lines"])
    assert "SettingWithCopyWarning" not in notes[0]["title"]


def test_print_of_a_dataframe_is_a_table_between_the_text(py):
    code = READ + "print('前 3 行：', orders.head(3)[['订单编号', '买家会员名']], '完')\nprint('结束')\n"
    out = run(py, code)["outputs"]
    assert [c["kind"] for c in out] == ["text", "table", "text"]
    assert out[0]["text"] == "前 3 行：\n"
    assert out[2]["text"] == "完\n结束\n"
    assert (out[1]["rows"], out[1]["cols"]) == (3, 2)
    assert "<th>买家会员名</th>" in out[1]["html"]


def test_long_tables_show_first_and_last_rows(py):
    out = run(py, READ + "print(orders)\n")["outputs"]
    [table] = out
    assert table["rows"] > 9000 and table["cols"] == 41 and table["truncated"]
    assert table["html"].count("<tr") == 1 + 10 + 1 + 10  # header, first 10, "…", last 10
    assert table["html"].count("<th>...</th>") + table["html"].count("<td>...</td>") > 0


def test_a_groupby_shown_says_what_is_missing(py):
    """print(df.groupby(…)) or a bare groupby as the last line: no English "object at 0x…", the missing step."""
    out = run(py, READ + "g = orders.groupby('买家会员名')\nprint(g)\ng\n")["outputs"]
    texts = [o["text"] for o in out]
    assert texts and all("groupby 之后还要汇总" in t and "object at" not in t for t in texts), texts


def test_series_and_last_expression(py):
    out = run(py, READ + "orders['订单状态'].value_counts()\n")["outputs"]
    [table] = out
    assert table["series"] and table["numeric"] == [True]
    assert "交易成功" in table["html"]
    assert run(py, "x = 41\nx + 1\n")["outputs"] == [{"kind": "value", "text": "42"}]
    shown = run(py, READ + "display(orders.head(2), 'x')\n")["outputs"]  # notebooks' display() works too
    assert [c["kind"] for c in shown] == ["table", "value"] and shown[0]["rows"] == 2
    assert run(py, "x = None\nx\n")["outputs"] == []  # None shows nothing, as in notebooks
    assert run(py, "print('a')\n")["outputs"] == [{"kind": "text", "text": "a\n"}]
    # ``result`` as the last line is shown once, by the result block, not again as output
    assert run(py, "import pandas as pd\nresult = pd.DataFrame({'a': [1]})\nresult\n")["outputs"] == []


def test_html_is_escaped(py):
    out = run(py, "import pandas as pd\nprint(pd.DataFrame({'<b>列</b>': ['<script>x</script>']}))\n")["outputs"]
    assert "<script>" not in out[0]["html"] and "&lt;script&gt;" in out[0]["html"]
