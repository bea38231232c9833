"""Grade one submission: bytes + file name → :class:`~grader.model.SubmissionResult`. Never raises.

The student's code is never executed here: in-memory answers are serialised to submission bytes
first (:func:`grade_result`), so the browser and the CLI grade exactly the same thing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from grader import cache
from grader.cache import student_key
from grader.checks import REGISTRY, CheckContext, ReferenceUnavailable, run_check
from grader.digest import answer_digest
from grader.intake.normalize import NoteBook, map_headers, to_canonical
from grader.intake.raw_data import DataTableError, data_table_line
from grader.intake.readers import RawDocument, RawTable, ReadError, header_picker_for, read_raw
from grader.log import log_exception
from grader.model import CheckResult, Note, SubmissionResult, round_points
from grader.reference import LazyTables, ReferenceFailed, reference_answer, student_tables
from grader.serialize import SerializeError, serialize
from grader.spec import ExerciseSpec
from grader.tier_config import parse_config


@dataclass
class Answer:
    """A submission read and normalised: what the checks see."""

    value: Any
    """Canonical DataFrame (tables) or ParsedConfig (tier configs)."""
    notes: list[Note] = field(default_factory=list)
    raw_columns: list[str] = field(default_factory=list)
    format: str = ""


def read_answer(spec: ExerciseSpec, filename: str, data: bytes, *, handed_in: bool = False) -> Answer:
    """Read and normalise a submission; raises only ReadError.

    ``handed_in``: a file a student handed in (the grader), not the page's own ``result``: one that is a
    course data table gets its own line (:mod:`grader.intake.raw_data`); in the page the checks explain it."""
    sub = spec.submission
    book = NoteBook()
    raw = read_raw(data, filename, sub.accept, header_picker=header_picker_for(sub), sheet=sub.sheet, book=book)
    try:
        if isinstance(raw, RawTable):
            if sub.kind != "table":
                raise ReadError("本练习要提交等级配置（YAML/JSON），收到的是表格")
            if handed_in:
                mapped = map_headers([str(c) for c in raw.frame.columns], sub, NoteBook()).values()
                line = data_table_line(raw.frame.columns, set(sub.columns) - set(mapped))
                if line:
                    raise DataTableError(line)
            frame = to_canonical(raw.frame, sub, book)
            return Answer(frame, book.notes(), [str(c) for c in raw.frame.columns], raw.format)
        assert isinstance(raw, RawDocument)
        if sub.kind == "table":
            raise ReadError("本练习要提交表格（CSV/Excel），收到的是配置文件")
        parsed = parse_config(raw.data)
        return Answer(parsed, book.notes() + parsed.notes, [], raw.format)
    except (ReadError, MemoryError):
        raise
    except Exception as exc:
        log_exception("normalise", filename, exc)
        raise ReadError("整理表格内容时出错（某些单元格的内容无法按列的类型读取）；请按练习要求的列重新保存后再提交") from None


def reference_submission(spec: ExerciseSpec, student: str | None) -> Any:
    """The reference answer for this variant, serialised and read back like a submission (cached).

    The serialised bytes are also kept in the persistent cache (CPython), so grading the same class
    again needs neither the variant nor a run of solution.py.
    """
    key = (str(spec.folder), spec.id, student_key(student))
    with cache.LOCK:
        if key in cache.REFERENCES:
            return cache.REFERENCES[key]
    fmt = spec.submission.format
    disk_key = f"{cache.reference_key(spec, student)}.{fmt}" if cache.cache_dir() is not None else ""
    data = cache.cache_get("references", disk_key)
    try:
        if data is None:
            data = serialize(spec, reference_answer(spec, student)).data
            if disk_key:
                cache.cache_put("references", disk_key, data)
        value = read_answer(spec, spec.submission_name(student, fmt), data).value
    except ReferenceFailed as exc:
        raise ReferenceUnavailable(str(exc)) from None
    except (SerializeError, ReadError) as exc:
        raise ReferenceUnavailable(f"参考答案无法转成提交格式（{exc}）") from None
    with cache.LOCK:
        cache.REFERENCES[key] = value
    return value


def prepare_reference(spec: ExerciseSpec, student: str | None) -> None:
    """Compute and cache the reference answer (and the tables checks read) for ``student``; never raises."""
    try:
        reference_submission(spec, student)
        if any(REGISTRY[c.kind].reads_tables for c in spec.checks):  # generated before the file's limits
            student_tables(student, spec.datasets)
    except ReferenceUnavailable:
        pass  # each check that needs it says so when it runs


def reference_digest(spec: ExerciseSpec, student: str | None) -> str | None:
    """Digest of the reference answer for ``student`` (None when there is none)."""
    try:
        return answer_digest(spec, reference_submission(spec, student))
    except ReferenceUnavailable:
        return None


def _apply_deductions(spec: ExerciseSpec, notes: list[Note]) -> float:
    total = 0.0
    charged: set[str] = set()
    for note in notes:
        points = spec.notes.deductions.get(note.code, 0.0)
        if points and note.code not in charged:
            note.deduction = points
            charged.add(note.code)
            total += points
    if spec.notes.max_deduction is not None:
        total = min(total, spec.notes.max_deduction)
    return total


def _skipped(ctx: CheckContext) -> CheckResult:
    res = ctx.result(0.0, "这项检查需要参考答案，考试模式下不在页面上进行，由老师评分")
    res.skipped = True
    res.hint = ""
    return res


def grade_bytes(spec: ExerciseSpec, filename: str, data: bytes, student: str | None, *,
                solutions: bool = True, handed_in: bool = False) -> SubmissionResult:
    """Grade a submitted file against ``student``'s variant; never raises.

    ``solutions=False`` skips checks that need the reference answer (exam builds in the browser).
    """
    read = read_submission(spec, filename, data, student, handed_in=handed_in)
    if isinstance(read, SubmissionResult):
        return read
    return grade_answer(spec, read, filename, student, solutions=solutions)


def read_submission(spec: ExerciseSpec, filename: str, data: bytes, student: str | None, *,
                    handed_in: bool = False) -> Answer | SubmissionResult:
    """The file read and normalised, or the error result saying why it cannot be (first half of grade_bytes)."""
    try:
        return read_answer(spec, filename, data, handed_in=handed_in)
    except ReadError as exc:
        return _failed(spec, filename, student, str(exc))
    except MemoryError:
        raise  # over the per-file memory limit: the worker reports it (or the caller, without limits)
    except Exception as exc:  # the readers wrap everything; this is the last guard
        log_exception("read", filename, exc)
        return _failed(spec, filename, student,
                       "读取文件时评分程序出错，该文件未评分；请把文件发给老师（老师可用 --debug 查看原因）")


def grade_answer(spec: ExerciseSpec, answer: Answer, filename: str, student: str | None, *,
                 solutions: bool = True) -> SubmissionResult:
    """Run the checks on an answer read by :func:`read_submission` (second half of grade_bytes); never raises."""
    result = SubmissionResult(file=filename, student=student, exercise=spec.id, status="graded",
                              max_score=round_points(spec.max_score))
    try:
        return _grade_answer(spec, answer, result, student, solutions=solutions)
    except MemoryError:
        raise
    except Exception as exc:
        log_exception("grade", filename, exc)
        return _failed(spec, filename, student, "评分程序出错，该文件未评分；请把文件发给老师（老师可用 --debug 查看原因）")


def _failed(spec: ExerciseSpec, filename: str, student: str | None, message: str) -> SubmissionResult:
    return SubmissionResult(file=filename, student=student, exercise=spec.id, status="error",
                            max_score=round_points(spec.max_score), error=message)


def _grade_answer(spec: ExerciseSpec, answer: Answer, result: SubmissionResult, student: str | None, *,
                  solutions: bool) -> SubmissionResult:
    result.notes = list(answer.notes)

    minute_cols = answer.value.attrs.get("minute_precision", []) if isinstance(answer.value, pd.DataFrame) else []
    memo: list[Any] = []

    def reference() -> Any:
        if not memo:
            memo.append(_at_submission_precision(reference_submission(spec, student), minute_cols, result))
        return memo[0]

    def tables() -> Mapping[str, Any]:
        return LazyTables(student)

    for check_spec in spec.checks:
        ctx = CheckContext(spec, check_spec, answer.value, student,
                           reference_provider=reference if solutions else None,
                           tables_provider=tables, extra={"raw_columns": answer.raw_columns})
        if check_spec.needs_reference and not solutions:
            result.checks.append(_skipped(ctx))
            continue
        result.checks.append(run_check(REGISTRY[check_spec.kind], ctx))
    earned = sum(c.points for c in result.checks)
    result.score = round_points(max(0.0, earned - _apply_deductions(spec, result.notes)))
    try:
        result.answer_digest = answer_digest(spec, answer.value)
    except Exception as exc:  # the digest only groups identical answers in the report; it must not fail grading
        log_exception("answer digest", result.file, exc)
        result.answer_digest = None
    return result


PRECISION_NOTE = ("时间只精确到分钟（Excel 另存为 CSV 时去掉了秒），已按分钟比较；想保留秒，请把时间列的单元格格式"
                  "设为 yyyy-mm-dd hh:mm:ss 再保存")
CODE_PRECISION_NOTE = ("时间只写到了分钟，已按分钟比较；练习要求写到秒：格式用 %Y-%m-%d %H:%M:%S，"
                       "或者不用 strftime，直接保留时间列")
"""The same note for an answer that came from the student's code (the page), where no Excel was involved."""


