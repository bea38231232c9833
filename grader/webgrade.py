"""教师批改 in the browser: the class run of ``grader grade`` split into steps that Web Workers can share.

Every step calls the grader's own functions; nothing here collects, reads, checks or decides policy itself:

1. :func:`load` — the dropped files (relative path, bytes, mtime) are written under a temporary folder of
   the worker's in-memory file system and :func:`grader.intake.collect.collect` takes them exactly as the
   CLI does from that folder (same 学号/exercise from the whole path, archives, limits, notes). Every
   worker loads the same files, so each holds the same numbered list of submissions.
2. :func:`plan` — the indices grouped by 学号 (one group per worker task, as the CLI's workers take them).
3. :func:`prepare` then :func:`grade` — one file: the student's variant and reference answer first (the
   grader's own work, outside the file's time limit, as in the CLI), then
   :func:`grader.grading.grade_submissions` for that one file. The result is a JSON-able :func:`entry_dict`.
   A file whose worker was terminated over the time limit gets :func:`over_limit`: the CLI's 无法评分 line
   with the seconds the page enforced (:data:`LIMITS`, the one definition the page reads at start-up).
4. :func:`merge` — the entries of every worker → :func:`grader.grading.finish_gradebook` (copy flags,
   duplicates/roster policy, summary, stamp) → the same dict ``grader grade --json`` writes (its stamp's
   ``grader_version`` is ``grader.__version__``, which the package's metadata is built from: Pyodide has
   no installed distribution to ask).
5. :func:`output` — the renderers' bytes: json, csv, xlsx, html, the class report and the feedback zip.

The functions take and return plain Python values; the grading worker (``web/src/grading/worker.js``)
passes JSON strings through :func:`call`.
"""

from __future__ import annotations

import copy
import io
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, fields, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from grader import cache
from grader.feedback import write_feedback
from grader.gradebook import Entry, Gradebook
from grader.grading import _over_limit, finish_gradebook, grade_submissions
from grader.intake.collect import collect
from grader.intake.roster import Roster, RosterError, parse_roster
from grader.intake.submission import Submission
from grader.log import log_exception
from grader.model import Note, SubmissionResult
from grader.parallel import DEFAULT_FILE_TIMEOUT, GRACE, PREPARE_DEADLINE, over_limit_message
from grader.policy import DEFAULT_DUPLICATES, DUPLICATE_POLICIES
from grader.render import RENDERERS
from grader.report import render_report
from grader.spec import SpecError, load_all

__all__ = ["LIMITS", "call", "entry_dict", "entry_from_dict", "grade", "init", "load", "merge", "output",
           "over_limit", "over_limit_line", "plan", "prepare", "roster", "roster_file"]

LIMITS = {"file_timeout": 2 * DEFAULT_FILE_TIMEOUT + GRACE, "prepare_timeout": PREPARE_DEADLINE}
"""Seconds the page lets a worker spend on one file (the CLI parent's hard deadline: 2 × 10 s + 5 s; a
worker cannot be interrupted inside Python, so it is terminated) and on one student's preparation.
The only definition: the page takes it from :func:`init` and hands the seconds it enforced back to
:func:`over_limit`, so the 无法评分 line states the limit that was applied."""
OUTPUT_NAMES = {"xlsx": "成绩.xlsx", "csv": "成绩.csv", "json": "成绩.json", "html": "成绩单.html",
                "report": "班级报告.html", "feedback": "学生反馈.zip"}
"""Download name of each output (what the CLI examples call them)."""

_STATE: dict[str, Any] = {"specs": {}, "subs": [], "roster": [], "root": None, "book": None}


def init(exercises_dir: str, hashes: dict[str, str] | None = None) -> dict[str, Any]:
    """Load the exercise specs of the site's bundle; ``{"exercises": {id: title}}`` or ``{"error": …}``.

    ``hashes`` (the manifest's ``spec_hash`` of each exercise's source folder, computed at build time) go into
    the gradebook's stamp: the bundle holds only part of each folder, so its own hash would differ from the CLI's.
    """
    try:
        specs = load_all(Path(exercises_dir))
    except SpecError as exc:
        return {"error": f"练习设置有误：{exc}", "exercises": {}}
    _STATE["specs"] = specs
    _STATE["hashes"] = dict(hashes or {})
    cache.LAZY_TABLES = False  # a class run reads every exercise's tables: build each variant once, whole
    return {"exercises": {ex: spec.title for ex, spec in sorted(specs.items())}, "limits": LIMITS,
            "outputs": OUTPUT_NAMES, "policies": DUPLICATE_POLICIES, "default_policy": DEFAULT_DUPLICATES}


