"""Policy instruments that recur across districts (``instruments.yaml``): what ``comparisons`` compares.

An instrument is a family of awards researchers set side by side (专精特新, 技改, 高新技术企业…); its
``variants`` are what separates its amounts besides the award tier (new or renewed recognition, a
star rating, a kind of factory, a listing stage). Variants are defined once, at the top of the file,
and each instrument lists the ones it has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import PolicyInputError
from .checks import (
    KEY_RX,
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
from .tiers import load_tiers, tier_keys

FILE = "instruments.yaml"
# A place a rule was seen in: a district key and the edition's year (deqing-2024), optionally a draft.
SEEN_RX = re.compile(r"^[a-z][a-z0-9]*-(?:19|20)\d{2}(?:-draft)?$")


@dataclass(frozen=True)
class Variant:
    """What separates an instrument's amounts besides the tier: renewed recognition, five stars…"""

    key: str
    zh: str
    en: str
    patterns: tuple[re.Pattern[str], ...]
    # the tier the variant always has (a 专精特新"小巨人" is a national recognition), or None
    level: str | None
    # the words of the default (first) recognition written right before the variant's as its
    # alternative (首次或重新认定): searched in the words before the variant's, ending there
    with_first: tuple[re.Pattern[str], ...] = ()

    def search(self, text: str) -> re.Match[str] | None:
        return search_any(self.patterns, text)

    def written_with_first(self, text: str) -> bool:
        """Whether ``text`` names this variant with the first recognition as its alternative
        (首次或重新认定为高新技术企业): the grant is both's."""
        starts = [m.start() for rx in self.patterns for m in rx.finditer(text)] if self.with_first else []
        return any(first.search(text, 0, at) for at in starts for first in self.with_first)


@dataclass(frozen=True)
class Instrument:
    key: str
    zh: str
    en: str
    domain: str
    levels: tuple[str, ...]
    variants: tuple[Variant, ...]  # in the order they are tried on a text: the first that matches wins
    patterns: tuple[re.Pattern[str], ...]
    require: tuple[re.Pattern[str], ...]
    exclude: tuple[re.Pattern[str], ...]
    domains: tuple[str, ...] | None
    seen_in: tuple[str, ...]

    def recognises(self, text: str, domain: object) -> bool:
        if self.domains is not None and not (isinstance(domain, str) and domain in self.domains):
            return False
        return (
            search_any(self.patterns, text) is not None
            and all(rx.search(text) for rx in self.require)
            and not any(rx.search(text) for rx in self.exclude)
        )

    def named_at(self, text: str) -> int | None:
        """Where ``text`` first names the instrument (its earliest pattern match), or None."""
        starts = [m.start() for rx in self.patterns for m in [rx.search(text)] if m]
        return min(starts) if starts else None

    def variant_of(self, text: str) -> Variant | None:
        """The first of the instrument's variants that ``text`` names."""
        return next((v for v in self.variants if v.search(text)), None)


@dataclass(frozen=True)
class InstrumentVocabulary:
    path: Path
    instruments: tuple[Instrument, ...]
    variants: tuple[Variant, ...]
    level_words: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]
    # the tiers' amount patterns: read in one item of an enumeration alone (省电子信息产业百家重点企业)
    item_level_words: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]
    statement_breaks: tuple[str, ...]
    # a statement that states an instrument without an amount must still speak of a grant (奖励, 补助…)
    grant_words: re.Pattern[str]
    # words that open the thing rewarded (对…) and the grant after it (分别给予…)
    object_openers: tuple[str, ...]
    grant_openers: re.Pattern[str]
    # how an object says it was recognised (新认定的, 评为): left out when the log groups objects
    object_modifiers: tuple[re.Pattern[str], ...]
    # asides that exclude something (不含重新认定): their words name no variant
    exclusion_asides: re.Pattern[str]
    # words right after an amount that make it a loan or credit line, not a grant (500万元额度)
    not_granted_after: re.Pattern[str]
    not_granted_before: re.Pattern[str]
    # what a share is computed on when it tops up a higher government's grant (按国家立项补助金额的20%)
    top_up_bases: re.Pattern[str]
    # the opening of a parenthesis naming a higher government's part of the amount before it
    tier_parts: re.Pattern[str]
    # the words right before an amount that raise the grant just stated for a group (标准提高至)
    raised_standards: re.Pattern[str]
    # comma parts that set the scene of an amount (在…基础上): never the thing rewarded
    object_asides: re.Pattern[str]
    # words opening a statement that speaks of part of the award before it (其中…)
    continuation_openers: tuple[str, ...]
    # object heads too generic to say two 对 statements reward the same kind of thing (企业, 项目)
    generic_heads: tuple[str, ...]
    # words a lead may be made of and still say nothing of its own (单个项目最高)
    lead_fillers: tuple[str, ...]
    # the acts of recognition (认定为, 获评, 通过): an enumeration of things rewarded starts after them
    recognition_acts: re.Pattern[str]

    def keys(self) -> list[str]:
        return [i.key for i in self.instruments]

    def variant_keys(self) -> list[str]:
        return [v.key for v in self.variants]


