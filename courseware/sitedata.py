"""Write the lessons' default dataset into the built site as one archive: ``site/data/chihuo-data.zip``.

The archive holds ``<name>.csv`` for every table, byte-identical to ``datasets.write_csvs``. One compressed
file keeps the site small (13 MB of CSV become about 2.3 MB) and is a single download for students; the browser
worker fetches it once and unpacks the tables its page needs into ``data/``. The tables are generated at build
time (about a second), so the repository holds no data files.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

from courseware.buildsteps import post_build_step
from courseware.zips import build_zip

SITE_DATA = "data"
DATA_ARCHIVE = "chihuo-data.zip"


def write_default_data(site_dir: Path) -> Path:
    """Generate the default tables and write them as ``site_dir/data/chihuo-data.zip``; returns its path."""
    import datasets  # noqa: PLC0415  imported when the step runs, not when mkdocs loads the plugin

    try:
        tables = datasets.generate()
    except datasets.DatasetError as err:
        raise PluginError(f"生成默认数据集失败：{err}") from None
    out = site_dir / SITE_DATA
    archive = out / DATA_ARCHIVE
    try:
        out.mkdir(parents=True, exist_ok=True)
        for stale in out.glob("*.csv"):
            stale.unlink()
        members = {f"{name}.csv": datasets.csv_bytes(df) for name, df in sorted(tables.items())}
        archive.write_bytes(build_zip(members))
    except OSError as err:
        raise PluginError(f"无法写入 {out}（{err.strerror}）：请检查输出目录的权限和磁盘空间后重新构建。") from None
    return archive


def archive_tables(site_dir: Path) -> list[str]:
    """Names of the tables in the site's data archive (empty when the site has none)."""
    archive = site_dir / SITE_DATA / DATA_ARCHIVE
    if not archive.is_file():
        return []
    with zipfile.ZipFile(archive) as zf:
        return sorted(name.removesuffix(".csv") for name in zf.namelist() if name.endswith(".csv"))


@post_build_step
def site_data(plugin: Any, config: Any, site_dir: Path) -> None:
    write_default_data(site_dir)
