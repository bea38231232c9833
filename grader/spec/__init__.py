"""Typed schema of ``exercises/<id>/spec.yml`` and its loader (the public API of the package).

Plain dataclasses with explicit validation (no pydantic: this module also runs in Pyodide). Every
problem raises :class:`SpecError` with one Chinese line naming the file and the field, e.g.
"exercises/old-customers/spec.yml：checks[2].kind 'rowz' 未知（可用：columns, rows, values …）".
The format is documented with a full example in ``exercises/README.md``.

The dataclasses live in :mod:`grader.spec.model`, the validating reader in :mod:`grader.spec.parse`.
"""

from __future__ import annotations

from grader.spec.model import (
    CheckSpec,
    ExerciseSpec,
    NotesPolicy,
    SpecError,
    SubmissionSpec,
    TierRules,
    exercise_folders,
    spec_hash,
)
from grader.spec.parse import load_all, load_spec, parse_spec

__all__ = ["CheckSpec", "ExerciseSpec", "NotesPolicy", "SpecError", "SubmissionSpec", "TierRules",
           "exercise_folders", "load_all", "load_spec", "parse_spec", "spec_hash"]
