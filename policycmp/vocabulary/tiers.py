"""The tiers of an award (national, provincial, municipal, district): ``award_tiers.yaml``.

Two readers look for tier words and need different rules, so each tier carries two pattern lists,
defined together here: ``amount_patterns`` for the tier of one granted amount (quantity
extraction) and ``statement_patterns`` for the tiers a statement names (the instrument table).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import PolicyInputError
from .loader import compile_pattern, load

FILE = "award_tiers.yaml"
KEY_RX = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Tier:
    key: str
    en: str
    zh: str
    amount_patterns: tuple[re.Pattern[str], ...]
    statement_patterns: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class TierVocabulary:
    path: Path
    tiers: tuple[Tier, ...]  # highest first

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(t.key for t in self.tiers)

    def en(self, key: str) -> str:
        return next((t.en for t in self.tiers if t.key == key), key)

    def zh(self, key: str) -> str:
        return next((t.zh for t in self.tiers if t.key == key), "")


def _patterns(path: Path, key: str, values: Any, field: str) -> tuple[re.Pattern[str], ...]:
    if not isinstance(values, list) or not values:
        raise PolicyInputError(path, f"entry {key!r}: '{field}' must be a list of regular expressions")
    return tuple(compile_pattern(v, path, f"{key}.{field}") for v in values)


def _build(path: Path, data: Any) -> TierVocabulary:
    if not isinstance(data, dict) or not isinstance(data.get("tiers"), list) or not data["tiers"]:
        raise PolicyInputError(path, "expected a top-level 'tiers:' list with at least one entry")
    tiers: list[Tier] = []
    for index, entry in enumerate(data["tiers"]):
        key = entry.get("key") if isinstance(entry, dict) else None
        if not isinstance(key, str) or not KEY_RX.match(key):
            raise PolicyInputError(path, f"entry #{index + 1}: 'key' must be a lowercase key")
        if key in (t.key for t in tiers):
            raise PolicyInputError(path, f"entry {key!r}: duplicate key (each may appear once)")
        assert isinstance(entry, dict)
        for field in ("en", "zh"):
            if not isinstance(entry.get(field), str) or not entry[field].strip():
                raise PolicyInputError(path, f"entry {key!r}: '{field}' is missing or empty")
        tiers.append(
            Tier(
                key,
                entry["en"],
                entry["zh"],
                _patterns(path, key, entry.get("amount_patterns"), "amount_patterns"),
                _patterns(path, key, entry.get("statement_patterns"), "statement_patterns"),
            )
        )
    return TierVocabulary(path, tuple(tiers))


def load_tiers(path: str | Path | None = None) -> TierVocabulary:
    """The award tiers (``policycmp/data/award_tiers.yaml`` unless ``path`` is given)."""
    return load(_build, FILE, path)


def tier_keys() -> tuple[str, ...]:
    return load_tiers().keys
