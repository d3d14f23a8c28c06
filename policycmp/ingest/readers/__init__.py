"""One entry point from a raw file's bytes to plain text, whatever format the document was published in.

``read_raw`` picks the reader by the file's suffix. Every reader returns plain text with one paragraph
per line and a blank line between paragraphs (the convention of the plain-text captures, so a row that
spans two paragraphs has the same text whichever format it came from); canonicalisation (NFKC, line
endings) happens afterwards in :func:`policycmp.decoding.canonical_text`, never in a reader.

``read_document`` is what the build calls: the registered file read, decoded and canonicalised.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from ...errors import PolicyInputError
from ..decoding import canonical_text
from ..integrity import raw_bytes
from . import docx, html, pdf, text
from .vocabulary import vocabulary, vocabulary_path

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
    _check_chinese(found, path)
    return found


HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


def _check_chinese(text: str, path: Path) -> None:
    """Refuse a file that is not Chinese text (readers.yaml, ``chinese_text``) on one line saying so."""
    setting = vocabulary("chinese_text")
    minimum = setting.get("minimum_share") if isinstance(setting, dict) else None
    if isinstance(minimum, bool) or not isinstance(minimum, (int, float)) or not 0 < minimum <= 1:
        raise PolicyInputError(vocabulary_path(), "chinese_text.minimum_share must be a number above 0, at most 1")
    han = len(HAN.findall(text))
    letters = sum(1 for c in text if c.isalpha())
    if han == 0:
        raise PolicyInputError(path, "no Chinese text: policycmp reads the Chinese documents districts publish")
    if han < minimum * letters:
        raise PolicyInputError(
            path,
            f"almost no Chinese text ({han:,} of {letters:,} letters are Chinese characters): policycmp reads the "
            "Chinese documents districts publish",
        )


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
