"""How well ``policycmp.similar`` finds the clause a researcher paired by hand (tests/data/similar_pairs.csv)."""

from __future__ import annotations

import pandas as pd

from ..report.lookup import clause_table_of, similar, unknown_clause


def rank_pairs(pairs: pd.DataFrame, *, tables: pd.DataFrame | dict[str, pd.DataFrame], depth: int = 10) -> pd.DataFrame:
    """For hand-labelled pairs (clause_id, match_clause_id): the rank of the match among
    ``similar(clause_id)`` restricted to the match's district (null when below ``depth``).

    Restricting to the match's district asks the researcher's question: "which clause of Linping
    corresponds to this one?" — and keeps a strong match in a third district from hiding it.
    """
    clauses = clause_table_of(tables)
    district_of = dict(zip(clauses["clause_id"], clauses["district"]))
    ranks, top = [], []
    for row in pairs.to_dict("records"):
        if row["match_clause_id"] not in district_of:
            raise unknown_clause(row["match_clause_id"], clauses)
        found = similar(row["clause_id"], depth, tables=tables, districts=district_of[row["match_clause_id"]])
        hit = found.index[found["clause_id"] == row["match_clause_id"]]
        ranks.append(int(hit[0]) + 1 if len(hit) else None)
        top.append(found["clause_id"].iloc[0] if len(found) else None)
    out = pairs[["clause_id", "match_clause_id"]].copy().astype("string")
    out["rank"] = pd.array(ranks, dtype="Int64")
    out["top1"] = pd.array(top, dtype="string")
    return out


def precision_at(ranks: pd.DataFrame, k: int) -> float:
    """Share of pairs whose labelled match is within the top ``k`` of its district."""
    return float((ranks["rank"].fillna(10**9) <= k).mean())
