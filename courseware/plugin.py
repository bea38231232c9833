"""The ``courseware`` MkDocs plugin: page directives (exercises, quizzes …) and the site's runtime assets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from courseware import buildsteps, features  # noqa: F401  features registers steps
from courseware.config import CoursewareConfig
from courseware.directives import DirectiveContext, DirectiveError, expand

log = get_plugin_logger(__name__)


class CoursewarePlugin(BasePlugin[CoursewareConfig]):
    """Turns ``::exercise{id="…"}``-style directives into widgets and ships the browser runtime."""

    def on_config(self, config: Any) -> Any:
        self.project_dir = Path(config.config_file_path).resolve().parent
        self.state: dict[str, Any] = {}
        for step in buildsteps.CONFIG_STEPS:
            step(self, config)
        return config

    def on_nav(self, nav: Any, /, *, config: Any, files: Files) -> Any:
        """Remember the reading order of the pages (lists such as 我的进度 follow the course, not the alphabet)."""
        self.state["nav_order"] = [page.file.src_uri for page in nav.pages]
        return nav

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: Any, files: Files) -> str:
        # "p1-archive/tiers/" is two folders deep, so the site root is "../../" from there.
        base_url = "../" * page.file.url.count("/")
        ctx = DirectiveContext(page_src=page.file.src_uri, base_url=base_url or "./", plugin=self)
        try:
            return expand(markdown, ctx)
        except DirectiveError as err:
            raise PluginError(f"页面 docs/{page.file.src_uri}：{err}") from None

    def _post_build(self, *, config: Any) -> None:
        site_dir = Path(config.site_dir)
        for step in buildsteps.POST_BUILD_STEPS:
            step(self, config, site_dir)
        self.state = {}

    @event_priority(-100)  # after every plugin's post-build (print-site writes its page there)
    def _post_build_last(self, *, config: Any) -> None:
        for step in buildsteps.LAST_STEPS:
            step(self, config, Path(config.site_dir))

    on_post_build = CombinedEvent(_post_build, _post_build_last)

    # Helpers shared by build steps -------------------------------------------------------------

    def project_path(self, rel: str) -> Path:
        return (self.project_dir / rel).resolve()

