"""Sentences and statements of a clause's text, as offsets, so every row can point at its source.

The comparison stages read a clause one statement at a time: a measure, its amount and its tier
are written in the same sentence, and the sentence is what a reader checks a row against.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import NamedTuple, Protocol, TypeVar

from ..extract.windows import SENTENCE_END

COMMA = ","
TRIM = " \t\u3000,、:"


class Statement(NamedTuple):
    """A stretch of a clause's text and where it lies (a tuple: 700,000 are cut at 1,000 documents)."""

    start: int
    end: int
    text: str


class Positioned(Protocol):
    """Anything with offsets into a clause text: a quantity row, a mention, a statement."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


P = TypeVar("P", bound=Positioned)


def _trimmed(text: str, start: int, end: int) -> Statement | None:
    """``text[start:end]`` without the TRIM characters at either end (None when nothing is left)."""
    piece = text[start:end]
    kept = piece.strip(TRIM)
    if not kept:
        return None
    left = len(piece) - len(piece.lstrip(TRIM))
    return Statement(start + left, start + left + len(kept), kept)


def sentences(text: str, end: int | None = None) -> list[Statement]:
    """Sentences of ``text[:end]`` without their closing punctuation."""
    end = len(text) if end is None else end
    out: list[Statement] = []
    start = 0
    for match in SENTENCE_END.finditer(text, 0, end):
        piece = _trimmed(text, start, match.start())
        if piece:
            out.append(piece)
        start = match.end()
    piece = _trimmed(text, start, end)
    if piece:
        out.append(piece)
    return out


def statements(
    text: str, breaks: Iterable[str], end: int | None = None, found: Sequence[Statement] | None = None
) -> list[Statement]:
    """Sentences, cut again before a comma whose next words open a new measure (``breaks``).

    ``found``, when given, is ``sentences(text, end)`` already cut.
    """
    cut = _break_pattern(tuple(breaks))
    out: list[Statement] = []
    for sentence in sentences(text, end) if found is None else found:
        start = sentence.start
        if cut is not None:
            for m in cut.finditer(text, sentence.start, sentence.end):
                piece = _trimmed(text, start, m.start())
                if piece:
                    out.append(piece)
                start = m.end()
        if start == sentence.start:
            out.append(sentence)  # nothing cut: the sentence is already trimmed
            continue
        piece = _trimmed(text, start, sentence.end)
        if piece:
            out.append(piece)
    return out


@lru_cache(maxsize=16)
def _break_pattern(breaks: tuple[str, ...]) -> re.Pattern[str] | None:
    """A comma followed by one of ``breaks`` (the comma is what the match spans), or None for no breaks."""
    if not breaks:
        return None
    return re.compile(COMMA + "(?=" + "|".join(re.escape(b) for b in sorted(breaks, key=len, reverse=True)) + ")")


def sentence_at(text: str, position: int, found: Sequence[Statement] | None = None) -> Statement | None:
    """The sentence holding ``text[position]``; pass ``found = sentences(text)`` when asking repeatedly."""
    found = sentences(text) if found is None else found
    # Sentences are disjoint and in text order: the only candidate is the last one starting at or before it.
    index = bisect_right(found, position, key=lambda s: s.start) - 1
    if index >= 0 and position < found[index].end:
        return found[index]
    return None


def body_end(text: str, responsible_units: str | None) -> int:
    """Where a clause's own words end: before Qujiang's trailing (责任单位:…) list, if any.

    The department list names 区财政局, 区科技局…, which would otherwise read as funding or
    technology measures.
    """
    if not responsible_units:
        return len(text)
    at = text.rfind(str(responsible_units))
    opening = text.rfind("(", 0, at) if at != -1 else -1
    return opening if opening != -1 else len(text)


def within(group: Sequence[P], statement: Statement) -> list[P]:
    """The items of one clause (sorted by start, then end) that lie inside ``statement``, in that order.

    Bisection finds the first item starting in the statement; items are non-empty, so none starting
    at or after the statement's end can end inside it.
    """
    first = bisect_left(group, statement.start, key=lambda q: q.start)
    out: list[P] = []
    for index in range(first, len(group)):
        item = group[index]
        if item.start >= statement.end:
            break
        if item.end <= statement.end:
            out.append(item)
    return out
