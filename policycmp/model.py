"""The types that stages hand to each other: registered documents, the corpus, segmentation pieces,
quantity mentions and the set of built tables. A leaf module: it imports no stage."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

DOCUMENT_KINDS = ("policy", "outcome_report", "city_work_report")
DOCUMENT_STATUSES = ("draft", "final")


@dataclass(frozen=True)
class Document:
    """One entry of ``sources.yaml``."""

    id: str
    path: Path
    kind: str
    district: str
    district_zh: str
    city: str
    province: str
    year: int
    status: str
    title: str
    issued: str  # ISO date
    line: int  # where the entry starts in sources.yaml, for error messages
    source_sha256: str | None = None  # the raw file's bytes as registered (None: the entry has none yet)


@dataclass(frozen=True)
class Corpus:
    """The registered documents with their canonical texts, read once per build."""

    documents: list[Document]
    texts: dict[str, str]

    def of_kind(self, kind: str) -> list[Document]:
        return [d for d in self.documents if d.kind == kind]


@dataclass(frozen=True)
class Piece:
    """One piece of a policy's body: a section heading, or a row of the clause table (offsets into
    the canonical text)."""

    kind: str  # heading | preamble | clause | closing
    start: int
    end: int
    line: int
    section_no: int | None = None
    heading: str | None = None  # the section heading as written
    clause_no: int | None = None
    number_end: int = 0  # where the printed clause number ends, relative to ``start``


@dataclass(frozen=True)
class Anomaly:
    """A numbering irregularity met while segmenting, as printed in the source."""

    line: int
    kind: str
    message: str


@dataclass
class Segmentation:
    pieces: list[Piece]
    body_start: int
    body_end: int
    clause_style: str | None
    anomalies: list[Anomaly] = field(default_factory=list)
    restarts: bool = False  # clause numbering starts again in each section


@dataclass(frozen=True)
class QuantityMention:
    """One quantity as written in a text: offsets into that text, value in base units."""

    span: str
    start: int
    end: int
    value: float
    value_high: float | None
    unit: str
    kind: str
    bound: str
    level: str | None


@dataclass
class TableSet:
    """Tables built so far, with what the build should tell the user about them.

    ``kinds`` names the kind of a warning (a numbering anomaly's kind, ``budget_mismatch``…), so a
    log of many documents can show a few of each kind and count the rest; ``timings`` holds the
    seconds each stage took (never written into a table or the manifest, which must not change
    from one build to the next).
    """

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    kinds: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    def warn(self, message: str, kind: str) -> None:
        self.warnings.append(message)
        self.kinds[message] = kind

    def merge(self, other: TableSet) -> None:
        self.tables.update(other.tables)
        self.warnings.extend(other.warnings)
        self.notes.extend(other.notes)
        self.kinds.update(other.kinds)
        self.timings.update(other.timings)
