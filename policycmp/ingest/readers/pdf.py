"""PDFs with a text layer: the text in reading order, without running heads, and with paragraphs whole.

A PDF keeps glyphs at positions, not paragraphs. Three things stand between its lines and the text a
policy was written as, and each is undone from the lines and character boxes PDFium (pypdfium2)
reports. PDFium was chosen over pdfplumber by measurement (``benchmarks/bench_readers.py``: the same
text from every test layout, at a fraction of the time); running heads are dropped the same way:

* running headers, footers and page numbers repeat on every page: lines at a page's top or bottom
  that recur on most pages (digits ignored), or that read as a page number (``- 3 -``, ``第3页``,
  ``3/12``, a bare number at the foot), are dropped;
* the layout breaks a paragraph into lines (and across pages): a line continues the one before when
  that one fills the text width, it is not indented (首行缩进 marks a paragraph's first line), no
  larger gap separates them, and it does not start a heading or a numbered clause (一、 (一) 1. 1、
  (1)), which always starts a paragraph;
* a scanned page has no text at all, and a font without a Unicode map yields ``(cid:N)`` glyph
  codes (PDFium's replacement character, or private-use code points): both are refused with what to do,
  rather than read as nothing or as garbage.

Full-width forms are left as they are; canonicalisation folds them afterwards.
"""

from __future__ import annotations

import itertools
import math
import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ...errors import PolicyInputError
from ...vocabulary import compile_pattern
from .text import join_paragraphs, run_on
from .vocabulary import vocabulary, vocabulary_path

HYPHEN_MARK = "\ufffe"  # where PDFium ran a line ending in a hyphen on into the next one
# what stands for a glyph that cannot be mapped to Unicode: the replacement character, a private-use code
UNMAPPED_GLYPH = re.compile("[\ufffd\ue000-\uf8ff]+")


@dataclass(frozen=True)
class PdfRules:
    edge_lines: int
    min_page_share: float
    page_number: tuple[re.Pattern[str], ...]
    bare_page_number: re.Pattern[str]
    paragraph_start: tuple[re.Pattern[str], ...]
    full_line_tolerance: float
    indent_min: float
    paragraph_gap_factor: float
    character_fold: dict[int, str]


def rules() -> PdfRules:
    spec = vocabulary("pdf")
    path = vocabulary_path()

    def patterns(key: str) -> tuple[re.Pattern[str], ...]:
        return tuple(compile_pattern(p, path, f"pdf.{key}") for p in spec[key])

    return PdfRules(
        edge_lines=int(spec["edge_lines"]),
        min_page_share=float(spec["min_page_share"]),
        page_number=patterns("page_number_patterns"),
        bare_page_number=compile_pattern(spec["bare_page_number"], path, "pdf.bare_page_number"),
        paragraph_start=patterns("paragraph_start_patterns"),
        full_line_tolerance=float(spec["full_line_tolerance_chars"]),
        indent_min=float(spec["indent_min_chars"]),
        paragraph_gap_factor=float(spec["paragraph_gap_factor"]),
        character_fold=str.maketrans({str(k): str(v) for k, v in spec["character_fold"].items()}),
    )


@dataclass(frozen=True)
class Line:
    """One printed line: its text and where its ink starts and ends (trailing blanks not counted)."""

    text: str
    x0: float
    x1: float
    top: float
    size: float  # font size of its characters: the width of one CJK character


def read(data: bytes, path: Path) -> str:
    """The text of a PDF, one paragraph per line."""
    pages = extract_lines(data, path)
    return join_paragraphs(rebuild_paragraphs([line for page in drop_running_lines(pages) for line in page]))


# --------------------------------------------------------------------------------------------------
# Extraction


def extract_lines(data: bytes, path: Path) -> list[list[Line]]:
    """Every page's lines, top to bottom; refuses encrypted, scanned and undecodable files."""
    try:
        pages, has_images = _pdfium_pages(data)
    except PolicyInputError:
        raise
    except Exception as exc:  # a damaged file fails in many ways: all mean unreadable
        raise _unreadable(exc, path) from None
    texts = [line.text for page in pages for line in page]
    if not any(text.strip() for text in texts):
        if has_images:
            raise PolicyInputError(path, "has no text layer (a scanned PDF): it needs OCR")
        raise PolicyInputError(path, "has no text on any page")
    unmapped = sum(len(code) for text in texts for code in UNMAPPED_GLYPH.findall(text))
    if unmapped > 0.1 * sum(len(text) for text in texts):
        raise PolicyInputError(
            path, "has a text layer without a Unicode map (glyph codes instead of characters): it needs OCR"
        )
    return pages


def _unreadable(exc: Exception, path: Path) -> PolicyInputError:
    """The one-line error for a PDF that cannot be opened: encrypted, or damaged."""
    cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc  # a wrapped cause
    name = type(cause).__name__
    if "Password" in name or "Encryption" in name or "password" in str(cause).lower():
        return PolicyInputError(path, "is encrypted: it needs a password to open; save an unprotected copy as PDF")
    detail = " ".join(str(cause).split())[:120]
    return PolicyInputError(path, f"is not a readable PDF ({name}{': ' + detail if detail else ''})")


def _pdfium_pages(data: bytes) -> tuple[list[list[Line]], bool]:
    """Every page's lines as PDFium (pypdfium2) lays out its text, and whether any page holds an image.

    PDFium gives each character with its box and font size and breaks the text into lines itself; a
    line's ink runs from its first to its last visible character, its top is the highest box (loose
    boxes: from the font's ascent, as a typesetter places lines, not the glyph's own outline).
    """
    pdf = pdfium.PdfDocument(data)
    try:
        pages: list[list[Line]] = []
        has_images = False
        for page in pdf:
            try:
                pages.append(_pdfium_lines(page))
                has_images = has_images or any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]))
            finally:
                page.close()
        return pages, has_images
    finally:
        pdf.close()