def _variant(path: Path, entry: Any, index: int, seen: set[str], levels: tuple[str, ...]) -> Variant:
    key = entry_key(path, entry, "key", index, seen)
    level = entry.get("level")
    if level is not None and level not in levels:
        raise PolicyInputError(path, f"variant {key!r}: unknown level {level!r} (known: {', '.join(levels)})")
    return Variant(
        key=key,
        zh=text_field(path, entry, key, "zh"),
        en=text_field(path, entry, key, "en"),
        patterns=pattern_list(path, f"variant {key}", entry.get("patterns"), "patterns", required=True),
        level=level,
        with_first=pattern_list(path, f"variant {key}", entry.get("with_first"), "with_first", required=False),
    )


def _variant_refs(path: Path, key: str, values: Any, known: dict[str, Variant]) -> tuple[Variant, ...]:
    if values is None:
        return ()
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise PolicyInputError(path, f"entry {key!r}: 'variants' must be a list of variant keys")
    for value in values:
        if value not in known:
            raise PolicyInputError(
                path, f"entry {key!r}: unknown variant {value!r} (define it under the top-level 'variants:')"
            )
    return tuple(known[v] for v in values)


def _seen_in(path: Path, key: str, values: Any) -> tuple[str, ...]:
    if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
        raise PolicyInputError(
            path, f"entry {key!r}: 'seen_in' must list the documents the rule was seen in (e.g. [deqing-2024])"
        )
    for value in values:
        if not SEEN_RX.match(value):
            raise PolicyInputError(
                path, f"entry {key!r}: seen_in {value!r} is not a district key and year (deqing-2024)"
            )
    return tuple(values)


def _build(path: Path, data: Any) -> InstrumentVocabulary:
    entries = entry_list(path, data, "instruments")
    breaks = word_list(path, "statement_breaks", data.get("statement_breaks", []))
    levels = tier_keys()
    seen_variants: set[str] = set()
    variants = tuple(
        _variant(path, entry, i, seen_variants, levels) for i, entry in enumerate(data.get("variants") or [])
    )
    known = {v.key: v for v in variants}
    seen: set[str] = set()
    instruments = tuple(_instrument(path, entry, i, seen, known) for i, entry in enumerate(entries))
    tiers = load_tiers().tiers
    level_words = tuple((tier.key, tier.statement_patterns) for tier in tiers)
    item_level_words = tuple((tier.key, tier.amount_patterns) for tier in tiers)
    return InstrumentVocabulary(
        path,
        instruments,
        variants,
        level_words,
        item_level_words,
        breaks,
        grant_words=_joined(path, data, "grant_words"),
        object_openers=word_list(path, "object_openers", data.get("object_openers", [])),
        grant_openers=_joined(path, data, "grant_openers"),
        object_modifiers=pattern_list(
            path, "object_modifiers", data.get("object_modifiers"), "object_modifiers", required=True
        ),
        exclusion_asides=_joined(path, data, "exclusion_asides"),
        not_granted_after=_joined(path, data, "not_granted_after"),
        not_granted_before=_joined(path, data, "not_granted_before"),
        top_up_bases=_joined(path, data, "top_up_bases"),
        tier_parts=_joined(path, data, "tier_parts"),
        raised_standards=_joined(path, data, "raised_standards"),
        object_asides=_joined(path, data, "object_asides"),
        continuation_openers=word_list(path, "continuation_openers", data.get("continuation_openers", [])),
        generic_heads=word_list(path, "generic_heads", data.get("generic_heads", [])),
        lead_fillers=word_list(path, "lead_fillers", data.get("lead_fillers", [])),
        recognition_acts=_joined(path, data, "recognition_acts"),
    )


def _joined(path: Path, data: Any, field: str) -> re.Pattern[str]:
    """One pattern matching where any of the file's ``field`` patterns matches (each checked on its own first)."""
    patterns = pattern_list(path, field, data.get(field), field, required=True)
    return re.compile("|".join(f"(?:{rx.pattern})" for rx in patterns))


def _instrument(path: Path, entry: Any, index: int, seen: set[str], variants: dict[str, Variant]) -> Instrument:
    key = entry_key(path, entry, "key", index, seen)
    assert KEY_RX.match(key)
    return Instrument(
        key=key,
        zh=text_field(path, entry, key, "zh"),
        en=text_field(path, entry, key, "en"),
        domain=domain_field(path, key, entry.get("domain")),
        levels=level_list(path, key, entry.get("levels")),
        variants=_variant_refs(path, key, entry.get("variants"), variants),
        patterns=pattern_list(path, key, entry.get("patterns"), "patterns", required=True),
        require=pattern_list(path, key, entry.get("require"), "require", required=False),
        exclude=pattern_list(path, key, entry.get("exclude"), "exclude", required=False),
        domains=domain_list(path, key, entry.get("domains")),
        seen_in=_seen_in(path, key, entry.get("seen_in")),
    )


def load_instruments(path: str | Path | None = None) -> InstrumentVocabulary:
    """The instrument vocabulary (``policycmp/data/instruments.yaml`` unless ``path`` is given)."""
    return load(_build, FILE, path)
