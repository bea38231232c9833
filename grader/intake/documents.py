"""YAML and JSON documents (tier configs) → Python data, with cheap guards first.

* YAML anchors and aliases (``&a`` / ``*a``) are refused while the text is only being parsed into events,
  before any object is built: an "alias bomb" costs one pass over its text. Nesting deeper than
  :data:`MAX_DEPTH` is refused the same way.
* JSON nesting is measured on the bracket characters outside strings before ``json.loads`` runs.
"""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, ScalarEvent

from grader.intake.errors import ReadError
from grader.intake.syntax import json_message, yaml_message

MAX_DEPTH = 20
"""A tier config nests three levels; anything deeper than this is not one."""
MAX_NODES = 100_000
_JSON_STRING = re.compile(r'"(?:\\.|[^"\\])*"', re.DOTALL)
NO_ALIASES = ("YAML 里用了锚点或别名（& 或 *），评分不展开它们；请把每个等级的内容直接写出来，"
              "按练习给出的格式填写")
TOO_DEEP = "{fmt} 嵌套超过 {n} 层，不是等级配置的格式；请按练习给出的格式填写"
MAX_DIGITS = 100
"""A longer run of digits is no amount or count (Python refuses to read an integer of over 4 300 digits)."""
_LONG_NUMBER = re.compile(rf"[0-9]{{{MAX_DIGITS + 1},}}")


def _syntax(exc: MarkedYAMLError, text: str) -> ReadError:
    return ReadError(yaml_message(exc, text))


def guard_yaml(text: str) -> None:
    """Parse ``text`` into events only and refuse aliases, anchors, deep nesting and huge documents."""
    depth = nodes = 0
    try:
        for event in YAML(typ="safe", pure=True).parse(text):
            if isinstance(event, AliasEvent) or getattr(event, "anchor", None):
                raise ReadError(NO_ALIASES)
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise ReadError(TOO_DEEP.format(fmt="YAML", n=MAX_DEPTH))
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
            if isinstance(event, ScalarEvent | CollectionStartEvent):
                nodes += 1
                if nodes > MAX_NODES:
                    raise ReadError(f"YAML 里有超过 {MAX_NODES} 项内容，不是等级配置；请按练习给出的格式填写")
    except MarkedYAMLError as exc:
        raise _syntax(exc, text) from None
    except YAMLError:
        raise ReadError("YAML 无法解析；请检查缩进（只用空格）和冒号") from None


def json_depth(text: str) -> int:
    """Deepest ``[`` / ``{`` nesting of JSON text (brackets inside strings ignored)."""
    stripped = _JSON_STRING.sub("", text).encode("utf-8", "replace")
    codes = np.frombuffer(stripped, dtype=np.uint8)
    steps = np.zeros(len(codes), dtype=np.int32)
    steps[(codes == ord("[")) | (codes == ord("{"))] = 1
    steps[(codes == ord("]")) | (codes == ord("}"))] = -1
    return int(np.cumsum(steps).max()) if len(steps) else 0


def load_document(text: str, fmt: str) -> Any:
    """YAML or JSON text → Python data; raises only :class:`ReadError`."""
    if (long := _LONG_NUMBER.search(text)) is not None:
        raise ReadError(f"文件里有一个 {len(long.group())} 位长的数字，等级配置里的金额、笔数、折扣不会这么长；"
                        "请检查后按练习给出的格式填写")
    if fmt == "json":
        if json_depth(text) > MAX_DEPTH:
            raise ReadError(TOO_DEEP.format(fmt="JSON", n=MAX_DEPTH))
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ReadError(json_message(exc)) from None
        except (RecursionError, ValueError):
            raise ReadError("JSON 无法解析；请按练习给出的格式填写") from None
    guard_yaml(text)
    try:
        return YAML(typ="safe", pure=True).load(text)
    except MarkedYAMLError as exc:
        raise _syntax(exc, text) from None
    except (YAMLError, RecursionError):
        raise ReadError("YAML 无法解析；请检查缩进（只用空格）和冒号") from None


__all__ = ["MAX_DEPTH", "guard_yaml", "json_depth", "load_document"]
