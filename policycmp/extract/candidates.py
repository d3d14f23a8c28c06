"""Finding the numbers of a text and reading each as a value in a unit (a :class:`Reading`).

A reading is what the number and its unit say on their own (150万元 → 1,500,000 CNY); what the
words around it add (ranges, shared units, bounds, kind, tier) is read by the later steps.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple

from .grammar import NumberGrammar, UnitWord
from .numbers import chinese_number, parse_number

HUNDRED = Decimal(100)


class Reading(NamedTuple):
    """A number and its unit as written, with its value in the base unit.

    A named tuple, not a frozen dataclass: as immutable, and built four times faster, which counts
    at two readings a clause."""

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
    multiplier: Decimal = Decimal(1)  # the magnitude as written
    more: bool = False  # 200余场: "more than" written inside the amount
    written_end: int = -1  # end of an unknown unit as written (kept in the span)
    per: UnitWord | None = None  # the denominator written after 每 before the amount (每亩300元)


def blocked_positions(norm: str, spans: list[tuple[int, int]], g: NumberGrammar) -> bytearray:
    """Which characters of the text are in a span whose digits are not quantities (``spans``, the
    matches of the not-a-quantity patterns, and the clause number): a 1 at each such position."""
    blocked = bytearray(len(norm))
    lead = g.clause_number.match(norm)
    if lead:
        spans = [*spans, (lead.start(), lead.end())]
    for start, end in spans:
        blocked[start:end] = b"\x01" * (end - start)
    return blocked


ARABIC_GROUPS = ("sign", "num", "mag", "more", "more2", "more3", "unit", "dunit", "magonly", "more0", "more4")
ONE = Decimal(1)


def arabic_reading(m: re.Match[str], norm: str, g: NumberGrammar) -> Reading:
    sign, raw, mag_word, more1, more2, more3, unit_word, dunit, magonly, more0, more4 = m.group(*ARABIC_GROUPS)
    num = parse_number(raw, g)
    negative = bool(sign) and not g.amount_end.search(norm, max(0, m.start() - 8), m.start())
    if negative and num is not None:
        num = -num
    start, end = (m.start() if negative else m.start("num")), m.end()
    more = bool(more0 or more1 or more2 or more3 or more4)
    if unit_word:
        uw = g.units[unit_word]
        mag = g.magnitudes[mag_word] if mag_word else ONE
        if num is None:  # 12.5.3万元: keep it, unreadable, with the unit as written
            return Reading(start, end, None, (mag_word or "") + unit_word, "unknown", normalised=False, more=more)
        value = num * mag * uw.factor
        if dunit:
            return rate_reading(m, value, uw, g, more)
        return Reading(start, end, value, uw.unit, uw.cls, multiplier=mag, more=more)
    # No unit from units.yaml: what follows is kept as the written unit (50万英镑 → 英镑).
    unit = None if g.cue_word.match(norm, end) else g.written_unit.match(norm, end)
    written = unit.group() if unit else ""
    if magonly:
        mag = g.magnitudes[magonly]
        return Reading(
            start,
            end,
            num * mag if num is not None else None,
            written,
            "unknown",
            normalised=False,
            magnitude_only=num is not None and not written,
            multiplier=mag,
            more=more,
            written_end=unit.end() if unit else end,
        )
    return Reading(
        start,
        end,
        num,
        written,
        "unknown",
        normalised=False,
        bare=num is not None and not written,
        more=more,
        written_end=unit.end() if unit else end,
    )


def rate_reading(m: re.Match[str], value: Decimal, uw: UnitWord, g: NumberGrammar, more: bool) -> Reading:
    """300元/亩 → 300 CNY/mu; 2元/50公斤 → 0.04 CNY/kg; 20万元/台 → 200000 CNY/台."""
    den_word = m.group("dunit")
    den_num = Decimal(m.group("dnum")) if m.group("dnum") else Decimal(1)
    den_mag = g.magnitudes.get(m.group("dmag") or "", Decimal(1))
    den = g.units.get(den_word)
    if den is not None and den.cls != "count":
        per = den_num * den_mag * den.factor
        return Reading(m.start(), m.end(), value / per, f"{uw.unit}/{den.unit}", "rate", more=more)
    # A measure word: what is counted stays as written ("per machine", "per village").
    return Reading(m.start(), m.end(), value / (den_num * den_mag), f"{uw.unit}/{den_word}", "rate", more=more)


def special_reading(m: re.Match[str], norm: str, g: NumberGrammar) -> Reading | None:
    """Fractions, ratios, multiples, discounts and numbers written in Chinese."""
    start, end = m.start(), m.end()
    if m.group("fden"):
        den, num = chinese_number(m.group("fden"), g), parse_number(m.group("fnum"), g)
        if not den or num is None:
            return None
        return Reading(start, end, num / den * HUNDRED, "%", "share")
    if m.group("ratio_a"):
        a, b = Decimal(m.group("ratio_a")), Decimal(m.group("ratio_b"))
        window = norm[max(0, start - 6) : start] + norm[end : end + 8]
        if b == 0 or not g.ratio_cue.search(window):
            written = f"{m.group('ratio_a')}:{m.group('ratio_b')}"
            return Reading(start, end, None, written, "unknown", normalised=False)
        # A matching ratio 1:1 grants 100 % of the amount it is matched to.
        return Reading(start, end, a / b * HUNDRED, "%", "share")
    if m.group("full"):
        # 全额补助: the grant covers the whole of what it is a share of
        return Reading(start, end, HUNDRED, "%", "share")
    if m.group("mult"):
        n = parse_number(m.group("mult"), g)
        return Reading(start, end, n * HUNDRED, "%", "share") if n is not None else None
    if m.group("disc"):
        raw = m.group("disc")
        if raw[0].isdigit():
            n = Decimal(raw) * 10
        else:
            found = [g.cn_digits.get(c) for c in raw]
            digits = [d for d in found if d is not None]
            if len(digits) != len(found):
                return None
            n = Decimal(digits[0] * 10 + (digits[1] if len(digits) > 1 else 0))
        return Reading(start, end, n, "%", "share", discount=True)
    if m.group("cnnum"):
        numeral, word = m.group("cnnum"), m.group("cnunit")
        uw = g.units[word]
        digitless = all(ch in g.cn_multipliers for ch in numeral)
        if digitless and (uw.cls != "money" or norm[max(0, start - 1) : start] in ("每", "/")):
            return None  # 万千瓦 in 百万千瓦级 is a class, 每万元 a denominator
        n = chinese_number(numeral, g)
        if n is None:
            return None
        return Reading(start, end, n * uw.factor, uw.unit, uw.cls, digitless=digitless)
    return None


def find_readings(norms: Sequence[str], g: NumberGrammar) -> list[list[Reading]]:
    """Every number of each (folded) text that is a quantity, read on its own, in order of start.

    Each pattern is run over all the texts before the next one is (see :func:`.mentions.extract_many`).
    """
    specials = [list(g.special.finditer(norm)) if g.special_gate.search(norm) else [] for norm in norms]
    arabics = [list(g.arabic.finditer(norm)) for norm in norms]
    # A third of all clause rows hold no number: what is not a quantity need not be looked for there.
    numbered = [i for i in range(len(norms)) if specials[i] or arabics[i]]
    spans = g.blocked.spans_of([norms[i] for i in numbered])
    found: list[list[Reading]] = [[] for _ in norms]
    for i, not_quantities in zip(numbered, spans, strict=True):
        found[i] = _readings(norms[i], specials[i], arabics[i], blocked_positions(norms[i], not_quantities, g), g)
    return found


def _readings(
    norm: str,
    specials: list[re.Match[str]],
    arabics: list[re.Match[str]],
    blocked: bytearray,
    g: NumberGrammar,
) -> list[Reading]:
    found: list[Reading] = []
    for m in specials:
        if blocked[m.start()] or (m.group("cnnum") and blocked[m.end() - 1]):
            continue
        reading = special_reading(m, norm, g)
        if reading is not None:
            found.append(reading)
            blocked[m.start() : m.end()] = b"\x01" * (m.end() - m.start())  # taken: its digits are read
    arabic: list[Reading] = []
    for m in arabics:
        if blocked[m.start("num")]:
            continue
        reading = arabic_reading(m, norm, g)
        if not reading.normalised and not m.group("magonly") and g.bare_year.fullmatch(m.group("num")):
            continue  # a year written without 年
        arabic.append(reading)
    # 795 亿元: the magnitude after a spaced-out number is that number's, not a digitless 亿元 of its own.
    found = [r for r in found if not (r.digitless and any(a.start < r.end and r.start < a.end for a in arabic))]
    found.extend(arabic)
    found.sort(key=lambda r: r.start)
    return found
