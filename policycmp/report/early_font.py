"""The pages' font cut while the last pages render, so that cutting it is not a step of its own at the end.

The font holds the characters of every page (:mod:`.font`), so it can only be cut once every page is
there, and cutting it (a second or more of fontTools) used to be the last thing a run did while both
kernels sat idle. A page's characters rarely are on that page alone, and the pages that have many of
their own (the follow-through and target pages) are among the longest and are rendered first, so the
characters of the pages done by the time the last tasks are handed out are almost always all of them.
:class:`EarlyCut` cuts the font from those in a thread, while the last pages render; at the end its
bytes are used only when the characters of all the pages are exactly the ones it was cut for (the
same characters give the same bytes), else the font is cut again as before.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path

from . import font


class EarlyCut:
    def __init__(self, source: Path):
        self.source = source
        self.seen: set[str] = set()
        self.thread: threading.Thread | None = None
        self.cut: tuple[frozenset[str], bytes] | None = None

    def add(self, page: str) -> None:
        """A page done: its characters count towards the early cut."""
        if self.thread is None:
            self.seen |= font.characters([page])

    def start(self) -> None:
        """Cut the font from the characters seen so far, in a thread (once)."""
        if self.thread is None:
            self.thread = threading.Thread(target=self._cut, args=(frozenset(self.seen),), daemon=True)
            self.thread.start()

    def _cut(self, characters: frozenset[str]) -> None:
        try:
            self.cut = (characters, font.subset(dict.fromkeys(characters, ""), self.source))
        except Exception:  # a character the font lacks, a damaged file: the cut at the end says which, on one line
            self.cut = None

    def take(self, used: Mapping[str, str]) -> bytes | None:
        """The early cut's bytes when it was cut for exactly the characters ``used``, else None."""
        if self.thread is None:
            return None
        self.thread.join()
        if self.cut is None or self.cut[0] != frozenset(used):
            return None
        return self.cut[1]
