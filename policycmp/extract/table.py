"""The quantities table: every quantity of every clause row, in clause order then position."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from ..errors import PolicyInputError
from ..model import QuantityMention
from ..schema import ClauseRow, QuantityRow, frame
from .grammar import grammar
from .mentions import extract_many, is_normalised_unit

CLAUSE_INPUT_COLUMNS = ("clause_id", "doc_id", "district", "domain", "year", "text")


@dataclass(frozen=True, slots=True)
class ClauseInput:
    """What the quantities table takes from a clause row."""

    clause_id: str
    doc_id: str
    district: str
    domain: str | None
    year: int
    text: str


def clause_inputs(clauses: pd.DataFrame) -> list[ClauseInput]:
    """The clause rows as the quantities table reads them; a missing column is an error."""
    missing = [c for c in CLAUSE_INPUT_COLUMNS if c not in clauses.columns]
    if missing:
        raise PolicyInputError(None, f"clause table lacks column(s) {', '.join(missing)}")
    return [
        ClauseInput(
            clause_id=str(rec["clause_id"]),
            doc_id=str(rec["doc_id"]),
            district=str(rec["district"]),
            domain=rec["domain"] if isinstance(rec["domain"], str) else None,
            year=int(rec["year"]),
            text=rec["text"] if isinstance(rec["text"], str) else "",
        )
        for rec in clauses.loc[:, list(CLAUSE_INPUT_COLUMNS)].to_dict("records")
    ]


def quantities_table(clauses: pd.DataFrame) -> pd.DataFrame:
    """One row per quantity of every clause row, in clause order then start."""
    inputs = clause_inputs(clauses)
    g = grammar()
    return quantity_frame(inputs, extract_many([clause.text for clause in inputs], g))


def quantity_frame(inputs: Sequence[ClauseInput | ClauseRow], mentions: list[list[QuantityMention]]) -> pd.DataFrame:
    """The table from each clause's mentions (``mentions[i]`` of ``inputs[i]``)."""
    return frame(QuantityRow, quantity_rows(inputs, mentions))


def quantity_rows(
    inputs: Sequence[ClauseInput | ClauseRow], mentions: list[list[QuantityMention]]
) -> list[QuantityRow]:
    """The rows of :func:`quantity_frame`."""
    return [
        QuantityRow(
            clause_id=clause.clause_id,
            doc_id=clause.doc_id,
            district=clause.district,
            domain=clause.domain,
            year=clause.year,
            span=m.span,
            start=m.start,
            end=m.end,
            value=m.value,
            value_high=m.value_high,
            unit=m.unit,
            kind=m.kind,
            bound=m.bound,
            level=m.level,
        )
        for clause, found in zip(inputs, mentions, strict=True)
        for m in found
    ]


def unnormalised_count(quantities: pd.DataFrame) -> int:
    """Rows kept with the unit as written because it could not be normalised (or value unreadable)."""
    if quantities.empty:
        return 0
    g = grammar()
    bad = ~quantities["unit"].fillna("").map(lambda unit: is_normalised_unit(unit, g)).astype(bool)
    return int(bad.sum())
