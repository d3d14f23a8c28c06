"""Measure policycmp.similar against hand-labelled comparable clauses.

    .venv/bin/python benchmarks/bench_similar.py [--pairs tests/data/similar_pairs.csv] [--misses]

Prints precision at 1 and 5 — the share of labelled pairs whose match is the top (top five)
clause of the match's district — and the time per query. The pairs were labelled by reading the
documents, before looking at the algorithm's output.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

from policycmp.evaluation.similarity import precision_at, rank_pairs
from policycmp.ingest.clauses import clause_table
from policycmp.ingest.corpus import read_corpus

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=Path, default=ROOT / "tests" / "data" / "similar_pairs.csv")
    parser.add_argument("--raw", type=Path, default=ROOT / "data" / "raw")
    parser.add_argument("--misses", action="store_true", help="list pairs whose match is not ranked first")
    args = parser.parse_args(argv)

    clauses, _ = clause_table(read_corpus(args.raw / "sources.yaml"))
    pairs = pd.read_csv(args.pairs, dtype="string")
    started = time.perf_counter()
    ranks = rank_pairs(pairs, tables=clauses)
    elapsed = time.perf_counter() - started
    print(f"pairs: {len(ranks)}  clauses: {len(clauses)}")
    print(f"precision@1: {precision_at(ranks, 1):.3f}")
    print(f"precision@5: {precision_at(ranks, 5):.3f}")
    print(f"mean time per query: {1000 * elapsed / max(len(ranks), 1):.1f} ms (index built once)")
    if args.misses:
        missed = ranks[ranks["rank"].isna() | (ranks["rank"] > 1)]
        for row in missed.itertuples(index=False):
            print(f"  {row.clause_id} -> {row.match_clause_id}: rank {row.rank}, top1 {row.top1}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
