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
all, from hashes alone, and stops there when nothing did, before this module (and papermill,
nbformat, matplotlib) is imported.

Everything is written into a staging folder beside the output folder, which replaces it only when
every notebook succeeded: a failing notebook leaves the previous reports in place, and the notebook,
its failing cell and the error are printed. The output is deterministic: the same inputs give
byte-identical files (no timestamps, fixed ids, fixed figure metadata).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from queue import Queue
from typing import Any

from tqdm import tqdm

from .. import paths
from ..publish.fingerprint import is_stale
from ..publish.write import publish_folder, staging_folder
from . import font
from .digest import code_digest, job_digest, workbook_digest
from .execute import Failed, Rendered, execute_job, save_executed
from .freshness import FORMAT, INDEX, MANIFEST, WORKBOOK, inputs_digest, read_manifest, says_unchanged, warn_unpinned
from .index import index_html
from .kernel import ReusedKernel
from .plan import Job, notebooks_dir, plan


def default_jobs() -> int:
    try:
        return max(1, int(os.environ.get("POLICYCMP_REPORT_JOBS", "")))
    except ValueError:
        return max(1, min(2, os.cpu_count() or 1))


def kernel_env() -> dict[str, str]:
    """The kernels' environment: this project, no staleness check (the command built first), fixed hashing."""
    return {
        **os.environ,
        "POLICYCMP_ROOT": str(paths.project_root()),
        "POLICYCMP_IN_REPORT": "1",
        "PYTHONHASHSEED": "0",
        "MPLBACKEND": "agg",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }


def _describe_failure(failure: Failed, saved: str) -> str:
    job = failure.job
    shown = ", ".join(f"{k}={v}" for k, v in job.parameters.items())
    where = f"notebooks/{job.notebook}" + (f" ({shown})" if shown else "") if job.report else f"writing {WORKBOOK}"
    lines = [f"policycmp report: {where} failed"]
    if failure.cell is not None:
        lines.append(f"  in cell [{failure.cell}] (cell {failure.cell_index} of the executed notebook):")
        lines.extend(f"    {line}" for line in failure.source.strip().splitlines()[:12])
    lines.append(f"  {failure.error}")
    if saved:
        lines.append(f"  the executed notebook, with the error: {saved}")
    return "\n".join(lines)


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
    # The font is checked before any notebook runs: a missing or damaged one stops the run at once.
    font_path = font.source_path()
    font.open_face(font_path)
    warn_unpinned(echo, sys.stderr)
    nb_dir = notebooks_dir()
    workers = Workers(nb_dir, jobs or default_jobs())  # their kernels start while the run plans and hashes
    try:
        return _render(
            force,
            out,
            wanted=list(only) if only is not None else None,
            workers=workers,
            echo=echo,
            progress=progress,
            font_path=font_path,
            nb_dir=nb_dir,
        )
    finally:
        workers.close()  # after an error before the tasks were handed over, the kernels shut down


