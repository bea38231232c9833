"""Renderings of a :class:`~grader.gradebook.Gradebook`: one data model, several outputs.

``RENDERERS`` maps an output format to a function ``(gradebook, lang) -> bytes``; the CLI's
``--json/--csv/--xlsx/--html`` options are read from its keys.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from grader.render import csv_out, html_out, json_out, xlsx_out

if TYPE_CHECKING:
    from grader.gradebook import Gradebook

Renderer = Callable[["Gradebook", str], bytes]

RENDERERS: dict[str, Renderer] = {
    "json": json_out.render,
    "csv": csv_out.render,
    "xlsx": xlsx_out.render,
    "html": html_out.render,
}
"""Output format → renderer returning the file's bytes."""


def write(fmt: str, gradebook: Gradebook, path: str | Path, lang: str = "zh") -> None:
    """Render ``gradebook`` as ``fmt`` into ``path`` (parent folders created)."""
    data = RENDERERS[fmt](gradebook, lang)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


__all__ = ["RENDERERS", "Renderer", "write"]
