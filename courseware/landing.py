"""The home page's 开始学习 button, 学习路线 and 项目 cards, rendered from the mkdocs.yml nav by the lines
``::course-map{part="start"}``, ``::course-map{part="route"}`` and ``::course-map{part="cards"}``.

Every nav section whose title starts with ``项目X`` (X a Chinese numeral) becomes one step of the route and one
card, in nav order: title, its tasks (the nav titles of its pages), and what the student can practise there —
the ``::exercise``, ``::quiz`` and ``::scenario`` lines of those pages, read from the Markdown sources. Nothing
here lists the 项目: a new nav section shows up on the home page by itself. ``web/src/landing.js`` adds the
progress of each card (same localStorage records as 我的进度) and points 开始学习 at the first unfinished item.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from courseware.buildsteps import config_step
from courseware.directives import DirectiveContext, DirectiveError, directive
from courseware.quiz import page_url

PROJECT_RE = re.compile(r"^项目(?P<num>[一二三四五六七八九十]+)\s*(?P<name>.*)$")
TASK_RE = re.compile(r"^任务[一二三四五六七八九十]+\s*")
ITEM_RE = re.compile(r'^::(?P<kind>exercise|quiz|scenario)\{id="(?P<id>[^"]+)"\}\s*$', re.MULTILINE)
KIND_LABELS = {"exercise": "道练习", "quiz": "组自测题", "scenario": "个情景模拟"}
STATE_NAV = "landing_nav"
STATE_DOCS = "landing_docs"
STATE_URLS = "landing_directory_urls"


@dataclass(frozen=True)
class Task:
    title: str
    src: str


@dataclass(frozen=True)
class Project:
    number: str
    """Chinese numeral, e.g. 一."""
    name: str
    """Title without the 项目X prefix."""
    index: str
    """Source path of the overview page."""
    tasks: tuple[Task, ...]
    items: tuple[tuple[str, str, str], ...]
    """(kind, id, page source) of every exercise, quiz and scenario on the project's pages, in reading order."""


def _entries(node: Any) -> list[tuple[str, str]]:
    """(title, src) of the pages under a nav node; untitled pages get an empty title."""
    if isinstance(node, str):
        return [("", node)]
    if isinstance(node, dict):
        out = []
        for title, value in node.items():
            out += [(title, value)] if isinstance(value, str) else _entries(value)
        return out
    if isinstance(node, list):
        return [entry for item in node for entry in _entries(item)]
    return []


def projects_from_nav(nav: Any, docs_dir: Path) -> list[Project]:
    """The 项目 sections of a raw mkdocs.yml nav, with the practice items found on their pages."""
    found = []
    for item in nav or []:
        if not isinstance(item, dict):
            continue
        for title, children in item.items():
            match = PROJECT_RE.match(str(title))
            if not match or isinstance(children, str):
                continue
            entries = _entries(children)
            index = next((src for _, src in entries if src.endswith("index.md")), entries[0][1] if entries else "")
            tasks = tuple(Task(TASK_RE.sub("", t) or src, src) for t, src in entries if src != index)
            items = []
            for src in [index, *(t.src for t in tasks)]:
                path = docs_dir / src
                if path.is_file():
                    items += [(m["kind"], m["id"], src) for m in ITEM_RE.finditer(path.read_text(encoding="utf-8"))]
            found.append(Project(match["num"], match["name"].strip() or str(title), index, tasks, tuple(items)))
    return found


def _counts(project: Project) -> str:
    parts = [f"{len(project.tasks)} 个任务"]
    for kind, label in KIND_LABELS.items():
        n = sum(1 for k, _, _ in project.items if k == kind)
        if n:
            parts.append(f"{n} {label}")
    return " · ".join(parts)


def _href(src: str, *, directory_urls: bool) -> str:
    return html.escape(page_url(src, directory_urls=directory_urls) or "./", quote=True)


