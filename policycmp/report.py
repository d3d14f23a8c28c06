"""``policycmp report``: execute the notebooks with papermill, render them to HTML, index them.

    policycmp report            # build the tables if the inputs changed, re-render what changed
    policycmp report --force    # re-render everything

What it does, in order:

1. ``policycmp build`` first when the raw data or the code changed (``build.is_stale``).
2. Plans one job per notebook, or one per domain / district for a notebook whose metadata says
   ``"policycmp": {"render_for": "domain"}`` (or ``"district"``).
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
import re
import shutil
import sys
import tempfile
from dataclasses import asdict, dataclass
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any, Callable, Iterable

from . import __version__, paths

MANIFEST = "manifest.json"
INDEX = "index.html"
WORKBOOK = "policycmp_tables.xlsx"
KERNEL = "python3"
FORMAT = 1  # bump when the layout of the rendered files changes without a code change
# Packages whose version changes what the rendered files contain (requirements-lock.txt pins them).
RENDER_PACKAGES = ("pandas", "numpy", "pyarrow", "matplotlib", "seaborn", "nbconvert", "nbformat", "mistune",
                   "jinja2", "papermill", "ipykernel", "ipython", "openpyxl", "scikit-learn", "scipy", "pygments")
CODE_SUFFIXES = {".py", ".yaml", ".yml", ".csv", ".json", ".j2", ".css", ".js", ".txt"}
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


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


def plan(nb_dir: Path | None = None) -> list[Job]:
    """Every page to render, in reading order."""
    from . import params

    nb_dir = nb_dir or notebooks_dir()
    jobs: list[Job] = []
    for order, path in enumerate(sorted(nb_dir.glob("[0-9][0-9]_*.ipynb"))):
        meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {}).get("policycmp", {})
        title = meta.get("title") or path.stem.split("_", 1)[-1].replace("_", " ").capitalize()
        render_for = meta.get("render_for")
        if render_for is None:
            jobs.append(Job(path.name, path.stem, {}, title, order))
            continue
        values = {"domain": params.domains, "district": params.districts}[render_for]()
        for value in values:
            jobs.append(Job(path.name, f"{path.stem}-{value}", {render_for: value}, title, order))
    return jobs


# --- hashing ----------------------------------------------------------------------------------

def _versions() -> dict[str, str]:
    out = {}
    for name in RENDER_PACKAGES:
        try:
            out[name] = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            out[name] = "-"
    return out


def lock_mismatches() -> list[str]:
    """Rendering packages whose installed version is not the one requirements-lock.txt pins.

    The committed reports are byte-compared in CI, so they must be rendered with the pinned versions
    (``python3 tasks.py setup`` installs them)."""
    lock = paths.package_dir().parent / "requirements-lock.txt"
    if not lock.is_file():
        return []
    pinned = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        name, sep, version = line.strip().partition("==")
        if sep:
            pinned[name.strip().lower().replace("_", "-")] = version.strip()
    installed = _versions()
    return [f"{name} {installed[name]} (lock: {pinned[name]})" for name in RENDER_PACKAGES
            if name in pinned and installed.get(name) not in ("-", pinned[name])]


def inputs_digest() -> str:
    """Hash of what every page depends on: processed tables, registry, package code, versions."""
    digest = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        digest.update(label.encode() + b"\0" + hashlib.sha256(data).digest())

    add("format", str(FORMAT).encode())
    for path in sorted(paths.processed_dir().glob("*.parquet")):
        add(f"processed/{path.name}", path.read_bytes())
    sources = paths.raw_dir() / "sources.yaml"
    add("raw/sources.yaml", sources.read_bytes() if sources.is_file() else b"")
    package = paths.package_dir()
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in CODE_SUFFIXES and "__pycache__" not in path.parts:
            add(f"package/{path.relative_to(package).as_posix()}", path.read_bytes())
    add("versions", json.dumps(_versions(), sort_keys=True).encode())
    return digest.hexdigest()


def job_digest(common: str, job: Job, nb_dir: Path) -> str:
    digest = hashlib.sha256(common.encode())
    digest.update((nb_dir / job.notebook).read_bytes())
    digest.update(json.dumps(job.parameters, sort_keys=True).encode())
    return digest.hexdigest()


# --- executing and rendering (runs in worker processes) ----------------------------------------

def _worker_init(env: dict[str, str]) -> None:
    os.environ.update(env)
    # Kernels inherit this process's stdout/stderr: keep their start-up chatter off the terminal.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)


def execute_job(job: dict[str, Any], nb_dir: str, work_dir: str) -> dict[str, Any]:
    """Run one notebook with papermill and render it; a failure comes back as data, not an exception."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    source = Path(nb_dir) / job["notebook"]
    executed = Path(work_dir) / f"{job['name']}.ipynb"
    try:
        nb = papermill.execute_notebook(
            str(source), str(executed), parameters=job["parameters"], kernel_name=KERNEL, progress_bar=False,
            log_output=False, cwd=str(source.parent), request_save_on_cell_execute=False, start_timeout=120)
    except PapermillExecutionError as exc:
        return {"name": job["name"], "error": {
            "cell": exc.exec_count, "cell_index": exc.cell_index, "source": exc.source,
            "error": f"{exc.ename}: {ANSI.sub('', str(exc.evalue))}",
            "traceback": ANSI.sub("", "\n".join(exc.traceback or [])), "executed": str(executed)}}
    except Exception as exc:  # kernel died, notebook unreadable, …
        return {"name": job["name"], "error": {"cell": None, "cell_index": None, "source": "",
                                               "error": f"{type(exc).__name__}: {exc}", "traceback": "",
                                               "executed": ""}}
    info = page_info(nb)
    html = render_html(nb, job=job, title=info.get("title") or job["title"])
    return {"name": job["name"], "html": html, "title": info.get("title") or job["title"],
            "summary": info.get("summary", "")}


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
    import nbformat

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
    from nbconvert import HTMLExporter

    from .html import page_head_assets

    global _EXPORTER
    if _EXPORTER is None:  # one per worker process: the template compiles once
        _EXPORTER = HTMLExporter(template_name="policycmp",
                                 extra_template_basedirs=[str(paths.package_dir() / "templates")],
                                 exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    exporter = _EXPORTER
    shown = ", ".join(f"{k}={v}" for k, v in job["parameters"].items())
    resources = {"policycmp": {
        "title": title,
        "head": page_head_assets(),
        "nav": [(INDEX, "← All reports"), (WORKBOOK, "Workbook of every table (xlsx)")],
        "footer": (f"Rendered by policycmp {__version__} (`policycmp report`) from notebooks/{job['notebook']}"
                   + (f" with {shown}" if shown else "") + "; the code cells are hidden."),
    }}
    body, _ = exporter.from_notebook_node(normalise(nb), resources=resources)
    # One trailing newline, no trailing spaces: stable across template whitespace quirks.
    return "\n".join(line.rstrip() for line in body.strip().splitlines()) + "\n"


# --- the command --------------------------------------------------------------------------------

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


def report(force: bool = False, out_dir: str | Path | None = None, *, jobs: int | None = None,
           only: Iterable[str] | None = None, echo: Callable[..., None] = print, progress: bool = True) -> int:
    """Render the reports into ``out_dir`` (default ``reports/``); 0 on success, 1 when a notebook failed.

    ``only``: names (or name prefixes, e.g. ``"06_domain_deep_dive"``) of the pages to (re)render; the
    other pages already in ``out_dir`` are kept as they are.
    """
    from .build import build, is_stale

    out = Path(out_dir) if out_dir else paths.reports_dir()
    if is_stale():
        echo("policycmp report: the raw data or the code changed since the last build; building the tables first")
        build(echo=lambda *a, **k: None)
    mismatched = lock_mismatches()
    if mismatched:
        echo("policycmp report: warning: not the pinned versions, so the pages may differ from the committed ones: "
             + ", ".join(mismatched) + " (run `python3 tasks.py setup`)", file=sys.stderr)
    nb_dir = notebooks_dir()
    all_jobs = plan(nb_dir)
    selected = [j for j in all_jobs if only is None or any(j.name.startswith(prefix) for prefix in only)]
    previous = _read_manifest(out).get("reports", {})
    common = inputs_digest()
    digests = {j.name: job_digest(common, j, nb_dir) for j in all_jobs}

    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=out.parent))
    os.chmod(staging, 0o755)
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
            echo(f"policycmp report: {len(failures)} of {len(to_run)} notebooks failed; {out} is unchanged",
                 file=sys.stderr)
            return 1
        _write_workbook(out, staging, force)
        (staging / INDEX).write_text(index_html(all_jobs, pages), encoding="utf-8")
        manifest = {"format": FORMAT, "reports": {j.name: pages[j.name] for j in all_jobs if j.name in pages},
                    "workbook": _workbook_digest()}
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                                        encoding="utf-8")
        changed = _publish(staging, out)
        skipped = len(pages) - len(to_run)
        echo(f"policycmp report: {len(to_run)} rendered, {skipped} unchanged, "
             f"{'written to' if changed else 'nothing changed in'} {out}")
        return 0
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _execute(to_run: list[Job], nb_dir: Path, staging: Path, pages: dict[str, dict[str, Any]],
             digests: dict[str, str], workers: int, progress: bool) -> list[tuple[Job, dict[str, Any]]]:
    if not to_run:
        return []
    from tqdm import tqdm

    work = staging / ".work"
    work.mkdir()
    env = {"POLICYCMP_ROOT": str(paths.project_root()), "POLICYCMP_IN_REPORT": "1", "PYTHONHASHSEED": "0",
           "MPLBACKEND": "agg",
           "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    failures: list[tuple[Job, dict[str, Any]]] = []
    by_name = {j.name: j for j in to_run}
    context = multiprocessing.get_context("spawn")
    with futures.ProcessPoolExecutor(max_workers=min(workers, len(to_run)), mp_context=context,
                                     initializer=_worker_init, initargs=(env,)) as pool, \
            tqdm(total=len(to_run), desc="policycmp report", unit="notebook", disable=not progress,
                 file=sys.stderr, dynamic_ncols=True) as bar:
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
            pages[job.name] = {"digest": digests[job.name], "title": result["title"], "summary": result["summary"],
                               "notebook": job.notebook, "parameters": job.parameters}
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
    digest.update((paths.package_dir() / "workbook.py").read_bytes())
    digest.update(json.dumps(_versions(), sort_keys=True).encode())
    return digest.hexdigest()


def _write_workbook(out: Path, staging: Path, force: bool) -> None:
    from .workbook import write_workbook

    if not force and (out / WORKBOOK).is_file() and _read_manifest(out).get("workbook") == _workbook_digest():
        shutil.copyfile(out / WORKBOOK, staging / WORKBOOK)
    else:
        write_workbook(paths.processed_dir(), staging / WORKBOOK)


def _same_tree(a: Path, b: Path) -> bool:
    if not b.is_dir():
        return False
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    return files_a == files_b and all((a / f).read_bytes() == (b / f).read_bytes() for f in files_a)


def _publish(staging: Path, out: Path) -> bool:
    """Swap the staging folder in for ``out``; False when nothing would change."""
    if _same_tree(staging, out):
        return False
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        os.rmdir(old)
        os.rename(out, old)
    os.rename(staging, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return True


# --- the index --------------------------------------------------------------------------------

def index_html(jobs: list[Job], pages: dict[str, dict[str, Any]]) -> str:
    from . import params
    from .html import esc, page

    docs = params.documents()
    groups: dict[int, list[Job]] = {}
    for job in jobs:
        if job.name in pages:
            groups.setdefault(job.order, []).append(job)
    sections = []
    for order in sorted(groups):
        members = groups[order]
        first = members[0]
        items = []
        for job in members:
            info = pages[job.name]
            label = info.get("title") or job.title
            if len(members) > 1 and label.startswith(first.title + ": "):
                label = label[len(first.title) + 2:]
            items.append(f"<li><a href=\"{esc(job.html)}\">{esc(label)}</a>"
                         f"<span class=\"pc-line\">{esc(info.get('summary', ''))}</span></li>")
        heading = first.title + (f" — one page per {next(iter(first.parameters))}" if first.parameters else "")
        sections.append(f"<section class=\"pc-index-group\"><h2>{esc(heading)}</h2>"
                        f"<ul class=\"pc-index-list\">{''.join(items)}</ul></section>")
    intro = (f"<h1>policycmp reports</h1><p class=\"pc-summary\">Zhejiang district economic policies compared "
             f"clause by clause: {len(docs)} documents ({', '.join(esc(d.id) for d in docs)}). Every table of "
             f"these pages is sortable and searchable; hover an amount for the exact yuan, its clause and source "
             f"span.</p><p class=\"pc-note\">All tables in one workbook: <a href=\"{WORKBOOK}\">{WORKBOOK}</a>. "
             f"Regenerate with <code>policycmp report</code>.</p>")
    return page("policycmp reports", intro + "\n" + "\n".join(sections),
                nav=[(INDEX, "All reports"), (WORKBOOK, "Workbook of every table (xlsx)")])
