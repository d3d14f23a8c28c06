"""The quantities table: every quantity of every clause row, in clause order then position."""

from __future__ import annotations

import pandas as pd

from ..errors import PolicyInputError
from ..schema import QuantityRow, frame
from .grammar import grammar
from .mentions import extract_mentions, is_normalised_unit

CLAUSE_INPUT_COLUMNS = ("clause_id", "doc_id", "district", "domain", "year", "text")


def quantities_table(clauses: pd.DataFrame) -> pd.DataFrame:
    """One row per quantity of every clause row, in clause order then start."""
    missing = [c for c in CLAUSE_INPUT_COLUMNS if c not in clauses.columns]
    if missing:
        raise PolicyInputError(None, f"clause table lacks column(s) {', '.join(missing)}")
    g = grammar()
    rows: list[QuantityRow] = []
    for rec in clauses.loc[:, list(CLAUSE_INPUT_COLUMNS)].to_dict("records"):
        text = rec["text"] if isinstance(rec["text"], str) else ""
        domain = rec["domain"] if isinstance(rec["domain"], str) else None
        for m in extract_mentions(text, g):
            rows.append(
                QuantityRow(
                    clause_id=str(rec["clause_id"]),
                    doc_id=str(rec["doc_id"]),
                    district=str(rec["district"]),
                    domain=domain,
                    year=int(rec["year"]),
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
            )
    return frame(QuantityRow, rows)


def unnormalised_count(quantities: pd.DataFrame) -> int:
    """Rows kept with the unit as written because it could not be normalised (or value unreadable)."""
    if quantities.empty:
        return 0
    g = grammar()
    bad = ~quantities["unit"].fillna("").map(lambda unit: is_normalised_unit(unit, g)).astype(bool)
    return int(bad.sum())