def render_start(projects: list[Project], progress_src: str | None, *, directory_urls: bool) -> str:
    """开始学习 (first 项目; landing.js turns it into 继续学习 once something is done) and 我的进度."""
    first = projects[0]
    start = first.tasks[0].src if first.tasks else first.index
    parts = [f'<p class="cw-start"><a class="md-button md-button--primary" data-role="start" '
             f'href="{_href(start, directory_urls=directory_urls)}">开始学习</a>']
    if progress_src:
        parts.append(f'<a class="md-button" href="{_href(progress_src, directory_urls=directory_urls)}">我的进度</a>')
    parts.append('<span class="cw-start__note" data-role="start-note"></span></p>')
    return "".join(parts)


def render_route(projects: list[Project], *, directory_urls: bool) -> str:
    """The compact, horizontal 学习路线: one numbered step per 项目."""
    steps = "".join(
        f'<li class="cw-route__step"><a class="cw-route__link" href="{_href(p.index, directory_urls=directory_urls)}">'
        f'<span class="cw-route__num">{html.escape(p.number)}</span>'
        f'<span class="cw-route__name">{html.escape(p.name)}</span></a></li>'
        for p in projects
    )
    return f'<nav class="cw-route" aria-label="学习路线"><ol class="cw-route__steps">{steps}</ol></nav>'


def render_cards(projects: list[Project], *, directory_urls: bool) -> str:
    """One card per 项目: title, counts, tasks, and a progress bar landing.js fills in."""
    esc = html.escape
    cards = []
    for p in projects:
        items = " ".join(f"{kind}:{item_id}@{page_url(src, directory_urls=directory_urls)}" for kind, item_id, src in p.items)
        tasks = "".join(
            f'<li><a class="cw-card__task" href="{_href(t.src, directory_urls=directory_urls)}">{esc(t.title)}</a></li>'
            for t in p.tasks
        )
        cards.append(
            f'<article class="cw-card" data-project="{esc(p.index, quote=True)}" data-items="{esc(items, quote=True)}">'
            f'<h3 class="cw-card__title"><a href="{_href(p.index, directory_urls=directory_urls)}">'
            f'<span class="cw-card__num">项目{esc(p.number)}</span>{esc(p.name)}</a></h3>'
            f'<p class="cw-card__meta">{esc(_counts(p))}</p>'
            f'<ol class="cw-card__tasks">{tasks}</ol>'
            '<div class="cw-card__progress" data-role="card-progress">'
            f'<div class="cw-bar" role="progressbar" aria-label="项目{esc(p.number)} 完成进度" aria-valuemin="0" '
            'aria-valuemax="100" aria-valuenow="0">'
            '<span class="cw-bar__fill"></span></div>'
            '<span class="cw-card__done" data-role="card-done">还没有开始</span></div>'
            "</article>"
        )
    return f'<div class="cw-cards">{"".join(cards)}</div>'


PARTS = ("start", "route", "cards")


@config_step
def remember_nav(plugin: Any, config: Any) -> None:
    plugin.state[STATE_NAV] = config["nav"]
    plugin.state[STATE_DOCS] = Path(config["docs_dir"])
    plugin.state[STATE_URLS] = bool(config["use_directory_urls"])


@directive("course-map")
def course_map_directive(attrs: dict[str, str], ctx: DirectiveContext) -> str:
    part = attrs.get("part", "")
    if part not in PARTS:
        raise DirectiveError(f'::course-map 需要 part="{"|".join(PARTS)}"，现在是 {part!r}。')
    if "/" in ctx.page_src:
        raise DirectiveError("::course-map 只能放在网站根目录的页面（docs/index.md）上，链接才会正确。")
    nav = ctx.plugin.state.get(STATE_NAV)
    projects = projects_from_nav(nav, ctx.plugin.state.get(STATE_DOCS, Path("docs")))
    if not projects:
        raise DirectiveError("::course-map 需要 mkdocs.yml 的 nav 里有以“项目一 …”这样命名的章节，现在一个也没有。")
    urls = ctx.plugin.state.get(STATE_URLS, True)
    if part == "start":
        progress = next((src for _, src in _entries(nav) if src == "progress.md"), None)
        return render_start(projects, progress, directory_urls=urls)
    if part == "route":
        return render_route(projects, directory_urls=urls)
    return render_cards(projects, directory_urls=urls)