def _as_bytes(data: Any) -> bytes:
    """Bytes from bytes, a memoryview or a Pyodide JsProxy of a Uint8Array."""
    to_bytes = getattr(data, "to_bytes", None)
    return to_bytes() if callable(to_bytes) else bytes(data)


def roster(data: Any) -> dict[str, Any]:
    """学号 and 姓名 of a roster (pasted text, or a txt/csv/xlsx file's bytes): ``{"ids": […], "names": {学号: 姓名}}``
    or ``{"error": …}``."""
    try:
        read = parse_roster(data if isinstance(data, str) else _as_bytes(data))
        return {"ids": list(read), "names": dict(read.names)}
    except RosterError as exc:
        return {"error": f"名单无法读取（{exc}）；请给出带“学号”列（或每行一个学号）的文本、CSV 或 Excel 名单。"}


def roster_file(path: str) -> dict[str, Any]:
    """:func:`roster` of a file the worker wrote into its file system."""
    return roster(Path(path).read_bytes())


def _safe_parts(path: str) -> list[str] | None:
    parts = [p for p in str(path).replace("\\", "/").split("/") if p not in ("", ".")]
    if not parts or any(p == ".." for p in parts):
        return None
    return parts


def load(files: Sequence[tuple[str, Any, float]], roster_ids: Iterable[str] = (),
         names: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Take the dropped files as the CLI takes paths: ``[(relative path, bytes, mtime seconds)]`` (instead of
    bytes, the path of a staged copy in this file system, which is moved into place).

    Each file is written at its path under a fresh temporary folder (the worker's memory), its time set to
    ``mtime``; the top-level names are given to :func:`collect` with that folder as the working directory,
    so ``file`` in every output is the path the teacher dropped (e.g. ``班级作业.zip/第一组/…``).
    ``names`` (学号 → 姓名 of the roster) finds the 学号 of a file named by the student's name.
    Returns ``{"items": [{index, file, student, exercise, error}], "roster": […], "skipped": […]}`` (``skipped``:
    files grader wrote, such as last run's 成绩.xlsx, which are not graded).
    """
    old = _STATE.get("root")
    if old:
        shutil.rmtree(old, ignore_errors=True)
    root = Path(tempfile.mkdtemp(prefix="webgrade-"))
    ids = list(dict.fromkeys(str(r) for r in roster_ids))
    _STATE.update(root=str(root), book=None, roster=Roster(ids, {str(k): str(v) for k, v in (names or {}).items()}))
    tops: list[str] = []
    exact: dict[str, float] = {}  # the browser's times to the millisecond (the in-memory file system keeps seconds)
    for path, data, mtime in files:
        parts = _safe_parts(path)
        if parts is None:
            continue
        if mtime:
            exact["/".join(parts)] = float(mtime)
        target = root.joinpath(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):  # the worker staged the bytes in its file system: move, do not copy
            os.replace(data, target)
        else:
            target.write_bytes(_as_bytes(data))
        if mtime:
            os.utime(target, (float(mtime), float(mtime)))
        if parts[0] not in tops:
            tops.append(parts[0])
    cwd = os.getcwd()
    os.chdir(root)
    skipped: list[str] = []
    try:
        subs = collect(tops, _STATE["specs"], roster=_STATE["roster"], skipped=skipped)
    finally:
        os.chdir(cwd)
    subs = [replace(s, submitted_at=datetime.fromtimestamp(exact[s.file])) if s.time_source == "mtime" and s.file in exact
            else s for s in subs]
    _STATE["subs"] = subs
    items = [{"index": i, "file": s.file, "student": s.student, "exercise": s.exercise, "error": s.error}
             for i, s in enumerate(subs)]
    return {"items": items, "roster": list(_STATE["roster"]), "skipped": skipped}


def plan() -> list[list[int]]:
    """Indices of the loaded submissions, one list per 学号 (in order of first appearance)."""
    groups: dict[str | None, list[int]] = {}
    for index, sub in enumerate(_STATE["subs"]):
        groups.setdefault(sub.student, []).append(index)
    return list(groups.values())


def _sub(index: int) -> Submission:
    return _STATE["subs"][int(index)]


def prepare(index: int) -> str:
    """The variant and reference answer this file will be checked against (grader's own work; cached)."""
    from grader.engine import prepare_reference  # noqa: PLC0415

    sub = _sub(index)
    spec = _STATE["specs"].get(sub.exercise or "")
    if spec is not None and sub.error is None:
        prepare_reference(spec, sub.student)
    return "ok"


def grade(index: int) -> dict[str, Any]:
    """Grade one loaded submission with :func:`grade_submissions` (in this process, no limits)."""
    [entry] = grade_submissions([_sub(index)], _STATE["specs"])
    return entry_dict(entry)


def over_limit_line(seconds: float) -> str:
    """The 无法评分 line of a file the page stopped after ``seconds``, worded as the CLI's (``FileLimits.message``)
    but true of the page: it has no memory limit of its own and no ``--file-timeout`` to loosen, so the line
    names neither; its advice is the CLI, which grades such a file under its own limits."""
    return over_limit_message(f"{float(seconds):g} 秒", "请让学生只提交结果表，或用命令行工具 grader grade 批改这个文件。")


def over_limit(index: int, seconds: float = LIMITS["file_timeout"]) -> dict[str, Any]:
    """The entry of a file whose worker was terminated after ``seconds`` (the limit the page enforced)."""
    sub = _sub(index)
    result = _over_limit(_STATE["specs"])(sub, over_limit_line(seconds))
    result.notes.extend(Note(code="collect", message=note) for note in sub.notes)
    return entry_dict(Entry(result, sha256=sub.sha256))


def entry_dict(entry: Entry) -> dict[str, Any]:
    """An :class:`Entry` as JSON-able data, lossless (unlike the gradebook JSON, it keeps note codes and
    the reference digest that copy detection uses)."""
    return asdict(entry)


def entry_from_dict(data: dict[str, Any]) -> Entry:
    raw = copy.deepcopy(dict(data))  # the run appends flags and notes: never to the caller's lists
    result = SubmissionResult.from_dict(raw.pop("result"))
    known = {f.name for f in fields(Entry)}
    return Entry(result, **{k: v for k, v in raw.items() if k in known})


def merge(entries: Sequence[dict[str, Any]], duplicates: str = DEFAULT_DUPLICATES,
          created_at: str = "") -> dict[str, Any]:
    """Every loaded file's entry (in index order) → the gradebook dict of ``grader grade --json``."""
    subs = _STATE["subs"]
    if len(entries) != len(subs):
        raise ValueError(f"结果数（{len(entries)}）与文件数（{len(subs)}）不一致")
    if duplicates not in DUPLICATE_POLICIES:
        duplicates = DEFAULT_DUPLICATES
    book = finish_gradebook([entry_from_dict(e) for e in entries], subs, _STATE["specs"], roster=_STATE["roster"],
                            duplicates=duplicates)
    if created_at:
        book.stamp.created_at = created_at
    for ex in book.stamp.exercise_hashes:
        book.stamp.exercise_hashes[ex] = _STATE.get("hashes", {}).get(ex) or book.stamp.exercise_hashes[ex]
    _STATE["book"] = book
    return book.to_dict()


def _feedback_zip(book: Gradebook) -> bytes:
    """``grader feedback`` into a temporary folder, zipped: ``反馈/<学号>.html`` + ``反馈/index.html``."""
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="feedback-") as tmp:
        write_feedback(book, tmp)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(Path(tmp).iterdir()):
                zf.writestr(f"反馈/{path.name}", path.read_bytes())
    return buffer.getvalue()


def output(fmt: str) -> bytes:
    """One download of the merged gradebook: a renderer's bytes, the report, or the feedback zip."""
    book: Gradebook | None = _STATE["book"]
    if book is None:
        raise ValueError("还没有批改结果；请先点“开始批改”")
    if fmt == "report":
        return render_report(book)
    if fmt == "feedback":
        return _feedback_zip(book)
    return RENDERERS[fmt](book, "zh")


def call(name: str, args_json: str) -> str:
    """JSON in, JSON out for the worker: ``{"ok": value}`` or ``{"error": Chinese line}``; never raises."""
    fn = {"init": init, "roster": roster, "roster_file": roster_file, "plan": plan, "prepare": prepare, "grade": grade,
          "over_limit": over_limit, "merge": merge}.get(name)
    try:
        if fn is None:
            raise ValueError(f"未知的操作 {name}")
        return json.dumps({"ok": fn(*json.loads(args_json))}, ensure_ascii=False)
    except MemoryError:
        return json.dumps({"error": "内存不够，这一步没有完成；请分几次批改（每次少放一些文件）。"}, ensure_ascii=False)
    except Exception as exc:  # the page shows one line; --debug-like details go to the log
        log_exception(f"webgrade {name}", args_json[:200], exc)
        return json.dumps({"error": f"批改程序出错（{str(exc)[:160] or '未知原因'}）；请刷新页面重试。"},
                          ensure_ascii=False)

