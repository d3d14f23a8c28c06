"""Validation of the notebooks' papermill parameters, before any work is done.

An unknown district or domain fails at once with a one-line error that lists the valid values::

    ParameterError: unknown district 'hangzhou' (valid: zhenhai, linping, qujiang)

The valid districts and cities come from the published ``documents`` table (the registry as the
build read it, through :mod:`policycmp.analysis.corpus`), the domains from the domain vocabulary,
so a new document or domain needs no change here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..analysis.corpus import cities, districts, documents, domains_present, outcome_reports
from ..analysis.editions import edition_districts, editions, policy_years
from ..errors import ParameterError
from ..vocabulary import domain_keys

__all__ = [
    "ParameterError",
    "cities",
    "city",
    "district",
    "district_list",
    "districts",
    "documents",
    "domain",
    "domains",
    "domains_present",
    "edition_district",
    "edition_districts",
    "edition_year",
    "editions",
    "outcome_report",
    "outcome_reports",
    "positive_int",
    "validate",
]


def domains() -> list[str]:
    return list(domain_keys())


def _text(name: str, value: object, valid: list[str]) -> str:
    if not isinstance(value, str):
        raise ParameterError(name, value, valid, what=f"{name} must be a string, not")
    return value.strip().lower()


def _first(valid: list[str], name: str, noun: str) -> str:
    """What a parameter left at ``None`` means: the corpus's first one (notebook defaults name none)."""
    if not valid:
        raise ParameterError(name, None, ["(none)"], what=f"the corpus has no {noun}, so {name} cannot be")
    return valid[0]


def _one_of(value: object, name: str, valid: list[str], noun: str) -> str:
    if value is None:
        return _first(valid, name, noun)
    key = _text(name, value, valid)
    if key not in valid:
        raise ParameterError(name, value, valid, what=f"unknown {noun}")
    return key


def district(value: object, name: str = "district") -> str:
    """A district with a policy; ``None`` is the corpus's first."""
    return _one_of(value, name, districts(), "district")


def domain(value: object, name: str = "domain") -> str:
    """A domain of the vocabulary; ``None`` is the first one the corpus's clauses have."""
    if value is None:
        return _first(domains_present(), name, "domain")
    return _one_of(value, name, domains(), "domain")


def city(value: object, name: str = "city") -> str:
    """A city with a work report; ``None`` is the corpus's first."""
    return _one_of(value, name, cities(), "city work report")


def district_list(value: object, name: str = "districts") -> list[str]:
    """``"all"``, a comma-separated string or a list of district keys → keys in registry order."""
    valid = districts()
    if isinstance(value, str):
        items = valid if value.strip().lower() == "all" else [v for v in value.split(",") if v.strip()]
    elif isinstance(value, (list, tuple)):
        items = list(value)
    else:
        raise ParameterError(name, value, ["all", *valid], what=f"{name} must be 'all' or district keys, not")
    if not items:
        raise ParameterError(name, value, ["all", *valid], what=f"{name} names no district:")
    keys = {district(item, name) for item in items}
    return [d for d in valid if d in keys]


def edition_year(value: object, name: str = "year") -> int | None:
    """The year whose editions a page shows (that year's final, else its draft, per district); ``None`` is
    each district's default edition (its latest final, else its latest draft)."""
    if value is None:
        return None
    valid = [str(y) for y in policy_years()]
    if isinstance(value, bool) or not isinstance(value, (int, str)) or str(value).strip() not in valid:
        raise ParameterError(name, value, valid or ["(none)"], what=f"no policy edition of {name}")
    return int(str(value).strip())


def _with_edition(district_key: str, year: int | None, name: str) -> str:
    """``district_key`` when it has a policy edition of ``year`` (any, for None)."""
    if year is None:
        return district_key
    valid = list(editions(year)["district"])
    if district_key not in valid:
        raise ParameterError(name, district_key, valid, what=f"no policy edition of {year} for district")
    return district_key


def districts_of_year(values: dict[str, Any]) -> dict[str, Any]:
    """``districts`` and ``year`` checked together: ``"all"`` is every district with an edition of the year."""
    year = edition_year(values.get("year"))
    chosen = district_list(values.get("districts", "all"))
    if year is not None:
        if str(values.get("districts", "all")).strip().lower() == "all":
            chosen = [d for d in chosen if d in set(editions(year)["district"])]
        else:
            chosen = [_with_edition(d, year, "districts") for d in chosen]
    return {"districts": chosen, "year": year}


def district_of_year(values: dict[str, Any]) -> dict[str, Any]:
    """``district`` and ``year`` checked together: the district must have a policy edition of the year."""
    year = edition_year(values.get("year"))
    return {"district": _with_edition(district(values.get("district")), year, "district"), "year": year}


def edition_district(value: object, name: str = "district") -> str | None:
    """A district with two or more policy editions; ``None`` is the corpus's first (and stays None in a corpus
    without one: the notebook then says there is nothing to compare, as `policycmp report` renders no page)."""
    valid = edition_districts()
    if value is None and not valid:
        return None
    return _one_of(value, name, valid, "district with two or more policy editions")


def year_only(values: dict[str, Any]) -> dict[str, Any]:
    return {"year": edition_year(values.get("year"))}


def positive_int(value: object, name: str, *, low: int = 1, high: int = 1000) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ParameterError(name, value, [f"a whole number from {low} to {high}"], what=f"{name} out of range:")
    return int(value)


def outcome_report(district_value: object, year_value: object) -> tuple[str, int]:
    """A (district, year) that has an outcome report; both ``None`` is the corpus's first."""
    known = outcome_reports()
    valid = [f"{d} {y}" for d, y in known]
    if district_value is None and year_value is None:
        first = _first(valid, "district/year", "outcome report")
        return known[valid.index(first)]
    key = district_value.strip().lower() if isinstance(district_value, str) else district_value
    if isinstance(year_value, bool) or not isinstance(year_value, int) or (key, year_value) not in known:
        raise ParameterError(
            "district/year", f"{district_value} {year_value}", valid, what="no outcome report for district/year"
        )
    return str(key), int(year_value)


def outcome_year(values: dict[str, Any]) -> dict[str, Any]:
    """``district`` and ``year`` of a report that needs an outcome report, checked together."""
    district_key, year = outcome_report(values.get("district"), values.get("year"))
    return {"district": district_key, "year": year}


def validate(
    report: str,
    spec: dict[str, Callable[[Any], Any]],
    check: Callable[[dict[str, Any]], dict[str, Any]] | None,
    values: dict[str, Any],
) -> dict[str, Any]:
    """The validated parameters of ``report``; raises :class:`ParameterError` on the first bad one.

    Parameters not in ``spec`` are refused, so a typo in a papermill ``-p`` fails loudly rather than
    being ignored.
    """
    unknown = sorted(set(values) - set(spec))
    if unknown:
        raise ParameterError(
            "parameter", unknown[0], sorted(spec) or ["(none)"], what=f"report {report!r} has no parameter"
        )
    if check is not None:
        return check(values)
    return {name: validator(values[name]) for name, validator in spec.items() if name in values}
