"""The province's distribution: where each district stands, as the build published it per edition selection.

The build ranks every district's subsidy amounts and takes the quartiles of every figure a page sets
districts against, once per edition selection (``subsidy_ranks``, ``standings``; the rules are
:mod:`policycmp.standings`). These functions filter those tables; :func:`rank_subsidies` applies the same
rule to rows a researcher chose (some districts, another edition). Each result is computed once per table
file (a kernel renders many pages).
"""

from __future__ import annotations

import pandas as pd

from ..editions import label, selection_key
from ..errors import ParameterError
from ..schema import STANDING_MEASURES
from ..standings import QUARTILE_COLUMNS, SUBSIDY_KEY, district_amounts, one_edition_each, quartiles, with_spread
from .tables import known_year, once_per_file, shared, table

__all__ = [
    "QUARTILE_COLUMNS",
    "across_editions",
    "profile_context",
    "quartiles",
    "rank_subsidies",
    "spreads",
    "standings",
    "subsidy_ranks",
]

# A profile draws these measures of `standings`, by item; and the subsidies of `subsidy_ranks`, by key.
PROFILE_MEASURES = {"clauses": "clauses", "allocations": "allocation", "targets": "target", "tools": "tool_share"}


def subsidy_ranks(year: int | None = None) -> pd.DataFrame:
    """Every district's amount per instrument key (instrument × level × variant × role × unit) in one edition
    each — its default edition, or ``year``'s — with its ``rank`` (1 = the most generous), ``of``,
    ``percentile`` and the key's quartiles, ranked across every district of the corpus (the build's
    ``subsidy_ranks``). A district's amount is the largest its edition states for the key; ``cap`` is the
    most a share or rate pays. A copy the caller may change."""
    key = selection_key(known_year(year))

    def compute() -> pd.DataFrame:
        ranks = table("subsidy_ranks")
        return ranks[ranks["selection"] == key].reset_index(drop=True)

    return once_per_file(f"subsidy_ranks:{key}", ("subsidy_ranks",), compute).copy()


def standings(measure: str | None = None, year: int | None = None) -> pd.DataFrame:
    """Every district's figure per ``measure`` (clauses, quantities, allocation, allocation_share, target,
    tool_share) and item in one edition each, with the quartiles of the districts that have the item (the
    build's ``standings``). A copy the caller may change. A measure or year the corpus does not have is a
    :class:`~policycmp.errors.ParameterError` naming the valid ones."""
    if measure is not None and measure not in STANDING_MEASURES:
        raise ParameterError("measure", measure, STANDING_MEASURES, what="measure: unknown measure")
    key = selection_key(known_year(year))

    def compute() -> pd.DataFrame:
        rows = table("standings")
        return rows[rows["selection"] == key].reset_index(drop=True)

    rows = once_per_file(f"standings:{key}", ("standings",), compute)
    return (rows if measure is None else rows[rows["measure"] == measure]).reset_index(drop=True).copy()


def spreads(measure: str, year: int | None = None) -> pd.DataFrame:
    """One row per item (and unit) of ``measure``: how many districts have it, its quartiles, and whether
    there are two or more to compare (``compared``). ``measure="subsidy"`` gives one row per instrument key."""
    if measure != "subsidy" and measure not in STANDING_MEASURES:
        raise ParameterError("measure", measure, [*STANDING_MEASURES, "subsidy"], what="measure: unknown measure")

    def compute() -> pd.DataFrame:
        if measure == "subsidy":
            rows = subsidy_ranks(year).rename(columns={"of": "districts"})
            keys = SUBSIDY_KEY
        else:
            rows = standings(measure, year)
            keys = ["item", "unit"]
        found = rows.drop_duplicates([*keys], keep="first")[[*keys, *QUARTILE_COLUMNS]].reset_index(drop=True)
        return found.assign(compared=found["districts"] >= 2)

    # Every profile of a selection draws the same quartiles: taken once per table file.
    table_of = ("subsidy_ranks",) if measure == "subsidy" else ("standings",)
    return once_per_file(f"spreads:{measure}:{selection_key(year)}", table_of, compute).copy()


def rank_subsidies(comparisons: pd.DataFrame) -> pd.DataFrame:
    """The build's rule (:func:`policycmp.standings.district_amounts`) applied to ``comparisons`` rows a
    researcher chose: per district and instrument key its largest amount, ranked among the districts of these
    rows (``rank``, ``of``, ``percentile``, quartiles). The rows must hold one edition per district
    (``analysis.table(..., editions=analysis.editions(year))``); two editions of one district are refused.
    The published ranks across the corpus are :func:`subsidy_ranks`."""
    one_edition_each(comparisons, "the comparison rows to rank")
    amounts = district_amounts(comparisons)
    return with_spread(amounts, SUBSIDY_KEY).reset_index(drop=True)


def profile_context(year: int | None = None) -> dict[str, pd.DataFrame]:
    """Every province-wide quartile a district profile draws, per item (:func:`spreads`): clauses and budget
    allocations per domain, subsidy amounts per instrument key, targets per indicator, policy-tool shares.

    Without the number of districts behind each quartile, only whether there are two or more to compare
    (``compared``): a profile does not show the number, so a district added elsewhere re-renders a profile
    only when a quartile it draws moves.
    """

    def compute() -> dict[str, pd.DataFrame]:
        found = {name: spreads(measure, year) for name, measure in PROFILE_MEASURES.items()}
        found["subsidies"] = spreads("subsidy", year)
        return {name: frame.drop(columns="districts") for name, frame in found.items()}

    return once_per_file(f"profile_context:{selection_key(year)}", ("standings", "subsidy_ranks"), compute)


def across_editions(
    comparisons: pd.DataFrame,
    instrument: str,
    level: str | None = None,
    variant: str | None = None,
    role: str = "amount",
    unit: str = "CNY",
) -> pd.DataFrame:
    """One instrument key followed across districts *and* editions: every edition's amount for it (the largest
    it states, as the ranks take it), district by district in registry order and edition by edition, oldest
    first, with the edition's ``year``, ``status``, ``edition`` (1, 2…) and ``label`` (``Qujiang 2024 final``).
    Two editions of a district are two rows here, never one figure; nothing is ranked across them."""
    amounts = district_amounts(comparisons)
    wanted = {"instrument": instrument, "level": level, "variant": variant, "role": role, "unit": unit}
    for column, value in wanted.items():
        amounts = amounts[[_same(v, value) for v in amounts[column]]]
    documents = shared("documents")[["doc_id", "year", "status", "edition"]].astype(object)
    found = amounts.drop(columns=[c for c in ("year", "status") if c in amounts.columns]).merge(
        documents, how="inner", on="doc_id"
    )
    order = {d: i for i, d in enumerate(dict.fromkeys(shared("documents")["district"]))}
    found = found.assign(
        label=[
            f"{str(d).replace('_', ' ').title()} {label(int(y), str(s))}"
            for d, y, s in zip(found["district"], found["year"], found["status"])
        ],
        _d=found["district"].map(order),
    )
    return found.sort_values(["_d", "edition"], kind="stable").drop(columns="_d").reset_index(drop=True)


def _same(value: object, wanted: object) -> bool:
    """A key cell equal to ``wanted``, a missing cell equal to None."""
    missing = value is None or value is pd.NA or (isinstance(value, float) and value != value)
    return wanted is None if missing else value == wanted
