"""Importing this module registers every feature's directives and build steps (one import per feature)."""

from __future__ import annotations

from courseware import (
    quiz,  # noqa: F401  ::quiz{id="…"} self-check quizzes
    runtime_assets,  # noqa: F401  Pyodide distribution + bundled browser runtime
)
