"""Reading one award statement: what is rewarded, and which amount goes with which item.

A statement such as 对新认定的国家级、省级、嘉兴市级科技企业孵化器分别给予300万元、150万元、50万元资金支持
names the thing rewarded (its *object*) before the grant, often as an enumeration whose items pair
one to one with the amounts. Each amount gets the item's tier, variant (新认定和重新认定, 五星, 未来工厂)
and, when the items name different instruments, its instrument. These functions work on the
statement's text only; :mod:`.instruments` turns what they find into rows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..schema import QuantityRow
from ..vocabulary import Instrument, InstrumentVocabulary
from ..vocabulary.instruments import Variant

# Money and shares are what one district's grant can be set beside another's; counts, areas and
# thresholds are not amounts granted.
GRANT_UNIT = re.compile(r"^(?:CNY|USD|%)(?:/.+)?$")
# What separates the items of an enumeration (国家级、省级和市级; 新认定和重新认定).
SEPARATOR = re.compile(r"以及|[、和及与或]")
OPENING, CLOSING = "(“‘《〈「", ")”’》〉」"
# Two amounts joined only by one of these are one enumeration (30万元、20万元和10万元).
CONJOINED = re.compile(r"^\s*(?:[、,和及与或]|以及)?\s*$")
TRIM = " \t\u3000,、:的"
# An item that names nothing of its own is a modifier of the noun written once, after the last item.
BARE_ITEM = 6


@dataclass(frozen=True)
class Item:
    """One item of the thing rewarded, with where it lies in the statement."""

    start: int
    end: int
    text: str
    level: str | None
    object: str  # as written
    tiered: bool  # the item names a tier (省级以上 names several: level None)
    read: str = ""  # the object as read (simplified characters): what variants are read in


def grants(
    quantities: Sequence[QuantityRow], text: str = "", offset: int = 0, vocab: InstrumentVocabulary | None = None
) -> list[QuantityRow]:
    """The amounts granted: quantities of kind subsidy in money or shares, and (given the statement's
    ``text``) not a loan or credit line (最高500万元额度的贴息贷款)."""
    if not quantities:
        return []
    found = [q for q in quantities if q.kind == "subsidy" and GRANT_UNIT.match(q.unit)]
    if not found or vocab is None or not text:
        return found
    return [
        q
        for q in found
        if not vocab.not_granted_after.match(text, q.end - offset)
        and not vocab.not_granted_before.search(text, max(0, q.start - offset - 16), q.start - offset)
    ]


def object_span(lead: str, vocab: InstrumentVocabulary) -> tuple[int, int]:
    """Where the thing rewarded lies in ``lead`` (the statement before its first amount).

    It ends where the grant opens (分别, 给予…). After an opener (对) it is the words that follow it, up
    to the first comma when that part says something (对…的企业,在享受…基础上再给予); when they say
    little (…全省重点实验室,对新认定的给予) the comma part before the opener joins them. Without an
    opener, the last comma part before the grant (做强做大数字核心企业,当年首次列入…的,分别给予), or the
    two last when the last says little (…重点实验室,新认定的给予); parts that only set the scene
    (在市政策奖励标准的基础上) are passed over.
    """
    opener = vocab.grant_openers.search(lead) or vocab.grant_words.search(lead)
    end = opener.start() if opener else len(lead)
    found = [(lead.rfind(o, 0, end), o) for o in vocab.object_openers if lead.rfind(o, 0, end) != -1]
    if found:
        at, word = max(found)
        start = at + len(word)
        comma = lead.find(",", start, end)
        if comma != -1 and comma - start > BARE_ITEM:
            end = comma
        elif len(lead[start:end].strip(TRIM)) <= BARE_ITEM and lead[:at].rstrip(" ").endswith(","):
            # 对新认定的: what is new is named in the part before the opener
            before = lead[:at].rstrip(" ")[:-1]
            start = before.rfind(",") + 1
    else:
        parts = _comma_parts(lead, end)
        while len(parts) > 1 and vocab.object_asides.search(lead[parts[-1][0] : parts[-1][1]]):
            parts.pop()
        start, end = parts[-1]
        if len(parts) > 1 and len(lead[start:end].strip(TRIM)) <= BARE_ITEM:
            start = parts[-2][0]
    while start < end and lead[start] in TRIM:
        start += 1
    while end > start and lead[end - 1] in TRIM:
        end -= 1
    return (start, end) if end > start else (0, 0)


def _comma_parts(text: str, end: int) -> list[tuple[int, int]]:
    """The comma parts of ``text[:end]`` that hold more than punctuation, as (start, end) offsets
    (one part ``(0, end)`` when there is none)."""
    out, at = [], 0
    for position in [i for i, c in enumerate(text[:end]) if c == ","] + [end]:
        if text[at:position].strip(TRIM):
            out.append((at, position))
        at = position + 1
    return out or [(0, end)]


def lead_of(text: str) -> str:
    """A statement's first comma part: what it is about when no object can be found."""
    return text.split(",", 1)[0].strip(TRIM) or text


