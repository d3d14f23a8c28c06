"""``policycmp report``: execute the notebooks with papermill, render them to HTML, index them.

    policycmp report            # build the tables if the inputs changed, re-render what changed
    policycmp report --force    # re-render everything

What it does, in order:

1. (The command line runs ``policycmp build`` first when the raw data or the code changed.)
2. Plans one job per notebook, or one per domain / district for a report registered with
   ``render_for`` (see :mod:`.plan`).
3. Skips a job whose inputs — the processed tables, the notebook, the library code and templates,
   its parameters and the versions of the rendering packages — hash to what ``reports/manifest.json``
   recorded for the page already there. ``--force`` re-runs all.
4. Executes the others with papermill (in parallel, one kernel each, with a progress bar) and renders
   them with nbconvert (code hidden, our template: inline CSS/JS, no network).
5. Writes the workbook ``policycmp_tables.xlsx``, ``index.html`` and ``manifest.json``.

Everything is written into a staging folder beside the output folder, which replaces it only when
every notebook succeeded: a failing notebook leaves the previous reports in place, and the notebook,
its failing cell and the error are printed. The output is deterministic: the same inputs give
byte-identical files (no timestamps, fixed ids, fixed figure metadata).
"""

from __future__ import annotations

import concurrent.futures as futures
import hashlib
import json
import multiprocessing
import os
import shutil
import sys
from collections.abc import Callable, Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from tqdm import tqdm

from .. import paths
from ..publish.fingerprint import is_stale
from ..publish.write import publish_folder, staging_folder
from .digest import FORMAT, inputs_digest, job_digest, lock_mismatches, versions
from .execute import INDEX, WORKBOOK, execute_job, worker_init
from .index import index_html
from .plan import Job, notebooks_dir, plan
from .workbook import write_workbook

MANIFEST = "manifest.json"


def _read_manifest(out: Path) -> dict[str, Any]:
    try:
        return json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def default_jobs() -> int:
    try:
        return max(1, int(os.environ.get("POLICYCMP_REPORT_JOBS", "")))
    except ValueError:
        return max(1, min(2, os.cpu_count() or 1))


