"""The stretches of text around an amount that its cue words are read from: sentence and fragment."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

# Both are single characters, so where they occur does not depend on where a scan starts or stops:
# the marks of a whole text, found once, answer every amount of it. After NFKC (see
# ingest.decoding.canonical_text) ;!? are ASCII; 。 has no compatibility form. The comparison stage
# cuts statements at the same sentence ends.
SENTENCE_MARKS = "。;!?\n"
FRAGMENT_MARKS = SENTENCE_MARKS + ",:"
SENTENCE_END = re.compile(f"[{re.escape(SENTENCE_MARKS)}]")
FRAGMENT_END = re.compile(f"[{re.escape(FRAGMENT_MARKS)}]")


class Windows:
    """Where the sentences and fragments of one text end, found once for all of its amounts."""

    __slots__ = ("_fragment_ends", "_length", "_sentence_ends")

    def __init__(self, text: str) -> None:
        self._length = len(text)
        self._fragment_ends = [m.start() for m in FRAGMENT_END.finditer(text)]
        self._sentence_ends = [i for i in self._fragment_ends if text[i] in SENTENCE_MARKS]  # one scan for both

    def sentence(self, start: int, end: int) -> tuple[int, int]:
        """The sentence (between 。;!? or line breaks) holding ``text[start:end]``."""
        return _between(self._sentence_ends, start, end, self._length)

    def fragment(self, start: int, end: int) -> tuple[int, int]:
        """The fragment (between commas, colons or sentence ends) holding ``text[start:end]``."""
        return _between(self._fragment_ends, start, end, self._length)


def _between(marks: list[int], start: int, end: int, length: int) -> tuple[int, int]:
    # After the last mark that ends at or before ``start``; up to the first mark at or after ``end``.
    before = bisect_right(marks, start - 1) - 1
    after = bisect_left(marks, end)
    return (marks[before] + 1 if before >= 0 else 0), (marks[after] if after < len(marks) else length)
