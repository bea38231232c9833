"""Hand-written tier configs: one-keystroke slips (a Chinese colon, no space after a colon or a dash) and a config
saved by Notepad as .txt are read as the config they mean, with a note; anything else keeps its clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.engine import read_answer
from grader.intake.normalize import NoteBook
from grader.intake.readers import ReadError
from grader.intake.yaml_repair import repair_yaml
from grader.spec import load_spec

ROOT = Path(__file__).resolve().parent.parent
TIER_CONFIG = load_spec(ROOT / "exercises" / "tier-config")
CLEAN = """\
# 吃货美食团会员等级
等级:
  - 名称: 银卡
    交易笔数: 4
    交易金额: 159
    折扣: 0.98
  - 名称: 金卡
    交易笔数: 5
    交易金额: 350
    折扣: 0.95
规则: 任一
"""


def notes(answer) -> str:
    return " | ".join(n.message for n in answer.notes)


@pytest.mark.parametrize(("slip", "note"), [
    (lambda t: t.replace(": ", "： ").replace("等级:", "等级："), "中文冒号“：”已按英文冒号“:”读取"),
    (lambda t: t.replace(": ", "："), "中文冒号"),
    (lambda t: t.replace(": ", ":"), "冒号后面少了空格"),
    (lambda t: t.replace("- 名称", "-名称"), "短横线“-”后面少了空格"),
    (lambda t: t.replace("- 名称: 银卡", "-名称：银卡"), "短横线"),
])
def test_a_slip_is_read_as_the_config_it_means(slip, note):
    clean = read_answer(TIER_CONFIG, "2024001_tier-config.yaml", CLEAN.encode())
    slipped = slip(CLEAN)
    assert slipped != CLEAN
    answer = read_answer(TIER_CONFIG, "2024001_tier-config.yaml", slipped.encode())
    assert answer.value == clean.value
    assert note in notes(answer) and "第 " in notes(answer)


def test_values_comments_and_numbers_are_left_alone():
    text = "# 注意：这是注释\n名称: 银卡：入门\n时间: 12:30\n差值:\n  - -5\n  - 12:30\n"
    book = NoteBook()
    assert repair_yaml(text, book) == text
    assert book.notes() == []


def test_tabs_still_get_their_own_line():
    with pytest.raises(ReadError, match="用了 Tab 缩进"):
        read_answer(TIER_CONFIG, "a.yaml", CLEAN.replace("\n    交易笔数", "\n\t交易笔数").encode())


@pytest.mark.parametrize("name", ["2024001_tier-config.yaml.txt", "2024001_tier-config.txt"])
def test_a_config_saved_as_txt_is_read_with_a_note(name):
    answer = read_answer(TIER_CONFIG, name, CLEAN.encode("gbk"))
    assert answer.value == read_answer(TIER_CONFIG, "a.yaml", CLEAN.encode()).value
    assert "文件扩展名是 .txt，内容是 YAML，已按 YAML 读取" in notes(answer)
    assert "Windows 记事本" in notes(answer)  # GBK: Notepad's "ANSI"
    as_json = read_answer(TIER_CONFIG, name, '{"等级": [], "规则": "任一"}'.encode())
    assert as_json.format == "json" and "内容是 JSON，已按 JSON 读取" in notes(as_json)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk", "utf-16"])  # Notepad: UTF-8, "ANSI", "Unicode"
def test_a_txt_config_is_recognised_in_every_encoding_notepad_saves(encoding):
    answer = read_answer(TIER_CONFIG, "2024001_tier-config.txt", "规则: 任一\n".encode(encoding))
    assert answer.format == "yaml" and "内容是 YAML，已按 YAML 读取" in notes(answer)


def test_a_table_saved_as_txt_is_still_refused_for_a_config():
    with pytest.raises(ReadError, match=r"本练习要提交 \.yaml、\.json 文件，收到的是 CSV"):
        read_answer(TIER_CONFIG, "2024001_tier-config.txt", "名称,交易笔数\n银卡,4\n".encode())
