"""Editions: which document of a district is which edition, and which one a figure uses.

A district re-issues its policy every year, often first as a draft (征求意见稿) and then as the
final, so a corpus holds several editions of one district and kind. They are ordered by year, and
within a year the draft comes before the final; the registry refuses two documents of one district,
kind, year and status, so the order is total.

Every cross-district figure uses one edition per district: by default its latest final, or its
latest draft when it has no final; a researcher may ask for another year instead (that year's final,
else its draft). The build publishes each document's place (:func:`places`) in ``documents.parquet``;
:func:`pick` makes the choice on that table, so a report needs nothing but the table, and
:func:`of_editions` keeps the rows of any table that belong to the chosen documents. A leaf module:
the build and the reports both import it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from .model import DOCUMENT_STATUSES

# Within a year the draft comes before the final: the order of DOCUMENT_STATUSES.
STATUS_RANK = {status: rank for rank, status in enumerate(DOCUMENT_STATUSES)}


@dataclass(frozen=True)
class Edition:
    """One document as an edition of its district's documents of one kind."""

    doc_id: str
    district: str
    kind: str
    year: int
    status: str

    @property
    def order_key(self) -> tuple[int, int]:
        return (self.year, STATUS_RANK[self.status])

    @property
    def claim(self) -> tuple[str, str, int, str]:
        """What two documents may not share: district, kind, year and status."""
        return (self.district, self.kind, self.year, self.status)


def ordered(editions: Iterable[Edition]) -> dict[tuple[str, str], list[Edition]]:
    """The editions of each (district, kind), oldest first; districts and kinds in sorted order."""
    groups: dict[tuple[str, str], list[Edition]] = {}
    for edition in editions:
        groups.setdefault((edition.district, edition.kind), []).append(edition)
    return {key: sorted(groups[key], key=lambda e: (e.order_key, e.doc_id)) for key in sorted(groups)}


def consecutive(editions: list[Edition]) -> list[tuple[Edition, Edition]]:
    """Each edition with the next one (``editions`` oldest first, as :func:`ordered` gives them)."""
    return list(zip(editions, editions[1:]))


def default_of(editions: list[Edition]) -> Edition:
    """The edition a district's figures use by default: its latest final, else its latest draft."""
    finals = [e for e in editions if e.status == "final"]
    return max(finals or editions, key=lambda e: (e.order_key, e.doc_id))


def chosen_for_year(editions: list[Edition], year: int) -> Edition | None:
    """That year's final, else its draft; None when the district has no edition of that year."""
    of_year = [e for e in editions if e.year == year]
    return max(of_year, key=lambda e: (e.order_key, e.doc_id)) if of_year else None


@dataclass(frozen=True)
class Place:
    """Where a document stands among its district's documents of its kind."""

    edition: int  # 1, 2, 3… oldest first
    editions: int
    previous_doc: str | None
    next_doc: str | None
    is_default: bool


def places(editions: Iterable[Edition]) -> dict[str, Place]:
    """Every edition's place among its district's editions of its kind, by doc id."""
    found: dict[str, Place] = {}
    for group in ordered(editions).values():
        default = default_of(group)
        for n, e in enumerate(group):
            found[e.doc_id] = Place(
                edition=n + 1,
                editions=len(group),
                previous_doc=group[n - 1].doc_id if n else None,
                next_doc=group[n + 1].doc_id if n + 1 < len(group) else None,
                is_default=e is default,
            )
    return found


EDITION_COLUMNS = ["doc_id", "district", "kind", "year", "status"]


def pick(documents: pd.DataFrame, year: int | None = None, kind: str = "policy") -> pd.DataFrame:
    """One edition per district of the published ``documents`` table (or any table with its columns
    doc_id, district, kind, year, status): the default edition, or with ``year`` that year's final,
    else its draft (a district without an edition of that year is left out). Rows sorted by district.
    """
    rows = documents[documents["kind"] == kind]
    columns = (rows[name].tolist() for name in EDITION_COLUMNS)
    found = [Edition(str(d), str(di), str(k), int(y), str(s)) for d, di, k, y, s in zip(*columns, strict=True)]
    picked = []
    for group in ordered(found).values():
        choice = default_of(group) if year is None else chosen_for_year(group, year)
        if choice is not None:
            picked.append(choice.doc_id)
    chosen = rows[rows["doc_id"].isin(picked)]
    return chosen.sort_values("district", kind="stable").reset_index(drop=True)


def of_editions(table: pd.DataFrame, chosen: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``table`` (any table with a ``doc_id`` column) that belong to the ``chosen``
    editions (:func:`pick`), so no figure adds up two editions of one district."""
    return table[table["doc_id"].isin(chosen["doc_id"])]


# The edition selections the build summarises (policycmp.compare.standings): each district's default
# edition, and each year some district has an edition of.
DEFAULT_SELECTION = "default"


def selection_key(year: int | None) -> str:
    """How a published summary names an edition selection: ``default``, or the year (``2024``)."""
    return DEFAULT_SELECTION if year is None else str(int(year))


def years(documents: pd.DataFrame, kind: str = "policy") -> list[int]:
    """The years some district has an edition of ``kind`` of, oldest first."""
    return sorted({int(y) for y in documents[documents["kind"] == kind]["year"]})


def selections(documents: pd.DataFrame, kind: str = "policy") -> pd.DataFrame:
    """Every edition selection of ``documents``, one row per selection and district: ``selection`` (see
    :func:`selection_key`), and the chosen document's doc_id, district, year and status (:func:`pick`)."""
    parts = [
        pick(documents, year, kind)[["doc_id", "district", "year", "status"]].assign(selection=selection_key(year))
        for year in [None, *years(documents, kind)]
    ]
    found = pd.concat(parts, ignore_index=True)
    return found[["selection", "doc_id", "district", "year", "status"]]


def label(year: int, status: str) -> str:
    """An edition as the pages name it: ``2024 final``, ``2024 draft``."""
    return f"{year} {status}"
