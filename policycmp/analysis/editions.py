"""Which edition of each district a figure uses, as the last build published the corpus.

Every cross-district table, figure and sentence takes one edition per district
(:func:`policycmp.editions.pick`): by default its latest final, else its latest draft; with a year, that
year's final, else its draft. ``analysis.table(name, editions=analysis.editions(year))`` keeps the rows of
those editions only, so nothing adds up two editions of one district.
"""

from __future__ import annotations

import pandas as pd

from ..editions import DEFAULT_SELECTION, label, pick, selection_key
from ..editions import years as edition_years
from . import tables

__all__ = [
    "DEFAULT_SELECTION",
    "edition_districts",
    "editions",
    "every_edition",
    "label",
    "policy_years",
    "selection_key",
]


def editions(year: int | None = None, kind: str = "policy") -> pd.DataFrame:
    """One edition (a row of ``documents``) per district of the corpus: its default edition, or with ``year``
    that year's final, else its draft (a district without an edition of that year is left out). A year no
    document of the corpus is of is a :class:`~policycmp.errors.ParameterError` naming the corpus's years."""
    return picked(tables.known_year(year), kind).astype(object)


def picked(year: int | None = None, kind: str = "policy") -> pd.DataFrame:
    """:func:`policycmp.editions.pick` of the published ``documents``, chosen once per table file (every
    page of a report asks for the same choice; a kernel renders many pages). Shared: select, never modify."""
    return tables.once_per_file(
        f"picked:{year}:{kind}", ("documents",), lambda: pick(tables.shared("documents"), year, kind)
    )


def every_edition(district: str, kind: str = "policy") -> pd.DataFrame:
    """Every edition of ``district``'s documents of ``kind``, oldest first (year, the draft before the final).
    A district the corpus does not have is a :class:`~policycmp.errors.ParameterError`."""
    tables.known_districts(district, "district")
    documents = tables.shared("documents")
    mine = documents[(documents["district"] == district) & (documents["kind"] == kind)]
    return mine.sort_values("edition", kind="stable").reset_index(drop=True).astype(object)


def policy_years() -> list[int]:
    """The years some district has a policy edition of, oldest first."""
    return edition_years(tables.shared("documents"))


def edition_districts() -> list[str]:
    """Districts with two or more policy editions, in registry order: those a page of changes is for."""
    documents = tables.shared("documents")
    policies = documents[documents["kind"] == "policy"]
    return list(dict.fromkeys(policies[policies["editions"] >= 2]["district"]))
