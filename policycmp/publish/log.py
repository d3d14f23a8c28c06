"""The build log: what was built, in counts, with a few examples of each kind of warning rather than all.

On the five real documents every warning and note is printed as it stands. On a province's thousand
documents the same messages would run to hundreds of lines (one budget check or policy year per
document), so each kind of warning shows its first few and counts the rest, and the per-document
notes become one line of counts. The tables keep every detail: anomalies.parquet lists each
numbering anomaly, budgets.parquet marks each total whose parts do not add up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # a build with nothing to do prints its log without importing the stages (see state.py)
    from ..compare.budgets import BudgetCheck

LISTED = 5  # a kind with at most this many messages is printed in full
EXAMPLES = 3  # otherwise its first EXAMPLES, then a count of the rest

# Where a reader finds every message of a kind that the log only counts.
HINTS = {
    "budget_mismatch": "budgets.parquet has parts_match false on each of their totals",
    "duplicate_clause_number": "anomalies.parquet lists every one",
    "skipped_clause_number": "anomalies.parquet lists every one",
    "clause_number_out_of_order": "anomalies.parquet lists every one",
    "section_number_gap": "anomalies.parquet lists every one",
    "no_clauses": "anomalies.parquet lists every one",
    "garbled": "anomalies.parquet lists every one",
}


def grouped(messages: Sequence[str], kinds: Mapping[str, str]) -> list[str]:
    """``messages`` as log lines: all of them in order when no kind has more than LISTED; otherwise
    grouped by kind (in order of first appearance), each kind's first EXAMPLES and a count."""
    by_kind: dict[str, list[str]] = {}
    for message in messages:
        by_kind.setdefault(kinds.get(message, "other"), []).append(message)
    if all(len(group) <= LISTED for group in by_kind.values()):
        return list(messages)
    lines: list[str] = []
    for kind, group in by_kind.items():
        if len(group) <= LISTED:
            lines.extend(group)
            continue
        lines.extend(group[:EXAMPLES])
        hint = HINTS.get(kind)
        lines.append(f"… and {len(group) - EXAMPLES:,} more {kind} warnings" + (f" ({hint})" if hint else ""))
    return lines


def examples(names: Sequence[str]) -> str:
    """``a, b, c (+7 more)``: the first EXAMPLES names and a count of the rest."""
    shown = ", ".join(names[:EXAMPLES])
    return f"{shown} (+{len(names) - EXAMPLES:,} more)" if len(names) > EXAMPLES else shown


def budget_summary(checks: Sequence[BudgetCheck]) -> str:
    """One line of counts for many documents' budget checks (each check's own line is for a few)."""
    totals = [c for c in checks if c.total is not None]
    broken_down = [c for c in totals if c.n_parts]
    mismatched = [c.doc_id for c in broken_down if c.matches is False]
    line = (
        f"budgets: {len(checks):,} documents checked: {len(totals):,} with a total "
        f"({len(broken_down) - len(mismatched):,} whose parts add up, {len(mismatched):,} whose parts do NOT add up"
    )
    if mismatched:
        line += f": {examples(mismatched)}"
    return line + (
        f"; {len(totals) - len(broken_down):,} without a per-domain breakdown), "
        f"{len(checks) - len(totals):,} without a total"
    )


def years_note(pairs: Sequence[tuple[str, int]]) -> str:
    """Which years the policies apply to: each district's year for a few, the range for many."""
    years = sorted({year for _, year in pairs})
    lead = "policy years: " if len(years) <= 1 else "policy years differ: "
    if len(pairs) <= LISTED:
        listed = ", ".join(f"{district} {year}" for district, year in pairs)
        return lead + listed + " (every comparison row carries its year)"
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
    districts = len({district for district, _ in pairs})
    return (
        f"{lead}{span}, {len(pairs):,} district-years over {districts:,} districts "
        "(every comparison row carries its year)"
    )
