"""Our quantity extractor against Microsoft Recognizers-Text on the hand-labelled set.

    .venv/bin/python benchmarks/bench_recognizers.py [--repeat N]

Both read the same clause texts (``policycmp.load_clauses()``, the three policies) and are scored
by the same matcher as tests/test_quantities.py: a label is found when a prediction overlapping it
has the same value (and value_high) and unit. Recognizers-Text is a dev-only dependency, imported
here and nowhere else. Its typed results are mapped onto our units (isoCurrency → CNY/USD,
Mu → mu, Kilometer → km, …); it has no rate, kind, bound or level, so those columns show "—".

Prints a Markdown table: precision and recall of (value, unit), accuracy of kind/bound/level, and
throughput — labelled mentions and clauses per second of wall time for one pass over all rows,
after one warm-up pass (Recognizers-Text builds its models on first use).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ms_recognizers_number import recognize_number, recognize_percentage  # noqa: E402
from ms_recognizers_number_with_unit import recognize_currency, recognize_dimension  # noqa: E402
from ms_recognizers_text import Culture  # noqa: E402
from policycmp.quantities import extract_mentions  # noqa: E402


def _load_test_helpers():
    """The labelled set's loader and scorer live in the test module; reuse them, don't copy them."""
    path = ROOT / "tests" / "test_quantities.py"
    spec = importlib.util.spec_from_file_location("policycmp_test_quantities", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _recognizers():
    """Recognizers-Text entry points (the wheels install ``ms_``-prefixed packages)."""
    return recognize_currency, recognize_dimension, recognize_percentage, recognize_number, Culture.Chinese


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


def recognizers_extract(text: str, rt, with_numbers: bool) -> list[Found]:
    currency, dimension, percentage, number, culture = rt
    found: list[Found] = []
    for r in currency(text, culture) + dimension(text, culture) + percentage(text, culture):
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
        for r in number(text, culture):
            start, end = r.start, r.start + len(r.text)
            if any(f.start < end and start < f.end for f in found):
                continue
            try:
                value = float((r.resolution or {}).get("value"))
            except (TypeError, ValueError):
                continue
            found.append(Found(r.text, start, end, value, None, "count"))
    return sorted(found, key=lambda f: f.start)


def timed(fn, texts: dict[str, str], repeat: int) -> tuple[dict[str, list], float]:
    out = {cid: fn(t) for cid, t in texts.items()}  # warm-up
    start = time.perf_counter()
    for _ in range(repeat):
        out = {cid: fn(t) for cid, t in texts.items()}
    return out, (time.perf_counter() - start) / repeat


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed passes per system (default 3)")
    args = parser.parse_args(argv)

    helpers = _load_test_helpers()
    with tempfile.TemporaryDirectory() as out:
        clauses = helpers.load_policy_clauses(Path(out))
    texts = helpers.labelled_texts(clauses)
    labels = helpers.load_labels(texts)
    rt = _recognizers()

    systems = [
        ("policycmp.quantities", extract_mentions),
        ("Recognizers-Text (currency+dimension+percentage)", lambda t: recognizers_extract(t, rt, False)),
        ("Recognizers-Text (+ recognize_number as count)", lambda t: recognizers_extract(t, rt, True)),
    ]
    print(
        f"Labelled set: {len(labels)} mentions in {len(texts)} clause rows "
        f"({', '.join(helpers.POLICY_DOCS)}); {args.repeat} timed passes after a warm-up.\n"
    )
    print("| system | precision | recall | kind acc. | bound acc. | level acc. | mentions/s | clauses/s |")
    print("|---|---|---|---|---|---|---|---|")
    for name, fn in systems:
        predictions, seconds = timed(fn, texts, args.repeat)
        s = helpers.score(labels, predictions)
        ours = name.startswith("policycmp")
        acc = [f"{s.accuracy(f):.3f}" if ours else "—" for f in ("kind", "bound", "level")]
        print(
            f"| {name} | {s.precision:.3f} ({s.correct}/{s.predictions}) | {s.recall:.3f} ({s.correct}/{s.labels}) "
            f"| {' | '.join(acc)} | {len(labels) / seconds:,.0f} | {len(texts) / seconds:,.0f} |"
        )


if __name__ == "__main__":
    main()
