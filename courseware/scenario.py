"""情景模拟: a line ``::scenario{id="bargain"}`` renders ``docs/scenarios/bargain.yml`` as a conversation
the student answers step by step (file format and rules: ``courseware/scenario_model.py``).

The HTML holds every step; ``web/src/scenario.js`` shows them in the order the student's choices lead to,
scores each reply and keeps the run in ``localStorage["courseware:v1:scenario:<id>"]`` as JSON
``{"path": [[step, letter], …], "points", "max_points", "finished", "best", "timestamp"}``.
The build writes ``assets/scenarios.json`` = ``{"scenarios": [{"id", "title", "page", "max_points"}, …]}``
in nav order, for 我的进度 and the home page. Every scenario file is validated, also one no page uses.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

from courseware.buildsteps import config_step, post_build_step
from courseware.directives import DirectiveContext, directive
from courseware.quiz import md_html as _quiz_md
from courseware.quiz import nav_order, page_url
from courseware.scenario_model import ID_RE, SCENARIO_DIR, Scenario, ScenarioError, Step, load_scenario

LETTERS = "ABCD"
STATE_DIR = "scenario_dir"
STATE_USED = "scenario_used"
STATE_INFO = "scenario_info"
MANIFEST = "assets/scenarios.json"
"""Where the list of scenarios is written inside the site."""


# A line break inside a Chinese paragraph must not become a space ("处理。 本课程"): join such lines.
NOT_BLOCK = r"(?![-*+>#|]|\d+[.)])"
CJK_BREAK_RE = re.compile(rf"(?<=[^\x00-\x7f])\n{NOT_BLOCK}(?=\S)|(?<=\S)\n{NOT_BLOCK}(?=[^\x00-\x7f])")


def md_html(text: str, *, inline: bool = False) -> str:
    """Markdown → HTML like the quizzes, with the line breaks of a Chinese paragraph removed."""
    return _quiz_md(CJK_BREAK_RE.sub("", text), inline=inline)


def _attr(value: object) -> str:
    return html.escape(str(value), quote=True)


def _print_goto(numbers: dict[str, int], goto: str) -> str:
    """Where a reply leads, for paper (hidden on screen): "→ 第 3 步" or "→ 对话结束"."""
    where = f"第 {numbers[goto]} 步" if goto in numbers else "对话结束"
    return f'<span class="scenario__goto">→ {where}</span>'


def _step_html(scenario: Scenario, step: Step, numbers: dict[str, int]) -> str:
    """One step; ``numbers`` gives each step's number on paper (step id → 1, 2, …)."""
    sid = f"scn-{scenario.id}-{step.id}"
    # data-search-exclude: the replies and verdicts stay out of the search index (Material's parser ends an excluded
    # block at the first closing tag of its name, so it sits on the <section>, which holds no other section)
    parts = [f'<section class="scenario__step" data-step="{_attr(step.id)}" hidden data-search-exclude>',
             f'<p class="scenario__number">第 {numbers[step.id]} 步</p>']
    if step.narration:
        parts.append(f'<div class="scenario__narration">{md_html(step.narration)}</div>')
    parts.append(
        f'<div class="scenario__msg scenario__msg--customer"><span class="scenario__who">{html.escape(scenario.customer)}</span>'
        f'<div class="scenario__bubble">{md_html(step.customer)}</div></div>'
        f'<p class="scenario__ask" id="{sid}-ask">你怎么回复？（选一条）</p>'
        f'<div class="scenario__choices" role="group" aria-labelledby="{sid}-ask">'
    )
    for letter, choice in zip(LETTERS, step.choices, strict=False):
        parts.append(
            f'<button type="button" class="scenario__choice" data-action="choose" data-choice="{letter}" '
            f'data-points="{choice.points}" data-goto="{_attr(choice.goto)}">'
            f'<span class="scenario__letter">{letter}</span><span class="scenario__reply">{md_html(choice.reply, inline=True)}'
            f"{_print_goto(numbers, choice.goto)}</span></button>"
        )
    parts.append(f'</div><div class="scenario__feedback" data-role="feedback" data-best="{step.best_points}" hidden>'
                 '<p class="scenario__verdict" data-role="verdict"></p>')
    for letter, choice in zip(LETTERS, step.choices, strict=False):
        parts.append(f'<div class="scenario__explain" data-choice="{letter}" hidden>{md_html(choice.explanation)}</div>')
    parts.append("</div></section>")
    return "".join(parts)


