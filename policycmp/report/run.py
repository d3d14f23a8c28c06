"""``policycmp report``: execute the notebooks with papermill, render them to HTML, index them.

    policycmp report            # build the tables if the inputs changed, re-render what changed
    policycmp report --force    # re-render everything

What it does, in order:

1. (The command line runs ``policycmp build`` first when the raw data or the code changed.)
2. Plans the pages from the corpus: one per report, or one per domain / district / outcome report /
   city for a report registered with ``render_for`` (see :mod:`.plan`).
3. Skips a page whose inputs — the code, the notebook, its parameters and the data it shows (see
   :mod:`.digest`) — hash to what ``reports/manifest.json`` recorded for the page already there.
   ``--force`` re-runs all.
4. Executes the others with papermill, each worker reusing one kernel for all its notebooks (see
   :mod:`.kernel`), and renders each to one standalone page (see :mod:`.render`). When the tables
   changed, one of the kernels also writes the workbook ``policycmp_tables.xlsx`` (first, as it is
   the longest task), so that it runs beside the notebooks rather than after them.
5. Writes ``index.html``, the font every page uses (:mod:`.font`: one file, cut to the characters
   the pages use; a character the font lacks stops the run) and ``manifest.json``.

``policycmp report`` on the command line first asks :mod:`.freshness` whether anything changed at
all, from hashes alone, and stops there when nothing did, before papermill, nbformat or matplotlib
is imported. Otherwise this module starts the kernels (:mod:`.workers`) before anything heavy is
imported, and only then imports the rest of the run (:mod:`.batch`), so that the kernels' start-up
and the command's own imports, planning and hashing happen at once.

Everything is written into a staging folder beside the output folder, which replaces it only when
every notebook succeeded: a failing notebook leaves the previous reports in place, and the notebook,
its failing cell and the error are printed. The output is deterministic: the same inputs give
byte-identical files (no timestamps, fixed ids, fixed figure metadata).
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from .. import paths
from ..publish.fingerprint import is_stale
from . import font
from .freshness import says_unchanged, warn_unpinned
from .kernel import kernel_env
from .pages import notebooks_dir
from .workers import Timings, Workers

BATCH = "policycmp.report.batch"  # papermill, nbformat, the views: imported once the kernels are starting
TIMINGS = ".policycmp-cache/report-seconds.json"  # under the project root, beside the failed notebooks


def default_jobs() -> int:
    try:
        return max(1, int(os.environ.get("POLICYCMP_REPORT_JOBS", "")))
    except ValueError:
        return max(1, min(2, os.cpu_count() or 1))


def report(
    force: bool = False,
    out_dir: str | Path | None = None,
    *,
    jobs: int | None = None,
    only: Iterable[str] | None = None,
    echo: Callable[..., None] = print,
    progress: bool = True,
) -> int:
    """Render the reports into ``out_dir`` (default ``reports/``); 0 on success, 1 when a notebook failed.

    ``only``: names (or name prefixes, e.g. ``"06_domain_deep_dive"``) of the pages to (re)render; the
    other pages already in ``out_dir`` are kept as they are.
    """
    out = Path(out_dir) if out_dir else paths.reports_dir()
    if is_stale():
        echo(
            "policycmp report: warning: the tables were built from other inputs than the current raw data and code "
            "(`policycmp report` on the command line builds them first)",
            file=sys.stderr,
        )
    if not force and only is None and says_unchanged(out, echo):
        return 0
    nb_dir = notebooks_dir()
    timings = Timings(paths.project_root() / TIMINGS)
    workers = Workers(nb_dir, jobs or default_jobs(), kernel_env(), timings)  # the kernels start now
    try:
        # The font is checked before any notebook runs: a missing or damaged one stops the run at once.
        font_path = font.source_path()
        font.open_face(font_path)
        warn_unpinned(echo, sys.stderr)
        render = importlib.import_module(BATCH).render
        return int(
            render(
                force,
                out,
                wanted=list(only) if only is not None else None,
                workers=workers,
                echo=echo,
                progress=progress,
                font_path=font_path,
                nb_dir=nb_dir,
            )
        )
    finally:
        workers.close()  # after an error before the tasks were handed over, the kernels shut down
        timings.save()
