"""The quantity grammar: ``units.yaml``, ``quantity_cues.yaml`` and the award tiers, compiled.

It comes in four parts, one per reading step, so each step sees only the words it needs:
:class:`NumberGrammar` (numbers, units, what is not a quantity), :class:`BoundGrammar` (最高, 以上,
ranges, conjunctions), :class:`KindCues` (what an amount is for) and :class:`TierCues` (which tier of
an award it belongs to). :func:`grammar` rebuilds it whenever one of the files' content changes.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import PolicyInputError
from ..vocabulary import TierVocabulary, compile_pattern, load, load_tiers
from ..vocabulary.loader import require
from ..vocabulary.units import UnitsFile, load_units
from .scanning import Scanner, skipping

CJK = "\u4e00-\u9fff"
UNIT_CLASSES = ("money", "share", "physical", "count")


@dataclass(frozen=True)
class UnitWord:
    word: str
    unit: str
    factor: Decimal
    cls: str  # money | share | physical | count
    not_followed_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class NumberGrammar:
    units: dict[str, UnitWord]
    magnitudes: dict[str, Decimal]
    cn_digits: dict[str, int]
    cn_multipliers: dict[str, int]
    base_units: frozenset[str]
    arabic: re.Pattern[str]
    special: re.Pattern[str]
    special_gate: re.Pattern[str]
    blocked: Scanner
    clause_number: re.Pattern[str]
    bare_year: re.Pattern[str]
    per_unit: re.Pattern[str]
    per_unit_measures: frozenset[str]  # count measure words that form a rate after 每 (每台)
    per_noun: re.Pattern[str]  # 每个展位 / 每张床位 before an amount: the noun (group 'noun') is the denominator
    per_nouns: dict[str, UnitWord]  # each wording of such a noun → the noun as a denominator (标准展位 → 展位)
    written_unit: re.Pattern[str]
    cue_word: re.Pattern[str]
    ratio_cue: re.Pattern[str]
    ratio_nouns: re.Pattern[str]
    money_context: re.Pattern[str]
    amount_end: re.Pattern[str]
    traditional: re.Pattern[str]


@dataclass(frozen=True)
class BoundGrammar:
    prefix: re.Pattern[str]
    suffix: re.Pattern[str]
    reach: re.Pattern[str]
    conjunction: re.Pattern[str]
    range_sep: re.Pattern[str]
    grant_reach: re.Pattern[str]


@dataclass(frozen=True)
class KindCues:
    grant_verbs: re.Pattern[str]
    subsidy_nouns: re.Pattern[str]
    budget_words: re.Pattern[str]
    target_words: re.Pattern[str]
    seek_verbs: re.Pattern[str]
    threshold_nouns: re.Pattern[str]
    condition_open: re.Pattern[str]
    condition_close: re.Pattern[str]
    other_words: re.Pattern[str]
    other_after: re.Pattern[str]
    category_nouns: re.Pattern[str]
    part_words: re.Pattern[str]
    threshold_reach: re.Pattern[str]
    threshold_reach_stops: re.Pattern[str]
    cap_heads: re.Pattern[str]


@dataclass(frozen=True)
class TierCues:
    levels: tuple[tuple[str, re.Pattern[str]], ...]
    level_word: re.Pattern[str]
    exclusions: re.Pattern[str]
    scene: re.Pattern[str]
    recognition: re.Pattern[str]
    explicit_heads: re.Pattern[str]
    explicit_tail: re.Pattern[str]


@dataclass(frozen=True)
class Grammar:
    numbers: NumberGrammar
    bounds: BoundGrammar
    kinds: KindCues
    tiers: TierCues


# --- reading the files -----------------------------------------------------------------------------


def _pattern(pattern: object, path: Path, entry: str) -> re.Pattern[str]:
    """A vocabulary pattern, compiled in its skipping form (see scanning.py)."""
    return skipping(compile_pattern(pattern, path, entry))


def _alternation(words: Any, path: Path, entry: str, literal: bool = True) -> re.Pattern[str]:
    """One regex matching any of ``words``, longest first so 不低于 beats 低于."""
    if not isinstance(words, list) or not words:
        raise PolicyInputError(path, f"{entry}: expected a non-empty list of words")
    parts = [re.escape(str(w)) if literal else str(w) for w in sorted(set(words), key=len, reverse=True)]
    return compile_pattern("(?:" + "|".join(parts) + ")", path, entry)


def _unit_words(uspec: Any, path: Path) -> dict[str, UnitWord]:
    units: dict[str, UnitWord] = {}
    for i, entry in enumerate(require(uspec, "units", path)):
        for key in ("words", "unit", "factor", "class"):
            require(entry, key, path)
        if entry["class"] not in UNIT_CLASSES:
            raise PolicyInputError(path, f"units[{i}]: class {entry['class']!r} is not money/share/physical/count")
        for word in map(str, entry["words"]):
            if word in units:
                raise PolicyInputError(path, f"units[{i}]: word {word!r} is listed twice")
            units[word] = UnitWord(
                word,
                str(entry["unit"]),
                Decimal(str(entry["factor"])),
                entry["class"],
                tuple(map(str, entry.get("not_followed_by") or ())),
            )
    return units


def _unit_alternation(units: dict[str, UnitWord]) -> str:
    """Unit words longest first, each guarded by its not_followed_by characters (方 but not 方面)."""
    alts = []
    for word in sorted(units, key=len, reverse=True):
        guard = "".join(re.escape(c) for c in units[word].not_followed_by)
        alts.append(re.escape(word) + (f"(?![{guard}])" if guard else ""))
    return "(?:" + "|".join(alts) + ")"


def _per_nouns(uspec: Any, path: Path) -> dict[str, UnitWord]:
    """``per_unit_nouns``: each wording → the noun it counts as, the rate's denominator (标准展位 → 展位)."""
    found = require(uspec, "per_unit_nouns", path)
    if not isinstance(found, dict) or not all(
        isinstance(k, str) and isinstance(v, list) and v and all(isinstance(w, str) and w for w in v)
        for k, v in found.items()
    ):
        raise PolicyInputError(path, "entry 'per_unit_nouns': expected each noun with a list of its wordings")
    return {
        wording: UnitWord(noun, noun, Decimal(1), "count") for noun, wordings in found.items() for wording in wordings
    }


