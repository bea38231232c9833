"""The course text: every chapter exists with its sections, exercises and quizzes are embedded where they
belong, the instructor guide's source table matches the pages, and the chapters' code examples run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

# 项目 folder → title of the project page; every non-index page in the folder is one 任务.
PROJECTS = {
    "p1-archive": "项目一 建立客户档案",
    "p2-sms": "项目二 设计客户关怀短信",
    "p3-community": "项目三 管理客户网络社区",
    "p4-analysis": "项目四 客户数据分析",
    "p5-communication": "项目五 售前与售后沟通",
    "p6-crm": "项目六 客户关系管理概论",
}
TASK_SECTIONS = ("## 情境导入", "## 知识要点", "## 操作步骤", "## 小结")
TASK_ADMONITIONS = ('!!! question "想一想"', '!!! tip "友情提示"')
# The ten exercises (ids fixed by the exercises issue) and the project each belongs to.
EXERCISE_PROJECT = {
    "customer-archive": "p1-archive",
    "potential-customers": "p1-archive",
    "tier-config": "p1-archive",
    "tier-assign": "p1-archive",
    "care-sms": "p2-sms",
    "sms-plan": "p2-sms",
    "community-groups": "p3-community",
    "old-customers": "p4-analysis",
    "rfm": "p4-analysis",
    "repurchase": "p4-analysis",
}
EXERCISE_RE = re.compile(r'^::exercise\{id="([^"]+)"\}\s*$', re.MULTILINE)
QUIZ_RE = re.compile(r'^::quiz\{id="([^"]+)"\}\s*$', re.MULTILINE)
LINK_RE = re.compile(r"\]\(([^)\s]+)\)")
PY_BLOCK_RE = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


def task_pages() -> list[Path]:
    return [p for folder in PROJECTS for p in sorted((DOCS / folder).glob("*.md")) if p.name != "index.md"]


def rel(path: Path) -> str:
    return path.relative_to(DOCS).as_posix()


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("folder", PROJECTS)
def test_project_overview(folder):
    index = DOCS / folder / "index.md"
    assert index.is_file(), f"缺少 docs/{folder}/index.md"
    body = text(index)
    assert body.startswith(f"# {PROJECTS[folder]}"), f"docs/{folder}/index.md 的标题应为 {PROJECTS[folder]}"
    assert "## 学习目标" in body and "## 任务列表" in body
    tasks = [p.name for p in (DOCS / folder).glob("*.md") if p.name != "index.md"]
    assert len(tasks) >= 2, f"{folder} 至少应有两个任务页面"
    for name in tasks:
        assert f"]({name})" in body, f"docs/{folder}/index.md 的任务列表没有链接 {name}"


@pytest.mark.parametrize("page", task_pages(), ids=rel)
def test_task_page_has_textbook_sections(page):
    body = text(page)
    assert re.match(r"# 任务[一二三四五六七八九十]+ ", body), f"docs/{rel(page)} 的标题应以“任务X ”开头"
    positions = []
    for heading in TASK_SECTIONS:
        assert re.search(rf"^{heading}\s*$", body, re.MULTILINE), f"docs/{rel(page)} 缺少小节 {heading}"
        positions.append(re.search(rf"^{heading}\s*$", body, re.MULTILINE).start())
    assert positions == sorted(positions), f"docs/{rel(page)} 的小节顺序应为 情境导入→知识要点→操作步骤→小结"
    for admonition in TASK_ADMONITIONS:
        assert admonition in body, f"docs/{rel(page)} 缺少 {admonition}"
    quizzes = QUIZ_RE.findall(body)
    assert len(quizzes) == 1, f"docs/{rel(page)} 末尾应有且只有一个自测 ::quiz"
    assert body.rstrip().endswith(f'::quiz{{id="{quizzes[0]}"}}'), f"docs/{rel(page)} 的自测应放在页面最后"


def test_every_exercise_is_embedded_once_in_its_project():
    found: dict[str, list[str]] = {}
    for page in pages():
        for exercise_id in EXERCISE_RE.findall(text(page)):
            found.setdefault(exercise_id, []).append(rel(page))
    assert set(found) == set(EXERCISE_PROJECT), f"页面中的练习与约定的十个练习不一致：{sorted(found)}"
    for exercise_id, where in found.items():
        assert len(where) == 1, f"练习 {exercise_id} 出现在多个页面：{where}"
        assert where[0].startswith(EXERCISE_PROJECT[exercise_id] + "/"), f"练习 {exercise_id} 应放在 {EXERCISE_PROJECT[exercise_id]}"


def test_exercise_specs_name_the_page_that_embeds_them():
    embedded = {eid: rel(p) for p in pages() for eid in EXERCISE_RE.findall(text(p))}
    for spec in sorted((ROOT / "exercises").glob("*/spec.yml")):
        match = re.search(r"^chapter:\s*(\S+)", spec.read_text(encoding="utf-8"), re.MULTILINE)
        assert match, f"{spec.relative_to(ROOT)} 没有 chapter 字段"
        exercise_id = spec.parent.name
        assert match.group(1) == embedded.get(exercise_id), (
            f"{spec.relative_to(ROOT)}：chapter 是 {match.group(1)}，但练习嵌在 {embedded.get(exercise_id)}"
        )


def test_quiz_ids_are_unique_and_have_files():
    seen: dict[str, str] = {}
    for page in pages():
        for quiz_id in QUIZ_RE.findall(text(page)):
            assert quiz_id not in seen, f"测验 {quiz_id} 同时出现在 {seen[quiz_id]} 和 {rel(page)}"
            seen[quiz_id] = rel(page)
            assert (DOCS / "quizzes" / f"{quiz_id}.yml").is_file(), f"{rel(page)} 的测验 {quiz_id} 没有题目文件"


def test_relative_links_point_to_existing_pages():
    for page in pages():
        body = re.sub(r"^```.*?^```", "", text(page), flags=re.MULTILINE | re.DOTALL)
        for target in LINK_RE.findall(body):
            if re.match(r"^[a-z]+:", target) or target.startswith("#"):
                continue
            path = target.split("#", 1)[0]
            assert (page.parent / path).resolve().is_file(), f"docs/{rel(page)} 链接到不存在的 {target}"


# --- instructor guide: source table ------------------------------------------------------------

SOURCES = DOCS / "teacher" / "sources.md"
# What each seed document gives the course (shared/seeds/README.md), as words that must appear in the
# 知识点 column of the guide's table.
SEED_TOPICS = {
    "000": ["吃货美食团", "客户档案", "会员级别", "潜在客户", "订单提醒", "物流异常", "旺旺群", "QQ 群", "微信群",
            "微信公众号", "二八法则"],
    "001": ["折扣", "猜价格", "签到", "生日登记", "问卷", "投票", "抽奖", "积分兑换", "4～6 个", "提前一周"],
    "002": ["售前沟通七环节", "售后沟通五环节", "差评处理六步", "回头率", "老客户为什么重要", "回访", "频次",
            "发送时间", "70 个字", "短信平台"],
    "003": ["18 周", "老客户 = 成交订单数 ≥ 2 且成交金额 > 40 元", "客户画像", "客户忠诚度分析", "客户行为分析",
            "流量结构分析"],
    "004": ["唯品会", "科特勒", "CRM 的目标与作用", "五项内容", "客户满意的层次", "开发新客户"],
}


def source_rows() -> list[tuple[str, str, list[str], str]]:
    rows, current = [], ""
    for line in text(SOURCES).splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or not re.match(r"^\d{3}", cells[0]):
            continue
        current = cells[0][:3]
        rows.append((current, cells[1], re.findall(r"\]\(([^)]+)\)", cells[2]), cells[3]))
    return rows


def test_source_table_covers_every_seed_topic():
    rows = source_rows()
    assert rows, "docs/teacher/sources.md 里没有找到对照表"
    for seed, topics in SEED_TOPICS.items():
        covered = " ".join(topic for s, topic, _, _ in rows if s == seed)
        for topic in topics:
            assert topic in covered, f"资料 {seed} 的知识点“{topic}”不在教师指南的对照表里"


@pytest.mark.parametrize("row", source_rows(), ids=lambda r: f"{r[0]}-{r[3]}")
def test_source_table_pages_teach_the_topic(row):
    _, topic, links, keyword = row
    assert links, f"对照表中“{topic}”没有链接到页面"
    for link in links:
        page = (SOURCES.parent / link.split("#")[0]).resolve()
        assert page.is_file(), f"对照表链接到不存在的页面 {link}"
        assert keyword in text(page), f"对照表说 {link} 讲“{topic}”，但页面里找不到检索词“{keyword}”"


def test_teacher_guide_includes_the_tested_nginx_example():
    deploy = text(DOCS / "teacher" / "deploy.md")
    assert '--8<-- "deploy/nginx/course.conf"' in deploy
    assert "application/wasm" in text(ROOT / "deploy" / "nginx" / "course.conf")
    for command in ("make serve", "HOST=0.0.0.0 make serve"):
        assert command in deploy
    assert "solutions: false" in text(DOCS / "teacher" / "exam.md")


# --- abbreviations -----------------------------------------------------------------------------


def test_every_abbreviation_is_a_word_used_in_the_course():
    abbreviations = re.findall(r"^\*\[([^\]]+)\]:\s*\S", text(ROOT / "includes" / "abbreviations.md"), re.MULTILINE)
    assert len(abbreviations) >= 10
    corpus = "\n".join(text(p) for p in pages())
    for term in abbreviations:
        assert term in corpus, f"includes/abbreviations.md 的术语 {term} 在课程页面中没有出现"


# --- code examples in the chapters run on the default dataset ---------------------------------

CODE_PAGES = sorted((DOCS / "p4-analysis").glob("*.md"))


@pytest.fixture(scope="module")
def default_data(tmp_path_factory):
    datasets = pytest.importorskip("datasets")
    folder = tmp_path_factory.mktemp("course")
    datasets.write_csvs(datasets.generate(), folder / "data")
    return folder


@pytest.mark.parametrize("page", [p for p in CODE_PAGES if PY_BLOCK_RE.search(text(p))], ids=rel)
def test_chapter_code_examples_run(page, default_data, monkeypatch, capsys):
    monkeypatch.chdir(default_data)
    namespace: dict[str, object] = {}
    for number, block in enumerate(PY_BLOCK_RE.findall(text(page)), start=1):
        try:
            exec(compile(block, f"docs/{rel(page)} 代码块 {number}", "exec"), namespace)
        except Exception as err:  # the message names the page and block for the author
            pytest.fail(f"docs/{rel(page)} 的第 {number} 个代码块在默认数据上出错：{type(err).__name__}: {err}")
    assert capsys.readouterr().out.strip(), f"docs/{rel(page)} 的示例代码没有输出任何结果"
