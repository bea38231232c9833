"""``grader``: the instructor's command line. A thin argparse layer over keyword-only functions.

Each verb is a plain function ``main_<verb>(*, …) -> int`` (the exit code) that tests call
directly; :func:`main` only parses arguments, picks the verb and turns every failure into one
Chinese line on stderr — never a traceback. Exit codes: 0 all graded, 1 some file could not be
graded (it is still in every output), 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

from rich.markup import escape
from rich.table import Table

import datasets
from grader import cache
from grader.cli_support import (
    EXIT_OK,
    EXIT_SOME_ERRORS,
    EXIT_USAGE,
    ChineseParser,
    UsageError,
    console_for,
    load_specs,
    msg,
    os_reason,
    positive_float,
    positive_int,
    read_roster,
    spec_of,
    student_id,
    write_bytes,
)
from grader.engine import answer_key
from grader.feedback import write_feedback
from grader.grading import build_gradebook
from grader.intake.collect import collect
from grader.log import debug_enabled, enable_debug, log_exception
from grader.parallel import DEFAULT_FILE_MEMORY, DEFAULT_FILE_TIMEOUT, FileLimits
from grader.progress import with_progress
from grader.render import RENDERERS
from grader.render.common import fmt_points
from grader.render.terminal import show
from grader.report import load_gradebook, render_report

__all__ = [
    "EXIT_OK",
    "EXIT_SOME_ERRORS",
    "EXIT_USAGE",
    "UsageError",
    "main",
    "main_dataset",
    "main_feedback",
    "main_grade",
    "main_key",
    "main_list",
    "main_report",
]

OUTPUT_HELP = {"json": "JSON 成绩文件", "csv": "CSV（Excel 可直接打开）", "xlsx": "Excel 成绩单", "html": "HTML 成绩单"}
OUTPUT_SUFFIXES = {"json": (".json",), "csv": (".csv",), "xlsx": (".xlsx",), "html": (".html", ".htm")}
"""File name endings of each output: ``--xlsx 成绩.csv`` would write a workbook Excel refuses to open as CSV."""


def check_outputs(outputs: dict[str, str], *, quiet: bool, lang: str) -> None:
    """Before grading: refuse a misnamed output; warn when nothing would show or be saved (``-q`` alone still
    fills the result cache, so it is not refused)."""
    if quiet and not outputs:
        console_for(stderr=True).print(f"[yellow]{_escape(msg('quiet_nothing', lang))}[/]")
    for fmt, path in outputs.items():
        suffixes = OUTPUT_SUFFIXES.get(fmt, ())
        if suffixes and not str(path).lower().endswith(suffixes):
            raise UsageError(msg("wrong_suffix", lang, fmt=fmt, kind=OUTPUT_HELP.get(fmt, fmt), suffix=suffixes[0],
                                 path=path))


def main_list(*, exercises_dir: str | Path | None = None, lang: str = "zh", console: Any = None) -> int:
    """Print every exercise: id, title, submission formats, max points."""
    specs = load_specs(exercises_dir, lang)
    console = console or console_for()
    heads = ("编号", "标题", "提交格式", "满分") if lang == "zh" else ("id", "title", "formats", "max")
    table = Table(*heads)
    for ex_id, spec in sorted(specs.items()):
        table.add_row(ex_id, spec.title, "/".join(spec.submission.accept), fmt_points(spec.max_score))
    console.print(table)
    return EXIT_OK


def main_grade(
    *,
    paths: Sequence[str | Path],
    exercises_dir: str | Path | None = None,
    exercise: str | None = None,
    student: str | None = None,
    roster: Sequence[str] = (),
    outputs: dict[str, str | Path] | None = None,
    lang: str = "zh",
    quiet: bool = False,
    jobs: int | None = None,
    duplicates: str = "latest",
    file_limits: FileLimits | None = None,
    console: Any = None,
    roster_path: str | None = None,
) -> int:
    """Grade every file under ``paths``; write ``outputs`` (format → path); 0 or 1.

    The roster file (``roster_path``) and the outputs are not graded when a folder holds them, nor are files
    grader wrote before (last run's 成绩 and 反馈): one line says how many were left out.

    Each file is graded in a worker process under ``file_limits`` (default 10 s / 1 GB per file).

    ``duplicates`` (latest | best) picks the file that counts when a student handed in several.

    ``jobs`` processes grade different students at once (default: one per CPU core).
    """
    specs = load_specs(exercises_dir, lang)
    if exercise is not None:
        exercise = spec_of(specs, exercise, lang).id
    missing = [str(p) for p in paths if not Path(p).exists()]
    if missing:
        raise UsageError(msg("missing_path", lang, paths="、".join(missing)))
    console = console or console_for()
    skipped: list[str] = []
    subs = collect(paths, specs, exercise=exercise, student=student, roster=roster,
                   exclude=[*(outputs or {}).values(), *([roster_path] if roster_path else [])], skipped=skipped)
    if skipped:
        console_for(stderr=True).print(_escape(msg("own_skipped", lang, n=len(skipped), files="、".join(skipped[:3])
                                                  + ("……" if len(skipped) > 3 else ""))))
    if not subs:
        raise UsageError(msg("no_paths", lang))
    gradebook = with_progress(subs, lambda progress: build_gradebook(
        subs, specs, roster=roster, progress=progress, jobs=jobs or os.cpu_count() or 1, duplicates=duplicates,
        limits=file_limits or FileLimits()), lang, quiet)
    cache.trim_disk_cache()
    for fmt, path in (outputs or {}).items():
        write_bytes(path, RENDERERS[fmt](gradebook, lang), lang)
    if not quiet:
        show(gradebook, console, lang)
    for path in (outputs or {}).values():
        console.print(msg("written", lang, path=path))
    if not gradebook.ok:
        console_for(stderr=True).print(msg("some_errors_quiet" if quiet else "some_errors", lang,
                                        n=gradebook.summary.errors))
        return EXIT_SOME_ERRORS
    return EXIT_OK


def main_dataset(*, exercise_id: str, student: str, out: str | Path, exercises_dir: str | Path | None = None,
                 lang: str = "zh", console: Any = None) -> int:
    """Write that student's data files (``out/data/<table>.csv``) for one exercise."""
    spec = spec_of(load_specs(exercises_dir, lang), exercise_id, lang)
    console = console or console_for()
    if not spec.datasets:
        console.print(msg("no_data", lang, id=exercise_id))
        return EXIT_OK
    tables = datasets.generate(student)
    wanted = {name: tables[name] for name in spec.datasets}
    target = Path(out) / "data"
    try:
        target.mkdir(parents=True, exist_ok=True)
        datasets.write_csvs(wanted, target)
    except OSError as exc:
        raise UsageError(msg("cannot_write", lang, path=target, why=os_reason(exc, lang))) from None
    for name in spec.datasets:
        console.print(msg("written", lang, path=target / f"{name}.csv"))
    return EXIT_OK


def main_key(*, exercise_id: str, student: str, out: str | Path, exercises_dir: str | Path | None = None,
             lang: str = "zh", console: Any = None) -> int:
    """Write ``out/<学号>_<exercise-id>.<ext>``, the answer key that ``grader grade`` scores full marks."""
    spec = spec_of(load_specs(exercises_dir, lang), exercise_id, lang)
    console = console or console_for()
    try:
        name, data = answer_key(spec, student)
    except Exception as exc:  # the reference failing is the exercise author's problem, said in one line
        log_exception("answer key", exercise_id, exc)
        raise UsageError(msg("key_failed", lang, id=exercise_id, why=str(exc) or "未知错误")) from None
    target = write_bytes(Path(out) / name, data, lang)
    console.print(msg("written", lang, path=target))
    return EXIT_OK


def _load_book(gradebook: str | Path, lang: str) -> Any:
    source = Path(gradebook)
    if not source.is_file():
        raise UsageError(msg("gradebook_missing", lang, path=source))
    try:
        return load_gradebook(source)
    except ValueError as exc:
        raise UsageError(msg("gradebook_bad", lang, path=source, why=exc)) from None


DEFAULT_REPORT = {"zh": "班级报告.html", "en": "class-report.html"}
"""``grader report`` without ``--html`` writes this file next to the gradebook."""


def main_report(*, gradebook: str | Path, html: str | Path | None = None, lang: str = "zh",
                console: Any = None) -> int:
    """Class statistics of a gradebook JSON as one self-contained HTML page (default: next to the JSON)."""
    book = _load_book(gradebook, lang)
    target = write_bytes(html or Path(gradebook).parent / DEFAULT_REPORT[lang], render_report(book, lang), lang)
    (console or console_for()).print(msg("written" if html else "report_default", lang, path=target))
    return EXIT_OK


def main_feedback(*, gradebook: str | Path, out: str | Path, lang: str = "zh", console: Any = None) -> int:
    """One printable feedback page per student (``out/<学号>.html``) plus ``out/index.html``."""
    book = _load_book(gradebook, lang)
    try:
        pages = write_feedback(book, out)
    except OSError as exc:
        raise UsageError(msg("cannot_write", lang, path=out, why=exc.strerror or "系统拒绝写入")) from None
    (console or console_for()).print(msg("feedback_written", lang, n=len(pages), path=Path(out) / "index.html"))
    return EXIT_OK


# ---------------------------------------------------------------- argparse layer

def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--exercises", metavar="DIR", help="练习文件夹（默认：仓库里的 exercises/）")
    common.add_argument("--lang", choices=("zh", "en"), default="zh", help="输出语言（默认 zh）")
    common.add_argument("--debug", action="store_true",
                        help="出错时把完整的 Python 报错堆栈打印到 stderr（也可设环境变量 GRADER_DEBUG=1）")
    parser = ChineseParser(prog="grader", description="电商客户服务实训的评分工具：离线批改学生提交的表格和等级配置。")
    verbs = parser.add_subparsers(dest="verb", metavar="命令", parser_class=ChineseParser)
    verbs.required = True
    verbs.add_parser("list", parents=[common], help="列出所有练习（编号、标题、提交格式、满分）")

    grade = verbs.add_parser("grade", parents=[common], help="批改文件、文件夹或压缩包（.zip、.7z）")
    grade.add_argument("paths", nargs="+", metavar="PATH", help="文件、文件夹或压缩包（.zip、.7z）")
    grade.add_argument("--exercise", metavar="ID", help="所有文件都按这个练习批改（默认从文件名识别）")
    grade.add_argument("--student", metavar="学号", type=student_id, help="所有文件都按这个学号的数据批改（默认从文件名识别）")
    grade.add_argument("--roster", metavar="名单", help="全班名单：txt、csv 或 Excel 文件（按“学号”列找），或用逗号分隔的学号；"
                       "没交的记“未提交”，不在名单上的学号标“名单外”，也用于发现抄袭；名单有“姓名”列时，"
                       "输出里写上姓名，只用姓名命名的文件也能认出学号")
    for fmt in RENDERERS:  # one output option per renderer
        grade.add_argument(f"--{fmt}", metavar="F", help=f"写出 {OUTPUT_HELP.get(fmt, fmt.upper() + ' 文件')}")
    grade.add_argument("--duplicates", choices=("latest", "best"), default="latest",
                       help="同一学生同一练习交了多份时计哪一份：latest 最后提交（默认，按压缩包内时间或文件修改时间），"
                            "best 最高分；其余记为“重复提交（未计分）”")
    grade.add_argument("-q", "--quiet", action="store_true", help="不在终端打印成绩表")
    grade.add_argument("-j", "--jobs", type=positive_int, metavar="N",
                       help="同时批改的进程数（默认等于 CPU 核数；1 表示逐个批改）")
    grade.add_argument("--file-timeout", type=positive_float, metavar="秒", default=DEFAULT_FILE_TIMEOUT,
                       help=f"每个文件最多用多少秒读取和评分，超过记为无法评分（默认 {DEFAULT_FILE_TIMEOUT:g}）")
    grade.add_argument("--file-memory", type=positive_int, metavar="MB", default=DEFAULT_FILE_MEMORY,
                       help=f"每个文件最多用多少 MB 内存，超过记为无法评分（默认 {DEFAULT_FILE_MEMORY}，即 1 GB）")

    for verb, what in (("dataset", "写出该学号的数据文件"), ("key", "写出该学号的参考答案（提交文件格式）")):
        p = verbs.add_parser(verb, parents=[common], help=what)
        p.add_argument("exercise_id", metavar="ID", help="练习编号")
        p.add_argument("--student", metavar="学号", type=student_id, required=True, help="学号（如 2024001）")
        p.add_argument("--out", metavar="DIR", required=True, help="输出文件夹")

    report = verbs.add_parser("report", parents=[common], help="根据成绩文件生成全班统计报告")
    report.add_argument("gradebook", metavar="GRADEBOOK.json", help="grader grade --json 生成的文件")
    report.add_argument("--html", metavar="F", help="报告 HTML 文件（默认：成绩文件旁边的 班级报告.html）")

    feedback = verbs.add_parser("feedback", parents=[common], help="根据成绩文件给每位学生生成一页反馈（可打印）")
    feedback.add_argument("gradebook", metavar="GRADEBOOK.json", help="grader grade --json 生成的文件")
    feedback.add_argument("--out", metavar="DIR", required=True, help="输出文件夹（每位学生一个 学号.html）")
    return parser


def _dispatch(args: argparse.Namespace) -> int:
    lang = args.lang
    if args.verb == "list":
        return main_list(exercises_dir=args.exercises, lang=lang)
    if args.verb == "grade":
        outputs = {fmt: getattr(args, fmt) for fmt in RENDERERS if getattr(args, fmt)}
        check_outputs(outputs, quiet=args.quiet, lang=lang)
        roster = read_roster(args.roster, lang) if args.roster else ()
        return main_grade(paths=args.paths, exercises_dir=args.exercises, exercise=args.exercise,
                          student=args.student, roster=roster, outputs=outputs, lang=lang, quiet=args.quiet,
                          jobs=args.jobs, duplicates=args.duplicates,
                          file_limits=FileLimits(args.file_timeout, args.file_memory),
                          roster_path=args.roster if args.roster and Path(args.roster).is_file() else None)
    if args.verb == "dataset":
        return main_dataset(exercise_id=args.exercise_id, student=args.student, out=args.out,
                            exercises_dir=args.exercises, lang=lang)
    if args.verb == "key":
        return main_key(exercise_id=args.exercise_id, student=args.student, out=args.out,
                        exercises_dir=args.exercises, lang=lang)
    if args.verb == "feedback":
        return main_feedback(gradebook=args.gradebook, out=args.out, lang=lang)
    return main_report(gradebook=args.gradebook, html=args.html, lang=lang)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``grader`` command; returns (and, as a script, exits with) the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = "en" if "--lang=en" in argv or any(a == "--lang" and b == "en" for a, b in pairwise(argv)) else "zh"
    err = console_for(stderr=True)
    if "--debug" in argv or debug_enabled():
        enable_debug()
    try:
        args = build_parser().parse_args(argv)
        with warnings.catch_warnings():
            if not debug_enabled():  # pandas/openpyxl warnings are English lines about our code, not the teacher's
                warnings.simplefilter("ignore")
            return _dispatch(args)
    except UsageError as exc:
        err.print(f"[red]错误：[/]{_escape(str(exc))}" if lang == "zh" else f"[red]Error:[/] {_escape(str(exc))}")
        return EXIT_USAGE
    except KeyboardInterrupt:
        err.print(msg("interrupted", lang))
        return 130
    except SystemExit as exc:  # --help
        return int(exc.code or 0) if isinstance(exc.code, int) else EXIT_USAGE
    except Exception as exc:  # last line of defence: no traceback reaches the user (unless --debug)
        log_exception("grader", " ".join(argv), exc)
        err.print(msg("internal", lang, why=_escape(str(exc)[:200] or "未知错误")))
        return EXIT_USAGE


def _escape(text: str) -> str:
    return escape(text)


if __name__ == "__main__":
    sys.exit(main())
