"""情景模拟 files: load ``docs/scenarios/<id>.yml`` into typed dataclasses and validate them.

Format (YAML, one file per scenario; the id is the file name without ``.yml``: ``a-z``, ``0-9``, ``-``)::

    title: 情景模拟：买家嫌贵要打折        # required
    intro: 买家“小林”在千牛上……           # required, Markdown: the situation before the first message
    customer: 小林                         # optional; name on the buyer's messages (default 买家)
    summary: 这段对话的要点是……           # optional, Markdown: shown when the conversation ends
    steps:                                 # 1–12 steps; the first one starts the conversation
      - id: ask                            # a-z, 0-9, - ; unique
        narration: 两小时后……              # optional, Markdown: what happened before this message
        customer: 在吗？这款牛肉干能便宜点吗？  # required: what the buyer says (Markdown)
        choices:                           # 3–4 replies the student can pick
          - reply: 亲，在的！……             # required: the service reply (Markdown)
            points: 10                     # required: whole number 0–10
            explanation: 先回应……           # required (Markdown): why this reply earns these points
            goto: offer                    # optional: next step id, or ``end``; default the next step in
                                           # the list (``end`` after the last one)

Rules checked at build time (each error names the file, the step and the fix): every ``goto`` names a step,
every step can be reached from the first, the conversation has no loop (so it always ends), every step has
a reply worth the most points, and picking the best reply at every step reaches the full score.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from courseware.directives import DirectiveError

SCENARIO_DIR = "scenarios"
"""Folder inside docs_dir that holds the scenario files."""
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
END = "end"
MAX_STEPS = 12
MIN_CHOICES, MAX_CHOICES = 3, 4
MAX_POINTS_PER_CHOICE = 10
TOP_KEYS = {"title", "intro", "customer", "summary", "steps"}
STEP_KEYS = {"id", "narration", "customer", "choices"}
CHOICE_KEYS = {"reply", "points", "explanation", "goto"}


class ScenarioError(DirectiveError):
    """A scenario file is wrong; the message (Chinese) names the file, the step and the fix."""


@dataclass(frozen=True)
class Choice:
    reply: str
    """What the service agent says (Markdown)."""
    points: int
    explanation: str
    """Why the reply earns its points (Markdown)."""
    goto: str
    """Id of the next step, or ``END``."""


@dataclass(frozen=True)
class Step:
    id: str
    customer: str
    """What the buyer says (Markdown)."""
    choices: tuple[Choice, ...]
    narration: str = ""
    """What happened before the message (Markdown, optional)."""

    @property
    def best_points(self) -> int:
        return max(choice.points for choice in self.choices)


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    intro: str
    customer: str
    summary: str
    steps: tuple[Step, ...]
    source: str
    """Path shown in messages, e.g. ``docs/scenarios/bargain.yml``."""

    @property
    def max_points(self) -> int:
        """The most points any path through the conversation can earn (best reply at every step)."""
        return _best_totals(self.steps)[self.steps[0].id]

    def step(self, step_id: str) -> Step:
        return next(s for s in self.steps if s.id == step_id)


# --- validation --------------------------------------------------------------------------------------


def _text(raw: Any, what: str, *, required: bool = True) -> str:
    if raw is None and not required:
        return ""
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise ValueError(f"{what} 应是一段文字")
    text = str(raw).strip()
    if required and not text:
        raise ValueError(f"{what} 不能为空")
    return text


def _unknown(raw: dict, allowed: set[str]) -> None:
    unknown = sorted(set(raw) - allowed, key=str)
    if unknown:
        raise ValueError(f"未知的字段 {'、'.join(map(str, unknown))}（可用：{'、'.join(sorted(allowed))}）")


def _parse_choice(raw: Any, default_goto: str) -> Choice:
    if not isinstance(raw, dict):
        raise ValueError("每个回复应是一组 键: 值（reply、points、explanation，可选 goto）")
    _unknown(raw, CHOICE_KEYS)
    points = raw.get("points")
    if isinstance(points, bool) or not isinstance(points, int) or not 0 <= points <= MAX_POINTS_PER_CHOICE:
        raise ValueError(f"points 写的是 {points!r}，应是 0–{MAX_POINTS_PER_CHOICE} 的整数")
    goto = _text(raw.get("goto", default_goto), "goto")
    return Choice(_text(raw.get("reply"), "reply（客服的回复）"), points,
                  _text(raw.get("explanation"), "explanation（评析）"), goto)


def _parse_step(raw: Any, default_goto: str) -> Step:
    if not isinstance(raw, dict):
        raise ValueError("每一步应是一组 键: 值（id、customer、choices，可选 narration）")
    _unknown(raw, STEP_KEYS)
    step_id = _text(raw.get("id"), "id")
    if not ID_RE.match(step_id) or step_id == END:
        raise ValueError(f"id 写的是 {step_id!r}，只能用小写字母、数字和连字符，且不能叫 {END}")
    choices_raw = raw.get("choices")
    if not isinstance(choices_raw, list) or not MIN_CHOICES <= len(choices_raw) <= MAX_CHOICES:
        raise ValueError(f"choices 应是 {MIN_CHOICES}–{MAX_CHOICES} 个回复的列表")
    choices = []
    for number, choice in enumerate(choices_raw, start=1):
        try:
            choices.append(_parse_choice(choice, default_goto))
        except ValueError as err:
            raise ValueError(f"第 {number} 个回复：{err}") from None
    if len({c.reply for c in choices}) != len(choices):
        raise ValueError("有两个回复完全相同")
    return Step(step_id, _text(raw.get("customer"), "customer（买家说的话）"), tuple(choices),
                _text(raw.get("narration"), "narration", required=False))


def _best_totals(steps: tuple[Step, ...]) -> dict[str, int]:
    """Best total from each step to the end (the graph is known to be loop-free)."""
    by_id = {s.id: s for s in steps}
    best: dict[str, int] = {END: 0}

    def visit(step_id: str) -> int:
        if step_id not in best:
            best[step_id] = max(c.points + visit(c.goto) for c in by_id[step_id].choices)
        return best[step_id]

    for step in steps:
        visit(step.id)
    return best


def _check_graph(steps: tuple[Step, ...]) -> None:
    """Targets exist, no loop, every step reachable, the best replies reach the full score."""
    by_id = {s.id: s for s in steps}
    for step in steps:
        for number, choice in enumerate(step.choices, start=1):
            if choice.goto != END and choice.goto not in by_id:
                raise ValueError(f"第 {step.id} 步第 {number} 个回复的 goto 是 {choice.goto!r}，没有这一步；"
                                 f"请写已有的步骤 id（{'、'.join(by_id)}）或 {END}")
    state: dict[str, str] = {}

    def walk(step_id: str, trail: list[str]) -> None:
        if step_id == END or state.get(step_id) == "done":
            return
        if state.get(step_id) == "open":
            loop = " → ".join([*trail[trail.index(step_id):], step_id])
            raise ValueError(f"对话出现了循环（{loop}），学生会走不出来；请让其中一个 goto 指向后面的步骤或 {END}")
        state[step_id] = "open"
        for choice in by_id[step_id].choices:
            walk(choice.goto, [*trail, step_id])
        state[step_id] = "done"

    walk(steps[0].id, [])
    unreachable = [s.id for s in steps if s.id not in state]
    if unreachable:
        raise ValueError(f"第 {'、'.join(unreachable)} 步从第一步走不到；请让某个回复 goto 到它，或删去它")
    best = _best_totals(steps)
    for step in steps:
        top = [c for c in step.choices if c.points == step.best_points]
        if not any(c.points + best[c.goto] == best[step.id] for c in top):
            raise ValueError(f"第 {step.id} 步得分最高的回复通向的后续对话拿不到满分；"
                             "请调整分数，让每一步的最佳回复都能走到满分")


def parse_scenario(data: Any, scenario_id: str, source: str) -> Scenario:
    """Validate a parsed YAML mapping; raises ScenarioError naming ``source``."""
    where = f"情景模拟 {scenario_id}（{source}）"
    if not isinstance(data, dict):
        raise ScenarioError(f"{where}：应是一组 键: 值（title、intro、steps …）。")
    try:
        _unknown(data, TOP_KEYS)
        title = _text(data.get("title"), "title（标题）")
        intro = _text(data.get("intro"), "intro（情境说明）")
        customer = _text(data.get("customer", "买家"), "customer")
        summary = _text(data.get("summary"), "summary", required=False)
    except ValueError as err:
        raise ScenarioError(f"{where}：{err}，请改正。") from None
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not 1 <= len(raw_steps) <= MAX_STEPS:
        raise ScenarioError(f"{where}：应有 steps: 列表，1–{MAX_STEPS} 步。")
    ids = [raw.get("id") if isinstance(raw, dict) else None for raw in raw_steps]
    steps = []
    for number, raw in enumerate(raw_steps, start=1):
        default_goto = str(ids[number]) if number < len(ids) else END
        try:
            step = _parse_step(raw, default_goto)
        except ValueError as err:
            raise ScenarioError(f"{where} 第 {number} 步：{err}，请改正。") from None
        if step.id in {s.id for s in steps}:
            raise ScenarioError(f"{where} 第 {number} 步：id {step.id} 与前面的步骤重复，请换一个。")
        steps.append(step)
    try:
        _check_graph(tuple(steps))
    except ValueError as err:
        raise ScenarioError(f"{where}：{err}。") from None
    return Scenario(scenario_id, title, intro, customer, summary, tuple(steps), source)


def yaml_where(err: YAMLError) -> str:
    """``（第 N 行）`` for a YAML error with a position, else empty (the parser's own text is English)."""
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    return f"（第 {mark.line + 1} 行附近）" if mark is not None else ""


def load_scenario(path: Path, source: str) -> Scenario:
    """Read and validate one scenario file; ``source`` is the path used in messages."""
    scenario_id = path.stem
    if not ID_RE.match(scenario_id):
        raise ScenarioError(f"情景模拟文件 {source} 的文件名只能用小写字母、数字和连字符，请改名。")
    if not path.is_file():
        raise ScenarioError(f"找不到情景模拟文件 {source}：请创建它，或改正 ::scenario 指令里的 id。")
    try:
        data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ScenarioError(f"情景模拟 {scenario_id}（{source}）不是 UTF-8 编码，请用 UTF-8 保存。") from None
    except YAMLError as err:
        raise ScenarioError(f"情景模拟 {scenario_id}（{source}）不是有效的 YAML{yaml_where(err)}，请检查缩进和冒号。") from None
    return parse_scenario(data, scenario_id, source)
