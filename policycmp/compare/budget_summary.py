"""Each policy's budget summed once, in the build: ``budget_summary`` and ``budget_domains``.

The sums follow the rules of :func:`.budgets.budget_checks` (the first document-wide total; the
allocations added up, items inside them not added again), so the report shows the figures the build
checked instead of summing the rows again with rules of its own. One row per document: two editions of
a district (2023 and 2024, a draft and its final) are never added together.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ..model import Document
from ..schema import BudgetDomainRow, BudgetSummaryRow, frame
from ..vocabulary import domain_keys


def budget_summaries(budgets: pd.DataFrame, documents: Sequence[Document]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One summary row per policy document (in registry order) and one row per document × domain
    allocated, from the checked budgets table."""
    by_doc: dict[str, list[dict]] = {}
    for row in budgets.astype(object).where(budgets.notna(), None).to_dict("records"):
        by_doc.setdefault(str(row["doc_id"]), []).append(row)
    order = {d: i for i, d in enumerate(domain_keys())}
    summaries: list[BudgetSummaryRow] = []
    domains: list[BudgetDomainRow] = []
    for doc in documents:
        if doc.kind != "policy":
            continue
        rows = by_doc.get(doc.id, [])
        totals = [r for r in rows if r["role"] == "total"]
        allocations = [r for r in rows if r["role"] == "allocation"]
        total = float(totals[0]["value"]) if totals else None
        added = float(sum(float(r["value"]) for r in allocations)) if allocations else None
        base = total if total is not None else added
        summaries.append(
            BudgetSummaryRow(
                doc_id=doc.id,
                district=doc.district,
                year=doc.year,
                status=doc.status,
                total=total,
                total_clause_id=totals[0]["clause_id"] if totals else None,
                total_span=totals[0]["quantity_span"] if totals else None,
                n_totals=len(totals),
                allocations_sum=added,
                n_allocations=len(allocations),
                n_items=sum(1 for r in rows if r["role"] == "item"),
                # budget_checks put the verdict on the total: the same one here
                parts_match=totals[0]["parts_match"] if totals else None,
                base=base,
                base_source="total" if total is not None else "allocations" if added is not None else None,
            )
        )
        grouped: dict[str, list[dict]] = {}
        for r in allocations:
            if r["domain"] is not None:  # an allocation of no domain counts in the sum, not per domain
                grouped.setdefault(str(r["domain"]), []).append(r)
        for domain in sorted(grouped, key=lambda d: order.get(d, len(order))):
            parts = grouped[domain]
            value = float(sum(float(r["value"]) for r in parts))
            domains.append(
                BudgetDomainRow(
                    doc_id=doc.id,
                    district=doc.district,
                    year=doc.year,
                    domain=domain,
                    value=value,
                    share=value / base if base else None,
                    n_allocations=len(parts),
                    clause_ids="; ".join(str(r["clause_id"]) for r in parts),
                    spans="; ".join(str(r["quantity_span"]) for r in parts),
                )
            )
    return frame(BudgetSummaryRow, summaries), frame(BudgetDomainRow, domains)
