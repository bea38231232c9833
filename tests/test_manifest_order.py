"""我的进度 lists the exercises in the order the course teaches them (the manifest follows the nav)."""

from __future__ import annotations

import json

import yaml
from course import exercise_ids

from courseware.pybundle import page_url


def _nav_pages(node) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [p for value in node.values() for p in _nav_pages(value)]
    if isinstance(node, list):
        return [p for item in node for p in _nav_pages(item)]
    return []


def test_manifest_lists_exercises_in_course_order(site_dir, project_root):
    text = (project_root / "mkdocs.yml").read_text(encoding="utf-8")
    nav = yaml.safe_load(text.replace("!!python/name:", ""))["nav"]
    order = [page_url(src, directory_urls=True) for src in _nav_pages(nav)]
    manifest = json.loads((site_dir / "assets/courseware/py/manifest.json").read_text(encoding="utf-8"))
    positions = [order.index(entry["page"]) for entry in manifest["exercises"]]
    assert len(positions) == len(exercise_ids())  # every exercise in exercises/ is listed
    assert positions == sorted(positions)
    assert manifest["exercises"][0]["id"] == "customer-archive"
