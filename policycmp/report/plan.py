"""Which pages ``policycmp report`` renders: one per report, or one per domain / district."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import paths
from ..errors import PolicyInputError
from . import params
from .views import REPORTS

NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"


@dataclass(frozen=True)
class Job:
    """One rendered page: a notebook and its parameters."""

    notebook: str  # file name in notebooks/
    name: str  # output stem: 06_domain_deep_dive-innovation
    parameters: dict[str, Any]
    title: str  # the notebook's title (the page's own comes from the executed notebook)
    order: int

    @property
    def html(self) -> str:
        return f"{self.name}.html"


def notebooks_dir() -> Path:
    """``notebooks/`` of the project root, else of the checkout the package runs from."""
    folder = paths.notebooks_dir()
    return folder if folder.is_dir() else paths.package_dir().parent / "notebooks"


def report_name(notebook: Path) -> str:
    """``02_subsidy_levels.ipynb`` → ``subsidy_levels``."""
    return notebook.stem.split("_", 1)[-1]


def plan(nb_dir: Path | None = None) -> list[Job]:
    """Every page to render, in reading order."""
    nb_dir = nb_dir or notebooks_dir()
    values_for = {"domain": params.domains, "district": params.districts}
    jobs: list[Job] = []
    for order, path in enumerate(sorted(nb_dir.glob(NOTEBOOK_GLOB))):
        spec = REPORTS.get(report_name(path))
        if spec is None:
            raise PolicyInputError(
                path,
                f"no report {report_name(path)!r} is registered (add a ReportSpec to policycmp.report.views.REPORTS)",
            )
        if spec.render_for is None:
            jobs.append(Job(path.name, path.stem, {}, spec.title, order))
            continue
        for value in values_for[spec.render_for]():
            jobs.append(Job(path.name, f"{path.stem}-{value}", {spec.render_for: value}, spec.title, order))
    return jobs
