"""The tables from the documents' fragments: joined in registry order, and what needs the whole corpus.

Every document's share of a table is a fragment (:mod:`.fragments`); a table is its fragments joined,
in the registry's order, sorted where the table is ordered across documents. What a document's own
rows cannot say is made here, from the joined tables or from a few documents at a time:

- ``documents``: each document's place among its district's editions (from the registry);
- ``budgets``: each document's totals checked against its allocations, and ``budget_summary`` /
  ``budget_domains``, its sums, once per document (a small table, remade every build);
- ``outcomes``: each outcome report's rows, linked to the policy of its district and year;
- ``edition_pairs``, ``clause_changes``, ``amount_changes``: each two consecutive editions of a
  district's policy, paired.

An outcome report's links and a pair of editions are kept in the build's cache like a document, keyed
by the keys of the documents they read (:func:`.cache.derived_key`), so a build remakes only those whose
documents changed. Each is a :class:`Derived`: the fragments, and whether they were made now (and so
still to be checked, then cached).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..compare.budget_summary import budget_summaries
from ..compare.budgets import BudgetCheck, budget_checks
from ..compare.changes import note
from ..compare.changes.table import NOTE_COUNTS
from ..compare.indexed import ClauseIndex
from ..compare.outcomes.table import outcome_frame
from ..editions import Edition, places
from ..model import Document
from ..schema import DocumentRow, frame
from .cache import BuildCache, Entry, derived_key
from .documents import DocumentTables, Rows
from .fragments import concatenated, joined, ordered, part_of

EDITION_TABLES = ("edition_pairs", "clause_changes", "amount_changes")


def documents_table(documents: Sequence[Document]) -> pd.DataFrame:
    place = places(Edition(d.id, d.district, d.kind, d.year, d.status) for d in documents)
    rows = [
        DocumentRow(
            doc_id=d.id,
            file=d.path.name,
            kind=d.kind,
            district=d.district,
            district_zh=d.district_zh,
            city=d.city,
            province=d.province,
            year=d.year,
            status=d.status,
            title=d.title,
            issued=d.issued,
            **asdict(place[d.id]),
        )
        for d in documents
    ]
    return frame(DocumentRow, rows)


def arrow(frame: pd.DataFrame) -> pa.Table:
    """A table made in pandas, as the Arrow table written (one chunk per column)."""
    return pa.Table.from_pandas(frame, preserve_index=False).combine_chunks()


def document_order(documents: Sequence[Document], name: str) -> list[str]:
    """The order in which the documents' fragments of table ``name`` are joined: the registry's, but
    clause_tools by district and document (its rows are by district, document, then clause)."""
    if name == "clause_tools":
        return [d.id for d in sorted(documents, key=lambda d: (d.district, d.id))]
    return [d.id for d in documents]


def joined_documents(
    name: str, documents: Sequence[Document], tables: Mapping[str, DocumentTables], only: set[str] | None = None
) -> pa.Table:
    """Table ``name`` from the fragments of every document (or of those in ``only``)."""
    return ordered(name, concatenated_documents(name, documents, tables, only))


def concatenated_documents(
    name: str, documents: Sequence[Document], tables: Mapping[str, DocumentTables], only: set[str] | None = None
) -> pa.Table:
    """The documents' fragments of table ``name`` one after the other, in the order they are joined."""
    order = document_order(documents, name)
    return concatenated(name, (part_of(tables[d].tables, name) for d in order if only is None or d in only))


@dataclass
class Budgets:
    """The budgets table checked, each document's sums, and the checks the build log reports."""

    budgets: pd.DataFrame
    summary: pd.DataFrame
    domains: pd.DataFrame
    checks: list[BudgetCheck]


def checked_budgets(budgets: pa.Table, documents: Sequence[Document]) -> Budgets:
    """Each total checked against its document's allocations, and each document's sums (per document: two
    editions of a district are never added together)."""
    table, checks = budget_checks(budgets.to_pandas())
    summary, domains = budget_summaries(table, documents)
    return Budgets(table, summary, domains, checks)


@dataclass
class Derived:
    """Fragments made from several documents: an outcome report linked to its policies, or two editions
    paired. ``made``: made in this build (not taken from the cache), so to be checked, then cached."""

    key: str
    tables: Mapping[str, pa.Table]
    made: bool
    warnings: list[tuple[str, str]] = field(default_factory=list)

    def entry(self) -> Entry:
        return Entry(self.tables, {"warnings": self.warnings})


def cached_or_made(
    key: str, cache: BuildCache | None, make: Callable[[], tuple[dict[str, pa.Table], list[tuple[str, str]]]]
) -> Derived:
    """The unit ``key`` from the cache, else made now (``make``: its tables and warnings)."""
    entry = cache.derived(key) if cache is not None else None
    if entry is not None:
        warnings = entry.meta.get("warnings")
        if isinstance(warnings, list):
            return Derived(key, entry.tables, False, [(str(m), str(k)) for m, k in warnings])
    tables, warnings = make()
    return Derived(key, tables, True, warnings)


def outcome_links(
    documents: Sequence[Document],
    document_rows: Sequence[DocumentRow],
    keys: Mapping[str, str],
    rows: Rows,
    cache: BuildCache | None,
) -> list[Derived]:
    """Each outcome report's rows judged and linked to the policies of its district and year (in doc id
    order: the table's order is by report, then row)."""
    policies: dict[tuple[str, int], list[Document]] = {}
    for d in documents:
        if d.kind == "policy":
            policies.setdefault((d.district, d.year), []).append(d)
    out = []
    for report in sorted((d for d in documents if d.kind == "outcome_report"), key=lambda d: d.id):
        linked = policies.get((report.district, report.year), [])

        def make(report: Document = report, linked: list[Document] = linked) -> tuple[dict[str, pa.Table], list]:
            lines = rows.lines(report.id)
            clause_rows = [c for d in linked for c in rows.clauses(d.id)]
            by_clause = {k: v for d in linked for k, v in rows.quantities(d.id).items()}
            index = ClauseIndex.of(clause_rows, by_clause)
            table = outcome_frame(document_rows, lines, rows.quantities(report.id), index)
            return {"outcomes": arrow(table)}, []

        key = derived_key("outcomes", [keys[report.id], *(keys[d.id] for d in linked)])
        out.append(cached_or_made(key, cache, make))
    return out


def joined_derived(name: str, derived: Sequence[Derived]) -> pa.Table:
    return joined(name, (part_of(d.tables, name) for d in derived))


def edition_note(pairs: pa.Table) -> str | None:
    """The build's note on the pairs of editions, from the edition_pairs table."""
    if not pairs.num_rows:
        return None
    totals = {name: int(pc.sum(pairs.column(name)).as_py() or 0) for name in NOTE_COUNTS}
    return note(pairs.num_rows, totals)
