"""Subsidy instruments across districts: what each district states for each instrument and award level.

A district *states an amount*, states the measure *without an amount* (给予相应奖励) or does not have
it (*absent*); the three are kept apart. :func:`subsidy_grid` lays the comparison rows out as one row
per instrument × level × district (× amount), :func:`with_ranks` adds each amount's rank among the
districts (:func:`policycmp.analysis.province.rank_subsidies`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..vocabulary import load_instruments, load_tiers
from ..vocabulary.domains import load_domains
from .amounts import is_missing
from .corpus import districts as corpus_districts

GRID_COLUMNS = [
    "instrument",
    "level",
    "district",
    "category",
    "value",
    "value_high",
    "unit",
    "bound",
    "clause_id",
    "span",
]


def instrument_domain(instrument: str) -> str | None:
    """The policy domain an instrument belongs to (instruments.yaml), None for one it does not know."""
    for known in load_instruments().instruments:
        if known.key == instrument:
            return known.domain or None
    return None


def instrument_order(keys: list[str]) -> list[str]:
    """Instruments grouped by their domain (in domain order), vocabulary order within a domain."""
    position = {i.key: n for n, i in enumerate(load_instruments().instruments)}
    domains = {d: n for n, d in enumerate(load_domains().keys)}
    return sorted(
        set(keys),
        key=lambda k: (domains.get(instrument_domain(k) or "", len(domains)), position.get(k, len(position)), k),
    )


def level_order(levels: list[object]) -> list[object]:
    """Award levels highest first (award_tiers.yaml), then any other level, then None (no level)."""
    tiers = load_tiers().keys
    known: list[object] = [lv for lv in tiers if lv in levels]
    return (
        known
        + sorted(str(lv) for lv in levels if not is_missing(lv) and lv not in tiers)
        + ([None] if any(is_missing(lv) for lv in levels) else [])
    )


def subsidy_grid(comparisons: pd.DataFrame, districts: list[str]) -> pd.DataFrame:
    """Every instrument × level × district of ``districts``, in reading order, with what the district states.

    ``category`` is ``amount`` (one row per amount the district states), ``no_amount`` (one row per
    statement of the measure without a figure) or ``absent`` (one row, no clause). The rows run
    instrument by instrument (grouped by domain), level by level (highest first), district by district
    in the order given. ``level`` is None for an instrument without levels. Unclassified award rows
    (no instrument) are not in the grid.
    """
    table = comparisons[comparisons["district"].isin(districts) & comparisons["instrument"].notna()]
    stated = table[table["stated"]].copy()
    stated["level"] = stated["level"].map(lambda v: None if is_missing(v) else v)
    cells: dict[tuple[Any, Any, Any], pd.DataFrame] = {}
    for (instrument, level, district), rows in stated.groupby(
        ["instrument", "level", "district"], dropna=False, sort=False
    ):
        with_amount = rows[rows["value"].notna()]
        level_key: Any = None if is_missing(level) else level
        cells[(instrument, level_key, district)] = (
            with_amount.assign(category="amount") if len(with_amount) else rows.assign(category="no_amount")
        )
    parts = []
    for instrument in instrument_order(list(table["instrument"])):
        levels = list(dict.fromkeys(lv for (i, lv, _) in cells if i == instrument))
        for tier in level_order(levels) or [None]:
            for district in districts:
                found = cells.get((instrument, tier, district))
                if found is None:
                    absent = {"instrument": instrument, "level": tier, "district": district, "category": "absent"}
                    parts.append(pd.DataFrame([absent]))
                else:
                    parts.append(found.assign(level=pd.Series([tier] * len(found), index=found.index, dtype=object)))
    if not parts:
        return pd.DataFrame(columns=GRID_COLUMNS)
    grid = pd.concat(parts, ignore_index=True)
    return grid.reindex(columns=GRID_COLUMNS).astype({"value": "float64", "value_high": "float64"})


def instrument_coverage(grid: pd.DataFrame) -> pd.DataFrame:
    """Per district × instrument (all its levels together): ``amount`` when any level states one, else
    ``no_amount`` when the measure is stated, else ``absent``."""
    rank = {"amount": 0, "no_amount": 1, "absent": 2}
    best = grid.assign(_r=grid["category"].map(rank)).groupby(["district", "instrument"], sort=False)["_r"].min()
    names = {v: k for k, v in rank.items()}
    return best.map(names).rename("category").reset_index()


def with_ranks(comparisons: pd.DataFrame, ranks: pd.DataFrame, *, stated_only: bool = False) -> pd.DataFrame:
    """The comparison rows in reading order, each stated amount with its district's ``rank``, ``of`` and
    ``percentile`` from ``ranks`` (:func:`~policycmp.analysis.province.rank_subsidies`).

    Rows run instrument by instrument, level by level, district by district in registry order. A
    district that states several amounts for one instrument, level and unit is ranked by its largest;
    each of its rows shows that standing. Rows without an amount have no rank. ``stated_only`` drops
    the rows of measures a district does not have. Award rows no instrument recognises (a null
    ``instrument``) come last.
    """
    table = comparisons[comparisons["stated"]] if stated_only else comparisons
    order = {k: i for i, k in enumerate(instrument_order(list(table["instrument"].dropna())))}
    tiers = list(load_tiers().keys)
    districts = {d: i for i, d in enumerate(corpus_districts())}
    table = table.assign(
        _i=table["instrument"].map(order),
        _l=table["level"].map(lambda lv: tiers.index(lv) if lv in tiers else len(tiers)),
        _d=table["district"].map(lambda d: districts.get(d, len(districts))),
        _key=table["level"].map(lambda v: v if isinstance(v, str) else ""),
    ).sort_values(["_i", "_l", "_d"], kind="stable")
    standing = ranks[["instrument", "level", "unit", "district", "rank", "of", "percentile"]].rename(
        columns={"level": "_key"}
    )
    merged = table.merge(standing, how="left", on=["instrument", "_key", "unit", "district"], validate="many_to_one")
    merged.loc[~merged["stated"], ["rank", "of", "percentile"]] = float("nan")
    return merged.drop(columns=["_i", "_l", "_d", "_key"]).reset_index(drop=True)
