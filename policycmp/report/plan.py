"""Which pages ``policycmp report`` renders, planned from what the corpus holds.

A report registered with ``render_for`` (see :mod:`.views`) gets one page per value the published
tables have: per domain some clause belongs to, per district with a policy, per outcome report
(district and year), per city with a work report, per district with two or more policy editions. A
report with nothing to render for is listed as absent, with the reason, and so is a domain of the
vocabulary that no district has.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import PolicyInputError
from . import params
from .pages import notebooks, notebooks_dir, page_name, report_name
from .views import REPORTS
from .views.labels import domain_name, domain_zh

__all__ = ["Absent", "Job", "Plan", "notebooks_dir", "plan"]


@dataclass(frozen=True)
class Job:
    """One rendered page: a notebook and its parameters."""

    notebook: str  # file name in notebooks/
    name: str  # output stem: 06_domain_deep_dive-innovation
    report: str  # the registered report: domain_deep_dive
    parameters: dict[str, Any] = field(hash=False)
    title: str = ""  # the report's title (the page's own comes from the executed notebook)
    order: int = 0  # the notebook's place in reading order

    @property
    def html(self) -> str:
        return f"{self.name}.html"


@dataclass(frozen=True)
class Absent:
    """A page the corpus gives nothing to render for, and why."""

    title: str  # the report's title
    order: int
    what: str  # the page that is missing, e.g. "Domain deep-dive: Factors (要素保障)"
    reason: str  # e.g. "no outcome report in the corpus"


@dataclass(frozen=True)
class Plan:
    jobs: list[Job]
    absent: list[Absent]


# What one page of a report is rendered for → (the parameters of each page, why there is none).
PAGES_FOR: dict[str, tuple[Callable[[], list[dict[str, Any]]], str]] = {
    "domain": (
        lambda: [{"domain": key} for key in params.domains_present()],
        "no clause of the corpus belongs to a policy domain",
    ),
    "district": (lambda: [{"district": key} for key in params.districts()], "no policy document in the corpus"),
    "outcome_report": (
        lambda: [{"district": key, "year": year} for key, year in params.outcome_reports()],
        "no outcome report in the corpus",
    ),
    "city": (lambda: [{"city": key} for key in params.cities()], "no city work report in the corpus"),
    "editions": (
        lambda: [{"district": key} for key in params.edition_districts()],
        "no district of the corpus has two or more policy editions",
    ),
}


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def plan(nb_dir: Path | None = None) -> Plan:
    """Every page to render, in reading order, and the pages the corpus has nothing for."""
    nb_dir = nb_dir or notebooks_dir()
    jobs: list[Job] = []
    absent: list[Absent] = []
    for order, path in enumerate(notebooks(nb_dir)):
        spec = REPORTS.get(report_name(path))
        if spec is None:
            raise PolicyInputError(
                path,
                f"no report {report_name(path)!r} is registered (add a ReportSpec to policycmp.report.views.REPORTS)",
            )
        if spec.render_for is None:
            jobs.append(Job(path.name, path.stem, spec.name, {}, spec.title, order))
            continue
        pages_of, reason = PAGES_FOR[spec.render_for]
        pages = pages_of()
        if not pages:
            absent.append(Absent(spec.title, order, spec.title, reason))
        for values in pages:
            jobs.append(Job(path.name, page_name(path, tuple(values.values())), spec.name, values, spec.title, order))
        if spec.render_for == "domain" and pages:
            present = {page["domain"] for page in pages}
            absent.extend(
                Absent(
                    spec.title,
                    order,
                    f"{spec.title}: {domain_name(key)} ({domain_zh(key)})",
                    f"no district of the corpus has {_article(domain_name(key))} {domain_name(key)} section",
                )
                for key in params.domains()
                if key not in present
            )
    return Plan(jobs, absent)
