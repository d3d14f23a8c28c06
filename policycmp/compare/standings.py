"""Where each district stands among the districts, per edition selection: ``subsidy_ranks`` and ``standings``.

The pages set districts beside each other: a subsidy amount's rank and percentile, a profile's figures against
the districts' quartiles. Those summaries are computed here once, by the rules of :mod:`policycmp.standings`,
for every edition selection (:func:`policycmp.editions.selections`: each district's default edition, and each
year present), so a page filters a published table instead of recomputing them its own way, and no summary
ever takes two editions of one district.
"""

from __future__ import annotations

import pandas as pd

from ..editions import selections
from ..schema import StandingRow, SubsidyRankRow, dtypes
from ..standings import QUARTILE_COLUMNS, SUBSIDY_KEY, district_amounts, headline_targets, quartiles, with_spread
from ..vocabulary import domain_keys


def _in_selections(rows: pd.DataFrame, chosen: pd.DataFrame) -> pd.DataFrame:
    """Every row of a chosen edition, once per selection that chose it (with the selection's columns)."""
    editions = chosen[["selection", "doc_id", "year", "status"]]
    return rows.drop(columns=[c for c in ("year", "status", "selection") if c in rows.columns]).merge(
        editions, how="inner", on="doc_id"
    )


def subsidy_ranks(comparisons: pd.DataFrame, chosen: pd.DataFrame) -> pd.DataFrame:
    """Each chosen edition's amount per instrument key, ranked within the key and its selection."""
    amounts = district_amounts(comparisons)
    rows = _in_selections(amounts, chosen)
    ranked = with_spread(rows, ["selection", *SUBSIDY_KEY])
    ordered = ranked.sort_values(["selection", "instrument", "district"], kind="stable")
    columns = list(dtypes(SubsidyRankRow))
    return ordered.reindex(columns=columns).reset_index(drop=True).astype(dtypes(SubsidyRankRow))


def _filled(counts: pd.DataFrame, chosen: pd.DataFrame, items: list[str]) -> pd.DataFrame:
    """``counts`` (doc_id, item, value) with 0 for every chosen edition × item it lacks."""
    grid = (
        chosen[["doc_id"]].drop_duplicates().merge(pd.DataFrame({"item": pd.Series(items, dtype=object)}), how="cross")
    )
    if grid.empty:  # no edition, or no item (a corpus of reports alone)
        return pd.DataFrame({"doc_id": [], "item": [], "value": [], "stated": []})
    full = grid.merge(counts.astype({"item": object}), how="left", on=["doc_id", "item"])
    return full.assign(value=full["value"].fillna(0.0), stated=full["value"].fillna(0.0))


def _section_counts(clauses: pd.DataFrame, quantities: pd.DataFrame, chosen: pd.DataFrame) -> list[pd.DataFrame]:
    """Numbered clauses and quantities per domain, 0 where a chosen edition has no such section."""
    docs = set(chosen["doc_id"])
    clauses = clauses[clauses["doc_id"].isin(docs)]
    present = set(clauses["domain"].dropna())
    domains = [d for d in domain_keys() if d in present]
    numbered = clauses[(clauses["row_kind"] == "clause") & clauses["domain"].notna()]
    quantities = quantities[quantities["doc_id"].isin(docs) & quantities["domain"].notna()]
    out = []
    for measure, rows in (("clauses", numbered), ("quantities", quantities)):
        counts = rows.groupby(["doc_id", "domain"]).size().rename("value").reset_index()
        counts = counts.rename(columns={"domain": "item"}).astype({"value": "float64"})
        out.append(_filled(counts, chosen, domains).assign(measure=measure, unit="count"))
    return out


def _allocations(budget_domains: pd.DataFrame) -> list[pd.DataFrame]:
    """Each edition's allocation per domain (yuan) and its share of the document's base (%)."""
    rows = budget_domains.rename(columns={"domain": "item", "n_allocations": "stated"})
    amounts = rows[["doc_id", "item", "value", "stated"]].assign(measure="allocation", unit="CNY")
    shares = rows[rows["share"].notna()]
    shares = shares[["doc_id", "item", "stated"]].assign(
        value=100.0 * shares["share"].astype("float64"), measure="allocation_share", unit="%"
    )
    return [amounts, shares]


def _targets(targets: pd.DataFrame, clauses: pd.DataFrame) -> pd.DataFrame:
    order = dict(zip(clauses["clause_id"].astype(str), clauses["seq"].astype("int64"), strict=True))
    policy = targets[targets["kind_of_source"] == "policy"]
    first = headline_targets(policy, order)
    return first.rename(columns={"indicator": "item"})[
        [
            "doc_id",
            "item",
            "unit",
            "value",
            "value_high",
            "bound",
            "stated",
            "clause_id",
            "span",
            "span_start",
            "span_end",
        ]
    ].assign(measure="target")


