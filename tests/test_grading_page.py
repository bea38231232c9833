"""::grading{} renders the 教师批改 contract (DESIGN.md) at build time; exam builds say why and cannot start."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

import courseware.grading  # noqa: F401  registers ::grading
from courseware.directives import DirectiveContext, DirectiveError, expand


def _ctx(solutions: bool) -> DirectiveContext:
    plugin = SimpleNamespace(config=SimpleNamespace(solutions=solutions))
    return DirectiveContext(page_src="teacher/grade.md", base_url="../../", plugin=plugin)


def test_contract_elements():
    html = expand("# 批改\n\n::grading{}\n", _ctx(True))
    for needle in ('<div class="grading"', 'type="file" data-role="files"', 'data-role="folder" webkitdirectory',
                   '<textarea data-role="roster"', 'data-action="grade"', 'data-action="cancel"', 'data-action="clear"',
                   'data-role="status" data-state="idle"', 'data-role="progress"', 'data-role="duplicates"',
                   'value="latest" selected', 'value="best"'):
        assert needle in html, needle
    assert 'data-role="exam"' not in html
    assert "\n\n" not in html.split("::grading")[0].split("# 批改", 1)[1].strip()  # one raw HTML block


def test_exam_build_explains_the_two_ways_and_cannot_start():
    html = expand("::grading{}\n", _ctx(False))
    assert 'data-role="exam"' in html and "grader grade" in html and "solutions: true" in html
    assert 'data-action="grade" disabled' in html
    assert 'data-state="error"' in html


def test_attributes_are_an_author_error():
    with pytest.raises(DirectiveError, match="::grading"):
        expand('::grading{id="x"}\n', _ctx(True))
