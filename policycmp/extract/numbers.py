"""Reading numbers as written: full-width forms, thousands separators, Chinese numerals."""

from __future__ import annotations

import functools
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from ..vocabulary.units import numeral_value
from .grammar import NumberGrammar

THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
DECIMAL = re.compile(r"\d+(?:\.\d+)?")
DIGITS_AND_DOTS = re.compile(r"\d[\d.,]*")


def fold(text: str) -> str:
    """Full-width → ASCII one character at a time, so offsets into the result index ``text`` too.

    Only width variants (１２％, ：, ～) and odd spaces are folded. Other compatibility characters
    keep their meaning as written: ㎡ would lengthen the text, ① is an enumeration mark, not a 1.
    """
    if text.isascii() or not _foldable().search(text):
        return text  # canonical text (NFKC, as the build reads it) has nothing left to fold
    # str.translate looks every character up in C; only characters never seen before reach Python.
    return text.translate(_FOLD_TABLE)


@functools.cache
def _foldable() -> re.Pattern[str]:
    """A class of every character :func:`fold` may change: those of the Basic Multilingual Plane it
    changes (found once, in about 30 ms), and any character beyond it."""
    changed = (chr(code) for code in range(0x80, 0x10000) if not 0xD800 <= code < 0xE000)
    return re.compile("[" + "".join(re.escape(ch) for ch in changed if _folded(ch) != ch) + "\U00010000-\U0010ffff]")


class _FoldTable(dict[int, str]):
    """Code point → its folded character, filled on first sight (a table str.translate reads)."""

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code))
        self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()
_FOLDED: dict[str, str] = {}


def _fold_char(ch: str) -> str:
    folded = _FOLDED.get(ch)
    if folded is None:
        folded = _FOLDED[ch] = _folded(ch)
    return folded


def _folded(ch: str) -> str:
    decomposition = unicodedata.decomposition(ch)
    width = decomposition.startswith(("<wide>", "<narrow>", "<noBreak>")) or ch == "\u3000"
    if not width:
        return ch
    normal = unicodedata.normalize("NFKC", ch)
    return normal if len(normal) == 1 else ch


def chinese_number(numeral: str, g: NumberGrammar) -> Decimal | None:
    """二十 → 20, 三十五万 → 350000, 亿 → 10^8 (a bare magnitude), 一倍's 一 → 1."""
    return numeral_value(numeral, g.cn_digits, g.cn_multipliers)


def parse_number(raw: str, g: NumberGrammar) -> Decimal | None:
    """Arabic (with thousands separators) or Chinese numerals; None if malformed (12.5.3)."""
    if raw.isdigit() and raw.isascii():
        return Decimal(raw)  # the common case, 150 in 150万元
    raw = raw.strip()
    if "," in raw and THOUSANDS.fullmatch(raw):
        raw = raw.replace(",", "")
    if DECIMAL.fullmatch(raw):
        try:
            return Decimal(raw)
        except InvalidOperation:  # pragma: no cover - the regex rules this out
            return None
    if DIGITS_AND_DOTS.fullmatch(raw):
        return None
    return chinese_number(raw, g)
