"""Sentences and statements of a clause's text, as offsets, so every row can point at its source.

The comparison stages read a clause one statement at a time: a measure, its amount and its tier
are written in the same sentence, and the sentence is what a reader checks a row against.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

# After NFKC (see ingest.decoding.canonical_text) ;!? are ASCII; 。 has no compatibility form.
SENTENCE_END = re.compile(r"[。;!?\n]")
COMMA = ","
TRIM = " \t\u3000,、:"


@dataclass(frozen=True)
class Statement:
    start: int
    end: int
    text: str


def _trimmed(text: str, start: int, end: int) -> Statement | None:
    while start < end and text[start] in TRIM:
        start += 1
    while end > start and text[end - 1] in TRIM:
        end -= 1
    return Statement(start, end, text[start:end]) if end > start else None


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


def statements(text: str, breaks: Iterable[str], end: int | None = None) -> list[Statement]:
    """Sentences, cut again before a comma whose next words open a new measure (``breaks``)."""
    breaks = tuple(breaks)
    out: list[Statement] = []
    for sentence in sentences(text, end):
        start = sentence.start
        position = text.find(COMMA, sentence.start, sentence.end)
        while position != -1:
            if breaks and text.startswith(breaks, position + 1):
                piece = _trimmed(text, start, position)
                if piece:
                    out.append(piece)
                start = position + 1
            position = text.find(COMMA, position + 1, sentence.end)
        piece = _trimmed(text, start, sentence.end)
        if piece:
            out.append(piece)
    return out


def sentence_at(text: str, position: int) -> Statement | None:
    """The sentence holding ``text[position]``."""
    for sentence in sentences(text):
        if sentence.start <= position < sentence.end:
            return sentence
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


def quantities_by_clause(quantities: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The quantity rows of each clause, in text order."""
    if quantities.empty:
        return {}
    ordered = quantities.sort_values(["clause_id", "start", "end"], kind="stable")
    return {str(key): group for key, group in ordered.groupby("clause_id", sort=False)}


def within(group: pd.DataFrame | None, statement: Statement) -> pd.DataFrame:
    """The quantities of one clause that lie inside ``statement``."""
    if group is None or group.empty:
        return pd.DataFrame(columns=[] if group is None else group.columns)
    mask = (group["start"] >= statement.start) & (group["end"] <= statement.end)
    return group[mask]
