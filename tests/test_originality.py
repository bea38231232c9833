"""The course text is written fresh: no page repeats the source material (``../shared/seeds/``) word for word.

Compared on Chinese characters only (punctuation, spaces, letters and digits removed on both sides), a page
may not share a run of ``RUN`` or more characters with any seed. Text inside quotation marks (「…」 or “…”) is
a quotation and exempt, and so is the teacher's source table (docs/teacher/sources.md), which names the
sources' topics on purpose. The seeds' README.md is the project's own summary of the sources (in English,
naming their topics), not source text, so it is not compared.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SEEDS = ROOT.parent / "shared" / "seeds"
RUN = 15
EXEMPT_PAGES = {"teacher/sources.md"}
QUOTED = re.compile(r"「[^「」]*」|“[^“”]*”")
HAN = re.compile(r"[\u4e00-\u9fff]")


def han(text: str) -> str:
    return "".join(HAN.findall(text))


def pages() -> list[Path]:
    """Every docs page, quiz and scenario, and every exercise's instructions (all of it is what students read)."""
    docs = [p for pattern in ("*.md", "*.yml") for p in DOCS.rglob(pattern)
            if p.relative_to(DOCS).as_posix() not in EXEMPT_PAGES]
    return sorted([*docs, *(ROOT / "exercises").glob("*/instructions.md")])


@pytest.fixture(scope="module")
def seed_grams() -> dict[str, str]:
    """Every RUN-character window of the seeds → the seed file it comes from."""
    if not SEEDS.is_dir():
        pytest.skip(f"资料文件夹 {SEEDS} 不存在（它在仓库旁边的 shared/seeds/），无法检查原创性")
    grams: dict[str, str] = {}
    for seed in sorted(SEEDS.iterdir()):
        if seed.is_file() and seed.name != "README.md":
            chars = han(seed.read_text(encoding="utf-8", errors="replace"))
            for i in range(len(chars) - RUN + 1):
                grams.setdefault(chars[i:i + RUN], seed.name)
    assert grams, f"{SEEDS} 里没有可比较的中文文字"
    return grams


def shared_runs(text: str, grams: dict[str, str]) -> list[tuple[str, str]]:
    """Maximal runs (≥ RUN characters) of ``text`` that also occur in a seed, with the seed's name."""
    chars = han(QUOTED.sub("", text))
    runs: list[tuple[str, str]] = []
    i = 0
    while i <= len(chars) - RUN:
        seed = grams.get(chars[i:i + RUN])
        if seed is None:
            i += 1
            continue
        end = i + RUN
        while end < len(chars) and chars[end - RUN + 1:end + 1] in grams:
            end += 1
        runs.append((chars[i:end], seed))
        i = end
    return runs


def test_the_check_finds_a_copied_sentence(seed_grams):
    # A sentence taken from seed 004 and wrapped in markdown is found; the same sentence quoted is allowed.
    copied = "客户关系是指企业为达到其经营目标，主动与客户建立起的某种联系。"
    assert shared_runs(f"**注意**：{copied}\n", seed_grams)
    assert not shared_runs(f"教材的原话是「{copied}」\n", seed_grams)
    assert not shared_runs("客户关系是企业为了实现经营目标，主动和客户建立的联系。", seed_grams)


@pytest.mark.parametrize("page", pages(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_page_does_not_copy_the_sources(page, seed_grams):
    runs = shared_runs(page.read_text(encoding="utf-8"), seed_grams)
    listing = "；".join(f"“{run}”（{len(run)} 字，资料 {seed}）" for run, seed in runs)
    assert not runs, (f"{page.relative_to(ROOT).as_posix()} 与资料有连续 {RUN} 个以上相同的汉字：{listing}。"
                      "请用自己的话重写，或者加引号注明是引用")
