"""What every ``grader`` verb shares: exit codes, the Chinese messages, usage errors, argparse in Chinese,
loading the exercises, writing files, reading a roster."""

from __future__ import annotations

import argparse
import difflib
import errno
import re
import unicodedata
from pathlib import Path
from typing import Any, NoReturn

from rich.console import Console

from grader.intake.identity import STUDENT_ID_PATTERN
from grader.intake.roster import Roster, RosterError, parse_roster
from grader.spec import SpecError, load_all

EXIT_OK = 0
EXIT_SOME_ERRORS = 1
EXIT_USAGE = 2
DEFAULT_EXERCISES = Path(__file__).resolve().parent.parent / "exercises"


class UsageError(Exception):
    """Wrong arguments or configuration: one Chinese line, exit code 2."""


# ---------------------------------------------------------------- messages (zh / en)

MESSAGES: dict[str, dict[str, str]] = {
    "no_exercises": {"zh": "在 {dir} 里没有找到练习；请用 --exercises 指定练习文件夹。",
                     "en": "No exercises found in {dir}; point --exercises at the exercises folder."},
    "unknown_exercise": {"zh": "练习 {id} 不存在（可用：{ids}）；用 grader list 查看。",
                         "en": "Unknown exercise {id} (available: {ids}); see grader list."},
    "missing_path": {"zh": "找不到 {paths}；请检查路径是否写对。", "en": "Not found: {paths}; check the path."},
    "no_paths": {"zh": "没有找到要评分的文件；请检查路径。", "en": "No files to grade; check the paths."},
    "written": {"zh": "已写入 {path}", "en": "Wrote {path}"},
    "report_default": {"zh": "班级报告已写入 {path}（没有给 --html，放在成绩文件旁边）",
                       "en": "Class report written to {path} (no --html given: next to the gradebook)"},
    "cannot_write": {"zh": "无法写入 {path}（{why}）；请检查文件夹是否存在、文件是否被 Excel 打开。",
                     "en": "Cannot write {path} ({why}); check the folder exists and the file is not open."},
    "some_errors": {"zh": "有 {n} 个文件无法评分，原因见上表和输出文件。",
                    "en": "{n} file(s) could not be graded; see the table and the outputs."},
    "some_errors_quiet": {"zh": "有 {n} 个文件无法评分，原因见输出文件。",
                          "en": "{n} file(s) could not be graded; see the outputs."},
    "grading": {"zh": "评分中", "en": "Grading"},
    "no_data": {"zh": "练习 {id} 不需要数据文件。", "en": "Exercise {id} needs no data files."},
    "gradebook_missing": {"zh": "找不到成绩文件 {path}；请先运行 grader grade … --json {path}。",
                          "en": "Gradebook {path} not found; run grader grade … --json {path} first."},
    "gradebook_bad": {"zh": "成绩文件 {path} 无法读取：{why}；请用 grader grade --json 重新生成。",
                      "en": "Cannot read gradebook {path}: {why}; regenerate it with grader grade --json."},
    "own_skipped": {"zh": "已跳过 {n} 个不是学生交的文件（名单、这次要写的输出、以前 grader 生成的成绩和反馈）：{files}",
                    "en": "Left out {n} file(s) that are not students' (the roster, this run's outputs, grader's earlier outputs): {files}"},
    "roster_missing": {"zh": "找不到名单文件 {path}；请检查路径是否写对（也可以直接写用逗号分隔的学号）。",
                       "en": "Roster file {path} not found; check the path (or give comma-separated student ids)."},
    "quiet_nothing": {"zh": "提示：加了 -q 终端不显示成绩，又没有指定输出文件，这次的成绩不会保存；要保存请加上 --xlsx 成绩.xlsx（或 --csv、--json、--html）。",
                      "en": "Note: -q shows no table and no output file was given, so this run's grades are not saved; add --xlsx grades.xlsx (or --csv, --json, --html)."},
    "wrong_suffix": {"zh": "--{fmt} 写出的是 {kind}，文件名应以 {suffix} 结尾（现在是 {path}）；例如 --{fmt} 成绩{suffix}。",
                     "en": "--{fmt} writes {kind}; its file name should end in {suffix} (got {path})."},
    "roster_bad": {"zh": "名单 {path} 无法读取（{why}）；请给出带“学号”列（或每行一个学号）的文本、CSV 或 Excel 名单。",
                   "en": "Cannot read roster {path} ({why}); give a txt, csv or xlsx roster with a 学号 column "
                         "(or one student id per line)."},
    "key_failed": {"zh": "练习 {id} 的参考答案无法生成：{why}", "en": "Cannot build the answer key of {id}: {why}"},
    "internal": {"zh": "grader 内部出错（{why}）；请把命令和文件发给课程维护者。",
                 "en": "Internal error in grader ({why}); send the command and files to the maintainers."},
    "interrupted": {"zh": "已中断。", "en": "Interrupted."},
    "feedback_written": {"zh": "已写入 {n} 份学生反馈，目录页 {path}",
                         "en": "Wrote {n} feedback page(s); index at {path}"},
}


