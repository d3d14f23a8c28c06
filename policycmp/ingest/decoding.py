"""Raw bytes to one canonical text, whatever the capture's encoding, line endings or widths.

Web captures arrive as UTF-8 (with or without BOM) or GB18030, with any line endings, sometimes with
full-width digits and punctuation; a text file saved as Word's "Unicode text" is UTF-16 with its BOM.
Everything downstream works on the canonical form, so the same document gives the same rows however it
was saved.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from ..errors import PolicyInputError

UTF8_BOM = b"\xef\xbb\xbf"
# UTF-16's byte-order marks, little- and big-endian. Neither can begin UTF-8 (0xFF and 0xFE never occur in it)
# nor GB18030 (0xFF is no lead byte, and 0xFF no trail byte after 0xFE), so a file starting with one is UTF-16.
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def decode_document(data: bytes, path: str | Path) -> str:
    """Decode a capture: UTF-16 when it starts with its BOM, else UTF-8 (BOM optional) first, then GB18030;
    anything else is an error."""
    if data.startswith(UTF16_BOMS):
        try:
            return data.decode("utf-16")  # the BOM says the byte order, and is dropped
        except UnicodeDecodeError as exc:
            raise PolicyInputError(
                path,
                f"starts with a UTF-16 byte-order mark but does not decode as UTF-16 ({exc.reason} at offset "
                f"{exc.start}): save it as UTF-8",
            ) from None
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        # GB18030 maps almost every byte sequence, so only accept it when the result reads as
        # Chinese text rather than mojibake of binary data.
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise PolicyInputError(
                path, f"bytes decode as neither UTF-8 nor GB18030 (first bad byte at offset {utf8_error.start})"
            ) from None
        if not _looks_like_text(text):
            raise PolicyInputError(
                path, f"bytes decode as neither UTF-8 nor GB18030 text (first bad byte at offset {utf8_error.start})"
            ) from None
        return text


def _looks_like_text(text: str) -> bool:
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t")
    private = sum(1 for ch in text if unicodedata.category(ch) in ("Co", "Cn"))
    return (controls + private) <= max(2, len(text) // 200)


def canonical_text(text: str) -> str:
    """Line endings to ``\\n`` and compatibility forms folded (NFKC: １２％ → 12%, ： → :, NBSP → space)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFKC", text)
