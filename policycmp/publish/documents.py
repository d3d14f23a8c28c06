"""One document through every per-document step of the build: the unit that is cached and read in parallel.

A document's rows depend only on its own bytes, its registry entry, and the code and vocabularies of
the stages: reading (its format's reader, canonical text), ingest (clause rows and anomalies of a
policy; the pieces of an outcome or work report), extract (the quantities of those rows) and the
comparison stage's readings of each clause (instrument statements, budgets, targets, policy tools).
What needs the whole corpus (absent instrument rows, budget checks, outcomes linked to policies) is
made afterwards from these readings, so a document read today, read from the cache, or read in a
worker process gives the same bytes in every table.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..compare.findings import Findings, Readers, clause_findings
from ..compare.indexed import group_by_clause
from ..extract.grammar import Grammar, grammar
from ..extract.mentions import extract_many
from ..extract.table import ClauseInput, quantity_rows
from ..ingest.clauses import document_clause_records
from ..ingest.report_lines import report_lines
from ..model import Document
from ..schema import AnomalyRow, ClauseRow, QuantityRow, ReportLineRow
from ..vocabulary import (
    DomainKeywords,
    DomainVocabulary,
    IndicatorVocabulary,
    Layout,
    OutcomeRules,
    load_budget_vocabulary,
    load_domain_keywords,
    load_domains,
    load_indicators,
    load_instruments,
    load_layout,
    load_outcome_rules,
    load_policy_tools,
)

# The columns of a report whose pieces state figures (a name, a unit or a verdict states none).
FIGURE_COLUMNS = frozenset({"task", "completion", "target", "actual", "growth", "prose", "goal"})


@dataclass
class DocumentReading:
    """Everything the build takes from one document before it looks at the others."""

    doc_id: str
    text: str  # the extracted, canonical text
    clauses: list[ClauseRow] = field(default_factory=list)
    anomalies: list[AnomalyRow] = field(default_factory=list)
    lines: list[ReportLineRow] = field(default_factory=list)
    quantities: list[QuantityRow] = field(default_factory=list)
    found: Findings = field(default_factory=Findings)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (message, kind), besides the anomalies


@dataclass(frozen=True)
class Stages:
    """The vocabularies every per-document step reads, loaded and checked once per build (before any
    worker is forked, so workers inherit them)."""

    domains: DomainVocabulary
    keywords: DomainKeywords
    layout: Layout
    grammar: Grammar
    readers: Readers
    outcome_rules: OutcomeRules
    indicators: IndicatorVocabulary

    @classmethod
    def load(cls) -> Stages:
        indicators = load_indicators()
        return cls(
            domains=load_domains(),
            keywords=load_domain_keywords(),
            layout=load_layout(),
            grammar=grammar(),
            readers=Readers.of(load_instruments(), load_budget_vocabulary(), indicators, load_policy_tools()),
            outcome_rules=load_outcome_rules(),
            indicators=indicators,
        )


def read_document(doc: Document, text: str, stages: Stages, *, strict: bool = False) -> DocumentReading:
    """``doc`` (its canonical ``text``, as its format's reader gave it) ingested, extracted and read for the
    comparisons."""
    reading = DocumentReading(doc.id, text)
    if doc.kind == "policy":
        reading.clauses, reading.anomalies = document_clause_records(
            doc, text, domains=stages.domains, keywords=stages.keywords, layout=stages.layout, strict=strict
        )
        reading.quantities = quantity_rows(
            reading.clauses, extract_many([c.text for c in reading.clauses], stages.grammar)
        )
        reading.found = clause_findings(reading.clauses, group_by_clause(reading.quantities), stages.readers)
        return reading
    found = report_lines(doc, text, stages.outcome_rules, stages.indicators)
    reading.lines = found.lines
    reading.warnings = [(warning, "city_targets") for warning in found.warnings]
    pieces = [
        ClauseInput(line.line_id, line.doc_id, line.district, None, line.year, line.text)
        for line in found.lines
        if line.column in FIGURE_COLUMNS
    ]
    reading.quantities = quantity_rows(pieces, extract_many([p.text for p in pieces], stages.grammar))
    return reading
