"""Registry of page directives: a line ``::name{key="value" ...}`` in Markdown becomes HTML.

Each handler gets the parsed attributes and a ``DirectiveContext`` and returns HTML, or raises
``DirectiveError`` with a Chinese message; the plugin turns that into a build failure naming the page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

DIRECTIVE_RE = re.compile(r'^::(?P<name>[a-z][a-z0-9-]*)\{(?P<attrs>[^}]*)\}[ \t]*$', re.MULTILINE)
ATTR_RE = re.compile(r'([a-z_][a-z0-9_-]*)="([^"]*)"')


class DirectiveError(Exception):
    """A directive in a page is wrong; the message (Chinese) says what to fix."""


@dataclass
class DirectiveContext:
    """What a directive handler may use."""

    page_src: str
    """Source path of the page relative to docs_dir."""
    base_url: str
    """Relative URL from the page to the site root (ends with '/')."""
    plugin: Any
    """The CoursewarePlugin instance (config, loaded exercises)."""
    extra: dict[str, Any] = field(default_factory=dict)


Handler = Callable[[dict[str, str], DirectiveContext], str]
DIRECTIVES: dict[str, Handler] = {}


def directive(name: str) -> Callable[[Handler], Handler]:
    """Register a handler for ``::name{...}``."""

    def register(fn: Handler) -> Handler:
        DIRECTIVES[name] = fn
        return fn

    return register


def parse_attrs(text: str) -> dict[str, str]:
    return dict(ATTR_RE.findall(text))


def expand(markdown: str, ctx: DirectiveContext) -> str:
    """Replace every known directive line by its HTML; unknown names are an error."""

    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        handler = DIRECTIVES.get(name)
        if handler is None:
            known = "、".join(sorted(DIRECTIVES)) or "（无）"
            raise DirectiveError(f"未知的指令 ::{name}，可用的指令有：{known}")
        return "\n" + handler(parse_attrs(match.group("attrs")), ctx) + "\n"

    return DIRECTIVE_RE.sub(replace, markdown)
