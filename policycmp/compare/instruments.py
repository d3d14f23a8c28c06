"""Who pays how much for the same thing: policy instruments across districts (comparisons.parquet).

Every award statement of a clause (see :mod:`.statements`) with an amount becomes rows, one per
amount it grants: under the instrument the vocabulary recognises, or with ``instrument`` null and
its ``object`` as written when none does, so no amount is left out. A statement that states an
instrument without saying how much gives one row without an amount. Districts that never state an
instrument get an explicit absent row, so "not in the document" is a row a reader can see rather
than a gap. :mod:`.awards` reads what each amount is for (object, tier, variant).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

import pandas as pd

from ..chinese import simplified
from ..extract.scanning import skipping
from ..extract.windows import SENTENCE_MARKS
from ..schema import ClauseRow, ComparisonRow, QuantityRow, frame
from ..vocabulary import Instrument, InstrumentVocabulary, load_instruments
from ..vocabulary.checks import joined
from ..vocabulary.gazetteer import Gazetteer, load_gazetteer
from ..vocabulary.instruments import Variant
from .awards import (
    BARE_ITEM,
    CONJOINED,
    TIER_CHARACTERS,
    Item,
    brackets_of,
    conjoined,
    grants,
    is_top_up,
    item_tier,
    items_of,
    lead_of,
    object_core,
    object_span,
    raised_group,
    respectively,
    tiers_at,
    variant_in,
)
from .indexed import ClauseIndex, index_tables
from .statements import Statement, body_end, statements, within

# Characters only traditional writing uses (the quantity cues' traditional_hint): a clause holding one
# is read through its simplified form.
TRADITIONAL = re.compile("[億萬獎補貼發與為國區縣會級業經濟項資費稅價實開進標準達現確額總計劃產認對]")
# Instruments tried as a group before one by one: a statement states one or two of the 55, so about
# eight group searches and one group's members replace 55 searches.
GROUP = 7


@dataclass(frozen=True)
class FoundComparison:
    """A comparison row with where it was found, for ordering and de-duplication."""

    row: ComparisonRow
    seq: int
    start: int
    # the bracket the amount's condition states (ge_10000000_cny); a variant only where the clause
    # states two or more brackets for the same instrument and tier
    bracket: str | None = None


def tier_levels(text: str, vocab: InstrumentVocabulary, allowed: tuple[str, ...] | None) -> list[str]:
    """The award tiers named in ``text``, in the order written (limited to ``allowed`` when given)."""
    found: list[tuple[int, str]] = []
    for level, patterns in vocab.level_words:
        if allowed is not None and level not in allowed:
            continue
        positions = [m.start() for rx in patterns for m in rx.finditer(text)]
        if positions:
            found.append((min(positions), level))
    return [level for _, level in sorted(found)]


def _roles(amounts: list[QuantityRow], text: str, offset: int, vocab: InstrumentVocabulary) -> list[tuple[str, int]]:
    """Each amount's role and grant number: a cap joins the share or rate before it (按设备投资额的10%
    给予补助,最高500万元: one grant of two rows)."""
    out: list[tuple[str, int]] = []
    number, open_share = 0, False
    for amount in amounts:
        if amount.unit == "%":
            role = "top_up" if is_top_up(text, amount, offset, vocab) else "share"
        elif "/" in amount.unit:
            role = "rate"
        elif open_share and amount.bound == "max":
            out.append(("cap", number))
            open_share = False
            continue
        else:
            role = "amount"
        number += 1
        open_share = role in ("share", "rate", "top_up")
        out.append((role, number))
    return out


@dataclass(frozen=True)
class _Grant:
    """What one amount of a statement is for."""

    instrument: Instrument | None
    level: str | None
    variant: str | None
    object: str


def _assign(
    statement: Statement,
    matched: list[list[Instrument]],
    amounts: list[QuantityRow],
    vocab: InstrumentVocabulary,
    written: str | None = None,
    inherited: dict[str, str | None] | None = None,
) -> list[list[_Grant]]:
    """For each amount, the grants it is (usually one; one per instrument when several share it).

    ``matched[n]``: the instruments the words up to the n-th amount state. ``statement.text`` is read;
    objects are cut from ``written``, the statement as written (the same offsets).
    """
    text, offset = statement.text, statement.start
    written = text if written is None else written
    first = amounts[0].start - offset
    span = object_span(text[:first], vocab)
    whole_object = written[span[0] : span[1]] or lead_of(written)
    every = _distinct(i for found in matched for i in found)
    paired = respectively(text) or conjoined(text, amounts, offset)
    tiers = tiers_at(text, vocab)
    items: list[Item] = items_of(text, span, len(amounts), vocab, every, tiers, written) if paired else []
    written_tiers = [level for _, end, level in tiers if end <= first]
    tiers_in_order = written_tiers if len(written_tiers) == len(amounts) else []
    # one tier written (or the same tier written for each thing listed) is every amount's: 省级重点实验室、
    # 省级重点企业研究院和省级企业研究院…给予最高100万元
    one_tier = written_tiers[0] if written_tiers and len(set(written_tiers)) == 1 and len(amounts) == 1 else None
    if not written_tiers and not items:
        # 省重点服务业项目、省重大产业项目: a bare 省 in what is rewarded
        loose = item_tier(text[span[0] : span[1]] or lead_of(text), vocab)
        one_tier = loose[0] if loose else None

    # Variants: the items' own when any item names one (新认定和重新认定); else the words before each
    # amount, an amount conjoined to the one before sharing its variant (五星…50万元、30万元、20万元)
    by_item = bool(items) and any(variant_in(item.read, i, vocab) for item in items for i in every)
    out: list[list[_Grant]] = []
    previous_end = 0
    previous: dict[str, Variant | None] = {}
    previous_with_first: set[str] = set()  # the instruments whose previous variant shares its amount
    own_object = whole_object
    for n, amount in enumerate(amounts):
        segment = text[previous_end : amount.start - offset]
        follows = n > 0 and CONJOINED.match(segment) is not None
        item = items[n] if items else None
        own_tier = None
        if n > 0 and not follows and item is None:
            # an amount with a condition of its own (…奖励20万元,市级高新技术企业的一次性奖励5万元), and the
            # one tier that condition writes (…补助10万元,东阳市科技特派员项目每项最高补助8万元)
            group = raised_group(text, previous_end, amount.start - offset, vocab)
            if group is not None and group[1] - group[0] >= HEAD:
                own_object = written[group[0] : group[1]]  # 科技小巨人企业标准提高至20%: the group's grant
            elif group is None:
                own_object = _segment_object(text, written, previous_end, amount.start - offset, vocab) or own_object
            own_tiers = {level for start, end, level in tiers if start >= previous_end and end <= amount.start - offset}
            own_tier = own_tiers.pop() if len(own_tiers) == 1 else None
        # (其中省财政直接补贴120元/亩) after an amount: the part of it a higher government pays
        part = item_tier(segment, vocab) if n > 0 and vocab.tier_parts.search(segment) else None
        part_tier = part[0] if part else None
        previous_end = amount.end - offset
        grants_of_amount = []
        for instrument in _owners(n, item, matched[n], every, amounts, text, text[: amount.start - offset]):
            variant: Variant | None = None
            with_first = False
            if instrument is not None:
                if by_item and item is not None:
                    variant = variant_in(item.read, instrument, vocab)
                elif follows:
                    variant = previous.get(instrument.key)
                    with_first = instrument.key in previous_with_first
                else:
                    variant = variant_in(segment, instrument, vocab)
                    read = segment
                    if variant is None and n == 0:
                        read = text[span[0] : span[1]]
                        variant = variant_in(read, instrument, vocab)
                    # 首次或重新认定: the first recognition and the renewed one share the amount
                    with_first = variant is not None and variant.written_with_first(read)
                previous[instrument.key] = variant
                previous_with_first.discard(instrument.key)
                if with_first:
                    previous_with_first.add(instrument.key)
            # the item's tier (None for 省级以上) or the one its variant always has; without items the
            # amount's own, the tiers written in order, or the one tier written
            if item is not None:
                level = item.level if item.tiered else (variant.level if variant else None)
            else:
                level = (
                    amount.level
                    or (tiers_in_order[n] if tiers_in_order else None)
                    or own_tier
                    or (one_tier if len(amounts) == 1 or not written_tiers else None)
                    or (variant.level if variant else None)
                )
            if part_tier is not None:
                level = part_tier  # the higher government's part of the amount before: its tier
            elif instrument is not None and level is not None and level not in instrument.levels:
                level = None
            key = variant.key if variant else (inherited or {}).get(instrument.key) if instrument else None
            obj = item.object if item else own_object
            if with_first:
                grants_of_amount.append(_Grant(instrument, level, None, obj))
            grants_of_amount.append(_Grant(instrument, level, key, obj))
        out.append(grants_of_amount)
    return out


def _segment_object(text: str, written: str, start: int, end: int, vocab: InstrumentVocabulary) -> str | None:
    """What the words between two amounts say is rewarded (``text[start:end]``, read; cut from
    ``written``), or None when they name no object of their own (…奖励,给予规模以下企业…: the grant
    opens the segment)."""
    segment = text[start:end].lstrip(TRIM_LEAD)
    if segment.startswith(("(", *vocab.continuation_openers)):
        return None  # (其中省财政直接补贴…): a part of the amount before, not a new thing rewarded
    span = object_span(text[start:end], vocab)
    found = text[start + span[0] : start + span[1]]
    if len(found) <= 2 or vocab.grant_words.match(found) or vocab.grant_openers.match(found):
        return None
    if _says_nothing(found, vocab):
        return None  # 单家企业最高: the cap of the grant before
    return written[start + span[0] : start + span[1]]


def _distinct(instruments: Iterable[Instrument]) -> list[Instrument]:
    """The instruments once each, in order (by key: an instrument's hash would read its patterns)."""
    return list({i.key: i for i in instruments}.values())


def _owners(
    n: int,
    item: Item | None,
    matched: list[Instrument],
    every: list[Instrument],
    amounts: list[QuantityRow],
    text: str,
    upto: str,
) -> list[Instrument | None]:
    """The instruments the n-th amount belongs to (``matched``: those stated up to it, in ``upto``, the
    statement's words before it; ``every``: up to the statement's last amount).

    An item that names an instrument gives it; with 分别 and as many amounts as instruments, the
    n-th instrument named gets the n-th amount (对认定为浙江省科技领军企业和浙江省科技小巨人企业的,分别给予
    50万元和20万元奖励); otherwise every instrument stated up to the amount shares it, but one that only
    qualifies the thing rewarded named after it (首次升规企业第二年实施技改部分…再增加1个百分点: the raise
    is of the 技改 grant) does not. None: no instrument recognises it.
    """
    if item is not None:
        named = [(i.named_at(item.text), k, i) for k, i in enumerate(every)]
        found = sorted((at, k, i) for at, k, i in named if at is not None)
        if found:
            return [found[0][2]]
    if not matched:
        return [None]
    if len(every) > 1 and respectively(text) and len(amounts) == len(every):
        order = sorted(every, key=lambda i: i.named_at(text) or 0)
        return [order[n]]
    return list(_heads(matched, upto))


QUALIFIER_GAP = re.compile(r"[、和及与或,]")


def _heads(instruments: list[Instrument], before: str) -> list[Instrument]:
    """The instruments named in ``before`` (the words up to an amount) that are not mere qualifiers of
    another named after them in the same noun phrase: two names with no enumeration (、和及与或) or comma
    between them are a qualifier and its head (国家高新技术企业 首次升规的; 首次升规企业…实施技改部分),
    and the head is what is rewarded. Named side by side (孵化器和众创空间), both are."""
    if len(instruments) < 2:
        return instruments
    mentions = [
        (m.start(), m.end(), instrument.key)
        for instrument in instruments
        for rx in instrument.patterns
        for m in rx.finditer(before)
    ]
    qualifiers = {
        key
        for start, end, key in mentions
        if any(
            other != key and later >= end and not QUALIFIER_GAP.search(before, end, later)
            for later, _, other in mentions
        )
    }
    heads = [i for i in instruments if i.key not in qualifiers]
    return heads or instruments


def statement_rows(
    clause: ClauseRow,
    statement: Statement,
    matched: list[Instrument],
    quantities: list[QuantityRow],
    vocab: InstrumentVocabulary,
    per_amount: list[list[Instrument]] | None = None,
    granted: list[QuantityRow] | None = None,
    inherited: dict[str, str | None] | None = None,
) -> list[FoundComparison]:
    """The rows of one statement: one per amount granted and instrument (or none), or, for an
    instrument stated without an amount, one per tier it names. ``inherited``: the variant of each
    instrument where the statement continues one that named it (a table row).

    ``statement`` is read (in simplified characters when the clause is written in traditional ones);
    rows point at the clause text with its offsets. ``per_amount``: the instruments stated up to each
    amount (``matched`` for every amount when not given).
    """

    def row(
        instrument: Instrument | None,
        obj: str,
        variant: str | None,
        level: str | None,
        amount: QuantityRow | None,
        role: str,
        grant_no: int | None,
    ) -> ComparisonRow:
        end = statement.start + len(statement.text)
        # positional, in the schema's column order: building rows by keyword costs a third more
        return ComparisonRow(
            None if instrument is None else instrument.key,
            obj,
            variant,
            level,
            clause.district,
            clause.year,
            None if amount is None else amount.value,
            None if amount is None else amount.value_high,
            None if amount is None else amount.unit,
            None if amount is None else amount.bound,
            True,
            clause.clause_id,
            clause.text[statement.start : end],
            clause.doc_id,
            None if instrument is None else instrument.zh,
            None if instrument is None else instrument.en,
            None if instrument is None else instrument.domain,
            clause.domain,
            clause.title,
            role,
            grant_no,
            None if amount is None else amount.span,
            statement.start,
            end,
        )

    amounts = granted if granted is not None else grants(quantities, statement.text, statement.start, vocab)
    # the object is what is rewarded as written: cut from the clause text, not its simplified reading
    written = clause.text[statement.start : statement.start + len(statement.text)]
    if not amounts:
        span = object_span(statement.text, vocab)
        obj = written[span[0] : span[1]] or lead_of(written)
        found = []
        for instrument in matched:
            levels: list[str | None] = [*tier_levels(statement.text, vocab, instrument.levels)] or [None]
            chosen = variant_in(statement.text, instrument, vocab)
            # 首次或重新认定: the first recognition (no variant) is stated beside the renewed one
            stated: list[str | None] = [chosen.key] if chosen else [None]
            if chosen is not None and chosen.written_with_first(statement.text):
                stated.insert(0, None)
            found += [
                FoundComparison(row(instrument, obj, variant, level, None, "none", None), clause.seq, statement.start)
                for variant in stated
                for level in levels
            ]
        return found
    roles = _roles(amounts, statement.text, statement.start, vocab)
    brackets = brackets_of(statement.text, statement.start, quantities, amounts)
    owners_of = _assign(statement, per_amount or [matched] * len(amounts), amounts, vocab, written, inherited)
    # a cap limits the share or rate before it: it is granted on the same condition (bracket)
    of_grant = {number: bracket for (role, number), bracket in zip(roles, brackets, strict=True) if role != "cap"}
    brackets = [of_grant.get(number) if role == "cap" else b for (role, number), b in zip(roles, brackets, strict=True)]
    found = []
    for amount, owners, (role, number), bracket in zip(amounts, owners_of, roles, brackets, strict=True):
        for grant in owners:
            # a top-up's tier words name the higher grant it is a share of, not a tier of this award
            level = None if role == "top_up" else grant.level
            found.append(
                FoundComparison(
                    row(grant.instrument, grant.object, grant.variant, level, amount, role, number),
                    clause.seq,
                    amount.start,
                    bracket,
                )
            )
    return found


def _with_brackets(found: list[FoundComparison]) -> list[FoundComparison]:
    """Brackets become variants where a clause states two or more for one instrument and tier
    (实际投资额在5000万及以上…10%; 1000万-5000万…8%): one threshold alone is an eligibility
    condition, and keeping it would split one instrument into a key per district."""
    if not any(f.bracket is not None for f in found):
        return found
    seen: dict[tuple[str | None, str | None, str | None], set[str]] = {}
    for f in found:
        if f.bracket is not None and f.row.variant is None:
            seen.setdefault((f.row.clause_id, f.row.instrument, f.row.level), set()).add(f.bracket)
    out = []
    for f in found:
        key = (f.row.clause_id, f.row.instrument, f.row.level)
        if f.bracket is not None and f.row.variant is None and len(seen.get(key, ())) >= 2:
            f = replace(f, row=replace(f.row, variant=f.bracket))
        out.append(f)
    return out


def _without_redundant_mentions(found: list[FoundComparison]) -> list[FoundComparison]:
    """Drop amount-less mentions that a fuller row of the same document and instrument already covers.

    A policy often names a measure twice (加大出口信用保险支持力度, then the rate); the mention without
    an amount adds nothing once an amount for the same tier is known, and a mention without tier adds
    nothing once any row of that instrument exists. Of the remaining amount-less mentions, one per
    document × instrument × tier is kept: the first statement that says it. Per document, not per
    district: another edition's amount says nothing about what this edition states (and a mention
    dropped for it would leave this edition with an absent row for an instrument it names).
    """
    amount_keys = {(f.row.doc_id, f.row.instrument, f.row.level or "") for f in found if f.row.role != "none"}
    leveled = {(f.row.doc_id, f.row.instrument) for f in found if f.row.role != "none" or (f.row.level or "") != ""}
    amounts = [f for f in found if f.row.role != "none"]
    mentions = [
        f
        for f in found
        if f.row.role == "none"
        and (f.row.doc_id, f.row.instrument, f.row.level or "") not in amount_keys
        and ((f.row.level or "") != "" or (f.row.doc_id, f.row.instrument) not in leveled)
    ]
    first: dict[tuple[str | None, ...], FoundComparison] = {}
    for f in sorted(mentions, key=lambda f: (f.seq, f.start)):
        kept_first = first.setdefault((f.row.doc_id, f.row.instrument, f.row.level or ""), f)
        if kept_first is not f and (kept_first.seq, kept_first.start) == (f.seq, f.start):
            # one statement naming the first and the renewed recognition (首次认定、重新认定): both
            first[(f.row.doc_id, f.row.instrument, f.row.level or "", f.row.variant or "")] = f
    kept = list(first.values())
    return amounts + sorted(kept, key=lambda f: (f.seq, f.start))


def _absent_rows(
    found: list[FoundComparison], clauses: list[ClauseRow], vocab: InstrumentVocabulary
) -> list[FoundComparison]:
    # every distinct (doc_id, district, year) of the clause rows, by doc_id (first seen first on a tie)
    documents = sorted(dict.fromkeys((c.doc_id, c.district, c.year) for c in clauses), key=lambda d: d[0])
    stated = {(f.row.doc_id, f.row.instrument) for f in found}
    rows = []
    for doc_id, district, year in documents:
        for instrument in vocab.instruments:
            if (doc_id, instrument.key) in stated:
                continue
            rows.append(
                FoundComparison(
                    ComparisonRow(
                        instrument=instrument.key,
                        object=None,
                        variant=None,
                        level=None,
                        district=district,
                        year=year,
                        value=None,
                        value_high=None,
                        unit=None,
                        bound=None,
                        stated=False,
                        clause_id=None,
                        span=None,
                        doc_id=doc_id,
                        instrument_zh=instrument.zh,
                        instrument_en=instrument.en,
                        domain=instrument.domain,
                        clause_domain=None,
                        clause_title=None,
                        role=None,
                        grant_no=None,
                        quantity_span=None,
                        span_start=None,
                        span_end=None,
                    ),
                    0,
                    0,
                )
            )
    return rows


def comparison_table(
    clauses: pd.DataFrame, quantities: pd.DataFrame, vocab: InstrumentVocabulary | None = None
) -> pd.DataFrame:
    """One row per district × instrument × tier × variant (× amount) that a policy states, one per
    award amount no instrument recognises, plus absent rows."""
    return comparison_frame(index_tables(clauses, quantities), vocab or load_instruments())


def _skipping(rx: re.Pattern[str] | None) -> re.Pattern[str] | None:
    """``rx`` with a lookahead for the characters its matches open with, so ``re`` skips to them: an
    alternation of a hundred words searched over a clause is five times faster (extract.scanning)."""
    return None if rx is None else skipping(rx)


@dataclass(frozen=True)
class Recogniser:
    """The instrument vocabulary made ready for many statements.

    Most clauses state no instrument: one alternation of every instrument's patterns passes them over
    with one search; then one alternation per group of instruments, and one per instrument, rule out
    the others. A clause's statements are then read only for the instruments its text names
    (:meth:`among`), before their requires and excludes are read (see
    :func:`~policycmp.vocabulary.checks.joined`).
    """

    vocab: InstrumentVocabulary
    any_pattern: re.Pattern[str] | None
    # the instruments in runs of GROUP, each run with one alternation of its instruments' patterns
    groups: tuple[tuple[re.Pattern[str] | None, tuple[tuple[Instrument, re.Pattern[str] | None], ...]], ...]
    # each instrument's patterns as one alternation (None: they cannot be joined)
    patterns: dict[str, re.Pattern[str] | None]
    # each county-level city's own tier words (乐清市级), read as the county tier
    own_tiers: dict[str, tuple[str, ...]]
    # each county-level city's own name (东阳市), read as the county tier where it names what it keeps
    own_names: dict[str, tuple[str, ...]]

    @classmethod
    def of(cls, vocab: InstrumentVocabulary) -> Recogniser:
        every = _skipping(joined(tuple(rx for instrument in vocab.instruments for rx in instrument.patterns)))
        instruments = vocab.instruments
        groups = tuple(
            (
                _skipping(joined(tuple(rx for instrument in run for rx in instrument.patterns))),
                tuple((instrument, _skipping(joined(instrument.patterns))) for instrument in run),
            )
            for run in (instruments[i : i + GROUP] for i in range(0, len(instruments), GROUP))
        )
        return cls(
            vocab,
            every,
            groups,
            {i.key: rx for _, members in groups for i, rx in members},
            own_tier_words(gazetteer := load_gazetteer()),
            own_names(gazetteer),
        )

    def names_at(self, text: str, at: int) -> bool:
        """Whether the words of ``text`` at ``at`` (spaces a PDF left passed over) name a thing the
        vocabulary rewards: a pattern of an instrument matches there, and its sentence holds none of
        that instrument's excludes (以桐乡市科技计划项目形式给予 names how money is paid, not what for)."""
        at += len(text[at:]) - len(text[at:].lstrip(" "))
        begin = max(text.rfind(stop, 0, at) for stop in SENTENCE_MARKS) + 1
        ends = [i for i in (text.find(stop, at) for stop in SENTENCE_MARKS) if i != -1]
        sentence = text[begin : min(ends, default=len(text))]
        return any(
            any(rx.match(text, at) for rx in instrument.patterns)
            and not any(rx.search(sentence) for rx in instrument.exclude)
            for instrument in self.vocab.instruments
        )

    def reading(self, text: str, district: str) -> str:
        """``text`` as the vocabulary reads it for ``district`` (:func:`readable`)."""
        return readable(text, self.own_tiers.get(district, ()), self.own_names.get(district, ()), self.names_at)

    def recognised(self, text: str, domain: str | None) -> list[Instrument]:
        """The instruments ``text`` states, in vocabulary order (as ``Instrument.recognises`` reads them)."""
        return [instrument for instrument in self.named(text) if instrument.recognises(text, domain)]

    def named(self, text: str) -> list[Instrument]:
        """The instruments whose patterns match ``text`` (before their requires and excludes are read)."""
        if self.any_pattern is not None and not self.any_pattern.search(text):
            return []
        return [
            instrument
            for group, members in self.groups
            if group is None or group.search(text)
            for instrument, rx in members
            if rx is None or rx.search(text)
        ]

    def among(self, candidates: list[Instrument], text: str) -> list[Instrument]:
        """Those of ``candidates`` (the instruments a text holding ``text`` names) that ``text`` names."""
        out = []
        for instrument in candidates:
            rx = self.patterns[instrument.key]
            if rx.search(text) if rx is not None else instrument.named_at(text) is not None:
                out.append(instrument)
        return out


def clause_comparisons(
    clause: ClauseRow, quantities: list[QuantityRow], recogniser: Recogniser, found: list[Statement] | None = None
) -> list[FoundComparison]:
    """The comparison rows one clause states (``found``: its sentences up to :func:`.body_end`, if known).

    A clause written in traditional characters is read through its simplified form (the offsets are
    the same), so the vocabulary's words apply; a county-level city's own tier (乐清市级), and its name
    written before what it keeps (东阳市科技特派员项目), are read as the county tier they are.
    """
    vocab = recogniser.vocab
    text = clause.text
    reading = recogniser.reading(text, clause.district)
    rows: list[FoundComparison] = []
    previous: _Previous | None = None  # the last statement that stated an instrument, and its lead
    granting = any(q.kind == "subsidy" for q in quantities)
    # the instruments the clause names at all, found once; each statement is read for those only
    body = body_end(text, clause.responsible_units)
    if not granting and not vocab.grant_words.search(reading, 0, body):
        return rows  # nothing granted and no word of a grant: no row (most clauses)
    candidates = recogniser.named(reading[:body])
    if not candidates and not granting:
        return rows
    pieces = statements(reading, vocab.statement_breaks, body, found)
    for index, original in enumerate(pieces):
        statement = (
            original
            if reading is text
            else Statement(original.start, original.end, reading[original.start : original.end])
        )
        # most clauses grant nothing: their statements are read for amount-less mentions only
        inside = within(quantities, original) if granting else []
        amounts = grants(inside, statement.text, statement.start, vocab) if inside else []
        if not amounts:
            # a statement without an amount states an instrument only when it speaks of a grant
            if candidates and vocab.grant_words.search(statement.text):
                matched = [
                    i
                    for i in recogniser.among(candidates, statement.text)
                    if i.recognises(statement.text, clause.domain)
                ]
                if matched:
                    rows.extend(statement_rows(clause, statement, matched, inside, vocab))
                    previous = _Previous(matched, statement.text, {}, opens_nothing=True)
            continue
        named = recogniser.among(candidates, statement.text)
        if not named and index > 0:
            # cut from its subject by a break (…全省重点实验室,对新认定的给予…): read with the part before
            joined_to = _subject_before(reading, pieces[index - 1], statement, quantities, recogniser, candidates)
            if joined_to is not None:
                statement, named = joined_to
        # what is rewarded is written before its amount: each amount's instruments are those the
        # words up to it state, their conditions and exclusions included (read among those the
        # whole statement names)
        per_amount = (
            [
                [i for i in named if i.recognises(statement.text[: a.end - statement.start], clause.domain)]
                for a in amounts
            ]
            if named
            else [[] for _ in amounts]
        )
        lead = statement.text[: amounts[0].start - statement.start]
        inherited: dict[str, str | None] = {}
        if previous is not None and not per_amount[0] and not recogniser.among(candidates, lead):
            how = _continues(lead, previous, vocab)
            if how is not None:
                # the amounts before any the statement's own words give an instrument are the earlier one's
                for n, found_here in enumerate(per_amount):
                    if found_here:
                        break
                    per_amount[n] = list(previous.instruments)
                if how == SAYS_NOTHING:
                    inherited = previous.variants  # a table row, a cap: the variant written before too
        if named and len(amounts) > 1:
            per_amount = _raised(statement, amounts, per_amount, recogniser)
        every = _distinct(i for found_here in per_amount for i in found_here)
        found_rows = statement_rows(clause, statement, every, inside, vocab, per_amount, amounts, inherited)
        if every:
            variants = {f.row.instrument: f.row.variant for f in found_rows if f.row.instrument is not None}
            previous = _Previous(every, lead, variants)
        rows.extend(found_rows)
    return _with_brackets(rows)


def _raised(
    statement: Statement, amounts: list[QuantityRow], per_amount: list[list[Instrument]], recogniser: Recogniser
) -> list[list[Instrument]]:
    """``per_amount`` with each amount that raises the grant before it for a group (…的10%给予补助,科技小巨人
    企业标准提高至20%,单家不超过200万元) given that grant's instruments: the group's name states no
    instrument of its own there, nor for the amounts after it, unless their own words name it again."""
    text, offset = statement.text, statement.start
    out = list(per_amount)
    dropped: set[str] = set()  # instruments named only as a group whose grant is raised
    previous_end = 0
    for n, amount in enumerate(amounts):
        start = amount.start - offset
        if n > 0 and out[n - 1] and raised_group(text, previous_end, start, recogniser.vocab) is not None:
            before = {i.key for i in out[n - 1]}
            dropped |= {i.key for i in out[n] if i.key not in before}
            out[n] = list(out[n - 1])
        elif dropped:
            segment = text[previous_end:start]
            out[n] = [i for i in out[n] if i.key not in dropped or i.named_at(segment) is not None]
        previous_end = amount.end - offset
    return out


@dataclass(frozen=True)
class _Previous:
    """The last statement of a clause that stated an instrument: what a later one may continue."""

    instruments: list[Instrument]
    lead: str  # its words before its first amount
    variants: dict[str, str | None]  # the variant of its last row of each instrument
    opens_nothing: bool = False  # a statement without an amount: no object a later 对 could repeat

    def head(self, vocab: InstrumentVocabulary) -> str:
        """The noun its object ends in (平台), or "" (read only when a later statement opens with 对)."""
        return "" if self.opens_nothing else _object_head(self.lead, vocab)


def _subject_before(
    reading: str,
    before: Statement,
    statement: Statement,
    quantities: list[QuantityRow],
    recogniser: Recogniser,
    candidates: list[Instrument],
) -> tuple[Statement, list[Instrument]] | None:
    """The statement joined to the part before it, when a break cut it from its subject.

    ``…牵头建设全省重点实验室,对新认定的给予每家最高200万元补助``: the break before 对 leaves the grant
    naming nothing. When the part before lies in the same sentence (a break comma between them),
    grants nothing itself and names an instrument, the two are read as one statement.
    """
    gap = reading[before.end : statement.start]
    if "," not in gap or gap.strip(" ,") or within(quantities, before):
        return None
    joined = Statement(before.start, statement.end, reading[before.start : statement.end])
    named = recogniser.among(candidates, joined.text)
    return (joined, named) if named else None


HEAD = 2  # characters of an object's head noun (平台, 车间)


def _object_head(lead: str, vocab: InstrumentVocabulary) -> str:
    """The noun the lead's object ends in, when it says what kind of thing is rewarded (平台), else ""."""
    span = object_span(lead, vocab)
    core = re.sub(r"\s+", "", lead[span[0] : span[1]])
    head = core[-HEAD:] if len(core) >= HEAD else ""
    return "" if head in vocab.generic_heads or not GRAM_CHARACTERS.match(head or "x") else head


CONTINUATION_GRAMS = 4  # words of this many characters the two leads must share
GRAM_CHARACTERS = re.compile(r"^[\u4e00-\u9fff]+$")


SAYS_NOTHING = "says nothing"  # a lead that names nothing of its own: a table row, a cap
CONTINUES = "continues"


def _continues(lead: str, previous: _Previous, vocab: InstrumentVocabulary) -> str | None:
    """Whether (and how) a statement whose lead names no instrument continues the statement before it
    in the clause that stated one: when

    - its lead says nothing of its own but a tier or a cap (国家地方联合150万元 and 省级 50 万元 in a
      table row; 单个项目最高2000万元 after a rate): SAYS_NOTHING, and the earlier variant holds too;
    - it opens with a word that speaks of part of that award (其中…, 另…), or raises its standard
      (对…云化软件产品(服务),补助标准再提高5个百分点: ``raised_standards``);
    - it names one of the instruments' variants (…;重新认定的每家奖励5万元);
    - or it repeats four characters of that statement's condition (实际投资额在5000万及以上的项目,给予…;
      实际投资额在1000万-5000万的项目,给予…). A statement opening a new beneficiary (对…) does so only
      when its object ends in the same telling noun (对服务…超30家的平台…;对服务…超80家的平台).
    None when it does not.
    """
    instruments, before = previous.instruments, previous.lead
    bare = lead.strip(TRIM_LEAD)
    if _says_nothing(bare, vocab):
        return SAYS_NOTHING
    if bare.startswith(vocab.continuation_openers) or vocab.raised_standards.search(lead):
        return CONTINUES  # 其中…; 对…,补助标准再提高5个百分点: part of that award, or its standard raised
    opens = any(opener in lead for opener in vocab.object_openers)
    if opens:
        head = previous.head(vocab)
        if not head or _object_head(lead, vocab) != head:
            return None
    if not opens and any(variant_in(lead, instrument, vocab) for instrument in instruments):
        return CONTINUES
    mine = {lead[i : i + CONTINUATION_GRAMS] for i in range(len(lead) - CONTINUATION_GRAMS + 1)}
    shared = any(
        GRAM_CHARACTERS.match(gram) and gram in mine
        for gram in (before[i : i + CONTINUATION_GRAMS] for i in range(len(before) - CONTINUATION_GRAMS + 1))
    )
    return CONTINUES if shared else None


TRIM_LEAD = " \t\u3000,、:;|"
QUIET = re.compile(r"[\s的]")


def _says_nothing(lead: str, vocab: InstrumentVocabulary) -> bool:
    """A lead with no words of its own beyond a tier, generic nouns and cap words (国家级; 国家地方联合;
    单个项目最高): a row of a table or list, or a cap, whose thing rewarded was written before it."""
    if not lead:
        return False
    rest = lead
    tiered = False
    if TIER_CHARACTERS.search(rest):
        for _, patterns in vocab.item_level_words:
            for rx in patterns:
                rest, n = rx.subn("", rest)
                tiered = tiered or n > 0
    if tiered and len(QUIET.sub("", rest)) <= BARE_ITEM - 2:
        return True
    for word in (*vocab.lead_fillers, *vocab.generic_heads):
        rest = rest.replace(word, "")
    rest = vocab.grant_words.sub("", rest)
    return len(QUIET.sub("", rest)) <= 1 and rest != lead


def readable(
    text: str,
    own_tiers: tuple[str, ...] = (),
    own_names: tuple[str, ...] = (),
    names_at: Callable[[str, int], bool] | None = None,
) -> str:
    """``text`` as the vocabulary reads it, with every offset kept: in simplified characters when it
    holds traditional ones (and the conversion keeps every offset), and with the district's own tier
    written as the county tier (乐清市级 is read 县级县级: a county-level city calls its own tier 市级,
    which is the district tier of the table, not the municipal one). So is the district's own name
    where ``names_at`` says a thing rewarded follows it (东阳市科技特派员项目 is read  县级科技特派员项目:
    the city's own programme), and nowhere else (落户东阳市, 东阳市财政 name a place and a payer).
    ``text`` itself when nothing changes."""
    out = text
    if TRADITIONAL.search(text):
        simple = simplified(text)
        out = simple if len(simple) == len(text) else text
    for own in own_tiers:
        if own in out:
            out = out.replace(own, _county_tier(len(own)))
    if names_at is not None:
        for name in own_names:
            start = out.find(name)
            while start != -1:
                end = start + len(name)
                if names_at(out, end):
                    out = out[:start] + _county_tier(len(name)) + out[end:]
                start = out.find(name, end)
    return out


COUNTY_TIER = "县级"


def _county_tier(length: int) -> str:
    """The county tier written over ``length`` characters (乐清市级 → 县级县级, 东阳市 → 县级 ), so that the
    tier word covers the place's name too and no word of it is left as a prefix of what is rewarded."""
    return COUNTY_TIER * (length // 2) + " " * (length % 2)


def own_tier_words(gazetteer: Gazetteer) -> dict[str, tuple[str, ...]]:
    """For each county-level city, how its documents write its own tier (乐清市级, in simplified
    characters as the clause is read): its own name and 级."""
    return {key: tuple(name + "级" for name in names) for key, names in own_names(gazetteer).items()}


def own_names(gazetteer: Gazetteer) -> dict[str, tuple[str, ...]]:
    """For each county-level city, its own name (东阳市), which it writes before the programmes it keeps
    (东阳市科技特派员项目) as it writes 东阳市级 before its own lists."""
    return {p.key: (p.zh,) for p in gazetteer.places if p.level == "county_city" and p.zh.endswith("市")}


def comparison_frame(index: ClauseIndex, vocab: InstrumentVocabulary) -> pd.DataFrame:
    """:func:`comparison_table` from tables already indexed."""
    recogniser = Recogniser.of(vocab)
    found = [f for c in index.clauses for f in clause_comparisons(c, index.quantities_of(c.clause_id), recogniser)]
    return comparison_rows(found, index.clauses, vocab)


def comparison_rows(
    found: list[FoundComparison], clauses: list[ClauseRow], vocab: InstrumentVocabulary
) -> pd.DataFrame:
    """The table from every clause's rows (in clause order): redundant mentions dropped, absent rows added."""
    return frame(ComparisonRow, [f.row for f in sorted(stated_and_absent(found, clauses, vocab), key=order(vocab))])


def stated_and_absent(
    found: list[FoundComparison], clauses: list[ClauseRow], vocab: InstrumentVocabulary
) -> list[FoundComparison]:
    """Every clause's rows (in clause order) with redundant mentions dropped, then each document's absent
    rows: what a document gives the table, in the order it found them (see :func:`order`)."""
    stated = _without_redundant_mentions(found)
    return stated + _absent_rows(stated, clauses, vocab)


def order(vocab: InstrumentVocabulary) -> Callable[[FoundComparison], tuple[str, bool, str, int, bool, int, int]]:
    """The table's order, as a sort key of a row: by district, instrument, tier, stated before absent,
    then where it was found (a stable sort keeps ties in the order found)."""
    level_rank = {level: i for i, (level, _) in enumerate(vocab.level_words)}

    def key(f: FoundComparison) -> tuple[str, bool, str, int, bool, int, int]:
        rank = level_rank.get(f.row.level, len(level_rank)) if f.row.level is not None else len(level_rank)
        # rows no instrument recognises come after the district's instruments
        return (
            f.row.district,
            f.row.instrument is None,
            f.row.instrument or "",
            rank,
            not f.row.stated,
            f.seq,
            f.start,
        )

    return key


def unclassified_note(comparisons: pd.DataFrame, vocab: InstrumentVocabulary, shown: int = 5) -> str | None:
    """The build log's line on award rows no instrument recognises: how many, and their most frequent
    objects (tier words and recognition modifiers left out), ready to become patterns of instruments.yaml."""
    rows = comparisons[comparisons["stated"].astype(bool) & comparisons["instrument"].isna()]
    if rows.empty:
        return None
    counts = Counter(object_core(str(o), vocab) for o in rows["object"].tolist())
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:shown]
    listed = ", ".join(f"{core} ({n})" for core, n in top)
    districts = rows["district"].nunique()
    return (
        f"{len(rows):,} award amounts in {districts:,} districts name no instrument (instrument null in "
        f"comparisons.parquet); most frequent objects: {listed}; to compare them, add a pattern to "
        f"instruments.yaml, e.g. patterns: ['{top[0][0]}']"
    )
