"""How much each district's policy says, per domain: numbered clauses and quantities, and quantities by kind."""

from __future__ import annotations

import pandas as pd

from ..standings import one_edition_each
from ..vocabulary import domain_keys
from .corpus import districts as corpus_districts

COUNT_COLUMNS = ["domain", "district", "clauses", "quantities"]


def counts_by_domain(clauses: pd.DataFrame, quantities: pd.DataFrame) -> pd.DataFrame:
    """One row per domain × district (every pair, 0 where a district has no such section): its numbered
    ``clauses`` and the ``quantities`` stated in the section (preambles included).

    Domains in the vocabulary's order, districts in registry order; only domains some clause belongs to
    and districts that have clauses. Quantities of closing text, which belongs to no domain, are not
    counted here (:func:`kinds_by_district` counts every quantity). The rows must hold one edition per
    district (two editions of one district are refused: their counts would add up).
    """
    one_edition_each(clauses, "the clause rows to count")
    one_edition_each(quantities, "the quantities to count")
    present = set(clauses["district"])
    districts = [d for d in corpus_districts() if d in present]
    domains = [d for d in domain_keys() if d in set(clauses["domain"].dropna())]
    numbered = clauses[clauses["row_kind"] == "clause"].groupby(["domain", "district"]).size()
    stated = quantities.groupby(["domain", "district"]).size()
    rows = [
        {
            "domain": dom,
            "district": district,
            "clauses": int(numbered.get((dom, district), 0)),
            "quantities": int(stated.get((dom, district), 0)),
        }
        for dom in domains
        for district in districts
    ]
    return pd.DataFrame(rows, columns=COUNT_COLUMNS)


def kinds_by_district(quantities: pd.DataFrame) -> pd.DataFrame:
    """Every quantity counted by ``kind`` (subsidy, budget, target, threshold, other) and district (one edition
    each)."""
    one_edition_each(quantities, "the quantities to count")
    counts = quantities.groupby(["kind", "district"]).size().rename("quantities").reset_index()
    return counts.astype({"quantities": "int64"})
