"""The course text: every 项目 of the nav has its overview and task pages, each task page follows the one page
structure, every exercise of exercises/ is embedded once, the instructor guide's source table matches the pages,
and the pages' code examples run. Lists of 项目, pages and exercises come from tests/course.py (nav + exercises/)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from course import DOCS, ROOT, directives, exercise_ids, nav_pages, projects, task_pages

from courseware.quiz import load_quiz

# One page-structure rule for every 项目 (the 项目 and their pages come from the mkdocs.yml nav).
TASK_SECTIONS = ("## 情境导入", "## 知识要点", "## 操作步骤", "## 小结", "## 自测题")
PRACTICE_HEADINGS = ("## 练习", "## 情景模拟")
"""Optional sections between 操作步骤 and 小结 that hold ::exercise / ::scenario lines."""
TASK_ADMONITIONS = ('!!! question "想一想"', '!!! tip "友情提示"')
LINK_RE = re.compile(r"\]\(([^)\s]+)\)")
PY_BLOCK_RE = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)
HEADING_RE = re.compile(r"^## .*$", re.MULTILINE)


def pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


def rel(path: Path) -> str:
    return path.relative_to(DOCS).as_posix()


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_the_nav_has_projects_with_tasks():
    assert len(projects()) >= 6
    for project in projects():
        assert len(project.tasks) >= 2, f"{project.title} 至少应有两个任务页面"
        assert all(page.startswith(project.folder + "/") for page in project.tasks), f"{project.title} 的页面应都在 docs/{project.folder}/ 里"


@pytest.mark.parametrize("project", projects(), ids=lambda p: p.folder)
def test_project_overview(project):
    body = text(DOCS / project.index)
    assert body.startswith(f"# {project.title}"), f"docs/{project.index} 的标题应为 {project.title}（与导航一致）"
    assert "## 学习目标" in body and "## 任务列表" in body, f"docs/{project.index} 应有“学习目标”和“任务列表”"
    for page in project.tasks:
        name = page.rsplit("/", 1)[1]
        assert f"]({name})" in body, f"docs/{project.index} 的任务列表没有链接 {name}"
    on_disk = {rel(p) for p in (DOCS / project.folder).glob("*.md")}
    assert on_disk == {project.index, *project.tasks}, f"docs/{project.folder}/ 里有不在导航中的页面：{sorted(on_disk - set(nav_pages()))}"


@pytest.mark.parametrize("page", task_pages())
def test_task_page_structure(page):
    body = text(DOCS / page)
    assert re.match(r"# 任务[一二三四五六七八九十]+ ", body), f"docs/{page} 的标题应以“任务X ”开头"
    headings = [m.group(0).strip() for m in HEADING_RE.finditer(body)]
    main = [h for h in headings if h in TASK_SECTIONS]
    assert main == list(TASK_SECTIONS), (
        f"docs/{page} 的小节应依次为 {' → '.join(s[3:] for s in TASK_SECTIONS)}，现在是 {' → '.join(h[3:] for h in main)}"
    )
    steps, summary = headings.index("## 操作步骤"), headings.index("## 小结")
    for heading in headings[steps + 1 : summary]:
        assert heading.startswith(PRACTICE_HEADINGS), f"docs/{page}：操作步骤和小结之间只放练习或情景模拟（{heading}）"
    for admonition in TASK_ADMONITIONS:
        assert admonition in body, f"docs/{page} 缺少 {admonition}"
    quizzes = directives(page, "quiz")
    assert len(quizzes) == 1, f"docs/{page} 应有且只有一个自测 ::quiz"
    assert body.rstrip().endswith(f'::quiz{{id="{quizzes[0]}"}}'), f"docs/{page} 的自测应放在页面最后"
    quiz = load_quiz(DOCS / "quizzes" / f"{quizzes[0]}.yml", f"docs/quizzes/{quizzes[0]}.yml")
    assert len(quiz.questions) >= 4, f"docs/quizzes/{quizzes[0]}.yml 至少 4 道题"
    assert {q.kind for q in quiz.questions} >= {"single", "truefalse"}, f"docs/quizzes/{quizzes[0]}.yml 应有单选题和判断题"
    practice = body[body.index("\n## 操作步骤") : body.index("\n## 小结")]
    for name in ("exercise", "scenario"):
        for item in directives(page, name):
            assert f'::{name}{{id="{item}"}}' in practice, f"docs/{page}：::{name} {item} 应放在操作步骤之后、小结之前的练习小节里"


def test_every_exercise_is_embedded_once_on_a_task_page():
    """The page directive is the one place that says where an exercise lives."""
    found: dict[str, list[str]] = {}
    for page in pages():
        for exercise_id in directives(rel(page), "exercise"):
            found.setdefault(exercise_id, []).append(rel(page))
    missing = sorted(set(exercise_ids()) - set(found))
    unknown = sorted(set(found) - set(exercise_ids()))
    assert not missing, f"这些练习没有放到任何页面上：{missing}"
    assert not unknown, f"页面引用了不存在的练习：{unknown}"
    for exercise_id, where in found.items():
        assert len(where) == 1, f"练习 {exercise_id} 出现在多个页面：{where}"
        assert where[0] in task_pages(), f"练习 {exercise_id} 应放在某个项目的任务页面上，现在在 {where[0]}"


def test_quiz_ids_are_unique_and_have_files():
    seen: dict[str, str] = {}
    for page in pages():
        for quiz_id in directives(rel(page), "quiz"):
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

# Pages whose examples load the data themselves (the first block reads a CSV) must run top to bottom; other
# pages show fragments that continue an exercise's code.
CODE_PAGES = [
    DOCS / page
    for page in task_pages()
    if (DOCS / page).is_file() and "read_csv" in next(iter(PY_BLOCK_RE.findall(text(DOCS / page))), "")
]


@pytest.fixture(scope="module")
def default_data(tmp_path_factory):
    datasets = pytest.importorskip("datasets")
    folder = tmp_path_factory.mktemp("course")
    datasets.write_csvs(datasets.generate(), folder / "data")
    return folder


@pytest.mark.parametrize("page", CODE_PAGES, ids=rel)
def test_chapter_code_examples_run(page, default_data, monkeypatch, capsys):
    monkeypatch.chdir(default_data)
    namespace: dict[str, object] = {}
    for number, block in enumerate(PY_BLOCK_RE.findall(text(page)), start=1):
        try:
            exec(compile(block, f"docs/{rel(page)} 代码块 {number}", "exec"), namespace)
        except Exception as err:  # the message names the page and block for the author
            pytest.fail(f"docs/{rel(page)} 的第 {number} 个代码块在默认数据上出错：{type(err).__name__}: {err}")
    if any("print(" in block for block in PY_BLOCK_RE.findall(text(page))):
        assert capsys.readouterr().out.strip(), f"docs/{rel(page)} 的示例代码没有输出任何结果"
