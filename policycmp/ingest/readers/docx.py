"""Word ``.docx`` files: paragraphs and tables in document order.

python-docx lists a document's paragraphs and its tables separately, which would move every table
(the metadata table at the top, a budget table in a clause) away from where it stands. So the body's
XML children, as python-docx parses them, are walked in order, and each paragraph's runs give its text
(python-docx's run model turns ``w:t``, tabs and breaks into text). Page headers and footers live in
other parts of the package and are not read; neither are comments or tracked deletions.

Word's automatic numbering (a heading's ``一、`` produced by a list style rather than typed) is not
in the text and is not rendered here; the segmenter then reports the missing headings or numbers.
"""

from __future__ import annotations

import functools
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import lxml.etree
from docx import Document
from docx.oxml.ns import qn

from ...errors import PolicyInputError
from .text import join_paragraphs, run_on, table_row

# The runs of a paragraph as displayed: not those of a text box, nor the fallback of alternate content.
RUNS_XPATH = ".//w:r[not(ancestor::w:txbxContent) and not(ancestor::mc:Fallback)]"
NAMESPACES = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
}


def read(data: bytes, path: Path) -> str:
    """The text of a Word file, one paragraph (or table row) per line."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise PolicyInputError(
            path,
            "is not a Word .docx file (not a zip package); if it is an old .doc renamed, save it as DOCX or PDF",
        )
    try:
        document = Document(io.BytesIO(data))
        return join_paragraphs(blocks(document.element.body))
    except Exception as exc:  # a damaged package fails in many ways (KeyError, XMLSyntaxError…)
        detail = " ".join(str(exc).split())[:120]
        raise PolicyInputError(path, f"is not a readable Word .docx file ({type(exc).__name__}: {detail})") from None


@functools.lru_cache(maxsize=1)
def _runs():
    return lxml.etree.XPath(RUNS_XPATH, namespaces=NAMESPACES)


def paragraph_text(p) -> str:
    """The text a reader sees in a ``w:p``: its runs, including those python-docx's ``Paragraph.text``
    skips (tracked insertions of a draft, smart tags, inline content controls, simple fields).

    Deleted text is ``w:delText``, which a run's text does not include; text boxes are left out, and
    so is the fallback copy of alternate content, which would repeat what the choice shows.
    """
    return "".join(r.text for r in _runs()(p))


def blocks(container) -> Iterator[str]:
    """Paragraph texts and table rows of a body (or a table cell, or a content control), in order."""
    for child in container.iterchildren():
        if child.tag == qn("w:p"):
            yield paragraph_text(child)
        elif child.tag == qn("w:tbl"):
            yield from table_rows(child)
        elif child.tag == qn("w:sdt"):  # a content control wraps ordinary paragraphs and tables
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from blocks(content)


def table_rows(tbl) -> Iterator[str]:
    """Each row of a ``w:tbl`` as one line (``a | b |``); a row with text in one cell only (a box, a
    title spanning the table) as the paragraphs in it.

    The row's ``w:tc`` children are the cells as written: a horizontally merged cell counts once
    (python-docx's ``Table`` reads the grid, repeating it in every column it spans).
    """
    for tr in tbl.iterchildren(qn("w:tr")):
        cells = [[line for line in blocks(tc) if line.strip()] for tc in tr.iterchildren(qn("w:tc"))]
        if sum(1 for paragraphs in cells if paragraphs) <= 1:
            yield from (line for paragraphs in cells for line in paragraphs)
        else:
            yield table_row([functools.reduce(run_on, paragraphs, "") for paragraphs in cells])
