"""One run of ``policycmp report`` once its kernels are starting: plan the pages, hash what each
depends on, hand the pages to render to the workers, then write the index, the font and the manifest
and publish the folder (see :mod:`.run` for the whole command).

Importing this module imports the execution stack (papermill, nbformat, the views with pandas and
matplotlib), which :func:`.run.report` does after the kernels have started, so that both happen at once.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import paths
from ..publish.write import publish_folder, staging_folder
from . import font
from .digest import code_digest, job_digest, workbook_digest
from .early_font import EarlyCut
from .execute import Failed, save_executed
from .freshness import FORMAT, INDEX, MANIFEST, WORKBOOK, inputs_digest, read_manifest
from .index import index_html
from .plan import Job, plan
from .workers import Workers, WriteWorkbook


def describe_failure(failure: Failed, saved: str) -> str:
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


def render(
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
    staging = staging_folder(out)
    try:
        pages: dict[str, dict[str, Any]] = {}
        selected = [j for j in planned.jobs if wanted is None or any(j.name.startswith(p) for p in wanted)]
        if force or not before:
            # Every selected page is rendered whatever its digest: the workers start on them at once,
            # and the digests (for the manifest) are taken while they work.
            to_run, digests = selected, None
        else:
            digests = {j.name: job_digest(code, j, nb_dir) for j in planned.jobs}
            to_run = [j for j in selected if not _current(j, before, out, digests)]
        tasks: list[Job | WriteWorkbook] = list(to_run)
        workbook = workbook_digest()
        if not force and (out / WORKBOOK).is_file() and previous.get("workbook") == workbook:
            shutil.copyfile(out / WORKBOOK, staging / WORKBOOK)
        else:
            tasks.insert(0, WriteWorkbook(paths.processed_dir(), staging / WORKBOOK))
        workers.submit(tasks)
        if digests is None:
            digests = {j.name: job_digest(code, j, nb_dir) for j in planned.jobs}
        inputs = inputs_digest(code)
        running = {j.name for j in to_run}
        for job in planned.jobs:
            if job.name not in running and before.get(job.name) is not None and (out / job.html).is_file():
                shutil.copyfile(out / job.html, staging / job.html)
                pages[job.name] = before[job.name]
        # Cut the font while the last pages render when there is none to keep (see .early_font).
        early = EarlyCut(font_path) if not (previous.get("font") and (out / font.FILE).is_file()) else None
        if early is not None:  # the pages kept, and the index's own text (its titles are the pages')
            for name in [*pages]:
                early.add((staging / f"{name}.html").read_text(encoding="utf-8"))
            early.add(index_html(planned, {}))
        failures: list[tuple[Failed, str]] = []
        for done, result in enumerate(workers.results(tasks, progress), start=1):
            if early is not None and not failures and 2 * done >= len(tasks) and len(tasks) - done <= workers.count:
                early.start()  # every task is handed out: what the pages done hold is (almost always) all
            if isinstance(result, WriteWorkbook):
                continue
            if isinstance(result, Failed):
                failed = paths.project_root() / ".policycmp-cache" / "failed" / f"{result.job.name}.ipynb"
                failures.append((result, save_executed(result, failed)))
                continue
            (staging / result.job.html).write_text(result.html, encoding="utf-8")
            if early is not None:
                early.add(result.html)
            pages[result.job.name] = {
                "digest": digests[result.job.name],
                "title": result.title,
                "summary": result.summary,
                "notebook": result.job.notebook,
                "parameters": result.job.parameters,
            }
        if failures:
            for failure, saved in sorted(failures, key=lambda item: item[0].job.name):
                echo(describe_failure(failure, saved), file=sys.stderr)
            echo(
                f"policycmp report: {len(failures)} of {len(to_run)} notebooks failed; {out} is unchanged",
                file=sys.stderr,
            )
            return 1
        (staging / INDEX).write_text(index_html(planned, pages), encoding="utf-8")
        shipped_font = _write_font(staging, out, previous.get("font", {}), font_path, early)
        current = all(pages.get(j.name, {}).get("digest") == digests[j.name] for j in planned.jobs)
        manifest = {
            "format": FORMAT,
            # What the command's quick check compares (see .freshness): recorded only when every page is
            # rendered from the current inputs (a run with `only` may leave some behind).
            "inputs": inputs if current else None,
            "font": shipped_font,
            "reports": {j.name: pages[j.name] for j in planned.jobs if j.name in pages},
            "workbook": workbook,
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


def _current(job: Job, before: dict[str, Any], out: Path, digests: dict[str, str]) -> bool:
    """The page in ``out`` was rendered from the inputs it has now."""
    kept = before.get(job.name)
    return kept is not None and (out / job.html).is_file() and kept.get("digest") == digests[job.name]


def _write_font(
    staging: Path, out: Path, previous: dict[str, Any], source: Path, early: EarlyCut | None = None
) -> dict[str, str]:
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
    data = (early.take(used) if early is not None else None) or font.subset(used, source)
    (staging / font.FILE).write_bytes(data)
    return {"file": font.FILE, "key": key, "sha256": hashlib.sha256(data).hexdigest()}
