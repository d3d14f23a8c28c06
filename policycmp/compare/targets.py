"""The goals each document sets, named by a shared indicator vocabulary (targets.parquet).

A target is a quantity the quantity stage marked ``target``, or any non-grant quantity whose phrase
names an indicator of the vocabulary (实际利用外资2.36亿美元 has no target verb but is a goal).
The phrase naming a quantity is read back from it within its sentence; see indicators.yaml for
the rules, which live there with the vocabulary they serve.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import pandas as pd

from ..schema import ClauseRow, QuantityRow, TargetRow, frame
from ..vocabulary import Indicator, IndicatorVocabulary, load_indicators
from .indexed import ClauseIndex, index_tables
from .statements import Statement, body_end, sentences, within

# Grants, budgets and eligibility thresholds are not goals, whatever their phrase names.
NOT_GOALS = ("subsidy", "budget", "threshold")
PHRASE_START = re.compile(r"[,:;]")
CONNECTOR = re.compile(r"^[和及与、]?$")
ENUMERATION = re.compile(r"[、和及与]")
COUNTED_END = re.compile(r"[,:;、。()]")


class Quantity(Protocol):
    """What goals are read from: a row of the quantity table or a mention from ``extract_mentions``."""

    @property
    def span(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def value(self) -> float: ...
    @property
    def value_high(self) -> float | None: ...
    @property
    def unit(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def bound(self) -> str: ...


@dataclass(frozen=True)
class Goal:
    """A goal read from one text: what it is, how much, and the sentence it is stated in."""

    indicator: Indicator | None
    name: str | None  # the phrase naming it (indicator_zh)
    variant: str | None
    stretch: bool
    qualifier: str | None
    value: float
    value_high: float | None
    unit: str
    bound: str
    quantity_span: str
    quantity_kind: str
    span: str
    span_start: int
    span_end: int
    start: int  # where the quantity starts, for ordering


@dataclass
class _Reading:
    """What the sentence read so far says about the phrases still to come."""

    subject: str | None = None
    group: tuple[list[str], str] | None = None  # 分别: the items and their shared verb
    group_index: int = 0
    last: tuple[Indicator, str | None, str | None, str] | None = None  # indicator, variant, name, unit
    indicators: set[str] = field(default_factory=set)


def _subject(lead: str, heads: tuple[str, ...]) -> str | None:
    """The subject a later elliptical phrase may borrow: 规上工业 from 力争规上工业产值增长."""
    positions = [lead.find(h) for h in heads if h in lead]
    if not positions:
        return lead or None
    first = min(positions)
    return lead[:first] or None


def _phrase(lead: str, reading: _Reading, vocab: IndicatorVocabulary) -> str:
    if "分别" in lead:
        items_text, verb = lead.split("分别", 1)
        items = [x for x in ENUMERATION.split(items_text) if x]
        if items:
            reading.group, reading.group_index = (items, verb), 0
            return items[0] + verb
    if reading.group and CONNECTOR.match(lead) and reading.group_index + 1 < len(reading.group[0]):
        reading.group_index += 1
        items, verb = reading.group
        return items[reading.group_index] + verb
    reading.group = None
    phrase = lead
    if reading.subject and lead.startswith(vocab.ellipsis_heads):
        phrase = reading.subject + lead
    subject = _subject(lead, vocab.ellipsis_heads)
    if subject and vocab.trim(subject):
        reading.subject = subject
    return phrase


def text_targets(
    text: str,
    mentions: Sequence[Quantity],
    vocab: IndicatorVocabulary,
    end: int | None = None,
    found: Sequence[Statement] | None = None,
) -> list[Goal]:
    """The goals stated in one text (a clause or a report line), from its quantity mentions.

    ``mentions`` are quantity rows or mentions (start, end, span, value, value_high, unit, kind,
    bound) with offsets into ``text``; ``found``, when given, is ``sentences(text, end)`` already cut.
    """
    goals: list[Goal] = []
    if not mentions:
        return goals
    mentions = sorted(mentions, key=lambda q: (q.start, q.end))
    for sentence in sentences(text, end) if found is None else found:
        reading = _Reading()
        previous_end = sentence.start
        for q in within(mentions, sentence):
            raw = text[previous_end : q.start]
            previous_end = max(previous_end, q.end)
            starts = [m.end() for m in PHRASE_START.finditer(raw)]
            lead = raw[starts[-1] if starts else 0 :].strip(" 、")
            phrase = _phrase(lead, reading, vocab)
            goal = _goal(q, lead, phrase, reading, vocab)
            if goal is None:
                continue
            name = goal["name"]
            if goal["indicator"] is None and goal["unit"] == "count":
                name = _counted(text, q, mentions, sentence.end) or name
            goals.append(
                Goal(
                    indicator=goal["indicator"],
                    name=name,
                    variant=goal["variant"],
                    stretch=goal["stretch"],
                    qualifier=goal["qualifier"],
                    value=float(q.value),
                    value_high=_present(q.value_high),
                    unit=goal["unit"],
                    bound=q.bound,
                    quantity_span=q.span,
                    quantity_kind=q.kind,
                    span=sentence.text,
                    span_start=sentence.start,
                    span_end=sentence.end,
                    start=q.start,
                )
            )
    return goals


def _present(value: float | None) -> float | None:
    """A range's upper end, None when there is none (None from a mention, NaN from a table row)."""
    return None if value is None or math.isnan(value) else float(value)


