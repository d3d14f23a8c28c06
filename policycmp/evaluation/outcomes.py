"""Hand-labelled statuses of outcome report rows, and how the outcomes table is scored against them.

The labels (``tests/data/zhenhai_outcome_labels.csv``: row_no, status, note) were read from the
text of Zhenhai's 2024 completion report, row by row, by the rule the table's status follows:

- ``met``: the row states at least one quantified target that the completion answers with a figure of
  the same measure (or in words: 均完成目标任务, 保持双百), and every target so answered is reached;
- ``not_met``: at least one such target is answered and falls short;
- ``unclear``: the row states no quantified target, or the completion answers none of them (another
  measure, an estimate, an application, a running total against new units, parts whose whole is not
  stated as done).

A reader adds parts the report lists (35+13+20 张) and reads 认定 as a result where the rules do
not; those rows are where the rules and the labels part. The rules were written with these rows in
view, so the accuracy is a development figure, not a held-out one.

The labels are read when :func:`load_outcome_labels` is called, never when this module is imported:
an installed package has no ``tests/`` folder, and a missing file is then a one-line error.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import paths
from ..errors import PolicyInputError
from ..schema import OUTCOME_STATUSES

ZHENHAI_OUTCOME_LABELS = paths.package_dir().parent / "tests" / "data" / "zhenhai_outcome_labels.csv"


def load_outcome_labels(path: Path = ZHENHAI_OUTCOME_LABELS) -> dict[int, str]:
    """``row_no → status`` of a label file; a missing file or a bad status is a one-line error."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except FileNotFoundError:
        raise PolicyInputError(path, "no such label file (the labels live in the repository's tests/data)") from None
    labels: dict[int, str] = {}
    for line, row in enumerate(frame.to_dict("records"), start=2):
        if row["status"] not in OUTCOME_STATUSES:
            raise PolicyInputError(path, f"status {row['status']!r} is not one of {', '.join(OUTCOME_STATUSES)}", line)
        labels[int(row["row_no"])] = row["status"]
    return labels


@dataclass(frozen=True)
class OutcomeScore:
    """How many rows got the labelled status, and where they part."""

    rows: int
    correct: int
    confusion: dict[tuple[str, str], int]  # (label, predicted) → rows
    wrong: list[tuple[int, str, str]]  # (row_no, label, predicted)

    @property
    def accuracy(self) -> float:
        return self.correct / self.rows if self.rows else 0.0

    def per_status(self) -> dict[str, tuple[int, int]]:
        """label → (rows with that label, of which predicted right)."""
        out = {}
        for status in OUTCOME_STATUSES:
            total = sum(n for (label, _), n in self.confusion.items() if label == status)
            out[status] = (total, self.confusion.get((status, status), 0))
        return out


def score_outcomes(outcomes: pd.DataFrame, labels: dict[int, str], doc_id: str) -> OutcomeScore:
    """The outcome rows of ``doc_id`` against ``labels``; a labelled row missing from the table is wrong."""
    mine = outcomes[outcomes["doc_id"] == doc_id]
    predicted = dict(zip(mine["row_no"].astype(int).tolist(), mine["status"].astype(str).tolist(), strict=True))
    confusion: Counter[tuple[str, str]] = Counter()
    wrong = []
    for row_no, label in sorted(labels.items()):
        got = predicted.get(row_no, "missing")
        confusion[(label, got)] += 1
        if got != label:
            wrong.append((row_no, label, got))
    return OutcomeScore(len(labels), len(labels) - len(wrong), dict(confusion), wrong)
