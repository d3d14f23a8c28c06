"""Cut a policy document's canonical text into its body pieces: headings, preambles, clauses, closing.

This stage knows only layout. It returns offsets into the text it was given, so every piece can be
traced back to its source and the pieces can be checked to tile the body exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..chinese import chinese_ordinal
from ..errors import PolicyInputError
from ..model import Anomaly, Piece, Segmentation
from ..vocabulary import Layout, load_layout


@dataclass(frozen=True)
class Paragraph:
    """A non-blank line: its stripped content and where it sits in the text."""

    text: str
    start: int
    end: int
    line: int


def paragraphs(text: str) -> list[Paragraph]:
    out: list[Paragraph] = []
    offset = 0
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            start = offset + lead
            out.append(Paragraph(stripped, start, start + len(stripped), number))
        offset += len(line) + 1
    return out


def _heading_match(paragraph: Paragraph, spec: Layout) -> re.Match[str] | None:
    if len(paragraph.text) > spec.heading_max_chars or spec.closing_paragraph_end.search(paragraph.text):
        return None
    return spec.section_heading.match(paragraph.text)


def _clause_style(paras: list[Paragraph], spec: Layout) -> str | None:
    """The numbering style with the most line starts; ties go to the order in the vocabulary."""
    counts = {name: sum(1 for p in paras if rx.match(p.text)) for name, rx in spec.clause_styles.items()}
    best = max(counts, key=lambda name: counts[name])
    return best if counts[best] else None


def _is_back_matter(paragraph: Paragraph, spec: Layout) -> bool:
    return any(rx.search(paragraph.text) for rx in spec.back_matter)


def segment_policy(text: str, path: str | Path = "<text>", layout: Layout | None = None) -> Segmentation:
    """Split a canonical policy text into body pieces. Raises if no policy section can be found."""
    spec = layout or load_layout()
    paras = paragraphs(text)
    headings = {i: m for i, p in enumerate(paras) if (m := _heading_match(p, spec))}
    if not headings:
        raise PolicyInputError(path, "no policy section heading (一、… 二、…) found; is this a policy document?")
    first = min(headings)
    end = next((i for i in range(first + 1, len(paras)) if _is_back_matter(paras[i], spec)), len(paras))
    body = paras[first:end]
    style = _clause_style([p for i, p in enumerate(body, start=first) if i not in headings], spec)
    clause_rx = spec.clause_styles[style] if style else None

    pieces: list[Piece] = []
    anomalies: list[Anomaly] = []
    section_no: int | None = None
    heading: str | None = None
    current: Piece | None = None  # the preamble or clause that continuation paragraphs extend

    def flush() -> None:
        if current is not None:
            pieces.append(current)

    last_clause_index = max(
        (i for i, p in enumerate(body) if clause_rx and (first + i) not in headings and clause_rx.match(p.text)),
        default=None,
    )
    body_end = body[0].end
    for i, para in enumerate(body):
        index = first + i
        if last_clause_index is not None and i > last_clause_index:
            break
        if index in headings:
            flush()
            current = None
            match = headings[index]
            section_no = chinese_ordinal(match.group("number"))
            heading = para.text
            pieces.append(Piece("heading", para.start, para.end, para.line, section_no, heading))
            body_end = para.end
            continue
        number_match = clause_rx.match(para.text) if clause_rx else None
        if number_match:
            flush()
            current = Piece(
                "clause", para.start, para.end, para.line, section_no, heading, int(number_match.group("number"))
            )
        elif current is None:
            current = Piece("preamble", para.start, para.end, para.line, section_no, heading)
        else:
            current = Piece(
                current.kind,
                current.start,
                para.end,
                current.line,
                current.section_no,
                current.heading,
                current.clause_no,
            )
        body_end = para.end
    flush()

    if last_clause_index is not None:
        closing: Piece | None = None
        for para in body[last_clause_index + 1 :]:
            if not spec.closing_paragraph_end.search(para.text):
                break
            closing = (
                Piece("closing", closing.start, para.end, closing.line)
                if closing
                else Piece("closing", para.start, para.end, para.line)
            )
        if closing is not None:
            pieces.append(closing)
            body_end = closing.end
    else:
        anomalies.append(Anomaly(body[0].line, "no_clauses", "no numbered clauses found; sections kept as preambles"))

    anomalies.extend(numbering_anomalies(pieces))
    return Segmentation(pieces, body[0].start, body_end, style, anomalies)


def numbering_anomalies(pieces: list[Piece]) -> list[Anomaly]:
    """Duplicate, skipped or out-of-order clause and section numbers, as printed in the source."""
    found: list[Anomaly] = []
    seen: dict[int, int] = {}
    previous: int | None = None
    for piece in pieces:
        if piece.kind != "clause" or piece.clause_no is None:
            continue
        number = piece.clause_no
        if number in seen:
            found.append(
                Anomaly(
                    piece.line,
                    "duplicate_clause_number",
                    f"clause number {number} printed twice (lines {seen[number]} and {piece.line})",
                )
            )
        elif previous is not None and number > previous + 1:
            missing = ", ".join(str(n) for n in range(previous + 1, number) if n not in seen)
            found.append(
                Anomaly(
                    piece.line,
                    "skipped_clause_number",
                    f"clause number(s) {missing} never printed (jump from {previous} to {number})",
                )
            )
        elif previous is not None and number < previous:
            found.append(
                Anomaly(piece.line, "clause_number_out_of_order", f"clause number {number} follows {previous}")
            )
        seen.setdefault(number, piece.line)
        previous = number
    sections = [p for p in pieces if p.kind == "heading"]
    for before, after in zip(sections, sections[1:], strict=False):
        if after.section_no != (before.section_no or 0) + 1:
            found.append(
                Anomaly(
                    after.line, "section_number_gap", f"section {after.section_no} follows section {before.section_no}"
                )
            )
    return found
