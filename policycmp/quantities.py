"""Quantities stated in a clause: amounts, shares, areas, energy, counts, with bound, kind and tier.

``extract_mentions(text)`` is a pure function over one clause text. It reads a number the way a
researcher does: the number and its magnitude (150万), the unit (元 → CNY), any rate denominator
(/亩), the bound written around it (最高, 以上), what the amount is for (subsidy, budget, target,
threshold) and, for tiered awards, which tier it belongs to. All vocabulary — unit words, cue words,
what is *not* a quantity — lives in ``data/units.yaml`` and ``data/quantity_cues.yaml``; this
module only knows the grammar.

Offsets index the text as given. Full-width input is folded character by character (NFKC where it
maps one character to one), so ``text[start:end] == span`` holds for any input.
"""
from __future__ import annotations

import functools
import math
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pandas as pd

from .errors import PolicyInputError
from .vocab import DATA_DIR, compile_pattern, load_resource

KINDS = ("subsidy", "budget", "target", "threshold", "other")
BOUNDS = ("max", "min", "approx", "exact")

QUANTITY_DTYPES: dict[str, str] = {
    "clause_id": "string",
    "doc_id": "string",
    "district": "string",
    "domain": "string",
    "year": "int64",
    "span": "string",
    "start": "int64",
    "end": "int64",
    "value": "float64",
    "value_high": "float64",
    "unit": "string",
    "kind": "string",
    "bound": "string",
    "level": "string",
}
QUANTITY_COLUMNS: list[str] = list(QUANTITY_DTYPES)
CLAUSE_INPUT_COLUMNS = ("clause_id", "doc_id", "district", "domain", "year", "text")

CJK = "\u4e00-\u9fff"
SENTENCE_END = re.compile(r"[。;!?\n]")
FRAGMENT_END = re.compile(r"[。;!?\n,:]")
ASIDE = re.compile(r"\([^()]{0,40}\)")


@dataclass(frozen=True)
class QuantityMention:
    span: str
    start: int
    end: int
    value: float
    value_high: float | None
    unit: str
    kind: str
    bound: str
    level: str | None


# --------------------------------------------------------------------------------------------
# Vocabulary → compiled grammar (built once, cached)
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class UnitWord:
    word: str
    unit: str
    factor: Decimal
    cls: str  # money | share | physical | count
    not_followed_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class Grammar:
    units: dict[str, UnitWord]
    magnitudes: dict[str, Decimal]
    cn_digits: dict[str, int]
    cn_multipliers: dict[str, int]
    base_units: frozenset[str]
    arabic: re.Pattern[str]
    special: re.Pattern[str]
    blocked: tuple[re.Pattern[str], ...]
    clause_number: re.Pattern[str]
    prefix_bound: re.Pattern[str]
    suffix_bound: re.Pattern[str]
    prefix_reach: re.Pattern[str]
    conjunction: re.Pattern[str]
    range_sep: re.Pattern[str]
    ratio_nouns: re.Pattern[str]
    money_context: re.Pattern[str]
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
    levels: tuple[tuple[str, re.Pattern[str]], ...]
    level_word: re.Pattern[str]
    level_exclusions: re.Pattern[str]
    level_scene: re.Pattern[str]
    recognition: re.Pattern[str]
    ratio_cue: re.Pattern[str]
    written_unit: re.Pattern[str]
    cue_word: re.Pattern[str]
    bare_year: re.Pattern[str]
    per_unit: re.Pattern[str]


def _alternation(words: list[str], path, entry: str, literal: bool = True) -> re.Pattern[str]:
    """One regex matching any of ``words``, longest first so 不低于 beats 低于."""
    if not isinstance(words, list) or not words:
        raise PolicyInputError(path, f"{entry}: expected a non-empty list of words")
    parts = [re.escape(str(w)) if literal else str(w) for w in sorted(set(words), key=len, reverse=True)]
    return compile_pattern("(?:" + "|".join(parts) + ")", path, entry)


def _get(mapping: object, dotted: str, path):
    """mapping["a"]["b"] for "a.b", or an error naming the file and the missing key."""
    node = mapping
    for key in dotted.split("."):
        if not isinstance(node, dict) or key not in node:
            raise PolicyInputError(path, f"missing key {dotted!r}")
        node = node[key]
    return node


UPATH, CPATH = DATA_DIR / "units.yaml", DATA_DIR / "quantity_cues.yaml"


@functools.lru_cache(maxsize=None)
def grammar() -> Grammar:
    """The compiled vocabularies; built once per process from the two YAML files."""
    uspec, cspec = load_resource("units.yaml"), load_resource("quantity_cues.yaml")
    units = _unit_words(uspec)
    return Grammar(
        units=units,
        magnitudes={k: Decimal(str(v)) for k, v in _get(uspec, "magnitudes", UPATH).items()},
        cn_digits={str(k): int(v) for k, v in _get(uspec, "chinese_digits", UPATH).items()},
        cn_multipliers={str(k): int(v) for k, v in _get(uspec, "chinese_multipliers", UPATH).items()},
        base_units=frozenset(u.unit for u in units.values()) | {"ratio"},
        **_number_patterns(uspec, cspec, units),
        **_bound_patterns(cspec),
        **_cue_patterns(uspec, cspec),
    )


