"""The debug switch: ``grader --debug`` or ``GRADER_DEBUG=1`` prints the full traceback of every error the
grader turned into a Chinese line (engine, readers, checks, archives, workers) to stderr.

Every ``except Exception`` in the grader calls :func:`log_exception`, so nothing is swallowed silently:
without the switch the record goes to the ``grader`` logger at DEBUG level (no output); with it, a handler
on stderr shows it. Works in Pyodide too (set ``os.environ["GRADER_DEBUG"] = "1"`` before the first check).
"""

from __future__ import annotations

import logging
import os
import sys

logger = logging.getLogger("grader")
logger.addHandler(logging.NullHandler())
_ON = ("1", "true", "yes", "on")


def debug_enabled() -> bool:
    return os.environ.get("GRADER_DEBUG", "").strip().lower() in _ON


def enable_debug() -> None:
    """Send the grader's log (with tracebacks) to stderr; child processes inherit it via the environment."""
    os.environ["GRADER_DEBUG"] = "1"
    _configure()


def _configure() -> None:
    if any(getattr(h, "_grader_debug", False) for h in logger.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("[grader debug] %(message)s"))
    handler._grader_debug = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)


def log_exception(what: str, where: str, exc: BaseException) -> None:
    """Record an error that was turned into a message: ``what`` failed on ``where``."""
    if debug_enabled():
        _configure()
    logger.debug("%s failed on %s: %s: %s", what, where, type(exc).__name__, exc,
                 exc_info=(type(exc), exc, exc.__traceback__))


__all__ = ["debug_enabled", "enable_debug", "log_exception", "logger"]
