"""Self-check quizzes: a line ``::quiz{id="p1-t1"}`` renders ``docs/quizzes/p1-t1.yml`` as an in-page quiz.

Quiz file format (YAML, one file per quiz in ``docs/quizzes/``; the id is the file name without
``.yml`` and may use ``a-z``, ``0-9`` and ``-``; each id is used on exactly one page)::

    title: 自测：建立客户档案            # optional; default "自测题"
    questions:
      - type: single                    # single 单选题 | multiple 多选题 | truefalse 判断题
        question: 哪种订单状态才算“成交”？  # Markdown
        options:                        # single / multiple: 2–8 options, shown as A, B, C …
          - 等待买家付款
          - 交易成功
          - 交易关闭
        answer: B                       # single: one letter
        explanation: 只有……             # Markdown, required; shown after answering
      - type: multiple
        question: …
        options: [甲, 乙, 丙, 丁]
        answer: [A, C]                  # multiple: two or more letters
        explanation: …
      - type: truefalse
        question: 签名可以写在短信末尾。
        answer: false                   # truefalse: true or false (对 / 错 also accepted); no options
        explanation: …

A quiz holds 1–20 questions. Mistakes fail the build with the page, the quiz file and the question named.
The build also writes ``assets/quizzes.json``: ``{"quizzes": [{"id", "title", "page", "total"}, …]}`` in
nav order (``page`` relative to the site root), so 我的进度 can list every quiz with its title and link.
In the browser (``web/src/quiz.js``) the student answers, submits, sees each verdict and explanation;
the last result is kept in ``localStorage["courseware:v1:quiz:<id>"]`` as JSON
``{"answers": [...], "correct": n, "total": n, "timestamp": "ISO-8601"}``.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import markdown
from mkdocs.exceptions import PluginError
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from courseware.buildsteps import config_step, post_build_step
from courseware.directives import DirectiveContext, DirectiveError, directive

QUIZ_DIR = "quizzes"
"""Folder inside docs_dir that holds the quiz files."""
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
LETTERS = "ABCDEFGH"
MAX_QUESTIONS = 20
TOP_KEYS = {"title", "questions"}
QUESTION_KEYS = {"type", "question", "options", "answer", "explanation"}
STATE_DIR = "quiz_dir"
STATE_USED = "quiz_used"
STATE_INFO = "quiz_info"
MANIFEST = "assets/quizzes.json"
"""Where the list of quizzes is written inside the site."""


class QuizError(DirectiveError):
    """A quiz file is wrong; the message (Chinese) names the file, the question and the fix."""


# --- data -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    """One validated question."""

    kind: str
    """Key of ``QUESTION_KINDS``: single, multiple or truefalse."""
    prompt: str
    """Question text (Markdown)."""
    options: tuple[str, ...]
    """Option texts (Markdown) in order A, B, …; for true/false the two fixed options 对, 错."""
    answer: tuple[str, ...]
    """Correct option letters, sorted (true/false: ``("A",)`` for 对, ``("B",)`` for 错)."""
    explanation: str
    """Shown after answering (Markdown)."""


@dataclass(frozen=True)
class Quiz:
    """A validated quiz file."""

    id: str
    title: str
    questions: tuple[Question, ...]
    source: str
    """Path shown in messages, e.g. ``docs/quizzes/p1-t1.yml``."""


# --- question kinds (registry) ------------------------------------------------------------------

AnswerParser = Callable[[Any, int], tuple[str, ...]]
"""(raw answer, number of options) -> sorted letters; raises ValueError with the fix in Chinese."""


@dataclass(frozen=True)
class QuestionKind:
    label: str
    """Chinese name shown before the question."""
    input_type: str
    """HTML input type: radio or checkbox."""
    has_options: bool
    """Whether the author writes ``options``."""
    parse_answer: AnswerParser


def _letter(raw: Any, n_options: int) -> str:
    letters = LETTERS[:n_options]
    text = str(raw).strip().upper() if isinstance(raw, str) else ""
    if len(text) != 1 or text not in letters:
        raise ValueError(f"answer 写的是 {raw!r}，应是选项字母 {letters[0]}–{letters[-1]} 之一")
    return text


def _single(raw: Any, n_options: int) -> tuple[str, ...]:
    return (_letter(raw, n_options),)


def _multiple(raw: Any, n_options: int) -> tuple[str, ...]:
    if not isinstance(raw, list) or len(raw) < 2:
        raise ValueError("多选题的 answer 应是至少两个字母的列表，例如 [A, C]；只有一个正确答案请改用 type: single")
    letters = tuple(sorted({_letter(item, n_options) for item in raw}))
    if len(letters) != len(raw):
        raise ValueError(f"answer {raw!r} 中有重复的字母")
    return letters


TRUE_WORDS = {True: "A", False: "B", "对": "A", "错": "B", "正确": "A", "错误": "B"}


def _truefalse(raw: Any, n_options: int) -> tuple[str, ...]:
    if isinstance(raw, bool | str) and raw in TRUE_WORDS:
        return (TRUE_WORDS[raw],)
    raise ValueError(f"判断题的 answer 写的是 {raw!r}，应是 true 或 false（也可写 对 / 错）")


QUESTION_KINDS: dict[str, QuestionKind] = {
    "single": QuestionKind("单选题", "radio", True, _single),
    "multiple": QuestionKind("多选题", "checkbox", True, _multiple),
    "truefalse": QuestionKind("判断题", "radio", False, _truefalse),
}
TRUEFALSE_OPTIONS = ("对", "错")


# --- loading and validation ----------------------------------------------------------------------


def _text(value: Any, what: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"{what} 应是一段文字")
    text = str(value).strip()
    if not text:
        raise ValueError(f"{what} 不能为空")
    return text


def parse_question(raw: Any) -> Question:
    """Validate one question mapping; raises ValueError with a Chinese message (without location)."""
    if not isinstance(raw, dict):
        raise ValueError("每道题应是一组 键: 值（type、question、options、answer、explanation）")
    unknown = sorted(set(raw) - QUESTION_KEYS, key=str)
    if unknown:
        raise ValueError(f"未知的字段 {'、'.join(map(str, unknown))}（可用：{'、'.join(sorted(QUESTION_KEYS))}）")
    kind_name = raw.get("type")
    kind = QUESTION_KINDS.get(kind_name) if isinstance(kind_name, str) else None
    if kind is None:
        raise ValueError(f"type 写的是 {kind_name!r}，应是 {'、'.join(QUESTION_KINDS)} 之一")
    prompt = _text(raw.get("question"), "question（题目）")
    explanation = _text(raw.get("explanation"), "explanation（答后解析）")
    if kind.has_options:
        options_raw = raw.get("options")
        if not isinstance(options_raw, list) or not 2 <= len(options_raw) <= len(LETTERS):
            raise ValueError(f"options 应是 2–{len(LETTERS)} 个选项的列表")
        options = tuple(_text(opt, f"选项 {LETTERS[i]}") for i, opt in enumerate(options_raw))
        if len(set(options)) != len(options):
            raise ValueError("options 中有两个选项完全相同")
    else:
        if "options" in raw:
            raise ValueError("判断题不写 options（选项固定为 对 / 错）")
        options = TRUEFALSE_OPTIONS
    if "answer" not in raw:
        raise ValueError("缺少 answer（正确答案）")
    answer = kind.parse_answer(raw["answer"], len(options))
    return Question(kind_name, prompt, options, answer, explanation)


def load_quiz(path: Path, source: str) -> Quiz:
    """Read and validate one quiz file; ``source`` is the path used in messages."""
    quiz_id = path.stem
    if not ID_RE.match(quiz_id):
        raise QuizError(f"测验文件 {source} 的文件名只能用小写字母、数字和连字符，请改名。")
    if not path.is_file():
        raise QuizError(f"找不到测验文件 {source}：请创建它，或改正 ::quiz 指令里的 id。")
    try:
        data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise QuizError(f"测验 {quiz_id}（{source}）不是 UTF-8 编码，请用 UTF-8 保存。") from None
    except YAMLError as err:
        mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
        where = f"（第 {mark.line + 1} 行附近）" if mark is not None else ""
        raise QuizError(f"测验 {quiz_id}（{source}）不是有效的 YAML{where}，请检查缩进和冒号。") from None
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list) or not data["questions"]:
        raise QuizError(f"测验 {quiz_id}（{source}）：应有 questions: 列表，至少一道题。")
    unknown = sorted(set(data) - TOP_KEYS, key=str)
    if unknown:
        raise QuizError(f"测验 {quiz_id}（{source}）：未知的字段 {'、'.join(map(str, unknown))}（可用：title、questions）。")
    if len(data["questions"]) > MAX_QUESTIONS:
        raise QuizError(f"测验 {quiz_id}（{source}）：最多 {MAX_QUESTIONS} 道题，请拆分成两个测验。")
    try:
        title = _text(data.get("title", "自测题"), "title")
    except ValueError as err:
        raise QuizError(f"测验 {quiz_id}（{source}）：{err}。") from None
    questions = []
    for number, raw in enumerate(data["questions"], start=1):
        try:
            questions.append(parse_question(raw))
        except ValueError as err:
            raise QuizError(f"测验 {quiz_id}（{source}）第 {number} 题：{err}，请改正。") from None
    return Quiz(quiz_id, title, tuple(questions), source)


# --- rendering -----------------------------------------------------------------------------------


def md_html(text: str, *, inline: bool = False) -> str:
    """Markdown → HTML for quiz and scenario texts; ``inline`` drops a lone wrapping ``<p>``."""
    out = markdown.markdown(text, extensions=["sane_lists"]).strip()
    if inline and out.startswith("<p>") and out.endswith("</p>") and out.count("<p>") == 1:
        out = out[3:-4]
    return out


def render_quiz(quiz: Quiz) -> str:
    """The quiz as one HTML block (no blank lines, so Markdown passes it through untouched)."""
    qid = html.escape(quiz.id, quote=True)
    parts = [
        f'<div class="quiz" data-quiz="{qid}" data-total="{len(quiz.questions)}">',
        f'<p class="quiz__title">{html.escape(quiz.title)}</p>',
        '<ol class="quiz__questions">',
    ]
    for number, question in enumerate(quiz.questions, start=1):
        kind = QUESTION_KINDS[question.kind]
        answer = ",".join(question.answer)
        parts.append(
            f'<li class="quiz__q" data-type="{question.kind}" data-answer="{answer}" data-index="{number}">'
            f'<div class="quiz__prompt" id="quiz-{qid}-{number}-prompt">'
            f'<span class="quiz__kind">{kind.label}</span>{md_html(question.prompt, inline=True)}</div>'
            f'<div class="quiz__options" role="group" aria-labelledby="quiz-{qid}-{number}-prompt">'
        )
        for letter, option in zip(LETTERS, question.options, strict=False):
            prefix = "" if question.kind == "truefalse" else f"{letter}. "
            parts.append(
                f'<label class="quiz__option"><input type="{kind.input_type}" name="quiz-{qid}-{number}" '
                f'value="{letter}"><span>{prefix}{md_html(option, inline=True)}</span></label>'
            )
        parts.append(
            "</div>"
            '<div class="quiz__feedback" data-role="feedback" hidden>'
            '<p class="quiz__verdict" data-role="verdict"></p>'
            # the explanation stays out of the search index (it would answer the question in the search results)
            f'<div class="quiz__explanation" data-search-exclude>{md_html(question.explanation)}</div></div></li>'
        )
    parts.append(
        '</ol><div class="quiz__actions">'
        '<button type="button" class="md-button md-button--primary" data-action="submit">提交答案</button>'
        '<button type="button" class="md-button" data-action="retry" hidden>重新作答</button>'
        '<span class="quiz__score" data-role="score" aria-live="polite"></span></div></div>'
    )
    return "".join(parts).replace("\n\n", "\n")


# --- MkDocs wiring -------------------------------------------------------------------------------


@config_step
def prepare_quizzes(plugin: Any, config: Any) -> None:
    """Remember where quiz files live and forget which pages used them (fresh for every build)."""
    plugin.state[STATE_DIR] = Path(config["docs_dir"]) / QUIZ_DIR
    plugin.state[STATE_USED] = {}
    plugin.state[STATE_INFO] = {}
    plugin.state["quiz_directory_urls"] = bool(config["use_directory_urls"])


def _quiz_path(plugin: Any, quiz_id: str) -> tuple[Path, str]:
    folder: Path = plugin.state.get(STATE_DIR) or plugin.project_path("docs") / QUIZ_DIR
    return folder / f"{quiz_id}.yml", f"docs/{QUIZ_DIR}/{quiz_id}.yml"


@directive("quiz")
def quiz_directive(attrs: dict[str, str], ctx: DirectiveContext) -> str:
    quiz_id = attrs.get("id", "")
    if not ID_RE.match(quiz_id):
        raise QuizError(f'::quiz 指令需要 id，例如 ::quiz{{id="p1-t1"}}（小写字母、数字、连字符），现在是 {quiz_id!r}。')
    used: dict[str, str] = ctx.plugin.state.setdefault(STATE_USED, {})
    other = used.get(quiz_id)
    if other is not None and other != ctx.page_src:
        raise QuizError(f"测验 {quiz_id} 已在 docs/{other} 使用过；每个测验只放在一个页面上，请换一个 id。")
    if other == ctx.page_src and ctx.extra.get("quiz_seen", set()) & {quiz_id}:
        raise QuizError(f"测验 {quiz_id} 在本页出现了两次，请删去一处。")
    ctx.extra.setdefault("quiz_seen", set()).add(quiz_id)
    used[quiz_id] = ctx.page_src
    path, source = _quiz_path(ctx.plugin, quiz_id)
    quiz = load_quiz(path, source)
    directory_urls = ctx.plugin.state.get("quiz_directory_urls", True)
    ctx.plugin.state.setdefault(STATE_INFO, {})[quiz_id] = {
        "id": quiz_id,
        "title": quiz.title,
        "page": page_url(ctx.page_src, directory_urls=directory_urls),
        "total": len(quiz.questions),
        "src": ctx.page_src,
    }
    return render_quiz(quiz)


def page_url(src: str, *, directory_urls: bool) -> str:
    """``p1-archive/tiers.md`` → ``p1-archive/tiers/``; ``p1-archive/index.md`` → ``p1-archive/``."""
    stem = src.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return f"{stem}/" if directory_urls else f"{stem}.html"


def nav_order(nav: Any) -> list[str]:
    """Source paths of the pages in ``mkdocs.yml`` nav, in reading order."""
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, dict):
        return [src for value in nav.values() for src in nav_order(value)]
    if isinstance(nav, list):
        return [src for item in nav for src in nav_order(item)]
    return []


@post_build_step
def write_quiz_manifest(plugin: Any, config: Any, site_dir: Path) -> None:
    """List every quiz shown in the site, in nav order (pages outside the nav last), for the progress page."""
    order = {src: i for i, src in enumerate(nav_order(config["nav"]))}
    entries = sorted(plugin.state.get(STATE_INFO, {}).values(), key=lambda q: (order.get(q["src"], len(order)), q["src"]))
    info = [{key: value for key, value in entry.items() if key != "src"} for entry in entries]
    out = site_dir / MANIFEST
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"quizzes": info}, ensure_ascii=False, indent=1), encoding="utf-8")


@post_build_step
def check_unused_quizzes(plugin: Any, config: Any, site_dir: Path) -> None:
    """A quiz file no page uses is still validated, so a broken file never waits for its page."""
    folder: Path | None = plugin.state.get(STATE_DIR)
    if folder is None or not folder.is_dir():
        return
    used = plugin.state.get(STATE_USED, {})
    for path in sorted(folder.glob("*.yml")):
        if path.stem not in used:
            try:
                load_quiz(path, f"docs/{QUIZ_DIR}/{path.name}")
            except QuizError as err:
                raise PluginError(str(err)) from None