def _unit_words(uspec: dict) -> dict[str, UnitWord]:
    units: dict[str, UnitWord] = {}
    for i, entry in enumerate(_get(uspec, "units", UPATH)):
        for key in ("words", "unit", "factor", "class"):
            _get(entry, key, UPATH)
        if entry["class"] not in ("money", "share", "physical", "count"):
            raise PolicyInputError(UPATH, f"units[{i}]: class {entry['class']!r} is not money/share/physical/count")
        for word in map(str, entry["words"]):
            if word in units:
                raise PolicyInputError(UPATH, f"units[{i}]: word {word!r} is listed twice")
            units[word] = UnitWord(word, str(entry["unit"]), Decimal(str(entry["factor"])), entry["class"],
                                   tuple(map(str, entry.get("not_followed_by") or ())))
    return units


def _unit_alternation(units: dict[str, UnitWord], keep=lambda u: True) -> str:
    """Unit words longest first, each guarded by its not_followed_by characters (方 but not 方面)."""
    alts = []
    for word in sorted(units, key=len, reverse=True):
        uw = units[word]
        if keep(uw):
            guard = "".join(re.escape(c) for c in uw.not_followed_by)
            alts.append(re.escape(word) + (f"(?![{guard}])" if guard else ""))
    return "(?:" + "|".join(alts) + ")"


def _number_patterns(uspec: dict, cspec: dict, units: dict[str, UnitWord]) -> dict[str, object]:
    magnitudes = {k: Decimal(str(v)) for k, v in _get(uspec, "magnitudes", UPATH).items()}
    mags = sorted(magnitudes, key=len, reverse=True)
    mag_rx = "(?:" + "|".join(map(re.escape, mags)) + ")"
    # A magnitude alone (8500万) is an amount whose unit is left out; 千 and 百 alone are not.
    big_mag_rx = "(?:" + "|".join(re.escape(m) for m in mags if magnitudes[m] >= 10000) + ")"
    unit_rx = _unit_alternation(units)
    more = _alternation(_get(cspec, "bounds.min.infix", CPATH), CPATH, "bounds.min.infix").pattern
    number = r"\d{1,3}(?:,\d{3})+(?![\d])(?:\.\d+)?|\d+(?:\.\d+)+|\d+"
    # number ( [magnitude] [余] unit [/ [number] [magnitude] unit-or-measure-word] | magnitude [余] | 余 )
    arabic = compile_pattern(
        rf"(?<![\d.])(?P<num>{number})"
        rf"(?:\s?(?P<mag>{mag_rx})?(?P<more>{more})?(?P<unit>{unit_rx})"
        rf"(?:/(?P<dnum>\d+(?:\.\d+)?)?(?P<dmag>{mag_rx})?(?P<dunit>{unit_rx}|[{CJK}]))?"
        rf"|(?P<magonly>{big_mag_rx})(?P<more2>{more})?|(?P<more3>{more}))?",
        UPATH, "arabic number grammar")

    cnd = "".join(map(str, _get(uspec, "chinese_digits", UPATH)))
    cnall = cnd + "".join(map(str, _get(uspec, "chinese_multipliers", UPATH)))
    excluded = set(uspec.get("chinese_numeral_excluded_units") or [])
    cn_unit_rx = _unit_alternation(units, lambda u: u.cls != "count" and u.word not in excluded)
    mult = "|".join(map(re.escape, _get(uspec, "multiple_words", UPATH)))
    disc = "|".join(map(re.escape, _get(uspec, "discount_words", UPATH)))
    special = compile_pattern("|".join([
        rf"(?P<fden>[{cnall}]+)分之(?P<fnum>[{cnall}]+|\d+(?:\.\d+)?)",
        r"(?P<ratio_a>(?<![\d:])\d+):(?P<ratio_b>\d+)(?![\d:])",
        rf"(?P<mult>(?<![{cnall}\d.])(?:[{cnall}]+|\d+(?:\.\d+)?))(?:{mult})(?!增)",
        rf"(?P<disc>(?<![{cnall}\d.])(?:[{cnd}]{{1,2}}|\d(?:\.\d)?))(?:{disc})(?![旧算合扣价叠])",
        # Chinese numerals only with money, share and physical units: with measure words they are
        # set phrases (五大领域, 一批, 三年行动), not counts.
        rf"(?P<cnnum>(?<![{cnall}\d.])[{cnall}]+)(?P<cnunit>{cn_unit_rx})",
    ]), UPATH, "chinese number grammar")

    stop = "".join(re.escape(str(c)) for c in _get(cspec, "unknown_unit_stop", CPATH))
    return {
        "arabic": arabic,
        "special": special,
        "written_unit": compile_pattern(rf"[^\s\d{stop}\W]{{1,2}}", CPATH, "unknown_unit_stop"),
        "blocked": tuple(compile_pattern(p, CPATH, "quoted_spans") for p in _get(cspec, "quoted_spans", CPATH))
        + tuple(compile_pattern(p, CPATH, "not_quantity") for p in _get(cspec, "not_quantity", CPATH)),
        "clause_number": compile_pattern(_get(cspec, "clause_number", CPATH), CPATH, "clause_number"),
        "bare_year": compile_pattern(_get(cspec, "bare_year", CPATH), CPATH, "bare_year"),
        # 每亩300元 / 每亩补贴300元 / 每吨为50元: the unit after 每 is the rate's denominator.
        "per_unit": compile_pattern(rf"每(?P<per>{_unit_alternation(units)})(?:补助|补贴|奖励|为|给予|按)?", UPATH,
                                    "per-unit prefix"),
    }


