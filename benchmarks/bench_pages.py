"""What each page's notebook costs in a kernel: CPU seconds per page, by report, of this checkout against an
earlier revision's, taking turns.

    .venv/bin/python benchmarks/bench_pages.py --base b375da7            # 90 districts, 2 rounds
    .venv/bin/python benchmarks/bench_pages.py --districts 21 --rounds 3  # this checkout only

A report worker's kernel runs its notebooks one after another in one process; this does the same without
papermill: each page's code cells run in order in a fresh namespace of one process that has imported the
views once, every cell's last value made into its HTML as the page would show it. The figure is the
process's CPU time per page (on a shared machine steadier than wall time); the first page of a report pays
what the kernel then keeps (a table read, a similarity index), so it is given apart from the median of the
others. What it leaves out: starting the kernel, papermill's and nbformat's work, writing the page — the
whole command is ``benchmarks/bench_report.py``.

The corpus is ``policycmp.evaluation.synthetic.write_report_corpus`` (every county-level unit of Zhejiang
at 90, Zhenhai with two editions). With ``--base``, the earlier revision's package and notebooks are
exported with ``git archive`` and run with the same virtualenv (``PYTHONPATH`` first), its tables built by
its own code; the two take turns, the order alternating each round.
"""

from __future__ import annotations

import argparse
import ast
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
# report → how many of its pages to time (the others are alike)
PAGES = {
    "corpus_overview": 1,
    "subsidy_levels": 1,
    "budgets": 1,
    "targets": 1,
    "domain_deep_dive": 4,
    "district_profile": 12,
    "edition_changes": 1,
}


def export(revision: str, folder: Path) -> Path:
    """The revision's tree (its ``policycmp`` package and notebooks) in ``folder``."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def run_cells(nb_dir: Path, notebook: str, parameters: dict[str, Any]) -> None:
    """A notebook's code cells in a fresh namespace, the parameters injected after its parameters cell, each
    cell's last value made into HTML."""
    namespace: dict[str, Any] = {}
    for cell in json.loads((nb_dir / notebook).read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        if "parameters" in cell["metadata"].get("tags", []):
            exec(source, namespace)
            namespace.update(parameters)
            continue
        tree = ast.parse(source)
        last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        exec(
            compile(ast.Module(body=tree.body[:-1] if last else tree.body, type_ignores=[]), notebook, "exec"),
            namespace,
        )
        if last is not None:
            value = eval(compile(ast.Expression(last.value), notebook, "eval"), namespace)
            if hasattr(value, "_repr_html_"):
                value._repr_html_()
            elif hasattr(value, "_repr_mimebundle_"):
                value._repr_mimebundle_()


def measure(nb_dir: Path) -> dict[str, list[float]]:
    """CPU seconds of each timed page, by report (run in the process of the revision being measured)."""
    import policycmp.report.views  # noqa: F401, PLC0415 - the kernel's imports, before any page is timed
    from policycmp.report import plan  # noqa: PLC0415 - the revision's own, imported where it runs

    jobs = plan.plan(nb_dir).jobs
    found: dict[str, list[float]] = {}
    for report, count in PAGES.items():
        for job in [j for j in jobs if j.report == report][:count]:
            start = time.process_time()
            run_cells(nb_dir, job.notebook, job.parameters)
            found.setdefault(report, []).append(time.process_time() - start)
    return found


def prepare(side: Path, raw: Path, package: Path) -> Path:
    """A project root for one revision: the corpus, the revision's notebooks, its tables built by its code."""
    root = side / "root"
    shutil.copytree(raw, root / "data" / "raw")
    shutil.copytree(package / "notebooks", root / "notebooks")
    env = {**_env(package), "POLICYCMP_ROOT": str(root)}
    command = [str(PYTHON), "-m", "policycmp.cli", "build", "--raw", str(root / "data" / "raw")]
    subprocess.run([*command, "--out", str(root / "data" / "processed")], env=env, check=True, capture_output=True)
    return root


def _env(package: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if package != ROOT:
        env["PYTHONPATH"] = str(package)
    return {**env, "POLICYCMP_IN_REPORT": "1", "MPLBACKEND": "agg", "PYTHONHASHSEED": "0"}


def run_side(root: Path, package: Path) -> dict[str, list[float]]:
    env = {**_env(package), "POLICYCMP_ROOT": str(root)}
    command = [str(PYTHON), str(Path(__file__).resolve()), "--measure", str(root / "notebooks")]
    done = subprocess.run(command, env=env, check=True, capture_output=True, text=True, cwd=tempfile.gettempdir())
    return json.loads(done.stdout.strip().splitlines()[-1])


def summary(runs: list[dict[str, list[float]]], report: str) -> str:
    firsts = [r[report][0] for r in runs if report in r]
    later = [t for r in runs if report in r for t in r[report][1:]]
    if not firsts:
        return "—"
    shown = f"first {statistics.median(firsts):.2f}"
    return shown + (f", then {statistics.median(later):.2f} a page" if later else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--districts", type=int, default=90)
    parser.add_argument("--base", help="an earlier revision to set beside this checkout")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # the child process's part
    args = parser.parse_args(argv)
    if args.measure is not None:
        print(json.dumps(measure(args.measure)))
        return 0
    from policycmp.evaluation.synthetic import write_report_corpus  # noqa: PLC0415 - the parent's only

    with tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp:
        folder = Path(tmp)
        raw = folder / "raw"
        write_report_corpus(raw, args.districts, raw_dir=ROOT / "data" / "raw")
        sides = {"this checkout": (ROOT, prepare(folder / "this", raw, ROOT))}
        if args.base:
            base = export(args.base, folder / "base-tree")
            sides[f"base {args.base}"] = (base, prepare(folder / "base", raw, base))
        runs: dict[str, list[dict[str, list[float]]]] = {name: [] for name in sides}
        for n in range(args.rounds):
            for name in list(sides)[:: 1 if n % 2 == 0 else -1]:
                package, root = sides[name]
                runs[name].append(run_side(root, package))
                print(f"round {n + 1}: {name} done (load average {os.getloadavg()[0]:.1f})", file=sys.stderr)
    names = list(sides)
    print(f"CPU seconds per page at {args.districts} districts, median of {args.rounds} rounds")
    print("| report | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for report in PAGES:
        print(f"| {report} | " + " | ".join(summary(runs[name], report) for name in names) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
