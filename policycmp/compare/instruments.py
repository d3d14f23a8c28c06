"""Who pays how much for the same thing: policy instruments across districts (comparisons.parquet).

A statement of a clause (see :mod:`.statements`) that the instrument vocabulary recognises gives
one row per amount it grants, or one row without an amount when it grants one without saying how
much. Districts that never state an instrument get an explicit absent row, so "not in the document"
is a row a reader can see rather than a gap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from ..schema import ClauseRow, ComparisonRow, QuantityRow, frame
from ..vocabulary import Instrument, InstrumentVocabulary, load_instruments
from ..vocabulary.checks import joined
from .indexed import ClauseIndex, index_tables
from .statements import Statement, body_end, statements, within

# Money and shares are what one district's grant can be set beside another's; counts, areas and
# thresholds are not amounts granted.
GRANT_UNIT = re.compile(r"^(?:CNY|USD|%)(?:/.+)?$")
# Instruments tried as a group before one by one: a statement states one or two of the 41, so about
# six group searches and one group's members replace 41 searches.
GROUP = 7


@dataclass(frozen=True)
class FoundComparison:
    """A comparison row with where it was found, for ordering and de-duplication."""

    row: ComparisonRow
    seq: int
    start: int


def tier_levels(text: str, vocab: InstrumentVocabulary, allowed: tuple[str, ...]) -> list[str]:
    """The award tiers named in ``text``, in the order written, limited to ``allowed``."""
    found: list[tuple[int, str]] = []
    for level, patterns in vocab.level_words:
        if level not in allowed:
            continue
        positions = [m.start() for rx in patterns for m in rx.finditer(text)]
        if positions:
            found.append((min(positions), level))
    return [level for _, level in sorted(found)]


def _role(unit: str, bound: str, has_share: bool) -> str:
    if unit == "%":
        return "share"
    if "/" in unit:
        return "rate"
    if has_share and bound == "max":
        return "cap"
    return "amount"


def _amount_levels(
    amounts: list[QuantityRow], statement: Statement, instrument: Instrument, vocab: InstrumentVocabulary
) -> list[str | None]:
    """Each amount's tier: the quantity's own, or the tiers written before the amounts, one each."""
    given = [q.level for q in amounts]
    if any(given):
        return given
    first = min(q.start for q in amounts) - statement.start
    written = tier_levels(statement.text[:first], vocab, instrument.levels)
    if len(written) == len(amounts) and len(amounts) > 0:
        return list(written)
    return [None] * len(amounts)


def statement_rows(
    clause: ClauseRow,
    statement: Statement,
    instrument: Instrument,
    quantities: list[QuantityRow],
    vocab: InstrumentVocabulary,
) -> list[FoundComparison]:
    """The rows one statement gives for one instrument it states."""

    def row(level: str | None, amount: QuantityRow | None, role: str) -> ComparisonRow:
        return ComparisonRow(
            instrument=instrument.key,
            level=level,
            district=clause.district,
            year=clause.year,
            value=None if amount is None else amount.value,
            value_high=None if amount is None else amount.value_high,
            unit=None if amount is None else amount.unit,
            bound=None if amount is None else amount.bound,
            stated=True,
            clause_id=clause.clause_id,
            span=statement.text,
            doc_id=clause.doc_id,
            instrument_zh=instrument.zh,
            instrument_en=instrument.en,
            domain=instrument.domain,
            clause_domain=clause.domain,
            clause_title=clause.title,
            role=role,
            quantity_span=None if amount is None else amount.span,
            span_start=statement.start,
            span_end=statement.end,
        )

    amounts = _grants(quantities)
    if not amounts:
        levels: list[str | None] = [*tier_levels(statement.text, vocab, instrument.levels)] or [None]
        return [FoundComparison(row(level, None, "none"), clause.seq, statement.start) for level in levels]
    has_share = any(q.unit == "%" for q in amounts)
    found = []
    for level, amount in zip(_amount_levels(amounts, statement, instrument, vocab), amounts, strict=True):
        role = _role(amount.unit, amount.bound, has_share)
        found.append(FoundComparison(row(level, amount, role), clause.seq, amount.start))
    return found


def _share_out(
    statement: Statement, matched: list[Instrument], quantities: list[QuantityRow]
) -> list[tuple[Instrument, list[QuantityRow]]]:
    """Which amounts belong to which instrument when one statement states several.

    对认定为浙江省科技领军企业和浙江省科技小巨人企业的,分别给予50万元和20万元奖励: with 分别 and as many
    grants as instruments, the n-th instrument named gets the n-th amount. Otherwise every
    instrument of the statement shares all its amounts (they are written for all of them).
    """
    grants = _grants(quantities)
    if len(matched) < 2 or "分别" not in statement.text or len(grants) != len(matched):
        return [(instrument, quantities) for instrument in matched]
    named = sorted(matched, key=lambda i: min(m.start() for rx in i.patterns for m in rx.finditer(statement.text)))
    return [(instrument, [grants[n]]) for n, instrument in enumerate(named)]


def _grants(quantities: list[QuantityRow]) -> list[QuantityRow]:
    return [q for q in quantities if q.kind == "subsidy" and GRANT_UNIT.match(q.unit)]


def _without_redundant_mentions(found: list[FoundComparison]) -> list[FoundComparison]:
    """Drop amount-less mentions that a fuller row of the same district and instrument already covers.

    A district's text often names a measure twice (加大出口信用保险支持力度, then the rate); the
    mention without an amount adds nothing once an amount for the same tier is known, and a mention
    without tier adds nothing once any row of that instrument exists. Of the remaining amount-less
    mentions, one per district × instrument × tier is kept: the first statement that says it.
    """
    amount_keys = {(f.row.district, f.row.instrument, f.row.level or "") for f in found if f.row.role != "none"}
    leveled = {(f.row.district, f.row.instrument) for f in found if f.row.role != "none" or (f.row.level or "") != ""}
    amounts = [f for f in found if f.row.role != "none"]
    mentions = [
        f
        for f in found
        if f.row.role == "none"
        and (f.row.district, f.row.instrument, f.row.level or "") not in amount_keys
        and ((f.row.level or "") != "" or (f.row.district, f.row.instrument) not in leveled)
    ]
    first: dict[tuple[str, str, str], FoundComparison] = {}
    for f in sorted(mentions, key=lambda f: (f.seq, f.start)):
        first.setdefault((f.row.district, f.row.instrument, f.row.level or ""), f)
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
    """One row per district × instrument × tier (× amount) that a policy states, plus absent rows."""
    return comparison_frame(index_tables(clauses, quantities), vocab or load_instruments())


@dataclass(frozen=True)
class Recogniser:
    """The instrument vocabulary made ready for many statements.

    Most statements state no instrument: one alternation of every instrument's patterns passes them
    over with one search; then one alternation per group of instruments, and one per instrument,
    rule out the others before an instrument's requires and excludes are read (see
    :func:`~policycmp.vocabulary.checks.joined`).
    """

    vocab: InstrumentVocabulary
    any_pattern: re.Pattern[str] | None
    # the instruments in runs of GROUP, each run with one alternation of its instruments' patterns
    groups: tuple[tuple[re.Pattern[str] | None, tuple[tuple[Instrument, re.Pattern[str] | None], ...]], ...]

    @classmethod
    def of(cls, vocab: InstrumentVocabulary) -> Recogniser:
        every = joined(tuple(rx for instrument in vocab.instruments for rx in instrument.patterns))
        instruments = vocab.instruments
        groups = tuple(
            (
                joined(tuple(rx for instrument in run for rx in instrument.patterns)),
                tuple((instrument, joined(instrument.patterns)) for instrument in run),
            )
            for run in (instruments[i : i + GROUP] for i in range(0, len(instruments), GROUP))
        )
        return cls(vocab, every, groups)

    def recognised(self, text: str, domain: str | None) -> list[Instrument]:
        """The instruments ``text`` states, in vocabulary order (as ``Instrument.recognises`` reads them)."""
        if self.any_pattern is not None and not self.any_pattern.search(text):
            return []
        return [
            instrument
            for group, members in self.groups
            if group is None or group.search(text)
            for instrument, rx in members
            if (rx is None or rx.search(text)) and instrument.recognises(text, domain)
        ]


def clause_comparisons(
    clause: ClauseRow, quantities: list[QuantityRow], recogniser: Recogniser, found: list[Statement] | None = None
) -> list[FoundComparison]:
    """The comparison rows one clause states (``found``: its sentences up to :func:`.body_end`, if known)."""
    vocab = recogniser.vocab
    text = clause.text
    rows: list[FoundComparison] = []
    for statement in statements(text, vocab.statement_breaks, body_end(text, clause.responsible_units), found):
        matched = recogniser.recognised(statement.text, clause.domain)
        if not matched:
            continue
        inside = within(quantities, statement)
        for instrument, amounts in _share_out(statement, matched, inside):
            rows.extend(statement_rows(clause, statement, instrument, amounts, vocab))
    return rows


def comparison_frame(index: ClauseIndex, vocab: InstrumentVocabulary) -> pd.DataFrame:
    """:func:`comparison_table` from tables already indexed."""
    recogniser = Recogniser.of(vocab)
    found = [f for c in index.clauses for f in clause_comparisons(c, index.quantities_of(c.clause_id), recogniser)]
    return comparison_rows(found, index.clauses, vocab)


def comparison_rows(
    found: list[FoundComparison], clauses: list[ClauseRow], vocab: InstrumentVocabulary
) -> pd.DataFrame:
    """The table from every clause's rows (in clause order): redundant mentions dropped, absent rows added."""
    stated = _without_redundant_mentions(found)
    return _ordered(stated + _absent_rows(stated, clauses, vocab), vocab)


def _ordered(found: list[FoundComparison], vocab: InstrumentVocabulary) -> pd.DataFrame:
    level_rank = {level: i for i, (level, _) in enumerate(vocab.level_words)}

    def key(f: FoundComparison) -> tuple[str, str, int, bool, int, int]:
        rank = level_rank.get(f.row.level, len(level_rank)) if f.row.level is not None else len(level_rank)
        return (f.row.district, f.row.instrument, rank, not f.row.stated, f.seq, f.start)

    return frame(ComparisonRow, [f.row for f in sorted(found, key=key)])