def _reach(uspec: Any, path: Path) -> int:
    reach = require(uspec, "per_unit_reach", path)
    if not isinstance(reach, int) or isinstance(reach, bool) or not 0 <= reach <= 40:
        raise PolicyInputError(path, "entry 'per_unit_reach': expected a whole number of characters from 0 to 40")
    return reach


def _full_share(cspec: Any, path: Path) -> str:
    """``full_share``: a grant of the whole (全额补助) as a pattern, its words then a grant word."""
    found = require(cspec, "full_share", path)
    if not isinstance(found, dict) or not all(
        isinstance(found.get(k), list) and found[k] and all(isinstance(w, str) and w for w in found[k])
        for k in ("words", "grants")
    ):
        raise PolicyInputError(path, "entry 'full_share': expected lists 'words' and 'grants' of words")
    words = "|".join(map(re.escape, found["words"]))
    grants = "|".join(map(re.escape, found["grants"]))
    return f"(?:{words})(?:{grants})"


def _numbers(uspec: Any, upath: Path, cspec: Any, cpath: Path) -> NumberGrammar:
    units = _unit_words(uspec, upath)
    magnitudes = {str(k): Decimal(str(v)) for k, v in require(uspec, "magnitudes", upath).items()}
    mags = sorted(magnitudes, key=len, reverse=True)
    mag_rx = "(?:" + "|".join(map(re.escape, mags)) + ")"
    # A magnitude alone (8500万) is an amount whose unit is left out; 千 and 百 alone are not.
    big_mag_rx = "(?:" + "|".join(re.escape(m) for m in mags if magnitudes[m] >= 10000) + ")"
    unit_rx = _unit_alternation(units)
    more = _alternation(require(cspec, "bounds.min.infix", cpath), cpath, "bounds.min.infix").pattern
    separator = require(uspec, "rate_separator", upath)
    if not isinstance(separator, str) or not separator:
        raise PolicyInputError(upath, "entry 'rate_separator': expected the character that writes a rate (/)")
    per = re.escape(separator)
    number = r"\d{1,3}(?:,\d{3})+(?![\d])(?:\.\d+)?|\d+(?:\.\d+)+|\d+"
    signs = "".join(re.escape(str(s)) for s in require(uspec, "minus_signs", upath))
    # number ( [余] [magnitude] [余] unit [/ [number] [magnitude] unit-or-measure-word] | [余] magnitude [余] | 余 )
    # 余 is written after the magnitude (1万余个) or before it (1400余万元): either way "more than".
    arabic = _pattern(
        rf"(?:(?<![\d.])(?P<sign>[{signs}]))?(?<![\d.])(?P<num>{number})"
        # PDF text may put one space between the number and what follows it (795 亿元, 30 万和15 万元).
        # (a magnitude is not read where a unit word starts: 元/千瓦时 is per kWh, not per thousand 瓦)
        rf"(?:\s?(?:(?:(?P<more0>{more})(?={mag_rx}))?(?P<mag>{mag_rx})?(?P<more>{more})?(?P<unit>{unit_rx})"
        rf"(?:{per}(?P<dnum>\d+(?:\.\d+)?)?(?P<dmag>(?!{unit_rx}){mag_rx})?(?P<dunit>{unit_rx}|[{CJK}]))?"
        rf"|(?P<more4>{more})?(?P<magonly>{big_mag_rx})(?P<more2>{more})?|(?P<more3>{more})))?",
        upath,
        "arabic number grammar",
    )
    cn_digits = {str(k): int(v) for k, v in require(uspec, "chinese_digits", upath).items()}
    cn_multipliers = {str(k): int(v) for k, v in require(uspec, "chinese_multipliers", upath).items()}
    cnd = "".join(cn_digits)
    cnall = cnd + "".join(cn_multipliers)
    excluded = set(uspec.get("chinese_numeral_excluded_units") or [])
    # The units a number written in Chinese numerals may carry.
    cn_units = {word: u for word, u in units.items() if u.cls != "count" and word not in excluded}
    cn_unit_rx = _unit_alternation(cn_units)
    mult = "|".join(map(re.escape, require(uspec, "multiple_words", upath)))
    disc = "|".join(map(re.escape, require(uspec, "discount_words", upath)))
    full = _full_share(cspec, cpath)
    special = _pattern(
        "|".join(
            [
                rf"(?P<fden>[{cnall}]+)分之(?P<fnum>[{cnall}]+|\d+(?:\.\d+)?)",
                r"(?P<ratio_a>(?<![\d:])\d+):(?P<ratio_b>\d+)(?![\d:])",
                rf"(?P<mult>(?<![{cnall}\d.])(?:[{cnall}]+|\d+(?:\.\d+)?))(?:{mult})(?!增)",
                rf"(?P<disc>(?<![{cnall}\d.])(?:[{cnd}]{{1,2}}|\d(?:\.\d)?))(?:{disc})(?![旧算合扣价叠])",
                # Chinese numerals only with money, share and physical units: with measure words they are
                # set phrases (五大领域, 一批, 三年行动), not counts.
                rf"(?P<cnnum>(?<![{cnall}\d.])[{cnall}]+)(?P<cnunit>{cn_unit_rx})",
                rf"(?P<full>{full})",
            ]
        ),
        upath,
        "chinese number grammar",
    )

    # What every match of the special grammar holds, branch by branch: 分之; a digit, colon, digit;
    # a numeral right before 倍 or 折; a numeral run (not after a number) right before a unit's first
    # character. Most clauses hold none of these, and a search for them is cheaper than the grammar.
    unit_starts = "".join(sorted({re.escape(word[0]) for word in cn_units}))
    special_gate = _pattern(
        "|".join(
            [
                "分之",
                r"\d:\d",
                rf"[{cnall}\d](?:{mult})",
                rf"[{cnd}\d](?:{disc})",
                rf"(?<![{cnall}\d.])[{cnall}]+[{unit_starts}]",
                full,
            ]
        ),
        upath,
        "chinese number grammar (gate)",
    )

    def words(dotted: str) -> list[str]:
        return list(require(cspec, dotted, cpath))

    stop = "".join(re.escape(str(c)) for c in require(cspec, "unknown_unit_stop", cpath))
    per_nouns = _per_nouns(uspec, upath)
    classifiers = _alternation(require(uspec, "per_unit_classifiers", upath), upath, "per_unit_classifiers").pattern
    return NumberGrammar(
        units=units,
        magnitudes=magnitudes,
        cn_digits=cn_digits,
        cn_multipliers=cn_multipliers,
        base_units=frozenset(u.unit for u in units.values()) | {"ratio"},
        # Scanned over every text: in the forms that skip to where a match can start (scanning.py).
        arabic=arabic,
        special=special,
        special_gate=special_gate,
        blocked=Scanner(
            [compile_pattern(p, cpath, "quoted_spans") for p in require(cspec, "quoted_spans", cpath)]
            + [compile_pattern(p, cpath, "not_quantity") for p in require(cspec, "not_quantity", cpath)]
        ),
        clause_number=compile_pattern(require(cspec, "clause_number", cpath), cpath, "clause_number"),
        bare_year=compile_pattern(require(cspec, "bare_year", cpath), cpath, "bare_year"),
        # 每亩300元 / 每亩分别给予50元 / 每台联网袜机不超过1500元: the unit after 每 is the rate's
        # denominator, with up to per_unit_reach characters (no digit, no break) before the amount.
        per_unit=compile_pattern(
            rf"每(?P<per>{_unit_alternation(units)})[^\d,。;:!?]{{0,{_reach(uspec, upath)}}}$", upath, "per-unit prefix"
        ),
        per_unit_measures=frozenset(map(str, require(uspec, "per_unit_measure_words", upath))),
        per_noun=compile_pattern(
            rf"每{classifiers}?(?P<noun>{_alternation(list(per_nouns), upath, 'per_unit_nouns').pattern})"
            rf"[^\d,。;:!?]{{0,{_reach(uspec, upath)}}}$",
            upath,
            "per-unit noun",
        ),
        per_nouns=per_nouns,
        written_unit=compile_pattern(rf"[^\s\d{stop}\W]{{1,2}}", cpath, "unknown_unit_stop"),
        # A cue word right after a number is text, not its unit (500万补助经费).
        cue_word=_alternation(
            words("money_context")
            + words("kinds.subsidy.nouns")
            + words("kinds.subsidy.grant_verbs")
            + words("kinds.target.words")
            + words("kinds.threshold.nouns")
            + words("kinds.other.category_nouns"),
            cpath,
            "cue words",
        ),
        ratio_cue=_alternation(words("ratio_cues"), cpath, "ratio_cues"),
        ratio_nouns=_alternation(require(uspec, "ratio_nouns", upath), upath, "ratio_nouns"),
        money_context=_alternation(words("money_context"), cpath, "money_context"),
        # What an amount ends with: a minus sign after it separates a range, it is not a sign.
        amount_end=compile_pattern(rf"(?:[\d%]|{unit_rx}|{mag_rx})\s*$", upath, "minus_signs"),
        traditional=compile_pattern(require(cspec, "traditional_hint", cpath), cpath, "traditional_hint"),
    )


