"""Analysis over the published tables: the shaping every report page does, as functions a researcher calls.

Each report notebook is a few visible steps over these — load and filter a table, pivot or rank it,
then one call of :mod:`policycmp.report.views` that draws or styles the result — so the same table for
another instrument, edition or set of districts is the same steps with other arguments::

    from policycmp import analysis
    chosen = analysis.editions()   # one edition per district (or analysis.editions(2024))
    comparisons = analysis.table("comparisons", districts=["zhenhai", "qujiang"], editions=chosen)
    analysis.with_ranks(comparisons, analysis.subsidy_ranks())   # the build's ranks across the corpus

Every cross-district figure takes one edition per district: ``analysis.editions(year)`` chooses them (the
default: each district's latest final, else its latest draft), ``table(name, editions=...)`` keeps their rows,
and the functions that add up or rank across districts refuse two editions of one district. Ranks and
quartiles across the corpus are the build's (``subsidy_ranks``, ``standings``), filtered here.

This stage sits between ``publish`` and ``report``: it reads only the published tables and the
vocabularies, and draws nothing.

tables     a published table, filtered to districts, a domain or editions (:func:`table`)
editions   which edition of each district a figure uses; every edition of a district
corpus     the corpus's documents, districts, cities; districts grouped by city
amounts    how amounts read: 150万元, 37.27亿元, the exact yuan
province   the build's ranks and quartiles per edition selection; the same rules on rows of one's own
subsidies  instrument × level × variant × district grids, ranked rows, caps with their shares, awards of
           no instrument
budgets    per-district totals, per-domain allocations and shares (the build's sums), consistency checks
counts     clauses and quantities per domain and district
domain     one domain's sections across districts
profile    one district's edition set against the districts: domains, subsidies, targets, tools
quantities the largest amounts
targets    districts and their cities side by side, headline targets, the indicators a figure compares,
           phrases outside the vocabulary, the outcome rows that report on each policy target
changes    what changed between consecutive editions: the pairs, clause rows, character differences, amounts
"""

from __future__ import annotations

from .amounts import exact_amount, figure_amount, format_amount
from .budgets import budget_checks, budget_totals, domain_allocations
from .changes import changed_clauses, edition_pairs
from .corpus import by_city, cities, city_of, districts, documents
from .counts import counts_by_domain, kinds_by_district
from .domain import section_summaries
from .editions import edition_districts, editions, every_edition, policy_years
from .profile import (
    NoEdition,
    edition_of,
    edition_rows,
    profile_domains,
    profile_subsidies,
    profile_targets,
    profile_tools,
)
from .province import across_editions, profile_context, quartiles, rank_subsidies, spreads, standings, subsidy_ranks
from .quantities import largest
from .subsidies import instrument_coverage, subsidy_grid, unclassified_awards, with_caps, with_ranks
from .tables import MissingTable, table
from .targets import (
    compared_indicators,
    districts_and_cities,
    followed_targets,
    headline_targets,
    indicator_spread,
    unmapped_phrases,
)

__all__ = [
    "MissingTable",
    "NoEdition",
    "across_editions",
    "budget_checks",
    "budget_totals",
    "by_city",
    "changed_clauses",
    "cities",
    "city_of",
    "compared_indicators",
    "counts_by_domain",
    "districts",
    "districts_and_cities",
    "documents",
    "domain_allocations",
    "edition_districts",
    "edition_of",
    "edition_pairs",
    "edition_rows",
    "editions",
    "every_edition",
    "exact_amount",
    "figure_amount",
    "followed_targets",
    "format_amount",
    "headline_targets",
    "indicator_spread",
    "instrument_coverage",
    "kinds_by_district",
    "largest",
    "policy_years",
    "profile_context",
    "profile_domains",
    "profile_subsidies",
    "profile_targets",
    "profile_tools",
    "quartiles",
    "rank_subsidies",
    "section_summaries",
    "spreads",
    "standings",
    "subsidy_grid",
    "subsidy_ranks",
    "table",
    "unclassified_awards",
    "unmapped_phrases",
    "with_caps",
    "with_ranks",
]
