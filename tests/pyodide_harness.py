"""Run Python code inside the site's own Pyodide under Node.js (offline), one long-lived process per session."""

from __future__ import annotations

import json
import subprocess
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYODIDE_DIR = ROOT / "build" / "pyodide"
HARNESS = Path(__file__).with_name("pyodide") / "harness.mjs"


class PyodideError(AssertionError):
    """Code run in Pyodide raised; the message carries the Python traceback."""


class PyodideSession:
    """A Node process with Pyodide, pandas, openpyxl and ruamel.yaml loaded; the repo is importable.

    ``run(code)`` executes ``code`` in a fresh namespace (cwd ``/home/pyodide``; the repository is at ``/project``
    and on ``sys.path``) and returns what it printed. A Python exception raises ``PyodideError``.
    """

    def __init__(self, pyodide_dir: Path = PYODIDE_DIR, project_dir: Path = ROOT) -> None:
        if not (pyodide_dir / "pyodide.mjs").is_file():
            raise FileNotFoundError(f"{pyodide_dir} is missing: run `make build` first")
        self._proc = subprocess.Popen(
            ["node", str(HARNESS), str(pyodide_dir), str(project_dir)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
        )
        self._lock = threading.Lock()
        self._next_id = 0
        hello = self._readline()
        if not hello.get("ready"):
            raise RuntimeError(f"Pyodide did not start: {hello}")
        self.version = hello["version"]

    def _readline(self) -> dict:
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line:
            err = self._proc.stderr.read() if self._proc.stderr else ""
            raise RuntimeError(f"Pyodide process ended: {err[-2000:]}")
        return json.loads(line)

    def run(self, code: str) -> str:
        with self._lock:
            self._next_id += 1
            assert self._proc.stdin is not None
            self._proc.stdin.write(json.dumps({"id": self._next_id, "code": code}) + "\n")
            self._proc.stdin.flush()
            reply = self._readline()
        if reply.get("id") != self._next_id:
            raise RuntimeError(f"out-of-order reply: {reply}")
        if not reply["ok"]:
            raise PyodideError(f"Python raised inside Pyodide:\n{reply['error']}\n--- stdout ---\n{reply['stdout']}")
        return reply["stdout"]

    def close(self) -> None:
        if self._proc.poll() is None:
            self._proc.stdin.close()  # type: ignore[union-attr]
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        for stream in (self._proc.stdout, self._proc.stderr):
            if stream is not None:
                stream.close()