def _bound_patterns(cspec: dict) -> dict[str, re.Pattern[str]]:
    prefix, suffix = [], []
    for bound in ("max", "min", "approx"):
        entry = f"bounds.{bound}"
        prefix.append(rf"(?P<{bound}>{_alternation(_get(cspec, entry + '.prefix', CPATH), CPATH, entry, False).pattern})")
        suffix.append(rf"(?P<{bound}>{_alternation(_get(cspec, entry + '.suffix', CPATH), CPATH, entry, False).pattern})")
    fillers = _alternation(_get(cspec, "prefix_fillers", CPATH), CPATH, "prefix_fillers").pattern
    reach = int(_get(cspec, "prefix_reach", CPATH))
    conj = _alternation(_get(cspec, "conjunctions", CPATH), CPATH, "conjunctions").pattern
    seps = _alternation(_get(cspec, "range_separators", CPATH), CPATH, "range_separators").pattern
    return {
        "prefix_bound": compile_pattern(rf"(?:{'|'.join(prefix)})(?:{fillers})?\s?$", CPATH, "bounds prefix"),
        "suffix_bound": compile_pattern(rf"^\s?(?:{'|'.join(suffix)})", CPATH, "bounds suffix"),
        "prefix_reach": compile_pattern(rf"(?:{'|'.join(prefix)})[^\d。;!?,:()]{{0,{reach}}}的$", CPATH,
                                        "bounds prefix reach"),
        "conjunction": compile_pattern(rf"^\s*{conj}\s*$", CPATH, "conjunctions"),
        "range_sep": compile_pattern(rf"^\s*{seps}\s*$", CPATH, "range_separators"),
    }


def _cue_patterns(uspec: dict, cspec: dict) -> dict[str, re.Pattern[str]]:
    def words(dotted: str) -> list[str]:
        return list(_get(cspec, dotted, CPATH))

    def alt(dotted: str, literal: bool = True) -> re.Pattern[str]:
        return _alternation(words(dotted), CPATH, dotted, literal)

    levels = tuple((name, compile_pattern("|".join(pats), CPATH, f"levels.{name}"))
                   for name, pats in _get(cspec, "levels", CPATH).items())
    return {
        "ratio_nouns": _alternation(_get(uspec, "ratio_nouns", UPATH), UPATH, "ratio_nouns"),
        "ratio_cue": alt("ratio_cues"),
        "money_context": alt("money_context"),
        "grant_verbs": alt("kinds.subsidy.grant_verbs"),
        "subsidy_nouns": alt("kinds.subsidy.nouns"),
        "budget_words": alt("kinds.budget.words", literal=False),
        "target_words": alt("kinds.target.words"),
        "seek_verbs": alt("kinds.target.seek_verbs"),
        "threshold_nouns": alt("kinds.threshold.nouns"),
        "condition_open": alt("kinds.threshold.condition_open"),
        "condition_close": alt("kinds.threshold.condition_close"),
        "other_words": alt("kinds.other.words"),
        "other_after": alt("kinds.other.after_words"),
        "category_nouns": alt("kinds.other.category_nouns"),
        # A cue word right after a number is text, not its unit (500万补助经费).
        "cue_word": _alternation(words("money_context") + words("kinds.subsidy.nouns")
                                 + words("kinds.subsidy.grant_verbs") + words("kinds.target.words")
                                 + words("kinds.threshold.nouns") + words("kinds.other.category_nouns"),
                                 CPATH, "cue words"),
        "levels": levels,
        "level_word": compile_pattern("|".join(f"(?:{rx.pattern})" for _, rx in levels), CPATH, "levels"),
        "level_exclusions": compile_pattern("|".join(words("level_exclusions")), CPATH, "level_exclusions"),
        "level_scene": alt("level_scene_openers"),
        "recognition": alt("level_recognition_verbs"),
    }


# --------------------------------------------------------------------------------------------
# Small pure helpers
# --------------------------------------------------------------------------------------------

def fold(text: str) -> str:
    """Full-width → ASCII one character at a time, so offsets into the result index ``text`` too.

    Only width variants (１２％, ：, ～) and odd spaces are folded. Other compatibility characters
    keep their meaning as written: ㎡ would lengthen the text, ① is an enumeration mark, not a 1.
    """
    out = []
    for ch in text:
        if ch.isascii():
            out.append(ch)
            continue
        decomposition = unicodedata.decomposition(ch)
        folded = unicodedata.normalize("NFKC", ch)
        width = decomposition.startswith(("<wide>", "<narrow>", "<noBreak>")) or ch == "\u3000"
        out.append(folded if width and len(folded) == 1 else ch)
    return "".join(out)


