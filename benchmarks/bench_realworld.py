"""Accuracy on the real-world captures (../shared/realworld/) next to the seed policies.

    .venv/bin/python benchmarks/bench_realworld.py

Prints a Markdown table: clause rows right (every labelled field), lead departments, domains, and
precision / recall of (value, unit) with kind, bound and level accuracy, for the seed labels
(tests/data/quantity_labels.csv) and the real-world labels (tests/data/realworld_*.csv). Both label
sets were read by hand, and the rules were written with both in view: these are development figures,
not held-out ones.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd

from policycmp.evaluation.quantities import Score, labelled_texts, load_labels, score
from policycmp.evaluation.realworld import score_quantities, score_rows, write_raw
from policycmp.extract import extract_mentions
from policycmp.ingest.clauses import clause_table
from policycmp.ingest.corpus import read_corpus

ROOT = Path(__file__).resolve().parents[1]


def row(name: str, s: Score) -> str:
    return (
        f"| {name} | {s.precision:.3f} ({s.correct}/{s.predictions}) | {s.recall:.3f} ({s.correct}/{s.labels}) "
        f"| {s.accuracy('kind'):.3f} | {s.accuracy('bound'):.3f} | {s.accuracy('level'):.3f} |"
    )


def main() -> None:
    seeds, _ = clause_table(read_corpus(ROOT / "data" / "raw" / "sources.yaml"))
    texts = labelled_texts(seeds)
    seed_score = score(load_labels(texts), {cid: extract_mentions(t) for cid, t in texts.items()})

    with tempfile.TemporaryDirectory() as tmp:
        sources = write_raw(Path(tmp) / "raw", kinds=("policy",))
        corpus = read_corpus(sources)
        corpus.documents[:] = [d for d in corpus.documents if d.id != "linan-2024-policy"]  # never reaches 一、
        clauses, _ = clause_table(corpus)
    rows = score_rows(clauses)
    mentions = {cid: extract_mentions(t) for cid, t in zip(clauses.clause_id, clauses.text, strict=True)}
    real_score = score_quantities(clauses, mentions)

    print("| label set | clause rows right | lead department | domain |")
    print("|---|---|---|---|")
    print(
        f"| real-world captures (8 policies) | {rows.exact}/{rows.labelled} | "
        f"{rows.fields['lead_department']}/{rows.labelled} | {rows.fields['domain']}/{rows.labelled} |"
    )
    print()
    print("| label set | precision (value, unit) | recall | kind | bound | level |")
    print("|---|---|---|---|---|---|")
    print(row(f"seed policies ({seed_score.labels} mentions)", seed_score))
    print(row(f"real-world captures ({real_score.labels} mentions)", real_score))
    for line in rows.wrong:
        print("  row miss:", line)
    assert isinstance(seeds, pd.DataFrame)


if __name__ == "__main__":
    main()
