"""Per-document work split into runs of documents, read in worker processes when there are cores to spare.

A run's result depends only on its own documents, and results are joined in run order, so a build
gives the same bytes with one process or several (``tests/test_build_scale.py`` checks this).

Workers are forked from the build: they inherit what the build has prepared (the clause texts and
the compiled grammar) without it being pickled, and send back only their results. Only work whose
results are small pays for this: the quantity mentions do; the comparison stage's rows (300,000 at
1,000 documents) cost more to send back than a second core saves, so that stage stays in one process.

Before forking, the build's objects are moved out of the collector's reach (``gc.freeze``): a
worker's garbage collections would otherwise write to, and so copy, every page of the parent's
memory it inherited.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

S = TypeVar("S")
R = TypeVar("R")
T = TypeVar("T")

# Below this many documents a build stays in one process: forking and sending results back cost
# more than a second core saves (about 0.2 s against 30 ms a document).
PARALLEL_MIN_DOCUMENTS = 50
# Documents per run: small enough for a steady progress bar and an even split between workers,
# large enough that sending each run and its results costs little.
DOCUMENTS_PER_RUN = 25


def available_cores() -> int:
    """The cores this process may run on (the affinity mask where the system has one)."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else os.cpu_count() or 1


def default_jobs(documents: int) -> int:
    """How many processes (this one included) a build of ``documents`` documents uses when not told."""
    if documents < PARALLEL_MIN_DOCUMENTS or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return available_cores()


@dataclass(frozen=True)
class Run:
    """Items ``start:stop`` (clause rows), holding ``documents`` whole documents."""

    start: int
    stop: int
    documents: int


def runs(doc_ids: Sequence[str], per_run: int = DOCUMENTS_PER_RUN) -> list[Run]:
    """Consecutive items cut into runs of ``per_run`` documents (``doc_ids[i]``: item i's document;
    a document's items are consecutive, as clause rows are)."""
    out: list[Run] = []
    start, documents = 0, 0
    for i, doc_id in enumerate(doc_ids):
        if i > 0 and doc_id != doc_ids[i - 1]:
            documents += 1
            if documents == per_run:
                out.append(Run(start, i, documents))
                start, documents = i, 0
    if doc_ids:
        out.append(Run(start, len(doc_ids), documents + 1))
    return out


@dataclass(frozen=True)
class _Task(Generic[S, R]):
    work: Callable[[S, int, int], R]
    state: S


_task: _Task[Any, Any] | None = None  # what a forked worker runs, set by its initializer


def _install(task: _Task[Any, Any]) -> None:
    global _task
    _task = task


def _run(start: int, stop: int) -> Any:
    assert _task is not None, "a worker runs only after _install"
    return _task.work(_task.state, start, stop)


def map_runs(
    work: Callable[[S, int, int], R],
    state: S,
    parts: Sequence[Run],
    workers: int,
    then: Callable[[int, R], T],
    advance: Callable[[int], object] = lambda documents: None,
) -> list[T]:
    """``[then(n, work(state, run.start, run.stop)) for n, run in enumerate(parts)]``: ``work`` in
    ``workers`` forked processes (in this one when 0), ``then`` in this one.

    ``then`` reads each run's result as it arrives, while the workers go on with the runs after it;
    ``advance(documents)`` follows (for a progress bar). The results come back in run order whatever
    order the runs finish in.
    """
    if workers < 1 or len(parts) <= 1:
        results = []
        for n, part in enumerate(parts):
            results.append(then(n, work(state, part.start, part.stop)))
            advance(part.documents)
        return results
    unfreeze = gc.get_freeze_count() == 0  # a caller that froze its objects keeps them frozen
    gc.freeze()
    try:
        with ProcessPoolExecutor(
            max_workers=min(workers, len(parts)),
            mp_context=multiprocessing.get_context("fork"),
            initializer=_install,
            initargs=(_Task(work, state),),
        ) as pool:
            futures = {pool.submit(_run, part.start, part.stop): n for n, part in enumerate(parts)}
            done: dict[int, T] = {}
            # Unpickling the results, and reading them, makes objects by the hundred thousand and no
            # reference cycles: collections meanwhile would only walk them again and again.
            collecting = gc.isenabled()
            gc.disable()
            try:
                for future in as_completed(futures):
                    n = futures[future]
                    done[n] = then(n, future.result())
                    advance(parts[n].documents)
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)  # the first error stops the build; drop the rest
                raise
            finally:
                if collecting:
                    gc.enable()
            return [done[n] for n in range(len(parts))]
    finally:
        if unfreeze:
            gc.unfreeze()
