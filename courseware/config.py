"""Typed configuration of the ``courseware`` MkDocs plugin (schema only; behaviour lives in plugin.py)."""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class CoursewareConfig(Config):
    """Options of the ``courseware`` plugin in ``mkdocs.yml``."""

    exercises_dir = c.Type(str, default="exercises")
    """Folder (relative to mkdocs.yml) holding one sub-folder per exercise."""

    pyodide_dir = c.Type(str, default="build/pyodide")
    """Prepared, hash-verified Pyodide distribution copied into the site as ``pyodide/``."""

    web_dir = c.Type(str, default="build/web")
    """Bundled browser runtime (JS/CSS) copied into the site as ``assets/courseware/``."""

    solutions = c.Type(bool, default=True)
    """False builds an exam site: no reference solutions and no 查看答案 button."""

    attempts_before_solution = c.Type(int, default=3)
    """Failed checks before 查看答案 unlocks (an exercise spec may override it)."""
