"""The stretches of text around an amount that its cue words are read from: sentence and fragment."""

from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right

# Both are single characters, so where they occur does not depend on where a scan starts or stops:
# the marks of a whole text, found once, answer every amount of it.
SENTENCE_END = re.compile(r"[。;!?\n]")
FRAGMENT_END = re.compile(r"[。;!?\n,:]")


def sentence_bounds(norm: str, start: int, end: int) -> tuple[int, int]:
    """The sentence (between 。;!? or line breaks) holding ``norm[start:end]``."""
    return _bounds(norm, start, end, SENTENCE_END)


def fragment_bounds(norm: str, start: int, end: int) -> tuple[int, int]:
    """The fragment (between commas, colons or sentence ends) holding ``norm[start:end]``."""
    return _bounds(norm, start, end, FRAGMENT_END)


def _bounds(norm: str, start: int, end: int, rx: re.Pattern[str]) -> tuple[int, int]:
    # After the last mark that ends at or before ``start``; up to the first mark at or after ``end``.
    marks = _marks(norm, rx)
    before = bisect_right(marks, start - 1) - 1
    after = bisect_left(marks, end)
    return (marks[before] + 1 if before >= 0 else 0), (marks[after] if after < len(marks) else len(norm))


@functools.lru_cache(maxsize=4096)
def _marks(norm: str, rx: re.Pattern[str]) -> list[int]:
    """Where ``rx`` (one character) matches in ``norm``; cached because every amount of a text asks
    again, in several steps, and a batch reads a run's texts through one step before the next."""
    return [m.start() for m in rx.finditer(norm)]
