"""The floor of `policycmp report --force`, run as a command of its own by bench_report.py:

    .venv/bin/python benchmarks/report_floor.py PAGES WORKERS OUT

What any rendering of these pages with this package pays, and nothing else: one process that imports
jupyter_client alone and starts one kernel per worker (with the command's kernel arguments and
environment), and in each kernel imports the package's page code as the command's kernels do when they
start (``policycmp.report.kernel.WARM_UP``: the views with pandas and matplotlib, the cell runner and
scikit-learn), reads every table the build published, and writes its share of PAGES empty pages into
OUT. It imports nothing else on purpose: the benchmark's own imports (pandas, the build,
the report's execution stack) took 3 s and were counted in the floor before.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from jupyter_client.manager import KernelManager

from policycmp.report.kernel import KERNEL, KERNEL_ARGUMENTS, WARM_UP, kernel_env

# What the floor's kernels run: the package's page code imported (what the command's kernels import as
# they start, WARM_UP), every published table read.
CODE = (
    WARM_UP
    + """
import pandas as pd
from policycmp.report.published import table_files
for table in table_files().values():
    pd.read_parquet(table)
for name in {names!r}:
    with open(name, "w", encoding="utf-8") as page:
        page.write("<!DOCTYPE html>\\n<html><head><meta charset='utf-8'><title></title></head><body></body></html>\\n")
"""
)


def floor(pages: int, workers: int, out: Path) -> list[str]:
    """The errors of the kernels that failed (none when the floor ran)."""
    out.mkdir(parents=True, exist_ok=True)
    names = [str(out / f"page-{i:03d}.html") for i in range(pages)]
    shares = [names[i::workers] for i in range(min(workers, pages))]
    errors: list[str] = []

    def work(share: list[str]) -> None:
        manager = KernelManager(kernel_name=KERNEL)
        manager.start_kernel(
            env=kernel_env(), extra_arguments=KERNEL_ARGUMENTS, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        client = manager.client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=120)
            reply = client.execute_interactive(CODE.format(names=share), timeout=600, output_hook=lambda _: None)
            if reply["content"]["status"] != "ok":
                errors.append(f"{reply['content'].get('ename')}: {reply['content'].get('evalue')}")
        finally:
            client.stop_channels()
            manager.shutdown_kernel(now=True)

    threads = [threading.Thread(target=work, args=(share,)) for share in shares]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    failed = floor(int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]))
    sys.exit(f"floor failed: {failed[0]}" if failed else 0)
