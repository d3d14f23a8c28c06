"""What changed from one edition of a district's policy to the next, for researchers in Jupyter and for the pages.

The build pairs the editions (``clause_changes``, ``amount_changes``, ``edition_pairs``); this module only
reads those tables and the clause texts:

- :func:`changes` — every clause row of a district's pairs of editions, in reading order, with both texts
  (differences marked ``[-…-]`` and ``{+…+}``) and the amounts that changed;
- :func:`text_diff` — the character differences of two texts as :class:`Segment` s (presentation-free:
  a page renders them as it likes, escaping every text);
- :func:`pair_of` — one clause beside its counterpart in the next edition, with their differences (the
  report's :class:`policycmp.report.changes.SideBySide` shows it in Jupyter).
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

import pandas as pd

from .tables import known_districts, rows_where


class NotPairedError(KeyError, ValueError):
    """A clause id that is in no pair of editions. Both a KeyError and a ValueError, as a lookup's miss is."""

    def __str__(self) -> str:  # KeyError would print the message in quotes
        return str(self.args[0])


Tables = dict[str, pd.DataFrame]
TABLES = ("clauses", "clause_changes", "amount_changes")
CHANGE_COLUMNS: dict[str, str] = {
    "from_doc": "string",
    "to_doc": "string",
    "row_no": "int64",
    "change": "string",
    "similarity": "float64",
    "from_clause": "string",
    "to_clause": "string",
    "before": "string",
    "after": "string",
    "amounts": "string",
}
DELETED = ("[-", "-]")
INSERTED = ("{+", "+}")


@dataclass(frozen=True)
class Segment:
    """A stretch of two texts: ``equal`` (the same in both), ``delete`` (only in the older), ``insert`` (only
    in the newer) or ``replace`` (``before`` became ``after``)."""

    op: str
    before: str
    after: str


def text_diff(before: str, after: str) -> list[Segment]:
    """The character differences that turn ``before`` into ``after``, in order (difflib's opcodes)."""
    matcher = SequenceMatcher(None, before, after, autojunk=False)
    return [Segment(op, before[i1:i2], after[j1:j2]) for op, i1, i2, j1, j2 in matcher.get_opcodes()]


def marked(segments: list[Segment]) -> tuple[str, str]:
    """Both texts as plain text, what the older lost in ``[-…-]`` and what the newer gained in ``{+…+}``."""
    before = "".join(s.before if s.op == "equal" else _wrap(s.before, DELETED) for s in segments)
    after = "".join(s.after if s.op == "equal" else _wrap(s.after, INSERTED) for s in segments)
    return before, after


def _wrap(text: str, marks: tuple[str, str]) -> str:
    return f"{marks[0]}{text}{marks[1]}" if text else ""


def changes(district: str, tables: Tables, *, changed_only: bool = False) -> pd.DataFrame:
    """Every clause row of ``district``'s pairs of consecutive editions, pair by pair (oldest first) and in
    reading order within a pair: the change, the similarity, both texts with their differences marked, and
    the amounts that changed (``150万元 → 200万元``). ``changed_only`` drops the unchanged rows.

    A district with one edition has no pair, so no rows; a district ``tables["clauses"]`` does not have is a
    :class:`~policycmp.errors.ParameterError` naming the districts it has."""
    known_districts(district, "district", valid=[str(d) for d in dict.fromkeys(tables["clauses"]["district"])])
    pairs = tables["clause_changes"]
    rows = pairs[pairs["district"] == district]
    if changed_only:
        rows = rows[rows["change"] != "unchanged"]
    texts = _texts(tables["clauses"])
    amounts = _amounts(tables["amount_changes"])
    out = []
    for row in rows.itertuples(index=False):
        old, new = _id(row.from_clause), _id(row.to_clause)
        if old and new:
            before, after = marked(text_diff(texts.get(old, ""), texts.get(new, "")))
        else:  # an added or removed clause: its text as it is
            before, after = texts.get(old or "", ""), texts.get(new or "", "")
        out.append(
            {
                **_pair_row(row),
                "before": before if old else None,
                "after": after if new else None,
                "amounts": amounts.get((old, new)),
            }
        )
    return pd.DataFrame(out, columns=list(CHANGE_COLUMNS)).astype(CHANGE_COLUMNS)


def _pair_row(row: Any) -> dict[str, Any]:
    """A clause_changes row's pair: both documents, its place, the change, the similarity, both clause ids."""
    return {
        "from_doc": row.from_doc,
        "to_doc": row.to_doc,
        "row_no": row.row_no,
        "change": row.change,
        "similarity": row.similarity,
        "from_clause": _id(row.from_clause),
        "to_clause": _id(row.to_clause),
    }


def _id(value: object) -> str | None:
    return None if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)) else str(value)


def _texts(clauses: pd.DataFrame) -> dict[str, str]:
    return dict(zip(clauses["clause_id"].astype(str), clauses["text"].astype(str), strict=True))


def _amounts(amount_changes: pd.DataFrame) -> dict[tuple[str | None, str | None], str]:
    """``150万元 → 200万元; — → 50万元`` for each pair of clauses, in the order of the table."""
    found: dict[tuple[str | None, str | None], list[str]] = {}
    for row in amount_changes.itertuples(index=False):
        before = _id(row.before_span) or "—"
        after = _id(row.after_span) or "—"
        found.setdefault((_id(row.from_clause), _id(row.to_clause)), []).append(f"{before} → {after}")
    return {key: "; ".join(parts) for key, parts in found.items()}


