"""Hand-labelled statuses of outcome report rows, and how the outcomes table is scored against them.

The labels (``tests/data/zhenhai_outcome_labels.csv``: row_no, status, note) were read from the
text of Zhenhai's 2024 completion report, row by row, by the rule the table's status follows:

- ``met``: the row states at least one quantified target that the completion answers with a figure of
  the same measure (or in words: 均完成目标任务, 保持双百), and every target so answered is reached;
- ``not_met``: at least one such target is answered and falls short;
- ``unclear``: the row states no quantified target, or the completion answers none of them (another
  measure, an estimate, an application, a running total against new units, parts whose whole is not
  stated as done).

The rules now read most of what a reader reads (parts added up, verdicts, counts and levels in words);
three rows still part, other wordings of the same measure. The rules were written with these rows in
view, so the accuracy is a development figure, not a held-out one.

The same scorer reads the labels of real reports of other places (``tests/data/outcome_captures.yaml``,
:func:`load_captures`, :func:`score_capture`): by row for a table, by figure for prose.

The labels are read when :func:`load_outcome_labels` is called, never when this module is imported:
an installed package has no ``tests/`` folder, and a missing file is then a one-line error.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from .. import paths
from ..errors import PolicyInputError
from ..model import Corpus, Document
from ..publish.build import build_tables
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


# --- real reports of other places (tests/data/outcome_captures.yaml) -------------------------------

CAPTURES = paths.package_dir().parent / "tests" / "data" / "outcome_captures.yaml"
OTHERS = "others"  # a prose label for every figure no other label names


@dataclass(frozen=True)
class Capture:
    """A real report's capture and its hand labels: by row for a table, by figure for prose."""

    file: str
    url: str
    place: str
    year: int
    layout: str
    interim: bool
    held_out: bool
    run_last: bool
    rows: dict[int, str]  # row_no → status (tables)
    figures: tuple[tuple[str, str], ...]  # (actual as written, status), in order (prose); "others" last

    @property
    def doc_id(self) -> str:
        return self.file.removesuffix(".txt")


def load_captures(path: Path = CAPTURES) -> list[Capture]:
    """The labelled captures; a missing file, status or key is a one-line error naming the file."""
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PolicyInputError(path, "no such label file (the labels live in the repository's tests/data)") from None
    out = []
    for i, entry in enumerate(spec["captures"]):
        try:
            rows = {int(r["row"]): str(r["status"]) for r in entry.get("rows") or []}
            figures = tuple(
                (OTHERS, str(f[OTHERS])) if OTHERS in f else (str(f["actual"]), str(f["status"]))
                for f in entry.get("figures") or []
            )
            capture = Capture(
                str(entry["file"]),
                str(entry["url"]),
                str(entry["place"]),
                int(entry["year"]),
                str(entry["layout"]),
                bool(entry["interim"]),
                bool(entry["held_out"]),
                bool(entry.get("run_last", False)),
                rows,
                figures,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise PolicyInputError(path, f"captures[{i}]: missing or malformed entry ({exc})") from None
        bad = [s for s in [*rows.values(), *(s for _, s in figures)] if s not in OUTCOME_STATUSES]
        if bad:
            raise PolicyInputError(
                path, f"captures[{i}] ({capture.file}): status {bad[0]!r} is not one of {', '.join(OUTCOME_STATUSES)}"
            )
        out.append(capture)
    return out


def capture_outcomes(captures: list[Capture], folder: Path | None = None) -> pd.DataFrame:
    """The outcomes table the build makes of the captures, each read as an outcome report of its place
    (the whole pipeline: ingest, extract, compare), one document each."""
    folder = folder or CAPTURES.parent / "outcome_captures"
    docs = [
        Document(
            id=c.doc_id,
            path=folder / c.file,
            kind="outcome_report",
            district=c.doc_id.split("-")[0],
            district_zh=c.place,
            city="",
            province="zhejiang",
            year=c.year,
            status="final",
            title=c.file,
            issued=f"{c.year + 1}-01-01",
            line=1,
        )
        for c in captures
    ]
    texts = {d.id: d.path.read_text(encoding="utf-8") for d in docs}
    return build_tables(Corpus(docs, texts)).tables["outcomes"]


def score_capture(outcomes: pd.DataFrame, capture: Capture) -> OutcomeScore:
    """A capture's rows against its labels: by row number for a table, by the figure achieved for prose
    (each labelled figure matched to the first row of that figure not yet matched; ``others`` for the
    rest). A labelled row or figure missing from the table is wrong ('missing'), and so is a table row
    no label names ('unlabelled')."""
    mine = outcomes[outcomes["doc_id"] == capture.doc_id].sort_values("row_no")
    pairs: list[tuple[str, str, str]] = []  # (what, label, predicted)
    if capture.rows:
        predicted = dict(zip(mine["row_no"].astype(int), mine["status"].astype(str), strict=True))
        pairs += [(str(n), label, predicted.get(n, "missing")) for n, label in sorted(capture.rows.items())]
        pairs += [(str(n), "unlabelled", s) for n, s in predicted.items() if n not in capture.rows]
    else:
        named = [(a, s) for a, s in capture.figures if a != OTHERS]
        others = next((s for a, s in capture.figures if a == OTHERS), None)
        for row in mine.itertuples():
            hit = next((i for i, (a, _) in enumerate(named) if a == row.actual_span), None)
            if hit is not None:
                actual, label = named.pop(hit)
                pairs.append((actual, label, str(row.status)))
            else:
                pairs.append((str(row.actual_span), others or "unlabelled", str(row.status)))
        pairs += [(a, s, "missing") for a, s in named]
    confusion: Counter[tuple[str, str]] = Counter((label, got) for _, label, got in pairs)
    wrong = [(i, label, got) for i, (_, label, got) in enumerate(pairs, start=1) if label != got]
    return OutcomeScore(len(pairs), len(pairs) - len(wrong), dict(confusion), wrong)
