"""The gradebook as JSON (the contract ``grader report`` reads back)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from grader.gradebook import Gradebook


def render(gradebook: Gradebook, lang: str = "zh") -> bytes:
    """UTF-8 JSON, keys in a fixed order, Chinese unescaped."""
    del lang  # the JSON is data; its text is what the engine wrote
    return (json.dumps(gradebook.to_dict(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
