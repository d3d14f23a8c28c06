"""Our quantity extractor against Microsoft Recognizers-Text, on the same texts, in one run.

    .venv/bin/python benchmarks/bench_recognizers.py [--repeat N] [--copies N]

Both read the same clause texts (every clause row of the three policies, built into a temporary
folder) and are scored by the matcher of tests/test_quantities.py (policycmp.evaluation.quantities):
a label is found when a prediction overlapping it has the same value (and value_high) and unit.
Recognizers-Text is a dev-only dependency, imported here and nowhere else. Its typed results are
mapped onto our units (isoCurrency → CNY/USD, Mu → mu, Kilometer → km, …); it has no rate, kind,
bound or level, so those columns show "—".

Recognizers-Text's models express money (an ISO currency), the dimensions mapped below and
percentages; with ``recognize_number`` read as counts, counts too. A label in another unit (a count for
the first, a rate such as CNY/mu, tce, a ratio) is one it cannot find, so beside the overall recall
each system's recall on the labels it can express is printed, with how many those are: the first
figure says how much of the task a system covers, the second how well it does what it covers.

Throughput is labelled mentions (and clause rows) per second of wall time for one pass, single
process for every system. A pass reads the labelled rows ``--copies`` times over (default 5: about a
thousand clause rows, a few districts' documents), so each system's rate is measured over a stretch
of work, as a build reads a corpus, not mostly over the start of a pass right after the other
system has filled the processor's caches. No cache of ours outlives a call (extract/mentions.py),
so a repeated row costs what a new one costs. Each system is warmed up once (Recognizers-Text builds its
models on first use); then the systems take turns, pass after pass, so a change in machine load
falls on all of them alike, and each one's median pass is reported. The ratio is ours over
Recognizers-Text (currency + dimension + percentage), from passes of the same run; the per-pass
ratios pair each of our passes with the Recognizers-Text pass of the same turn, one to one.

Ours is timed three ways. As ``policycmp build`` runs it: ``extract_many(texts, grammar)`` over
the clause rows, the grammar compiled from the vocabulary files resolved once, each step run over
every text before the next (the same mentions as one call per text; see extract/mentions.py). As
one ``extract_mentions(text, grammar)`` call per text. And as a bare ``extract_mentions(text)``
call, which re-reads and hashes the three vocabulary files on every call so that an edited file
takes effect at once. Recognizers-Text has no batch form; it is called once per text.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ms_recognizers_number import recognize_number, recognize_percentage
from ms_recognizers_number_with_unit import recognize_currency, recognize_dimension
from ms_recognizers_text import Culture

from policycmp import load_clauses
from policycmp.evaluation.quantities import POLICY_DOCS, labelled_texts, load_labels, score
from policycmp.extract import extract_many, extract_mentions
from policycmp.extract.grammar import grammar

# Recognizers-Text dimension unit names → our base units (value multiplier).
DIMENSION_UNITS = {
    "Mu": ("mu", 1),
    "Hectare": ("mu", 15),
    "Kilometer": ("km", 1),
    "Meter": ("m", 1),
    "Ton": ("t", 1),
    "Kilogram": ("kg", 1),
    "Jin": ("kg", 0.5),
    "Square meter": ("m2", 1),
    "Square kilometer": ("km2", 1),
    "Cubic meter": ("m3", 1),
    "Kilowatt": ("kW", 1),
    "Kilowatt hour": ("kWh", 1),
}
BASELINE = "Recognizers-Text (currency+dimension+percentage)"
WITH_NUMBERS = "Recognizers-Text (+ recognize_number as count)"
CURRENCY = re.compile(r"[A-Z]{3}")  # an ISO 4217 code, as the currency model resolves one


def expressible(unit: str, with_numbers: bool) -> bool:
    """Whether Recognizers-Text's models, as mapped here, can give a mention in this unit at all."""
    typed = unit == "%" or bool(CURRENCY.fullmatch(unit)) or unit in {u for u, _ in DIMENSION_UNITS.values()}
    return typed or (with_numbers and unit == "count")


@dataclass(frozen=True)
class Found:
    span: str
    start: int
    end: int
    value: float
    value_high: float | None
    unit: str
    kind: str | None = None
    bound: str | None = None
    level: str | None = None


def recognizers_extract(text: str, with_numbers: bool) -> list[Found]:
    culture = Culture.Chinese
    found: list[Found] = []
    for r in (
        recognize_currency(text, culture) + recognize_dimension(text, culture) + recognize_percentage(text, culture)
    ):
        res = r.resolution or {}
        raw = str(res.get("value") or "").rstrip("%")
        if not raw:
            continue
        try:
            value = float(raw)
        except ValueError:
            continue
        if r.type_name == "currency":
            unit, mult = res.get("isoCurrency") or res.get("unit") or "", 1
        elif r.type_name == "dimension":
            unit, mult = DIMENSION_UNITS.get(res.get("unit"), (res.get("unit") or "", 1))
        else:
            unit, mult = "%", 1
        found.append(Found(r.text, r.start, r.start + len(r.text), value * mult, None, unit))
    if with_numbers:
        # A plain number outside every typed result: read generously as a count.
        for r in recognize_number(text, culture):
            start, end = r.start, r.start + len(r.text)
            if any(f.start < end and start < f.end for f in found):
                continue
            try:
                value = float((r.resolution or {}).get("value"))
            except (TypeError, ValueError):
                continue
            found.append(Found(r.text, start, end, value, None, "count"))
    return sorted(found, key=lambda f: f.start)


