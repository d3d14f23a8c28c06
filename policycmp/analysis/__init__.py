"""Analysis over the published tables: the shaping every report page does, as functions a researcher calls.

Each report notebook is a few visible steps over these — load and filter a table, pivot or rank it,
then one call of :mod:`policycmp.report.views` that draws or styles the result — so the same table for
another instrument, edition or set of districts is the same steps with other arguments::

    from policycmp import analysis
    comparisons = analysis.table("comparisons", districts=["zhenhai", "qujiang"])
    ranks = analysis.rank_subsidies(analysis.table("comparisons"))   # across the corpus
    analysis.with_ranks(comparisons, ranks)

This stage sits between ``publish`` and ``report``: it reads only the published tables and the
vocabularies, and draws nothing.

tables     a published table, filtered to districts or a domain (:func:`table`)
corpus     the corpus's documents, districts, cities; districts grouped by city
amounts    how amounts read: 150万元, 37.27亿元, the exact yuan
province   quartiles and ranks of each measure across the districts
subsidies  instrument × level × district grids and ranked subsidy rows
budgets    per-district totals, per-domain allocations and shares, consistency checks
counts     clauses and quantities per domain and district
quantities the largest amounts
targets    districts and their cities side by side, headline targets, phrases outside the vocabulary,
           the outcome rows that report on each policy target
changes    what changed between consecutive editions: clause rows, character differences, amounts
"""

from __future__ import annotations

from .amounts import exact_amount, figure_amount, format_amount
from .budgets import budget_checks, budget_totals, domain_allocations
from .corpus import by_city, cities, city_of, districts, documents
from .counts import counts_by_domain, kinds_by_district
from .province import profile_context, quartiles, rank_subsidies
from .quantities import largest
from .subsidies import instrument_coverage, subsidy_grid, with_ranks
from .tables import MissingTable, table
from .targets import districts_and_cities, followed_targets, headline_targets, unmapped_phrases

__all__ = [
    "MissingTable",
    "budget_checks",
    "budget_totals",
    "by_city",
    "cities",
    "city_of",
    "counts_by_domain",
    "districts",
    "districts_and_cities",
    "documents",
    "domain_allocations",
    "exact_amount",
    "figure_amount",
    "followed_targets",
    "format_amount",
    "headline_targets",
    "instrument_coverage",
    "kinds_by_district",
    "largest",
    "profile_context",
    "quartiles",
    "rank_subsidies",
    "subsidy_grid",
    "table",
    "unmapped_phrases",
    "with_ranks",
]
