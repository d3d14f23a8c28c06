"""One kernel that executes many notebooks, one after the other, each in a fresh namespace.

Starting a kernel and importing policycmp, pandas and matplotlib in it costs more than most pages'
own work, so each worker of ``policycmp report`` starts one kernel, imports the views once and runs
its notebooks there. Before each notebook the kernel's namespace is reset (as ``%reset -f`` would)
and its execution counter set back to 1; ``views.start`` resets the element ids and the figure style.
What survives is what the modules cache, and every such cache is keyed on the content or the file
it came from, so a page is byte-identical whether its kernel rendered others before it or not
(tested).

papermill still executes the notebook (parameters, errors with the failing cell) with an engine
that hands this kernel all the notebook's code cells in one request (:meth:`ReusedKernel.run_notebook`,
:mod:`.cells` in the kernel, :mod:`.execute`). This module needs no more than jupyter_client, so that
``policycmp report`` starts its kernels before it imports papermill, nbformat and the views
(:mod:`.workers`).
"""

from __future__ import annotations

import asyncio
import os
import queue
import subprocess
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager

from .. import paths

KERNEL = "python3"
START_TIMEOUT = 120
# No output cache (Out, _1…) and no history file: nothing to flush or write between notebooks.
KERNEL_ARGUMENTS = ["--HistoryManager.hist_file=:memory:", "--InteractiveShell.cache_size=0"]
CELLS = "policycmp.report.cells"  # the module that runs a notebook's cells in the kernel, and its payload's source
# What every page needs, imported while the command plans: the views (pandas, matplotlib), the cell
# runner, and the similarity index's scikit-learn, which the views import only when an index is first built.
WARM_UP = f"import policycmp.report.views, {CELLS}\nimport sklearn.feature_extraction.text"
# No name is left in the notebook's namespace: the module resets it first.
RUN_NOTEBOOK = "__import__({module!r}, fromlist=['run_notebook']).run_notebook({sources!r})"
ALIVE_EVERY = 1.0  # seconds between checks that the kernel still lives while it runs a request


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


class KernelDied(KernelError):
    """The kernel process ended while it ran a request (a notebook called os._exit, ran out of memory, …)."""


class ReusedKernel:
    """A started kernel and its client, for the thread that created it.

    The thread's event loop is set to the kernel's own: nbclient runs its coroutines on the thread's
    loop, and the client's sockets must stay on the loop they were made on.
    """

    def __init__(self, cwd: Path, env: dict[str, str]):
        self.cwd = cwd
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
            info = self.loop.run_until_complete(self.client.kernel_info(reply=True, timeout=START_TIMEOUT))
            # nbclient asked for it after every notebook; it is the same for the kernel's whole life.
            self.language_info: dict[str, Any] = info["content"]["language_info"]
            self.run(WARM_UP)
        except BaseException:
            self.shutdown()
            raise

    def run(self, code: str, timeout: float | None = START_TIMEOUT) -> None:
        """Execute code silently (no output, no execution count); raises :class:`KernelError` if it fails."""
        content = self.loop.run_until_complete(self._request(code, timeout))
        if content.get("status") != "ok":
            raise KernelError(f"{code}: {content.get('ename')}: {content.get('evalue')}")

    def run_notebook(self, sources: list[str]) -> list[dict[str, Any]]:
        """A fresh namespace and execution counter, then the code cells in order until one fails.

        One request for the whole notebook; each cell that ran comes back as its execution count, its
        outputs (nbformat's output dicts) and whether it failed.
        """
        code = RUN_NOTEBOOK.format(module=CELLS, sources=sources)
        content = self.loop.run_until_complete(self._request(code, None))
        if content.get("status") != "ok":
            raise KernelError(f"running the cells: {content.get('ename')}: {content.get('evalue')}")
        for payload in content.get("payload", []):
            if payload.get("source") == CELLS:
                return list(payload["cells"])
        raise KernelError("running the cells: the kernel sent no outputs back")

    async def _request(self, code: str, timeout: float | None) -> dict[str, Any]:
        """One silent execute_request: its reply's content, once the kernel is idle again."""
        msg_id = self.client.execute(code, silent=True, store_history=False, allow_stdin=False, stop_on_error=False)
        waited = 0.0
        reply = None
        while reply is None:
            try:
                msg = await self.client.get_shell_msg(timeout=ALIVE_EVERY)
            except queue.Empty:
                await self._check_alive()
                waited += ALIVE_EVERY
                if timeout is not None and waited >= timeout:
                    raise TimeoutError(f"{code}: no reply from the kernel in {timeout:g} s") from None
                continue
            if msg["parent_header"].get("msg_id") == msg_id:
                reply = msg
        # The request's status messages are read too, so that none piles up for the next request.
        while True:
            try:
                msg = await self.client.get_iopub_msg(timeout=ALIVE_EVERY)
            except queue.Empty:
                await self._check_alive()
                continue
            if (
                msg["parent_header"].get("msg_id") == msg_id
                and msg["msg_type"] == "status"
                and msg["content"].get("execution_state") == "idle"
            ):
                return dict(reply["content"])

    async def _check_alive(self) -> None:
        if not await self.manager.is_alive():
            raise KernelDied("the kernel died: its process ended while it was running")

    def alive(self) -> bool:
        return bool(self.loop.run_until_complete(self.manager.is_alive()))

    def shutdown(self) -> None:
        self.client.stop_channels()
        if self.manager.has_kernel:
            self.loop.run_until_complete(self.manager.shutdown_kernel(now=True))
        asyncio.set_event_loop(None)
        self.loop.close()
