"""Copy the prepared Pyodide distribution and the bundled browser runtime into the built site."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

from courseware.buildsteps import post_build_step

SITE_PYODIDE = "pyodide"
SITE_WEB = "assets/courseware"


@post_build_step
def copy_runtime(plugin: Any, config: Any, site_dir: Path) -> None:
    for rel, dest, fix in (
        (plugin.config.pyodide_dir, SITE_PYODIDE, "先运行 make build（它会准备 Pyodide 文件）"),
        (plugin.config.web_dir, SITE_WEB, "先运行 make build（它会打包浏览器端脚本）"),
    ):
        src = plugin.project_path(rel)
        if not src.is_dir():
            raise PluginError(f"找不到 {rel}/：{fix}。")
        copy_tree(src, site_dir / dest)


def copy_tree(src: Path, dst: Path) -> None:
    """Copy a prepared folder into the site, replacing what was there."""
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(src, dst)
