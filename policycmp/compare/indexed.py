"""The clause and quantity tables as typed records, grouped once for the comparison stages.

Every comparison stage reads the corpus clause by clause and statement by statement. Selecting a
statement's quantities from the whole quantity table with a boolean mask costs a pass over the table
per statement (27,000 of them for 100 documents); here each table is converted once, each clause's
quantities are sorted by position, and a statement's quantities are found by bisection
(:func:`.statements.within`).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import pandas as pd

from ..schema import ClauseRow, QuantityRow, records


@dataclass(frozen=True)
class ClauseIndex:
    """Clause rows in table order, each clause's quantities in text order, and each document's clauses."""

    clauses: list[ClauseRow]
    quantities: dict[str, list[QuantityRow]]  # by clause_id, sorted by (start, end)
    by_doc: dict[str, list[ClauseRow]]  # by doc_id, in table order

    def quantities_of(self, clause_id: str) -> list[QuantityRow]:
        return self.quantities.get(clause_id, [])

    @classmethod
    def of(cls, clauses: list[ClauseRow], quantities: dict[str, list[QuantityRow]]) -> ClauseIndex:
        """The index of ``clauses`` whose quantities are already grouped (see :func:`group_by_clause`)."""
        by_doc: dict[str, list[ClauseRow]] = {}
        for row in clauses:
            by_doc.setdefault(row.doc_id, []).append(row)
        return cls(clauses, quantities, by_doc)


def quantity_records(quantities: pd.DataFrame) -> list[QuantityRow]:
    """The quantity table's rows as typed records, values as the stages read them from pandas rows.

    Floats keep NaN (an unreadable value stays NaN, as ``float(row["value"])`` saw it); missing
    strings become None.
    """
    names = [f.name for f in fields(QuantityRow)]
    columns = []
    for name in names:
        series = quantities[name]
        if series.dtype == "float64":
            columns.append(series.tolist())
        else:
            columns.append(series.astype(object).where(series.notna(), None).tolist())
    return [QuantityRow(*row) for row in zip(*columns, strict=True)]


def quantities_by_clause(quantities: pd.DataFrame) -> dict[str, list[QuantityRow]]:
    """The quantity rows of each clause, in text order (by start, then end; ties keep table order)."""
    return group_by_clause(quantity_records(quantities))


def group_by_clause(quantities: list[QuantityRow]) -> dict[str, list[QuantityRow]]:
    """:func:`quantities_by_clause` of rows already read."""
    grouped: dict[str, list[QuantityRow]] = {}
    for row in quantities:
        grouped.setdefault(row.clause_id, []).append(row)
    for rows in grouped.values():
        rows.sort(key=lambda q: (q.start, q.end))
    return grouped


def index_tables(clauses: pd.DataFrame, quantities: pd.DataFrame) -> ClauseIndex:
    """Both tables converted and grouped once; every comparison stage reads this."""
    return index_records(records(ClauseRow, clauses), quantity_records(quantities))


def index_records(clauses: list[ClauseRow], quantities: list[QuantityRow]) -> ClauseIndex:
    """:func:`index_tables` from the rows the tables were made of (a build keeps them between stages).

    A row's missing ``value_high`` is None here where the table's is NaN; the comparison stages read
    both as "no upper end".
    """
    return ClauseIndex.of(clauses, group_by_clause(quantities))
