"""``::grading{}``: the 教师批改 widget (grade a class's files in the browser with the grader package).

The HTML is rendered here at build time (usable layout before any script runs); ``web/src/grading/*.js``
binds it through the mount registry. Contract (DESIGN.md "教师批改"): root ``<div class="grading">``,
``input[type=file][data-role=files]``, ``textarea[data-role=roster]``, ``[data-action=grade]``,
``[data-role=status]`` with ``data-state`` idle|running|done|error, ``[data-role=progress]``.
In an exam build (plugin option ``solutions: false``) the site has no reference answers: the widget says so,
explains the two ways out and cannot be started.
"""

from __future__ import annotations

from html import escape

from courseware.directives import DirectiveContext, DirectiveError, directive

EXAM_NOTICE = (
    "这是考试版网站（构建时设置了 <code>solutions: false</code>），网站里没有参考答案，所以不能在网页里批改。"
    "两种办法：一是在教师自己的电脑上用命令行评分工具 <code>grader grade</code> 批改（见“用 grader 评分”）；"
    "二是教师自己另外构建一份带参考答案的网站（<code>solutions: true</code>），只在自己的电脑上打开，不发布给学生，"
    "在那份网站的这一页批改。"
)


def render(*, solutions: bool, base_url: str) -> str:
    exam = "" if solutions else f'<p class="grading-exam" data-role="exam">{EXAM_NOTICE}</p>'
    disabled = "" if solutions else " disabled"
    return f"""<div class="grading" data-solutions="{'true' if solutions else 'false'}" data-base="{escape(base_url)}">
{exam}
<div class="grading-drop" data-role="drop" role="group" aria-label="把学生提交的文件、文件夹或压缩包拖到这里">
<p class="grading-drop-title">把学生提交的文件、文件夹或平台导出的 zip 拖到这里</p>
<p class="grading-drop-buttons">
<label class="md-button">选择文件<input type="file" data-role="files" multiple class="grading-file-input"{disabled}></label>
<label class="md-button">选择文件夹<input type="file" data-role="folder" webkitdirectory multiple class="grading-file-input"{disabled}></label>
</p>
<p class="grading-files" data-role="files-summary">还没有选择文件。</p>
</div>
<div class="grading-options">
<label class="grading-roster-label">全班名单（可选，每行一个学号，可在后面写上姓名；也可以载入 txt / csv / xlsx）
<textarea data-role="roster" rows="4" placeholder="2024001 张三&#10;2024002 李四&#10;…"></textarea></label>
<p class="grading-roster-tools"><label class="md-button">载入名单文件<input type="file" data-role="roster-file" accept=".txt,.csv,.xlsx" class="grading-file-input"></label>
<span data-role="roster-summary"></span></p>
<label>同一学生同一练习交了多份时
<select data-role="duplicates"><option value="latest" selected>计最后提交的（默认）</option><option value="best">计最高分</option></select></label>
</div>
<p class="grading-actions">
<button type="button" class="md-button md-button--primary" data-action="grade"{disabled}>开始批改</button>
<button type="button" class="md-button" data-action="cancel" disabled>取消</button>
<button type="button" class="md-button" data-action="clear">清除结果</button>
</p>
<p class="grading-status" data-role="status" data-state="{'idle' if solutions else 'error'}" role="status" aria-live="polite">{'选好文件后点“开始批改”。' if solutions else '考试版网站不能在网页里批改。'}</p>
<div class="grading-progress" data-role="progress" hidden><progress max="1" value="0" aria-label="批改进度"></progress><span data-role="progress-text"></span></div>
<div class="grading-results" data-role="results" hidden></div>
</div>"""


@directive("grading")
def grading_directive(attrs: dict[str, str], ctx: DirectiveContext) -> str:
    if attrs:
        raise DirectiveError(f"::grading 不带参数（收到 {', '.join(sorted(attrs))}）；请写成 ::grading{{}}")
    html = render(solutions=bool(ctx.plugin.config.solutions), base_url=ctx.base_url)
    return "\n".join(line for line in html.splitlines() if line.strip())  # one raw HTML block
