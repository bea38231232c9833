"""The progress bar: on stderr for runs over a second when stderr is a terminal, silent with -q or a pipe."""

from __future__ import annotations

from pathlib import Path

from grader.cli import main
from grader.engine import answer_key
from grader.spec import load_spec

ROOT = Path(__file__).resolve().parent.parent


def _class(tmp_path: Path) -> Path:
    spec = load_spec(ROOT / "exercises" / "old-customers")
    _name, data = answer_key(spec, "2024001")
    for i in range(7):
        (tmp_path / f"2024001_old-customers ({i}).csv").write_bytes(data)
    return tmp_path


def test_progress_bar_on_a_terminal_and_silent_otherwise(tmp_path, capfd, monkeypatch):
    folder = _class(tmp_path)
    assert main(["grade", str(folder), "-q", "-j", "1"]) == 0
    assert "评分中" not in capfd.readouterr().err  # -q: silent
    assert main(["grade", str(folder), "-j", "1"]) == 0
    assert "评分中" not in capfd.readouterr().err  # stderr is a pipe here: silent
    monkeypatch.setenv("TTY_COMPATIBLE", "1")  # rich: treat stderr as a terminal
    assert main(["grade", str(folder), "-j", "1"]) == 0
    err = capfd.readouterr().err
    assert "评分中" in err and "/7" in err
