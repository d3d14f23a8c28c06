"""What the notebooks show: one module per report, each registering itself once in :data:`REPORTS`.

The notebooks show their analysis as a few visible steps — parameters, ``report = views.start(...)``,
then per section: load and filter a table, pivot or rank it with :mod:`policycmp.analysis`, and one
call here that draws or styles the result. Every such call returns something Jupyter displays (a
:class:`~policycmp.report.markup.components.Block` or a figure); the modules here only present.

Adding a report is adding its notebook (``notebooks/NN_<name>.ipynb``) and one :class:`ReportSpec`
in its view module, listed in :data:`REPORTS` below; ``policycmp report`` plans its pages from that.
"""

from __future__ import annotations

import os
from typing import Any

from ...publish.fingerprint import is_stale
from ...vocabulary.loader import begin_page
from .. import params as params_mod
from ..markup.components import reset_ids
from . import budgets, city, district, domain, editions_page, outcomes, overview, subsidies, targets
from .budgets import budget_allocations, budget_checks, budget_rows
from .city import city_facts
from .context import Inputs, Report, ReportSpec, param_text
from .district import (
    profile_clauses,
    profile_domains,
    profile_facts,
    profile_subsidies,
    profile_targets,
    profile_tools,
    profile_top_amounts,
)
from .domain import domain_clauses, domain_overview, domain_quantities, similar_pairs
from .editions import page_editions
from .editions_page import amount_changes, edition_changes, edition_summary
from .figures import setup_figures
from .inputs import every_table
from .labels import use_editions
from .outcomes import outcome_rows, outcome_status, policy_targets_followed
from .overview import anomalies, clauses_by_domain, documents
from .subsidies import instrument_bars, subsidy_matrix, subsidy_rows, unclassified_awards
from .targets import target_matrix, target_rows

# Every report, in reading order: one registration per notebook.
REPORTS: dict[str, ReportSpec] = {
    spec.name: spec
    for spec in (
        overview.REPORT,
        subsidies.REPORT,
        budgets.REPORT,
        targets.REPORT,
        outcomes.REPORT,
        domain.REPORT,
        district.REPORT,
        city.REPORT,
        editions_page.REPORT,
    )
}

__all__ = [
    "REPORTS",
    "Report",
    "ReportSpec",
    "amount_changes",
    "anomalies",
    "budget_allocations",
    "budget_checks",
    "budget_rows",
    "city_facts",
    "clauses_by_domain",
    "documents",
    "domain_clauses",
    "domain_overview",
    "domain_quantities",
    "edition_changes",
    "edition_summary",
    "instrument_bars",
    "outcome_rows",
    "outcome_status",
    "page_inputs",
    "policy_targets_followed",
    "profile_clauses",
    "profile_domains",
    "profile_facts",
    "profile_subsidies",
    "profile_targets",
    "profile_tools",
    "profile_top_amounts",
    "similar_pairs",
    "start",
    "subsidy_matrix",
    "subsidy_rows",
    "target_matrix",
    "target_rows",
    "unclassified_awards",
]


def _spec(report: str) -> ReportSpec:
    if report not in REPORTS:
        raise params_mod.ParameterError("report", report, sorted(REPORTS), what="unknown report")
    return REPORTS[report]


def start(report: str, **values: Any) -> Report:
    """Validate the notebook's parameters (before any other work), then title and summarise it."""
    in_report = bool(os.environ.get("POLICYCMP_IN_REPORT"))
    if in_report:
        # A report's kernel renders page after page and nobody edits a vocabulary in the middle of one: each
        # file is checked once a page. In a researcher's kernel every call still checks (an edit is seen at
        # the next call).
        begin_page()
    spec = _spec(report)
    checked = params_mod.validate(spec.name, spec.parameters, spec.check, values)
    setup_figures()
    reset_ids("-".join([report, *(param_text(v) for v in checked.values())]))
    # Every district is named by the edition the page shows (labels.district_name).
    use_editions(page_editions(checked))
    title, summary = spec.summary(checked)
    shown = spec.editions(checked) if spec.editions is not None else ""
    notes = []
    # `policycmp report` builds right before it runs the notebooks; elsewhere, say when data is old.
    if not in_report and is_stale():
        notes.append(
            "The processed tables were built from other inputs than the current raw data and code: "
            "run `policycmp build` (or `policycmp report`, which builds first) to refresh them."
        )
    return Report(report, checked, title, summary, spec.title, notes, shown)


def page_inputs(report: str, values: dict[str, Any]) -> Inputs:
    """What a page of ``report`` with these parameters shows, as data (see :mod:`.inputs`)."""
    spec = _spec(report)
    checked = params_mod.validate(spec.name, spec.parameters, spec.check, values)
    return spec.inputs(checked) if spec.inputs is not None else every_table()
