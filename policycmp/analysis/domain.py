"""One policy domain across districts: each district's section summarised, the money it states."""

from __future__ import annotations

import pandas as pd

from ..standings import one_edition_each
from .corpus import districts as corpus_districts

SUMMARY_COLUMNS = [
    "district",
    "doc_id",
    "heading",
    "lead_department",
    "clauses",
    "quantities",
    "subsidy",
    "subsidy_high",
    "subsidy_unit",
    "subsidy_bound",
    "subsidy_clause_id",
    "subsidy_span",
    "allocation",
    "allocation_clause_ids",
    "allocation_spans",
]


def money(quantities: pd.DataFrame) -> pd.DataFrame:
    """The subsidy and budget amounts in yuan among ``quantities``."""
    return quantities[(quantities["unit"] == "CNY") & quantities["kind"].isin(["subsidy", "budget"])]


def section_summaries(clauses: pd.DataFrame, quantities: pd.DataFrame, allocations: pd.DataFrame) -> pd.DataFrame:
    """One row per district with a section among ``clauses`` (one domain's rows of one edition per district),
    in registry order: its heading (without number and department) and lead department, its numbered
    ``clauses``, its ``quantities``, its largest subsidy in yuan (``subsidy*``, with clause and span; ties go
    to the first stated) and its budget ``allocation`` to the domain (the build's ``budget_domains`` rows,
    with the clauses and amounts as written)."""
    one_edition_each(clauses, "the section rows")
    here = clauses.sort_values(["doc_id", "seq"], kind="stable")
    # Each district's section in one pass: filtering the rows per district is most of the cost at ninety.
    sections = {d: rows for d, rows in here.groupby("district", sort=False, dropna=False)}
    largest = money(quantities)
    largest = (
        largest[largest["kind"] == "subsidy"]
        .sort_values(["value", "clause_id", "start"], ascending=[False, True, True], kind="stable")
        .drop_duplicates("district")
    )
    top = {r["district"]: r for r in largest.to_dict("records")}
    allocated = {r["district"]: r for r in allocations.to_dict("records")}
    counts = quantities.groupby("district").size()
    rows = []
    for district in [d for d in corpus_districts() if d in sections]:
        section = sections[district]
        first = section.iloc[0]
        subsidy = top.get(district, {})
        allocation = allocated.get(district, {})
        rows.append(
            {
                "district": district,
                "doc_id": first["doc_id"],
                "heading": first["section_name"] or first["section_title"],
                "lead_department": first["lead_department"],
                "clauses": int((section["row_kind"] == "clause").sum()),
                "quantities": int(counts.get(district, 0)),
                "subsidy": subsidy.get("value", float("nan")),
                "subsidy_high": subsidy.get("value_high", float("nan")),
                "subsidy_unit": subsidy.get("unit"),
                "subsidy_bound": subsidy.get("bound"),
                "subsidy_clause_id": subsidy.get("clause_id"),
                "subsidy_span": subsidy.get("span"),
                "allocation": float(allocation["value"]) if allocation else float("nan"),
                "allocation_clause_ids": tuple(str(allocation["clause_ids"]).split("; ")) if allocation else (),
                "allocation_spans": tuple(str(allocation["spans"]).split("; ")) if allocation else (),
            }
        )
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