@dataclass(frozen=True)
class Pair:
    """A clause and its counterpart in the other edition, with their character differences."""

    from_clause: str | None
    to_clause: str | None
    change: str
    similarity: float | None
    segments: list[Segment]
    amounts: str | None


def pair_of(clause_id: str, tables: Tables) -> Pair:
    """``clause_id`` beside its counterpart: in the next edition, or, for a clause of a district's latest
    edition, in the one before. Raises :class:`NotPairedError` for a clause of no pair of editions."""
    pairs = tables["clause_changes"]
    found = pairs[pairs["from_clause"] == clause_id]
    if found.empty:
        found = pairs[pairs["to_clause"] == clause_id]
    if found.empty:
        raise NotPairedError(
            f"{clause_id!r} is in no pair of editions (clause_changes.parquet); a district with one edition has none"
        )
    row = found.iloc[0]
    old, new = _id(row["from_clause"]), _id(row["to_clause"])
    texts = _texts(tables["clauses"])
    similarity = None if pd.isna(row["similarity"]) else float(row["similarity"])
    return Pair(
        old,
        new,
        str(row["change"]),
        similarity,
        text_diff(texts.get(old or "", ""), texts.get(new or "", "")),
        _amounts(tables["amount_changes"]).get((old, new)),
    )


AMOUNT_FIELDS = (
    "before",
    "after",
    "before_high",
    "after_high",
    "before_bound",
    "after_bound",
    "unit",
    "direction",
    "before_span",
    "after_span",
)
PAIR_SUMMARY = [
    "unchanged",
    "reworded",
    "amounts_changed",
    "added",
    "removed",
    "amounts_up",
    "amounts_down",
    "amounts_added",
    "amounts_removed",
]


def district_tables(district: str | None) -> Tables:
    """The published rows of ``district``'s editions: its documents, their clauses, and the pairing tables
    (none for None). A district the corpus does not have is a :class:`~policycmp.errors.ParameterError`."""
    if district is not None:
        known_districts(district, "district")
    documents = rows_where("documents", "district", district)
    return {
        "documents": documents,
        "clauses": rows_where("clauses", "doc_id", *documents["doc_id"]),
        **{
            name: rows_where(name, "district", district)
            for name in ("edition_pairs", "clause_changes", "amount_changes")
        },
    }


def edition_pairs(district: str | None, tables: Tables | None = None) -> pd.DataFrame:
    """The pairs of consecutive editions of ``district``'s policy, oldest first, with their counts (the build's
    ``edition_pairs``: what an edition page opens with) and each edition's year and status. ``tables`` default
    to the published ones (:func:`district_tables`)."""
    tables = district_tables(district) if tables is None else tables
    pairs = tables["edition_pairs"]
    mine = pairs[pairs["district"] == district]
    order = {d: i for i, d in enumerate(tables["documents"].sort_values("edition", kind="stable")["doc_id"])}
    return (
        mine.assign(_o=mine["from_doc"].map(order))
        .sort_values("_o", kind="stable")
        .drop(columns="_o")
        .reset_index(drop=True)
    )


def changed_clauses(district: str | None, tables: Tables | None = None) -> pd.DataFrame:
    """Every changed clause row of ``district``'s pairs of editions (not the unchanged ones), pair by pair
    (oldest first) and in reading order within a pair: the change, the similarity, both clause ids, titles
    and texts, the character differences of a pair (``segments``, :func:`text_diff`; empty for a clause
    added or removed) and its amounts that changed (``amounts``: dicts of before, after, unit, direction and
    both spans, in the table's order). ``tables`` default to the published ones (:func:`district_tables`)."""
    tables = district_tables(district) if tables is None else tables
    pairs = edition_pairs(district, tables)
    rows = tables["clause_changes"]
    rows = rows[(rows["district"] == district) & (rows["change"] != "unchanged")]
    order = {(a, b): i for i, (a, b) in enumerate(zip(pairs["from_doc"], pairs["to_doc"]))}
    rows = rows.assign(_p=[order.get((a, b), len(order)) for a, b in zip(rows["from_doc"], rows["to_doc"])])
    rows = rows.sort_values(["_p", "row_no"], kind="stable")
    clauses = tables["clauses"]
    texts = _texts(clauses)
    titles = dict(zip(clauses["clause_id"].astype(str), clauses["title"]))
    amounts: dict[tuple[str, str], list[dict[str, object]]] = {}
    for amount in tables["amount_changes"].to_dict("records"):
        key = (str(amount["from_clause"]), str(amount["to_clause"]))
        amounts.setdefault(key, []).append({k: amount[k] for k in AMOUNT_FIELDS})
    out = []
    for row in rows.itertuples(index=False):
        old, new = _id(row.from_clause), _id(row.to_clause)
        before, after = texts.get(old or "", ""), texts.get(new or "", "")
        out.append(
            {
                **_pair_row(row),
                "similarity": _score(row.similarity),
                "title": _title(titles.get(new or "") or titles.get(old or "")),
                "before": before if old else None,
                "after": after if new else None,
                "segments": text_diff(before, after) if old and new else [],
                "amounts": amounts.get((old or "", new or ""), []),
            }
        )
    columns = [
        "from_doc",
        "to_doc",
        "row_no",
        "change",
        "similarity",
        "from_clause",
        "to_clause",
        "title",
        "before",
        "after",
        "segments",
        "amounts",
    ]
    return pd.DataFrame(out, columns=columns)


def _title(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _score(value: Any) -> float | None:
    return None if value is None or value is pd.NA or value != value else float(value)
