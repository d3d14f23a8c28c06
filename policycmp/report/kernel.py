"""One kernel that executes many notebooks, one after the other, each in a fresh namespace.

Starting a kernel and importing policycmp, pandas and matplotlib in it costs more than most pages'
own work, so each worker of ``policycmp report`` starts one kernel, imports the views once and runs
its notebooks there. Before each notebook the kernel's namespace is reset (as ``%reset -f`` would)
and its execution counter set back to 1; ``views.start`` resets the element ids and the figure style.
What survives is what the modules cache, and every such cache is keyed on the content or the file
it came from, so a page is byte-identical whether its kernel rendered others before it or not
(tested).

papermill still executes the notebook (parameters, errors with the failing cell): its nbclient
engine is handed this kernel instead of starting one (:mod:`.execute`). This module needs no more
than jupyter_client, so that ``policycmp report`` starts its kernels before it imports papermill,
nbformat and the views (:mod:`.workers`).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager

from .. import paths

KERNEL = "python3"
START_TIMEOUT = 120
# No output cache (Out, _1…) and no history file: nothing to flush or write between notebooks.
KERNEL_ARGUMENTS = ["--HistoryManager.hist_file=:memory:", "--InteractiveShell.cache_size=0"]
# What every page needs, imported while the command plans: the views (pandas, matplotlib) and the
# similarity index's scikit-learn, which the views import only when an index is first built.
WARM_UP = "import policycmp.report.views\nimport sklearn.feature_extraction.text"
RESET = "get_ipython().reset(new_session=True)"


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


class KernelError(RuntimeError):
    """The kernel did not start, or a set-up statement failed in it."""


class ReusedKernel:
    """A started kernel and its client, for the thread that created it.

    The thread's event loop is set to the kernel's own: nbclient runs its coroutines on the thread's
    loop, and the client's sockets must stay on the loop they were made on.
    """

    def __init__(self, cwd: Path, env: dict[str, str]):
        self.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.loop)
        self.manager = AsyncKernelManager(kernel_name=KERNEL)
        # The kernel's own start-up chatter would reach the terminal; the notebooks' output comes
        # back over the kernel protocol instead.
        self.loop.run_until_complete(
            self.manager.start_kernel(
                cwd=str(cwd),
                env=env,
                extra_arguments=KERNEL_ARGUMENTS,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        self.client = self.manager.client()
        self.client.start_channels()
        self.last_notebook: Any = None
        try:
            self.loop.run_until_complete(self.client.wait_for_ready(timeout=START_TIMEOUT))
            self.run(WARM_UP)
        except BaseException:
            self.shutdown()
            raise

    def run(self, code: str, timeout: float | None = START_TIMEOUT) -> None:
        """Execute code silently (no output, no execution count); raises :class:`KernelError` if it fails."""
        reply = self.loop.run_until_complete(
            self.client.execute_interactive(
                code, silent=True, store_history=False, output_hook=lambda _: None, timeout=timeout
            )
        )
        content = reply["content"]
        if content.get("status") != "ok":
            raise KernelError(f"{code}: {content.get('ename')}: {content.get('evalue')}")

    def reset(self) -> None:
        """A fresh namespace and execution counter for the next notebook."""
        self.run(RESET)

    def alive(self) -> bool:
        return bool(self.loop.run_until_complete(self.manager.is_alive()))

    def shutdown(self) -> None:
        self.client.stop_channels()
        if self.manager.has_kernel:
            self.loop.run_until_complete(self.manager.shutdown_kernel(now=True))
        asyncio.set_event_loop(None)
        self.loop.close()
