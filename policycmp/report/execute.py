"""Executing one notebook with papermill and rendering it to one standalone HTML page (worker side)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import nbformat
import papermill
from nbconvert import HTMLExporter
from papermill.exceptions import PapermillExecutionError

from .. import __version__
from .markup.components import page_head_assets

KERNEL = "python3"
INDEX = "index.html"
WORKBOOK = "policycmp_tables.xlsx"
TEMPLATES = Path(__file__).resolve().parent / "templates"
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def worker_init(env: dict[str, str]) -> None:
    os.environ.update(env)
    # Kernels inherit this process's stdout/stderr: keep their start-up chatter off the terminal.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)


def execute_job(job: dict[str, Any], nb_dir: str, work_dir: str) -> dict[str, Any]:
    """Run one notebook with papermill and render it; a failure comes back as data, not an exception."""
    source = Path(nb_dir) / job["notebook"]
    executed = Path(work_dir) / f"{job['name']}.ipynb"
    try:
        nb = papermill.execute_notebook(
            str(source),
            str(executed),
            parameters=job["parameters"],
            kernel_name=KERNEL,
            progress_bar=False,
            log_output=False,
            cwd=str(source.parent),
            request_save_on_cell_execute=False,
            start_timeout=120,
        )
    except PapermillExecutionError as exc:
        return {
            "name": job["name"],
            "error": {
                "cell": exc.exec_count,
                "cell_index": exc.cell_index,
                "source": exc.source,
                "error": f"{exc.ename}: {ANSI.sub('', str(exc.evalue))}",
                "traceback": ANSI.sub("", "\n".join(exc.traceback or [])),
                "executed": str(executed),
            },
        }
    except Exception as exc:  # kernel died, notebook unreadable, …
        return {
            "name": job["name"],
            "error": {
                "cell": None,
                "cell_index": None,
                "source": "",
                "error": f"{type(exc).__name__}: {exc}",
                "traceback": "",
                "executed": "",
            },
        }
    info = page_info(nb)
    html = render_html(nb, job=job, title=info.get("title") or job["title"])
    return {
        "name": job["name"],
        "html": html,
        "title": info.get("title") or job["title"],
        "summary": info.get("summary", ""),
    }


def page_info(nb: Any) -> dict[str, Any]:
    """The ``{"policycmp": {title, summary}}`` metadata ``views.start`` attached to its output."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            info = output.get("metadata", {}).get("policycmp")
            if info:
                return dict(info)
    return {}


def normalise(nb: Any) -> Any:
    """Drop what changes between runs of the same input: papermill and execution metadata,
    timestamps, random cell ids, execution counts."""
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    nb.metadata = nbformat.from_dict({"language_info": {"name": "python"}})
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index}"
        tags = cell.get("metadata", {}).get("tags", [])
        cell["metadata"] = nbformat.from_dict({"tags": list(tags)} if tags else {})
        if cell.cell_type == "code":
            cell["execution_count"] = None
            for output in cell.get("outputs", []):
                if "execution_count" in output:
                    output["execution_count"] = None
    return nb


_EXPORTER = None


def render_html(nb: Any, *, job: dict[str, Any], title: str) -> str:
    """The executed notebook as one standalone HTML page (code hidden, no network, deterministic)."""
    global _EXPORTER
    if _EXPORTER is None:  # one per worker process: the template compiles once
        _EXPORTER = HTMLExporter(
            template_name="policycmp",
            extra_template_basedirs=[str(TEMPLATES)],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
        )
    exporter = _EXPORTER
    shown = ", ".join(f"{k}={v}" for k, v in job["parameters"].items())
    resources = {
        "policycmp": {
            "title": title,
            "head": page_head_assets(),
            "nav": [(INDEX, "← All reports"), (WORKBOOK, "Workbook of every table (xlsx)")],
            "footer": (
                f"Rendered by policycmp {__version__} (`policycmp report`) from notebooks/{job['notebook']}"
                + (f" with {shown}" if shown else "")
                + "; the code cells are hidden."
            ),
        }
    }
    body, _ = exporter.from_notebook_node(normalise(nb), resources=resources)
    # One trailing newline, no trailing spaces: stable across template whitespace quirks.
    return "\n".join(line.rstrip() for line in body.strip().splitlines()) + "\n"