def msg(key: str, lang: str = "zh", **kw: Any) -> str:
    entry = MESSAGES[key]
    return entry.get(lang, entry["zh"]).format(**kw)


# ---------------------------------------------------------------- helpers


def console_for(stderr: bool = False) -> Any:
    return Console(stderr=stderr, highlight=False, soft_wrap=stderr)


def load_specs(exercises_dir: str | Path | None, lang: str = "zh") -> dict[str, Any]:
    """All exercise specs; a broken spec is a :class:`UsageError` naming file and field."""
    folder = Path(exercises_dir) if exercises_dir else DEFAULT_EXERCISES
    try:
        specs = load_all(folder)
    except SpecError as exc:
        raise UsageError(f"练习设置有误：{exc}") from None
    if not specs:
        raise UsageError(msg("no_exercises", lang, dir=folder))
    return specs


def spec_of(specs: dict[str, Any], exercise_id: str, lang: str) -> Any:
    """The spec an id names, as a file name may spell it (``old_customers``, ``OldCustomers``, its title or an
    alias: the rules of :func:`grader.intake.identity.find_exercise`); a usage error listing the ids else."""
    if exercise_id in specs:
        return specs[exercise_id]
    from grader.intake.collect import exercise_names  # noqa: PLC0415
    from grader.intake.identity import find_exercise, is_exercise_name  # noqa: PLC0415

    names = exercise_names(specs)
    found, _notes = find_exercise(exercise_id, names)
    if found is None or not is_exercise_name(exercise_id, found, names[found]):
        raise UsageError(msg("unknown_exercise", lang, id=exercise_id, ids="、".join(sorted(specs))))
    return specs[found]


def write_bytes(path: str | Path, data: bytes, lang: str) -> Path:
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    except OSError as exc:
        raise UsageError(msg("cannot_write", lang, path=target, why=os_reason(exc, lang))) from None
    return target


_OS_REASONS = {
    errno.EISDIR: "这是一个文件夹，请写文件名",
    errno.ENOTDIR: "路径中间有一段不是文件夹",
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有写入权限",
    errno.ENOSPC: "磁盘已满",
    errno.EROFS: "磁盘是只读的",
    errno.ENOENT: "文件夹不存在",
    errno.ENAMETOOLONG: "文件名太长",
}


def os_reason(exc: OSError, lang: str = "zh") -> str:
    """The reason of an OS error in the user's language (``strerror`` is English)."""
    if lang == "zh":
        return _OS_REASONS.get(exc.errno or 0, "系统拒绝写入")
    return exc.strerror or "refused by the system"


