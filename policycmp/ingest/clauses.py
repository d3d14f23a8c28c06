"""The clause table: one row per preamble, clause and closing of every policy document."""

from __future__ import annotations

import re

import pandas as pd

from ..errors import PolicyInputError
from ..model import Anomaly, Corpus, Document, Piece, Segmentation
from ..schema import AnomalyRow, ClauseRow, frame
from ..vocabulary import DomainKeywords, DomainVocabulary, Layout, load_domain_keywords, load_domains, load_layout
from .headings import Inference, heading_domain, infer_domain, lead_department, split_heading, support_departments
from .segment import segment_policy

TITLE_END = re.compile(r"[。!?;]")
TITLE_MAX_CHARS = 40


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
    keywords: DomainKeywords | None = None,
    layout: Layout | None = None,
    strict: bool = False,
) -> tuple[list[ClauseRow], list[Anomaly]]:
    """Rows of the clause table for one segmented policy document, and the headings whose domain was
    inferred (pure: text in, rows out). With ``strict``, a heading no pattern matches is an error."""
    domains = domains or load_domains()
    keywords = keywords or load_domain_keywords()
    layout = layout or load_layout()
    rows: list[ClauseRow] = []
    inferred: list[Anomaly] = []
    seen_numbers: dict[tuple[int | None, int], int] = {}
    domain: str | None = None
    source: str | None = None
    pieces = seg.pieces
    for index, piece in enumerate(pieces):
        if piece.kind == "heading":
            heading = piece.heading or ""
            domain, source = heading_domain(heading, domains), "vocabulary"
            if domain is None:
                if strict:
                    raise PolicyInputError(
                        doc.path,
                        f"section heading {heading!r} matches no domain in domains.yaml (add a heading pattern "
                        "there, or build without --strict to infer it)",
                        line=piece.line,
                    )
                guess = infer_domain(heading, _section_text(text, pieces, index), piece.section_no, keywords, domains)
                domain, source = guess.domain, "inferred"
                inferred.append(_inferred(heading, guess, piece, domains, layout))
            continue
        rows.append(_row(doc, text, piece, domain, source, seen_numbers, seg.restarts, layout, len(rows) + 1))
    return rows, inferred


def _section_text(text: str, pieces: list[Piece], heading_index: int) -> str:
    parts = []
    for piece in pieces[heading_index + 1 :]:
        if piece.kind in ("heading", "closing"):
            break
        parts.append(text[piece.start : piece.end])
    return "\n".join(parts)


def _inferred(heading: str, guess: Inference, piece: Piece, domains: DomainVocabulary, layout: Layout) -> Anomaly:
    name, _ = split_heading(heading, layout)
    return Anomaly(
        piece.line,
        "inferred_domain",
        f"section heading {heading!r} matches no domain pattern; inferred {guess.domain!r} ({guess.evidence()}). "
        f"To read it from the vocabulary, add the pattern {name!r} to heading_patterns of {guess.domain!r} in "
        f"{domains.path.name}",
    )


def _clause_id(doc: Document, piece: Piece, seen_numbers: dict[tuple[int | None, int], int], restarts: bool) -> str:
    if piece.kind == "preamble":
        return f"{doc.id}:p{piece.section_no}"
    if piece.kind == "closing":
        return f"{doc.id}:closing"
    number = piece.clause_no or 0
    key = (piece.section_no if restarts else None, number)
    seen_numbers[key] = seen_numbers.get(key, 0) + 1
    suffix = "" if seen_numbers[key] == 1 else chr(ord("a") + seen_numbers[key] - 1)
    # Numbering that starts again in every section needs the section to tell (一) of 一、 from (一) of 二、.
    prefix = f"s{piece.section_no}" if restarts else ""
    return f"{doc.id}:{prefix}c{number}{suffix}"


def _row(
    doc: Document,
    text: str,
    piece: Piece,
    domain: str | None,
    source: str | None,
    seen_numbers: dict[tuple[int | None, int], int],
    restarts: bool,
    layout: Layout,
    seq: int,
) -> ClauseRow:
    row_text = text[piece.start : piece.end]
    name, parenthesis = split_heading(piece.heading, layout) if piece.heading else (None, None)
    title = units = None
    if piece.kind == "clause":
        title = clause_title(row_text, piece.number_end)
        responsible = layout.responsible_units.search(row_text)
        units = responsible.group("units").strip() if responsible else None
    closing = piece.kind == "closing"
    return ClauseRow(
        clause_id=_clause_id(doc, piece, seen_numbers, restarts),
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
        domain_source=None if closing else source,
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


def clause_table(corpus: Corpus, *, strict: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The clause table of every policy in the corpus, and the anomalies met reading it (numbering,
    truncation, inferred domains). With ``strict``, a heading of no known domain is an error."""
    rows, anomalies = clause_records(corpus, strict=strict)
    return frame(ClauseRow, rows), frame(AnomalyRow, anomalies)


def clause_records(corpus: Corpus, *, strict: bool = False) -> tuple[list[ClauseRow], list[AnomalyRow]]:
    """The rows of :func:`clause_table` (and of its anomalies), as typed records."""
    domains, keywords, layout = load_domains(), load_domain_keywords(), load_layout()
    rows: list[ClauseRow] = []
    anomalies: list[AnomalyRow] = []
    for doc in corpus.of_kind("policy"):
        found, met = document_clause_records(
            doc, corpus.texts[doc.id], domains=domains, keywords=keywords, layout=layout, strict=strict
        )
        rows.extend(found)
        anomalies.extend(met)
    return rows, anomalies


def document_clause_records(
    doc: Document,
    text: str,
    *,
    domains: DomainVocabulary,
    keywords: DomainKeywords,
    layout: Layout,
    strict: bool = False,
) -> tuple[list[ClauseRow], list[AnomalyRow]]:
    """One policy's clause rows and anomalies (the unit of work a build caches and reads in parallel)."""
    seg = segment_policy(text, doc.path, layout)
    found, inferred = clause_rows(doc, text, seg, domains=domains, keywords=keywords, layout=layout, strict=strict)
    anomalies = [
        AnomalyRow(doc.id, doc.path.name, a.line, a.kind, a.message)
        for a in sorted([*seg.anomalies, *inferred], key=lambda a: a.line)
    ]
    return found, anomalies
