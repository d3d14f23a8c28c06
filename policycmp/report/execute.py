"""Executing one notebook in a reused kernel and rendering it to one standalone HTML page."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import papermill
from papermill.exceptions import PapermillExecutionError

from .. import __version__
from .freshness import INDEX, WORKBOOK
from .kernel import ENGINE, KERNEL, ReusedKernel
from .plan import Job
from .render import page_html

NAV = [(INDEX, "← All reports"), (WORKBOOK, "Workbook of every table (xlsx)")]
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass
class Rendered:
    """A page that rendered: its HTML, and the title and summary ``views.start`` gave it."""

    job: Job
    html: str
    title: str
    summary: str


@dataclass
class Failed:
    """A notebook that failed: where (cell number and source) and with what error."""

    job: Job
    error: str
    cell: int | None = None
    cell_index: int | None = None
    source: str = ""
    traceback: str = ""
    executed: Any = field(default=None, repr=False)  # the executed notebook, with the error in place


def execute_job(kernel: ReusedKernel, job: Job, nb_dir: Path) -> Rendered | Failed:
    """Run ``job``'s notebook with papermill in ``kernel`` and render it; a failure comes back as data."""
    kernel.last_notebook = None
    try:
        kernel.reset()
        nb = papermill.execute_notebook(
            str(nb_dir / job.notebook),
            None,
            parameters=job.parameters,
            engine_name=ENGINE,
            kernel=kernel,
            kernel_name=KERNEL,
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
        )
    except PapermillExecutionError as exc:
        return Failed(
            job,
            f"{exc.ename}: {ANSI.sub('', str(exc.evalue))}",
            cell=exc.exec_count,
            cell_index=exc.cell_index,
            source=exc.source,
            traceback=ANSI.sub("", "\n".join(exc.traceback or [])),
            executed=kernel.last_notebook,
        )
    except Exception as exc:  # the kernel died, the notebook is unreadable, …
        return Failed(job, f"{type(exc).__name__}: {exc}", executed=kernel.last_notebook)
    info = page_info(nb)
    title = str(info.get("title") or job.title)
    return Rendered(job, render_page(nb, job, title), title, str(info.get("summary", "")))


def page_info(nb: Any) -> dict[str, Any]:
    """The ``{"policycmp": {title, summary}}`` metadata ``views.start`` attached to its output."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            info = output.get("metadata", {}).get("policycmp")
            if info:
                return dict(info)
    return {}


def render_page(nb: Any, job: Job, title: str) -> str:
    shown = ", ".join(f"{k}={v}" for k, v in job.parameters.items())
    footer = (
        f"Rendered by policycmp {__version__} (`policycmp report`) from notebooks/{job.notebook}"
        + (f" with {shown}" if shown else "")
        + "; the code cells are hidden."
    )
    return page_html(nb, title=title, nav=NAV, footer=footer)


def save_executed(failure: Failed, path: Path) -> str:
    """Keep a failed notebook as executed (it shows the error in place); '' when there is none."""
    if failure.executed is None:
        return ""
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(failure.executed, str(path))
    return str(path)
