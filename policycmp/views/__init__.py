"""What the notebooks show: loading the tables, shaping them for display, and the figures.

The notebooks stay thin — parameters, ``report = views.start(...)``, then one call per section —
and every such call returns something Jupyter displays (a :class:`policycmp.html.Block`). A section
whose table is not built yet shows a notice saying so instead of failing, so a report renders while
a stage of ``policycmp build`` is still being written.

One module per report — ``overview`` (01), ``subsidies`` (02), ``budgets`` (03), ``targets`` (04),
``outcomes`` (05), ``domain`` (06), ``district`` (07) — and ``common``, what they share (labels,
loading, the report context, the figure style and SVG output). This package re-exports the sections
and the shared helpers, so ``from policycmp import views; views.subsidy_matrix(report)`` is all a
notebook needs.
"""
from __future__ import annotations

import os
from typing import Any, Callable

from .. import params as params_mod
from ..html import reset_ids
from .budgets import _budget_summary, budget_allocations, budget_checks, budget_rows
from .common import (CATEGORY_COLOURS, KIND_NAMES, LEVEL_NAMES, LEVEL_ZH, PALETTE, STATUS_COLOURS, STATUS_NAMES,
                     STYLE, TITLES, TOOL_COLOURS, TOOL_NAMES, Report, TableMissing, _param_text, district_colour,
                     district_keys, district_name, district_palette, district_zh, domain_name, domain_zh, figure,
                     indicator_labels, indicator_name, instrument_labels, instrument_name, instrument_zh,
                     level_name, load, maybe, section, setup_figures, svg)
from .district import (_profile_summary, profile_domains, profile_facts, profile_subsidies, profile_targets,
                       profile_tools, profile_top_amounts)
from .domain import _domain_summary, domain_clauses, domain_overview, domain_quantities, similar_pairs
from .outcomes import _follow_summary, outcome_rows, outcome_status, policy_targets_followed
from .overview import _overview_summary, anomalies, clauses_by_domain, documents
from .subsidies import _subsidies_summary, instrument_domain, subsidy_matrix, subsidy_rows
from .targets import _targets_summary, target_matrix, target_rows

__all__ = [
    # the report's start
    "start", "Report", "SUMMARIES", "TITLES",
    # sections, in notebook order
    "documents", "clauses_by_domain", "anomalies",
    "subsidy_matrix", "subsidy_rows",
    "budget_allocations", "budget_checks", "budget_rows",
    "target_matrix", "target_rows",
    "outcome_status", "policy_targets_followed", "outcome_rows",
    "domain_overview", "domain_clauses", "domain_quantities", "similar_pairs",
    "profile_facts", "profile_domains", "profile_subsidies", "profile_top_amounts", "profile_targets",
    "profile_tools",
    # labels and colours
    "CATEGORY_COLOURS", "KIND_NAMES", "LEVEL_NAMES", "LEVEL_ZH", "PALETTE", "STATUS_COLOURS", "STATUS_NAMES",
    "TOOL_COLOURS", "TOOL_NAMES", "district_colour", "district_keys", "district_name", "district_palette",
    "district_zh", "domain_name", "domain_zh", "indicator_labels", "indicator_name", "instrument_domain",
    "instrument_labels", "instrument_name", "instrument_zh", "level_name",
    # loading and plumbing
    "TableMissing", "load", "maybe", "section",
    # figures
    "STYLE", "setup_figures", "figure", "svg",
]


def start(report: str, **values: Any) -> Report:
    """Validate the notebook's parameters (before any other work), then title and summarise it."""
    checked = params_mod.validate(report, **values)
    setup_figures()
    reset_ids("-".join([report, *(_param_text(v) for v in checked.values())]))
    title, summary = SUMMARIES[report](checked)
    notes = []
    try:
        from ..build import is_stale

        # `policycmp report` builds right before it runs the notebooks; elsewhere, say when data is old.
        if not os.environ.get("POLICYCMP_IN_REPORT") and is_stale():
            notes.append("The processed tables were built from other inputs than the current raw data and code: "
                         "run `policycmp build` (or `policycmp report`, which builds first) to refresh them.")
    except Exception:  # a broken registry is reported by the build itself
        pass
    return Report(report, checked, title, summary, notes)


SUMMARIES: dict[str, Callable[[dict[str, Any]], tuple[str, str]]] = {
    "corpus_overview": _overview_summary,
    "subsidy_levels": _subsidies_summary,
    "budgets": _budget_summary,
    "targets": _targets_summary,
    "target_follow_through": _follow_summary,
    "domain_deep_dive": _domain_summary,
    "district_profile": _profile_summary,
}