def _bounds(cspec: Any, path: Path) -> BoundGrammar:
    prefix, suffix = [], []
    for bound in ("max", "min", "approx"):
        entry = f"bounds.{bound}"
        prefix.append(
            rf"(?P<{bound}>{_alternation(require(cspec, entry + '.prefix', path), path, entry, False).pattern})"
        )
        suffix.append(
            rf"(?P<{bound}>{_alternation(require(cspec, entry + '.suffix', path), path, entry, False).pattern})"
        )
    fillers = _alternation(require(cspec, "prefix_fillers", path), path, "prefix_fillers").pattern
    reach = int(require(cspec, "prefix_reach", path))
    conj = _alternation(require(cspec, "conjunctions", path), path, "conjunctions").pattern
    seps = _alternation(require(cspec, "range_separators", path), path, "range_separators").pattern
    return BoundGrammar(
        prefix=_pattern(rf"(?:{'|'.join(prefix)})(?:{fillers})?\s?$", path, "bounds prefix"),
        suffix=compile_pattern(rf"^\s?(?:{'|'.join(suffix)})", path, "bounds suffix"),
        reach=_pattern(rf"(?:{'|'.join(prefix)})[^\d。;!?,:()]{{0,{reach}}}的$", path, "bounds prefix reach"),
        conjunction=compile_pattern(rf"^\s*{conj}\s*$", path, "conjunctions"),
        range_sep=compile_pattern(rf"^\s*{seps}\s*$", path, "range_separators"),
        grant_reach=_pattern(
            rf"(?:{'|'.join(prefix)})"
            rf"{_alternation(require(cspec, 'grant_reach_words', path), path, 'grant_reach_words').pattern}\s?$",
            path,
            "grant_reach_words",
        ),
    )


