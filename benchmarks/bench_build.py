"""What a user waits for: the whole ``policycmp build`` command on synthetic corpora.

    .venv/bin/python benchmarks/bench_build.py                 # text corpora of 100 and 1,000 documents
    .venv/bin/python benchmarks/bench_build.py 100 300 --jobs 1 2 --repeat 3
    .venv/bin/python benchmarks/bench_build.py --mixed 1000 --repeat 3   # PDF/HTML/DOCX: cold, no change, add one
    .venv/bin/python benchmarks/bench_build.py --text-note 10000          # one cold text build and its memory

**Mixed corpus** (``--mixed N``): N synthetic policies published a third each as PDF, HTML and DOCX
(made from the seeds by ``policycmp.evaluation.formats``, the makers the tests use), built as a user
builds them: cold (no cache, a fresh OUT), then again with nothing changed, then after adding one
document (a PDF) to the registry — each timed ``--repeat`` times (a cold build starts from a deleted
cache and OUT; each "add one" adds another document), with the peak resident set of the largest
process. The goals of the issue (cold ≤ 60 s, no change ≤ 1.5 s, add one ≤ 3 s, ≤ 1 GiB) are printed
beside the figures, never asserted.

**Text corpora** (the positional sizes):
For each size, a fresh process writes a synthetic corpus (policycmp.evaluation.synthetic: the real
policies' sections recombined, figures scaled per document) and runs ``.venv/bin/policycmp build
--raw … --out … --timings`` as a subprocess, once per ``--jobs`` setting ("auto" is the build's own
choice), timing the command's wall clock. The same run measures

- each stage's seconds, as the build prints them with ``--timings`` (read, ingest, extract,
  compare, validate, publish); what is left of the wall time is interpreter start-up, imports and
  exit. The build reads each run of documents for the comparison tables while worker processes
  extract the next runs' quantities, so "extract" holds that reading too (shown as "reading"), and
  "compare" is making the comparison tables from what was read;
- peak memory: the largest resident set of any one process of the build (``wait4``), and the peak
  of the summed proportional set size (PSS) of the build and its worker processes, sampled every
  100 ms from /proc in one more build of each setting (sampling slows a build, so those builds are
  not timed); PSS counts the pages the workers share with the build once;
- two floors: ``policycmp --help`` (start-up and imports, paid by every build), and reading and
  decoding the corpus alone in a fresh interpreter.

It prints one Markdown table, then the cost per document at each size and the ratio of the largest
size's to the smallest's (1.00 = linear; below 1, fixed costs spread thinner).

    .venv/bin/python benchmarks/bench_build.py --editions 3 --repeat 5   # 90 districts × 3 editions

With ``--editions N`` each size is a corpus of districts with N editions each (a draft, its final, the next
year's final: policycmp.evaluation.synthetic.write_edition_corpus), so the build pairs every two consecutive
editions, and its peer is the same files registered as one district each, which pairs nothing. The two
are built in turns, ``--repeat`` times each; the table gives the medians of both commands, wall clock and
processor time (which other work on a shared machine inflates far less), what pairing adds to each, the
editions stage and the validation of both.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from policycmp.evaluation.synthetic import MIXED, write_corpus, write_edition_corpus
from policycmp.publish.build import STAGES

ROOT = Path(__file__).resolve().parents[1]
POLICYCMP = ROOT / ".venv" / "bin" / "policycmp"
PYTHON = ROOT / ".venv" / "bin" / "python"
TIMINGS = re.compile(r"^timings: (?P<stages>.*); total [\d.]+ s(?:; reading (?P<reading>[\d.]+) s)?", re.MULTILINE)
COUNTS = re.compile(r"^built \d+ documents into .*?: (?P<counts>.*)$", re.MULTILINE)
CACHED = re.compile(r"^  (?P<hits>\d+) documents from the cache, (?P<read>\d+) read$", re.MULTILINE)
GOALS = {"cold": 60.0, "no change": 1.5, "add one": 3.0}
READ_ONLY = "import sys; from policycmp.ingest.corpus import read_corpus; read_corpus(sys.argv[1])"


def _descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (from /proc/<pid>/task/*/children)."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                queue.extend(int(child) for child in task.read_text().split())
            except OSError:
                continue
    return found


def _pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_measured(command: list[str], sample_pss: bool = False) -> dict:
    """Run ``command``: wall seconds, its output, the largest RSS of any one of its processes (from
    ``wait4``, which covers the workers it waited for) and, when ``sample_pss``, the peak of their
    summed PSS, in MiB.

    Reading a process's PSS walks its page tables under its memory lock: sampled every 20 ms it
    slowed a 1,000-document build by a quarter. So a run samples PSS or is timed, never both.
    """
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, text=True)
        peak_pss = 0
        stop = threading.Event()

        def sample() -> None:
            nonlocal peak_pss
            while sample_pss and not stop.is_set():
                peak_pss = max(peak_pss, sum(_pss_kib(pid) for pid in _descendants(process.pid)))
                stop.wait(0.1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        stop.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{stderr[-2000:]}")
    return {
        "wall": wall,
        "stdout": stdout,
        "stderr": stderr,
        "peak_pss_mib": peak_pss / 1024,
        "maxrss_mib": usage.ru_maxrss / 1024,
        # the command's processor time (its own and its waited-for workers'): unlike the wall clock, it
        # does not grow when other work on the machine takes the cores
        "cpu": usage.ru_utime + usage.ru_stime,
    }


def run_build(raw: Path, out: Path, jobs: str, sample_pss: bool = False) -> dict:
    command = [str(POLICYCMP), "build", "--raw", str(raw), "--out", str(out), "--timings"]
    if jobs != "auto":
        command += ["--jobs", jobs]
    result = run_measured(command, sample_pss)
    timings = TIMINGS.search(result["stderr"])
    counts = COUNTS.search(result["stdout"])
    unchanged = "is up to date" in result["stdout"]
    if timings is None or (counts is None and not unchanged):
        raise SystemExit(f"unexpected build output:\n{result['stdout'][-1000:]}\n{result['stderr'][-1000:]}")
    result["stages"] = {
        name: float(seconds) for name, seconds, _ in (part.split(" ") for part in timings.group("stages").split(", "))
    }
    result["reading"] = float(timings.group("reading") or 0)
    result["counts"] = (
        {name: int(n) for n, name in (c.split(" ", 1) for c in counts.group("counts").split(", "))} if counts else {}
    )
    cached = CACHED.search(result["stdout"])
    result["cached"] = (int(cached.group("hits")), int(cached.group("read"))) if cached else None
    return result


def measure(size: int, jobs_settings: list[str], repeat: int) -> list[dict]:
    """In this (fresh) process: write a corpus of ``size`` policies, then build it as a user would."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw"
        write_corpus(raw, size, raw_dir=ROOT / "data" / "raw")
        help_wall = statistics.median(run_measured([str(POLICYCMP), "--help"])["wall"] for _ in range(repeat))
        read_wall = statistics.median(
            run_measured([str(PYTHON), "-c", READ_ONLY, str(raw / "sources.yaml")])["wall"] for _ in range(repeat)
        )
        import_wall = statistics.median(
            run_measured([str(PYTHON), "-c", "import policycmp.ingest.corpus"])["wall"] for _ in range(repeat)
        )
        for jobs in jobs_settings:
            runs = [run_build(raw, Path(tmp) / f"out-{jobs}-{n}", jobs) for n in range(repeat)]
            memory = run_build(raw, Path(tmp) / f"out-{jobs}-memory", jobs, sample_pss=True)
            chosen = sorted(runs, key=lambda r: r["wall"])[len(runs) // 2]
            rows.append(
                {
                    "documents": size,
                    "jobs": jobs,
                    "wall": chosen["wall"],
                    "walls": [r["wall"] for r in runs],
                    "stages": chosen["stages"],
                    "reading": chosen["reading"],
                    "counts": chosen["counts"],
                    "maxrss_mib": max(r["maxrss_mib"] for r in [*runs, memory]),
                    "peak_pss_mib": memory["peak_pss_mib"],
                    "help_wall": help_wall,
                    "read_only_wall": read_wall - import_wall,
                    "load": os.getloadavg()[0],
                }
            )
    return rows


def measure_editions(size: int, editions: int, jobs_settings: list[str], repeat: int) -> list[dict]:
    """In this (fresh) process: a corpus of ``size`` policies, ``editions`` per district, and its peer with
    every document a district of its own; both built in turns as a user would."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        raw, apart = Path(tmp) / "raw", Path(tmp) / "apart"
        write_edition_corpus(raw, size // editions, editions=editions, raw_dir=ROOT / "data" / "raw", apart=apart)
        for jobs in jobs_settings:
            runs: dict[str, list[dict]] = {"editions": [], "apart": []}
            for n in range(repeat):
                for name, folder in (("editions", raw), ("apart", apart)):
                    runs[name].append(run_build(folder, Path(tmp) / f"out-{name}-{jobs}-{n}", jobs))
            chosen = {name: sorted(r, key=lambda r: r["wall"])[len(r) // 2] for name, r in runs.items()}
            rows.append(
                {
                    "documents": size,
                    "editions": editions,
                    "jobs": jobs,
                    "walls": {name: [r["wall"] for r in runs[name]] for name in runs},
                    "cpus": {name: [r["cpu"] for r in runs[name]] for name in runs},
                    "chosen": {
                        name: {"wall": r["wall"], "stages": r["stages"], "counts": r["counts"]}
                        for name, r in chosen.items()
                    },
                    "load": os.getloadavg()[0],
                }
            )
    return rows


def edition_table(rows: list[dict]) -> str:
    """Medians of the paired builds and of their peers, wall clock and processor time, and what pairing adds."""
    lines = [
        "| documents | districts × editions | jobs | clause_changes rows | whole command, paired / peer "
        "| added (median of run-by-run differences) | processor time, paired / peer | added (likewise) "
        "| editions stage | validate, paired / peer |",
        "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        paired, peer = r["chosen"]["editions"], r["chosen"]["apart"]
        cells = []
        for measure in ("walls", "cpus"):
            runs = r[measure]
            medians = [statistics.median(runs[name]) for name in ("editions", "apart")]
            # each paired build ran right before its peer: their difference is the least disturbed figure
            added = statistics.median(a - b for a, b in zip(runs["editions"], runs["apart"], strict=True))
            cells.append(f"{medians[0]:.2f} / {medians[1]:.2f} s | {added:+.2f} s ({added / medians[1]:+.1%})")
        stage = paired["stages"].get("editions", 0.0)
        lines.append(
            f"| {r['documents']:,} | {r['documents'] // r['editions']} × {r['editions']} | {r['jobs']} "
            f"| {paired['counts'].get('clause_changes', 0):,} | {cells[0]} | {cells[1]} "
            f"| {stage:.2f} s ({stage / paired['wall']:.1%}) "
            f"| {paired['stages']['validate']:.2f} / {peer['stages']['validate']:.2f} s |"
        )
    return "\n".join(lines)


def measure_mixed(size: int, repeat: int) -> dict:
    """In this (fresh) process: a mixed corpus of ``size`` policies (a third each PDF, HTML, DOCX), built
    cold, then with nothing changed, then after adding one document, ``repeat`` times each."""
    with tempfile.TemporaryDirectory() as tmp:
        raw, out = Path(tmp) / "raw", Path(tmp) / "processed"
        started = time.perf_counter()
        write_corpus(raw, size, raw_dir=ROOT / "data" / "raw", formats=MIXED)
        made = time.perf_counter() - started
        sizes = {fmt: sum(p.stat().st_size for p in raw.glob(f"*.{fmt}")) for fmt in MIXED}
        runs: dict[str, list[dict]] = {"cold": [], "no change": [], "add one": []}
        for n in range(repeat):
            shutil.rmtree(out, ignore_errors=True)
            shutil.rmtree(Path(tmp) / ".processed.cache", ignore_errors=True)
            runs["cold"].append(run_build(raw, out, "auto"))
            runs["no change"].append(run_build(raw, out, "auto"))
            # one more document, a PDF (the slowest format to read), appended to the registry
            write_corpus(raw, 1, raw_dir=ROOT / "data" / "raw", formats=("pdf",), start=size + n, seed=size)
            runs["add one"].append(run_build(raw, out, "auto"))
        memory = run_build(raw, Path(tmp) / "memory", "auto", sample_pss=True)
    return {"documents": size, "made": made, "sizes": sizes, "runs": runs, "memory": memory, "load": os.getloadavg()}


def mixed_table(result: dict) -> str:
    lines = [
        f"Mixed corpus: {result['documents']:,} policies, a third each PDF ({result['sizes']['pdf'] / 2**20:.0f} MiB), "
        f"HTML ({result['sizes']['html'] / 2**20:.0f} MiB) and DOCX ({result['sizes']['docx'] / 2**20:.0f} MiB), "
        f"made in {result['made']:.0f} s; `policycmp build` with every core ({os.cpu_count()}).",
        "",
        "| build | runs (s) | median | goal | CPU s (median run) | documents from the cache / read | "
        + " | ".join(STAGES)
        + " | peak RSS, largest process | goal |",
        "|---|---|---:|---:|---:|---|" + "---:|" * len(STAGES) + "---:|---:|",
    ]
    for name, runs in result["runs"].items():
        chosen = sorted(runs, key=lambda r: r["wall"])[len(runs) // 2]
        walls = ", ".join(f"{r['wall']:.1f}" for r in runs)
        cached = chosen["cached"]
        where = f"{cached[0]:,} / {cached[1]:,}" if cached else "— (up to date)"
        stages = " | ".join(f"{chosen['stages'].get(s, 0):.2f}" for s in STAGES)
        peak = max(r["maxrss_mib"] for r in runs)
        lines.append(
            f"| {name} | {walls} | {chosen['wall']:.1f} s | ≤ {GOALS[name]} s | {chosen['cpu']:.1f} | {where} "
            f"| {stages} | {peak:.0f} MiB | ≤ 1024 MiB |"
        )
    memory = result["memory"]
    lines.append(
        f"\nA cold build sampled for memory: peak PSS of all its processes {memory['peak_pss_mib']:.0f} MiB, "
        f"largest process {memory['maxrss_mib']:.0f} MiB. Load average (1, 5, 15 min) at the end: "
        + ", ".join(f"{x:.1f}" for x in result["load"])
        + "."
    )
    return "\n".join(lines)


def measure_text_note(size: int) -> dict:
    """One cold text build of ``size`` policies, with its peak memory (PSS sampled)."""
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw"
        write_corpus(raw, size, raw_dir=ROOT / "data" / "raw")
        result = run_build(raw, Path(tmp) / "processed", "auto", sample_pss=True)
    result.pop("stdout", None)
    result.pop("stderr", None)
    return {"documents": size, **result, "load": os.getloadavg()}


def table(rows: list[dict]) -> str:
    lines = [
        "| documents | jobs | clause rows | quantities | whole command | ms / document | start-up, imports, exit "
        + "| "
        + " | ".join(STAGES)
        + " | peak RSS, largest process | peak PSS, all processes |",
        "|---:|---|---:|---:|---:|---:|---:|" + "---:|" * len(STAGES) + "---:|---:|",
    ]
    for r in rows:
        stages = r["stages"]
        rest = r["wall"] - sum(stages.values())
        cells = [f"{stages.get(s, 0):.2f} s ({stages.get(s, 0) / r['wall']:.0%})" for s in STAGES]
        shares = " | ".join(cells)
        lines.append(
            f"| {r['documents']:,} | {r['jobs']} | {r['counts']['clauses']:,} | {r['counts']['quantities']:,} "
            f"| {r['wall']:.1f} s | {1000 * r['wall'] / r['documents']:.1f} | {rest:.2f} s ({rest / r['wall']:.0%}) "
            f"| {shares} | {r['maxrss_mib']:.0f} MiB | {r['peak_pss_mib']:.0f} MiB |"
        )
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        size, repeat, editions, *jobs = sys.argv[2:]
        if int(editions) > 1:
            print(json.dumps(measure_editions(int(size), int(editions), jobs, int(repeat))))
        else:
            print(json.dumps(measure(int(size), jobs, int(repeat))))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--child-mixed":
        print(json.dumps(measure_mixed(int(sys.argv[2]), int(sys.argv[3]))))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--child-note":
        print(json.dumps(measure_text_note(int(sys.argv[2]))))
        return
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, help="corpus sizes (default 100 1000; 270 with --editions)")
    parser.add_argument("--jobs", nargs="+", default=["auto", "1"], help="--jobs settings to run (default auto 1)")
    parser.add_argument(
        "--repeat", type=int, default=1, help="timed builds per setting; the median is shown (default 1)"
    )
    parser.add_argument(
        "--editions", type=int, default=1, help="editions per district, paired by the build, against a peer (default 1)"
    )
    parser.add_argument("--mixed", type=int, default=None, help="a mixed PDF/HTML/DOCX corpus of this size instead")
    parser.add_argument("--text-note", type=int, default=None, help="one cold text build of this size instead")
    args = parser.parse_args()
    sizes = args.sizes or ([270] if args.editions > 1 else [100, 1000])
    if args.mixed is not None:
        child = subprocess.run(
            [sys.executable, __file__, "--child-mixed", str(args.mixed), str(args.repeat)],
            check=True,
            capture_output=True,
            text=True,
        )
        print(mixed_table(json.loads(child.stdout.strip().splitlines()[-1])))
        return
    if args.text_note is not None:
        child = subprocess.run(
            [sys.executable, __file__, "--child-note", str(args.text_note)], check=True, capture_output=True, text=True
        )
        note = json.loads(child.stdout.strip().splitlines()[-1])
        stages = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in note["stages"].items())
        print(
            f"{note['documents']:,} text policies, cold: {note['wall']:.0f} s ({stages}); peak PSS of all processes "
            f"{note['peak_pss_mib']:.0f} MiB, largest process {note['maxrss_mib']:.0f} MiB; tables: "
            + ", ".join(f"{n:,} {name}" for name, n in note["counts"].items())
            + "; load average "
            + ", ".join(f"{x:.1f}" for x in note["load"])
        )
        return
    rows = []
    for size in sizes:
        child = subprocess.run(
            [sys.executable, __file__, "--child", str(size), str(args.repeat), str(args.editions), *args.jobs],
            check=True,
            capture_output=True,
            text=True,
        )
        rows.extend(json.loads(child.stdout.strip().splitlines()[-1]))
    if args.editions > 1:
        print(edition_table(rows))
        for r in rows:
            walls = ", ".join(f"{name} " + " ".join(f"{w:.2f}" for w in ws) for name, ws in r["walls"].items())
            cpus = ", ".join(f"{name} " + " ".join(f"{c:.2f}" for c in cs) for name, cs in r["cpus"].items())
            print(f"jobs {r['jobs']}: each run's wall seconds: {walls}; processor seconds: {cpus}")
            print(f"  load average (1 min) at the end: {r['load']:.1f} on {os.cpu_count()} cores")
        return
    print(table(rows))
    first = rows[0]
    print(
        f"\nFloors, measured in the same run: `policycmp --help` (start-up and imports) {first['help_wall']:.2f} s; "
        + "; ".join(
            f"reading and decoding {r['documents']:,} documents alone {r['read_only_wall']:.2f} s"
            for r in rows[:: len(args.jobs)]
        )
        + "."
    )
    for jobs in args.jobs:
        mine = [r for r in rows if r["jobs"] == jobs]
        if len(mine) >= 2:
            small, large = mine[0], mine[-1]
            per_doc = [r["wall"] / r["documents"] for r in (small, large)]
            marginal = (large["wall"] - small["wall"]) / (large["documents"] - small["documents"])
            print(
                f"jobs {jobs}: {1000 * per_doc[0]:.1f} ms per document at {small['documents']:,}, "
                f"{1000 * per_doc[1]:.1f} ms at {large['documents']:,}: ratio {per_doc[1] / per_doc[0]:.2f} "
                f"(1.00 = linear); each further document costs {1000 * marginal:.1f} ms"
            )
    loads = ", ".join(f"{r['load']:.1f}" for r in rows)
    print(f"Load average (1 min) when each row finished: {loads}; {os.cpu_count()} cores.")


if __name__ == "__main__":
    main()
