"""The pages' own code, alone: run as a command of its own by bench_report.py.

    .venv/bin/python benchmarks/page_code.py NOTEBOOKS

One process does what the floor's kernels do as they start (``policycmp.report.kernel.WARM_UP``, every
published table read), untimed, then runs the code cells of every page ``policycmp report`` renders, one
page after another in a fresh namespace (``bench_pages.run_cells``: each cell's last value made into its
HTML), and prints the processor and wall seconds of that part as JSON.

It leaves out everything a rendering adds around the code: the kernels, papermill and nbformat, the page
template, writing the pages, the font and the workbook. So ``floor + code / workers`` is the fastest any
rendering of these pages could be, however it executes them: a bound on ``cold / floor`` that only making
the pages' code cheaper (or the pages show less) lowers. A cache the command's kernels each build (the
clauses' similarity index) is built once here, which keeps it a bound.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from bench_pages import run_cells

from policycmp.report.kernel import WARM_UP


def page_code(nb_dir: Path) -> dict[str, float]:
    exec(WARM_UP, {})  # the kernels' own imports, as the floor's kernels run them
    import pandas as pd  # noqa: PLC0415 - after the warm-up, as in the floor

    from policycmp.report.plan import plan  # noqa: PLC0415
    from policycmp.report.published import table_files  # noqa: PLC0415

    for table in table_files().values():
        pd.read_parquet(table)
    jobs = plan(nb_dir).jobs
    cpu, wall = time.process_time(), time.perf_counter()
    for job in jobs:
        run_cells(nb_dir, job.notebook, job.parameters)
    return {"pages": len(jobs), "cpu": time.process_time() - cpu, "wall": time.perf_counter() - wall}


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    print(json.dumps(page_code(Path(sys.argv[1]))))
