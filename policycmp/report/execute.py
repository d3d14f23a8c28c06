"""Executing one notebook in a reused kernel and rendering it to one standalone HTML page.

papermill executes the notebook (parameters, errors with the failing cell) with :class:`OneRequestEngine`:
the worker's :class:`~.kernel.ReusedKernel` runs all the notebook's code cells in one request
(:mod:`.cells`), and the engine fills papermill's notebook with their outputs as nbclient would have,
cell by cell, without nbclient's round of kernel messages per cell.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# nbformat imports jsonschema, which imports rfc3987_syntax where it is installed (JupyterLab's
# jupyter_events brings it) and builds a Lark grammar as it does: 0.9 s of every `policycmp report`,
# more than the rest of papermill and nbformat together. Notebooks are validated without its IRI
# format checks, so jsonschema is told the package is absent while it is first imported, and the
# name is freed again for anyone importing it later.
_HIDDEN = "jsonschema" not in sys.modules and "rfc3987_syntax" not in sys.modules
if _HIDDEN:
    sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]
import nbformat  # noqa: E402
import papermill  # noqa: E402
from papermill.engines import Engine, NotebookExecutionManager, papermill_engines  # noqa: E402
from papermill.exceptions import PapermillExecutionError  # noqa: E402

if _HIDDEN and sys.modules.get("rfc3987_syntax", 0) is None:
    del sys.modules["rfc3987_syntax"]

from .. import __version__  # noqa: E402
from .freshness import INDEX, WORKBOOK  # noqa: E402
from .kernel import KERNEL, ReusedKernel  # noqa: E402
from .plan import Job  # noqa: E402
from .render import page_html  # noqa: E402

ENGINE = "policycmp-one-request"
SKIP_TAG = "skip-execution"  # nbclient's tag for a cell not to run

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


class OneRequestEngine(Engine):
    """Executes a notebook in a :class:`ReusedKernel` (passed as ``kernel=``), all its code cells in one request.

    The notebook is filled as nbclient fills it: each cell started and completed in papermill's
    manager, a code cell's outputs and execution count, the failing cell marked (papermill then
    raises :class:`PapermillExecutionError` from its error output) and no cell after it run. Cells
    nbclient skips (empty, or tagged ``skip-execution``) are not sent.
    """

    @classmethod
    def execute_managed_notebook(
        cls, nb_man: NotebookExecutionManager, kernel_name: str, *, kernel: ReusedKernel, **kwargs: Any
    ) -> Any:
        try:
            cells = nb_man.nb.cells
            runs = [i for i, cell in enumerate(cells) if _runs(cell)]
            ran = dict(zip(runs, kernel.run_notebook([cells[i].source for i in runs]), strict=False))
            for index, cell in enumerate(cells):
                nb_man.cell_start(cell, index)
                outcome = ran.get(index)
                if outcome is not None:
                    cell.outputs = [nbformat.from_dict(output) for output in outcome["outputs"]]
                    cell.execution_count = outcome["execution_count"]
                    if outcome["failed"]:
                        nb_man.cell_exception(cell, cell_index=index)
                        nb_man.cell_complete(cell, cell_index=index)
                        break
                nb_man.cell_complete(cell, cell_index=index)
            nb_man.nb.metadata["language_info"] = kernel.language_info
            return nb_man.nb
        finally:
            kernel.last_notebook = nb_man.nb


def _runs(cell: Any) -> bool:
    """Whether nbclient would send the cell to the kernel."""
    return bool(cell.cell_type == "code" and cell.source.strip() and SKIP_TAG not in cell.metadata.get("tags", []))


papermill_engines.register(ENGINE, OneRequestEngine)
