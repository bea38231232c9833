"""The built site stays under 35 MB and keeps every file a browser loads; unused theme files are left out."""

from __future__ import annotations

import json
from pathlib import Path

from courseware.precompress import is_precompressed_copy
from courseware.site_trim import compact_search_index, needed_lunr_files, trim

LIMIT_BYTES = 35 * 1000 * 1000


def test_site_is_under_35_mb(site_dir):
    # x.gz next to x is the build's precompressed copy of the same file (courseware/precompress.py), not content.
    total = sum(p.stat().st_size for p in site_dir.rglob("*") if p.is_file() and not is_precompressed_copy(p))
    assert total < LIMIT_BYTES, f"site/ is {total / 1e6:.1f} MB"


def test_site_keeps_what_search_needs_and_no_source_maps(site_dir):
    lunr = site_dir / "assets/javascripts/lunr/min"
    kept = sorted(p.name for p in lunr.iterdir() if not is_precompressed_copy(p))
    assert kept == ["lunr.stemmer.support.min.js", "lunr.zh.min.js"]
    assert not list(site_dir.rglob("*.map"))
    assert list((site_dir / "assets/javascripts/workers").glob("search.*.min.js"))


def _touch(root: Path, rel: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x", encoding="utf-8")


def test_trim_keeps_packs_for_configured_languages(tmp_path):
    lunr = "assets/javascripts/lunr/"
    for rel in ("min/lunr.stemmer.support.min.js", "min/lunr.zh.min.js", "min/lunr.ja.min.js", "min/lunr.de.min.js",
                "min/lunr.multi.min.js", "tinyseg.js", "wordcut.js"):
        _touch(tmp_path, lunr + rel)
    _touch(tmp_path, "assets/javascripts/bundle.min.js")
    _touch(tmp_path, "assets/javascripts/bundle.min.js.map")
    removed = {p.relative_to(tmp_path).as_posix() for p in trim(tmp_path, ["en", "ja"])}
    assert removed == {lunr + "min/lunr.zh.min.js", lunr + "min/lunr.de.min.js", lunr + "wordcut.js",
                       "assets/javascripts/bundle.min.js.map"}
    assert (tmp_path / lunr / "tinyseg.js").is_file() and (tmp_path / lunr / "min/lunr.multi.min.js").is_file()
    assert needed_lunr_files(["zh"]) == {"min/lunr.stemmer.support.min.js", "min/lunr.zh.min.js"}


def test_search_index_is_compact_utf8(site_dir):
    # Same data as Material writes, without \\uXXXX escapes for every Chinese character.
    raw = (site_dir / "search/search_index.json").read_text(encoding="utf-8")
    assert "\\u5ba2" not in raw and "客户" in raw
    assert json.loads(raw)["docs"]


def test_compact_search_index_keeps_the_data(tmp_path):
    data = {"config": {"lang": ["zh"], "separator": "[\\s\\u200b]+"}, "docs": [{"location": "", "title": "客户\u200b档案"}]}
    (tmp_path / "search").mkdir()
    index = tmp_path / "search/search_index.json"
    index.write_text(json.dumps(data), encoding="utf-8")
    assert compact_search_index(tmp_path) > 0
    assert json.loads(index.read_text(encoding="utf-8")) == data


def test_print_page_leaves_out_explanations_and_chapter_pages_keep_them(site_dir):
    from courseware.print_page import EXPLANATION, PRINT_PAGE, strip_explanations

    printed = (site_dir / PRINT_PAGE).read_text(encoding="utf-8")
    assert 'class="quiz__q"' in printed and 'class="scenario__step"' in printed, "the worksheets are printed"
    assert not EXPLANATION.search(printed)
    chapter = (site_dir / "p7-service" / "in-sale" / "index.html").read_text(encoding="utf-8")
    blocks = EXPLANATION.findall(chapter)
    assert blocks, "a chapter page keeps its explanations"
    assert all("<div" not in block[len("<div"):] for block in blocks), "an explanation holds no <div> (the regex ends at the first)"
    assert strip_explanations('<div class="quiz__explanation" data-search-exclude><p>因为</p></div><p>留下</p>') == ("<p>留下</p>", 1)


def test_links_to_pages_left_out_of_the_print_page_point_at_the_pages(tmp_path):
    from courseware.print_page import excluded_pages, relink

    docs = tmp_path / "docs"
    for rel in ("index.md", "progress.md", "teacher/index.md", "teacher/deploy.md", "p1/tiers.md"):
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_text("# x", encoding="utf-8")
    pages = excluded_pages(docs, ["progress.md", "teacher/*"])
    assert pages == {"progress": "../progress/", "teacher": "../teacher/", "teacher-deploy": "../teacher/deploy/"}
    html = '<a href="#teacher">a</a><a href="#teacher-deploy">b</a><a href="#progress-x">c</a><a href="#p1-tiers">d</a>'
    assert relink(html, pages) == ('<a href="../teacher/">a</a><a href="../teacher/deploy/">b</a>'
                                   '<a href="../progress/#x">c</a><a href="#p1-tiers">d</a>')
