"""The course's structure, read from its single sources: the mkdocs.yml nav (项目, their pages, reading order)
and the exercises/ folder (exercise ids). Tests import these instead of keeping their own lists, so adding a
项目, a page or an exercise touches no test."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
EXERCISES = ROOT / "exercises"
PROJECT_TITLE_RE = re.compile(r"^项目[一二三四五六七八九十]+ ")
DIRECTIVE_RE = re.compile(r'^::(?P<name>exercise|quiz|scenario)\{id="(?P<id>[^"]+)"\}\s*$', re.MULTILINE)


@dataclass(frozen=True)
class Project:
    title: str
    """Nav title, e.g. 项目一 建立客户档案 (the project page's heading)."""
    folder: str
    """Folder under docs/, e.g. p1-archive."""
    index: str
    """Overview page, e.g. p1-archive/index.md."""
    tasks: tuple[str, ...]
    """Task pages in nav order (docs-relative paths)."""


def _pages(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [p for value in node.values() for p in _pages(value)]
    if isinstance(node, list):
        return [p for item in node for p in _pages(item)]
    return []


@cache
def _config() -> Any:
    """mkdocs.yml (the round-trip loader keeps Material's ``!!python/name`` tags unresolved)."""
    return YAML(typ="rt").load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))


def nav() -> list[Any]:
    """The ``nav`` of mkdocs.yml."""
    return list(_config()["nav"])


def nav_pages() -> list[str]:
    """Every page in the nav, in reading order."""
    return _pages(nav())


@cache
def projects() -> tuple[Project, ...]:
    """Every nav section titled 项目X …, in order."""
    found = []
    for item in nav():
        if not isinstance(item, dict):
            continue
        for title, children in item.items():
            if not PROJECT_TITLE_RE.match(str(title)):
                continue
            pages = _pages(children)
            index = next(p for p in pages if p.endswith("/index.md"))
            found.append(Project(str(title), index.rsplit("/", 1)[0], index, tuple(p for p in pages if p != index)))
    return tuple(found)


def print_excluded() -> list[str]:
    """The patterns of pages the whole-course print page leaves out (print-site's ``exclude`` in mkdocs.yml)."""
    for plugin in _config()["plugins"]:
        if isinstance(plugin, dict) and "print-site" in plugin:
            return [str(pattern) for pattern in (plugin["print-site"] or {}).get("exclude", [])]
    return []


def task_pages() -> list[str]:
    return [page for project in projects() for page in project.tasks]


def exercise_ids() -> list[str]:
    """Every exercise folder (one with a spec.yml) under exercises/."""
    return sorted(p.parent.name for p in EXERCISES.glob("*/spec.yml"))


def directives(page: str, name: str) -> list[str]:
    """Ids of the ``::name{id="…"}`` lines of a docs page, in order."""
    text = (DOCS / page).read_text(encoding="utf-8")
    return [m["id"] for m in DIRECTIVE_RE.finditer(text) if m["name"] == name]