def _kinds(cspec: Any, path: Path) -> KindCues:
    def alt(dotted: str, literal: bool = True) -> re.Pattern[str]:
        return _alternation(require(cspec, dotted, path), path, dotted, literal)

    return KindCues(
        grant_verbs=alt("kinds.subsidy.grant_verbs"),
        subsidy_nouns=alt("kinds.subsidy.nouns"),
        budget_words=alt("kinds.budget.words", literal=False),
        target_words=alt("kinds.target.words"),
        seek_verbs=alt("kinds.target.seek_verbs"),
        threshold_nouns=alt("kinds.threshold.nouns"),
        condition_open=alt("kinds.threshold.condition_open"),
        condition_close=alt("kinds.threshold.condition_close"),
        other_words=alt("kinds.other.words"),
        other_after=alt("kinds.other.after_words"),
        category_nouns=alt("kinds.other.category_nouns"),
        part_words=alt("kinds.budget.part_words"),
        threshold_reach=compile_pattern(
            rf"^[^\d,。;、:()]{{0,{int(require(cspec, 'kinds.threshold.noun_reach', path))}}}?"
            rf"{alt('kinds.threshold.nouns').pattern}",
            path,
            "kinds.threshold.noun_reach",
        ),
        threshold_reach_stops=alt("kinds.threshold.noun_reach_stops"),
        cap_heads=alt("kinds.subsidy.cap_heads"),
    )


