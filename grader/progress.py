"""The CLI's progress bar on stderr while a class is graded (files done / total, time left)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from grader.cli_support import console_for, msg

PROGRESS_MIN_FILES = 6
"""Show a progress bar from this many files on."""
PROGRESS_AFTER = 1.0
"""…and only once the run has taken this many seconds."""


def with_progress(subs: list[Any], run: Callable[[Any], Any], lang: str, quiet: bool = False) -> Any:
    """Run with a progress bar on stderr (files done / total, ETA) once the run has taken a second.

    Silent with ``-q``, when stderr is not a terminal, or for a handful of files.
    """
    err = console_for(stderr=True)
    if quiet or not err.is_terminal or len(subs) < PROGRESS_MIN_FILES:
        return run(None)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=err, transient=True, auto_refresh=False) as progress:
        task = progress.add_task(msg("grading", lang), total=len(subs))
        started = time.monotonic()

        def advance(_sub: Any) -> None:
            progress.advance(task)
            if time.monotonic() - started > PROGRESS_AFTER:
                progress.refresh()

        return run(advance)


__all__ = ["PROGRESS_AFTER", "PROGRESS_MIN_FILES", "with_progress"]