Extractor = Callable[[list[str]], list[list[Any]]]  # every text's mentions, in order


def one_by_one(extract: Callable[[str], list[Any]]) -> Extractor:
    return lambda texts: [extract(text) for text in texts]


def timed_in_turns(systems: dict[str, Extractor], texts: list[str], repeat: int) -> dict[str, list[float]]:
    """Seconds of each pass of each system; the systems take turns so load drifts fall on all alike."""
    for fn in systems.values():  # warm-up
        fn(texts)
    seconds: dict[str, list[float]] = {name: [] for name in systems}
    for _ in range(repeat):
        for name, fn in systems.items():
            start = time.perf_counter()
            fn(texts)
            seconds[name].append(time.perf_counter() - start)
    return seconds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed passes per system (default 5)")
    parser.add_argument("--copies", type=int, default=5, help="times a pass reads the labelled rows (default 5)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as out:
        clauses = load_clauses(out_dir=Path(out))
    clauses = clauses[clauses["doc_id"].isin(POLICY_DOCS)].reset_index(drop=True)
    texts = labelled_texts(clauses)
    labels = load_labels(texts)
    g = grammar()
    systems: dict[str, Extractor] = {
        "policycmp, as the build runs it (extract_many, grammar resolved once)": lambda ts: extract_many(ts, g),
        "policycmp, one extract_mentions(text, grammar) call per text": one_by_one(lambda t: extract_mentions(t, g)),
        "policycmp, bare extract_mentions(text) call": one_by_one(extract_mentions),
        BASELINE: one_by_one(lambda t: recognizers_extract(t, False)),
        WITH_NUMBERS: one_by_one(lambda t: recognizers_extract(t, True)),
    }
    # The labels each system's models can express: every one for ours.
    covered = {name: labels for name in systems}
    covered[BASELINE] = [label for label in labels if expressible(label.unit, with_numbers=False)]
    covered[WITH_NUMBERS] = [label for label in labels if expressible(label.unit, with_numbers=True)]
    seconds = timed_in_turns(systems, list(texts.values()) * args.copies, args.repeat)
    median = {name: statistics.median(s) for name, s in seconds.items()}

    print(
        f"Labelled set: {len(labels)} mentions in {len(texts)} clause rows ({', '.join(POLICY_DOCS)}), "
        f"read {args.copies} times over in each pass; median of {args.repeat} passes per system, taken in "
        f"turns after a warm-up; Python "
        f"{sys.version.split()[0]}, one process each.\n"
    )
    outside = Counter(label.unit for label in labels if not expressible(label.unit, with_numbers=False))
    print(
        f"{len(labels) - len(covered[BASELINE])} of the {len(labels)} labels are in units {BASELINE} cannot "
        f"express ({', '.join(f'{unit} {n}' for unit, n in outside.most_common())}): its recall cannot pass "
        f"{len(covered[BASELINE]) / len(labels):.3f}.\n"
    )
    print(
        "| system | precision | recall | recall on the labels it can express | kind acc. | bound acc. | level acc. "
        "| mentions/s | clauses/s | × RT |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, fn in systems.items():
        found = dict(zip(texts, fn(list(texts.values())), strict=True))
        s = score(labels, found)
        within = score(covered[name], found)
        ours = name.startswith("policycmp")
        acc = [f"{s.accuracy(f):.3f}" if ours else "—" for f in ("kind", "bound", "level")]
        print(
            f"| {name} | {s.precision:.3f} ({s.correct}/{s.predictions}) | {s.recall:.3f} ({s.correct}/{s.labels}) "
            f"| {within.recall:.3f} ({within.correct}/{within.labels}) "
            f"| {' | '.join(acc)} | {len(labels) * args.copies / median[name]:,.0f} "
            f"| {len(texts) * args.copies / median[name]:,.0f} "
            f"| {median[BASELINE] / median[name]:.1f} |"
        )
    build_form = next(iter(systems))
    paired = [rt / ours for rt, ours in zip(seconds[BASELINE], seconds[build_form], strict=True)]
    print(
        f"\nRatio (ours as the build runs it / {BASELINE}): {median[BASELINE] / median[build_form]:.1f}× "
        f"(each turn's passes paired one to one: {min(paired):.1f}×–{max(paired):.1f}×)"
    )


if __name__ == "__main__":
    main()
