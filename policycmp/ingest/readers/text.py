"""Plain-text captures, and the plain-text form every reader returns."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..decoding import decode_document

PARAGRAPH_BREAK = "\n\n"
LATIN_END = re.compile(r"[A-Za-z0-9]$")
LATIN_START = re.compile(r"^[A-Za-z0-9]")


def read(data: bytes, path: Path) -> str:
    """A ``.txt`` capture: UTF-8 (BOM optional), else GB18030, exactly as before the other formats came."""
    return decode_document(data, path)


def join_paragraphs(paragraphs: Iterable[str]) -> str:
    """Paragraphs as plain text: each line its own paragraph, a blank line between them, blank ones dropped.

    The blank line is the paragraph separator of the plain-text captures (and of a browser's copy of a
    page), so a clause row spanning two paragraphs reads the same from every format. Indentation
    (spaces, NBSP, the ideographic space of 首行缩进) is layout and is stripped.
    """
    lines = (line.strip() for paragraph in paragraphs for line in paragraph.split("\n"))
    return PARAGRAPH_BREAK.join(line for line in lines if line)


def run_on(before: str, after: str) -> str:
    """Two pieces of one paragraph that a layout set apart (a wrapped line, a cell's paragraphs).

    Chinese runs on without a space. Two Latin words or numbers get one back, since a layout breaks
    lines between them, never inside one; a space kept at the end of ``before`` stays, as one.
    """
    after = after.lstrip()
    if not before or not after:
        return before + after
    if before != before.rstrip():
        return f"{before.rstrip()} {after}"
    if LATIN_END.search(before) and LATIN_START.search(after):
        return f"{before} {after}"
    return before + after


def table_row(cells: Sequence[str]) -> str:
    """A data table's row as the captures write it, every cell followed by a pipe: ``1 | 甲 |  | 乙 |``.

    Empty cells are kept so columns stay where they are (``outcomes.parse_report`` counts them); a
    row with no text at all is empty.
    """
    cells = [" ".join(cell.split()) for cell in cells]
    return " ".join(f"{cell} |" for cell in cells) if any(cells) else ""
