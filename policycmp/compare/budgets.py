"""What each document commits in public money (budgets.parquet), and whether its parts add up."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

import pandas as pd

from ..ingest.headings import heading_domain
from ..schema import BudgetRow, ClauseRow, QuantityRow, dtypes, frame
from ..vocabulary import BudgetVocabulary, domain_keys, load_budget_vocabulary, load_domains
from ..vocabulary.checks import search_any
from ..vocabulary.gazetteer import load_gazetteer
from .indexed import ClauseIndex, index_tables
from .statements import Statement, body_end, sentences, within

ROLE_ORDER = {"total": 0, "allocation": 1, "item": 2}
# Amounts are written to two decimals of 亿元 (1,000,000 yuan); a difference below one yuan is
# floating-point noise, not a discrepancy.
TOLERANCE_CNY = 1.0
PART_END = re.compile(r"[,:]")
# how a figure is written: its digits, and the decimals that give its precision (24.05 亿元, 12.90亿元)
WRITTEN_NUMBER = re.compile(r"\d+(?:\.(\d+))?")
# a list of parts is closed when its sentence ends; a capture that stops mid-list is not summed
LIST_CLOSED = re.compile(r"[。;!?]")


@dataclass(frozen=True)
class FoundBudget:
    row: BudgetRow
    seq: int
    start: int
    end: int


def _part_around(text: str, start: int, end: int, low: int, high: int) -> str:
    """The comma-delimited part of ``text[low:high]`` that holds ``text[start:end]``."""
    left = max((m.end() for m in PART_END.finditer(text, low, start)), default=low)
    right = next((m.start() for m in PART_END.finditer(text, end, high)), high)
    return text[left:right]


def _scope(sentence: str, vocab: BudgetVocabulary, extra: list[str], district: str) -> str | None:
    """What a figure covers: the labels whose pattern matches ``sentence`` and whose levels (if any)
    include the gazetteer level of the document's place (市财政 is a county-level city's own budget)."""
    labels = list(extra)
    place = load_gazetteer().get(district)
    level = place.level if place is not None else None
    for rx, label, levels in vocab.scope_labels:
        if levels and level not in levels:
            continue
        match = rx.search(sentence)
        if match:
            text = match.expand(label) if match.groups() else label
            if text not in labels:
                labels.append(text)
    return ", ".join(labels) or None


def budget_table(
    clauses: pd.DataFrame, quantities: pd.DataFrame, vocab: BudgetVocabulary | None = None
) -> pd.DataFrame:
    """One row per amount of public money a policy document commits, with its role and scope."""
    return budget_frame(index_tables(clauses, quantities), vocab or load_budget_vocabulary())


def budget_frame(index: ClauseIndex, vocab: BudgetVocabulary) -> pd.DataFrame:
    """:func:`budget_table` from tables already indexed."""
    return budget_rows([f for c in index.clauses for f in clause_budgets(c, index.quantities_of(c.clause_id), vocab)])


def clause_budgets(
    clause: ClauseRow, quantities: list[QuantityRow], vocab: BudgetVocabulary, found: list[Statement] | None = None
) -> list[FoundBudget]:
    """The budget rows one clause states (``found``: its sentences up to :func:`.body_end`, if known)."""
    money = [q for q in quantities if q.unit == "CNY"]
    if not money:
        return []
    text = clause.text
    in_clause: list[FoundBudget] = []
    for sentence in sentences(text, body_end(text, clause.responsible_units)) if found is None else found:
        for q in within(money, sentence):
            part = _part_around(text, q.start, q.end, sentence.start, sentence.end)
            if search_any(vocab.exclude, part):
                continue
            if q.kind != "budget" and not search_any(vocab.cues, part):
                continue
            in_clause.append(FoundBudget(_row(clause, sentence, q, part, vocab), clause.seq, q.start, q.end))
    return _inherit_total_scope(_parts_of_allocations(in_clause, text, vocab, body_end(text, clause.responsible_units)))


def budget_rows(found: list[FoundBudget]) -> pd.DataFrame:
    """The table (before its checks) from every clause's rows."""
    return _ordered(found)


