"""What the summaries per edition selection cost the build: ``subsidy_ranks`` and ``standings`` made from the
published tables, and their schema checks, against the whole build of the same corpus.

    .venv/bin/python benchmarks/bench_standings.py                       # 90 districts × 3 editions
    .venv/bin/python benchmarks/bench_standings.py --policies 1000       # the build benchmark's corpus

The corpus is built once (``policycmp build``, its stages' seconds printed); then
``policycmp.compare.standings.standing_tables`` and the two tables' checks run ``--repeat`` times in this
process on the published tables, timed in CPU seconds (steadier than wall time on a shared machine).
``--policies`` is ``write_corpus``'s corpus (a policy a year per district, going back from 2025: 1,000
policies are 13 edition selections); without it, ``write_edition_corpus`` (a draft, its final and the
next year's final per district: 3 selections).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from policycmp.compare.standings import standing_tables
from policycmp.evaluation.synthetic import write_corpus, write_edition_corpus
from policycmp.publish.build import build
from policycmp.publish.validate import _vocabulary_codes, table_schema
from policycmp.schema import TABLES

ROOT = Path(__file__).resolve().parents[1]


def _children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--districts", type=int, default=90)
    parser.add_argument("--policies", type=int, help="write_corpus's corpus of this many policies instead")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-standings-") as tmp:
        raw, out = Path(tmp) / "raw", Path(tmp) / "out"
        if args.policies:
            write_corpus(raw, args.policies, raw_dir=ROOT / "data" / "raw")
        else:
            write_edition_corpus(raw, args.districts, editions=3, raw_dir=ROOT / "data" / "raw")
        start, children = time.process_time(), _children()
        result = build(raw, out, echo=lambda *a, **k: None, progress=False)
        whole = time.process_time() - start + _children() - children
        tables = {name: pd.read_parquet(out / f"{name}.parquet") for name in TABLES}
        codes = _vocabulary_codes()
        made, checked = [], []
        for _ in range(args.repeat):
            start = time.process_time()
            standing_tables(tables)
            made.append(time.process_time() - start)
            start = time.process_time()
            for name in ("subsidy_ranks", "standings"):
                table_schema(name, tables, codes).validate(tables[name], lazy=False)
            checked.append(time.process_time() - start)
    documents = tables["documents"]
    policies = documents[documents["kind"] == "policy"]
    print(
        f"{len(policies)} policies, {1 + policies['year'].nunique()} edition selections: "
        f"{len(tables['subsidy_ranks'])} subsidy_ranks rows, {len(tables['standings'])} standings rows"
    )
    print("build stages (s): " + ", ".join(f"{k} {v:.2f}" for k, v in result.timings.items()))
    print(f"the build's CPU (its process and its reading workers): {whole:.2f} s")
    print(f"standing_tables: median {statistics.median(made):.3f} s CPU ({', '.join(f'{t:.3f}' for t in made)})")
    print(f"their schema checks: median {statistics.median(checked):.3f} s CPU")
    print(f"load average {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
