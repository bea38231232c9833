"""Check engine of the course: reads submissions, runs an exercise's checks, returns dataclasses.

Pure Python + pandas; imports in CPython and in Pyodide (the CLI and renderers are separate modules).
The public names below are imported lazily, so ``import grader`` stays cheap for the CLI's start-up.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_PUBLIC = {
    "grade_bytes": "grader.engine",
    "grade_result": "grader.engine",
    "reference_digest": "grader.engine",
    "load_spec": "grader.spec",
    "load_all": "grader.spec",
    "spec_hash": "grader.spec",
    "ExerciseSpec": "grader.spec",
    "SpecError": "grader.spec",
    "ReadError": "grader.intake.readers",
    "CheckResult": "grader.model",
    "Note": "grader.model",
    "SubmissionResult": "grader.model",
    "REGISTRY": "grader.checks",
    "check": "grader.checks",
}


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'grader' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = ["REGISTRY", "CheckResult", "ExerciseSpec", "Note", "ReadError", "SpecError", "SubmissionResult",
           "__version__", "check", "grade_bytes", "grade_result", "load_all", "load_spec", "reference_digest",
           "spec_hash"]
