"""The province's distribution: each measure across the corpus's districts, its quartiles, each district's rank.

A district profile sets its figures against these quartiles; the subsidy page ranks every district
within each instrument. Each summary is computed once per table file (a kernel renders many pages).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from .corpus import districts
from .tables import numeric, shared, stamp

T = TypeVar("T")
QUARTILE_COLUMNS = ["districts", "q1", "median", "q3"]
_CACHE: dict[str, tuple[tuple[Any, ...], Any]] = {}


def _cached(name: str, tables: tuple[str, ...], compute: Callable[[], T]) -> T:
    key = tuple(stamp(t) for t in tables)
    hit = _CACHE.get(name)
    if hit is None or hit[0] != key:
        _CACHE[name] = (key, compute())
    return _CACHE[name][1]


def quartiles(values: pd.DataFrame, by: list[str], value: str = "value") -> pd.DataFrame:
    """Per group of ``by``: how many districts, and the quartiles of ``value``.

    Each quartile is the value of an actual district (the nearest rank, without interpolation): the
    amounts districts state are round figures shared by many, so a quartile reads as one of them and
    stays put when a district is added unless it crosses it.
    """
    if values.empty:
        return pd.DataFrame(columns=[*by, *QUARTILE_COLUMNS])
    grouped = values.groupby(by, dropna=False, sort=True)[value]
    out = grouped.agg(
        districts="count",
        q1=lambda s: float(np.percentile(s, 25, method="inverted_cdf")),
        median=lambda s: float(np.percentile(s, 50, method="inverted_cdf")),
        q3=lambda s: float(np.percentile(s, 75, method="inverted_cdf")),
    )
    return out.reset_index()


def clause_counts() -> pd.DataFrame:
    """Numbered clauses per district and domain, 0 where a district has no such section."""

    def compute() -> pd.DataFrame:
        clauses = shared("clauses")
        numbered = clauses[(clauses["row_kind"] == "clause") & clauses["domain"].notna()]
        counts = numbered.groupby(["district", "domain"]).size().rename("value").reset_index()
        full = pd.MultiIndex.from_product(
            [districts(), sorted(set(clauses["domain"].dropna()))], names=["district", "domain"]
        )
        return counts.set_index(["district", "domain"]).reindex(full, fill_value=0).reset_index()

    return _cached("clause_counts", ("clauses", "documents"), compute)


def rank_subsidies(comparisons: pd.DataFrame) -> pd.DataFrame:
    """Per instrument, level, unit and district: the district's amount (its largest, if it states several).

    With ``rank`` (1 = the most generous of the districts that state an amount in that unit), ``of``
    (how many districts state one) and ``percentile`` (the share of those districts whose amount is at
    most this one). ``level`` is ``""`` for an instrument without award levels. Pass the whole
    comparisons table to rank across the corpus, or some districts' rows to rank among them.
    """
    # award rows of no instrument (instrument null) have no instrument to rank within
    stated = comparisons[
        comparisons["stated"].map(lambda v: v is True)
        & comparisons["value"].notna()
        & comparisons["instrument"].notna()
    ].copy()
    stated["value"] = numeric(stated["value"])
    stated["level"] = stated["level"].map(lambda v: v if isinstance(v, str) else "")
    stated = stated.sort_values(["value", "clause_id"], ascending=[False, True], kind="stable")
    keys = ["instrument", "level", "unit"]
    best = stated.drop_duplicates([*keys, "district"]).copy()
    group = best.groupby(keys)["value"]
    best["rank"] = group.rank(method="min", ascending=False).astype("int64")
    best["of"] = group.transform("count").astype("int64")
    best["percentile"] = 100.0 * group.rank(method="max", pct=True)
    return best.reset_index(drop=True)


def subsidy_amounts() -> pd.DataFrame:
    """:func:`rank_subsidies` over every district of the corpus (computed once per table file)."""
    return _cached("subsidy_amounts", ("comparisons",), lambda: rank_subsidies(shared("comparisons")))


def allocations() -> pd.DataFrame:
    """Per district and domain: the budget it allocates to the domain (the sum of its allocations)."""

    def compute() -> pd.DataFrame:
        budgets = shared("budgets")
        rows = budgets[(budgets["role"] == "allocation") & budgets["domain"].notna()].copy()
        rows["value"] = numeric(rows["value"])
        return rows.groupby(["district", "domain"])["value"].sum().reset_index()

    return _cached("allocations", ("budgets",), compute)


def target_values() -> pd.DataFrame:
    """Per indicator, unit and district: the district's headline target (its first base goal, else first goal)."""

    def compute() -> pd.DataFrame:
        targets = shared("targets")
        rows = targets[targets["indicator"].notna() & (targets["kind_of_source"] == "policy")].copy()
        rows["value"] = numeric(rows["value"])
        rows["_stretch"] = rows["stretch"].map(lambda v: v is True)
        rows = rows.sort_values(["_stretch", "clause_id", "span_start"], kind="stable")
        return rows.drop_duplicates(["indicator", "unit", "district"]).drop(columns="_stretch").reset_index(drop=True)

    return _cached("target_values", ("targets",), compute)


def tool_shares() -> pd.DataFrame:
    """Per district and tool type: the type's share (%) of the district's policy-tool mentions."""

    def compute() -> pd.DataFrame:
        tools = shared("clause_tools")
        counts = tools.groupby(["district", "tool_type"]).size().rename("n").reset_index()
        # Whole percent, as the profile reads them: a district added elsewhere moves a share's
        # quartile by a fraction of a percent, which is not worth re-rendering every profile for.
        counts["value"] = (100.0 * counts["n"] / counts.groupby("district")["n"].transform("sum")).round(0)
        return counts

    return _cached("tool_shares", ("clause_tools",), compute)


def profile_context() -> dict[str, pd.DataFrame]:
    """Every province-wide quartile a district profile draws: what its page depends on beyond its own rows.

    Without the number of districts behind each quartile, only whether there are two or more to
    compare (``compared``): a profile does not show the number, so a district added elsewhere
    re-renders a profile only when a quartile it draws moves.
    """

    def spread(values: pd.DataFrame, by: list[str]) -> pd.DataFrame:
        found = quartiles(values, by)
        return found.assign(compared=found["districts"] >= 2).drop(columns="districts")

    def compute() -> dict[str, pd.DataFrame]:
        return {
            "clauses": spread(clause_counts(), ["domain"]),
            "subsidies": spread(subsidy_amounts(), ["instrument", "level", "unit"]),
            "allocations": spread(allocations(), ["domain"]),
            "targets": spread(target_values(), ["indicator", "unit"]),
            "tools": spread(tool_shares(), ["tool_type"]),
        }

    return _cached(
        "profile_context", ("clauses", "documents", "comparisons", "budgets", "targets", "clause_tools"), compute
    )
