"""The edition tables: what changed from each edition of a district's policy to the next
(``edition_pairs``, ``clause_changes``, ``amount_changes``).

:func:`pair_editions` is a pure function of two editions' clause and quantity rows, so the build keeps
its result per pair of documents (:func:`consecutive_editions` says which pairs a corpus has).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ...editions import Edition, consecutive, ordered
from ...model import Document
from ...schema import (
    AmountChangeRow,
    ClauseChangeRow,
    ClauseRow,
    EditionPairRow,
    QuantityRow,
)
from ...vocabulary import EditionRules, Layout
from .align import Match, align
from .amounts import AmountPair, changed_amounts
from .texts import EditionText

Key = tuple[int | None, int | None]  # (older row, newer row) of a change row
PAIRED_KIND = "policy"  # the kind whose consecutive editions are paired clause by clause


@dataclass(frozen=True)
class EditionRows:
    """One edition's clause rows (in document order) and each row's quantities (in text order)."""

    doc: Document
    rows: Sequence[ClauseRow]
    quantities: Mapping[str, Sequence[QuantityRow]]


@dataclass
class PairedEditions:
    """What changed from one edition to the next."""

    pair: EditionPairRow
    clauses: list[ClauseChangeRow]
    amounts: list[AmountChangeRow]


def pair_editions(older: EditionRows, newer: EditionRows, rules: EditionRules, layout: Layout) -> PairedEditions:
    """Every clause row of two consecutive editions in one change row, and the amounts that changed."""
    return paired(
        older, newer, EditionText.of(older.rows, rules, layout), EditionText.of(newer.rows, rules, layout), rules
    )


def paired(
    older: EditionRows, newer: EditionRows, old_text: EditionText, new_text: EditionText, rules: EditionRules
) -> PairedEditions:
    """:func:`pair_editions` of editions already read (a middle edition is read once for both its pairs)."""
    matches = align(old_text, new_text, rules)
    district, from_doc, to_doc = newer.doc.district, older.doc.id, newer.doc.id
    changes: dict[Key, tuple[str, float | None]] = {}
    amounts: list[AmountChangeRow] = []
    for m in matches:
        change, changed = _compare(m, old_text, new_text, older, newer)
        changes[(m.older, m.newer)] = (change, m.similarity)
        a, b = older.rows[m.older], newer.rows[m.newer]
        amounts += [_amount_row(district, from_doc, to_doc, a, b, pair) for pair in changed]
    paired_old = {m.older for m in matches}
    paired_new = {m.newer for m in matches}
    changes.update({(i, None): ("removed", None) for i in range(len(older.rows)) if i not in paired_old})
    changes.update({(None, j): ("added", None) for j in range(len(newer.rows)) if j not in paired_new})
    clauses = []
    for n, (old, new) in enumerate(reading_order(list(changes), matches), start=1):
        change, similarity = changes[(old, new)]
        was = older.rows[old] if old is not None else None
        now = newer.rows[new] if new is not None else None
        clauses.append(
            ClauseChangeRow(
                district=district,
                from_doc=from_doc,
                to_doc=to_doc,
                from_clause=was.clause_id if was else None,
                to_clause=now.clause_id if now else None,
                change=change,
                similarity=similarity,
                row_no=n,
                from_domain=was.domain if was else None,
                to_domain=now.domain if now else None,
            )
        )
    return PairedEditions(_summary(older.doc, newer.doc, clauses, amounts), clauses, amounts)


def _compare(
    m: Match, old_text: EditionText, new_text: EditionText, older: EditionRows, newer: EditionRows
) -> tuple[str, list[AmountPair]]:
    if old_text.bodies[m.older] == new_text.bodies[m.newer]:
        return "unchanged", []
    a, b = older.rows[m.older], newer.rows[m.newer]
    amounts = changed_amounts(
        a.text,
        older.quantities.get(a.clause_id, ()),
        b.text,
        newer.quantities.get(b.clause_id, ()),
        figures_only=old_text.masked[m.older] == new_text.masked[m.newer],
    )
    return ("amounts_changed" if amounts else "reworded"), amounts


def reading_order(keys: list[Key], matches: list[Match]) -> list[Key]:
    """The change rows in reading order: the newer edition's, with each removed row placed after the row
    that its nearest paired predecessor in the older edition became (before everything when it has none)."""
    partner = {m.older: m.newer for m in matches}
    after: dict[int, int] = {}  # older row → the newer row its nearest paired predecessor became
    last = -1
    for i in range(max((k[0] for k in keys if k[0] is not None), default=-1) + 1):
        after[i] = last
        last = partner.get(i, last)

    def key(item: Key) -> tuple[int, int, int]:
        i, j = item
        if j is not None:
            return (j, 0, 0)
        assert i is not None
        return (after[i], 1, i)

    return sorted(keys, key=key)


def _amount_row(
    district: str, from_doc: str, to_doc: str, a: ClauseRow, b: ClauseRow, pair: AmountPair
) -> AmountChangeRow:
    old, new = pair.before, pair.after
    shown = new or old
    assert shown is not None
    return AmountChangeRow(
        district=district,
        from_doc=from_doc,
        to_doc=to_doc,
        from_clause=a.clause_id,
        to_clause=b.clause_id,
        before=old.value if old else None,
        after=new.value if new else None,
        unit=shown.unit,
        before_span=old.span if old else None,
        after_span=new.span if new else None,
        direction=pair.direction,
        before_high=old.value_high if old else None,
        after_high=new.value_high if new else None,
        before_bound=old.bound if old else None,
        after_bound=new.bound if new else None,
        quantity_kind=shown.kind,
        level=shown.level,
        before_start=old.start if old else None,
        before_end=old.end if old else None,
        after_start=new.start if new else None,
        after_end=new.end if new else None,
    )


def _summary(
    older: Document, newer: Document, clauses: list[ClauseChangeRow], amounts: list[AmountChangeRow]
) -> EditionPairRow:
    changes = Counter(row.change for row in clauses)
    directions = Counter(row.direction for row in amounts)
    return EditionPairRow(
        district=newer.district,
        from_doc=older.id,
        to_doc=newer.id,
        from_year=older.year,
        from_status=older.status,
        to_year=newer.year,
        to_status=newer.status,
        in_common=any(row.from_clause and row.to_clause for row in clauses),
        unchanged=changes["unchanged"],
        reworded=changes["reworded"],
        amounts_changed=changes["amounts_changed"],
        added=changes["added"],
        removed=changes["removed"],
        amounts_up=directions["up"],
        amounts_down=directions["down"],
        amounts_added=directions["added"],
        amounts_removed=directions["removed"],
    )


def consecutive_editions(documents: Sequence[Document]) -> list[tuple[Document, Document]]:
    """Each two consecutive editions of a district's policy: districts in sorted order, each district's
    editions oldest first (by year, the draft before the final)."""
    by_id = {d.id: d for d in documents}
    policies = [Edition(d.id, d.district, d.kind, d.year, d.status) for d in documents if d.kind == PAIRED_KIND]
    return [
        (by_id[old.doc_id], by_id[new.doc_id])
        for group in ordered(policies).values()
        for old, new in consecutive(group)
    ]


def without_common_clause(from_doc: str, to_doc: str) -> str:
    """The build's warning on a pair of editions no clause of which pairs (``in_common`` false)."""
    return (
        f"editions {from_doc} → {to_doc}: no clause in common; every row of both is listed as removed or added in "
        "clause_changes.parquet, none is force-aligned"
    )


# the edition_pairs counts the build's note adds up, in the note's words
NOTE_COUNTS = ("unchanged", "reworded", "amounts_changed", "added", "removed", "amounts_up", "amounts_down")


def note(pairs: int, totals: Mapping[str, int]) -> str:
    """The build's note on the corpus's pairs of editions (``totals``: NOTE_COUNTS summed over them)."""
    return (
        f"editions: {pairs} pair{'' if pairs == 1 else 's'} of consecutive policy editions: "
        f"{totals['unchanged']} clauses unchanged, "
        f"{totals['reworded']} reworded, {totals['amounts_changed']} with amounts changed "
        f"({totals['amounts_up']} amounts up, {totals['amounts_down']} down), {totals['added']} added, "
        f"{totals['removed']} removed"
    )
