"""How consecutive editions of a district's policy are paired (``editions.yaml``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import PolicyInputError
from .loader import compile_pattern, load, require

FILE = "editions.yaml"


@dataclass(frozen=True)
class EditionRules:
    path: Path
    figure: re.Pattern[str]  # masked before two clauses are compared
    min_similarity: float  # two clauses pair at this similarity or more
    same_domain_bonus: float  # added to a candidate's score, never to its similarity


def _fraction(spec: Any, key: str, path: Path, *, low: float, high: float) -> float:
    value = require(spec, key, path)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= float(value) <= high:
        raise PolicyInputError(path, f"entry {key!r}: {value!r} is not a number from {low} to {high}")
    return float(value)


def _build(path: Path, spec: Any) -> EditionRules:
    return EditionRules(
        path=path,
        figure=compile_pattern(require(spec, "pairing.figure_pattern", path), path, "pairing.figure_pattern"),
        min_similarity=_fraction(spec, "pairing.min_similarity", path, low=0.01, high=1.0),
        same_domain_bonus=_fraction(spec, "pairing.same_domain_bonus", path, low=0.0, high=0.5),
    )


def load_edition_rules(path: str | Path | None = None) -> EditionRules:
    """The pairing rules (``policycmp/data/editions.yaml`` unless ``path`` is given), checked."""
    return load(_build, FILE, path)
