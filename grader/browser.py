"""The engine as the browser (Pyodide worker) calls it: JSON-able values in and out, no exceptions.

``init(exercises_dir)`` once (the folder the Python bundle unpacked ``exercises/`` to), then
``check(id, result, student)`` grades the student's in-memory ``result`` exactly as the CLI grades
the downloaded file: it is serialised to the submission format and passed to ``grade_bytes``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from grader.engine import grade_result, reference_submission
from grader.log import log_exception
from grader.model import SubmissionResult
from grader.reference import reference_answer
from grader.serialize import SerializeError, serialize
from grader.spec import ExerciseSpec, SpecError, exercise_folders, load_spec, spec_hash

_STATE: dict[str, Any] = {"dir": None, "specs": {}, "hashes": {}}
HIDDEN_NAME = "隐藏检查"
HIDDEN_FAILED = "有一项隐藏检查未通过：再对照说明检查一遍规则（边界、口径）"


def init(exercises_dir: str | Path) -> dict[str, Any]:
    """Load every exercise under ``exercises_dir``; returns {"exercises": {id: info}} or {"error": …}."""
    root = Path(exercises_dir)
    _STATE.update(dir=root, specs={}, hashes={})
    infos: dict[str, Any] = {}
    try:
        for folder in exercise_folders(root):
            spec = load_spec(folder)
            _STATE["specs"][spec.id] = spec
            _STATE["hashes"][spec.id] = spec_hash(folder)
            infos[spec.id] = exercise_info(spec.id)
    except SpecError as exc:
        return {"error": str(exc), "exercises": infos}
    except Exception as exc:
        log_exception("browser init", str(root), exc)
        return {"error": f"练习加载失败（{str(exc)[:120] or '未知原因'}）；请刷新页面，仍不行请告诉老师", "exercises": infos}
    return {"exercises": infos}


def _spec(exercise_id: str) -> ExerciseSpec:
    specs: dict[str, ExerciseSpec] = _STATE["specs"]
    if exercise_id in specs:
        return specs[exercise_id]
    root = _STATE["dir"]
    if root is None:
        raise SpecError("评分模块还没有初始化（缺少 browser.init）")
    folder = Path(root) / exercise_id
    if not folder.is_dir():
        raise SpecError(f"练习 {exercise_id} 不存在")
    spec = load_spec(folder)
    specs[exercise_id] = spec
    _STATE["hashes"][exercise_id] = spec_hash(folder)
    return spec


def exercise_info(exercise_id: str) -> dict[str, Any]:
    """What the widget shows before any check: title, points, format, checks (hidden ones masked)."""
    spec = _spec(exercise_id)
    return {
        "id": spec.id,
        "title": spec.title,
        "attempts_before_solution": spec.attempts_before_solution,
        "max_score": spec.max_score,
        "kind": spec.submission.kind,
        "format": spec.submission.format,
        "datasets": list(spec.datasets),
        "hash": _STATE["hashes"].get(spec.id, ""),
        "checks": [{"name": HIDDEN_NAME if c.hidden else c.display_name, "points": c.points,
                    "hidden": c.hidden, "needs_reference": c.needs_reference} for c in spec.checks],
    }


def _internal(what: str, exercise_id: str, exc: BaseException) -> str:
    log_exception(f"browser {what}", exercise_id, exc)
    if isinstance(exc, MemoryError):
        return "检查时内存不够（结果表太大）；请只保留练习要求的列和行再检查"
    return "检查程序出错，这次没有评分；请再点一次“检查”，仍不行请告诉老师"


def _student(student: str | None) -> str | None:
    text = "" if student is None else str(student).strip()
    return text or None


def _masked(result: SubmissionResult) -> dict[str, Any]:
    data = result.to_dict()
    for check in data["checks"]:
        if check["hidden"]:
            check["name"] = HIDDEN_NAME
            if not check["passed"]:
                check["message"], check["details"], check["hint"] = HIDDEN_FAILED, [], ""
    return data


def check(exercise_id: str, result: Any, student: str | None = None, solutions: bool = True) -> dict[str, Any]:
    """Grade ``result`` for ``student`` (None/"" = default data); ``solutions=False`` in exam builds."""
    try:
        spec = _spec(exercise_id)
        graded = grade_result(spec, result, _student(student), solutions=solutions)
        data = _masked(graded)
        data["hash"] = _STATE["hashes"].get(spec.id, "")
        return data
    except Exception as exc:  # the page must always get an answer it can show
        return {"file": "", "student": _student(student), "exercise": exercise_id, "status": "error",
                "score": 0.0, "max_score": 0.0, "checks": [], "notes": [], "passed": False,
                "error": str(exc) if isinstance(exc, SpecError) else _internal("check", exercise_id, exc)}


def prepare(exercise_id: str, student: str | None = None) -> str:
    """Compute and cache the reference answer for (exercise, student) ahead of the first ``check``.

    The browser calls this once its runtime is idle; returns "ok" or the Chinese reason it failed (the
    same reason ``check`` then reports). Never raises.
    """
    try:
        spec, who = _spec(exercise_id), _student(student)
        reference_submission(spec, who)
        # Grade the reference once: what the checks cache (the student's tables, diagnostics such as the
        # order mistakes) is then ready too, and the first real 检查 only runs the student's own code.
        grade_result(spec, reference_answer(spec, who), who)
        return "ok"
    except Exception as exc:
        log_exception("browser prepare", exercise_id, exc)
        return str(exc) or "参考答案无法准备"


def submission_file(exercise_id: str, result: Any, student: str | None = None) -> tuple[str, bytes, str]:
    """(file name, bytes, MIME type) of the 下载提交文件 download, named ``<学号>_<id>.<ext>``.

    On failure the file name is "" and the bytes are the Chinese reason (UTF-8), so nothing raises.
    """
    try:
        spec = _spec(exercise_id)
        ser = serialize(spec, result)
        return spec.submission_name(_student(student), ser.format), ser.data, ser.mime
    except (SerializeError, SpecError) as exc:
        return "", str(exc).encode("utf-8"), "text/plain;charset=utf-8"
    except Exception as exc:
        log_exception("submission file", exercise_id, exc)
        return "", "无法生成提交文件（result 的内容无法转换）；请检查 result 是不是练习要求的表格或配置".encode(), \
            "text/plain;charset=utf-8"


__all__ = ["check", "exercise_info", "init", "prepare", "submission_file"]
