"""Report benchmark: a cold full regeneration and a no-change regeneration, against their floor.

    .venv/bin/python benchmarks/bench_report.py           # workers as `policycmp report` uses them
    .venv/bin/python benchmarks/bench_report.py --jobs 1

The floor is the bare cost of the kernels: for every page, papermill starts a kernel, runs a notebook
whose only cells are the parameters and ``pass``, and shuts the kernel down — with the same worker
processes and parallelism as the real run. ``cold / floor`` says how much of a full regeneration is
the notebooks' own work (loading tables, figures, rendering) rather than kernel start-up.
Renders into a temporary folder; reports/ and data/processed/ are not touched (the tables are built
first if they are stale, as `policycmp report` would).
"""

from __future__ import annotations

import argparse
import concurrent.futures as futures
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import papermill
from policycmp.build import build, is_stale

from policycmp import paths, report

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def bare_kernel(notebook: str, parameters: dict) -> None:

    papermill.execute_notebook(
        notebook, None, parameters=parameters, kernel_name="python3", progress_bar=False, cwd=str(Path(notebook).parent)
    )


def floor(jobs, workers: int, folder: Path) -> float:

    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("pass")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell("pass")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "bare.ipynb"
    nbformat.write(nb, path)
    env = {"POLICYCMP_ROOT": str(paths.project_root()), "PYTHONHASHSEED": "0", "MPLBACKEND": "agg"}
    start = time.perf_counter()
    with futures.ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=report._worker_init,
        initargs=(env,),
    ) as pool:
        for done in [pool.submit(bare_kernel, str(path), job.parameters) for job in jobs]:
            done.result()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: as policycmp report)")
    args = parser.parse_args()

    if is_stale():
        build(echo=lambda *a, **k: None)
    workers = args.jobs or report.default_jobs()
    jobs = report.plan()
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        out = Path(tmp) / "reports"
        quiet = {"echo": lambda *a, **k: None, "progress": False, "jobs": workers}
        start = time.perf_counter()
        assert report.report(force=True, out_dir=out, **quiet) == 0
        cold = time.perf_counter() - start
        start = time.perf_counter()
        assert report.report(out_dir=out, **quiet) == 0
        warm = time.perf_counter() - start
        bare = floor(jobs, min(workers, len(jobs)), Path(tmp))
    print(f"pages: {len(jobs)} notebooks executed, {workers} worker process(es)")
    print(f"cold full regeneration:   {cold:6.1f} s  ({cold / len(jobs):.2f} s per page)")
    print(f"no-change regeneration:   {warm:6.2f} s")
    print(f"floor (bare kernels):     {bare:6.1f} s  ({bare / len(jobs):.2f} s per page)")
    print(f"cold / floor:             {cold / bare:6.2f}x")


if __name__ == "__main__":
    main()
