"""Hand-labelled quantities and how an extractor's mentions are scored against them.

One module serves the tests (tests/test_quantities.py asserts the figures) and the benchmarks
(benchmarks/bench_recognizers.py sets our extractor beside Microsoft Recognizers-Text), so both
score with the same matcher: a label is found when a prediction overlapping it has the same value
(and value_high) and unit.

The labelled set (tests/data/quantity_labels.csv) lists every quantity a careful reader finds in
every clause row — preambles, numbered clauses and closings — of the three policy documents, in the
order they appear in the row. A label is placed in its row by searching for its span after the
previous label of the same row, and is matched to a predicted mention whose offsets overlap it.
Because every row is labelled, every prediction in those rows counts for precision.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .. import paths

QUANTITY_LABELS = paths.package_dir().parent / "tests" / "data" / "quantity_labels.csv"
POLICY_DOCS = ("zhenhai-2024-policy", "linping-2024-policy", "qujiang-2023-policy")


@dataclass(frozen=True)
class Label:
    clause_id: str
    span: str
    start: int
    end: int
    value: float
    value_high: float | None
    unit: str
    kind: str
    bound: str
    level: str | None
    note: str


def load_labels(texts: dict[str, str], path: Path = QUANTITY_LABELS) -> list[Label]:
    """The labels of ``path``, each placed in its clause row after the previous label of that row."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    labels: list[Label] = []
    cursor: dict[str, int] = {}
    for row in frame.to_dict("records"):
        clause_id = f"{row['doc_id']}:{row['clause_ref']}"
        text = texts[clause_id]
        start = text.find(row["span"], cursor.get(clause_id, 0))
        if start < 0:
            raise ValueError(f"{path.name}: label {row['span']!r} not found in order in {clause_id}")
        cursor[clause_id] = start + len(row["span"])
        labels.append(label_of(row, clause_id, start, start + len(row["span"])))
    return labels


def label_of(row: Mapping[Hashable, Any], clause_id: str, start: int, end: int) -> Label:
    """A label from its CSV row (every cell text), placed at ``start:end`` of its clause row."""
    return Label(
        clause_id,
        row["span"],
        start,
        end,
        float(row["value"]),
        float(row["value_high"]) if row["value_high"] else None,
        row["unit"],
        row["kind"],
        row["bound"],
        row["level"] or None,
        row["note"],
    )


def close(a: float | None, b: float | None) -> bool:
    if a is None or b is None or (isinstance(a, float) and math.isnan(a)) or (isinstance(b, float) and math.isnan(b)):
        return (a is None or a != a) and (b is None or b != b)
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def same_quantity(label: Label, pred: Any) -> bool:
    """(value, unit) agree, and value_high too for ranges."""
    return close(label.value, pred.value) and close(label.value_high, pred.value_high) and label.unit == pred.unit


def match(
    labels: list[Label], predictions: dict[str, list[Any]]
) -> tuple[list[tuple[Label, Any]], list[Label], list[Any]]:
    """Pair each label with the unpaired prediction of its row that overlaps it most."""
    pairs, missed, used = [], [], set()
    for label in labels:
        best, best_overlap = None, 0
        for i, pred in enumerate(predictions.get(label.clause_id, [])):
            overlap = min(label.end, pred.end) - max(label.start, pred.start)
            if (label.clause_id, i) not in used and overlap > best_overlap:
                best, best_overlap = i, overlap
        if best is None:
            missed.append(label)
        else:
            used.add((label.clause_id, best))
            pairs.append((label, predictions[label.clause_id][best]))
    extra = [p for cid, preds in predictions.items() for i, p in enumerate(preds) if (cid, i) not in used]
    return pairs, missed, extra


@dataclass
class Score:
    labels: int
    predictions: int
    correct: int
    kind_ok: int
    bound_ok: int
    level_ok: int
    matched: int
    pairs: list[tuple[Label, Any]]
    missed: list[Label]
    extra: list[Any]

    @property
    def recall(self) -> float:
        return self.correct / self.labels if self.labels else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.predictions if self.predictions else 1.0

    def accuracy(self, field: str) -> float:
        return getattr(self, f"{field}_ok") / self.matched if self.matched else 1.0


def score(labels: list[Label], predictions: dict[str, list[Any]]) -> Score:
    pairs, missed, extra = match(labels, predictions)
    correct = sum(same_quantity(label, p) for label, p in pairs)
    n_pred = sum(len(v) for v in predictions.values())
    return Score(
        len(labels),
        n_pred,
        correct,
        kind_ok=sum(label.kind == getattr(p, "kind", None) for label, p in pairs),
        bound_ok=sum(label.bound == getattr(p, "bound", None) for label, p in pairs),
        level_ok=sum(label.level == getattr(p, "level", None) for label, p in pairs),
        matched=len(pairs),
        pairs=pairs,
        missed=missed,
        extra=extra,
    )


def labelled_texts(clauses: pd.DataFrame) -> dict[str, str]:
    return dict(zip(clauses["clause_id"].astype(str), clauses["text"].astype(str)))
