"""What neighbouring numbers say about each other's value and unit.

Each step takes the readings in text order and returns new ones; none changes a reading in place.
"""

from __future__ import annotations

import re
from decimal import Decimal

from .candidates import Reading
from .grammar import BoundGrammar, NumberGrammar, UnitWord
from .windows import Windows

JOINABLE = ("money", "physical", "count", "share")
# Whether the end of a range is included, written between it and the separator: 2000万元(含)至5000万元.
INCLUSIVE = re.compile(r"\((?:不)?含\)")


def merge_ranges(readings: list[Reading], norm: str, g: NumberGrammar, b: BoundGrammar) -> list[Reading]:
    """10%-20% / 10-20万元 / 15%~20% / 2000万元(含)至5000万元 become one reading with value and value_high;
    so do 1000万-5000万, whose unit the sentence gives later (:func:`implied_units`)."""
    out: list[Reading] = []
    i = 0
    while i < len(readings):
        low, high = readings[i], readings[i + 1] if i + 1 < len(readings) else None
        between = INCLUSIVE.sub("", norm[low.end : high.start]) if high is not None else ""
        if high is not None and low.magnitude_only and high.magnitude_only and b.range_sep.match(between):
            out.append(low._replace(end=high.end, value_high=high.value))
            i += 2
            continue
        if (
            high is not None
            and b.range_sep.match(between)
            and high.normalised
            and ((low.normalised and low.unit == high.unit) or low.bare or low.magnitude_only)
        ):
            value = low.value
            assert value is not None  # bare, magnitude-only and normalised readings carry a value
            if low.bare:
                value = value * high.multiplier  # 10-20万元: the magnitude is written once
            if low.bare or low.magnitude_only:
                value = value * unit_factor(norm, high, g)  # 10-20公顷: and so is the unit
            out.append(
                Reading(
                    low.start, high.end, value, high.unit, high.cls, value_high=high.value, multiplier=high.multiplier
                )
            )
            i += 2
            continue
        out.append(low)
        i += 1
    return out


def per_unit_prefix(readings: list[Reading], norm: str, g: NumberGrammar, b: BoundGrammar) -> list[Reading]:
    """每亩300元 is a rate like 300元/亩, and so is 每台联网袜机不超过1500元: a physical unit, or a measure
    word of ``per_unit_measure_words``, after 每 in the same fragment, and so is 每个展位400元 (a noun of
    ``per_unit_nouns`` after 每 and its classifier: 400 CNY/展位). 每家100万元 is a grant per firm,
    which is how grants are stated anyway, so it stays CNY. Amounts conjoined after such a rate share
    its denominator (每亩分别给予50元、100元)."""
    out: list[Reading] = []
    for r in readings:
        if r.cls in ("money", "share") and r.normalised and r.value is not None:
            m = g.per_unit.search(norm, max(0, r.start - 16), r.start)
            den = g.units[m.group("per")] if m else None
            if den is not None and (den.cls == "physical" or den.word in g.per_unit_measures):
                r = _per(r, den)
            elif (noun := g.per_noun.search(norm, max(0, r.start - 16), r.start)) is not None:
                r = _per(r, g.per_nouns[noun.group("noun")])
            elif (
                out and out[-1].cls == "rate" and r.cls == "money" and b.conjunction.match(norm[out[-1].end : r.start])
            ):
                previous = out[-1]
                if previous.unit.startswith(f"{r.unit}/") and previous.per is not None:
                    r = _per(r, previous.per)
        out.append(r)
    return out


def _per(r: Reading, den: UnitWord) -> Reading:
    assert r.value is not None
    unit = den.unit if den.cls == "physical" else den.word
    return r._replace(value=r.value / den.factor, unit=f"{r.unit}/{unit}", cls="rate", per=den)


def share_units(readings: list[Reading], norm: str, g: NumberGrammar, b: BoundGrammar) -> list[Reading]:
    """30万和15万元: an amount written without unit takes the unit of its conjoined neighbour.

    Read from right to left, so 30万、20万和15万元 passes the unit along the whole list.
    """
    out = list(readings)
    for i in range(len(out) - 1, -1, -1):
        r = out[i]
        if not (r.magnitude_only or r.bare):
            continue
        for j in (i + 1, i - 1):
            if 0 <= j < len(out) and out[j].normalised and out[j].cls in JOINABLE:
                other = out[j]
                lo, hi = (r, other) if r.start <= other.start else (other, r)
                if b.conjunction.match(norm[lo.end : hi.start]):
                    assert r.value is not None
                    out[i] = r._replace(
                        value=r.value * unit_factor(norm, other, g),  # the magnitude is already in
                        unit=other.unit,
                        cls=other.cls,
                        normalised=True,
                        magnitude_only=False,
                        bare=False,
                    )
                    break
    return out


def unit_factor(norm: str, reading: Reading, g: NumberGrammar) -> Decimal:
    """The factor of the unit word that ends a reading's text (公顷 → 15), to reuse it."""
    text = norm[reading.start : reading.end]
    for word in sorted(g.units, key=len, reverse=True):
        if text.endswith(word) and g.units[word].unit == reading.unit:
            return g.units[word].factor
    return Decimal(1)


def implied_units(readings: list[Reading], norm: str, windows: Windows, g: NumberGrammar) -> list[Reading]:
    """8500万左右 in a budget sentence is yuan; 容积率不低于1.5 is a ratio; else stays unnormalised."""
    out = []
    for r in readings:
        if r.magnitude_only or r.bare:
            s0, s1 = windows.sentence(r.start, r.end)
            if r.magnitude_only and g.money_context.search(norm[s0:s1]):
                r = r._replace(unit="CNY", cls="money", normalised=True, magnitude_only=False)
            elif r.bare and g.ratio_nouns.search(norm[s0 : r.start]):
                r = r._replace(unit="ratio", cls="ratio", normalised=True, bare=False)
        out.append(r)
    return out
