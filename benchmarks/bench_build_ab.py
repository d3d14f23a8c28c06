"""One change's cost: the whole ``policycmp build`` of this checkout against an earlier revision's, taking turns.

    .venv/bin/python benchmarks/bench_build_ab.py --base 1726ecd [--documents 1000] [--rounds 6] [--jobs 2]

The earlier revision's package is exported with ``git archive`` into a temporary folder and run
with the same virtualenv (``PYTHONPATH`` puts it before the editable install). Both builds read one
synthetic corpus (policycmp.evaluation.synthetic) and take turns, the order alternating each round,
so a change of the machine's load falls on both. Prints each run's wall and CPU seconds (the
build's processes, from ``getrusage``) and the medians and minima: on a shared machine CPU time is
the steadier of the two.

Every run is a cold build: OUT and the build cache beside it (a revision that has one) are removed
first, and ``--no-cache`` is passed to a revision whose ``build`` knows it, so that no run reads what
an earlier one cached.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from policycmp.evaluation.synthetic import write_corpus

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"


def export(revision: str, folder: Path) -> Path:
    """The revision's tree (its ``policycmp`` package among it) in ``folder``."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def environment(pythonpath: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    return env


def knows_no_cache(pythonpath: str | None) -> bool:
    """Whether the revision's ``policycmp build`` has a cache to turn off (``--no-cache``)."""
    command = [str(PYTHON), "-m", "policycmp.cli", "build", "--help"]
    env = environment(pythonpath)
    shown = subprocess.run(command, env=env, capture_output=True, text=True, cwd=tempfile.gettempdir())
    return "--no-cache" in shown.stdout


def run(raw: Path, out: Path, jobs: int, pythonpath: str | None, no_cache: bool) -> tuple[float, float]:
    env = environment(pythonpath)
    for stale in (out, out.parent / f".{out.name}.cache"):
        shutil.rmtree(stale, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    command = [str(PYTHON), "-m", "policycmp.cli", "build", "--raw", str(raw), "--out", str(out), "--jobs", str(jobs)]
    command += ["--no-cache"] if no_cache else []
    subprocess.run(command, env=env, check=True, capture_output=True, cwd=tempfile.gettempdir())
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the earlier revision (a commit, tag or branch)")
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        base = export(args.base, folder / "base")
        write_corpus(folder / "raw", args.documents, raw_dir=ROOT / "data" / "raw")
        results: dict[str, list[tuple[float, float]]] = {"base": [], "this": []}
        no_cache = {"base": knows_no_cache(str(base)), "this": knows_no_cache(None)}
        for n in range(args.rounds):
            for name in ("base", "this") if n % 2 == 0 else ("this", "base"):
                pythonpath = str(base) if name == "base" else None
                out = folder / f"out-{name}"
                results[name].append(run(folder / "raw", out, args.jobs, pythonpath, no_cache[name]))
                wall, cpu = results[name][-1]
                print(f"{name:4s} wall {wall:6.2f} s  cpu {cpu:6.2f} s  load {os.getloadavg()[0]:.1f}", flush=True)
        medians = {}
        for name, found in results.items():
            walls, cpus = [w for w, _ in found], [c for _, c in found]
            medians[name] = (statistics.median(walls), statistics.median(cpus))
            print(
                f"{name:4s} median wall {medians[name][0]:.2f} s (min {min(walls):.2f}), "
                f"median cpu {medians[name][1]:.2f} s (min {min(cpus):.2f})"
            )
        print(
            f"this / base: wall {medians['this'][0] / medians['base'][0]:.3f}, "
            f"cpu {medians['this'][1] / medians['base'][1]:.3f} (medians)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
