"""Registry of build steps the plugin runs; each feature module registers its own step here.

``CONFIG_STEPS`` run in ``on_config`` (validate exercises, load data …) with ``(plugin, config)``;
``POST_BUILD_STEPS`` run in ``on_post_build`` with ``(plugin, config, site_dir)``; ``LAST_STEPS`` (same signature)
run after every plugin's ``on_post_build``, when the site is complete (the service worker lists every file).
A step raises ``mkdocs.exceptions.PluginError`` with a Chinese message naming the file and the fix.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

ConfigStep = Callable[[Any, Any], None]
PostBuildStep = Callable[[Any, Any, Path], None]

CONFIG_STEPS: list[ConfigStep] = []
POST_BUILD_STEPS: list[PostBuildStep] = []
LAST_STEPS: list[PostBuildStep] = []


def config_step(fn: ConfigStep) -> ConfigStep:
    CONFIG_STEPS.append(fn)
    return fn


def post_build_step(fn: PostBuildStep) -> PostBuildStep:
    POST_BUILD_STEPS.append(fn)
    return fn


def last_step(fn: PostBuildStep) -> PostBuildStep:
    LAST_STEPS.append(fn)
    return fn
