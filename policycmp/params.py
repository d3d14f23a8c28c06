"""Validation of the notebooks' papermill parameters, before any work is done.

An unknown district or domain fails at once with a one-line error that lists the valid values::

    ParameterError: unknown district 'hangzhou' (valid: zhenhai, linping, qujiang)

The valid districts and cities come from the registry (``data/raw/sources.yaml``), the domains from
the package's vocabulary, so a new document or domain needs no change here.
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Callable

from . import paths
from .registry import Document, load_registry
from .vocab import DOMAINS


class ParameterError(ValueError):
    """A notebook parameter outside its valid values; the message is one line naming them."""

    def __init__(self, name: str, value: object, valid: list[str] | tuple[str, ...], *, what: str | None = None):
        self.name = name
        self.value = value
        self.valid = list(valid)
        what = what or f"unknown {name}"
        super().__init__(f"{what} {value!r} (valid: {', '.join(map(str, self.valid))})")

    def _render_traceback_(self) -> list[str]:
        # IPython shows this instead of a traceback: the notebook (and papermill's error) say one line.
        return [f"ParameterError: {self}"]


@functools.lru_cache(maxsize=8)
def _registry(sources: Path, mtime_ns: int) -> tuple[Document, ...]:
    return tuple(load_registry(sources))


def documents() -> tuple[Document, ...]:
    """The registered documents, in registry order (cached while sources.yaml is unchanged)."""
    sources = paths.raw_dir() / "sources.yaml"
    try:
        mtime = sources.stat().st_mtime_ns
    except OSError:
        mtime = 0
    return _registry(sources, mtime)


def districts() -> list[str]:
    """District keys that have a policy document, in registry order."""
    return list(dict.fromkeys(d.district for d in documents() if d.kind == "policy"))


def cities() -> list[str]:
    """City keys that have a city work report."""
    return list(dict.fromkeys(d.district for d in documents() if d.kind == "city_work_report"))


def outcome_reports() -> list[tuple[str, int]]:
    """(district, year) of every outcome report."""
    return list(dict.fromkeys((d.district, d.year) for d in documents() if d.kind == "outcome_report"))


def domains() -> list[str]:
    return list(DOMAINS)


def _text(name: str, value: object, valid: list[str]) -> str:
    if not isinstance(value, str):
        raise ParameterError(name, value, valid, what=f"{name} must be a string, not")
    return value.strip().lower()


def _one_of(value: object, name: str, valid: list[str], noun: str) -> str:
    key = _text(name, value, valid)
    if key not in valid:
        raise ParameterError(name, value, valid, what=f"unknown {noun}")
    return key


def district(value: object, name: str = "district") -> str:
    return _one_of(value, name, districts(), "district")


def domain(value: object, name: str = "domain") -> str:
    return _one_of(value, name, domains(), "domain")


def city(value: object, name: str = "city") -> str:
    return _one_of(value, name, cities(), "city")


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


def positive_int(value: object, name: str, *, low: int = 1, high: int = 1000) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ParameterError(name, value, [f"a whole number from {low} to {high}"], what=f"{name} out of range:")
    return int(value)


def outcome_report(district_value: object, year_value: object) -> tuple[str, int]:
    """A (district, year) that has an outcome report."""
    known = outcome_reports()
    valid = [f"{d} {y}" for d, y in known]
    key = district(district_value) if isinstance(district_value, str) else district_value
    if isinstance(year_value, bool) or not isinstance(year_value, int) or (key, year_value) not in known:
        raise ParameterError("district/year", f"{district_value} {year_value}", valid,
                             what="no outcome report for district/year")
    return key, int(year_value)


# Each report's parameters: name → validator (value → validated value). Parameters not listed are
# refused, so a typo in a papermill ``-p`` fails loudly rather than being ignored.
Spec = dict[str, Callable[[Any], Any]]
SPECS: dict[str, Spec] = {
    "corpus_overview": {},
    "subsidy_levels": {"districts": district_list},
    "budgets": {"districts": district_list},
    "targets": {"districts": district_list, "city": city},
    "target_follow_through": {"district": str, "year": int},  # checked together below
    "domain_deep_dive": {"domain": domain, "similar_pairs": lambda v: positive_int(v, "similar_pairs", high=100)},
    "district_profile": {"district": district},
}


def validate(report: str, **values: Any) -> dict[str, Any]:
    """The validated parameters of ``report``; raises :class:`ParameterError` on the first bad one."""
    if report not in SPECS:
        raise ParameterError("report", report, sorted(SPECS), what="unknown report")
    spec = SPECS[report]
    unknown = sorted(set(values) - set(spec))
    if unknown:
        raise ParameterError("parameter", unknown[0], sorted(spec) or ["(none)"],
                             what=f"report {report!r} has no parameter")
    if report == "target_follow_through":
        district_key, year = outcome_report(values.get("district"), values.get("year"))
        return {"district": district_key, "year": year}
    return {name: check(values[name]) for name, check in spec.items() if name in values}