def _at_submission_precision(ref: Any, minute_cols: list[str], result: SubmissionResult) -> Any:
    """The reference with these time columns cut to whole minutes, when the submission has no seconds."""
    if not minute_cols or not isinstance(ref, pd.DataFrame):
        return ref
    cols = [c for c in minute_cols if c in ref.columns and bool((ref[c].dropna().dt.second != 0).any())]
    if not cols:
        return ref
    ref = ref.copy()
    for col in cols:
        ref[col] = ref[col].dt.floor("min")
    result.notes.append(Note(code="precision", message=f"{'、'.join(cols)}：{PRECISION_NOTE}"))
    return ref


def grade_result(spec: ExerciseSpec, result_obj: Any, student: str | None, *, solutions: bool = True,
                 fmt: str | None = None) -> SubmissionResult:
    """Grade an in-memory answer (the ``result`` variable) by serialising it first; never raises."""
    filename = spec.submission_name(student, fmt or spec.submission.format)
    try:
        ser = serialize(spec, result_obj, fmt)
    except SerializeError as exc:
        return SubmissionResult(file=filename, student=student, exercise=spec.id, status="error",
                                max_score=round_points(spec.max_score), error=str(exc))
    except Exception as exc:
        log_exception("serialize", filename, exc)
        return SubmissionResult(file=filename, student=student, exercise=spec.id, status="error",
                                max_score=round_points(spec.max_score),
                                error=f"无法把 result 转成提交文件（{str(exc)[:100] or '内容无法转换'}）；请检查 result 是不是练习要求的表格")
    graded = grade_bytes(spec, filename, ser.data, student, solutions=solutions)
    for note in graded.notes:
        if note.code == "precision":
            note.message = note.message.replace(PRECISION_NOTE, CODE_PRECISION_NOTE)
    graded.notes = ser.notes + graded.notes
    return graded


def answer_key(spec: ExerciseSpec, student: str | None) -> tuple[str, bytes]:
    """The instructor's answer for ``student``'s variant as a submission: (file name, bytes).

    Raises :class:`~grader.reference.ReferenceFailed` or :class:`~grader.serialize.SerializeError`.
    """
    packed = serialize(spec, reference_answer(spec, student))
    return spec.submission_name(student, packed.format), packed.data


__all__ = [
    "Answer",
    "answer_digest",
    "answer_key",
    "grade_answer",
    "grade_bytes",
    "grade_result",
    "prepare_reference",
    "read_answer",
    "read_submission",
    "reference_digest",
    "reference_submission",
]
