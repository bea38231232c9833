"""Check engine of the course: reads submissions, runs an exercise's checks, returns dataclasses.

Pure Python + pandas; imports in CPython and in Pyodide (the CLI and renderers are separate modules).
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