def read_roster(path: str, lang: str = "zh") -> Roster:
    """学号 (and 姓名) from a roster file (txt / csv / xlsx, UTF-8 or GBK) or a comma-separated list — the same parser as the
    browser's 教师批改 page (:func:`grader.intake.roster.parse_roster`)."""
    source = Path(path)
    looks_like_file = "," not in path and "，" not in path and (
        source.suffix.lower() in (".txt", ".csv", ".xlsx", ".xls", ".tsv") or "/" in path or "\\" in path)
    if looks_like_file and not source.exists():
        raise UsageError(msg("roster_missing", lang, path=path))
    try:
        data: bytes | str = source.read_bytes() if source.exists() and not source.is_dir() else path  # a pipe too: <(…)
    except OSError as exc:
        raise UsageError(msg("roster_bad", lang, path=path, why=os_reason(exc, lang))) from None
    try:
        return parse_roster(data)
    except RosterError as exc:
        raise UsageError(msg("roster_bad", lang, path=path, why=str(exc))) from None


# ---------------------------------------------------------------- verbs


# ---------------------------------------------------------------- argparse in Chinese

_ARGPARSE_ZH = (
    (re.compile(r"the following arguments are required: (.*)"), "缺少参数：{0}"),
    (re.compile(r"unrecognized arguments: (.*)"), "无法识别的参数：{0}"),
    (re.compile(r"argument (\S+): invalid choice: (.*?) \(choose from (.*)\)"), "参数 {0} 的取值 {1} 无效（可选：{2}）"),
    (re.compile(r"argument (\S+): expected one argument"), "参数 {0} 后面要跟一个值"),
    (re.compile(r"argument (\S+): (.*)"), "参数 {0} 有误：{1}"),
)


class ChineseParser(argparse.ArgumentParser):
    """argparse that raises UsageError (in Chinese) instead of printing English and exiting."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        add_help = kwargs.pop("add_help", True)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        if add_help:
            self.add_argument("-h", "--help", action="help", help="显示帮助并退出")

    def error(self, message: str) -> NoReturn:
        for pattern, template in _ARGPARSE_ZH:
            m = pattern.fullmatch(message)
            if m:
                message = template.format(*m.groups())
                break
        unknown = re.fullmatch(r"无法识别的参数：(--?[\w-]+).*", message)
        if unknown:
            close = difflib.get_close_matches(unknown.group(1), self._all_options(), n=1, cutoff=0.6)
            if close:
                message += f"（是不是想写 {close[0]}？）"
        raise UsageError(f"{message}；用 {self.prog} --help 查看用法。")

    def _all_options(self) -> list[str]:
        """Every option string of this parser and its verbs (an unknown option is reported by the top parser)."""
        options = list(self._option_string_actions)
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    options += list(sub._option_string_actions)
        return sorted(set(options))

    def format_usage(self) -> str:
        return _usage_zh(super().format_usage())

    def format_help(self) -> str:
        return _usage_zh(super().format_help())


def _usage_zh(text: str) -> str:
    return re.sub(r"^usage: ", "用法：", text)


def student_id(text: str) -> str:
    """``--student``: a 学号 as the course writes it (NFKC; the exercise pages' pattern), never a name."""
    value = unicodedata.normalize("NFKC", text).strip()
    if not re.fullmatch(STUDENT_ID_PATTERN, value):
        raise argparse.ArgumentTypeError(f"“{text}”不是学号；这里要写学号（数字，可带字母前缀，如 2024001），不是姓名")
    return value


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"应为正数，例如 10，而不是 {text!r}")
    return value


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"应为正整数，例如 2，而不是 {text!r}")
    return value


__all__ = ["DEFAULT_EXERCISES", "EXIT_OK", "EXIT_SOME_ERRORS", "EXIT_USAGE", "MESSAGES", "ChineseParser", "UsageError",
           "console_for", "load_specs", "msg", "os_reason", "positive_float", "positive_int", "read_roster", "spec_of",
           "student_id", "write_bytes"]
