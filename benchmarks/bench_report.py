"""Report benchmark: a cold `policycmp report --force` against its floor, and adding one district.

    .venv/bin/python benchmarks/bench_report.py                  # 3 districts (the real corpus) and 90
    .venv/bin/python benchmarks/bench_report.py --districts 3    # one size
    .venv/bin/python benchmarks/bench_report.py --jobs 1

For each size, in one run:

(a) cold: every page rendered (``report(force=True)``) into an empty folder;
(b) floor: for every page, a bare kernel started, running an empty notebook (the parameters cell and
    ``pass``) and shut down — with the same number of workers (threads), so ``cold / floor`` is what
    the pages' own work adds to starting one kernel per page;
(c) adding one district: the district's policy is added to the corpus, the tables rebuilt, and
    ``policycmp report`` re-renders what depends on it (which pages, how long).

3 districts is the real corpus, and (c) adds a synthetic district to it. 90 is a synthetic corpus of
every county-level unit of Zhejiang (`policycmp.evaluation.synthetic`); (c) there starts from 89 of
them and adds the 90th, and its result is checked against the forced rendering of (a): the pages
must be byte-identical. Every page must be at most 2 MB.

Everything happens in a temporary project root (``POLICYCMP_ROOT``): the checkout's
``data/processed`` and ``reports`` are not touched. The build is not timed. Speed is asserted here,
never in the test suite: the script exits 1 when cold / floor exceeds 1.5 or a page exceeds 2 MB.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from queue import Empty, Queue

import nbformat
import papermill
import yaml

from policycmp import paths
from policycmp.evaluation.synthetic import write_corpus
from policycmp.publish.build import build
from policycmp.report import run
from policycmp.report.plan import plan

ROOT = Path(__file__).resolve().parents[1]
RATIO = 1.5
PAGE_LIMIT = 2 * 1024 * 1024
QUIET = {"echo": lambda *a, **k: None, "progress": False}


def floor(pages: int, workers: int, folder: Path) -> float:
    """Seconds to start a bare kernel per page (papermill, an empty notebook), ``workers`` at a time."""
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("pass")
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell, nbformat.v4.new_code_cell("pass")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "bare.ipynb"
    nbformat.write(nb, path)
    queue: Queue[int] = Queue()
    for page in range(pages):
        queue.put(page)

    def work() -> None:
        while True:
            try:
                queue.get_nowait()
            except Empty:
                return
            papermill.execute_notebook(str(path), None, kernel_name="python3", progress_bar=False, start_timeout=120)

    start = time.perf_counter()
    threads = [threading.Thread(target=work) for _ in range(min(workers, pages))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start


def real_corpus(raw: Path) -> None:
    shutil.copytree(ROOT / "data" / "raw", raw)


def synthetic_corpus(raw: Path, districts: int) -> None:
    write_corpus(raw, districts, raw_dir=ROOT / "data" / "raw")


def split_last(raw: Path, aside: Path) -> None:
    """Move the registry's last policy (file and entry) out of the corpus into ``aside``."""
    registry = yaml.safe_load((raw / "sources.yaml").read_text(encoding="utf-8"))
    last = registry["documents"].pop()
    aside.mkdir(parents=True)
    shutil.move(raw / last["file"], aside / last["file"])
    (aside / "entry.yaml").write_text(yaml.safe_dump(last, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (raw / "sources.yaml").write_text(yaml.safe_dump(registry, allow_unicode=True, sort_keys=False), encoding="utf-8")


def add_back(raw: Path, aside: Path) -> str:
    entry = yaml.safe_load((aside / "entry.yaml").read_text(encoding="utf-8"))
    registry = yaml.safe_load((raw / "sources.yaml").read_text(encoding="utf-8"))
    registry["documents"].append(entry)
    shutil.move(aside / entry["file"], raw / entry["file"])
    (raw / "sources.yaml").write_text(yaml.safe_dump(registry, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return str(entry["district"])


def one_synthetic_district(folder: Path, taken: set[str]) -> Path:
    """A synthetic policy of a district not in the corpus, set aside for :func:`add_back`."""
    source = folder / "pool"
    write_corpus(source, 6, raw_dir=ROOT / "data" / "raw")
    registry = yaml.safe_load((source / "sources.yaml").read_text(encoding="utf-8"))
    entry = next(d for d in registry["documents"] if d["district"] not in taken)
    aside = folder / "aside"
    aside.mkdir()
    shutil.copyfile(source / entry["file"], aside / entry["file"])
    (aside / "entry.yaml").write_text(yaml.safe_dump(entry, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return aside


def rebuild(raw: Path) -> None:
    build(raw, paths.processed_dir(), echo=lambda *a, **k: None)


def rendered(before: dict[str, bytes], after: Path) -> list[str]:
    """Pages whose bytes differ from (or are missing in) ``before``."""
    return sorted(
        p.name for p in after.glob("*.html") if p.name != "index.html" and before.get(p.name) != p.read_bytes()
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.glob("*.html")}


@dataclass
class Result:
    districts: int
    pages: int
    cold: float
    floor: float
    added: str
    incremental: float
    rerendered: list[str]
    sizes: dict[str, int]
    differs_from_forced: list[str]
    pages_after: int

    @property
    def ratio(self) -> float:
        return self.cold / self.floor

    def report(self, workers: int) -> bool:
        largest = max(self.sizes, key=lambda name: self.sizes[name])
        too_big = sorted(name for name, size in self.sizes.items() if size > PAGE_LIMIT)
        print(f"--- {self.districts} districts: {self.pages} pages, {workers} workers")
        print(f"cold (report --force):        {self.cold:7.1f} s")
        print(f"floor (bare kernel per page): {self.floor:7.1f} s")
        print(f"cold / floor:                 {self.ratio:7.2f}x")
        print(
            f"adding {self.added}: {len(self.rerendered)} of {self.pages_after} pages re-rendered in "
            f"{self.incremental:.1f} s: {', '.join(self.rerendered)}"
        )
        print(f"largest page: {largest}, {self.sizes[largest] / 1024 / 1024:.2f} MB")
        ok = True
        if self.differs_from_forced:
            print(f"NOT byte-identical to a forced rendering: {', '.join(self.differs_from_forced)}")
            ok = False
        if self.ratio > RATIO:
            print(f"cold / floor above {RATIO}")
            ok = False
        if too_big:
            print(f"pages above 2 MB: {', '.join(too_big)}")
            ok = False
        sys.stdout.flush()
        return ok


def measure(districts: int, workers: int, folder: Path) -> Result:
    root = folder / f"project-{districts}"
    raw = root / "data" / "raw"
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    os.environ["POLICYCMP_ROOT"] = str(root)
    out = root / "reports"
    forced = root / "reports-forced"
    if districts == 3:
        real_corpus(raw)
    else:
        synthetic_corpus(raw, districts)
        split_last(raw, folder / "aside")
        rebuild(raw)
        assert run.report(out_dir=out, jobs=workers, **QUIET) == 0  # the 89 districts, rendered once
        before = snapshot(out)
        added = add_back(raw, folder / "aside")
        rebuild(raw)
        start = time.perf_counter()
        assert run.report(out_dir=out, jobs=workers, **QUIET) == 0
        incremental = time.perf_counter() - start
        changed = rendered(before, out)
    rebuild(raw)
    pages = len(plan().jobs)
    bare = floor(pages, workers, folder)
    start = time.perf_counter()
    assert run.report(force=True, out_dir=forced, jobs=workers, **QUIET) == 0
    cold = time.perf_counter() - start
    sizes = {p.name: p.stat().st_size for p in forced.glob("*.html")}
    if districts == 3:
        before = snapshot(forced)
        shutil.copytree(forced, out)
        aside = one_synthetic_district(folder, set(registered_districts(raw)))
        added = add_back(raw, aside)
        rebuild(raw)
        start = time.perf_counter()
        assert run.report(out_dir=out, jobs=workers, **QUIET) == 0
        incremental = time.perf_counter() - start
        changed = rendered(before, out)
        differs: list[str] = []
    else:
        fresh, kept = snapshot(forced), snapshot(out)
        differs = sorted(name for name in set(fresh) | set(kept) if fresh.get(name) != kept.get(name))
    pages_after = len(list(out.glob("*.html"))) - 1  # without the index
    return Result(districts, pages, cold, bare, added, incremental, changed, sizes, differs, pages_after)


def registered_districts(raw: Path) -> list[str]:
    registry = yaml.safe_load((raw / "sources.yaml").read_text(encoding="utf-8"))
    return [d["district"] for d in registry["documents"]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--districts", type=int, nargs="+", default=[3, 90], help="corpus sizes (3 is the real one)")
    parser.add_argument("--jobs", type=int, default=None, help="workers (default: as policycmp report)")
    args = parser.parse_args()
    workers = args.jobs or run.default_jobs()
    ok = True
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        for districts in args.districts:
            folder = Path(tmp) / str(districts)
            folder.mkdir()
            ok &= measure(districts, workers, folder).report(workers)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
