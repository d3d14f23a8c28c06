"""Policy tools after Rothwell and Zegveld (``policy_tools.yaml``): supply, environment, demand."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import PolicyInputError
from .checks import entry_key, entry_list, pattern_list, text_field
from .loader import load

FILE = "policy_tools.yaml"
TOOL_TYPES = ("supply", "environment", "demand")


@dataclass(frozen=True)
class Tool:
    sub_tool: str
    tool_type: str
    zh: str
    en: str
    cues: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class ToolVocabulary:
    path: Path
    tools: tuple[Tool, ...]  # supply, then environment, then demand


def _build(path: Path, data: Any) -> ToolVocabulary:
    entries = entry_list(path, data, "tools")
    seen: set[str] = set()
    tools = []
    for index, entry in enumerate(entries):
        key = entry_key(path, entry, "sub_tool", index, seen)
        tool_type = entry.get("tool_type")
        if tool_type not in TOOL_TYPES:
            raise PolicyInputError(
                path, f"entry {key!r}: unknown tool_type {tool_type!r} (known: {', '.join(TOOL_TYPES)})"
            )
        tools.append(
            Tool(
                key,
                tool_type,
                text_field(path, entry, key, "zh"),
                text_field(path, entry, key, "en"),
                pattern_list(path, key, entry.get("cues"), "cues", required=True),
            )
        )
    # the framework's order, so every table lists supply, then environment, then demand
    order = {t: i for i, t in enumerate(TOOL_TYPES)}
    return ToolVocabulary(path, tuple(sorted(tools, key=lambda t: order[t.tool_type])))


def load_policy_tools(path: str | Path | None = None) -> ToolVocabulary:
    """The policy-tool vocabulary (``policycmp/data/policy_tools.yaml`` unless ``path`` is given)."""
    return load(_build, FILE, path)