def render_scenario(scenario: Scenario) -> str:
    """The scenario as one HTML block (no blank lines, so Markdown passes it through untouched)."""
    numbers = {step.id: n for n, step in enumerate(scenario.steps, start=1)}
    parts = [
        f'<div class="scenario" data-scenario="{_attr(scenario.id)}" data-max-points="{scenario.max_points}" '
        f'data-start="{_attr(scenario.steps[0].id)}">',
        f'<p class="scenario__title"><span class="scenario__kind">情景模拟</span>{html.escape(scenario.title)}</p>',
        f'<div class="scenario__intro">{md_html(scenario.intro)}</div>',
        '<p class="scenario__status" data-role="status" aria-live="polite">需要启用 JavaScript 才能作答。</p>',
        '<div class="scenario__log" data-role="log"></div>',
        '<div class="scenario__pool" hidden>',
        *(_step_html(scenario, step, numbers) for step in scenario.steps),
        "</div>",
        '<div class="scenario__end" data-role="end" hidden>'
        '<p class="scenario__score" data-role="score"></p>',
        f'<div class="scenario__summary">{md_html(scenario.summary)}</div>' if scenario.summary else "",
        "</div>",
        '<div class="scenario__actions">'
        '<button type="button" class="md-button" data-action="restart" hidden>重新模拟</button></div>',
        "</div>",
    ]
    return "".join(parts).replace("\n\n", "\n")


# --- MkDocs wiring -------------------------------------------------------------------------------


@config_step
def prepare_scenarios(plugin: Any, config: Any) -> None:
    """Remember where scenario files live and forget which pages used them (fresh for every build)."""
    plugin.state[STATE_DIR] = Path(config["docs_dir"]) / SCENARIO_DIR
    plugin.state[STATE_USED] = {}
    plugin.state[STATE_INFO] = {}


@directive("scenario")
def scenario_directive(attrs: dict[str, str], ctx: DirectiveContext) -> str:
    scenario_id = attrs.get("id", "")
    if not ID_RE.match(scenario_id):
        raise ScenarioError(
            f'::scenario 指令需要 id，例如 ::scenario{{id="bargain"}}（小写字母、数字、连字符），现在是 {scenario_id!r}。'
        )
    used: dict[str, str] = ctx.plugin.state.setdefault(STATE_USED, {})
    other = used.get(scenario_id)
    if other is not None and (other != ctx.page_src or scenario_id in ctx.extra.get("scenario_seen", set())):
        where = "本页" if other == ctx.page_src else f"docs/{other}"
        raise ScenarioError(f"情景模拟 {scenario_id} 已在{where}使用过；每个情景模拟只放在一个页面的一处，请删去重复的一行。")
    ctx.extra.setdefault("scenario_seen", set()).add(scenario_id)
    used[scenario_id] = ctx.page_src
    folder: Path = ctx.plugin.state.get(STATE_DIR) or ctx.plugin.project_path("docs") / SCENARIO_DIR
    scenario = load_scenario(folder / f"{scenario_id}.yml", f"docs/{SCENARIO_DIR}/{scenario_id}.yml")
    ctx.plugin.state.setdefault(STATE_INFO, {})[scenario_id] = {
        "id": scenario_id,
        "title": scenario.title,
        "page": page_url(ctx.page_src, directory_urls=ctx.plugin.state.get("quiz_directory_urls", True)),
        "max_points": scenario.max_points,
        "src": ctx.page_src,
    }
    return render_scenario(scenario)


@post_build_step
def write_scenario_manifest(plugin: Any, config: Any, site_dir: Path) -> None:
    """Validate unused scenario files, then list every scenario shown in the site in nav order."""
    folder: Path | None = plugin.state.get(STATE_DIR)
    used = plugin.state.get(STATE_USED, {})
    if folder is not None and folder.is_dir():
        for path in sorted(folder.glob("*.yml")):
            if path.stem not in used:
                try:
                    load_scenario(path, f"docs/{SCENARIO_DIR}/{path.name}")
                except ScenarioError as err:
                    raise PluginError(str(err)) from None
    order = {src: i for i, src in enumerate(nav_order(config["nav"]))}
    entries = sorted(plugin.state.get(STATE_INFO, {}).values(), key=lambda e: (order.get(e["src"], len(order)), e["src"]))
    out = site_dir / MANIFEST
    out.parent.mkdir(parents=True, exist_ok=True)
    listing = [{k: v for k, v in entry.items() if k != "src"} for entry in entries]
    out.write_text(json.dumps({"scenarios": listing}, ensure_ascii=False, indent=1), encoding="utf-8")
