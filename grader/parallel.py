"""Grade files in worker processes, each file under a wall-clock and a memory limit (CLI only).

Workers are forked once (they inherit the loaded specs and modules) and take one student's files at a
time, so each student's dataset variant and reference answers are computed once, in one process, while
other workers handle other students. For every file the worker

* lowers its soft ``RLIMIT_AS`` to what it uses now plus ``file_memory`` (so the file gets that much new
  address space; memory an earlier file of the same worker freed can be reused on top), and
* arms a timer (``SIGALRM`` after ``file_timeout`` seconds) that aborts the grading with :class:`FileTimeout`.

The parent also keeps a hard deadline (twice the timeout plus a few seconds) for code that cannot be
interrupted (a long C call): the worker is killed, the file is reported as over the limit and a fresh
worker carries on with the rest. A worker that dies for any other reason is reported on the file it had
("评分进程意外退出"), never silently re-run. Without ``fork`` (or in Pyodide) files are graded in this
process without limits; the cheap guards in the readers still apply.
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from grader.log import log_exception

DEFAULT_FILE_TIMEOUT = 10.0
"""Seconds one file may take to read and grade (``--file-timeout``)."""
DEFAULT_FILE_MEMORY = 1024
"""Megabytes of memory one file may use beyond what the worker already holds (``--file-memory``)."""
GRACE = 5.0
"""The parent kills a worker that is still on a file 2 × timeout + GRACE seconds after it started it."""
PREPARE_DEADLINE = 600.0
"""Seconds the grader's own preparation for one file (variant, reference answer) may take at most."""


@dataclass(frozen=True)
class FileLimits:
    timeout: float = DEFAULT_FILE_TIMEOUT
    memory_mb: int = DEFAULT_FILE_MEMORY

    def message(self) -> str:
        return over_limit_message(f"{self.timeout:g} 秒 / {_size(self.memory_mb)}",
                                  "请让学生只提交结果表，或用 --file-timeout / --file-memory 放宽限制后重试。")


def over_limit_message(bounds: str, advice: str) -> str:
    """The 无法评分 line of a file over its limits (``bounds``, e.g. "10 秒 / 1 GB"), with what to do."""
    return f"无法评分：文件过大或过于复杂（超过 {bounds}）；{advice}"


def _size(mb: int) -> str:
    return f"{mb / 1024:g} GB" if mb >= 1024 and mb % 128 == 0 else f"{mb} MB"


CRASHED = "评分进程意外退出（可能是内存不足），该文件未评分；请把文件发给课程维护者，或用 --debug 查看原因。"


class FileTimeout(BaseException):  # BaseException: no `except Exception` may swallow it
    """The per-file timer fired."""


@dataclass
class Staged:
    """Returned by a grading function that has read its file and needs the grader's own preparation
    (variant, reference answer) before the checks: ``prepare()`` runs outside the file's limits, then
    ``run()`` under them again."""

    prepare: Callable[[], None]
    run: Callable[[], Any]


def resolve(value: Any) -> Any:
    """The final result of a grading function, without limits (in-process grading)."""
    if isinstance(value, Staged):
        value.prepare()
        return value.run()
    return value


Task = tuple[int, Any]
"""(index, payload) — the payload goes to the grading function unchanged."""
GradeFn = Callable[[Any], Any]
OverLimit = Callable[[Any, str], Any]
"""Builds the result for a payload that could not be graded, from the Chinese reason."""


def _address_space() -> int:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _on_alarm(_signum: int, _frame: Any) -> None:
    raise FileTimeout


def run_limited(fn: GradeFn, payload: Any, limits: FileLimits, over: OverLimit) -> Any:
    """``fn(payload)`` under the memory limit and timer (in this process; used by the workers)."""
    import resource  # noqa: PLC0415  (POSIX only)

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    base = _address_space()
    if base:
        want = base + limits.memory_mb * 1024 * 1024
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (want if hard == resource.RLIM_INFINITY else min(want, hard), hard))
    old = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, limits.timeout)
    try:
        return fn(payload)
    except (FileTimeout, MemoryError) as exc:
        log_exception("limit", str(getattr(payload, "file", payload)), exc)
        return over(payload, limits.message())
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _worker(conn: Connection, fn: GradeFn, limits: FileLimits, over: OverLimit) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        index, payload = task
        conn.send(("start", index))
        result = _limited(fn, payload, limits, over)
        if isinstance(result, Staged):
            staged = result
            conn.send(("prepare", index))
            try:  # the grader's own work (variant, reference answer): not the file's budget
                staged.prepare()
            except Exception as exc:
                log_exception("prepare", str(getattr(payload, "file", payload)), exc)
            conn.send(("start", index))
            result = _limited(functools.partial(_run_stage, staged), payload, limits, over)
        conn.send(("done", index, result))