def _tier_cues(cspec: Any, path: Path, tiers: TierVocabulary) -> TierCues:
    levels = tuple(
        (tier.key, compile_pattern("|".join(rx.pattern for rx in tier.amount_patterns), tiers.path, tier.key))
        for tier in tiers.tiers
    )
    return TierCues(
        levels=levels,
        level_word=compile_pattern("|".join(f"(?:{rx.pattern})" for _, rx in levels), tiers.path, "tiers"),
        exclusions=compile_pattern("|".join(require(cspec, "level_exclusions", path)), path, "level_exclusions"),
        scene=_alternation(require(cspec, "level_scene_patterns", path), path, "level_scene_patterns", literal=False),
        recognition=_alternation(require(cspec, "level_recognition_verbs", path), path, "level_recognition_verbs"),
        explicit_heads=compile_pattern(
            rf"^\s*{_alternation(require(cspec, 'level_explicit_heads', path), path, 'level_explicit_heads').pattern}"
            r"(?!以上|及以上)",
            path,
            "level_explicit_heads",
        ),
        explicit_tail=compile_pattern(
            rf"{_alternation(require(cspec, 'level_explicit_heads', path), path, 'level_explicit_heads').pattern}"
            rf"(?:{_alternation(require(cspec, 'grant_reach_words', path), path, 'grant_reach_words').pattern})?\s*$",
            path,
            "level_explicit_heads",
        ),
    )


@dataclass(frozen=True)
class _Spec:
    path: Path
    data: Any


def _spec(path: Path, data: Any) -> _Spec:
    if not isinstance(data, dict):
        raise PolicyInputError(path, "expected a mapping at the top level")
    return _Spec(path, data)


_lock = threading.Lock()
_built: tuple[UnitsFile, _Spec, TierVocabulary, Grammar] | None = None


def grammar() -> Grammar:
    """The compiled grammar of the current vocabulary files (rebuilt when one of them changes)."""
    global _built
    units, cues, tiers = load_units(), load(_spec, "quantity_cues.yaml"), load_tiers()
    with _lock:
        if _built is not None and _built[0] is units and _built[1] is cues and _built[2] is tiers:
            return _built[3]
    compiled = Grammar(
        numbers=_numbers(units.data, units.path, cues.data, cues.path),
        bounds=_bounds(cues.data, cues.path),
        kinds=_kinds(cues.data, cues.path),
        tiers=_tier_cues(cues.data, cues.path, tiers),
    )
    with _lock:
        _built = (units, cues, tiers, compiled)
    return compiled
