"""The eight policy domains of the "8+4" package and the element-guarantee lists (``domains.yaml``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import PolicyInputError
from .loader import compile_pattern, load

FILE = "domains.yaml"
KEY_RX = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Domain:
    key: str
    en: str
    zh: str
    patterns: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class DomainVocabulary:
    path: Path
    matching: tuple[Domain, ...]  # in the order headings are tried
    keys: tuple[str, ...]  # in reading order

    def match(self, name: str) -> str | None:
        """The first domain (in matching order) with a pattern found in ``name``."""
        for domain in self.matching:
            if any(rx.search(name) for rx in domain.patterns):
                return domain.key
        return None

    def names(self) -> dict[str, str]:
        """Domain key → English name, in reading order."""
        by_key = {d.key: d for d in self.matching}
        return {key: by_key[key].en for key in self.keys}

    def zh(self, key: str) -> str:
        return next((d.zh for d in self.matching if d.key == key), "")

    def en(self, key: str) -> str:
        return next((d.en for d in self.matching if d.key == key), key)


def _build(path: Path, data: Any) -> DomainVocabulary:
    if not isinstance(data, dict) or not isinstance(data.get("domains"), list) or not data["domains"]:
        raise PolicyInputError(path, "expected a top-level 'domains:' list with at least one entry")
    domains = []
    seen: set[str] = set()
    for index, entry in enumerate(data["domains"]):
        if not isinstance(entry, dict):
            raise PolicyInputError(path, f"entry #{index + 1}: expected a mapping of fields to values")
        key = entry.get("key")
        if not isinstance(key, str) or not KEY_RX.match(key):
            raise PolicyInputError(path, f"entry #{index + 1} ({key!r}): 'key' must be a lowercase key")
        if key in seen:
            raise PolicyInputError(path, f"entry {key!r}: duplicate key (each may appear once)")
        seen.add(key)
        for field in ("en", "zh"):
            if not isinstance(entry.get(field), str) or not entry[field].strip():
                raise PolicyInputError(path, f"entry {key!r}: '{field}' is missing or empty")
        patterns = entry.get("heading_patterns")
        if not isinstance(patterns, list) or not patterns:
            raise PolicyInputError(path, f"entry {key!r}: 'heading_patterns' must be a list of regular expressions")
        domains.append(Domain(key, entry["en"], entry["zh"], tuple(compile_pattern(p, path, key) for p in patterns)))
    order = data.get("reading_order")
    if not isinstance(order, list) or sorted(map(str, order)) != sorted(seen):
        raise PolicyInputError(
            path, f"'reading_order' must list every domain key once (the keys are: {', '.join(sorted(seen))})"
        )
    return DomainVocabulary(path, tuple(domains), tuple(map(str, order)))


def load_domains(path: str | Path | None = None) -> DomainVocabulary:
    """The domain vocabulary (``policycmp/data/domains.yaml`` unless ``path`` is given)."""
    return load(_build, FILE, path)


def domain_keys() -> tuple[str, ...]:
    """Every domain key, in reading order."""
    return load_domains().keys