def chinese_number(numeral: str, g: Grammar) -> Decimal | None:
    """二十 → 20, 三十五万 → 350000, 亿 → 10^8 (a bare magnitude), 一倍's 一 → 1."""
    if not numeral:
        return None
    if all(ch in g.cn_multipliers for ch in numeral):
        value = Decimal(1)
        for ch in numeral:
            value *= g.cn_multipliers[ch]
        return value
    total, section, digit = Decimal(0), Decimal(0), Decimal(0)
    for ch in numeral:
        if ch in g.cn_digits:
            digit = Decimal(g.cn_digits[ch])
        elif ch in g.cn_multipliers:
            mult = g.cn_multipliers[ch]
            if mult >= 10000:
                section += digit
                if mult >= 100000000:
                    total = (total + section) * mult
                else:
                    total += section * mult
                section, digit = Decimal(0), Decimal(0)
            else:
                section += (digit if digit else 1) * mult
                digit = Decimal(0)
        else:
            return None
    return total + section + digit


def parse_number(raw: str, g: Grammar) -> Decimal | None:
    """Arabic (with thousands separators) or Chinese numerals; None if malformed (12.5.3)."""
    raw = raw.strip()
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", raw):
        raw = raw.replace(",", "")
    if re.fullmatch(r"\d+(?:\.\d+)?", raw):
        try:
            return Decimal(raw)
        except InvalidOperation:  # pragma: no cover - the regex rules this out
            return None
    if re.fullmatch(r"\d[\d.,]*", raw):
        return None
    return chinese_number(raw, g)


def blocked_intervals(norm: str, g: Grammar) -> list[tuple[int, int]]:
    """Spans of text whose digits are not quantities: quotes, dates, codes, the clause number."""
    spans = [(m.start(), m.end()) for rx in g.blocked for m in rx.finditer(norm) if m.end() > m.start()]
    lead = g.clause_number.match(norm)
    if lead:
        spans.append((lead.start(), lead.end()))
    return spans


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= pos < e for s, e in spans)


def sentence_bounds(norm: str, start: int, end: int) -> tuple[int, int]:
    return _bounds(norm, start, end, SENTENCE_END)


def fragment_bounds(norm: str, start: int, end: int) -> tuple[int, int]:
    return _bounds(norm, start, end, FRAGMENT_END)


def _bounds(norm: str, start: int, end: int, rx: re.Pattern[str]) -> tuple[int, int]:
    left = 0
    for m in rx.finditer(norm, 0, start):
        left = m.end()
    m = rx.search(norm, end)
    return left, (m.start() if m else len(norm))


def _f(value: Decimal | None) -> float:
    return float(value) if value is not None else math.nan


# --------------------------------------------------------------------------------------------
# Candidates
# --------------------------------------------------------------------------------------------

@dataclass
class Candidate:
    """A quantity while it is being read; becomes a QuantityMention at the end."""

    start: int  # the number and unit as written
    end: int
    value: Decimal | None
    unit: str  # base unit, or the unit as written when not normalised
    cls: str  # money | share | physical | count | rate | ratio | unknown
    normalised: bool = True
    magnitude_only: bool = False  # 8500万: a magnitude with no unit yet
    bare: bool = False  # 1.5: no magnitude, no unit
    digitless: bool = False  # 亿元以上: a magnitude standing for 1 亿
    discount: bool = False  # 六五折
    value_high: Decimal | None = None
    span_start: int = -1  # with bound cues
    span_end: int = -1
    bound: str | None = None
    bound_side: str | None = None  # prefix | suffix | reach | shared
    kind: str | None = None
    level: str | None = None
    multiplier: Decimal = field(default_factory=lambda: Decimal(1))  # magnitude as written
    more: bool = False  # 200余场: "more than" written inside the amount
    written_end: int = -1  # end of an unknown unit as written (kept in the span)


def arabic_candidate(m: re.Match[str], norm: str, g: Grammar) -> Candidate:
    num = parse_number(m.group("num"), g)
    start, end = m.start(), m.end()
    more = bool(m.group("more") or m.group("more2") or m.group("more3"))
    if m.group("unit"):
        uw = g.units[m.group("unit")]
        mag = g.magnitudes.get(m.group("mag") or "", Decimal(1))
        if num is None:  # 12.5.3万元: keep it, unreadable, with the unit as written
            written = (m.group("mag") or "") + m.group("unit")
            return Candidate(start, end, None, written, "unknown", normalised=False, more=more)
        value = num * mag * uw.factor
        if m.group("dunit"):
            cand = rate_candidate(m, value, uw, g)
            cand.more = more
            return cand
        return Candidate(start, end, value, uw.unit, uw.cls, multiplier=mag, more=more)
    # No unit from units.yaml: what follows is kept as the written unit (50万英镑 → 英镑).
    unit = None if g.cue_word.match(norm, end) else g.written_unit.match(norm, end)
    written = unit.group() if unit else ""
    if m.group("magonly"):
        mag = g.magnitudes[m.group("magonly")]
        value = num * mag if num is not None else None
        return Candidate(start, end, value, written, "unknown", normalised=False,
                         magnitude_only=num is not None and not written, multiplier=mag, more=more,
                         written_end=unit.end() if unit else end)
    return Candidate(start, end, num, written, "unknown", normalised=False,
                     bare=num is not None and not written, more=more,
                     written_end=unit.end() if unit else end)