def _describe_failure(job: Job, error: dict[str, Any], nb_dir: Path) -> str:
    shown = ", ".join(f"{k}={v}" for k, v in job.parameters.items())
    where = f"notebooks/{job.notebook}" + (f" ({shown})" if shown else "")
    lines = [f"policycmp report: {where} failed"]
    if error.get("cell") is not None:
        lines.append(f"  in cell [{error['cell']}] (cell {error['cell_index']} of the executed notebook):")
        lines.extend(f"    {line}" for line in str(error.get("source", "")).strip().splitlines()[:12])
    lines.append(f"  {error['error']}")
    if error.get("saved"):
        lines.append(f"  the executed notebook, with the error: {error['saved']}")
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
    mismatched = lock_mismatches()
    if mismatched:
        echo(
            "policycmp report: warning: not the pinned versions, so the pages may differ from the committed ones: "
            + ", ".join(mismatched)
            + " (run `python3 tasks.py setup`)",
            file=sys.stderr,
        )
    nb_dir = notebooks_dir()
    all_jobs = plan(nb_dir)
    selected = [j for j in all_jobs if only is None or any(j.name.startswith(prefix) for prefix in only)]
    previous = _read_manifest(out).get("reports", {})
    common = inputs_digest()
    digests = {j.name: job_digest(common, j, nb_dir) for j in all_jobs}

    staging = staging_folder(out)
    try:
        pages: dict[str, dict[str, Any]] = {}
        to_run: list[Job] = []
        for job in all_jobs:
            before = previous.get(job.name)
            have = before is not None and (out / job.html).is_file()
            if job in selected and (force or not have or before.get("digest") != digests[job.name]):
                to_run.append(job)
            elif have:
                shutil.copyfile(out / job.html, staging / job.html)
                pages[job.name] = {**before, "digest": before.get("digest")}
        failures = _execute(to_run, nb_dir, staging, pages, digests, jobs or default_jobs(), progress)
        if failures:
            for job, error in failures:
                echo(_describe_failure(job, error, nb_dir), file=sys.stderr)
            echo(
                f"policycmp report: {len(failures)} of {len(to_run)} notebooks failed; {out} is unchanged",
                file=sys.stderr,
            )
            return 1
        _write_workbook(out, staging, force)
        (staging / INDEX).write_text(index_html(all_jobs, pages), encoding="utf-8")
        manifest = {
            "format": FORMAT,
            "reports": {j.name: pages[j.name] for j in all_jobs if j.name in pages},
            "workbook": _workbook_digest(),
        }
        (staging / MANIFEST).write_text(
            json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        changed = publish_folder(staging, out)
        skipped = len(pages) - len(to_run)
        echo(
            f"policycmp report: {len(to_run)} rendered, {skipped} unchanged, "
            f"{'written to' if changed else 'nothing changed in'} {out}"
        )
        return 0
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _execute(
    to_run: list[Job],
    nb_dir: Path,
    staging: Path,
    pages: dict[str, dict[str, Any]],
    digests: dict[str, str],
    workers: int,
    progress: bool,
) -> list[tuple[Job, dict[str, Any]]]:
    if not to_run:
        return []
    work = staging / ".work"
    work.mkdir()
    env = {
        "POLICYCMP_ROOT": str(paths.project_root()),
        "POLICYCMP_IN_REPORT": "1",
        "PYTHONHASHSEED": "0",
        "MPLBACKEND": "agg",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }
    failures: list[tuple[Job, dict[str, Any]]] = []
    by_name = {j.name: j for j in to_run}
    context = multiprocessing.get_context("spawn")
    with (
        futures.ProcessPoolExecutor(
            max_workers=min(workers, len(to_run)), mp_context=context, initializer=worker_init, initargs=(env,)
        ) as pool,
        tqdm(
            total=len(to_run),
            desc="policycmp report",
            unit="notebook",
            disable=not progress,
            file=sys.stderr,
            dynamic_ncols=True,
        ) as bar,
    ):
        pending = {pool.submit(execute_job, {**asdict(job)}, str(nb_dir), str(work)): job for job in to_run}
        for done in futures.as_completed(pending):
            job = pending[done]
            try:
                result = done.result()
            except Exception as exc:  # the worker itself died
                result = {"name": job.name, "error": {"cell": None, "error": f"{type(exc).__name__}: {exc}"}}
            bar.set_postfix_str(job.name, refresh=False)
            bar.update(1)
            if "error" in result:
                result["error"]["saved"] = _keep_failed(result["error"].get("executed"), job)
                failures.append((by_name[result["name"]], result["error"]))
                continue
            (staging / job.html).write_text(result["html"], encoding="utf-8")
            pages[job.name] = {
                "digest": digests[job.name],
                "title": result["title"],
                "summary": result["summary"],
                "notebook": job.notebook,
                "parameters": job.parameters,
            }
    shutil.rmtree(work, ignore_errors=True)
    failures.sort(key=lambda item: item[0].name)
    return failures


def _keep_failed(executed: str | None, job: Job) -> str:
    """Keep the executed notebook of a failure (it shows the error in place) under .policycmp-cache/."""
    if not executed or not Path(executed).is_file():
        return ""
    target = paths.project_root() / ".policycmp-cache" / "failed" / f"{job.name}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(executed, target)
    return str(target)


def _workbook_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(paths.processed_dir().glob("*.parquet")):
        digest.update(path.name.encode() + hashlib.sha256(path.read_bytes()).digest())
    digest.update((Path(__file__).resolve().parent / "workbook.py").read_bytes())
    digest.update(json.dumps(versions(), sort_keys=True).encode())
    return digest.hexdigest()


def _write_workbook(out: Path, staging: Path, force: bool) -> None:
    if not force and (out / WORKBOOK).is_file() and _read_manifest(out).get("workbook") == _workbook_digest():
        shutil.copyfile(out / WORKBOOK, staging / WORKBOOK)
    else:
        write_workbook(paths.processed_dir(), staging / WORKBOOK)
