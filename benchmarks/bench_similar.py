"""Measure policycmp.similar against hand-labelled comparable clauses.

    .venv/bin/python benchmarks/bench_similar.py [--pairs tests/data/similar_pairs.csv] [--misses]

Prints precision at 1 and 5 — the share of labelled pairs whose match is the top (top five)
clause of the match's district — and the time per query, reading the clause text alone and with
the comparison table (the instruments and objects of each clause), as ``policycmp.similar`` does
by default. The pairs were labelled by reading the documents, before looking at the algorithm's
output.

Then the same question on the instrument survey (tests/data/instrument_survey.yaml): for each
surveyed clause whose instrument another district's clause also has, is such a clause first (in
the top five) of ``similar``'s answers over the other districts' surveyed clauses? Development
clauses and held-out ones are counted apart.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

from policycmp.compare.instruments import comparison_table
from policycmp.evaluation.instruments import SPLITS, build, load_survey, same_instrument_ranks
from policycmp.evaluation.similarity import precision_at, rank_pairs
from policycmp.extract import quantities_table
from policycmp.ingest.clauses import clause_table
from policycmp.ingest.corpus import read_corpus

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=Path, default=ROOT / "tests" / "data" / "similar_pairs.csv")
    parser.add_argument("--raw", type=Path, default=ROOT / "data" / "raw")
    parser.add_argument("--survey", type=Path, default=ROOT / "tests" / "data" / "instrument_survey.yaml")
    parser.add_argument("--misses", action="store_true", help="list pairs whose match is not ranked first")
    args = parser.parse_args(argv)

    clauses, _ = clause_table(read_corpus(args.raw / "sources.yaml"))
    comparisons = comparison_table(clauses, quantities_table(clauses))
    pairs = pd.read_csv(args.pairs, dtype="string")
    print(f"pairs: {len(pairs)}  clauses: {len(clauses)}")
    for name, tables in (
        ("text alone", clauses),
        ("with comparisons", {"clauses": clauses, "comparisons": comparisons}),
    ):
        started = time.perf_counter()
        ranks = rank_pairs(pairs, tables=tables)
        elapsed = time.perf_counter() - started
        print(
            f"{name}: precision@1 {precision_at(ranks, 1):.3f}, precision@5 {precision_at(ranks, 5):.3f}, "
            f"{1000 * elapsed / max(len(ranks), 1):.1f} ms per query (index built once)"
        )
        if args.misses:
            missed = ranks[ranks["rank"].isna() | (ranks["rank"] > 1)]
            for row in missed.itertuples(index=False):
                print(f"  {row.clause_id} -> {row.match_clause_id}: rank {row.rank}, top1 {row.top1}")
    survey = load_survey(args.survey)
    built = build(survey)
    for split in SPLITS:
        part = [c for c in survey if c.split == split]
        for name, with_comparisons in (("text alone", False), ("with comparisons", True)):
            found = same_instrument_ranks(built, part, with_comparisons=with_comparisons)
            first = sum(1 for r in found if r == 1) / len(found)
            top5 = sum(1 for r in found if r is not None and r <= 5) / len(found)
            print(
                f"survey ({split}, {len(found)} clauses), {name}: same instrument first {first:.3f}, top 5 {top5:.3f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
