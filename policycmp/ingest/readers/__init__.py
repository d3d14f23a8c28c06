"""One entry point from a raw file's bytes to plain text, whatever format the document was published in.

``read_raw`` picks the reader by the file's suffix. Every reader returns plain text with one paragraph
per line and a blank line between paragraphs (the convention of the plain-text captures, so a row that
spans two paragraphs has the same text whichever format it came from); canonicalisation (NFKC, line
endings) happens afterwards in :func:`policycmp.decoding.canonical_text`, never in a reader.

``read_document`` is what the build calls: the registered file read, decoded and canonicalised.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ...errors import PolicyInputError
from ..decoding import canonical_text
from ..integrity import raw_bytes
from . import docx, html, pdf, text
from .vocabulary import vocabulary

READERS: dict[str, Callable[[bytes, Path], str]] = {
    "text": text.read,
    "html": html.read,
    "pdf": pdf.read,
    "docx": docx.read,
}


def read_raw(data: bytes, path: Path) -> str:
    """The plain text of a raw file, read by the reader for its suffix; bad input is a one-line error."""
    path = Path(path)
    suffix = path.suffix.lower()
    refused: dict[str, str] = vocabulary("refused")
    if suffix in refused:
        raise PolicyInputError(path, f"{refused[suffix]}: save it as DOCX or PDF")
    formats: dict[str, str] = vocabulary("formats")
    if suffix not in formats:
        known = ", ".join(sorted(formats))
        raise PolicyInputError(path, f"unknown file type {suffix or '(no suffix)'!r}: policycmp reads {known}")
    if not data.strip():
        raise PolicyInputError(path, "file is empty")
    reader = formats[suffix]
    if reader not in READERS:
        raise PolicyInputError(vocabulary("formats") and path, f"readers.yaml names no reader {reader!r}")
    found = READERS[reader](data, path)
    if not found.strip():
        raise PolicyInputError(path, "file is empty" if reader == "text" else f"no text found in this {suffix} file")
    return found


def read_document(path: str | Path) -> str:
    """Read one registered file as its suffix says (text, web page, PDF, Word) and canonicalise it;
    a missing, empty, undecodable or unreadable file is a one-line error naming it."""
    path = Path(path)
    return document_text(raw_bytes(path), path)


def document_text(data: bytes, path: Path) -> str:
    """:func:`read_document` of bytes already read (the build hashes them first)."""
    result = canonical_text(read_raw(data, path))
    if not result.strip():
        raise PolicyInputError(path, "file is empty")
    return result
