"""Cut a policy document's canonical text into its body pieces: headings, preambles, clauses, closing.

This stage knows only layout. It returns offsets into the text it was given, so every piece can be
traced back to its source and the pieces can be checked to tile the body exactly.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import opencc

from .errors import PolicyInputError
from .vocab import compile_pattern, load_resource, DATA_DIR

CHINESE_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def chinese_ordinal(numeral: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十三 → 23 (section numbers never go higher)."""
    if "十" not in numeral:
        return CHINESE_DIGITS[numeral]
    tens, _, units = numeral.partition("十")
    return (CHINESE_DIGITS[tens] if tens else 1) * 10 + (CHINESE_DIGITS[units] if units else 0)


@dataclass(frozen=True)
class Paragraph:
    """A non-blank line: its stripped content and where it sits in the text."""

    text: str
    start: int
    end: int
    line: int


@dataclass(frozen=True)
class Piece:
    """One piece of the body: a section heading, or a row of the clause table."""

    kind: str  # heading | preamble | clause | closing
    start: int
    end: int
    line: int
    section_no: int | None = None
    heading: str | None = None  # the section heading as written
    clause_no: int | None = None


@dataclass
class Segmentation:
    pieces: list[Piece]
    body_start: int
    body_end: int
    clause_style: str | None
    anomalies: list[tuple[int, str, str]] = field(default_factory=list)  # (line, kind, message)


@dataclass(frozen=True)
class Layout:
    section_heading: re.Pattern[str]
    heading_max_chars: int
    clause_styles: dict[str, re.Pattern[str]]
    closing_paragraph_end: re.Pattern[str]
    back_matter: tuple[re.Pattern[str], ...]


@functools.lru_cache(maxsize=None)
def layout() -> Layout:
    spec = load_resource("document_structure.yaml")
    path = DATA_DIR / "document_structure.yaml"
    return Layout(
        section_heading=compile_pattern(spec["section_heading"], path, "section_heading"),
        heading_max_chars=int(spec["heading_max_chars"]),
        clause_styles={k: compile_pattern(p, path, k) for k, p in spec["clause_number_styles"].items()},
        closing_paragraph_end=compile_pattern(spec["closing_paragraph_end"], path, "closing_paragraph_end"),
        back_matter=tuple(compile_pattern(p, path, "back_matter_patterns") for p in spec["back_matter_patterns"]),
    )


@functools.lru_cache(maxsize=1)
def _to_simplified() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """Traditional → simplified, used only to *recognise* headings; the text itself is never changed."""
    return _to_simplified().convert(text)


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


def segment_policy(text: str, path: str | Path = "<text>") -> Segmentation:
    """Split a canonical policy text into body pieces. Raises if no policy section can be found."""
    spec = layout()
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
    anomalies: list[tuple[int, str, str]] = []
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
            current = Piece("clause", para.start, para.end, para.line, section_no, heading,
                            int(number_match.group("number")))
        elif current is None:
            current = Piece("preamble", para.start, para.end, para.line, section_no, heading)
        else:
            current = Piece(current.kind, current.start, para.end, current.line, current.section_no,
                            current.heading, current.clause_no)
        body_end = para.end
    flush()

    if last_clause_index is not None:
        closing: Piece | None = None
        for para in body[last_clause_index + 1:]:
            if not spec.closing_paragraph_end.search(para.text):
                break
            closing = (Piece("closing", closing.start, para.end, closing.line) if closing
                       else Piece("closing", para.start, para.end, para.line))
        if closing is not None:
            pieces.append(closing)
            body_end = closing.end
    else:
        anomalies.append((body[0].line, "no_clauses", "no numbered clauses found; sections kept as preambles"))

    anomalies.extend(numbering_anomalies(pieces))
    return Segmentation(pieces, body[0].start, body_end, style, anomalies)


def numbering_anomalies(pieces: list[Piece]) -> list[tuple[int, str, str]]:
    """Duplicate, skipped or out-of-order clause and section numbers, as printed in the source."""
    found: list[tuple[int, str, str]] = []
    seen: dict[int, int] = {}
    previous: int | None = None
    for piece in pieces:
        if piece.kind != "clause" or piece.clause_no is None:
            continue
        number = piece.clause_no
        if number in seen:
            found.append((piece.line, "duplicate_clause_number",
                          f"clause number {number} printed twice (lines {seen[number]} and {piece.line})"))
        elif previous is not None and number > previous + 1:
            missing = ", ".join(str(n) for n in range(previous + 1, number) if n not in seen)
            found.append((piece.line, "skipped_clause_number",
                          f"clause number(s) {missing} never printed (jump from {previous} to {number})"))
        elif previous is not None and number < previous:
            found.append((piece.line, "clause_number_out_of_order",
                          f"clause number {number} follows {previous}"))
        seen.setdefault(number, piece.line)
        previous = number
    sections = [p for p in pieces if p.kind == "heading"]
    for before, after in zip(sections, sections[1:]):
        if after.section_no != (before.section_no or 0) + 1:
            found.append((after.line, "section_number_gap",
                          f"section {after.section_no} follows section {before.section_no}"))
    return found
