"""Importing this module registers every feature's directives and build steps (one import per feature)."""

from __future__ import annotations

from courseware import runtime_assets  # noqa: F401  Pyodide distribution + bundled browser runtime
