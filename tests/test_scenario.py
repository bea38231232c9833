"""情景模拟: validation of scenario files (Chinese errors naming the file and the fix), rendered HTML (golden),
the build manifest, and the course's own scenarios."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort
from quiz_site import build_project, write_project
from scenario_site import DEMO_SCENARIO

from courseware.scenario import render_scenario
from courseware.scenario_model import ScenarioError, load_scenario

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
GOLDENS = Path(__file__).parent / "goldens" / "scenario"
UPDATE = os.environ.get("UPDATE_GOLDENS") == "1"
SCENARIO_RE = re.compile(r'^::scenario\{id="([^"]+)"\}\s*$', re.MULTILINE)
SOURCE = "docs/scenarios/demo.yml"


def write(tmp_path: Path, text: str, name: str = "demo") -> Path:
    path = tmp_path / f"{name}.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_demo_scenario_is_parsed_with_branches_and_best_total(tmp_path):
    scenario = load_scenario(write(tmp_path, DEMO_SCENARIO), SOURCE)
    assert [s.id for s in scenario.steps] == ["first", "thanks", "angry"]
    assert [c.goto for c in scenario.step("first").choices] == ["thanks", "angry", "end"]
    assert [c.goto for c in scenario.step("thanks").choices] == ["angry"] * 3  # default: the next step in the list
    assert scenario.max_points == 25  # first A → thanks A → angry A


def test_rendered_html_matches_golden(tmp_path):
    html = render_scenario(load_scenario(write(tmp_path, DEMO_SCENARIO), SOURCE))
    assert "\n\n" not in html  # a blank line would end the raw HTML block in Markdown
    golden = GOLDENS / "demo.html"
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(html + "\n", encoding="utf-8")
    assert html + "\n" == golden.read_text(encoding="utf-8")


def _edit(old: str, new: str) -> str:
    assert old in DEMO_SCENARIO
    return DEMO_SCENARIO.replace(old, new, 1)


BAD = {
    "not yaml": ("title: [\n  - : :\n", ["不是有效的 YAML", "行"]),
    "not a mapping": ("- 一\n- 二\n", ["键: 值"]),
    "missing intro": (_edit("intro: 买家**小王**拍下两袋坚果，一小时后还没付款。\n", ""), ["intro"]),
    "unknown top key": (_edit("summary:", "summery:"), ["未知的字段 summery", "summary"]),
    "goto to nowhere": (_edit("goto: angry", "goto: angyr"), ["first", "angyr", "没有这一步"]),
    "two choices": (_edit("      - reply: （不回复）\n        points: 0\n        explanation: 错过了提醒的时机。\n"
                          "        goto: end\n", ""), ["第 1 步", "3–4 个回复"]),
    "points out of range": (_edit("points: 5", "points: 50"), ["第 3 步", "第 1 个回复", "0–10 的整数"]),
    "points not a number": (_edit("points: 5", "points: 五"), ["第 3 步", "points"]),
    "missing explanation": (_edit("        explanation: 太冷淡。\n", ""), ["第 2 步", "第 2 个回复", "explanation"]),
    "duplicate step id": (_edit("- id: angry", "- id: first"), ["第 3 步", "重复"]),
    "loop": (_edit("        explanation: 道歉并给买家留余地。\n",
                   "        explanation: 道歉并给买家留余地。\n        goto: first\n"), ["循环", "first → thanks → angry → first"]),
    "unreachable step": (_edit("goto: angry", "goto: end").replace("入口。", "入口。\n        goto: end")
                         .replace("太冷淡。", "太冷淡。\n        goto: end").replace("不索要好评。", "不索要好评。\n        goto: end"),
                         ["angry", "走不到"]),
    "best reply cannot reach full score": (_edit("points: 10\n        explanation: 给出", "points: 1\n        explanation: 给出"),
                                           ["first", "拿不到满分"]),
    "step id end": (_edit("- id: angry", "- id: end"), ["第 3 步", "不能叫 end"]),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_scenario_names_file_and_fix(tmp_path, case):
    text, fragments = BAD[case]
    with pytest.raises(ScenarioError) as err:
        load_scenario(write(tmp_path, text), SOURCE)
    message = str(err.value)
    assert SOURCE in message, message
    for fragment in fragments:
        assert fragment in message, message
    assert "Traceback" not in message and "Error" not in message
    assert re.search(r"请|应", message), message  # says what to do


def test_missing_file_and_bad_name(tmp_path):
    with pytest.raises(ScenarioError, match=r"找不到情景模拟文件 docs/scenarios/nope\.yml"):
        load_scenario(tmp_path / "nope.yml", "docs/scenarios/nope.yml")
    with pytest.raises(ScenarioError, match="小写字母"):
        load_scenario(write(tmp_path, DEMO_SCENARIO, "Bad_Name"), "docs/scenarios/Bad_Name.yml")


# --- through the real MkDocs lifecycle -------------------------------------------------------------


def build_error(config: Path, caplog: pytest.LogCaptureFixture) -> str:
    caplog.clear()
    with pytest.raises(Abort, match="BuildError"):
        build_project(config)
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert errors and not any("Traceback" in e for e in errors)
    return errors[-1]


def test_site_build_renders_scenario_and_writes_manifest(tmp_path):
    pages = {
        "index.md": "# 首页\n",
        "p5/a.md": "# 任务\n\n正文。\n\n::scenario{id=\"demo\"}\n",
        "scenarios/demo.yml": DEMO_SCENARIO,
    }
    config = write_project(tmp_path, pages, {})
    with config.open("a", encoding="utf-8") as fh:
        fh.write("nav:\n  - index.md\n  - 项目五:\n      - 任务一: p5/a.md\n")
    site = build_project(config)
    page = (site / "p5" / "a" / "index.html").read_text(encoding="utf-8")
    assert 'data-scenario="demo"' in page and page.count('class="scenario__step"') == 3
    assert "<strong>对买家有用</strong>" in page  # explanations are Markdown
    manifest = json.loads((site / "assets" / "scenarios.json").read_text(encoding="utf-8"))
    assert manifest == {"scenarios": [{"id": "demo", "title": "催付提醒", "page": "p5/a/", "max_points": 25}]}


def test_bad_scenario_fails_build_naming_page_and_file(tmp_path, caplog):
    pages = {"p5/a.md": "# 任务\n\n::scenario{id=\"demo\"}\n", "scenarios/demo.yml": _edit("goto: angry", "goto: x")}
    message = build_error(write_project(tmp_path, pages, {}), caplog)
    assert message.startswith("页面 docs/p5/a.md：情景模拟 demo（docs/scenarios/demo.yml）")


def test_scenario_twice_and_unused_broken_file_fail_build(tmp_path, caplog):
    pages = {"a.md": "# A\n\n::scenario{id=\"demo\"}\n", "b.md": "# B\n\n::scenario{id=\"demo\"}\n",
             "scenarios/demo.yml": DEMO_SCENARIO}
    assert "页面 docs/b.md：情景模拟 demo 已在docs/a.md使用过" in build_error(write_project(tmp_path, pages, {}), caplog)
    pages = {"index.md": "# 首页\n", "scenarios/spare.yml": "title: 空\n"}
    assert "docs/scenarios/spare.yml" in build_error(write_project(tmp_path / "two", pages, {}), caplog)


# --- the course's own scenarios -------------------------------------------------------------------

COURSE_FILES = sorted((DOCS / "scenarios").glob("*.yml"))
# Topics issue 11 asks for: each needs a scenario whose title names it.
TOPICS = ("议价", "缺货", "催付", "物流", "差评", "退款")


def embedded() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for page in sorted(DOCS.rglob("*.md")):
        for sid in SCENARIO_RE.findall(page.read_text(encoding="utf-8")):
            found.setdefault(sid, []).append(page.relative_to(DOCS).as_posix())
    return found


@pytest.mark.parametrize("path", COURSE_FILES, ids=lambda p: p.stem)
def test_course_scenario_is_valid_and_on_one_page(path):
    scenario = load_scenario(path, f"docs/scenarios/{path.name}")
    assert len(scenario.steps) >= 3, f"{path.name}：至少三步对话"
    branches = {c.goto for s in scenario.steps for c in s.choices} - {"end"}
    assert any(len({c.goto for c in s.choices}) > 1 for s in scenario.steps), f"{path.name}：至少有一处分支"
    assert branches
    assert len(embedded().get(path.stem, [])) == 1, f"{path.name} 应恰好嵌在一个页面上"


def test_course_has_a_scenario_for_every_topic():
    titles = " ".join(load_scenario(p, p.name).title for p in COURSE_FILES)
    assert len(COURSE_FILES) >= len(TOPICS)
    for topic in TOPICS:
        assert topic in titles, f"缺少“{topic}”的情景模拟"
    assert set(embedded()) <= {p.stem for p in COURSE_FILES}


def test_best_replies_are_spread_over_the_letters():
    """Students must not learn that the best reply is always B: no letter holds more than 40 % of best replies."""
    letters = [
        "ABCD"[max(range(len(step.choices)), key=lambda i: step.choices[i].points)]
        for path in COURSE_FILES
        for step in load_scenario(path, path.name).steps
    ]
    for letter in set(letters):
        assert letters.count(letter) <= 0.4 * len(letters), f"最佳回复是 {letter} 的步骤太多：{letters}"


def test_the_best_reply_is_not_simply_the_longest():
    """A student who always picks the longest reply must not get full marks most of the time."""
    steps = [step for path in COURSE_FILES for step in load_scenario(path, path.name).steps]
    longest_is_best = sum(
        max(step.choices, key=lambda c: len(c.reply)).points == step.best_points for step in steps
    )
    assert longest_is_best <= 0.5 * len(steps), f"{longest_is_best}/{len(steps)} 步里最长的回复就是最佳回复"
