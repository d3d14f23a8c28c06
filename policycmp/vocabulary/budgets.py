"""Budget commitments (``budgets.yaml``): which money a document says the district allocates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import PolicyInputError
from .checks import pattern_list
from .gazetteer import LEVELS
from .loader import compile_pattern, load

FILE = "budgets.yaml"


@dataclass(frozen=True)
class BudgetVocabulary:
    path: Path
    cues: tuple[re.Pattern[str], ...]
    exclude: tuple[re.Pattern[str], ...]
    total_cues: tuple[re.Pattern[str], ...]
    item_cues: tuple[re.Pattern[str], ...]
    part_cues: tuple[re.Pattern[str], ...]
    allocation_name: re.Pattern[str]
    # (pattern, label, the gazetteer levels of the documents' places it applies to: empty for all)
    scope_labels: tuple[tuple[re.Pattern[str], str, tuple[str, ...]], ...]
    higher_level_funds: re.Pattern[str]


def _build(path: Path, data: Any) -> BudgetVocabulary:
    if not isinstance(data, dict):
        raise PolicyInputError(path, "expected a mapping with cues, exclude, total_cues, item_cues, scope_labels")
    labels = []
    for index, entry in enumerate(data.get("scope_labels") or []):
        if not isinstance(entry, dict) or not isinstance(entry.get("label"), str):
            raise PolicyInputError(path, f"entry 'scope_labels' #{index + 1}: expected {{pattern: ..., label: ...}}")
        levels = entry.get("levels") or []
        if not isinstance(levels, list) or any(level not in LEVELS for level in levels):
            raise PolicyInputError(
                path, f"entry 'scope_labels' #{index + 1}: levels must be a list of {', '.join(LEVELS)}"
            )
        pattern = compile_pattern(str(entry.get("pattern")), path, f"scope_labels #{index + 1}")
        labels.append((pattern, entry["label"], tuple(str(level) for level in levels)))
    name = data.get("allocation_name")
    if not isinstance(name, str) or "(?P<name>" not in name:
        raise PolicyInputError(path, "entry 'allocation_name': expected a pattern with a (?P<name>...) group")
    return BudgetVocabulary(
        path=path,
        cues=pattern_list(path, "cues", data.get("cues"), "cues", required=True),
        exclude=pattern_list(path, "exclude", data.get("exclude"), "exclude", required=False),
        total_cues=pattern_list(path, "total_cues", data.get("total_cues"), "total_cues", required=True),
        item_cues=pattern_list(path, "item_cues", data.get("item_cues"), "item_cues", required=False),
        part_cues=pattern_list(path, "part_cues", data.get("part_cues"), "part_cues", required=False),
        allocation_name=compile_pattern(name, path, "allocation_name"),
        scope_labels=tuple(labels),
        higher_level_funds=compile_pattern(str(data.get("higher_level_funds") or "(?!)"), path, "higher_level_funds"),
    )


def load_budget_vocabulary(path: str | Path | None = None) -> BudgetVocabulary:
    """The budget vocabulary (``policycmp/data/budgets.yaml`` unless ``path`` is given)."""
    return load(_build, FILE, path)
