"""The ``::exercise{id="…"}`` directive: an exercise widget rendered at build time from ``exercises/<id>/``.

At ``on_config`` every exercise spec is loaded and validated with the grader's own schema
(:func:`grader.spec.load_all`), so a broken exercise fails ``mkdocs build --strict`` before any page is
rendered. The directive then inlines the exercise's ``instructions.md`` (rendered with the site's own
Markdown extensions), the starter code and the static widget skeleton that ``web/src/widget.js`` brings
to life. The browser contract (``data-exercise``, ``data-action``, ``data-role``) is fixed in DESIGN.md.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import markdown
from mkdocs.exceptions import PluginError

from courseware.buildsteps import config_step
from courseware.directives import DirectiveContext, DirectiveError, directive
from courseware.student_field import student_input

STATE_KEY = "exercises"
USES_KEY = "exercise_pages"
MARKDOWN_KEY = "exercise_markdown"

EXAM_NOTE = "本页为考试版：不提供参考答案；需要参考答案的检查只在教师的评分程序中运行。"


@dataclass(frozen=True)
class Button:
    """One toolbar button of the widget."""

    action: str
    """Value of ``data-action`` (the stable contract)."""
    label: str
    """Chinese text on the button."""
    title: str = ""
    """Tooltip (``data-tip``, drawn above the button by widget.css so it never covers the status line)."""
    hidden: bool = False
    """Rendered hidden; the runtime shows it when it becomes available."""
    disabled: bool = False
    """Rendered disabled; the runtime enables it when the worker is ready."""


def toolbar(*, solutions: bool) -> list[Button]:
    """The buttons in display order; exam builds have no 查看答案."""
    buttons = [
        Button("run", "运行", "运行代码（Ctrl+Enter）", disabled=True),
        Button("check", "检查", "运行代码并检查答案", disabled=True),
        Button("stop", "停止", "停止正在运行的代码", disabled=True),
        Button("reset", "重置", "恢复为初始代码（之后按 Ctrl+Z 可撤销）"),
    ]
    if solutions:
        buttons.append(Button("solution", "查看答案", "查看参考答案", hidden=True))
    buttons.append(Button("download", "下载提交文件", "运行代码并下载要提交的文件", disabled=True))
    return buttons


def _attr(value: object) -> str:
    return html.escape(str(value), quote=True)


def _code_attr(text: str) -> str:
    # Newlines as character references keep the code out of Markdown's reach (no blank lines to split on).
    return _attr(text).replace("\n", "&#10;")


def render_button(button: Button) -> str:
    flags = (" hidden" if button.hidden else "") + (" disabled" if button.disabled else "")
    return (
        f'<button type="button" data-action="{button.action}" data-tip="{_attr(button.title)}"{flags}>'
        f"{html.escape(button.label)}</button>"
    )


def render_widget(
    spec: Any,
    *,
    instructions_html: str,
    starter: str,
    exercise_hash: str,
    solutions: bool,
    attempts_before_solution: int,
) -> str:
    """The widget's static HTML (one raw block, no blank lines, everything escaped)."""
    fmt = spec.submission.format
    lines = [
        f'<div class="exercise" data-exercise="{_attr(spec.id)}" data-hash="{_attr(exercise_hash)}"'
        f' data-solutions="{"true" if solutions else "false"}"'
        f' data-attempts-before-solution="{attempts_before_solution}" data-format="{_attr(fmt)}"'
        f' data-datasets="{_attr(" ".join(spec.datasets))}">',
        '<div class="cw-head"><span class="cw-badge">练习</span>'
        f'<span class="cw-title">{html.escape(spec.title)}</span>'
        f'<label class="cw-student">学号 {student_input()}</label></div>',
        f'<div class="cw-instructions">{instructions_html}</div>',
        f'<textarea data-role="starter" hidden aria-hidden="true">{_code_attr(starter)}</textarea>',
        '<div class="cw-editor" data-role="editor">'
        f'<pre class="cw-fallback"><code>{_code_attr(starter)}</code></pre></div>',
        '<div class="cw-toolbar">' + "".join(render_button(b) for b in toolbar(solutions=solutions)) + "</div>",
        '<div data-role="status" data-state="loading" role="status" aria-live="polite">'
        "正在准备运行环境……可以先阅读题目。</div>",
        '<div data-role="notice" hidden></div>',
        # Feedback above the output: after 检查 the named rows come first, the (collapsed) table after.
        # Not live regions: a table or a list of checks read out whole is minutes of speech. The status says what
        # happened in one line; after 检查 the first failed check gets the focus.
        '<div data-role="feedback" class="cw-feedback"></div>',
        '<div data-role="output" class="cw-output"></div>',
    ]
    if not solutions:
        lines.append(f'<p class="cw-exam-note">{EXAM_NOTE}</p>')
    lines.append("</div>")
    return "\n".join(lines)


