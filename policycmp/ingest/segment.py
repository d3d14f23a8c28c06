"""Cut a policy document's canonical text into its body pieces: headings, preambles, clauses, closing.

This stage knows only layout. It returns offsets into the text it was given, so every piece can be
traced back to its source and the pieces can be checked to tile the body exactly. How real
captures are laid out (front matter, numbering levels, one-line captures) is described in
docs/real_world_patterns.md; the patterns are in ``data/document_structure.yaml``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from ..chinese import chinese_ordinal
from ..errors import PolicyInputError
from ..model import Anomaly, Piece, Segmentation
from ..vocabulary import Layout, load_layout

WHITESPACE = re.compile(r"\s")


@dataclass(frozen=True)
class Paragraph:
    """A stretch of text between line breaks (or, in a one-line capture, between markers)."""

    text: str
    start: int
    end: int
    line: int


@dataclass(frozen=True)
class Numbered:
    """A paragraph that opens with a clause number of some style."""

    style: str
    number: int
    end: int  # where the printed number ends, relative to the paragraph


def paragraphs(text: str, spec: Layout) -> list[Paragraph]:
    """Non-blank lines, stripped; a run-on line holding section headings is cut at its markers."""
    out: list[Paragraph] = []
    offset = 0
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if stripped:
            start = offset + len(line) - len(line.lstrip())
            if _run_on_line(stripped, spec):
                out.extend(_run_on(text, start, start + len(stripped), number, spec))
            else:
                out.append(Paragraph(stripped, start, start + len(stripped), number))
        offset += len(line) + 1
    return out


def _run_on_line(line: str, spec: Layout) -> bool:
    """A line that lost its line breaks: long, with a section heading after a space; or of any length, with
    a section heading right after a sentence end (where a line break was)."""
    if len(line) >= spec.run_on_min_chars and spec.run_on_section_marker.search(line):
        return True
    return bool(spec.run_on_heading.search(line))


def _run_on(text: str, start: int, end: int, line: int, spec: Layout) -> list[Paragraph]:
    """A line that lost its line breaks, cut before every space-preceded marker and after each heading."""
    chunk = text[start:end]
    cuts = {m.start() for rx in spec.run_on_markers for m in rx.finditer(chunk)}
    cuts |= {m.start() for m in spec.run_on_sentence_end.finditer(chunk)}
    for m in spec.run_on_section_marker.finditer(chunk):
        # The heading ends after its department parenthesis, else at its first space.
        rest = chunk[m.start() :]
        close = re.match(r"[^\s()]*\([^()]*\)(?=\s)", rest)
        space = WHITESPACE.search(rest)
        if close:
            cuts.add(m.start() + close.end())
        elif space:
            cuts.add(m.start() + space.start())
    pieces = []
    bounds = sorted({0, *cuts, len(chunk)})
    for a, b in zip(bounds, bounds[1:], strict=False):
        piece = chunk[a:b]
        stripped = piece.strip()
        if stripped:
            lead = len(piece) - len(piece.lstrip())
            pieces.append(Paragraph(stripped, start + a + lead, start + a + lead + len(stripped), line))
    return pieces


def _heading_match(paragraph: Paragraph, spec: Layout) -> re.Match[str] | None:
    if len(paragraph.text) > spec.heading_max_chars or spec.closing_paragraph_end.search(paragraph.text):
        return None
    return spec.section_heading.match(paragraph.text)


def numbered(paragraph: Paragraph, spec: Layout) -> Numbered | None:
    """The first clause-number style that opens the paragraph, with its number."""
    for style, rx in spec.clause_styles.items():
        m = rx.match(paragraph.text)
        if m:
            raw = m.group("number")
            return Numbered(style, int(raw) if raw.isdigit() else chinese_ordinal(raw), m.end())
    return None


def _body_start(headings: dict[int, re.Match[str]], marks: dict[int, Numbered]) -> int:
    """Where the body starts: the first section heading 一、 whose sections hold the most numbered
    paragraphs. A 导读 (guide) block listing the headings before the full text holds none."""
    firsts = [i for i, m in headings.items() if chinese_ordinal(m.group("number")) == 1] or [min(headings)]
    bounds = [*firsts[1:], None]
    counts = [sum(1 for i in marks if i >= a and (b is None or i < b)) for a, b in zip(firsts, bounds, strict=True)]
    return firsts[counts.index(max(counts))]


def _clause_style(sections: list[list[int]], marks: dict[int, Numbered]) -> str | None:
    """The first numbered level beneath the sections: the style opening most sections' first numbered
    paragraph (ties go to the earliest such section)."""
    firsts = [marks[i].style for section in sections for i in section[:1]]
    if not firsts:
        return None
    counts = Counter(firsts)
    best = max(counts.values())
    return next(style for style in firsts if counts[style] == best)


def segment_policy(text: str, path: str | Path = "<text>", layout: Layout | None = None) -> Segmentation:
    """Split a canonical policy text into body pieces. Raises if no policy section can be found."""
    spec = layout or load_layout()
    paras = paragraphs(text, spec)
    headings = {i: m for i, p in enumerate(paras) if (m := _heading_match(p, spec))}
    if not headings:
        raise PolicyInputError(path, "no policy section heading (一、… 二、…) found; is this a policy document?")
    marks = {i: n for i, p in enumerate(paras) if i not in headings and (n := numbered(p, spec))}
    first = _body_start(headings, marks)
    end = next(
        (i for i in range(first + 1, len(paras)) if any(rx.search(paras[i].text) for rx in spec.back_matter)),
        len(paras),
    )
    heading_at = sorted(i for i in headings if first <= i < end)
    sections = [
        [i for i in marks if a < i < (b if b is not None else end)]
        for a, b in zip(heading_at, [*heading_at[1:], None], strict=True)
    ]
    style = _clause_style(sections, marks)
    clause_at = {i: marks[i] for section in sections for i in section if marks[i].style == style}
    return _pieces(paras, first, end, headings, clause_at, spec, style)


def _pieces(
    paras: list[Paragraph],
    first: int,
    end: int,
    headings: dict[int, re.Match[str]],
    clause_at: dict[int, Numbered],
    spec: Layout,
    style: str | None,
) -> Segmentation:
    body = range(first, end)
    last_clause = max(clause_at, default=None)
    if last_clause is not None:
        # A one-line capture's last clause runs on until its closing provisions open.
        while (
            last_clause + 1 < end
            and paras[last_clause + 1].line == paras[last_clause].line
            and last_clause + 1 not in headings
            and not spec.closing_openers.search(paras[last_clause + 1].text)
        ):
            last_clause += 1
    pieces: list[Piece] = []
    section_no: int | None = None
    heading: str | None = None
    current: Piece | None = None  # the preamble or clause that continuation paragraphs extend
    body_end = paras[first].end
    for i in body:
        para = paras[i]
        if last_clause is not None and i > last_clause:
            break
        if i in headings:
            if current is not None:
                pieces.append(current)
            current = None
            section_no = chinese_ordinal(headings[i].group("number"))
            heading = para.text
            pieces.append(Piece("heading", para.start, para.end, para.line, section_no, heading))
        elif i in clause_at:
            if current is not None:
                pieces.append(current)
            mark = clause_at[i]
            current = Piece("clause", para.start, para.end, para.line, section_no, heading, mark.number, mark.end)
        elif current is None:
            current = Piece("preamble", para.start, para.end, para.line, section_no, heading)
        else:
            current = replace(current, end=para.end)
        body_end = para.end
    if current is not None:
        pieces.append(current)

    anomalies: list[Anomaly] = []
    closing: Piece | None = None
    if last_clause is not None:
        for i in range(last_clause + 1, end):
            para = paras[i]
            if i in headings or not spec.closing_paragraph_end.search(para.text):
                break
            closing = replace(closing, end=para.end) if closing else Piece("closing", para.start, para.end, para.line)
        if closing is not None:
            pieces.append(closing)
            body_end = closing.end
    else:
        anomalies.append(
            Anomaly(paras[first].line, "no_clauses", "no numbered clauses found; sections kept as preambles")
        )
    last = paras[max(i for i in body if paras[i].end <= body_end)]
    if closing is None and not spec.complete_paragraph_end.search(last.text):
        anomalies.append(
            Anomaly(
                last.line,
                "truncated",
                f"the text ends mid-sentence (…{last.text[-12:]}) with no closing provisions: the capture looks "
                "truncated, so its last row is incomplete",
            )
        )
    for i in body:
        garbled = spec.garbled_text.search(paras[i].text) if paras[i].end <= body_end else None
        if garbled:
            text = paras[i].text
            anomalies.append(
                Anomaly(
                    paras[i].line,
                    "garbled",
                    f"the text looks garbled here (…{text[max(0, garbled.start() - 4) : garbled.end() + 4]}…), as "
                    "when a page's UTF-8 is read as GBK: rows from this paragraph may be wrong; capture it again",
                )
            )
    restarts = _restarts(pieces)
    anomalies.extend(numbering_anomalies(pieces, restarts))
    return Segmentation(pieces, paras[first].start, body_end, style, anomalies, restarts)


def _restarts(pieces: list[Piece]) -> bool:
    """True when clause numbering starts again in a later section (二、 opens with its own (一))."""
    seen_sections: set[int | None] = set()
    for piece in pieces:
        if piece.kind == "clause":
            if piece.clause_no == 1 and seen_sections and piece.section_no not in seen_sections:
                return True
            seen_sections.add(piece.section_no)
    return False


def numbering_anomalies(pieces: list[Piece], restarts: bool = False) -> list[Anomaly]:
    """Duplicate, skipped or out-of-order clause and section numbers, as printed in the source.

    Where numbering restarts in every section, clause numbers are checked within each section.
    """
    found: list[Anomaly] = []
    seen: dict[tuple[int | None, int], int] = {}
    previous: int | None = None
    section: int | None = None
    for piece in pieces:
        if piece.kind != "clause" or piece.clause_no is None:
            continue
        if restarts and piece.section_no != section:
            section, previous = piece.section_no, None
        number = piece.clause_no
        key = (section if restarts else None, number)
        if key in seen:
            found.append(
                Anomaly(
                    piece.line,
                    "duplicate_clause_number",
                    f"clause number {number} printed twice (lines {seen[key]} and {piece.line})",
                )
            )
        elif previous is not None and number > previous + 1:
            missing = ", ".join(
                str(n) for n in range(previous + 1, number) if (section if restarts else None, n) not in seen
            )
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
        seen.setdefault(key, piece.line)
        previous = number
    headings = [p for p in pieces if p.kind == "heading"]
    for before, after in zip(headings, headings[1:], strict=False):
        if after.section_no != (before.section_no or 0) + 1:
            found.append(
                Anomaly(
                    after.line, "section_number_gap", f"section {after.section_no} follows section {before.section_no}"
                )
            )
    return found
