"""The stretches of text around an amount that its cue words are read from: sentence and fragment."""

from __future__ import annotations

import re

SENTENCE_END = re.compile(r"[。;!?\n]")
FRAGMENT_END = re.compile(r"[。;!?\n,:]")


def sentence_bounds(norm: str, start: int, end: int) -> tuple[int, int]:
    """The sentence (between 。;!? or line breaks) holding ``norm[start:end]``."""
    return _bounds(norm, start, end, SENTENCE_END)


def fragment_bounds(norm: str, start: int, end: int) -> tuple[int, int]:
    """The fragment (between commas, colons or sentence ends) holding ``norm[start:end]``."""
    return _bounds(norm, start, end, FRAGMENT_END)


def _bounds(norm: str, start: int, end: int, rx: re.Pattern[str]) -> tuple[int, int]:
    left = 0
    for m in rx.finditer(norm, 0, start):
        left = m.end()
    right = rx.search(norm, end)
    return left, (right.start() if right else len(norm))