def rate_candidate(m: re.Match[str], value: Decimal, uw: UnitWord, g: Grammar) -> Candidate:
    """300元/亩 → 300 CNY/mu; 2元/50公斤 → 0.04 CNY/kg; 20万元/台 → 200000 CNY/台."""
    den_word = m.group("dunit")
    den_num = Decimal(m.group("dnum")) if m.group("dnum") else Decimal(1)
    den_mag = g.magnitudes.get(m.group("dmag") or "", Decimal(1))
    den = g.units.get(den_word)
    if den is not None and den.cls != "count":
        per = den_num * den_mag * den.factor
        return Candidate(m.start(), m.end(), value / per, f"{uw.unit}/{den.unit}", "rate")
    # A measure word: what is counted stays as written ("per machine", "per village").
    return Candidate(m.start(), m.end(), value / (den_num * den_mag), f"{uw.unit}/{den_word}", "rate")


def special_candidate(m: re.Match[str], norm: str, g: Grammar) -> Candidate | None:
    """Fractions, ratios, multiples, discounts and numbers written in Chinese."""
    start, end = m.start(), m.end()
    hundred = Decimal(100)
    if m.group("fden"):
        den, num = chinese_number(m.group("fden"), g), parse_number(m.group("fnum"), g)
        if not den or num is None:
            return None
        return Candidate(start, end, num / den * hundred, "%", "share")
    if m.group("ratio_a"):
        a, b = Decimal(m.group("ratio_a")), Decimal(m.group("ratio_b"))
        window = norm[max(0, start - 6):start] + norm[end:end + 8]
        if b == 0 or not g.ratio_cue.search(window):
            return Candidate(start, end, None, f"{m.group('ratio_a')}:{m.group('ratio_b')}", "unknown",
                             normalised=False)
        # A matching ratio 1:1 grants 100 % of the amount it is matched to.
        return Candidate(start, end, a / b * hundred, "%", "share")
    if m.group("mult"):
        n = parse_number(m.group("mult"), g)
        return Candidate(start, end, n * hundred, "%", "share") if n is not None else None
    if m.group("disc"):
        raw = m.group("disc")
        if raw[0].isdigit():
            n = Decimal(raw) * 10
        else:
            digits = [g.cn_digits.get(c) for c in raw]
            if None in digits:
                return None
            n = Decimal(digits[0] * 10 + (digits[1] if len(digits) > 1 else 0))
        return Candidate(start, end, n, "%", "share", discount=True)
    if m.group("cnnum"):
        numeral, word = m.group("cnnum"), m.group("cnunit")
        uw = g.units[word]
        digitless = all(ch in g.cn_multipliers for ch in numeral)
        if digitless and (uw.cls != "money" or norm[max(0, start - 1):start] in ("每", "/")):
            return None  # 万千瓦 in 百万千瓦级 is a class, 每万元 a denominator
        n = chinese_number(numeral, g)
        if n is None:
            return None
        return Candidate(start, end, n * uw.factor, uw.unit, uw.cls, digitless=digitless)
    return None


def find_candidates(norm: str, g: Grammar) -> list[Candidate]:
    blocked = blocked_intervals(norm, g)
    taken: list[tuple[int, int]] = []
    found: list[Candidate] = []
    for m in g.special.finditer(norm):
        if _inside(m.start(), blocked) or (m.group("cnnum") and _inside(m.end() - 1, blocked)):
            continue
        cand = special_candidate(m, norm, g)
        if cand is not None:
            found.append(cand)
            taken.append((m.start(), m.end()))
    for m in g.arabic.finditer(norm):
        if _inside(m.start(), blocked) or _inside(m.start(), taken):
            continue
        cand = arabic_candidate(m, norm, g)
        if not cand.normalised and not m.group("magonly") and g.bare_year.fullmatch(m.group("num")):
            continue  # a year written without 年
        found.append(cand)
    found.sort(key=lambda c: c.start)
    return found


# --------------------------------------------------------------------------------------------
# Reading the neighbourhood: ranges, shared units, bounds
# --------------------------------------------------------------------------------------------

def per_unit_prefix(cands: list[Candidate], norm: str, g: Grammar) -> None:
    """每亩300元 is a rate like 300元/亩. Only physical units: 每家100万元 is a grant per firm, which
    is how grants are stated anyway, so it stays CNY."""
    for c in cands:
        if c.cls not in ("money", "share") or not c.normalised:
            continue
        m = g.per_unit.search(norm, max(0, c.start - 8), c.start)
        if m and m.end() == c.start:
            den = g.units[m.group("per")]
            if den.cls == "physical":
                c.value = c.value / den.factor
                c.unit, c.cls = f"{c.unit}/{den.unit}", "rate"


def merge_ranges(cands: list[Candidate], norm: str, g: Grammar) -> list[Candidate]:
    """10%-20% / 10-20万元 / 15%~20% become one candidate with value and value_high."""
    out: list[Candidate] = []
    i = 0
    while i < len(cands):
        a = cands[i]
        if i + 1 < len(cands):
            b = cands[i + 1]
            if g.range_sep.match(norm[a.end:b.start]) and b.normalised and (
                    (a.normalised and a.unit == b.unit) or a.bare or a.magnitude_only):
                low = a.value
                if a.bare:
                    low = low * b.multiplier  # 10-20万元: the magnitude is written once
                if a.bare or a.magnitude_only:
                    low = low * _unit_factor(norm, b, g)  # 10-20公顷: and so is the unit
                out.append(Candidate(a.start, b.end, low, b.unit, b.cls, value_high=b.value,
                                     multiplier=b.multiplier))
                i += 2
                continue
        out.append(a)
        i += 1
    return out