def _row(clause: ClauseRow, sentence: Statement, q: QuantityRow, part: str, vocab: BudgetVocabulary) -> BudgetRow:
    name_match = vocab.allocation_name.search(part)
    policy_name = name_match.group("name").strip() if name_match else None
    domain: str | None
    if search_any(vocab.total_cues, part):
        role, domain = "total", None
    elif search_any(vocab.item_cues, part):
        role, domain = "item", clause.domain
    else:
        role = "allocation"
        domain = (heading_domain(policy_name, load_domains()) if policy_name else None) or clause.domain
    extra = [policy_name] if policy_name else []
    return BudgetRow(
        district=clause.district,
        year=clause.year,
        domain=domain,
        value=q.value,
        unit="CNY",
        bound=q.bound,
        scope=_scope(sentence.text, vocab, extra, clause.district),
        clause_id=clause.clause_id,
        span=sentence.text,
        doc_id=clause.doc_id,
        role=role,
        policy_name=policy_name,
        includes_higher_level_funds=bool(vocab.higher_level_funds.search(sentence.text)),
        quantity_span=q.span,
        span_start=sentence.start,
        span_end=sentence.end,
        parts_sum=None,
        parts_match=None,
    )


def _parts_of_allocations(found: list[FoundBudget], text: str, vocab: BudgetVocabulary, end: int) -> list[FoundBudget]:
    """Money listed after 其中 that follows a domain's allocation is inside that allocation: items,
    not more allocations, so the domain is not counted twice (区财政预算安排39亿元。其中,…10亿元).

    After a document-wide total, 其中 lists the domains' allocations (Linping's 共计56亿元 and its
    eight 某某政策安排), which stay allocations; so does an amount that names its own policy.

    An allocation whose statement lists two or more parts this way gets their sum (``parts_sum``) and
    whether it matches (``parts_match``, see :func:`parts_agree`): Fuyang's 12.90亿元, 其中 3.1 + 0.2 + 2.6
    + 3.5 + 3.5亿元. One figure after 其中 is a share (其中交通0.6亿元), not a breakdown; a list the text
    does not close before ``end`` (a capture that stops mid-list) is not summed either.
    """
    result: list[FoundBudget] = []
    parent: FoundBudget | None = None
    parts: dict[int, list[FoundBudget]] = {}
    for f in found:
        row = f.row
        listed = parent is not None and search_any(vocab.part_cues, text[parent.end : f.start])
        if parent is not None and listed and parent.row.role == "allocation" and row.policy_name is None:
            if row.role == "allocation":
                f = replace(f, row=replace(row, role="item", domain=parent.row.domain))
            if f.row.role == "item":
                parts.setdefault(id(parent), []).append(f)
        elif row.role in ("total", "allocation"):
            parent = f
        result.append(f)
    out = []
    for f in result:
        mine = parts.get(id(f), [])
        if len(mine) >= 2 and LIST_CLOSED.search(text, mine[-1].end, max(end, mine[-1].end)):
            added = sum(p.row.value for p in mine)
            agree = parts_agree(
                f.row.value,
                added,
                [f.row.quantity_span, *(p.row.quantity_span for p in mine)],
                [f.row.value, *(p.row.value for p in mine)],
            )
            f = replace(f, row=replace(f.row, parts_sum=added, parts_match=agree))
        out.append(f)
    return out


def written_precision(span: str, value: float) -> float | None:
    """The unit of the last digit a figure is written to, in yuan (12.90亿元 → 1,000,000; 2200万元 →
    10,000), or None when its digits cannot be read (三亿元)."""
    match = WRITTEN_NUMBER.search(span.replace(" ", ""))
    if match is None or not float(match.group(0)):
        return None
    decimals = len(match.group(1) or "")
    return value / float(match.group(0)) * 10.0**-decimals


def parts_agree(whole: float, added: float, spans: list[str], values: list[float]) -> bool:
    """Do the parts' sum and the whole agree within rounding: half a unit of the finest precision the
    figures are written to (12.90亿元 and 3.1亿元: 0.005亿元), and never less than one yuan."""
    units = [u for u in (written_precision(s, v) for s, v in zip(spans, values, strict=True)) if u]
    tolerance = max(TOLERANCE_CNY, min(units) / 2 if units else TOLERANCE_CNY)
    return math.isclose(whole, added, rel_tol=0, abs_tol=tolerance)