def _run_stage(staged: Staged, _payload: Any) -> Any:
    return staged.run()


def _limited(fn: GradeFn, payload: Any, limits: FileLimits, over: OverLimit) -> Any:
    try:
        return run_limited(fn, payload, limits, over)
    except FileTimeout:  # fired after fn returned, before the timer was disarmed
        return over(payload, limits.message())


@dataclass
class _Slot:
    process: Any
    conn: Connection
    queue: deque[Task]
    current: Task | None = None
    deadline: float = 0.0


def run_parallel(groups: Iterable[list[Task]], fn: GradeFn, over: OverLimit, *, jobs: int, limits: FileLimits,
                 on_done: Callable[[int, Any], None]) -> bool:
    """Grade every task of ``groups`` (each group in one worker, in order) and call ``on_done(index, result)``.

    ``fn(payload)`` runs under the file's limits; when it returns :class:`Staged`, its ``prepare()`` runs
    without them (bounded by ``PREPARE_DEADLINE`` only) and its ``run()`` under them again.

    Returns False when processes are not available (nothing was done); never raises otherwise.
    """
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:
        return False
    pending = deque(list(g) for g in groups if g)
    slots: list[_Slot] = []

    def start(queue: deque[Task]) -> _Slot | None:
        parent, child = context.Pipe()
        try:
            proc = context.Process(target=_worker, args=(child, fn, limits, over), daemon=True)
            proc.start()
        except OSError as exc:
            log_exception("worker start", "pool", exc)
            return None
        child.close()
        return _Slot(proc, parent, queue)

    def feed(slot: _Slot) -> None:
        if not slot.queue and pending:
            slot.queue = deque(pending.popleft())
        if slot.queue:
            slot.current = slot.queue.popleft()
            slot.deadline = time.monotonic() + 2 * limits.timeout + GRACE
            slot.conn.send(slot.current)
        else:
            slot.current = None

    for _ in range(max(1, jobs)):
        if not pending:
            break
        slot = start(deque(pending.popleft()))
        if slot is None:
            if not slots:
                return False
            break
        slots.append(slot)
        feed(slot)
    def replace(slot: _Slot, reason: str) -> None:
        """Report the file the worker was on, kill it, and give its remaining files to a new worker."""
        assert slot.current is not None
        index, payload = slot.current
        on_done(index, over(payload, reason))
        slot.process.kill()
        slot.process.join(timeout=5)
        slot.conn.close()
        slots.remove(slot)
        fresh = start(slot.queue)
        if fresh is None:  # no new process: the rest are reported, not lost
            for i, p in [*slot.queue, *(t for g in pending for t in g)]:
                on_done(i, over(p, CRASHED))
            slot.queue.clear()
            pending.clear()
            return
        slots.append(fresh)
        feed(fresh)

    while any(s.current is not None for s in slots):
        busy = [s for s in slots if s.current is not None]
        timeout = max(0.05, min(s.deadline for s in busy) - time.monotonic())
        ready = wait([s.conn for s in busy], timeout=timeout)
        for slot in busy:
            if slot.conn in ready:
                try:
                    message = slot.conn.recv()
                except (EOFError, OSError) as exc:  # the worker died while grading slot.current
                    log_exception("worker", str(slot.current), exc)
                    replace(slot, CRASHED)
                    continue
                if message[0] == "start":  # a limited stage starts now
                    slot.deadline = time.monotonic() + 2 * limits.timeout + GRACE
                    continue
                if message[0] == "prepare":  # the grader's own work: bounded only by PREPARE_DEADLINE
                    slot.deadline = time.monotonic() + PREPARE_DEADLINE
                    continue
                on_done(message[1], message[2])
                feed(slot)
            elif time.monotonic() > slot.deadline:
                replace(slot, limits.message())
    for slot in slots:
        with contextlib.suppress(OSError, ValueError):
            slot.conn.send(None)
        slot.process.join(timeout=1)
        if slot.process.is_alive():
            slot.process.kill()
    return True


__all__ = ["CRASHED", "DEFAULT_FILE_MEMORY", "DEFAULT_FILE_TIMEOUT", "FileLimits", "FileTimeout", "over_limit_message",
           "run_limited", "run_parallel"]
