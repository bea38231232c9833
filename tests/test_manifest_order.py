"""我的进度 lists the exercises in the order the course teaches them (the manifest follows the nav)."""

from __future__ import annotations

import json

from course import exercise_ids, nav_pages

from courseware.pybundle import page_url


def test_manifest_lists_exercises_in_course_order(site_dir):
    order = [page_url(src, directory_urls=True) for src in nav_pages()]
    manifest = json.loads((site_dir / "assets/courseware/py/manifest.json").read_text(encoding="utf-8"))
    positions = [order.index(entry["page"]) for entry in manifest["exercises"]]
    assert len(positions) == len(exercise_ids())  # every exercise in exercises/ is listed
    assert positions == sorted(positions)
    assert manifest["exercises"][0]["id"] == "customer-archive"