def _inherit_total_scope(found: list[FoundBudget]) -> list[FoundBudget]:
    """Allocations listed after a total in the same clause share what the total says it covers.

    Linping writes 区财政安排区级预算共计56亿元 once, then eight 某某政策安排x亿元: each of the
    eight is district budget too, though its own sentence does not say so.
    """
    totals = [f for f in found if f.row.role == "total"]
    shared = totals[0].row.scope if totals else None
    if not shared:
        return found
    return [
        replace(f, row=replace(f.row, scope=", ".join(x for x in (f.row.scope, shared) if x)))
        if f.row.role == "allocation"
        else f
        for f in found
    ]


def _ordered(found: list[FoundBudget]) -> pd.DataFrame:
    return frame(BudgetRow, [f.row for f in sorted(found, key=order())])


def order() -> Callable[[FoundBudget], tuple[str, int, int, int, int]]:
    """The table's order, as a sort key of a row: by district, role (totals first), domain, then where it
    was found (a stable sort keeps ties in the order found)."""
    ranks = {d: i for i, d in enumerate(domain_keys())}

    def key(f: FoundBudget) -> tuple[str, int, int, int, int]:
        rank = ranks.get(f.row.domain, -1) if f.row.domain is not None else -1
        return (f.row.district, ROLE_ORDER[f.row.role], rank, f.seq, f.start)

    return key


@dataclass(frozen=True)
class BudgetCheck:
    doc_id: str
    total: float | None
    parts: float | None
    n_parts: int

    @property
    def matches(self) -> bool | None:
        if self.total is None or not self.n_parts:
            return None
        return math.isclose(self.total, self.parts or 0.0, rel_tol=0, abs_tol=TOLERANCE_CNY)

    def message(self) -> str:
        def yi(v: float) -> str:  # how the documents write these sums
            return f"{v / 1e8:.2f}亿元"

        if self.total is None:
            return (
                f"budgets: {self.doc_id}: no document-wide total stated; "
                f"{self.n_parts} domain allocations sum to {yi(self.parts or 0.0)}"
            )
        if not self.n_parts:
            return f"budgets: {self.doc_id}: total {yi(self.total)} stated without a per-domain breakdown"
        verdict = "add up to" if self.matches else "do NOT add up to"
        return (
            f"budgets: {self.doc_id}: {self.n_parts} domain allocations sum to {yi(self.parts or 0.0)}, "
            f"which {verdict} the stated total {yi(self.total)}"
        )


def budget_checks(budgets: pd.DataFrame) -> tuple[pd.DataFrame, list[BudgetCheck]]:
    """Fill ``parts_sum`` and ``parts_match`` on each total, and report every document's check."""
    budgets = budgets.copy()
    # the row positions of each document's totals and allocations, read in one pass over the table
    rows: dict[str, tuple[list[int], list[int]]] = {}
    for position, (doc_id, role) in enumerate(zip(budgets["doc_id"].tolist(), budgets["role"].tolist(), strict=True)):
        totals, parts = rows.setdefault(str(doc_id), ([], []))
        if role == "total":
            totals.append(position)
        elif role == "allocation":
            parts.append(position)
    values = budgets["value"]
    # an allocation keeps the sum of the parts its statement lists (clause_budgets); totals are filled here
    parts_sum: list[float | None] = [
        None if role == "total" or pd.isna(v) else float(v)
        for role, v in zip(budgets["role"].tolist(), budgets["parts_sum"].tolist(), strict=True)
    ]
    parts_match: list[bool | None] = [
        None if role == "total" or pd.isna(v) else bool(v)
        for role, v in zip(budgets["role"].tolist(), budgets["parts_match"].tolist(), strict=True)
    ]
    checks: list[BudgetCheck] = []
    for doc_id in sorted(rows):
        totals, parts = rows[doc_id]
        total = float(values.iloc[totals].tolist()[0]) if totals else None
        added = float(values.iloc[parts].sum()) if parts else None
        check = BudgetCheck(doc_id, total, added, len(parts))
        checks.append(check)
        for position in totals:
            parts_sum[position], parts_match[position] = added, check.matches
    budgets["parts_sum"] = pd.array(parts_sum, dtype="float64")
    budgets["parts_match"] = pd.array(parts_match, dtype="boolean")
    return budgets.astype(dtypes(BudgetRow)), checks
