"""Shared fixtures: the project root, a long-lived Pyodide session, the built site."""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pyodide_harness import ROOT, PyodideSession

# The grader's disk cache (reference answers, results) starts empty for every test session, so no result of
# an earlier session (or of the teacher's own runs in ~/.cache) stands in for grading under test.
if "GRADER_CACHE_DIR" not in os.environ:
    os.environ["GRADER_CACHE_DIR"] = tempfile.mkdtemp(prefix="grader-cache-tests-")
    atexit.register(shutil.rmtree, os.environ["GRADER_CACHE_DIR"], True)


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def pyodide() -> Iterator[PyodideSession]:
    """Pyodide 0.27.7 from build/pyodide under Node, with pandas, openpyxl and ruamel.yaml loaded."""
    session = PyodideSession()
    yield session
    session.close()


@pytest.fixture(scope="session")
def site_dir() -> Path:
    """The site built by `make build` (tests that need it run after the build)."""
    site = Path(os.environ.get("COURSEWARE_SITE", ROOT / "site"))
    if not (site / "index.html").is_file():
        pytest.fail("site/ 不存在：请用 make test 运行测试（它会先构建网站）。")
    return site