def _pdfium_lines(page) -> list[Line]:
    height = page.get_height()
    textpage = page.get_textpage()
    try:
        count = textpage.count_chars()
        raw = textpage.get_text_range(0, count) if count else ""
        text = raw.translate(rules().character_fold)
        lines: list[Line] = []
        start = 0
        # PDFium ends a line with \r\n, except after a hyphen that ends a printed line: that line runs
        # on into the next, marked with U+FFFE (then folded to the hyphen printed), so it ends there too.
        ends = (i if ch == "\n" else i + 1 for i, ch in enumerate(raw) if ch in ("\n", HYPHEN_MARK))
        for end in [*ends, len(text)]:
            ink = [i for i in range(start, end) if not text[i].isspace()]
            if ink:
                boxes = [textpage.get_charbox(i, loose=True) for i in (ink[0], ink[-1])]
                tops = [textpage.get_charbox(i, loose=True)[3] for i in ink[:: max(1, len(ink) // 8)]]
                sizes = [pdfium_c.FPDFText_GetFontSize(textpage.raw, i) for i in ink[:: max(1, len(ink) // 8)]]
                lines.append(
                    Line(
                        text=text[start:end].rstrip("\r"),
                        x0=boxes[0][0],
                        x1=boxes[1][2],
                        top=height - max(tops),
                        size=statistics.median(sizes),
                    )
                )
            start = end + 1 if end < len(text) and text[end] == "\n" else end
        return lines
    finally:
        textpage.close()


# --------------------------------------------------------------------------------------------------
# Running headers, footers, page numbers


def _edge_key(line: Line) -> str:
    """A line's identity as a running head: white space dropped, every number the same."""
    return re.sub(r"\d+", "#", "".join(line.text.split()))


def drop_running_lines(pages: Sequence[Sequence[Line]]) -> list[list[Line]]:
    """Pages without the lines at their top and bottom that repeat across pages or number them."""
    spec = rules()
    k = spec.edge_lines

    def edges(page: Sequence[Line]) -> set[int]:
        return set(range(min(k, len(page)))) | set(range(max(0, len(page) - k), len(page)))

    seen = Counter(key for page in pages for key in {_edge_key(page[i]) for i in edges(page)})
    needed = max(2, math.ceil(spec.min_page_share * len(pages)))
    running = {key for key, count in seen.items() if count >= needed}

    def chrome(page: Sequence[Line], i: int) -> bool:
        text = page[i].text.strip()
        return (
            _edge_key(page[i]) in running
            or any(rx.match(text) for rx in spec.page_number)
            or (i == len(page) - 1 and bool(spec.bare_page_number.match(text)))
        )

    return [[line for i, line in enumerate(page) if not (i in edges(page) and chrome(page, i))] for page in pages]


# --------------------------------------------------------------------------------------------------
# Paragraphs


def _text_box(lines: Sequence[Line]) -> tuple[float, float]:
    """Left and right edge of the text block: the leftmost start shared by two lines (a stray line
    further left does not move it), and the rightmost end (full lines end there)."""
    starts = Counter(round(line.x0) for line in lines)
    left = min((x for x, n in starts.items() if n >= 2), default=min(starts))
    return left, max(line.x1 for line in lines)


def rebuild_paragraphs(lines: Sequence[Line]) -> list[str]:
    """Lines (of all pages, in order) re-joined into the paragraphs the layout broke.

    A line continues the paragraph unless the line before ended short of the right edge, a larger
    gap comes between them, or it is indented. Where the layout indents first lines (首行缩进, as
    official documents do) the indent alone marks a paragraph: a mid-sentence enumeration such as
    ``获得一、二、三等奖`` can wrap so that a line starts ``二、三等奖``, and must not become a heading.
    Where it does not, a line starting like a heading or a numbered clause starts a paragraph.
    """
    if not lines:
        return []
    spec = rules()
    left, right = _text_box(lines)
    em = statistics.median(line.size for line in lines)
    pitches = [b.top - a.top for a, b in itertools.pairwise(lines) if b.top > a.top]
    pitch = statistics.median(pitches) if pitches else 0.0

    def indented(line: Line) -> bool:  # a first line, a centred title, a signature
        return line.x0 > left + spec.indent_min * em

    def ends_short(line: Line) -> bool:
        return line.x1 < right - spec.full_line_tolerance * em

    def gap(prev: Line, line: Line) -> bool:
        return bool(pitch) and line.top > prev.top and line.top - prev.top > spec.paragraph_gap_factor * pitch

    starts = [line for prev, line in itertools.pairwise(lines) if ends_short(prev)]
    indent_marks_paragraphs = bool(starts) and sum(map(indented, starts)) >= len(starts) / 2

    def continues(prev: Line, line: Line) -> bool:
        if ends_short(prev) or gap(prev, line) or indented(line):
            return False
        return indent_marks_paragraphs or not any(rx.match(line.text.strip()) for rx in spec.paragraph_start)

    paragraphs: list[str] = [lines[0].text.lstrip()]
    for prev, line in itertools.pairwise(lines):
        if continues(prev, line):
            paragraphs[-1] = run_on(paragraphs[-1], line.text)
        else:
            paragraphs.append(line.text.lstrip())
    return paragraphs
