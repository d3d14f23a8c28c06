"""Target indicators (``indicators.yaml``): the goals documents set, named alike across districts.

One vocabulary serves the policy targets, the city work reports' targets and the outcome reports, so
a target and its follow-up are named by the same key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import PolicyInputError
from .checks import domain_field, entry_key, entry_list, joined, text_field, word_list
from .loader import compile_pattern, load

FILE = "indicators.yaml"


@dataclass(frozen=True)
class Indicator:
    key: str
    zh: str
    en: str
    domain: str
    unit: str
    patterns: tuple[tuple[re.Pattern[str], str | None], ...]  # (pattern, variant)

    def match(self, phrase: str, unit: str) -> tuple[bool, str | None]:
        if unit != self.unit:
            return False, None
        for rx, variant in self.patterns:
            if rx.search(phrase):
                return True, variant
        return False, None


@dataclass(frozen=True)
class IndicatorVocabulary:
    path: Path
    indicators: tuple[Indicator, ...]
    stretch_cues: tuple[str, ...]
    ellipsis_heads: tuple[str, ...]
    trim_lead: re.Pattern[str]
    trim_tail: re.Pattern[str]
    section_start: re.Pattern[str]
    section_end: re.Pattern[str]
    # per unit, one alternation of the patterns of its indicators (None when they cannot be joined)
    by_unit: dict[str, re.Pattern[str] | None] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        patterns: dict[str, list[re.Pattern[str]]] = {}
        for indicator in self.indicators:
            patterns.setdefault(indicator.unit, []).extend(rx for rx, _ in indicator.patterns)
        object.__setattr__(self, "by_unit", {unit: joined(tuple(rxs)) for unit, rxs in patterns.items()})

    def find(self, phrase: str, unit: str) -> tuple[Indicator | None, str | None]:
        """The first indicator (in vocabulary order) whose unit and a pattern fit the phrase."""
        # most phrases name no indicator of their unit: one search (or none) says so
        if unit not in self.by_unit:
            return None, None
        any_pattern = self.by_unit[unit]
        if any_pattern is not None and not any_pattern.search(phrase):
            return None, None
        for indicator in self.indicators:
            found, variant = indicator.match(phrase, unit)
            if found:
                return indicator, variant
        return None, None

    def trim(self, phrase: str) -> str:
        """The phrase without the verbs and hedges around the indicator's name."""
        previous = None
        while previous != phrase:
            previous = phrase
            phrase = self.trim_tail.sub("", self.trim_lead.sub("", phrase.strip(" ,、")))
        return phrase

    def cue(self, text: str) -> str | None:
        positions = [(text.find(c), -len(c), c) for c in self.stretch_cues if c in text]
        return min(positions)[2] if positions else None

    def labels(self) -> dict[str, tuple[str, str]]:
        """Key → (English, Chinese) name."""
        return {i.key: (i.en, i.zh) for i in self.indicators}


def _build(path: Path, data: Any) -> IndicatorVocabulary:
    entries = entry_list(path, data, "indicators")
    seen: set[str] = set()
    indicators = tuple(_indicator(path, entry, i, seen) for i, entry in enumerate(entries))
    city = data.get("city_report")
    if not isinstance(city, dict):
        raise PolicyInputError(path, "entry 'city_report': expected section_start and section_end patterns")

    def alternatives(field: str, anchor: str) -> re.Pattern[str]:
        words = word_list(path, field, data.get(field, []))
        body = "|".join(f"(?:{w})" for w in words) or "(?!)"
        return compile_pattern(anchor.format(body), path, field)

    return IndicatorVocabulary(
        path=path,
        indicators=indicators,
        stretch_cues=word_list(path, "stretch_cues", data.get("stretch_cues", [])),
        ellipsis_heads=word_list(path, "ellipsis_heads", data.get("ellipsis_heads", [])),
        trim_lead=alternatives("phrase_trim_lead", "^(?:{})+"),
        trim_tail=alternatives("phrase_trim_tail", "(?:{})+$"),
        section_start=compile_pattern(str(city.get("section_start")), path, "city_report.section_start"),
        section_end=compile_pattern(str(city.get("section_end")), path, "city_report.section_end"),
    )


def _indicator(path: Path, entry: Any, index: int, seen: set[str]) -> Indicator:
    key = entry_key(path, entry, "key", index, seen)
    patterns = entry.get("patterns")
    if not isinstance(patterns, list) or not patterns:
        raise PolicyInputError(path, f"entry {key!r}: 'patterns' must be a list of regular expressions")
    compiled = []
    for item in patterns:
        pattern, variant = (item.get("pattern"), item.get("variant")) if isinstance(item, dict) else (item, None)
        compiled.append((compile_pattern(pattern, path, key), str(variant) if variant else None))
    return Indicator(
        key,
        text_field(path, entry, key, "zh"),
        text_field(path, entry, key, "en"),
        domain_field(path, key, entry.get("domain")),
        text_field(path, entry, key, "unit"),
        tuple(compiled),
    )


def load_indicators(path: str | Path | None = None) -> IndicatorVocabulary:
    """The indicator vocabulary (``policycmp/data/indicators.yaml`` unless ``path`` is given)."""
    return load(_build, FILE, path)
