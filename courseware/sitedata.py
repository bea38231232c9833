"""Write the lessons' default dataset into the built site: ``site/data/<name>.csv`` for every table.

Lessons link to these files for download, and the browser worker copies them into ``data/`` when no
学号 is set. They are generated at build time (about a second), so the repository holds no data files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

from courseware.buildsteps import post_build_step

SITE_DATA = "data"


def write_default_data(site_dir: Path) -> dict[str, Path]:
    """Generate the default tables and write them under ``site_dir/data/``; returns name → path."""
    import datasets  # noqa: PLC0415  imported when the step runs, not when mkdocs loads the plugin

    try:
        tables = datasets.generate()
    except datasets.DatasetError as err:
        raise PluginError(f"生成默认数据集失败：{err}") from None
    out = site_dir / SITE_DATA
    try:
        for stale in out.glob("*.csv") if out.is_dir() else ():
            if stale.stem not in tables:
                stale.unlink()
        return datasets.write_csvs(tables, out)
    except OSError as err:
        raise PluginError(f"无法写入 {out}（{err.strerror}）：请检查输出目录的权限和磁盘空间后重新构建。") from None


@post_build_step
def site_data(plugin: Any, config: Any, site_dir: Path) -> None:
    write_default_data(site_dir)