def _render(
    force: bool,
    out: Path,
    *,
    wanted: list[str] | None,
    workers: Workers,
    echo: Callable[..., None],
    progress: bool,
    font_path: Path,
    nb_dir: Path,
) -> int:
    planned = plan(nb_dir)
    previous = read_manifest(out)
    before = previous.get("reports", {})
    code = code_digest()
    inputs = inputs_digest(code)
    digests = {j.name: job_digest(code, j, nb_dir) for j in planned.jobs}

    staging = staging_folder(out)
    try:
        pages: dict[str, dict[str, Any]] = {}
        to_run: list[Job] = []
        for job in planned.jobs:
            kept = before.get(job.name)
            have = kept is not None and (out / job.html).is_file()
            selected = wanted is None or any(job.name.startswith(prefix) for prefix in wanted)
            if selected and (force or not have or kept.get("digest") != digests[job.name]):
                to_run.append(job)
            elif have:
                shutil.copyfile(out / job.html, staging / job.html)
                pages[job.name] = kept
        tasks: list[Job | WriteWorkbook] = list(to_run)
        if not force and (out / WORKBOOK).is_file() and previous.get("workbook") == workbook_digest():
            shutil.copyfile(out / WORKBOOK, staging / WORKBOOK)
        else:
            tasks.insert(0, WriteWorkbook(paths.processed_dir(), staging / WORKBOOK))
        failures: list[tuple[Failed, str]] = []
        for result in workers.run(tasks, progress):
            if isinstance(result, WriteWorkbook):
                continue
            if isinstance(result, Failed):
                failed = paths.project_root() / ".policycmp-cache" / "failed" / f"{result.job.name}.ipynb"
                failures.append((result, save_executed(result, failed)))
                continue
            (staging / result.job.html).write_text(result.html, encoding="utf-8")
            pages[result.job.name] = {
                "digest": digests[result.job.name],
                "title": result.title,
                "summary": result.summary,
                "notebook": result.job.notebook,
                "parameters": result.job.parameters,
            }
        if failures:
            for failure, saved in sorted(failures, key=lambda item: item[0].job.name):
                echo(_describe_failure(failure, saved), file=sys.stderr)
            echo(
                f"policycmp report: {len(failures)} of {len(to_run)} notebooks failed; {out} is unchanged",
                file=sys.stderr,
            )
            return 1
        (staging / INDEX).write_text(index_html(planned, pages), encoding="utf-8")
        shipped_font = _write_font(staging, out, previous.get("font", {}), font_path)
        current = all(pages.get(j.name, {}).get("digest") == digests[j.name] for j in planned.jobs)
        manifest = {
            "format": FORMAT,
            # What the command's quick check compares (see .freshness): recorded only when every page is
            # rendered from the current inputs (a run with `only` may leave some behind).
            "inputs": inputs if current else None,
            "font": shipped_font,
            "reports": {j.name: pages[j.name] for j in planned.jobs if j.name in pages},
            "workbook": workbook_digest(),
        }
        (staging / MANIFEST).write_text(
            json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        changed = publish_folder(staging, out)
        echo(
            f"policycmp report: {len(to_run)} rendered, {len(pages) - len(to_run)} unchanged, "
            f"{'written to' if changed else 'nothing changed in'} {out}"
        )
        return 0
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _write_font(staging: Path, out: Path, previous: dict[str, Any], source: Path) -> dict[str, str]:
    """The pages' font, cut to the characters of every staged page (kept as it is when those and the
    source are unchanged); a character the font cannot draw is a one-line error and nothing is published."""
    used: dict[str, str] = {}
    for page in sorted(staging.glob("*.html")):
        for character in font.characters([page.read_text(encoding="utf-8")]):
            used.setdefault(character, page.name)
    key = font.cache_key(used, font.source_digest(source))
    kept = out / font.FILE
    if previous.get("key") == key and kept.is_file():
        data = kept.read_bytes()
        if hashlib.sha256(data).hexdigest() == previous.get("sha256"):
            (staging / font.FILE).write_bytes(data)
            return dict(previous)
    data = font.subset(used, source)
    (staging / font.FILE).write_bytes(data)
    return {"file": font.FILE, "key": key, "sha256": hashlib.sha256(data).hexdigest()}


@dataclass(frozen=True)
class WriteWorkbook:
    """The workbook of every table, written in a kernel (it has the package imported) beside the notebooks."""

    tables: Path
    target: Path

    def run(self, kernel: ReusedKernel) -> None:
        kernel.run(
            f"from policycmp.report.workbook import write_workbook\n"
            f"write_workbook({str(self.tables)!r}, {str(self.target)!r})",
            timeout=None,
        )


class Workers:
    """``count`` threads, each starting one kernel at once and then running the tasks it takes in it.

    The kernels start when the run starts, so their start-up (a process, the views' imports) overlaps
    the planning and hashing the run does meanwhile; :meth:`run` then hands them the tasks.
    """

    def __init__(self, nb_dir: Path, count: int):
        self.nb_dir = nb_dir
        self.queue: Queue[Job | WriteWorkbook | None] = Queue()
        self.results: Queue[Rendered | Failed | WriteWorkbook] = Queue()
        self.env = kernel_env()
        self.closed = False
        self.threads = [threading.Thread(target=self._work, daemon=True) for _ in range(max(1, count))]
        for thread in self.threads:
            thread.start()

    def _start(self) -> ReusedKernel | Exception:
        try:
            return ReusedKernel(self.nb_dir, self.env)
        except Exception as exc:
            return exc

    def _work(self) -> None:
        kernel = self._start()
        try:
            while (task := self.queue.get()) is not None:
                if isinstance(kernel, ReusedKernel) and not kernel.alive():  # a notebook killed it: start afresh
                    kernel.shutdown()
                    kernel = self._start()
                if isinstance(kernel, Exception):
                    kernel = self._start()  # once more for each task, as a fresh kernel might start
                if isinstance(kernel, Exception):
                    self.results.put(_failed(task, f"the kernel did not start: {type(kernel).__name__}: {kernel}"))
                    continue
                try:
                    if isinstance(task, WriteWorkbook):
                        task.run(kernel)
                        self.results.put(task)
                    else:
                        self.results.put(execute_job(kernel, task, self.nb_dir))
                except Exception as exc:  # never leave the main thread waiting for a result
                    self.results.put(_failed(task, f"{type(exc).__name__}: {exc}"))
        finally:
            if isinstance(kernel, ReusedKernel):
                kernel.shutdown()

    def run(self, tasks: list[Job | WriteWorkbook], progress: bool) -> Iterator[Rendered | Failed | WriteWorkbook]:
        """Every task's result as it arrives; the kernels are shut down once all are in."""
        for task in tasks:
            self.queue.put(task)
        self.closed = True
        for _ in self.threads:
            self.queue.put(None)
        pages = sum(1 for task in tasks if isinstance(task, Job))
        with tqdm(
            total=pages, desc="policycmp report", unit="page", disable=not progress, file=sys.stderr, dynamic_ncols=True
        ) as bar:
            for _ in tasks:
                result = self.results.get()
                if not isinstance(result, WriteWorkbook):
                    bar.set_postfix_str(result.job.name, refresh=False)
                    bar.update(1)
                yield result

    def close(self) -> None:
        """No more tasks: each thread shuts its kernel down after the tasks it has, and they are waited for."""
        if not self.closed:
            self.closed = True
            for _ in self.threads:
                self.queue.put(None)
        for thread in self.threads:
            thread.join()


def _failed(task: Job | WriteWorkbook, error: str) -> Failed:
    if isinstance(task, WriteWorkbook):
        return Failed(Job("", WORKBOOK.removesuffix(".xlsx"), "", {}, "Workbook"), error)
    return Failed(task, error)