def share_units(cands: list[Candidate], norm: str, g: Grammar) -> None:
    """30万和15万元: an amount written without unit takes the unit of its conjoined neighbour."""
    for i in range(len(cands) - 1, -1, -1):
        c = cands[i]
        if not (c.magnitude_only or c.bare):
            continue
        for j in (i + 1, i - 1):
            if 0 <= j < len(cands) and cands[j].normalised and cands[j].cls in ("money", "physical", "count", "share"):
                lo, hi = sorted((c, cands[j]), key=lambda x: x.start)
                if g.conjunction.match(norm[lo.end:hi.start]):
                    other = cands[j]
                    c.value = c.value * _unit_factor(norm, other, g)  # the magnitude is already in
                    c.unit, c.cls, c.normalised = other.unit, other.cls, True
                    c.magnitude_only = c.bare = False
                    break


def _unit_factor(norm: str, cand: Candidate, g: Grammar) -> Decimal:
    """The factor of the unit word that ends a candidate's text (公顷 → 15), to reuse it."""
    text = norm[cand.start:cand.end]
    for word in sorted(g.units, key=len, reverse=True):
        if text.endswith(word) and g.units[word].unit == cand.unit:
            return g.units[word].factor
    return Decimal(1)


def implied_units(cands: list[Candidate], norm: str, g: Grammar) -> None:
    """8500万左右 in a budget sentence is yuan; 容积率不低于1.5 is a ratio; else stays unnormalised."""
    for c in cands:
        s0, s1 = sentence_bounds(norm, c.start, c.end)
        if c.magnitude_only and g.money_context.search(norm[s0:s1]):
            c.unit, c.cls, c.normalised, c.magnitude_only = "CNY", "money", True, False
        elif c.bare and g.ratio_nouns.search(norm[s0:c.start]):
            c.unit, c.cls, c.normalised, c.bare = "ratio", "ratio", True, False


def read_bounds(cands: list[Candidate], norm: str, g: Grammar) -> None:
    """Bound cues right before or after the amount; the span grows to include them."""
    for c in cands:
        c.span_start, c.span_end = c.start, max(c.end, c.written_end)
        before = norm[max(0, c.start - 12):c.start]
        m = g.prefix_bound.search(before)
        if m:
            c.bound, c.bound_side = m.lastgroup, "prefix"
            c.span_start = c.start - (len(before) - m.start())
        after = g.suffix_bound.match(norm[c.span_end:c.span_end + 8])
        if after:
            if c.bound is None:
                c.bound, c.bound_side = after.lastgroup, "suffix"
            c.span_end += after.end()
        if c.bound is None and c.more:
            c.bound, c.bound_side = "min", "suffix"
        if c.bound is None:
            reach = g.prefix_reach.search(norm[max(0, c.start - 20):c.start])
            if reach:
                c.bound, c.bound_side = reach.lastgroup, "reach"
    # Prefix cue spans must not swallow a previous amount (…100万元最高…): clip to neighbours.
    for prev, cur in zip(cands, cands[1:]):
        if cur.span_start < prev.span_end:
            cur.span_start = max(cur.span_start, prev.span_end)
            prev.span_end = min(prev.span_end, cur.span_start)


def share_bounds(cands: list[Candidate], norm: str, g: Grammar) -> None:
    """10亿元或1亿美元以上: a bound written once governs every conjoined amount."""
    for i in range(len(cands) - 2, -1, -1):
        a, b = cands[i], cands[i + 1]
        if a.bound is None and b.bound and b.bound_side == "suffix" and a.cls == b.cls \
                and g.conjunction.match(norm[a.span_end:b.span_start]):
            a.bound, a.bound_side = b.bound, "shared"
    for i in range(1, len(cands)):
        a, b = cands[i - 1], cands[i]
        if b.bound is None and a.bound and a.bound_side == "prefix" and a.cls == b.cls \
                and g.conjunction.match(norm[a.span_end:b.span_start]):
            b.bound, b.bound_side = a.bound, "shared"


# --------------------------------------------------------------------------------------------
# Kind
# --------------------------------------------------------------------------------------------

def without_asides(norm: str, cands: list[Candidate]) -> str:
    """Blank parenthesised asides that hold no amount: (含粮食生产功能区), (责任单位:…), (含上级补助
    资金) say nothing about what the amount is for, and their words would mislead the cues."""
    def blank(m: re.Match[str]) -> str:
        if any(c.span_start < m.end() and m.start() < c.span_end for c in cands):
            return m.group()
        return " " * len(m.group())
    return ASIDE.sub(blank, norm)


def _nearest(rx: re.Pattern[str], text: str, anchor_left: int, anchor_right: int) -> int | None:
    """Distance from the amount to the closest match of rx in text (None if none)."""
    best = None
    for m in rx.finditer(text):
        d = anchor_left - m.end() if m.end() <= anchor_left else (m.start() - anchor_right if m.start() >= anchor_right else 0)
        best = d if best is None or d < best else best
    return best


