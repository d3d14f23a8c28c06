"""What the corpus holds, as the last build published it: its documents, districts, cities and domains.

Every list is in registry order (the order of ``sources.yaml``), the order the reports show districts in.
"""

from __future__ import annotations

from ..schema import DocumentRow, records
from ..vocabulary import domain_keys
from ..vocabulary.gazetteer import load_gazetteer
from . import tables

# The group of districts the gazetteer does not know.
OTHER_CITY = "other"

_cache: tuple[tuple[int, int], tuple[DocumentRow, ...]] | None = None


def documents() -> tuple[DocumentRow, ...]:
    """The registered documents, in registry order, as the last build published them."""
    global _cache
    key = tables.stamp("documents")
    if _cache is None or _cache[0] != key:
        docs = tuple(records(DocumentRow, tables.shared("documents")))
        _cache = (key, docs)
    return _cache[1]


def districts() -> list[str]:
    """District keys that have a policy document, in registry order."""
    return list(dict.fromkeys(d.district for d in documents() if d.kind == "policy"))


def cities() -> list[str]:
    """City keys that have a city work report."""
    return list(dict.fromkeys(d.district for d in documents() if d.kind == "city_work_report"))


def outcome_reports() -> list[tuple[str, int]]:
    """(district, year) of every outcome report."""
    return list(dict.fromkeys((d.district, d.year) for d in documents() if d.kind == "outcome_report"))


def domains_present() -> list[str]:
    """Domain keys that some clause of the corpus belongs to, in the vocabulary's order."""
    present = set(tables.shared("clauses")["domain"].dropna())
    return [key for key in domain_keys() if key in present]


def city_of(district: object) -> str:
    """The gazetteer's city of a district key; :data:`OTHER_CITY` for one it does not know."""
    place = load_gazetteer().get(str(district))
    if place is None or place.level == "province":
        return OTHER_CITY
    return place.city or place.key  # a city's own key for a city


def city_order(cities: set[str] | list[str]) -> list[str]:
    """Cities in the gazetteer's order, :data:`OTHER_CITY` last."""
    known = [p.key for p in load_gazetteer().cities() if p.key in set(cities)]
    return known + sorted(c for c in set(cities) if c not in known)


def by_city(districts: list[str]) -> dict[str, list[str]]:
    """District keys grouped by city (gazetteer order), each group in the order given."""
    groups: dict[str, list[str]] = {}
    for district in districts:
        groups.setdefault(city_of(district), []).append(district)
    return {city: groups[city] for city in city_order(list(groups))}
