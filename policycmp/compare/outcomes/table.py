"""The outcomes table: each row of an outcome report, its target against what was achieved, and the
policy clause that set the same target.

Ingest reads an outcome report into pieces (``report_lines``: the cells of each table row, or the
paragraphs of a prose review) and extract their quantities (``quantities``, keyed by the piece's
``line_id``); this module reads those two tables, never the raw text. A task table's target is
paired with the actual figure whose key words (the characters around the number) cover it, and judged
only when the two can be compared honestly. Everything else is ``unclear``: the status is never
guessed. The rules and reference words live in ``data/outcome_rules.yaml``;
docs/outcomes_and_lookup.md explains them.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from ...ingest.outcome_report import ReportRow
from ...schema import DocumentRow, OutcomeRow, QuantityRow, ReportLineRow, frame, records
from ..indexed import ClauseIndex, group_by_clause, index_tables, quantity_records
from .judging import Judgement, pair_target
from .layouts import assess_indicator, indicator_row
from .linking import PolicyQuantity, indicator_of, link_target, policy_quantities
from .phrases import Mention, counts_in_words, rules, sizes_a_set, with_phrases
from .prose import assess_prose
from .verdicts import apply_verdicts, level_target, restated_levels

SHARE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*%")


@dataclass(frozen=True)
class ReportSource:
    """The outcome report a row belongs to."""

    doc_id: str
    district: str
    year: int


def assess_row(
    row: ReportRow, policy: list[PolicyQuantity], source: ReportSource, task: list[Mention], completion: list[Mention]
) -> OutcomeRow:
    """The outcome row of one report row (pure). ``task`` and ``completion`` are the cells' quantities
    with their phrases, as the quantities table has them (:func:`.phrases.with_phrases`)."""
    spec = rules()
    targets = [m for m in task if m.kind in spec.target_kinds and not sizes_a_set(m, task, row.task)]
    actuals = [m for m in completion if m.kind in spec.actual_kinds]
    text = row.completion or ""
    in_words = counts_in_words(text, completion)
    judgements = apply_verdicts([pair_target(t, actuals, text, in_words) for t in targets], actuals, text)
    # a level stated in words and restated of the same thing (保持“双百” … 保持双百) is a target met too
    levels = restated_levels(row.task, text)
    judgements += [
        Judgement(level_target(level), None, "met", f"{level.words}: the report restates it ({said}) → met", said)
        for level, said in levels
    ]
    targets = targets + [j.target for j in judgements[len(judgements) - len(levels) :]]
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
    target_value = None if target is None or math.isnan(target.value) else target.value
    return OutcomeRow(
        doc_id=source.doc_id,
        district=source.district,
        year=source.year,
        row_no=row.row_no,
        task=row.task,
        completion=row.completion,
        indicator=indicator_of(target.phrase, target.unit) if target and target.unit else None,
        target_value=target_value,
        actual_value=actual.value if actual else None,
        unit=(target.unit or None) if target else None,
        status=status,
        policy_clause_id=link.clause_id if link else None,
        target_span=target.span if target else None,
        actual_span=actual.span if actual else headline.said if headline else None,
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


def decided_by_the_table(record: OutcomeRow, row: ReportRow, cutoff: str) -> OutcomeRow:
    """A task row's status as its table decides it: the table's own verdict (完成任务, 超额完成, 未完成)
    decides; else the share done (当前进度 80%, 完成率 72%) says done at 100%, short of it not done; and in a
    progress report (its heading gives a cut-off before the year's end, 截至10月31日) a target not yet
    reached is in progress, not missed. The figures' answer stays in ``match_reason``."""
    spec = rules()
    said = f"the figures give {record.status} ({record.match_reason})"
    status, why = record.status, ""
    verdict = spec.verdict_of(row.verdict) if row.verdict else None
    share = _share(row.progress)
    if verdict is not None:
        status, why = verdict, f"the table's verdict {row.verdict} → {verdict}"
    elif share is not None:
        done = share >= spec.progress_done
        status = "met" if done else "not_met"
        why = f"the share done {row.progress} → {'done' if done else 'not done'}"
    if cutoff and status == "not_met":
        status = "unclear"
        why = (why + "; " if why else "") + f"in progress at the report's cut-off ({cutoff}): not yet missed"
    elif cutoff and status == "met" and verdict is None and share is None and record.unit == "%":
        # a count or an amount reached early is reached; a rate so far is not the year's rate
        status = "unclear"
        why = f"a rate at the report's cut-off ({cutoff}) is the rate so far, not the year's"
    if not why:
        return record
    judged = record.targets_judged if status == record.status else int(status in ("met", "not_met"))
    return dataclasses.replace(
        record,
        status=status,
        targets_judged=judged,
        completion="; ".join(
            part for part in (record.completion, f"评价 {row.verdict}" if row.verdict else "", _progress(row)) if part
        )
        or None,
        match_reason=f"{why}; {said}",
    )


def _share(progress: str) -> float | None:
    """The share done a progress cell opens with (80%(新区实验幼儿园进度滞后) → 80), or None."""
    found = SHARE.match(progress)
    return float(found.group(1)) if found else None


def _progress(row: ReportRow) -> str:
    return f"进度 {row.progress}" if row.progress else ""


def outcomes_table(tables: Mapping[str, pd.DataFrame], index: ClauseIndex | None = None) -> pd.DataFrame:
    """One row per row of every outcome report, linked to the policy of the same district and year.

    ``tables`` holds ``documents``, ``report_lines``, ``quantities`` and ``clauses``; ``index``, when
    given, the clause and quantity tables already indexed.
    """
    lines = records(ReportLineRow, tables["report_lines"])
    quantities = tables["quantities"]
    mine = quantities[quantities["clause_id"].isin([line.line_id for line in lines])]
    by_line = group_by_clause(quantity_records(mine))
    if index is None:
        index = index_tables(tables["clauses"], quantities)
    return outcome_frame(records(DocumentRow, tables["documents"]), lines, by_line, index)


def outcome_frame(
    documents: Sequence[DocumentRow],
    lines: Sequence[ReportLineRow],
    quantities: Mapping[str, list[QuantityRow]],
    index: ClauseIndex,
) -> pd.DataFrame:
    """:func:`outcomes_table` from records (``quantities``: each report piece's, by line_id)."""
    spec = rules()
    policies: dict[tuple[str, int], list[str]] = {}
    for d in documents:
        if d.kind == spec.policy_kind:
            policies.setdefault((d.district, d.year), []).append(d.doc_id)
    rows: dict[tuple[str, int], dict[str, ReportLineRow]] = {}
    cutoffs: dict[str, str] = {}  # a progress report's cut-off before the year's end (截至10月31日)
    for line in lines:
        if line.kind != "outcome_report":
            continue
        if line.column == "cutoff":
            cutoffs[line.doc_id] = line.cell
        else:
            rows.setdefault((line.doc_id, line.row_no), {})[line.column] = line
    linked: dict[tuple[str, int], list[PolicyQuantity]] = {}
    records_: list[OutcomeRow] = []
    prose_rows: dict[str, int] = {}  # a prose review's rows are its figures, numbered across paragraphs
    for (doc_id, row_no), cells in rows.items():
        first = next(iter(cells.values()))
        key = (first.district, first.year)
        if key not in linked:
            policy_docs = policies.get(key, [])
            linked[key] = policy_quantities(index, policy_docs) if policy_docs else []
        policy = linked[key]
        source = ReportSource(doc_id, first.district, first.year)

        def said(column: str, cells: dict[str, ReportLineRow] = cells) -> list[Mention]:
            line = cells.get(column)
            return with_phrases(line.text, quantities.get(line.line_id, [])) if line is not None else []

        if first.layout == "task_table":
            task, completion = cells["task"], cells.get("completion")
            verdict, progress = cells.get("verdict"), cells.get("progress")
            row = ReportRow(
                row_no,
                task.cell,
                completion.cell if completion else None,
                task.line_no,
                verdict=verdict.cell if verdict else "",
                progress=progress.cell if progress else "",
            )
            record = assess_row(row, policy, source, said("task"), said("completion"))
            records_.append(decided_by_the_table(record, row, cutoffs.get(doc_id, "")))
        elif first.layout == "indicator_table":
            indicator = indicator_row(cells, spec)
            figures = {column: said(column) for column in ("target", "actual", "growth")}
            records_.append(assess_indicator(indicator, figures, policy, spec, doc_id, first.district, first.year))
        else:
            found = assess_prose(
                cells["prose"], said("prose"), spec, prose_rows.get(doc_id, 0) + 1, cutoffs.get(doc_id, "")
            )
            prose_rows[doc_id] = prose_rows.get(doc_id, 0) + len(found)
            records_.extend(found)
    return frame(OutcomeRow, sorted(records_, key=lambda r: (r.doc_id, r.row_no)))
