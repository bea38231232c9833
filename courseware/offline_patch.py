"""Point Material's on-demand CDN loaders at the site's own files, so no code path can reach another host.

Material's bundle loads mermaid from unpkg when ``window.mermaid`` is missing, and a ResizeObserver polyfill
from unpkg in browsers without ResizeObserver. The site ships mermaid itself; the polyfill is never needed by
the browsers the course supports, so its loader gets an empty script instead of a remote one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from courseware.buildsteps import post_build_step

REWRITES = {
    '"https://unpkg.com/mermaid@11/dist/mermaid.min.js"':
        'new URL("assets/courseware/vendor/mermaid.min.js",__md_scope).href',
    '"https://unpkg.com/resize-observer-polyfill"': '"data:text/javascript,"',
}


@post_build_step
def patch_material_bundle(plugin: Any, config: Any, site_dir: Path) -> None:
    for bundle in (site_dir / "assets" / "javascripts").glob("bundle.*.min.js"):
        text = bundle.read_text(encoding="utf-8")
        for old, new in REWRITES.items():
            text = text.replace(old, new)
        bundle.write_text(text, encoding="utf-8")
