"""A policy edition's clause rows as the pairing compares them: bodies, figures masked, character bigrams.

The body of a row is its text without the printed clause number (1、 1. (一) (1), renumbered from
edition to edition) and without whitespace (a PDF puts spaces inside figures). Pairing compares
bodies with their figures masked, so a changed amount costs a clause nothing; "unchanged" is
equal bodies. The bigrams of the rows to compare are made in one pass of array arithmetic, not one
Python set per row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

from ...schema import ClauseRow
from ...vocabulary import EditionRules, Layout

# Code points are below 2**21, so (row, first, second character) fit in one int64 key.
CHAR_BITS = 21
FIGURE_MASK = "#"
# Joins the rows of a document so that each substitution runs once per document, not once per row: a
# canonical text holds no NUL (and neither pattern matches one).
JOIN = "\0"


def _number(layout: Layout) -> re.Pattern[str]:
    return _any_of(tuple(style.pattern for style in layout.clause_styles.values()))


@cache
def _any_of(styles: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for every clause-number style (document_structure.yaml), their groups unnamed."""
    bare = (re.sub(r"\(\?P<\w+>", "(?:", style).removeprefix("^") for style in styles)
    return re.compile(r"\s*(?:" + "|".join(f"(?:{s})" for s in bare) + ")")


def number_end(row: ClauseRow, layout: Layout) -> int:
    """Where the printed clause number ends in the row's text (0 for preambles and closings)."""
    if row.row_kind != "clause":
        return 0
    match = _number(layout).match(row.text)
    return match.end() if match else 0


def bodies(rows: Sequence[ClauseRow], layout: Layout) -> list[str]:
    """Each row's text without its printed number and whitespace."""
    joined = JOIN.join(row.text[number_end(row, layout) :] for row in rows)
    return "".join(joined.split()).split(JOIN) if rows else []  # str.split drops every kind of whitespace


def body(row: ClauseRow, layout: Layout) -> str:
    """The row's text without its printed number and whitespace."""
    return bodies([row], layout)[0]


@dataclass(frozen=True)
class EditionText:
    """Every clause row of one edition as the pairing reads it."""

    rows: Sequence[ClauseRow]  # in document order
    bodies: list[str]
    masked: list[str]  # bodies with every figure replaced by FIGURE_MASK

    @classmethod
    def of(cls, rows: Sequence[ClauseRow], rules: EditionRules, layout: Layout) -> EditionText:
        texts = bodies(rows, layout)
        masked = rules.figure.sub(FIGURE_MASK, JOIN.join(texts)).split(JOIN) if rows else []
        return cls(rows, texts, masked)

    def bigram_sets(self, rows: list[int]) -> BigramSets:
        """The masked bodies' bigrams of ``rows`` (only the rows no equal text paired are compared)."""
        key_rows, key_bigrams = bigrams([self.masked[i] for i in rows])
        return BigramSets(key_rows, key_bigrams, np.bincount(key_rows, minlength=len(rows)))


@dataclass(frozen=True)
class BigramSets:
    """The distinct bigrams of some texts: (text, bigram) pairs sorted by text, and each text's count."""

    rows: np.ndarray
    bigrams: np.ndarray
    sizes: np.ndarray


def bigrams(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The distinct character bigrams of each text: (row index, bigram code) pairs sorted by row.

    The texts are joined with NUL (which a canonical text never holds) and read as code points once;
    a bigram touching a NUL crosses two texts and is dropped.
    """
    if not texts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    codes = np.frombuffer("\0".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    row = np.cumsum(codes == 0)
    first, second = codes[:-1], codes[1:]
    inside = (first != 0) & (second != 0)
    keys = (row[:-1][inside] << (2 * CHAR_BITS)) | (first[inside] << CHAR_BITS) | second[inside]
    keys = _distinct(keys)
    return keys >> (2 * CHAR_BITS), keys & ((1 << (2 * CHAR_BITS)) - 1)


def _distinct(keys: np.ndarray) -> np.ndarray:
    """The distinct values, sorted: by sorting, which on a few thousand keys is several times faster than
    the hash table ``np.unique`` uses for integers."""
    keys = np.sort(keys)
    keep = np.ones(len(keys), dtype=bool)
    keep[1:] = keys[1:] != keys[:-1]
    return keys[keep]