def _counted(text: str, q: Quantity, mentions: Sequence[Quantity], limit: int) -> str | None:
    """The noun a count is of, written after it: 聚焦10个|省“千项万亿”工程镇海重大项目."""
    start = q.end
    stop = next((m.start() for m in COUNTED_END.finditer(text, start, limit)), limit)
    # mentions are sorted by start: the first starting after the count is the nearest one
    after = bisect_right(mentions, start, key=lambda m: m.start)
    if after < len(mentions) and mentions[after].start < stop:
        stop = mentions[after].start
    return text[start:stop].strip() or None


def _goal(q: Quantity, lead: str, phrase: str, reading: _Reading, vocab: IndicatorVocabulary) -> dict[str, Any] | None:
    if q.kind in NOT_GOALS:
        return None  # decided by the kind alone: what follows reads the phrase, and changes nothing first
    unit = q.unit
    indicator, variant = vocab.find(phrase, unit)
    cue = vocab.cue(lead) or vocab.cue(phrase)
    stretch = False
    name = vocab.trim(phrase) or lead or None
    last = reading.last
    if indicator is None and last is not None and cue and not vocab.trim(lead) and last[3] == unit:
        # 完成450亿元,全力冲刺全年480亿元: the second figure raises the first goal
        indicator, variant, name = last[0], last[1], last[2]
        stretch = True
    elif indicator is not None and cue and indicator.key in reading.indicators:
        stretch = True
    if indicator is None and q.kind != "target":
        return None
    if indicator is not None:
        reading.last = (indicator, variant, name, unit)
        reading.indicators.add(indicator.key)
    return {
        "indicator": indicator,
        "name": name,
        "variant": variant,
        "stretch": stretch,
        "qualifier": cue,
        "unit": unit,
    }


@dataclass(frozen=True)
class Source:
    """Where goals were read: the columns a target row takes from its clause (or report line)."""

    district: str
    year: int
    clause_id: str
    doc_id: str
    kind_of_source: str
    city: str
    domain: str | None
    seq: int


@dataclass(frozen=True)
class FoundTarget:
    row: TargetRow
    seq: int
    start: int


def target_row(goal: Goal, source: Source) -> FoundTarget:
    indicator = goal.indicator
    row = TargetRow(
        district=source.district,
        year=source.year,
        indicator=indicator.key if indicator else None,
        indicator_zh=goal.name,
        value=goal.value,
        value_high=goal.value_high,
        unit=goal.unit,
        bound=goal.bound,
        clause_id=source.clause_id,
        span=goal.span,
        stretch=goal.stretch,
        qualifier=goal.qualifier,
        variant=goal.variant,
        indicator_en=indicator.en if indicator else None,
        doc_id=source.doc_id,
        kind_of_source=source.kind_of_source,
        city=source.city,
        domain=source.domain,
        quantity_span=goal.quantity_span,
        quantity_kind=goal.quantity_kind,
        span_start=goal.span_start,
        span_end=goal.span_end,
    )
    return FoundTarget(row, source.seq, goal.start)


def policy_targets(
    clauses: pd.DataFrame, quantities: pd.DataFrame, vocab: IndicatorVocabulary | None = None
) -> pd.DataFrame:
    """The goals of every policy clause row (preambles, clauses and closing)."""
    return target_frame(policy_target_rows(clauses, quantities, vocab or load_indicators()))


def policy_target_rows(
    clauses: pd.DataFrame, quantities: pd.DataFrame, vocab: IndicatorVocabulary
) -> list[FoundTarget]:
    return indexed_target_rows(index_tables(clauses, quantities), vocab)


def indexed_target_rows(index: ClauseIndex, vocab: IndicatorVocabulary) -> list[FoundTarget]:
    """:func:`policy_target_rows` from tables already indexed."""
    return [f for c in index.clauses for f in clause_targets(c, index.quantities_of(c.clause_id), vocab)]


def clause_targets(
    clause: ClauseRow, mentions: list[QuantityRow], vocab: IndicatorVocabulary, found: list[Statement] | None = None
) -> list[FoundTarget]:
    """The goals one policy clause row sets (``found``: its sentences up to :func:`.body_end`, if known)."""
    if not mentions:
        return []
    source = Source(
        district=clause.district,
        year=clause.year,
        clause_id=clause.clause_id,
        doc_id=clause.doc_id,
        kind_of_source="policy",
        city=clause.city,
        domain=clause.domain,
        seq=clause.seq,
    )
    body = body_end(clause.text, clause.responsible_units)
    return [target_row(goal, source) for goal in text_targets(clause.text, mentions, vocab, body, found)]


def target_frame(found: list[FoundTarget]) -> pd.DataFrame:
    """Rows in the table's column order and dtypes, by district, indicator, then source order."""
    return frame(TargetRow, [f.row for f in sorted(found, key=order)])


def order(f: FoundTarget) -> tuple[str, bool, str, str, int, int]:
    """The table's order, as a sort key of a row: by district, indicator (named ones first), document, then
    where it was found."""
    return (f.row.district, f.row.indicator is None, f.row.indicator or "", f.row.doc_id, f.seq, f.start)
