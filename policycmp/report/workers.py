"""The workers of ``policycmp report``: one thread and one kernel each, taking tasks from one queue.

The kernels start the moment :class:`Workers` is made, and ``policycmp report`` makes it before it
imports papermill, nbformat and the views (this module needs jupyter_client only), so a kernel's
start-up (a process, its own imports of the views) runs while the command imports, plans and hashes.

Tasks are handed over longest first, as the last run timed them (:class:`Timings`), so that the
page that takes longest (the subsidy heatmap at ninety districts) starts at once rather than after a
queue of short ones; a task never timed goes first, in the order given. The pages of a report whose
pages share a cost each kernel pays once (:data:`TOGETHER`: the domain pages' similarity index of every
clause) go to one worker: the first to take one of them takes the rest before other work, while the
others take everything else, and one of them too only when nothing else is left (:class:`Handout`). The
order decides only which worker renders what when; every page is the same bytes whichever kernel renders
it (tested).
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from queue import Queue
from typing import TYPE_CHECKING, Any

from tqdm import tqdm

from .freshness import WORKBOOK
from .kernel import ReusedKernel

if TYPE_CHECKING:  # the execution stack is imported once the kernels are starting (importlib below)
    from .execute import Failed, Rendered
    from .plan import Job

EXECUTE = "policycmp.report.execute"
# Reports whose pages share what a kernel computes once and keeps: the domain pages' TF-IDF similarity index
# of every clause (0.6-0.9 s at ninety districts), which a second kernel would build again.
TOGETHER = frozenset({"domain_deep_dive"})


@dataclass(frozen=True)
class WriteWorkbook:
    """The workbook of every table, written in a kernel (it has the package imported) beside the notebooks."""

    tables: Path
    target: Path
    name: str = WORKBOOK

    def run(self, kernel: ReusedKernel) -> None:
        kernel.run(
            f"from policycmp.report.workbook import write_workbook\n"
            f"write_workbook({str(self.tables)!r}, {str(self.target)!r})",
            timeout=None,
        )


class Timings:
    """Each task's seconds in the last run that did it, kept beside the failed notebooks
    (``.policycmp-cache/report-seconds.json``); only the order of the work depends on them."""

    def __init__(self, path: Path):
        self.path = path
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            loaded = {}
        self.seconds: dict[str, float] = {
            str(k): float(v) for k, v in (loaded.items() if isinstance(loaded, dict) else []) if _is_number(v)
        }
        self.lock = threading.Lock()

    def order(self, tasks: list[Job | WriteWorkbook]) -> list[Job | WriteWorkbook]:
        """Longest first; a task not timed before comes first, in the order given."""
        known = {_name(t): self.seconds[_name(t)] for t in tasks if _name(t) in self.seconds}
        return sorted(tasks, key=lambda t: -known.get(_name(t), float("inf")))

    def record(self, task: Job | WriteWorkbook, seconds: float) -> None:
        with self.lock:
            self.seconds[_name(task)] = round(seconds, 3)

    def save(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_name(self.path.name + f".{os.getpid()}")
            temporary.write_text(json.dumps(self.seconds, indent=0, sort_keys=True) + "\n", encoding="utf-8")
            os.replace(temporary, self.path)
        except OSError:
            pass  # a read-only project still renders; the next run orders its work as given


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _name(task: Job | WriteWorkbook) -> str:
    return task.name


class Workers:
    """``count`` threads, each starting one kernel at once and then running the tasks it takes in it.

    The kernels start when the run starts, so their start-up (a process, the views' imports) overlaps
    the imports, planning and hashing the run does meanwhile; :meth:`submit` then hands them the tasks.
    """

    def __init__(self, nb_dir: Path, count: int, env: dict[str, str], timings: Timings):
        self.nb_dir = nb_dir
        self.handout = Handout()
        self.results_queue: Queue[Rendered | Failed | WriteWorkbook] = Queue()
        self.env = env
        self.timings = timings
        self.closed = False
        self.count = max(1, count)
        self.threads = [threading.Thread(target=self._work, args=(n,), daemon=True) for n in range(self.count)]
        for thread in self.threads:
            thread.start()

    def _start(self) -> ReusedKernel | Exception:
        try:
            return ReusedKernel(self.nb_dir, self.env)
        except Exception as exc:
            return exc

    def _work(self, worker: int) -> None:
        kernel = self._start()
        try:
            execute_job = importlib.import_module(EXECUTE).execute_job  # the kernel started first
            while (task := self.handout.take(worker)) is not None:
                if isinstance(kernel, ReusedKernel) and not kernel.alive():  # a notebook killed it: start afresh
                    kernel.shutdown()
                    kernel = self._start()
                if isinstance(kernel, Exception):
                    kernel = self._start()  # once more for each task, as a fresh kernel might start
                if isinstance(kernel, Exception):
                    self.results_queue.put(failed(task, f"the kernel did not start: {type(kernel).__name__}: {kernel}"))
                    continue
                started = time.perf_counter()
                try:
                    if isinstance(task, WriteWorkbook):
                        task.run(kernel)
                        self.results_queue.put(task)
                    else:
                        self.results_queue.put(execute_job(kernel, task, self.nb_dir))
                except Exception as exc:  # never leave the main thread waiting for a result
                    self.results_queue.put(failed(task, f"{type(exc).__name__}: {exc}"))
                self.timings.record(task, time.perf_counter() - started)
        finally:
            if isinstance(kernel, ReusedKernel):
                kernel.shutdown()

    def submit(self, tasks: list[Job | WriteWorkbook]) -> None:
        """Hand over every task of the run, the longest first; no more tasks come after these."""
        self.handout.give(self.timings.order(tasks))
        self.closed = True

    def results(self, tasks: list[Job | WriteWorkbook], progress: bool) -> Iterator[Rendered | Failed | WriteWorkbook]:
        """The result of every submitted task as it arrives (a progress bar counts the pages)."""
        pages = sum(1 for task in tasks if not isinstance(task, WriteWorkbook))
        with tqdm(
            total=pages, desc="policycmp report", unit="page", disable=not progress, file=sys.stderr, dynamic_ncols=True
        ) as bar:
            for _ in tasks:
                result = self.results_queue.get()
                if not isinstance(result, WriteWorkbook):
                    bar.set_postfix_str(result.job.name, refresh=False)
                    bar.update(1)
                yield result

    def close(self) -> None:
        """No more tasks: each thread shuts its kernel down after the tasks it has, and they are waited for."""
        if not self.closed:
            self.closed = True
            self.handout.give([])
        for thread in self.threads:
            thread.join()


class Handout:
    """The run's tasks, given all at once and taken one at a time by the workers, in the order given except
    that the pages of a report in :data:`TOGETHER` stay with the worker that took the first of them: it takes
    the next of them before anything else, and another worker takes one only when nothing else is left (so
    that no worker idles while pages wait)."""

    def __init__(self) -> None:
        self.tasks: list[Job | WriteWorkbook] = []
        self.given = False
        self.owner: dict[str, int] = {}  # report → the worker rendering its pages
        self.condition = threading.Condition()

    def give(self, tasks: list[Job | WriteWorkbook]) -> None:
        """Every task of the run (no more come after these): the workers take them, then stop."""
        with self.condition:
            self.tasks.extend(tasks)
            self.given = True
            self.condition.notify_all()

    def take(self, worker: int) -> Job | WriteWorkbook | None:
        """The next task for ``worker``, waiting until the tasks are given; None when none is left."""
        with self.condition:
            while not self.tasks and not self.given:
                self.condition.wait()
            if not self.tasks:
                return None
            task = self.tasks.pop(self._choose(worker))
            report = _together(task)
            if report is not None:
                self.owner.setdefault(report, worker)
            return task

    def _choose(self, worker: int) -> int:
        owners = [self.owner.get(r) if (r := _together(t)) is not None else None for t in self.tasks]
        mine = [i for i, owner in enumerate(owners) if owner == worker]
        free = [i for i, owner in enumerate(owners) if owner is None]
        return (mine or free or [0])[0]


def _together(task: Job | WriteWorkbook) -> str | None:
    report = getattr(task, "report", None)
    return report if report in TOGETHER else None


def failed(task: Job | WriteWorkbook, error: str) -> Failed:
    execute = importlib.import_module(EXECUTE)
    if isinstance(task, WriteWorkbook):
        return execute.Failed(execute.Job("", task.name.removesuffix(".xlsx"), "", {}, "Workbook"), error)
    return execute.Failed(task, error)
