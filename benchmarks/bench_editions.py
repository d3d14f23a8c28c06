"""How well and how fast consecutive editions pair: the threshold of ``editions.yaml`` justified by measurement.

    .venv/bin/python benchmarks/bench_editions.py                # 20 next editions of each seed policy
    .venv/bin/python benchmarks/bench_editions.py --variants 5

Each of the three seed policies gets ``--variants`` next editions with random known edits
(policycmp.evaluation.editions: clauses removed, added from the other policies, lightly reworded,
given another amount, moved to another section; every section renamed in 2025 words; clauses renumbered
(一) per section), built in one process as the build reads them. Every edition is then paired with its
seed at each similarity threshold, and scored against the pairs its edits make known:

- pair precision and recall (a pair is right when it joins the paragraph an edition kept with its
  origin; an added clause paired with a removed one is wrong),
- the change accuracy of the right pairs (an edited amount → ``amounts_changed``, a reworded clause →
  ``reworded``, the rest → ``unchanged``),
- and, as the negative case, the clauses paired between two *different* districts' policies, which share
  the provincial template's wording but are not editions of each other.

Then how much rewording a pair survives: every clause of a seed reworded with 1 to 8 operations, the
share still paired with its origin at the chosen threshold. Last, the seconds one pairing takes.
The edits are synthetic and the threshold was chosen on these runs: these are development figures.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

from policycmp.compare.changes import EditionRows, pair_editions
from policycmp.compare.indexed import group_by_clause
from policycmp.evaluation import editions as ev
from policycmp.ingest.corpus import read_corpus
from policycmp.ingest.decoding import canonical_text
from policycmp.model import Document
from policycmp.publish.documents import Stages, read_document
from policycmp.schema import ClauseRow, QuantityRow
from policycmp.vocabulary import load_edition_rules, load_layout

ROOT = Path(__file__).resolve().parents[1]
THRESHOLDS = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8)
DOMAINS = ["investment", "innovation", "manufacturing", "services", "transport", "demand_opening", "rural"]
DOMAINS += ["livelihood"]


def built(documents: list[tuple[Document, str]]) -> tuple[dict[str, list[ClauseRow]], dict[str, list[QuantityRow]]]:
    """Clause rows by document and quantities by clause, as the build makes them (one document at a time)."""
    stages = Stages.load()
    by_doc: dict[str, list[ClauseRow]] = {}
    quantities: list[QuantityRow] = []
    for doc, text in documents:
        reading = read_document(doc, canonical_text(text), stages)
        by_doc[doc.id] = reading.clauses
        quantities += reading.quantities
    return by_doc, group_by_clause(quantities)


def expected_change(base: ev.Edition, edition: ev.Edition) -> dict[int, str]:
    """The change each origin should show: unchanged when its text is the same (two edits can undo each other),
    else by the last edit made to it (an amount scaled → amounts_changed, a rewording → reworded)."""
    before = {p.origin: p.text for p in base.paragraphs()}
    found = {}
    for edit in edition.edits:
        what, _, origin = edit.rpartition(" ")
        if what in ("reword", "amount") and origin.isdigit():
            found[int(origin)] = "reworded" if what == "reword" else "amounts_changed"
    return {p.origin: found.get(p.origin, "unchanged") if p.text != before[p.origin] else "unchanged"
            for p in edition.paragraphs() if p.origin is not None}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--variants", type=int, default=20, help="next editions made of each seed (default 20)")
    args = parser.parse_args()
    corpus = read_corpus(ROOT / "data" / "raw" / "sources.yaml")
    seeds = corpus.of_kind("policy")
    bases = {d.id: ev.read_edition(corpus.texts[d.id], d.title) for d in seeds}
    rules, layout = load_edition_rules(), load_layout()

    documents: list[tuple[Document, str]] = [(d, ev.render(bases[d.id])) for d in seeds]
    variants: list[tuple[Document, Document, ev.Edition, ev.Edition]] = []
    for seed in seeds:
        rng = random.Random(seed.id)
        pool = [p.text for d in seeds if d.id != seed.id for p in bases[d.id].paragraphs() if p.kind == "clause"]
        for n in range(args.variants):
            edition = ev.random_edition(bases[seed.id], rng, ev.Rates(rename=True), pool, DOMAINS)
            doc = replace(seed, id=f"{seed.id}-v{n}", district=f"{seed.district}v{n}", year=seed.year + 1)
            documents.append((doc, ev.render(edition, numbering="paren")))
            variants.append((seed, doc, bases[seed.id], edition))
    by_doc, quantities = built(documents)

    def rows_of(doc: Document) -> EditionRows:
        return EditionRows(doc, by_doc[doc.id], quantities)

    print(f"{len(variants)} next editions of {len(seeds)} seed policies; pairs scored against their known edits\n")
    print("| threshold | pairs right / found | precision | recall | change right | pairs between districts |")
    print("|---:|---:|---:|---:|---:|---:|")
    for threshold in THRESHOLDS:
        at = replace(rules, min_similarity=threshold)
        right = found = wanted = change_right = 0
        for seed, doc, base, edition in variants:
            old_ids = [r.clause_id for r in by_doc[seed.id]]
            new_ids = [r.clause_id for r in by_doc[doc.id]]
            assert len(old_ids) == len(base.paragraphs()) and len(new_ids) == len(edition.paragraphs()), doc.id
            origin_of = {new_ids[j]: p.origin for j, p in enumerate(edition.paragraphs())}
            expected = {
                (old_ids[i], new_ids[j]) for i, j in ev.expected_pairs(base, edition) if i is not None and j is not None
            }
            changes = expected_change(base, edition)
            result = pair_editions(rows_of(seed), rows_of(doc), at, layout)
            pairs = [(c.from_clause, c.to_clause, c.change) for c in result.clauses if c.from_clause and c.to_clause]
            found += len(pairs)
            wanted += len(expected)
            for a, b, change in pairs:
                if (a, b) in expected:
                    right += 1
                    origin = origin_of[b]
                    change_right += change == changes.get(origin, "unchanged")  # type: ignore[arg-type]
        between = 0
        for older in seeds:
            for newer in seeds:
                if older.id != newer.id:
                    apart = pair_editions(rows_of(older), rows_of(newer), at, layout)
                    between += sum(1 for c in apart.clauses if c.from_clause and c.to_clause)
        print(
            f"| {threshold:.2f} | {right:,} / {found:,} | {right / found:.3f} | {right / wanted:.3f} "
            f"| {change_right / right:.3f} | {between} of {sum(len(by_doc[d.id]) for d in seeds) * 2} rows |"
        )

    sweep = (0.4, 0.5, 0.6, 0.7)
    print("\nEvery clause of a seed reworded by n edits: clauses still paired with their origin, by threshold\n")
    print("| edits | median similarity | " + " | ".join(f"at {t}" for t in sweep) + " |")
    print("|---:|---:|" + "---:|" * len(sweep))
    extra: list[tuple[Document, str]] = []
    reworded: list[tuple[Document, Document, ev.Edition, ev.Edition, int]] = []
    for operations in range(1, 9):
        for seed in seeds:
            rng = random.Random(f"{seed.id}{operations}")
            pool = [p.text for d in seeds if d.id != seed.id for p in bases[d.id].paragraphs() if p.kind == "clause"]
            rates = ev.Rates(removed=0, reworded=1.0, amounts=0, moved=0, added=0, reword_operations=operations)
            edition = ev.random_edition(bases[seed.id], rng, rates, pool, DOMAINS)
            doc = replace(seed, id=f"{seed.id}-r{operations}", district=f"{seed.district}r{operations}")
            extra.append((doc, ev.render(edition)))
            reworded.append((seed, doc, bases[seed.id], edition, operations))
    more_rows, more_quantities = built(extra)
    by_doc.update(more_rows)
    quantities.update(more_quantities)
    for operations in range(1, 9):
        kept = Counter()
        total = 0
        scores: list[float] = []
        for seed, doc, base, edition, ops in reworded:
            if ops != operations:
                continue
            old_ids = [r.clause_id for r in by_doc[seed.id]]
            new_ids = [r.clause_id for r in by_doc[doc.id]]
            clauses = {j for j, p in enumerate(edition.paragraphs()) if p.kind == "clause"}
            expected = {(old_ids[i], new_ids[j]) for i, j in ev.expected_pairs(base, edition) if j in clauses}
            total += len(expected)
            for threshold in sweep:
                result = pair_editions(rows_of(seed), rows_of(doc), replace(rules, min_similarity=threshold), layout)
                got = {(c.from_clause, c.to_clause): c.similarity for c in result.clauses}
                kept[threshold] += len(expected & set(got))
                if threshold == sweep[0]:
                    scores += [got[pair] for pair in expected & set(got)]  # type: ignore[misc]
        shares = " | ".join(f"{kept[t]} / {total} ({kept[t] / total:.1%})" for t in sweep)
        print(f"| {operations} | {statistics.median(scores):.2f} | {shares} |")

    timings = []
    for seed, doc, _, _ in variants:
        start = time.perf_counter()
        pair_editions(rows_of(seed), rows_of(doc), rules, layout)
        timings.append(time.perf_counter() - start)
    sizes = Counter(len(by_doc[seed.id]) for seed, *_ in variants)
    median = statistics.median(timings) * 1000
    print(
        f"\nOne pairing (two editions of {min(sizes)}–{max(sizes)} rows): median {median:.1f} ms, "
        f"max {max(timings) * 1000:.1f} ms over {len(timings)} pairs."
    )


if __name__ == "__main__":
    main()
