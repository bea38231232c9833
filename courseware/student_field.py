"""The 学号 field: one rule for every page that asks for it (exercise widgets, 我的进度).

The field takes only what the grader finds as a 学号 in a file name (``grader.intake.identity.STUDENT_ID_PATTERN``,
as the input's ``pattern``), so a student who types a name gets a line saying so (the input's ``title``) instead of
data made for that name; the browser reads the value as NFKC first (全角 digits are fine), as the grader does
(``web/src/student-field.js``). ``::student-field{}`` puts the field on a page with a line on what it does.
"""

from __future__ import annotations

import html

from courseware.directives import DirectiveContext, DirectiveError, directive

STUDENT_ID_HELP = "学号只填学校给的编号（数字，可带字母前缀，如 2024001、S2024001），不要写姓名或其他文字"
"""What the field says when the value is no 学号 (the page shows it under the field). It is the input's ``title`` and
``data-problem``: Material's tooltips take the ``title`` away once the field is hovered or focused."""


def student_input(*, placeholder: str = "例如 2024001", size: int = 10) -> str:
    """The ``<input data-role="student">`` with the grader's 学号 rule."""
    from grader.intake.identity import STUDENT_ID_PATTERN  # noqa: PLC0415  (the grader's own rule)

    return (f'<input type="text" data-role="student" inputmode="text" autocomplete="off"'
            f' placeholder="{html.escape(placeholder)}" size="{size}" pattern="{html.escape(STUDENT_ID_PATTERN)}"'
            f' title="{html.escape(STUDENT_ID_HELP)}" data-problem="{html.escape(STUDENT_ID_HELP)}">')


@directive("student-field")
def student_field_directive(attrs: dict[str, str], ctx: DirectiveContext) -> str:
    if attrs:
        raise DirectiveError(f"::student-field 不带参数（收到 {', '.join(sorted(attrs))}）；请写成 ::student-field{{}}")
    return (f'<div class="cw-student-field"><label>学号：{student_input(placeholder="输入学号")}</label>'
            "（填写后，练习会使用按你的学号生成的数据，下载的提交文件名也会带上学号。）</div>")
