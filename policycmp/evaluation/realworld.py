"""The real-world captures (``../shared/realworld/``) and how the build reads them, against hand labels.

The captures are real public pages of other districts' documents — fragments of about 2,000
characters — and the labels in ``tests/data/realworld_*.csv`` were made by reading them (see
``tests/data/realworld_labels.md``). The rules were written with these captures in view, so the figures
measured here are development figures, not held-out ones.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .. import paths
from ..vocabulary.gazetteer import load_gazetteer
from .quantities import Label, Score, label_of, score

CAPTURES = paths.package_dir().parent.parent / "shared" / "realworld"
LABELS = paths.package_dir().parent / "tests" / "data"
FILE_NAME = re.compile(r"^(?P<district>[a-z]+)-(?P<year>\d{4})-(?P<kind>policy|outcomes)\.txt$")
KINDS = {"policy": "policy", "outcomes": "outcome_report"}
ROW_FIELDS = ("row_kind", "section_no", "domain", "clause_no", "lead_department", "title", "text_head", "text_tail")


def captures(folder: Path = CAPTURES) -> list[Path]:
    """The capture files, by name (``<district>-<year>-<policy|outcomes>.txt``)."""
    return sorted(p for p in folder.glob("*.txt") if FILE_NAME.match(p.name))


def write_raw(out: Path, folder: Path = CAPTURES, *, kinds: tuple[str, ...] = ("policy", "outcome_report")) -> Path:
    """A raw folder holding copies of the captures and their ``sources.yaml`` (places from the gazetteer)."""
    gazetteer = load_gazetteer()
    out.mkdir(parents=True, exist_ok=True)
    entries = []
    for path in captures(folder):
        match = FILE_NAME.match(path.name)
        assert match is not None
        kind = KINDS[match.group("kind")]
        if kind not in kinds:
            continue
        place = gazetteer.get(match.group("district"))
        if place is None:
            raise ValueError(f"{path.name}: {match.group('district')!r} is not in the gazetteer")
        shutil.copyfile(path, out / path.name)
        entries.append(
            f"  - id: {path.stem}\n    file: {path.name}\n    kind: {kind}\n    district: {place.key}\n"
            f"    district_zh: {place.zh}\n    city: {place.city or place.key}\n    province: {place.province}\n"
            f"    year: {match.group('year')}\n    status: final\n    title: {path.stem}\n"
            f"    issued: {match.group('year')}-01-01\n"
        )
    (out / "sources.yaml").write_text("documents:\n" + "".join(entries), encoding="utf-8")
    return out / "sources.yaml"


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA else str(value)


@dataclass
class RowScore:
    labelled: int
    built: int
    exact: int  # rows whose every labelled field is right
    fields: dict[str, int] = field(default_factory=dict)  # field → rows right
    wrong: list[str] = field(default_factory=list)

    def accuracy(self, name: str) -> float:
        return self.fields.get(name, 0) / self.labelled if self.labelled else 1.0


def score_rows(clauses: pd.DataFrame, labels_path: Path = LABELS / "realworld_rows.csv") -> RowScore:
    """Each labelled row against the built row of the same file and position."""
    labels = pd.read_csv(labels_path, dtype=str, keep_default_na=False)
    built: dict[tuple[str, int], dict[Any, Any]] = {}
    for doc_id, group in clauses.groupby("doc_id", sort=False):
        for seq, record in enumerate(group.sort_values("seq").to_dict("records"), start=1):
            built[(f"{doc_id}.txt", seq)] = record
    result = RowScore(len(labels), len(clauses), 0, dict.fromkeys(ROW_FIELDS, 0))
    for label in labels.to_dict("records"):
        row = built.get((str(label["file"]), int(label["seq"])))
        got: dict[str, str] = {}
        if row is not None:
            text = _text(row["text"])
            got = {
                "row_kind": _text(row["row_kind"]),
                "section_no": _text(row["section_no"]),
                "domain": _text(row["domain"]),
                "clause_no": _text(row["clause_no"]),
                "lead_department": _text(row["lead_department"]),
                "title": _text(row["title"]),
                "text_head": text[:15],
                "text_tail": text[-15:],
            }
        right = [name for name in ROW_FIELDS if got.get(name) == label[name]]
        for name in right:
            result.fields[name] += 1
        if len(right) == len(ROW_FIELDS):
            result.exact += 1
        else:
            misses = ", ".join(f"{n}={got.get(n)!r} (label {label[n]!r})" for n in ROW_FIELDS if n not in right)
            result.wrong.append(f"{label['file']} row {label['seq']}: {misses}")
    return result


def quantity_labels(clauses: pd.DataFrame, labels_path: Path = LABELS / "realworld_quantities.csv") -> list[Label]:
    """The labelled quantities, placed in the built clause rows (``<doc_id>:<row_key>``) by their span."""
    frame = pd.read_csv(labels_path, dtype=str, keep_default_na=False)
    texts = dict(zip(clauses["clause_id"].astype(str), clauses["text"].astype(str), strict=True))
    labels: list[Label] = []
    cursor: dict[str, int] = {}
    for row in frame.to_dict("records"):
        clause_id = _clause_id(texts, str(row["doc_id"]), str(row["row_key"]))
        text = texts.get(clause_id, "")
        start = text.find(row["span"], cursor.get(clause_id, 0))
        if start < 0:
            start = -1  # the row was not built as labelled: the label counts as missed
        cursor[clause_id] = max(start, 0) + len(row["span"])
        labels.append(label_of(row, clause_id, start, start + len(row["span"]) if start >= 0 else -1))
    return labels


def _clause_id(texts: dict[str, str], doc_id: str, row_key: str) -> str:
    """``c2`` → the clause id the build gives that row (``:c2``, or ``:s1c2`` where numbering restarts)."""
    for candidate in (f"{doc_id}:{row_key}", f"{doc_id}:s1{row_key}"):
        if candidate in texts:
            return candidate
    return f"{doc_id}:{row_key}"


def score_quantities(clauses: pd.DataFrame, mentions: dict[str, list[Any]]) -> Score:
    """Precision and recall of (value, unit), and kind / bound / level accuracy, on the labelled rows."""
    labels = quantity_labels(clauses)
    rows = {label.clause_id for label in labels}
    return score(labels, {cid: found for cid, found in mentions.items() if cid in rows})