def classify_kind(c: Candidate, norm: str, g: Grammar, earlier: list[Candidate]) -> str:
    """subsidy / budget / target / threshold / other, from the words around the amount.

    The fragment (between commas) speaks first, then the sentence. Precedence, and why:
    unnormalised and descriptive amounts are `other`; a grant verb or noun touching the amount
    makes it a subsidy; a condition shape (…以上的, 亿元以上重大项目, 对…的) makes it a threshold;
    budget words; "争取/力争" makes even subsidy money a target (money the district seeks); then
    the nearest subsidy or target word; a cap after a grant continues the grant.
    """
    if not c.normalised:
        return "other"
    if c.digitless:
        return "threshold"
    f0, f1 = fragment_bounds(norm, c.span_start, c.span_end)
    s0, s1 = sentence_bounds(norm, c.span_start, c.span_end)
    before, after = norm[f0:c.span_start], norm[c.span_end:f1]
    money = c.cls in ("money", "share", "rate")
    fragment = norm[f0:f1]

    if c.discount or g.other_words.search(fragment) or g.other_after.match(after):
        return "other"
    if c.cls == "count" and g.category_nouns.search(re.split("[、和及与或]", after[:6])[0]):
        return "other"
    if money:
        tail = re.sub(r"^(?:的|一次性|的一次性)", "", after)
        if g.grant_verbs.search(before) or g.grant_verbs.match(after) or g.subsidy_nouns.match(tail):
            return "subsidy"
    if is_threshold(c, norm, g, before, after):
        return "threshold"
    if money and g.budget_words.search(fragment):
        return "budget"
    if g.seek_verbs.search(norm[s0:c.span_start]):
        return "target"
    nearer = _nearer_cue(g, fragment, c.span_start - f0, c.span_end - f0, money)
    if nearer:
        return nearer
    if money and any(e.kind == "subsidy" and s0 <= e.start for e in earlier):
        return "subsidy"  # 单个企业最高不超过100万元 after 给予…补助: the cap of the same grant
    if c.bound in ("min", "max") and (g.subsidy_nouns.search(norm[f1:s1]) or g.grant_verbs.search(norm[f1:s1])):
        return "threshold"  # 单个项目投资额100万元(含)以上,按…予以资助
    # Nothing in the fragment decided it: the nearer cue in the whole sentence does.
    return _nearer_cue(g, norm[s0:s1], c.span_start - s0, c.span_end - s0, money) or "other"


def _nearer_cue(g, text: str, start: int, end: int, money: bool) -> str | None:
    """``subsidy`` or ``target``, whichever cue word stands nearer the amount (a tie goes to subsidy)."""
    subsidy_d = _nearest(g.subsidy_nouns, text, start, end) if money else None
    target_d = _nearest(g.target_words, text, start, end)
    if subsidy_d is not None and (target_d is None or subsidy_d <= target_d):
        return "subsidy"
    if target_d is not None:
        return "target"
    return None


def is_threshold(c: Candidate, norm: str, g: Grammar, before: str, after: str) -> bool:
    """The amount qualifies a beneficiary: …以上的, 5000万元以上楼宇, 对…100万元…的.

    Not when it is the basis of a grant (按20万元/台的标准给予补助), and a 的 counts only when it
    closes the condition before any grant word (…85%以上的种粮农户给予…).
    """
    if re.search("按", before):
        return False
    grant = g.grant_verbs.search(after) or g.subsidy_nouns.search(after)
    de = after.find("的")
    closes = de >= 0 and (grant is None or de < grant.start())
    if after.startswith("的") and closes:
        return True
    if c.bound and c.cls != "count" and g.threshold_nouns.match(after):
        return True  # a count's noun is what is counted (新增200余家企业), not a qualifier
    if c.bound_side == "suffix" and c.cls != "count" and re.match(r"\s*\d", after):
        return True  # 50亩以上200元/亩: the first amount says who gets the second
    return bool(g.condition_open.search(before) and closes)


def share_kinds(cands: list[Candidate], norm: str, g: Grammar) -> None:
    """A threshold written once covers its conjoined amounts (10亿元或1亿美元以上重大项目)."""
    for i in range(len(cands) - 2, -1, -1):
        a, b = cands[i], cands[i + 1]
        if b.kind == "threshold" and a.normalised and a.cls == b.cls \
                and g.conjunction.match(norm[a.span_end:b.span_start]):
            a.kind = "threshold"


# --------------------------------------------------------------------------------------------
# Level
# --------------------------------------------------------------------------------------------

def tiers_in(text: str, g: Grammar) -> list[str]:
    """Tiers named in text, in order, after removing funding sources (省财政) and 上级."""
    text = g.level_exclusions.sub(lambda m: " " * len(m.group()), text)
    found = []
    for m in g.level_word.finditer(text):
        for name, rx in g.levels:
            if rx.fullmatch(m.group()):
                found.append(name)
                break
    return found


