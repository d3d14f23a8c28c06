"""The clause table: one row per preamble, clause and closing of every policy document."""

from __future__ import annotations

import re

import pandas as pd

from ..errors import PolicyInputError
from ..model import Corpus, Document, Piece, Segmentation
from ..schema import AnomalyRow, ClauseRow, frame
from ..vocabulary import DomainVocabulary, Layout, load_domains, load_layout
from .headings import heading_domain, lead_department, split_heading, support_departments
from .segment import segment_policy

TITLE_END = re.compile(r"[。!?;]")
TITLE_MAX_CHARS = 40
NUMBER_PREFIX = re.compile(r"^\(?\d+[、.)]?")


def clause_title(text: str, number_end: int) -> str | None:
    """The lead phrase after the number, up to the first full stop: 开展扩投资攻坚行动."""
    rest = text[number_end:].lstrip()
    match = TITLE_END.search(rest)
    if not match or match.start() == 0 or match.start() > TITLE_MAX_CHARS:
        return None
    return rest[: match.start()].strip()


def clause_rows(
    doc: Document,
    text: str,
    seg: Segmentation,
    *,
    domains: DomainVocabulary | None = None,
    layout: Layout | None = None,
) -> list[ClauseRow]:
    """Rows of the clause table for one segmented policy document (pure: text in, rows out)."""
    domains = domains or load_domains()
    layout = layout or load_layout()
    rows: list[ClauseRow] = []
    seen_numbers: dict[int, int] = {}
    domain: str | None = None
    for piece in seg.pieces:
        if piece.kind == "heading":
            domain = heading_domain(piece.heading or "", domains)
            if domain is None:
                raise PolicyInputError(
                    doc.path,
                    f"section heading {piece.heading!r} matches no domain in domains.yaml "
                    "(add a heading pattern there)",
                    line=piece.line,
                )
            continue
        rows.append(_row(doc, text, piece, domain, seen_numbers, layout, len(rows) + 1))
    return rows


def _clause_id(doc: Document, piece: Piece, seen_numbers: dict[int, int]) -> str:
    if piece.kind == "preamble":
        return f"{doc.id}:p{piece.section_no}"
    if piece.kind == "closing":
        return f"{doc.id}:closing"
    number = piece.clause_no or 0
    seen_numbers[number] = seen_numbers.get(number, 0) + 1
    suffix = "" if seen_numbers[number] == 1 else chr(ord("a") + seen_numbers[number] - 1)
    return f"{doc.id}:c{number}{suffix}"


def _row(
    doc: Document,
    text: str,
    piece: Piece,
    domain: str | None,
    seen_numbers: dict[int, int],
    layout: Layout,
    seq: int,
) -> ClauseRow:
    row_text = text[piece.start : piece.end]
    name, parenthesis = split_heading(piece.heading) if piece.heading else (None, None)
    title = units = None
    if piece.kind == "clause":
        prefix = NUMBER_PREFIX.match(row_text)
        title = clause_title(row_text, prefix.end() if prefix else 0)
        responsible = layout.responsible_units.search(row_text)
        units = responsible.group("units").strip() if responsible else None
    closing = piece.kind == "closing"
    return ClauseRow(
        clause_id=_clause_id(doc, piece, seen_numbers),
        doc_id=doc.id,
        district=doc.district,
        year=doc.year,
        domain=None if closing else domain,
        section_no=None if closing else piece.section_no,
        section_title=None if closing else piece.heading,
        row_kind=piece.kind,
        clause_no=piece.clause_no if piece.kind == "clause" else None,
        seq=seq,
        title=title,
        text=row_text,
        lead_department=None if closing else lead_department(parenthesis, layout),
        district_zh=doc.district_zh,
        city=doc.city,
        status=doc.status,
        section_name=None if closing else name,
        support_departments=None if closing else support_departments(parenthesis, layout),
        responsible_units=units,
        line_no=piece.line,
        char_start=piece.start,
        char_end=piece.end,
    )


def clause_table(corpus: Corpus) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The clause table of every policy in the corpus, and the numbering anomalies met segmenting it."""
    rows, anomalies = clause_records(corpus)
    return frame(ClauseRow, rows), frame(AnomalyRow, anomalies)


def clause_records(corpus: Corpus) -> tuple[list[ClauseRow], list[AnomalyRow]]:
    """The rows of :func:`clause_table` (and of its anomalies), as typed records."""
    domains, layout = load_domains(), load_layout()
    rows: list[ClauseRow] = []
    anomalies: list[AnomalyRow] = []
    for doc in corpus.of_kind("policy"):
        text = corpus.texts[doc.id]
        seg = segment_policy(text, doc.path, layout)
        rows.extend(clause_rows(doc, text, seg, domains=domains, layout=layout))
        anomalies.extend(AnomalyRow(doc.id, doc.path.name, a.line, a.kind, a.message) for a in seg.anomalies)
    return rows, anomalies
