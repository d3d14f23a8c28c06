"""``extract_mentions(text)``: every quantity stated in one text, read the way a researcher reads it.

A pure function of the text and the vocabularies, in five steps (one module each):

1. :mod:`.candidates`: each number and its unit on its own (150万元 → 1,500,000 CNY);
2. :mod:`.readings`: what neighbouring numbers say about each other (ranges, shared units,
   每亩 rates, units implied by the sentence);
3. :mod:`.bounds`: the bound written around each amount (最高, 以上, 左右) and the span with it;
4. :mod:`.kinds`: what the amount is for (subsidy, budget, target, threshold, other);
5. :mod:`.tiers`: the award tier of each grant.

Offsets index the text as given: full-width input is folded one character at a time
(:func:`.numbers.fold`), so ``text[start:end] == span`` holds for any input.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

from ..chinese import simplified
from ..model import QuantityMention
from .bounds import Bounded, read_bounds, share_bounds
from .candidates import find_readings
from .grammar import CJK, Grammar, grammar
from .kinds import classify_kinds
from .numbers import fold
from .readings import implied_units, merge_ranges, per_unit_prefix, share_units
from .tiers import assign_levels

MEASURE_WORD = re.compile(f"[{CJK}]")


def extract_mentions(text: str, g: Grammar | None = None) -> list[QuantityMention]:
    """Every quantity stated in one text, in order of start."""
    if not isinstance(text, str) or not text:
        return []
    g = g or grammar()
    norm = fold(text)
    if g.numbers.traditional.search(norm):
        simple = simplified(norm)
        if len(simple) == len(norm):  # offsets must keep indexing the text as given
            norm = simple
    readings = find_readings(norm, g.numbers)
    if not readings:
        return []  # a third of all clause rows state no quantity
    readings = merge_ranges(readings, norm, g.numbers, g.bounds)
    readings = per_unit_prefix(readings, norm, g.numbers)
    readings = share_units(readings, norm, g.numbers, g.bounds)
    readings = implied_units(readings, norm, g.numbers)
    items = share_bounds(read_bounds(readings, norm, g.bounds), norm, g.bounds)
    kinds = classify_kinds(items, norm, g.kinds, g.bounds.conjunction)
    levels = assign_levels(items, kinds, norm, g.tiers, g.bounds)
    return [_mention(item, kind, level, text) for item, kind, level in zip(items, kinds, levels, strict=True)]


def _float(value: Decimal | None) -> float:
    return float(value) if value is not None else math.nan


def _mention(item: Bounded, kind: str, level: str | None, text: str) -> QuantityMention:
    r = item.reading
    return QuantityMention(  # positional: a tenth of the extractor's time is spent building these
        text[item.span_start : item.span_end],
        item.span_start,
        item.span_end,
        _float(r.value),
        _float(r.value_high) if r.value_high is not None else None,
        r.unit,
        kind,
        item.bound or "exact",
        level,
    )


def is_normalised_unit(unit: str, g: Grammar | None = None) -> bool:
    """A base unit (CNY, %, mu, count …) or a rate of one (CNY/mu, CNY/台)."""
    base = (g or grammar()).numbers.base_units
    if unit in base:
        return True
    head, sep, tail = unit.partition("/")
    return bool(sep) and head in base and (tail in base or bool(MEASURE_WORD.fullmatch(tail)))