def render_markdown(text: str, plugin: Any) -> str:
    """Render instructions with the site's own Markdown extensions (tables, admonitions …)."""
    extensions, configs = plugin.state.get(MARKDOWN_KEY, ([], {}))
    md = markdown.Markdown(extensions=extensions, extension_configs=configs)
    return md.convert(text)


def attempts_before_solution(spec: Any, plugin_default: int) -> int:
    """The spec's own ``attempts_before_solution`` when it sets one, else the plugin option."""
    return spec.attempts_before_solution if spec.sets("attempts_before_solution") else plugin_default


def pages_using(docs_dir: Path, exercise_id: str) -> list[str]:
    """Pages whose Markdown embeds ``::exercise{id="exercise_id"}`` (to name them in build errors)."""
    needle = f'::exercise{{id="{exercise_id}"}}'
    return sorted(
        f"docs/{page.relative_to(docs_dir).as_posix()}"
        for page in docs_dir.rglob("*.md")
        if needle in page.read_text(encoding="utf-8", errors="replace")
    )


@config_step
def load_exercises(plugin: Any, config: Any) -> None:
    """Validate every exercise with the grader's schema before any page is built."""
    from grader.spec import SpecError, exercise_folders, load_spec, spec_hash  # noqa: PLC0415

    exercises_dir = plugin.project_path(plugin.config.exercises_dir)
    specs: dict[str, Any] = {}
    for folder in exercise_folders(exercises_dir):
        try:
            spec = load_spec(folder)
        except SpecError as err:
            pages = pages_using(Path(config.docs_dir), folder.name)
            where = f"（用在 {'、'.join(pages)}）" if pages else ""
            raise PluginError(f"练习 '{folder.name}'{where}有错误，网站无法构建：{err}") from None
        specs[spec.id] = spec
    plugin.state[STATE_KEY] = specs
    plugin.state["exercise_hashes"] = {ex_id: spec_hash(spec.folder) for ex_id, spec in specs.items()}
    plugin.state[USES_KEY] = {}
    plugin.state[MARKDOWN_KEY] = (list(config.markdown_extensions), dict(config.mdx_configs))


@directive("exercise")
def exercise(attrs: dict[str, str], ctx: DirectiveContext) -> str:
    ex_id = attrs.get("id", "").strip()
    if not ex_id:
        raise DirectiveError('::exercise 缺少 id，请写成 ::exercise{id="练习编号"}')
    specs: dict[str, Any] = ctx.plugin.state.get(STATE_KEY, {})
    spec = specs.get(ex_id)
    if spec is None:
        known = "、".join(sorted(specs)) or "（exercises/ 里还没有练习）"
        raise DirectiveError(f"练习 '{ex_id}' 不存在：请在 exercises/{ex_id}/ 建立练习，或改用已有的编号：{known}")
    uses: dict[str, str] = ctx.plugin.state.setdefault(USES_KEY, {})
    if uses.get(ex_id, ctx.page_src) != ctx.page_src:
        raise DirectiveError(f"练习 '{ex_id}' 已经放在 docs/{uses[ex_id]}，每个练习只能出现在一个页面")
    uses[ex_id] = ctx.page_src
    try:
        instructions = spec.file_text("instructions.md")
        starter = spec.file_text("starter.py")
    except (OSError, UnicodeDecodeError) as err:
        raise DirectiveError(f"练习 '{ex_id}' 的文件无法读取（{err}），请保存为 UTF-8") from None
    solutions = bool(ctx.plugin.config.solutions)
    attempts = attempts_before_solution(spec, ctx.plugin.config.attempts_before_solution)
    return render_widget(
        spec,
        instructions_html=render_markdown(instructions, ctx.plugin),
        starter=starter,
        exercise_hash=ctx.plugin.state.get("exercise_hashes", {}).get(ex_id, ""),
        solutions=solutions,
        attempts_before_solution=attempts,
    )
