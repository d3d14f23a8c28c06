"""Scanning a text with the grammar's patterns: the matches Python's ``re`` finds, found faster.

Three things make a scan fast, and none changes a match:

- A pattern scanned on its own gets a lookahead naming the characters a match can start with
  (``(?=[\\d\\-−])`` before the number grammar), read from the pattern's parse. CPython's ``re``
  then jumps from one such character to the next; before a pattern opening with a repeat, a
  lookbehind or an alternation it otherwise starts a full attempt at every character. That is
  5.5× on the Chinese-number grammar and 3.4× on the arabic one.
- A :class:`Scanner` runs a list of patterns (the 31 not-a-quantity ones) with ``regex``
  (mrab-regex, in its ``re``-compatible VERSION0), which finds a required word (年, 国道) by a fast
  string search instead of trying every digit: two to five times faster on most of them.
- The scanner also knows, for each pattern, characters every match must contain (``\\d{4}\\s*年``
  needs 年), read from the same parse, and skips a pattern on a text that lacks them: a clause
  needs about 8 of the 31.

The patterns are still written, validated and documented as Python ``re`` syntax (the vocabulary
files are compiled by ``re`` first, so an error names the file and entry as before);
``tests/test_fast_paths.py`` checks that every scan finds what ``re`` finds, pattern by pattern.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from re import _constants as sre  # type: ignore[attr-defined]  # the parser's opcodes; no public API
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

import regex

# Character classes bigger than this are no use as a filter (and \d, \w never are: they are categories).
LARGEST_CLASS = 64
# Distinct combinations of filter characters whose active patterns are remembered.
REMEMBERED = 4096


def skipping(rx: re.Pattern[str]) -> re.Pattern[str]:
    """``rx`` with a lookahead for the characters its matches start with, when it does not already
    open with one (a literal or a class) and they are known; ``rx`` itself otherwise."""
    parsed = _parse(rx.pattern)
    if parsed is None or rx.flags & re.IGNORECASE or _skips_already(list(parsed)) or _global_flags(rx.pattern):
        return rx
    first = _first(list(parsed))
    if first is None or first[1] or not first[0]:
        return rx  # a match may be empty, or start with any character
    return re.compile(f"(?=[{''.join(sorted(first[0]))}])(?:{rx.pattern})", rx.flags)


def _skips_already(items: list[tuple[Any, Any]]) -> bool:
    """Whether ``re`` skips through a text for this pattern by itself: it does when the pattern
    opens (inside groups) with a literal, a class, or a choice of branches each opening with a literal."""
    while items and items[0][0] is sre.SUBPATTERN:
        items = list(items[0][1][3])
    if not items:
        return False
    op, av = items[0]
    if op is sre.BRANCH:
        return all(branch and list(branch)[0][0] is sre.LITERAL for branch in av[1])
    return op in (sre.LITERAL, sre.IN)


def _parse(pattern: str) -> Any:
    try:
        parsed = sre_parse.parse(pattern)
    except re.error:
        return None
    return None if parsed.state.flags & re.IGNORECASE else parsed


def _global_flags(pattern: str) -> bool:
    """``(?x)`` and its kin must open a pattern: nothing may be put before them."""
    return bool(re.match(r"\(\?[aiLmsux]+\)", pattern))


CATEGORIES = {
    "CATEGORY_DIGIT": r"\d",
    "CATEGORY_NOT_DIGIT": r"\D",
    "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S",
    "CATEGORY_WORD": r"\w",
    "CATEGORY_NOT_WORD": r"\W",
}


def _first(items: list[tuple[Any, Any]]) -> tuple[set[str], bool] | None:
    """The class items (as pattern text) a match of ``items`` can start with, and whether it can be
    empty; None when that is not known."""
    found: set[str] = set()
    for op, av in items:
        item = _first_of(op, av)
        if item is None:
            return None
        found |= item[0]
        if not item[1]:
            return found, False
    return found, True


def _first_of(op: Any, av: Any) -> tuple[set[str], bool] | None:
    if op is sre.LITERAL:
        return {re.escape(chr(av))}, False
    if op is sre.IN:
        atoms: set[str] = set()
        for kind, value in av:
            if kind is sre.LITERAL:
                atoms.add(re.escape(chr(value)))
            elif kind is sre.RANGE:
                atoms.add(f"{re.escape(chr(value[0]))}-{re.escape(chr(value[1]))}")
            elif kind is sre.CATEGORY and str(value) in CATEGORIES:
                atoms.add(CATEGORIES[str(value)])
            else:  # a negated class cannot join others in one class
                return None
        return atoms, False
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, _, body = av
        inner = _first(list(body))
        return None if inner is None else (inner[0], inner[1] or low == 0)
    if op is sre.SUBPATTERN:
        _, add_flags, _, body = av
        return None if add_flags & re.IGNORECASE else _first(list(body))
    if op is sre.ATOMIC_GROUP:
        return _first(list(av))
    if op is sre.BRANCH:
        atoms, empty = set(), False
        for branch in av[1]:
            inner = _first(list(branch))
            if inner is None:
                return None
            atoms |= inner[0]
            empty = empty or inner[1]
        return atoms, empty
    if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
        return set(), True  # consumes nothing: the match starts with what follows
    return None


def compiled(rx: re.Pattern[str]) -> regex.Pattern[str]:
    """``rx`` compiled by ``regex`` (VERSION0, which follows ``re``'s syntax and matching rules)."""
    return regex.compile(rx.pattern, rx.flags | regex.VERSION0)


def needed_characters(pattern: str) -> tuple[frozenset[str], ...]:
    """Sets of characters such that every match of ``pattern`` holds one character of each set.

    Empty when nothing is certain: a pattern that may match the empty string, ignores case, or is
    made of categories (``\\d+``) and wide classes only. ``\\d{4}\\s*年`` needs 年;
    ``(?:电话|热线)[:\\s]*\\d{5,}`` needs one of 电热.
    """
    parsed = _parse(pattern)
    return () if parsed is None else _sequence(list(parsed))


def _sequence(items: list[tuple[Any, Any]]) -> tuple[frozenset[str], ...]:
    found: list[frozenset[str]] = []
    for op, av in items:
        found.extend(_item(op, av))
    return tuple(dict.fromkeys(found))


def _item(op: Any, av: Any) -> tuple[frozenset[str], ...]:
    if op is sre.LITERAL:
        return (frozenset(chr(av)),)
    if op is sre.IN:
        chars: set[str] = set()
        for kind, value in av:
            if kind is sre.LITERAL:
                chars.add(chr(value))
            elif kind is sre.RANGE and value[1] - value[0] < LARGEST_CLASS:
                chars.update(map(chr, range(value[0], value[1] + 1)))
            else:  # a negated class, a category (\d) or a wide range: anything may stand there
                return ()
        return (frozenset(chars),)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, _, body = av
        return _sequence(list(body)) if low >= 1 else ()
    if op is sre.SUBPATTERN:
        _, add_flags, _, body = av
        return () if add_flags & re.IGNORECASE else _sequence(list(body))
    if op is sre.ATOMIC_GROUP:
        return _sequence(list(av))
    if op is sre.BRANCH:
        # One of the branches matches: what is certain is one character of the union of what each
        # branch needs (taking, per branch, its first need; a branch needing nothing sinks the lot).
        union: set[str] = set()
        for branch in av[1]:
            needs = _sequence(list(branch))
            if not needs:
                return ()
            union |= needs[0]
        return (frozenset(union),)
    return ()  # anchors, lookarounds, back-references: they consume nothing certain


class Scanner:
    """A list of patterns, each scanned over a text only when the text holds what its matches need."""

    __slots__ = ("_active", "_needs", "_patterns", "_sieve")

    def __init__(self, patterns: Sequence[re.Pattern[str]]) -> None:
        self._patterns = tuple(compiled(rx) for rx in patterns)
        self._needs = tuple(needed_characters(rx.pattern) for rx in patterns)
        sieve = sorted(set().union(*(chars for needs in self._needs for chars in needs)))
        self._sieve = re.compile("[" + "".join(map(re.escape, sieve)) + "]") if sieve else None
        self._active: dict[frozenset[str], tuple[regex.Pattern[str], ...]] = {}

    @property
    def patterns(self) -> tuple[regex.Pattern[str], ...]:
        return self._patterns

    def active(self, text: str) -> tuple[regex.Pattern[str], ...]:
        """The patterns that can match somewhere in ``text``, in their order."""
        present = frozenset(self._sieve.findall(text)) if self._sieve else frozenset()
        active = self._active.get(present)
        if active is None:
            active = tuple(
                rx
                for rx, needs in zip(self._patterns, self._needs, strict=True)
                if all(not chars.isdisjoint(present) for chars in needs)
            )
            if len(self._active) >= REMEMBERED:
                self._active.clear()
            self._active[present] = active
        return active

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Every non-empty match of every pattern, pattern by pattern, each found as ``finditer`` does."""
        return [(m.start(), m.end()) for rx in self.active(text) for m in rx.finditer(text) if m.end() > m.start()]
