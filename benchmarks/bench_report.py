"""Report benchmark: a cold `policycmp report --force` against its floor, a run with nothing to do, and
adding one district.

    .venv/bin/python benchmarks/bench_report.py                  # 3 districts (the real corpus) and 90
    .venv/bin/python benchmarks/bench_report.py --districts 3    # one size
    .venv/bin/python benchmarks/bench_report.py --repeat 5 --jobs 1

For each size, in one run, every figure the wall time of a whole command, as a user runs it:

(a) cold: ``policycmp report --force`` rendering every page into an empty folder;
(b) floor: what any rendering of these pages with this package pays (``benchmarks/report_floor.py``,
    a command of its own) — one process, importing jupyter_client and nothing else, that starts one
    kernel per worker (as the command does), and in each kernel imports the package's page code
    (``policycmp.report.views``: pandas, matplotlib) and reads every published table, then writes
    the kernel's share of as many empty pages. ``cold / floor`` is what rendering the pages adds;
(c) nothing changed: ``policycmp report`` again (the README promises at most 1 s at 90 districts);
(d) adding one district: the district's policy is added to the corpus, the tables rebuilt, and
    ``policycmp report`` re-renders what depends on it (which pages, how long);
(e) the pages' code alone (``benchmarks/page_code.py``): the code cells of every page run one after
    another in one process that has done the floor's imports and table reads, nothing around them (no
    kernel, papermill, template, font or workbook). ``(floor + code / workers) / floor`` is the least
    ``cold / floor`` any way of executing these pages can reach; when it is above 1.5, only cheaper page
    code (or pages that show less) can meet the gate.

Cold means the disk cache is dropped (``/proc/sys/vm/drop_caches``, as root) before each cold and each
floor run; where that is not permitted, the two alternate (floor first in odd repeats, cold first in
even ones), so neither always finds the other's files in memory. The figures are medians of
``--repeat`` runs; the ratio is the median cold over the median floor, and each repeat's own ratio
(cold and floor of the same repeat, one to one) is printed beside it. Beside the wall times, the
processor seconds of each command and its kernels (user + system), which other work on the machine
moves less; and the load average before and after, to read them by.

3 districts is the real corpus, and (d) adds a synthetic district to it. 90 is a synthetic corpus of
every county-level unit of Zhejiang (`policycmp.evaluation.synthetic`); (d) there starts from 89 of
them and adds the 90th, and its result is checked against the forced rendering of (a): the pages
must be byte-identical. Every page must be at most 2 MB.

Everything happens in a temporary project root (``POLICYCMP_ROOT``): the checkout's
``data/processed`` and ``reports`` are not touched. The build is not timed. Speed is asserted here,
never in the test suite: the script exits 1 when cold / floor exceeds 1.5, the run with nothing to do
takes more than 1 s, or a page exceeds 2 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from policycmp.evaluation.synthetic import write_corpus
from policycmp.publish.build import build
from policycmp.report import run
from policycmp.report.kernel import kernel_env
from policycmp.report.plan import plan

ROOT = Path(__file__).resolve().parents[1]
FLOOR = Path(__file__).resolve().parent / "report_floor.py"
PAGE_CODE = Path(__file__).resolve().parent / "page_code.py"
COMMAND = Path(sys.executable).parent / "policycmp"
RATIO = 1.5
NOTHING_TO_DO = 1.0  # seconds
PAGE_LIMIT = 2 * 1024 * 1024
DROP_CACHES = Path("/proc/sys/vm/drop_caches")


def can_drop_caches() -> bool:
    try:
        drop_caches()
    except OSError:
        return False
    return True


def drop_caches() -> None:
    subprocess.run(["sync"], check=True)
    DROP_CACHES.write_text("3\n")


def timed(command: list[str], env: dict[str, str], cpu: list[float] | None = None) -> tuple[float, str]:
    """The wall seconds of a command (its processor seconds, with its kernels', appended to ``cpu``)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stderr}")
    if cpu is not None:
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return seconds, result.stdout


def load() -> str:
    return Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").is_file() else "?"


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


def rebuild(raw: Path, processed: Path) -> None:
    build(raw, processed, echo=lambda *a, **k: None, progress=False)


def rendered(before: dict[str, bytes], after: Path) -> list[str]:
    """Pages whose bytes differ from (or are missing in) ``before``."""
    return sorted(
        p.name for p in after.glob("*.html") if p.name != "index.html" and before.get(p.name) != p.read_bytes()
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.name != "manifest.json"}


@dataclass
class Result:
    districts: int
    pages: int
    colds: list[float]
    floors: list[float]
    cold_cpu: list[float]
    floor_cpu: list[float]
    code_cpu: list[float]  # the pages' own code alone (page_code.py), processor seconds
    loads: tuple[str, str]
    cache: str
    nothing_to_do: float
    added: str
    incremental: float
    rerendered: list[str]
    sizes: dict[str, int]
    differs_from_forced: list[str]
    pages_after: int

    @property
    def ratio(self) -> float:
        return statistics.median(self.colds) / statistics.median(self.floors)

    def bound(self, workers: int) -> float:
        """The least ``cold / floor`` any rendering of these pages can have: the floor, then the pages' code
        shared perfectly among the workers (or the cores, when fewer) with nothing around it."""
        lanes = min(workers, os.cpu_count() or 1)
        floor = statistics.median(self.floors)
        return (floor + statistics.median(self.code_cpu) / lanes) / floor

    def report(self, workers: int) -> bool:
        largest = max((name for name in self.sizes if name.endswith(".html")), key=lambda name: self.sizes[name])
        too_big = sorted(name for name, size in self.sizes.items() if name.endswith(".html") and size > PAGE_LIMIT)
        pairs = ", ".join(f"{c / f:.2f}" for c, f in zip(self.colds, self.floors))
        cpu_pairs = ", ".join(f"{c / f:.2f}" for c, f in zip(self.cold_cpu, self.floor_cpu))
        print(f"--- {self.districts} districts: {self.pages} pages, {workers} workers, {self.cache}")
        print(f"load average: {self.loads[0]} before, {self.loads[1]} after")
        print(f"cold (policycmp report --force):  {statistics.median(self.colds):6.1f} s  runs: {_runs(self.colds)}")
        print(f"floor (kernels, imports, tables): {statistics.median(self.floors):6.1f} s  runs: {_runs(self.floors)}")
        print(f"cold / floor:                     {self.ratio:6.2f}x   per repeat: {pairs}")
        cold_cpu, floor_cpu = statistics.median(self.cold_cpu), statistics.median(self.floor_cpu)
        print(f"processor seconds, cold:          {cold_cpu:6.1f} s  runs: {_runs(self.cold_cpu)}")
        print(f"processor seconds, floor:         {floor_cpu:6.1f} s  runs: {_runs(self.floor_cpu)}")
        print(f"cold / floor, processor seconds:  {cold_cpu / floor_cpu:6.2f}x   per repeat: {cpu_pairs}")
        code = statistics.median(self.code_cpu)
        print(f"the pages' code alone:            {code:6.1f} s  runs: {_runs(self.code_cpu)} (processor-s)")
        print(f"least possible cold / floor:      {self.bound(workers):6.2f}x   (floor + code / {workers} workers)")
        print(f"nothing to do (policycmp report): {self.nothing_to_do:6.2f} s")
        print(
            f"adding {self.added}: {len(self.rerendered)} of {self.pages_after} pages re-rendered in "
            f"{self.incremental:.1f} s: {', '.join(self.rerendered)}"
        )
        print(f"largest page: {largest}, {self.sizes[largest] / 1024 / 1024:.2f} MB")
        print(f"shipped font: {self.sizes.get('policycmp-cjk.woff', 0) / 1024:.0f} KB")
        ok = True
        if self.differs_from_forced:
            print(f"NOT byte-identical to a forced rendering: {', '.join(self.differs_from_forced)}")
            ok = False
        if self.ratio > RATIO:
            print(f"FAIL: cold / floor above {RATIO}")
            if self.bound(workers) > RATIO:
                print(f"      (the pages' own code alone puts it above {RATIO}: see the least possible ratio)")
            ok = False
        if self.nothing_to_do > NOTHING_TO_DO:
            print(f"FAIL: a run with nothing to do took more than {NOTHING_TO_DO:g} s")
            ok = False
        if too_big:
            print(f"FAIL: pages above 2 MB: {', '.join(too_big)}")
            ok = False
        sys.stdout.flush()
        return ok


def _runs(values: list[float]) -> str:
    return " ".join(f"{v:.1f}" for v in values)


def measure(districts: int, workers: int, folder: Path, repeat: int) -> Result:
    root = folder / f"project-{districts}"
    raw, processed = root / "data" / "raw", root / "data" / "processed"
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    os.environ["POLICYCMP_ROOT"] = str(root)
    env = {**os.environ, "POLICYCMP_ROOT": str(root), "POLICYCMP_REPORT_JOBS": str(workers)}
    out = root / "reports"
    report = [str(COMMAND), "report"]
    if districts == 3:
        real_corpus(raw)
    else:
        synthetic_corpus(raw, districts)
        split_last(raw, folder / "aside")
        rebuild(raw, processed)
        timed([*report, "--out", str(out)], env)  # the 89 districts, rendered once
        before = snapshot(out)
        added = add_back(raw, folder / "aside")
        rebuild(raw, processed)
        incremental, _ = timed([*report, "--out", str(out)], env)
        changed = rendered(before, out)
    rebuild(raw, processed)
    pages = len(plan().jobs)
    drop = can_drop_caches()
    colds: list[float] = []
    floors: list[float] = []
    cold_cpu: list[float] = []
    floor_cpu: list[float] = []
    code_cpu: list[float] = []
    forced = folder / "forced-0"
    loaded = load()
    for i in range(repeat):
        floor = [sys.executable, str(FLOOR), str(pages), str(workers), str(folder / f"floor-{i}")]
        cold = [*report, "--force", "--out", str(folder / f"forced-{i}")]
        for step in (floor, cold) if i % 2 == 0 else (cold, floor):
            if drop:
                drop_caches()
            seconds, _ = timed(step, env, floor_cpu if step is floor else cold_cpu)
            (floors if step is floor else colds).append(seconds)
        _, said = timed([sys.executable, str(PAGE_CODE), str(root / "notebooks")], kernel_env())
        code_cpu.append(json.loads(said)["cpu"])
        if i and snapshot(folder / f"forced-{i}") != snapshot(forced):
            sys.exit(f"forced rendering {i} differs from the first")
    nothing_to_do, said = timed([*report, "--out", str(forced)], env)
    if "0 rendered" not in said:
        sys.exit(f"a second run rendered pages: {said}")
    sizes = {p.name: p.stat().st_size for p in forced.iterdir()}
    if districts == 3:
        before = snapshot(forced)
        shutil.copytree(forced, out)
        aside = one_synthetic_district(folder, set(registered_districts(raw)))
        added = add_back(raw, aside)
        rebuild(raw, processed)
        incremental, _ = timed([*report, "--out", str(out)], env)
        changed = rendered(before, out)
        differs: list[str] = []
    else:
        fresh, kept = snapshot(forced), snapshot(out)
        differs = sorted(name for name in set(fresh) | set(kept) if fresh.get(name) != kept.get(name))
    pages_after = len(list(out.glob("*.html"))) - 1  # without the index
    cache = "disk cache dropped before each run" if drop else "disk cache not droppable: floor and cold alternate"
    return Result(
        districts,
        pages,
        colds,
        floors,
        cold_cpu,
        floor_cpu,
        code_cpu,
        (loaded, load()),
        cache,
        nothing_to_do,
        added,
        incremental,
        changed,
        sizes,
        differs,
        pages_after,
    )


def registered_districts(raw: Path) -> list[str]:
    registry = yaml.safe_load((raw / "sources.yaml").read_text(encoding="utf-8"))
    return [d["district"] for d in registry["documents"]]


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--districts", type=int, nargs="+", default=[3, 90], help="corpus sizes (3 is the real one)")
    parser.add_argument("--jobs", type=int, default=None, help="workers (default: as policycmp report)")
    parser.add_argument("--repeat", type=int, default=3, help="cold and floor runs per size (median)")
    args = parser.parse_args()
    workers = args.jobs or run.default_jobs()
    ok = True
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        for districts in args.districts:
            folder = Path(tmp) / str(districts)
            folder.mkdir()
            ok &= measure(districts, workers, folder, args.repeat).report(workers)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
