"""Leave out of the built site what no visitor's browser ever loads, so the whole course stays under 35 MB.

- Material's source maps (``*.map``): only a developer's open devtools would ask for them.
- Material writes ``search/search_index.json`` with every Chinese character as a ``\\uXXXX`` escape (6 bytes
  instead of 3); the same JSON written as UTF-8 is half the size.
- Search language packs for languages the site does not use: Material's search worker imports
  ``lunr/min/lunr.stemmer.support.min.js``, ``lunr.<lang>.min.js`` for each configured language, ``lunr.multi``
  when there are several, ``tinyseg.js`` for Japanese and ``wordcut.js`` for Hindi/Thai — nothing else.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from courseware.buildsteps import post_build_step

SEGMENTERS = {"ja": "tinyseg.js", "hi": "wordcut.js", "th": "wordcut.js"}


def search_languages(config: Any) -> list[str]:
    for name, plugin in config.plugins.items():
        if name in ("search", "material/search"):
            return list(plugin.config.lang or ["en"])
    return []


def needed_lunr_files(langs: list[str]) -> set[str]:
    keep = {"min/lunr.stemmer.support.min.js"}
    keep |= {f"min/lunr.{lang}.min.js" for lang in langs if lang != "en"}
    if len(langs) > 1:
        keep.add("min/lunr.multi.min.js")
    keep |= {SEGMENTERS[lang] for lang in langs if lang in SEGMENTERS}
    return keep


def trim(site_dir: Path, langs: list[str]) -> list[Path]:
    """Delete the unused theme files under ``site_dir/assets``; returns what was removed."""
    removed = [p for p in (site_dir / "assets").rglob("*.map") if p.is_file()]
    lunr = site_dir / "assets" / "javascripts" / "lunr"
    if lunr.is_dir() and langs:
        keep = needed_lunr_files(langs)
        removed += [p for p in lunr.rglob("*.js") if p.relative_to(lunr).as_posix() not in keep]
    for path in removed:
        path.unlink()
    return removed


def compact_search_index(site_dir: Path) -> int:
    """Rewrite the search index as compact UTF-8 JSON (same data); returns the bytes saved."""
    index = site_dir / "search" / "search_index.json"
    if not index.is_file():
        return 0
    before = index.stat().st_size
    data = json.loads(index.read_text(encoding="utf-8"))
    index.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return before - index.stat().st_size


@post_build_step
def trim_theme_assets(plugin: Any, config: Any, site_dir: Path) -> None:
    trim(site_dir, search_languages(config))
    compact_search_index(site_dir)
