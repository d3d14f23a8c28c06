"""The comparison table on real award clauses of other districts: the issue's figures, on the survey.

    .venv/bin/python benchmarks/bench_instruments.py [--survey tests/data/instrument_survey.yaml] [--misses]
        [--held-out-2 tests/data/instrument_survey_heldout2.yaml]
        [--held-out-3 tests/data/instrument_survey_heldout3.yaml]

Builds each district's surveyed clauses as one policy (tests/data/instrument_survey.yaml, read by
policycmp.evaluation.instruments) and prints, for the development clauses (the rules of
instruments.yaml were written with them in view), the first held-out set (seven districts set aside
before round one's rules; scored repeatedly since, so no longer clean) and, when asked, the second
(four districts set aside before round two's rules, scored once at its end) and the third (labelled by
another labeller, who saw no rule; variants not labelled) apart, one Markdown table:

- the labelled amount is a quantity of its clause (value and unit);
- it reaches comparisons.parquet at the right tier;
- … under the right instrument key (null where no instrument is meant to fit);
- … with the right variant and bound too (the full key);
- the share of award amounts labelled with an instrument whose row gets one (any);
- for instruments labelled in two or more districts: how many have every labelled amount under
  their key;
- comparison rows from these clauses whose amount no label has, and amounts labelled as not granted
  (a threshold, a loan, an investment) that became a row;
- ``policycmp.similar``: a clause of another district about the same instrument first / in the top 5,
  reading the text alone and with the comparison table.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from policycmp.evaluation.instruments import (
    HELD_OUT_2,
    HELD_OUT_3,
    SPLITS,
    build,
    load_survey,
    one_key_per_instrument,
    same_instrument_ranks,
)
from policycmp.evaluation.instruments import score as score_of

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--survey", type=Path, default=ROOT / "tests" / "data" / "instrument_survey.yaml")
    parser.add_argument(
        "--held-out-2",
        type=Path,
        default=None,
        help="also score the second held-out set (tests/data/instrument_survey_heldout2.yaml): once, at the end "
        "of a round; a rule written after reading its figures makes it development data",
    )
    parser.add_argument(
        "--held-out-3",
        type=Path,
        default=None,
        help="also score the third held-out set (tests/data/instrument_survey_heldout3.yaml), on the same terms",
    )
    parser.add_argument("--misses", action="store_true", help="list the development amounts not found under their key")
    parser.add_argument(
        "--held-out-misses",
        action="store_true",
        help="list the held-out misses too (read them only when a held-out set is retired: a rule written "
        "from them makes the set development data)",
    )
    args = parser.parse_args(argv)

    survey = load_survey(args.survey)
    splits = SPLITS
    if args.held_out_2 is not None:
        survey += load_survey(args.held_out_2)
        splits = (*splits, HELD_OUT_2)
    if args.held_out_3 is not None:
        survey += load_survey(args.held_out_3)
        splits = (*splits, HELD_OUT_3)
    started = time.perf_counter()
    built = build(survey)
    elapsed = time.perf_counter() - started
    header = ["what"] + [
        f"{split} ({len([c for c in survey if c.split == split])} clauses, "
        f"{len({c.district for c in survey if c.split == split})} places)"
        for split in splits
    ]
    rows: list[list[str]] = []
    scores = {split: score_of(built, [c for c in survey if c.split == split]) for split in splits}
    keys = {split: one_key_per_instrument(built, [c for c in survey if c.split == split]) for split in splits}
    similar = {
        (split, with_table): same_instrument_ranks(
            built, [c for c in survey if c.split == split], with_comparisons=with_table
        )
        for split in splits
        for with_table in (False, True)
    }

    def share(part: int, whole: int) -> str:
        return f"{part / whole:.2f} ({part}/{whole})" if whole else "—"

    def line(what: str, cells: list[str]) -> None:
        rows.append([what, *cells])

    line("labelled amounts", [str(scores[s].labelled) for s in splits])
    # (what, the count found, the count it is a share of): attributes of policycmp.evaluation.instruments.Score
    shares = (
        ("the labelled amount is a quantity of its clause", "quantity", "labelled"),
        ("it reaches comparisons.parquet at the right level", "right_level", "labelled"),
        ("… with the right instrument key (null where none fits)", "with_key", "labelled"),
        ("… and the right variant and bound (the full key)", "right_key", "labelled"),
        ("award amounts labelled with an instrument that get one", "got_instrument", "instrument_labelled"),
    )
    for what, part, whole in shares:
        # the third set labels no variant: its full key is not scored
        line(
            what,
            [
                "not labelled"
                if (s == HELD_OUT_3 and part == "right_key")
                else share(getattr(scores[s], part), getattr(scores[s], whole))
                for s in splits
            ],
        )
    line(
        "instruments labelled in two or more districts with every amount under their key",
        [share(keys[s][0], keys[s][1]) for s in splits],
    )
    line(
        "comparison rows from these clauses with a wrong amount",
        [f"{scores[s].wrong_amounts} of {scores[s].rows}" for s in splits],
    )
    line(
        "amounts labelled as not granted that became a row",
        [f"{scores[s].negatives_as_rows} of {scores[s].negatives}" for s in splits],
    )
    for with_table, name in ((False, "text alone"), (True, "with comparisons")):
        cells = []
        for split in splits:
            found = similar[(split, with_table)]
            first = sum(1 for r in found if r == 1)
            top5 = sum(1 for r in found if r is not None and r <= 5)
            cells.append(f"{first / len(found):.2f} / {top5 / len(found):.2f} (of {len(found)})" if found else "—")
        line(f"`similar` ranks a clause of the same instrument first / in the top 5 ({name})", cells)

    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(f"\nBuilt {len(survey)} clauses (quantities and comparisons) in {elapsed:.2f} s.")
    if args.misses or args.held_out_misses:
        for split in splits if args.held_out_misses else ("development",):
            for clause_id, amount, found in scores[split].misses:
                print(
                    f"  {split} {clause_id}: {amount.instrument}/{amount.level}/{amount.variant} "
                    f"{amount.value:g} {amount.unit} {amount.bound} -> {found}"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
