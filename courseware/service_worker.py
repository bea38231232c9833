"""Last build step: the service worker (offline after the first visit) and the precompressed copies.

Both must see the finished site, print-site's page included, so ``finish_offline_site`` is a ``last_step``: it runs
after every plugin's post-build. Order inside the step:
1. ``node web/sw-build.mjs SITE`` bundles ``web/src/sw.js`` and injects the revisioned precache list of
   every file (workbox-build ``injectManifest``) → ``SITE/sw.js``;
2. ``courseware.precompress`` writes ``.gz`` siblings (``sw.js`` included; ``.gz`` files are not precached).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger

from courseware import pybundle
from courseware.buildsteps import last_step
from courseware.precompress import precompress

log = get_plugin_logger(__name__)
TOOLS = Path(__file__).resolve().parent.parent  # web/sw-build.mjs and node_modules live beside courseware/
SW_BUILD = TOOLS / "web" / "sw-build.mjs"
SW_NAME = "sw.js"
SW_TIMEOUT_S = 120


@dataclass(frozen=True)
class ServiceWorkerReport:
    """What the generated service worker precaches."""

    count: int
    size: int


def write_service_worker(site_dir: Path) -> ServiceWorkerReport:
    node = shutil.which("node")
    if node is None:
        raise PluginError("找不到 node：生成离线缓存（service worker）需要 Node.js，请先安装 Node.js 再运行 make build。")
    if not (TOOLS / "node_modules" / "workbox-build").is_dir():
        raise PluginError("找不到 node_modules/workbox-build：请先运行 make build（它会执行 npm ci）。")
    proc = subprocess.run([node, str(SW_BUILD), str(site_dir)], cwd=TOOLS, capture_output=True, text=True,
                          timeout=SW_TIMEOUT_S, check=False)
    if proc.returncode != 0:
        raise PluginError(f"web/sw-build.mjs 生成 {SW_NAME} 失败：{(proc.stderr or proc.stdout).strip()[-800:]}"
                          "。请检查 web/src/sw.js，再运行 make build。")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    if result["warnings"] or not result["count"]:
        raise PluginError(f"web/sw-build.mjs：离线缓存清单不完整（{'；'.join(result['warnings']) or '没有文件'}）。"
                          "请检查构建目录。")
    return ServiceWorkerReport(count=int(result["count"]), size=int(result["size"]))


@last_step
def finish_offline_site(plugin: Any, config: Any, site_dir: Path) -> None:
    if not (site_dir / pybundle.SITE_PY / pybundle.MANIFEST_NAME).is_file():
        raise PluginError("离线缓存：网站里还没有 Python 程序包清单（assets/courseware/py/manifest.json）：请运行 make build。")
    sw = write_service_worker(site_dir)
    packed = precompress(site_dir)
    log.info(f"离线缓存：{sw.count} 个文件，{sw.size / 1e6:.1f} MB；{packed}")
