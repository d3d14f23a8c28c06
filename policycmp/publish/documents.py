"""One document through every per-document step of the build: the unit that is cached and read in parallel.

A document's rows depend only on its own bytes, its registry entry, and the code and vocabularies of
the stages: reading (its format's reader, canonical text), ingest (clause rows and anomalies of a
policy; the pieces of an outcome or work report), extract (the quantities of those rows) and the
comparison stage's readings of each clause (instrument statements, budgets, targets, policy tools,
a work report's goals). :func:`document_tables` turns them into the document's share of each table
(:mod:`.fragments`: Arrow columns, with the order key of a table ordered across documents), which the
cache keeps and the build concatenates. What needs the whole corpus (budget checks, outcomes linked to
policies, edition pairs) is made afterwards, so a document read today, read from the cache, or read in
a worker process gives the same bytes in every table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pyarrow as pa

from ..compare import budgets as budget_order
from ..compare import targets as target_order
from ..compare.city_targets import city_target_rows
from ..compare.findings import Findings, Readers, clause_findings
from ..compare.indexed import group_by_clause
from ..compare.instruments import order as comparison_order
from ..compare.instruments import stated_and_absent
from ..extract.grammar import Grammar, grammar
from ..extract.mentions import extract_many, is_normalised_unit
from ..extract.table import ClauseInput, quantity_rows
from ..ingest.clauses import document_clause_records
from ..ingest.report_lines import report_lines
from ..model import Document
from ..schema import AnomalyRow, ClauseRow, ComparisonRow, QuantityRow, ReportLineRow, TargetRow
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
from .fragments import fragment, rows_of

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


# The tables a document has a share of, in the order the build publishes them; the others are made
# from the whole corpus (documents, budget checks and summaries, outcomes, edition pairs).
DOCUMENT_TABLES = (
    "clauses",
    "anomalies",
    "report_lines",
    "quantities",
    "comparisons",
    "budgets",
    "targets",
    "clause_tools",
)


@dataclass
class DocumentTables:
    """A document's share of each table (:data:`DOCUMENT_TABLES`, Arrow; comparisons, budgets and targets
    with their order keys), and what the build log says about it."""

    doc_id: str
    tables: Mapping[str, pa.Table]
    anomalies: list[tuple[str, str]] = field(default_factory=list)  # (warning, kind) of each numbering anomaly
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (message, kind), besides the anomalies
    unnormalised: int = 0  # quantities whose unit could not be normalised
    rows: dict[str, int] = field(default_factory=dict)  # each table's rows (counted without reading the table)
    facts: Facts = field(default_factory=lambda: Facts())  # what the log counts in its tables
    text: str | None = None  # the extracted, canonical text (the cache keeps it; a build does not need it)


@dataclass
class Facts:
    """What the build log counts in a document's comparison and target rows, so that a build need not read
    those tables again to write its log."""

    named: int = 0  # comparison rows stated under an instrument
    unnamed: int = 0  # award rows of no instrument
    absent: int = 0  # absent rows
    instruments: list[str] = field(default_factory=list)  # the instruments of its rows, each once
    unclassified: list[str] = field(default_factory=list)  # the object of each award row of no instrument
    city_targets: int = 0  # targets from a city work report
    named_targets: int = 0  # targets named by an indicator

    @classmethod
    def of(cls, comparisons: Sequence[ComparisonRow], targets: Sequence[TargetRow]) -> Facts:
        return cls(
            named=sum(1 for r in comparisons if r.stated and r.instrument is not None),
            unnamed=sum(1 for r in comparisons if r.stated and r.instrument is None),
            absent=sum(1 for r in comparisons if not r.stated),
            instruments=sorted({r.instrument for r in comparisons if r.instrument is not None}),
            unclassified=[str(r.object) for r in comparisons if r.stated and r.instrument is None],
            city_targets=sum(1 for r in targets if r.kind_of_source == "city_work_report"),
            named_targets=sum(1 for r in targets if r.indicator is not None),
        )


def document_tables(reading: DocumentReading, stages: Stages) -> DocumentTables:
    """``reading`` as its document's share of each table."""
    vocab = stages.readers.recogniser.vocab
    found = reading.found
    comparisons = sorted(stated_and_absent(found.comparisons, reading.clauses, vocab), key=comparison_order(vocab))
    comparison_key = comparison_order(vocab)
    budgets = sorted(found.budgets, key=budget_order.order())
    budget_key = budget_order.order()
    targets = found.targets
    if reading.lines:  # a city work report's goals
        targets = targets + city_target_rows(reading.lines, group_by_clause(reading.quantities), stages.indicators)
    targets = sorted(targets, key=target_order.order)
    tables = {
        "clauses": fragment("clauses", reading.clauses),
        "anomalies": fragment("anomalies", reading.anomalies),
        "report_lines": fragment("report_lines", reading.lines),
        "quantities": fragment("quantities", reading.quantities),
        "comparisons": fragment("comparisons", [f.row for f in comparisons], [comparison_key(f) for f in comparisons]),
        "budgets": fragment("budgets", [f.row for f in budgets], [budget_key(f) for f in budgets]),
        "targets": fragment("targets", [f.row for f in targets], [target_order.order(f) for f in targets]),
        # one document's rows in clause order; documents are ordered by district and id (see build)
        "clause_tools": fragment("clause_tools", [row for rows in found.tools for row in rows]),
    }
    normalised: dict[str, bool] = {}
    for q in reading.quantities:
        if q.unit not in normalised:
            normalised[q.unit] = is_normalised_unit(q.unit or "", stages.grammar)
    return DocumentTables(
        reading.doc_id,
        tables,
        anomalies=[(f"{a.file}:{a.line}: {a.message}", a.kind) for a in reading.anomalies],
        warnings=list(reading.warnings),
        unnormalised=sum(1 for q in reading.quantities if not normalised[q.unit]),
        rows={name: table.num_rows for name, table in tables.items()},
        facts=Facts.of([f.row for f in comparisons], [f.row for f in targets]),
        text=reading.text,
    )


class Rows:
    """The documents' rows as records, made from their fragments once per build, for the steps that read
    rows (pairing editions, linking outcomes)."""

    def __init__(self, tables: Mapping[str, DocumentTables]):
        self._tables = tables
        self._clauses: dict[str, list[ClauseRow]] = {}
        self._quantities: dict[str, dict[str, list[QuantityRow]]] = {}

    def clauses(self, doc_id: str) -> list[ClauseRow]:
        if doc_id not in self._clauses:
            self._clauses[doc_id] = rows_of(ClauseRow, self._tables[doc_id].tables["clauses"])
        return self._clauses[doc_id]

    def quantities(self, doc_id: str) -> dict[str, list[QuantityRow]]:
        """The document's quantities by clause (or report piece), each clause's in text order."""
        if doc_id not in self._quantities:
            self._quantities[doc_id] = group_by_clause(rows_of(QuantityRow, self._tables[doc_id].tables["quantities"]))
        return self._quantities[doc_id]

    def lines(self, doc_id: str) -> list[ReportLineRow]:
        return rows_of(ReportLineRow, self._tables[doc_id].tables["report_lines"])

    def forget(self, doc_id: str) -> None:
        """Let go of a document's records (a step that has read them for the last time)."""
        self._clauses.pop(doc_id, None)
        self._quantities.pop(doc_id, None)
