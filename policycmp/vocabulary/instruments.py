"""Policy instruments that recur across districts (``instruments.yaml``): what ``comparisons`` compares."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .checks import (
    domain_field,
    domain_list,
    entry_key,
    entry_list,
    level_list,
    pattern_list,
    search_any,
    text_field,
    word_list,
)
from .loader import load
from .tiers import load_tiers

FILE = "instruments.yaml"


@dataclass(frozen=True)
class Instrument:
    key: str
    zh: str
    en: str
    domain: str
    levels: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]
    require: tuple[re.Pattern[str], ...]
    exclude: tuple[re.Pattern[str], ...]
    domains: tuple[str, ...] | None

    def recognises(self, text: str, domain: object) -> bool:
        if self.domains is not None and not (isinstance(domain, str) and domain in self.domains):
            return False
        return (
            search_any(self.patterns, text) is not None
            and all(rx.search(text) for rx in self.require)
            and not any(rx.search(text) for rx in self.exclude)
        )


@dataclass(frozen=True)
class InstrumentVocabulary:
    path: Path
    instruments: tuple[Instrument, ...]
    level_words: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]
    statement_breaks: tuple[str, ...]

    def keys(self) -> list[str]:
        return [i.key for i in self.instruments]


def _build(path: Path, data: Any) -> InstrumentVocabulary:
    entries = entry_list(path, data, "instruments")
    breaks = word_list(path, "statement_breaks", data.get("statement_breaks", []))
    seen: set[str] = set()
    instruments = tuple(_instrument(path, entry, i, seen) for i, entry in enumerate(entries))
    level_words = tuple((tier.key, tier.statement_patterns) for tier in load_tiers().tiers)
    return InstrumentVocabulary(path, instruments, level_words, breaks)


def _instrument(path: Path, entry: Any, index: int, seen: set[str]) -> Instrument:
    key = entry_key(path, entry, "key", index, seen)
    return Instrument(
        key=key,
        zh=text_field(path, entry, key, "zh"),
        en=text_field(path, entry, key, "en"),
        domain=domain_field(path, key, entry.get("domain")),
        levels=level_list(path, key, entry.get("levels")),
        patterns=pattern_list(path, key, entry.get("patterns"), "patterns", required=True),
        require=pattern_list(path, key, entry.get("require"), "require", required=False),
        exclude=pattern_list(path, key, entry.get("exclude"), "exclude", required=False),
        domains=domain_list(path, key, entry.get("domains")),
    )


def load_instruments(path: str | Path | None = None) -> InstrumentVocabulary:
    """The instrument vocabulary (``policycmp/data/instruments.yaml`` unless ``path`` is given)."""
    return load(_build, FILE, path)