def assign_levels(cands: list[Candidate], norm: str, g: Grammar) -> None:
    """Tiered awards: 国家级、省级、市级…分别给予150万元、100万元和50万元 pairs tiers with amounts;
    a grant whose condition names one tier (对入选省领军型…的) belongs to that tier."""
    grants = [c for c in cands if c.kind == "subsidy"]
    done: set[int] = set()
    # Enumerations: a run of conjoined amounts matched one-to-one with a run of conjoined tiers.
    i = 0
    while i < len(grants):
        run = [grants[i]]
        while i + len(run) < len(grants):
            nxt = grants[i + len(run)]
            if not g.conjunction.match(norm[run[-1].span_end:nxt.span_start]):
                break
            run.append(nxt)
        if len(run) > 1:
            s0, _ = sentence_bounds(norm, run[0].span_start, run[0].span_end)
            for tiers in _tier_lists(norm[s0:run[0].span_start], g):
                if len(tiers) == len(run):
                    for cand, tier in zip(run, tiers):
                        cand.level = tier
                        done.add(id(cand))
                    break
        i += len(run)
    # Single tier.
    previous: Candidate | None = None
    for c in grants:
        s0, _ = sentence_bounds(norm, c.span_start, c.span_end)
        if id(c) in done:
            previous = c
            continue
        if previous is not None and previous.span_end > s0:
            between = norm[previous.span_end:c.span_start]
            if not re.search("对|的", between):
                c.level = previous.level  # the same grant continues (最高500万元1:1区级资助)
                previous = c
                continue
            s0 = previous.span_end
        c.level = _single_tier(norm[s0:c.span_start], g)
        previous = c


def _tier_lists(text: str, g: Grammar) -> list[list[str]]:
    """Runs like 国家级、省级、市级 / 国家、省、市级 in text, last first."""
    word = g.level_word.pattern
    conj = r"(?:、|和|及|与)"
    runs = [m.group() for m in re.finditer(rf"(?:{word})(?:{conj}(?:{word}))+", text)]
    return [tiers_in(r, g) for r in reversed(runs)]


def _single_tier(condition: str, g: Grammar) -> str | None:
    # Scene-setting fragments (在享受省市有关政策扶持后) do not describe the beneficiary.
    parts = re.split(r"[,:()]", condition)
    parts = [p for p in parts[:-1] if not g.level_scene.match(p)] + parts[-1:]
    text = ",".join(parts)
    verb = g.recognition.search(text)
    if not verb:
        return None
    text = text[verb.start():]
    if re.search(r"(?<![\d万亿元%])以上", text):
        return None  # 省级以上 / 市…及以上: several tiers
    tiers = set(tiers_in(text, g))
    return tiers.pop() if len(tiers) == 1 else None


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------

def extract_mentions(text: str) -> list[QuantityMention]:
    """Every quantity stated in one clause text, in order of start."""
    if not isinstance(text, str) or not text:
        return []
    g = grammar()
    norm = fold(text)
    cands = find_candidates(norm, g)
    cands = merge_ranges(cands, norm, g)
    per_unit_prefix(cands, norm, g)
    share_units(cands, norm, g)
    implied_units(cands, norm, g)
    read_bounds(cands, norm, g)
    share_bounds(cands, norm, g)
    context = without_asides(norm, cands)
    for i, c in enumerate(cands):
        c.kind = classify_kind(c, context, g, cands[:i])
    share_kinds(cands, norm, g)
    assign_levels(cands, norm, g)
    return [to_mention(c, text) for c in cands]


def to_mention(c: Candidate, text: str) -> QuantityMention:
    return QuantityMention(
        span=text[c.span_start:c.span_end], start=c.span_start, end=c.span_end,
        value=_f(c.value), value_high=_f(c.value_high) if c.value_high is not None else None,
        unit=c.unit, kind=c.kind or "other", bound=c.bound or "exact", level=c.level)


def is_normalised_unit(unit: str) -> bool:
    """A base unit (CNY, %, mu, count …) or a rate of one (CNY/mu, CNY/台)."""
    g = grammar()
    if unit in g.base_units:
        return True
    head, sep, tail = unit.partition("/")
    return bool(sep) and head in g.base_units and (tail in g.base_units or bool(re.fullmatch(f"[{CJK}]", tail)))


def quantities_table(clauses: pd.DataFrame) -> pd.DataFrame:
    """One row per quantity of every clause row, in clause order then start (contract columns)."""
    missing = [c for c in CLAUSE_INPUT_COLUMNS if c not in clauses.columns]
    if missing:
        raise PolicyInputError(None, f"clause table lacks column(s) {', '.join(missing)}")
    rows: list[dict[str, object]] = []
    for rec in clauses.loc[:, list(CLAUSE_INPUT_COLUMNS)].itertuples(index=False):
        text = rec.text if isinstance(rec.text, str) else ""
        for m in extract_mentions(text):
            rows.append({
                "clause_id": rec.clause_id, "doc_id": rec.doc_id, "district": rec.district,
                "domain": None if pd.isna(rec.domain) else rec.domain, "year": int(rec.year),
                "span": m.span, "start": m.start, "end": m.end, "value": m.value,
                "value_high": m.value_high if m.value_high is not None else math.nan,
                "unit": m.unit, "kind": m.kind, "bound": m.bound, "level": m.level,
            })
    frame = pd.DataFrame(rows, columns=QUANTITY_COLUMNS)
    return frame.astype(QUANTITY_DTYPES)


def unnormalised_count(quantities: pd.DataFrame) -> int:
    """Rows kept with the unit as written because it could not be normalised (or value unreadable)."""
    if quantities.empty:
        return 0
    bad = ~quantities["unit"].fillna("").map(is_normalised_unit).astype(bool)
    return int(bad.sum())