def _split(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``text[start:end]`` cut at the separators outside brackets and quotes."""
    pieces, depth, at = [], 0, start
    for m in re.finditer(rf"[{re.escape(OPENING + CLOSING)}]|{SEPARATOR.pattern}", text[start:end]):
        token, position = m.group(), start + m.start()
        if token in OPENING:
            depth += 1
        elif token in CLOSING:
            depth = max(depth - 1, 0)
        elif depth == 0:
            pieces.append((at, position))
            at = position + len(token)
    pieces.append((at, end))
    return [(a, b) for a, b in pieces if text[a:b].strip(TRIM)]


def _after_the_act(text: str, span: tuple[int, int], vocab: InstrumentVocabulary) -> list[tuple[int, int]]:
    """The enumeration cut only after the last act of recognition in it (获评或复核通过 | 宁波“单项冠军”
    示范企业、省“隐形冠军”培育企业…): the words up to the act belong to the first item, not an item
    of their own."""
    acts = [m.end() for m in vocab.recognition_acts.finditer(text, *span)]
    if not acts:
        return []
    pieces = _split(text, acts[-1], span[1])
    return [(span[0], pieces[0][1]), *pieces[1:]] if pieces else []


SEVERAL = re.compile(r"\s*及?以上")


# Every tier word holds one of these characters: a text without any names no tier.
TIER_CHARACTERS = re.compile("[国省市区县]")


def tiers_at(text: str, vocab: InstrumentVocabulary) -> list[tuple[int, int, str | None]]:
    """Every tier word of ``text`` (with its context, so bare 国家、省、市 count in an enumeration),
    the longest at a position first; None for a tier that opens several (省级以上)."""
    if not TIER_CHARACTERS.search(text):
        return []
    found: list[tuple[int, int, str | None]] = [
        (m.start(), m.end(), None if SEVERAL.match(text, m.end()) else level)
        for level, patterns in vocab.level_words
        for rx in patterns
        for m in rx.finditer(text)
    ]
    return sorted(found, key=lambda t: (t[0], -t[1]))


def item_tier(item: str, vocab: InstrumentVocabulary) -> tuple[str, int] | None:
    """The one tier an item names by the looser amount patterns, and where that word ends; None when
    it names none or several."""
    if not TIER_CHARACTERS.search(item):
        return None
    found = {
        (level, m.end()) for level, patterns in vocab.item_level_words for rx in patterns for m in rx.finditer(item)
    }
    levels = {level for level, _ in found}
    if len(levels) != 1:
        return None
    level = levels.pop()
    return level, min(end for lv, end in found if lv == level)


def items_of(
    text: str,
    span: tuple[int, int],
    n: int,
    vocab: InstrumentVocabulary,
    named: Sequence[Instrument],
    tiers: list[tuple[int, int, str | None]] | None = None,
    written: str | None = None,
) -> list[Item]:
    """The ``n`` items of the object enumeration, or [] when it does not hold ``n`` items.

    A bare item (国家级, 新认定) takes the noun written once after the last item (科技企业孵化器), and
    the words before the first item's tier (新认定的): 新认定的国家级、省级科技企业孵化器 gives
    新认定的国家级科技企业孵化器 and 新认定的省级科技企业孵化器. ``text`` is read; the objects are cut
    from ``written`` (the statement as written, same offsets: traditional characters stay).
    """
    written = text if written is None else written
    if n < 2:
        return []
    pieces = _split(text, *span)
    if len(pieces) != n:
        pieces = _after_the_act(text, span, vocab)
        if len(pieces) != n:
            return []
    tiers = tiers_at(text, vocab) if tiers is None else tiers
    loose: dict[tuple[int, int], tuple[str, int] | None] = {}

    def alone(a: int, b: int) -> tuple[str, int] | None:
        # an item alone may name its tier more loosely (省电子信息产业百家重点企业)
        if (a, b) not in loose:
            loose[(a, b)] = item_tier(text[a:b], vocab)
        return loose[(a, b)]

    def level_in(a: int, b: int) -> tuple[str | None, int]:
        inside = [(s, e, level) for s, e, level in tiers if a <= s < b]
        if inside:
            return inside[0][2], inside[0][1]
        found = alone(a, b)
        return (found[0], a + found[1]) if found else (None, a)

    def tiered(a: int, b: int) -> bool:
        return any(a <= s < b for s, _, _ in tiers) or alone(a, b) is not None

    def names_something(a: int, b: int) -> bool:
        """An item with a noun of its own (省级未来工厂), not a tier or modifier alone (新认定的国家级).
        Words before the item's tier are the enumeration's shared prefix (孵化器获国家、省、市…优秀的):
        they are every item's, not this one's own."""
        starts = [s for s, _, _ in tiers if a <= s < b]
        own = text[starts[0] : b] if starts else text[a:b]
        if any(i.named_at(own) is not None for i in named):
            return True
        inside = [e for s, e, _ in tiers if a <= s < b]
        return len(text[a:b]) > BARE_ITEM and not (inside and inside[-1] >= b)

    last_a, last_b = pieces[-1]
    _, last_after = level_in(last_a, last_b)
    de = text.find("的", last_a, last_b)
    head_from = last_after if tiered(last_a, last_b) else (de if de != -1 else last_b)
    first_a, first_b = pieces[0]
    first_tier = next((s for s, _, _ in tiers if first_a <= s < first_b), None)
    # a tier written once before the enumeration (市级专业化、标准化科技企业孵化器) is every item's
    shared = level_in(first_a, first_b)[0] if not any(tiered(a, b) for a, b in pieces[1:]) else None

    def object_of(index: int, a: int, b: int, source: str) -> str:
        piece = source[a:b]
        if index < n - 1 and not names_something(a, b):
            piece += source[head_from:last_b]
        if index > 0 and first_tier is not None:
            piece = source[first_a:first_tier] + piece
        return piece.strip(TRIM)

    out = []
    for index, (a, b) in enumerate(pieces):
        level, _ = level_in(a, b)
        if index > 0 and shared is not None:
            level = shared
        out.append(
            Item(
                a,
                b,
                text[a:b],
                level,
                object_of(index, a, b, written),
                tiered(a, b) or shared is not None,
                object_of(index, a, b, text),
            )
        )
    return out


RESPECTIVELY = re.compile(r"分\s?别")


def respectively(text: str) -> bool:
    """分别 (respectively), also as a PDF may leave it (分 别)."""
    return RESPECTIVELY.search(text) is not None


def conjoined(text: str, amounts: Sequence[QuantityRow], offset: int) -> bool:
    """Whether the amounts are written as one enumeration (nothing but 、/和 between them)."""
    return all(
        CONJOINED.match(text[a.end - offset : b.start - offset]) for a, b in zip(amounts, amounts[1:], strict=False)
    )


PARENTHESISED = re.compile(r"\([^()]*\)")
_VARIANT_ALTERNATIONS: dict[tuple[str, tuple[str, ...]], re.Pattern[str]] = {}


def _any_variant(instrument: Instrument) -> re.Pattern[str]:
    """One alternation of all the instrument's variant patterns: most texts name none, one search says so."""
    key = (instrument.key, tuple(rx.pattern for v in instrument.variants for rx in v.patterns))
    found = _VARIANT_ALTERNATIONS.get(key)
    if found is None:
        found = _VARIANT_ALTERNATIONS[key] = re.compile("|".join(f"(?:{p})" for p in key[1]))
    return found


ENUMERATED = re.compile(r"[、,和及与或]")


def variant_in(text: str, instrument: Instrument, vocab: InstrumentVocabulary) -> Variant | None:
    """The variant of the instrument that ``text`` names, outside asides that exclude (不含重新认定).

    Variants named inside a parenthesis after another are what that one includes (智能工厂(数字化车间、
    5G全连接工厂)): they are left aside when one is named outside. Several variants listed side by side
    for one amount (绿色工厂、绿色园区和绿色供应链…200万元) name no single variant: None. Words that
    qualify one another (专精特新“小巨人”企业) give the instrument's first variant; a variant whose
    words lie inside another's (企业研究院 in 重点企业研究院) is the other.
    """
    if not instrument.variants or not _any_variant(instrument).search(text):
        return None
    text = vocab.exclusion_asides.sub(lambda m: " " * len(m.group()), text)
    outside = PARENTHESISED.sub(lambda m: " " * len(m.group()), text)

    def named(where: str) -> list[tuple[int, int, Variant]]:
        found = [(m.start(), m.end(), v) for v in instrument.variants for rx in v.patterns for m in rx.finditer(where)]
        return sorted(
            f for f in found if not any(g[0] <= f[0] and f[1] <= g[1] and g[1] - g[0] > f[1] - f[0] for g in found)
        )

    found = named(outside) or named(text)
    if not found:
        return None
    keys = {v.key for _, _, v in found}
    if len(keys) > 1 and any(
        a[2].key != b[2].key and ENUMERATED.search(outside[a[1] : b[0]]) for a, b in zip(found, found[1:], strict=False)
    ):
        return None
    return next(v for v in instrument.variants if v.key in keys)


def bracket(amount: QuantityRow) -> str:
    """A revenue or investment bracket as a variant key: ge_10000000_cny, 10000000_to_50000000_cny."""
    unit = re.sub(r"[^a-z0-9]+", "_", amount.unit.lower()).strip("_") or "x"

    def figure(value: float) -> str:
        return f"{value:.0f}" if float(value).is_integer() else f"{value:g}".replace(".", "p")

    if amount.value_high is not None and amount.value_high == amount.value_high:  # a range (not NaN)
        return f"{figure(amount.value)}_to_{figure(amount.value_high)}_{unit}"
    prefix = "le" if amount.bound == "max" else "ge"
    return f"{prefix}_{figure(amount.value)}_{unit}"


def is_condition(q: QuantityRow) -> bool:
    """An amount that qualifies who gets a grant: not granted itself, and in money or counts."""
    return q.kind != "subsidy" and (q.unit in ("CNY", "USD", "count") or q.unit.startswith("CNY"))


def brackets_of(
    text: str, offset: int, quantities: Sequence[QuantityRow], granted: Sequence[QuantityRow]
) -> list[str | None]:
    """Each grant's bracket: the condition amounts paired one to one with the grants (首次突破1000万元、
    2000万元…分别奖励…), or the one condition written between the previous grant and this one
    (实际投资额在5000万及以上的项目,给予…10%)."""
    conditions = [q for q in quantities if is_condition(q)]
    if not conditions:
        return [None] * len(granted)
    first = granted[0].start
    before = [q for q in conditions if q.end <= first]
    if len(granted) > 1 and len(before) == len(granted) and respectively(text):
        return [bracket(q) for q in before]
    out: list[str | None] = []
    previous_end = offset
    for g in granted:
        between = [q for q in conditions if previous_end <= q.start and q.end <= g.start]
        out.append(
            bracket(between[0]) if len(between) == 1 and between[0].bound != "exact" or _ranged(between) else None
        )
        previous_end = g.end
    return out


def _ranged(between: Sequence[QuantityRow]) -> bool:
    return len(between) == 1 and between[0].value_high is not None and between[0].value_high == between[0].value_high


def is_top_up(text: str, amount: QuantityRow, offset: int, vocab: InstrumentVocabulary) -> bool:
    """A share of a higher government's grant (按国家、省立项补助金额的20%)."""
    if amount.unit != "%":
        return False
    return vocab.top_up_bases.search(text[max(0, amount.start - offset - 24) : amount.start - offset]) is not None


def raised_group(text: str, start: int, end: int, vocab: InstrumentVocabulary) -> tuple[int, int] | None:
    """Where the group lies (offsets in ``text``) when the words ``text[start:end]`` right before an
    amount raise the standard of the grant stated before it for that group (…的10%给予补助,科技小巨人企业
    标准提高至20%: the group 科技小巨人企业), or None when they do not. The group is what the comma part
    names before the words that raise; its span is empty when it names nothing (补助标准再提高)."""
    tail = text[start:end].rstrip()
    raised = next((m for m in vocab.raised_standards.finditer(tail) if m.end() == len(tail)), None)
    if raised is None:
        return None
    part = tail.rfind(",", 0, raised.start()) + 1
    group_start, group_end = start + part, start + raised.start()
    while group_start < group_end and text[group_start] in TRIM:
        group_start += 1
    while group_end > group_start and text[group_end - 1] in TRIM:
        group_end -= 1
    return group_start, group_end


def object_core(obj: str, vocab: InstrumentVocabulary) -> str:
    """An object without tier words and recognition modifiers, to group the log's unclassified rows."""
    core = obj
    for level_patterns in vocab.level_words:
        for rx in level_patterns[1]:
            core = rx.sub("", core)
    for rx in vocab.object_modifiers:
        core = rx.sub("", core)
    return core.strip(TRIM) or obj
