"""09 edition changes: what changed from one edition of a district's policy to the next, clause by clause.

One page per district with two or more policy editions. It opens with each pair's counts (the build's
``edition_pairs``: clauses added, removed, reworded, with amounts changed; amounts up and down) and the
amounts that changed, each traced to both clauses; then every changed clause side by side, what the older
lost struck through and what the newer gained underlined (:func:`policycmp.analysis.changes.text_diff`),
every text escaped. A pair with no clause in common says so: its clauses are listed as removed and added,
never forced into pairs.
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

from ...analysis.changes import Segment, edition_pairs
from ...analysis.editions import every_edition, label
from .. import params as params_mod
from ..markup.components import Facts, Heading, Notice, Paragraph, Part, Raw, Table, block
from ..markup.format import Cell, amount_cell, counted, is_missing
from ..pages import page_file
from .context import Inputs, ReportSpec
from .data import _str, records
from .editions import district_sentence
from .inputs import rows
from .labels import district_name, district_zh

CHANGE_NAMES = {
    "reworded": "reworded",
    "amounts_changed": "amounts changed",
    "added": "added",
    "removed": "removed",
    "unchanged": "unchanged",
}
DIRECTION_NAMES = {"up": "up", "down": "down", "added": "added", "removed": "removed"}


def _edition_label(doc_id: object) -> str:
    documents = rows("documents", "doc_id", doc_id)
    if documents.empty:
        return _str(doc_id)
    row = documents.iloc[0]
    return label(int(row["year"]), str(row["status"]))


def _pair_title(pair: Any) -> str:
    return f"{label(int(pair.from_year), str(pair.from_status))} → {label(int(pair.to_year), str(pair.to_status))}"


def _summary(p: dict[str, Any]) -> tuple[str, str]:
    district = p["district"]
    if district is None:
        return "Edition changes", "No district of the corpus has two or more policy editions: nothing to compare."
    pairs = edition_pairs(district)
    editions = every_edition(district)
    title = f"Edition changes: {district_name(district, with_year=False)} ({district_zh(district)})"
    totals = pairs[["added", "removed", "reworded", "amounts_changed", "amounts_up", "amounts_down"]].sum()
    chain = " → ".join(label(int(y), str(s)) for y, s in zip(editions["year"], editions["status"]))
    return title, (
        f"{counted(len(editions), 'edition')} ({chain}), {counted(len(pairs), 'pair')} of consecutive editions: "
        f"{counted(int(totals['added']), 'clause')} added, {int(totals['removed'])} removed, "
        f"{int(totals['reworded'])} reworded, {int(totals['amounts_changed'])} with amounts changed "
        f"({int(totals['amounts_up'])} amounts up, {int(totals['amounts_down'])} down)."
    )


def edition_summary(pairs: pd.DataFrame) -> Part:
    """Each pair of consecutive editions (:func:`~policycmp.analysis.changes.edition_pairs`) in counts."""
    if pairs.empty:
        return Notice("No pair of consecutive policy editions to compare.")
    table_rows = [
        {
            "Editions": _pair_title(r),
            "From": _str(r.from_doc),
            "To": _str(r.to_doc),
            "Clauses in common": "yes" if r.in_common else "none",
            "Unchanged": int(r.unchanged),
            "Reworded": int(r.reworded),
            "Amounts changed": int(r.amounts_changed),
            "Added": int(r.added),
            "Removed": int(r.removed),
            "Amounts up": int(r.amounts_up),
            "Amounts down": int(r.amounts_down),
            "Amounts added": int(r.amounts_added),
            "Amounts removed": int(r.amounts_removed),
        }
        for r in records(pairs)
    ]
    district = str(pairs["district"].iloc[0])
    profile = page_file("district_profile", district)
    parts: list[Part] = [
        Facts(
            [
                (
                    "District profile",
                    Cell(district_name(district, with_year=False), href=profile)
                    if profile
                    else district_name(district, with_year=False),
                )
            ]
        ),
        Table(
            pd.DataFrame(table_rows),
            caption="What changed from each edition to the next, in clause rows and amounts",
            note="Clause rows (preambles, numbered clauses, closing) pair by their text, not by number or section, "
            "so a renumbered or moved clause still pairs; amounts changed: a figure of the older became another "
            "(up or down), or an amount was added to or dropped from a clause that otherwise pairs.",
        ),
    ]
    for r in records(pairs):
        if not r.in_common:
            parts.append(
                Notice(
                    f"{_pair_title(r)}: no clause of one edition pairs with a clause of the other, so every clause "
                    "of the older is listed as removed and every clause of the newer as added; none is forced "
                    "into a pair."
                )
            )
    return block(*parts)


def _amount(value: Any, unit: Any, high: Any, bound: Any, clause: Any, span: Any) -> Cell | str:
    return amount_cell(value, unit, high, bound, clause_id=clause, span=span) or "—"


def amount_changes(changed: pd.DataFrame) -> Part:
    """Every amount that changed (:func:`~policycmp.analysis.changes.changed_clauses`' ``amounts``), before and
    after, each traced to its clause and the amount as written."""
    table_rows = []
    for r in records(changed):
        for a in r.amounts:
            table_rows.append(
                {
                    "Editions": f"{_edition_label(r.from_doc)} → {_edition_label(r.to_doc)}",
                    "Clause before": _str(r.from_clause),
                    "Before": _amount(
                        a["before"], a["unit"], a["before_high"], a["before_bound"], r.from_clause, a["before_span"]
                    ),
                    "After": _amount(
                        a["after"], a["unit"], a["after_high"], a["after_bound"], r.to_clause, a["after_span"]
                    ),
                    "Change": DIRECTION_NAMES.get(_str(a["direction"]), _str(a["direction"])),
                    "Clause after": _str(r.to_clause),
                    "Title": _str(r.title),
                }
            )
    if not table_rows:
        return block(Paragraph("No amount changed between these editions."))
    return block(
        Table(
            pd.DataFrame(table_rows),
            caption=f"Amounts that changed ({len(table_rows)})",
            long=["Title"],
            note="Before and after in the pages' units; hover for the exact figure, its clause and the amount as "
            "written. Up and down compare the values (then the upper ends of ranges); added and removed are amounts "
            "only one edition's clause states.",
        )
    )


def _marked(segments: list[Segment], side: str) -> str:
    """One side of a pair as HTML: what the older lost in <del>, what the newer gained in <ins>, all escaped."""
    out = []
    for segment in segments:
        text = segment.before if side == "before" else segment.after
        if not text:
            continue
        if segment.op == "equal":
            out.append(html.escape(text))
        else:
            tag = "del" if side == "before" else "ins"
            out.append(f"<{tag}>{html.escape(text)}</{tag}>")
    return "".join(out)


def _side(text: object, segments: list[Segment], side: str) -> str:
    if is_missing(text):
        gone = "not in this edition" if side == "before" else "dropped from this edition"
        return f'<div class="pc-diff-text pc-diff-empty">{gone}</div>'
    inner = _marked(segments, side) if segments else html.escape(str(text))
    return f'<div class="pc-diff-text">{inner}</div>'


def edition_changes(pairs: pd.DataFrame, changed: pd.DataFrame) -> Part:
    """Every changed clause of each pair side by side (:func:`~policycmp.analysis.changes.changed_clauses`):
    the older edition left, the newer right, character differences marked, the amounts that changed."""
    if pairs.empty:
        return Notice("No pair of consecutive policy editions to compare.")
    parts: list[Part] = []
    for pair in records(pairs):
        title = _pair_title(pair)
        parts.append(Heading(f"{title}: {pair.from_doc} → {pair.to_doc}", 3))
        mine = changed[(changed["from_doc"] == pair.from_doc) & (changed["to_doc"] == pair.to_doc)]
        if not pair.in_common:
            parts.append(
                Paragraph(
                    "These editions have no clause in common: the clauses of the older are listed as removed and "
                    "those of the newer as added, never force-aligned."
                )
            )
        if mine.empty:
            parts.append(Paragraph("Every clause row of these editions is unchanged (numbering and spacing aside)."))
            continue
        for r in records(mine):
            ids = " → ".join(_str(c) or "—" for c in (r.from_clause, r.to_clause))
            score = "" if is_missing(r.similarity) else f", similarity {float(r.similarity):.2f}"
            amounts = "; ".join(
                f"{_str(a['before_span']) or '—'} → {_str(a['after_span']) or '—'} "
                f"({DIRECTION_NAMES.get(_str(a['direction']), _str(a['direction']))})"
                for a in r.amounts
            )
            head = f"{CHANGE_NAMES.get(r.change, r.change)}: {ids}{score}" + (
                f" — {_str(r.title)}" if _str(r.title) else ""
            )
            markup = (
                f'<p class="pc-change">{html.escape(head)}</p>'
                + (f'<p class="pc-note">amounts: {html.escape(amounts)}</p>' if amounts else "")
                + '<div class="pc-diff">'
                + f'<div class="pc-diff-head">{html.escape(_edition_label(pair.from_doc))}</div>'
                + f'<div class="pc-diff-head">{html.escape(_edition_label(pair.to_doc))}</div>'
                + _side(r.before, r.segments, "before")
                + _side(r.after, r.segments, "after")
                + "</div>"
            )
            parts.append(Raw(markup, plain=head))
    return block(*parts)


def _inputs(p: dict[str, Any]) -> Inputs:
    district = str(p["district"])
    documents = rows("documents", "district", district)
    return {
        "documents": documents,
        "clauses": rows("clauses", "doc_id", *documents["doc_id"]),
        **{name: rows(name, "district", district) for name in ("edition_pairs", "clause_changes", "amount_changes")},
        # the profile's page name it links back to
        "profile": page_file("district_profile", district),
    }


def _editions(p: dict[str, Any]) -> str:
    if p["district"] is None:
        return ""
    return district_sentence(p["district"], None).replace("Edition shown", "The profile shows")


REPORT = ReportSpec(
    "edition_changes",
    "Edition changes",
    {"district": params_mod.edition_district},
    _summary,
    render_for="editions",
    inputs=_inputs,
    editions=_editions,
)