def _tool_shares(clause_tools: pd.DataFrame, chosen: pd.DataFrame) -> pd.DataFrame:
    """Each edition's share (%) of its policy-tool mentions per tool type, 0 for a type it never uses.

    Whole percent, as the profile reads them: a district added elsewhere moves a share's quartile by a
    fraction of a percent, which is not worth re-rendering every profile for."""
    counts = clause_tools.groupby(["doc_id", "tool_type"]).size().rename("stated").reset_index()
    counts = counts.rename(columns={"tool_type": "item"})
    types = sorted(set(counts["item"]))
    used = chosen[chosen["doc_id"].isin(set(counts["doc_id"]))]
    full = _filled(counts.rename(columns={"stated": "value"}).astype({"value": "float64"}), used, types)
    total = full.groupby("doc_id")["value"].transform("sum")
    return full.assign(
        stated=full["value"].astype("int64"), value=(100.0 * full["value"] / total).round(0), measure="tool_share"
    ).assign(unit="%")


def standings(tables: dict[str, pd.DataFrame], chosen: pd.DataFrame) -> pd.DataFrame:
    """Every district's figure per measure and item in each selection, with the selection's quartiles."""
    figures = [
        *_section_counts(tables["clauses"], tables["quantities"], chosen),
        *_allocations(tables["budget_domains"]),
        _targets(tables["targets"], tables["clauses"]),
        _tool_shares(tables["clause_tools"], chosen),
    ]
    rows = pd.concat([f for f in figures if len(f)], ignore_index=True) if any(len(f) for f in figures) else None
    if rows is None:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in dtypes(StandingRow).items()})
    with_district = rows.merge(chosen[["doc_id", "district"]].drop_duplicates(), how="inner", on="doc_id")
    picked = _in_selections(with_district, chosen)
    spread = _quartiles_of(picked)
    out = picked.merge(spread, how="left", on=["selection", "measure", "item", "unit"])
    order = {m: i for i, m in enumerate(("clauses", "quantities", "allocation", "allocation_share", "target"))}
    out = out.assign(_m=out["measure"].map(lambda m: order.get(m, len(order))))
    out = out.sort_values(["selection", "_m", "item", "unit", "district"], kind="stable")
    out["stated"] = out["stated"].fillna(0).astype("int64")
    return out.reindex(columns=list(dtypes(StandingRow))).reset_index(drop=True).astype(dtypes(StandingRow))


def _quartiles_of(rows: pd.DataFrame) -> pd.DataFrame:
    return quartiles(rows, ["selection", "measure", "item", "unit"])[
        ["selection", "measure", "item", "unit", *QUARTILE_COLUMNS]
    ]


def selection_tables(tables: dict[str, pd.DataFrame], chosen: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """``subsidy_ranks`` and ``standings`` of one edition selection (``chosen``: its rows of
    :func:`policycmp.editions.selections`), from the tables' rows of the documents it chose.

    A selection's figures depend on its own editions only (the domains and tool types it fills with 0
    are those its editions have), so the build makes each selection once and keeps it until one of its
    editions changes: adding a 2025 edition remakes the default and the 2025 selections, not 2015's."""
    docs = set(chosen["doc_id"])
    mine = {name: frame[frame["doc_id"].isin(docs)] if "doc_id" in frame else frame for name, frame in tables.items()}
    return {"subsidy_ranks": subsidy_ranks(mine["comparisons"], chosen), "standings": standings(mine, chosen)}


def by_selection(chosen: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Each selection's rows of :func:`policycmp.editions.selections`, in the order their rows are published
    (both tables are sorted by selection first)."""
    return {selection: chosen[chosen["selection"] == selection] for selection in sorted(set(chosen["selection"]))}


# the two tables a selection makes, with their rows' types
TABLES = {"subsidy_ranks": SubsidyRankRow, "standings": StandingRow}


def joined_selections(parts: list[dict[str, pd.DataFrame]]) -> dict[str, pd.DataFrame]:
    """The selections' tables, in :func:`by_selection`'s order, as the two published tables."""
    out = {}
    for name, row in TABLES.items():
        frames = [part[name] for part in parts if len(part[name])]
        joined = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(dtypes(row)))
        out[name] = joined.reindex(columns=list(dtypes(row))).astype(dtypes(row))
    return out


def standing_tables(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """``subsidy_ranks`` and ``standings`` from the published tables (documents, clauses, quantities,
    comparisons, budget_domains, targets, clause_tools): every selection's, one after the other."""
    chosen = by_selection(selections(tables["documents"]))
    return joined_selections([selection_tables(tables, mine) for mine in chosen.values()])
