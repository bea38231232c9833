"""The Python bundle the browser worker loads: ``grader``, ``datasets`` and ``exercises/`` in one zip.

Written after the build into ``site/assets/courseware/py/`` as ``courseware-py.zip`` plus ``manifest.json``
(bundle hash, per-file hashes, dataset table names and the list of exercises for 我的进度). In an exam
build (plugin option ``solutions: false``) no reference solution goes into the zip: each ``solution.py`` is
replaced by a two-line stand-in (the grader's spec loader requires the file; exam checks never run it). The zip is byte-deterministic:
sorted entries, fixed timestamps, so an unchanged course gives an unchanged hash (and a warm browser cache).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

from courseware import buildsteps
from courseware.buildsteps import config_step
from courseware.sitedata import DATA_ARCHIVE, archive_tables
from courseware.zips import build_zip, content

SITE_PY = "assets/courseware/py"
BUNDLE_NAME = "courseware-py.zip"
MANIFEST_NAME = "manifest.json"
PACKAGES = ("grader", "datasets")
EXERCISE_FILES = ("spec.yml", "instructions.md", "starter.py", "solution.py")
SOLUTION_FILE = "solution.py"
SKIP_PARTS = {"__pycache__", "tests", ".pytest_cache"}


@dataclass
class ExerciseEntry:
    """One exercise as listed in the manifest (read by 我的进度)."""

    id: str
    title: str
    hash: str
    """``grader.spec.spec_hash`` of the exercise folder; a saved record with another hash is announced."""
    page: str | None
    """URL of the page embedding the exercise, relative to the site root (None if no page shows it)."""


@dataclass
class Manifest:
    """``manifest.json``: what the worker and 我的进度 need to know about the bundle."""

    bundle: str
    hash: str
    """sha256 of the zip (the worker fetches ``bundle?v=hash``)."""
    solutions: bool
    tables: list[str]
    """Dataset tables in the site's data archive (the worker's default data)."""
    data_archive: str
    """The archive under ``site/data/`` that holds ``<name>.csv`` for every table."""
    exercises: list[ExerciseEntry]
    files: dict[str, str] = field(default_factory=dict)
    """Path inside the zip → sha256."""


def package_dir(name: str) -> Path:
    """Where an installed (editable) package's sources are; the bundle ships exactly what the grader runs."""
    found = importlib.util.find_spec(name)
    if found is None or not found.submodule_search_locations:
        raise PluginError(f"找不到 Python 包 {name}：请运行 make setup（pip install -e .）后再构建。")
    return Path(next(iter(found.submodule_search_locations)))


EXAM_SOLUTION = (
    "# 考试版：本网站不附带参考答案。需要参考答案的检查只在教师的评分程序中运行。\n"
    'raise RuntimeError("考试版不附带参考答案")\n'
)
"""Stands in for solution.py in exam builds: grader.spec.load_spec requires the file to exist."""


def bundle_files(exercises_dir: Path, *, solutions: bool) -> dict[str, Path | bytes]:
    """Archive path → source file (or literal bytes), sorted. No tests, no wrong solutions."""
    found: dict[str, Path | bytes] = {}
    for package in PACKAGES:
        root = package_dir(package)
        for path in sorted(root.rglob("*")):
            rel = path.relative_to(root.parent)
            if path.is_file() and not SKIP_PARTS.intersection(rel.parts) and path.suffix != ".pyc":
                found[rel.as_posix()] = path
    if exercises_dir.is_dir():
        for folder in sorted(p for p in exercises_dir.iterdir() if (p / "spec.yml").is_file()):
            for name in EXERCISE_FILES:
                if name == SOLUTION_FILE and not solutions:
                    found[f"exercises/{folder.name}/{name}"] = EXAM_SOLUTION.encode("utf-8")
                elif (folder / name).is_file():
                    found[f"exercises/{folder.name}/{name}"] = folder / name
    return dict(sorted(found.items()))


def page_url(src: str, *, directory_urls: bool) -> str:
    """``p1-archive/index.md`` → ``p1-archive/``; ``glossary.md`` → ``glossary/`` (or ``glossary.html``)."""
    stem = src[: -len(".md")] if src.endswith(".md") else src
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")]
    return f"{stem}/" if directory_urls else f"{stem}.html"


def dataset_tables(site_dir: Path) -> list[str]:
    """Tables the worker can copy into data/: those in the archive the datasets build step wrote."""
    return archive_tables(site_dir)


def make_manifest(plugin: Any, config: Any, site_dir: Path, zip_bytes: bytes,
                  files: dict[str, Path | bytes]) -> Manifest:
    specs: dict[str, Any] = plugin.state.get("exercises", {})
    hashes: dict[str, str] = plugin.state.get("exercise_hashes", {})
    pages: dict[str, str] = plugin.state.get("exercise_pages", {})
    entries = [
        ExerciseEntry(
            id=ex_id,
            title=spec.title,
            hash=hashes.get(ex_id, ""),
            page=page_url(pages[ex_id], directory_urls=config.use_directory_urls) if ex_id in pages else None,
        )
        for ex_id, spec in sorted(specs.items())
    ]
    # Course order: by the embedding page's place in the nav, then by position on the page; unembedded last.
    nav = {src: i for i, src in enumerate(plugin.state.get("nav_order", []))}
    on_page = {ex_id: i for i, ex_id in enumerate(pages)}
    entries.sort(key=lambda e: (nav.get(pages.get(e.id, ""), len(nav)), on_page.get(e.id, len(on_page)), e.id))
    return Manifest(
        bundle=BUNDLE_NAME,
        hash=hashlib.sha256(zip_bytes).hexdigest()[:16],
        solutions=bool(plugin.config.solutions),
        tables=dataset_tables(site_dir),
        data_archive=DATA_ARCHIVE,
        exercises=entries,
        files={arc: hashlib.sha256(content(source)).hexdigest() for arc, source in files.items()},
    )


def write_bundle(plugin: Any, config: Any, site_dir: Path) -> None:
    exercises_dir = plugin.project_path(plugin.config.exercises_dir)
    files = bundle_files(exercises_dir, solutions=bool(plugin.config.solutions))
    data = build_zip(files)
    out = site_dir / SITE_PY
    out.mkdir(parents=True, exist_ok=True)
    (out / BUNDLE_NAME).write_bytes(data)
    manifest = make_manifest(plugin, config, site_dir, data, files)
    (out / MANIFEST_NAME).write_text(json.dumps(asdict(manifest), ensure_ascii=False, indent=1), encoding="utf-8")


@config_step
def schedule_bundle_last(plugin: Any, config: Any) -> None:
    """Run ``write_bundle`` after every other post-build step: runtime_assets replaces the folder it writes into."""
    steps = buildsteps.POST_BUILD_STEPS
    if write_bundle in steps:
        steps.remove(write_bundle)
    steps.append(write_bundle)
