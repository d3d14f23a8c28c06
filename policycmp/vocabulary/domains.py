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


KEYWORDS_FILE = "domain_keywords.yaml"


@dataclass(frozen=True)
class DomainKeywords:
    """The keyword model that infers a section's domain from its words (``domain_keywords.yaml``)."""

    path: Path
    heading_weight: int
    keywords: dict[str, tuple[str, ...]]  # domain key → its words

    def scores(self, heading: str, text: str) -> dict[str, int]:
        """Each domain's score: its words' occurrences, ``heading_weight`` times in the heading."""
        return {
            key: sum(self.heading_weight * heading.count(word) + text.count(word) for word in words)
            for key, words in self.keywords.items()
        }


def _build_keywords(path: Path, data: Any) -> DomainKeywords:
    if not isinstance(data, dict) or not isinstance(data.get("keywords"), dict) or not data["keywords"]:
        raise PolicyInputError(path, "expected 'heading_weight' and a 'keywords:' mapping of domain key to words")
    known = domain_keys()
    keywords: dict[str, tuple[str, ...]] = {}
    for key, words in data["keywords"].items():
        if key not in known:
            raise PolicyInputError(path, f"entry {key!r}: unknown domain (known: {', '.join(known)})")
        if not isinstance(words, list) or not words or not all(isinstance(w, str) and w for w in words):
            raise PolicyInputError(path, f"entry {key!r}: expected a list of words")
        keywords[str(key)] = tuple(words)
    weight = data.get("heading_weight")
    if isinstance(weight, bool) or not isinstance(weight, int) or weight < 1:
        raise PolicyInputError(path, "entry 'heading_weight': expected a whole number of at least 1")
    return DomainKeywords(path, weight, {key: keywords[key] for key in known if key in keywords})


def load_domain_keywords(path: str | Path | None = None) -> DomainKeywords:
    """The domain keyword model (``policycmp/data/domain_keywords.yaml`` unless ``path`` is given)."""
    return load(_build_keywords, KEYWORDS_FILE, path)
