"""The outcomes table: each row of an outcome report, its target against what was achieved, and the
policy clause that set the same target.

An outcome report (e.g. Zhenhai's 2024年政府工作报告年度完成情况) is a pipe-separated table
``编号 | 目标任务 | 完成情况 |`` (read by :mod:`policycmp.ingest.outcome_report`). For every row the
quantities on both sides come from :func:`policycmp.extract.extract_mentions`; a target is paired
with the actual figure whose key words (the characters around the number) cover it, and judged only
when the two can be compared honestly. Everything else is ``unclear``: the status is never guessed.
The rules and reference words live in ``data/outcome_rules.yaml``; docs/outcomes_and_lookup.md
explains them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ...ingest.outcome_report import ReportRow, read_report
from ...model import Corpus
from ...schema import OutcomeRow, frame
from ..indexed import ClauseIndex, index_tables
from .judging import pair_target
from .layouts import assess_indicator, assess_prose
from .linking import PolicyQuantity, indicator_of, link_target, policy_quantities
from .phrases import mentions_of, rules


@dataclass(frozen=True)
class ReportSource:
    """The outcome report a row belongs to."""

    doc_id: str
    district: str
    year: int


def assess_row(row: ReportRow, policy: list[PolicyQuantity], source: ReportSource) -> OutcomeRow:
    """The outcome row of one report row (pure)."""
    spec = rules()
    targets = [m for m in mentions_of(row.task) if m.kind in spec.target_kinds]
    actuals = [m for m in mentions_of(row.completion) if m.kind in spec.actual_kinds]
    judgements = [pair_target(t, actuals) for t in targets]
    judged = [j for j in judgements if j.status in ("met", "not_met")]
    status = "not_met" if any(j.status == "not_met" for j in judged) else "met" if judged else "unclear"
    # The row's headline: the deciding comparison, else a paired target, else the first target.
    headline = (
        next((j for j in judged if j.status == status), None)
        or next((j for j in judgements if j.actual is not None), None)
        or (judgements[0] if judgements else None)
    )
    if not targets:
        reason = "no quantified target in 目标任务 (qualitative task)"
    else:
        reason = "; ".join(j.reason for j in judgements)

    # Link through the headline target first, then any other target of the row, in task order.
    link, link_reason, link_span = None, None, None
    order = ([headline] if headline else []) + [j for j in judgements if j is not headline]
    notes = []
    for j in order:
        found, why = link_target(j.target, policy)
        if found is not None:
            link, link_reason, link_span = found, why, j.target.span
            break
        if why:
            notes.append(why)
    if link is None and notes:
        link_reason = "; ".join(notes)

    target = headline.target if headline else None
    actual = headline.actual if headline else None
    return OutcomeRow(
        doc_id=source.doc_id,
        district=source.district,
        year=source.year,
        row_no=row.row_no,
        task=row.task,
        completion=row.completion,
        indicator=indicator_of(target.phrase, target.unit) if target else None,
        target_value=target.value if target else None,
        actual_value=actual.value if actual else None,
        unit=target.unit if target else None,
        status=status,
        policy_clause_id=link.clause_id if link else None,
        target_span=target.span if target else None,
        actual_span=actual.span if actual else None,
        target_bound=target.bound if target else None,
        line_no=row.line_no,
        match_reason=reason,
        indicator_zh=target.label if target else None,
        targets_stated=len(targets),
        targets_judged=len(judged),
        link_span=link_span,
        policy_span=link.mention.span if link else None,
        link_reason=link_reason,
    )


def outcomes_table(corpus: Corpus, tables: dict[str, pd.DataFrame], index: ClauseIndex | None = None) -> pd.DataFrame:
    """One row per row of every outcome report in ``corpus``, linked to the policy of the same
    district and year (``tables`` holds ``clauses`` and ``quantities``; ``index``, when given, the
    same tables already indexed)."""
    spec = rules()
    reports = [(doc, read_report(corpus.texts[doc.id], doc.path, spec)) for doc in corpus.of_kind("outcome_report")]
    if reports and index is None:
        index = index_tables(tables["clauses"], tables["quantities"])
    policies: dict[tuple[str, int], list[str]] = {}
    for d in corpus.of_kind(spec.policy_kind):
        policies.setdefault((d.district, d.year), []).append(d.id)
    records: list[OutcomeRow] = []
    for doc, report in reports:
        policy_docs = policies.get((doc.district, doc.year), [])
        policy = policy_quantities(index, policy_docs) if policy_docs and index is not None else []
        source = ReportSource(doc.id, doc.district, doc.year)
        records.extend(assess_row(row, policy, source) for row in report.tasks)
        records.extend(assess_indicator(row, policy, spec, doc.id, doc.district, doc.year) for row in report.indicators)
        records.extend(assess_prose(list(report.prose), spec, doc.id, doc.district, doc.year))
    return frame(OutcomeRow, sorted(records, key=lambda r: (r.doc_id, r.row_no)))
