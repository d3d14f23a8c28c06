"""Scanning texts with the grammar's patterns: the matches Python's ``re`` finds, found faster.

None of these changes a match (``tests/test_fast_paths.py`` sets each beside plain ``re``):

- :func:`skipping`: a pattern gets a lookahead naming the characters a match can start with
  (``(?=[\\d\\-−])`` before the number grammar), read from the pattern's parse. CPython's ``re``
  then jumps from one such character to the next; before a pattern opening with a repeat, a
  lookbehind or an alternation it otherwise starts a full attempt at every character (5.5× on the
  Chinese-number grammar, 3.4× on the arabic one, each timed on its own).
- :class:`Scanner` runs a list of patterns (the 31 not-a-quantity ones) with ``regex``
  (mrab-regex, in its ``re``-compatible VERSION0), which finds a required word (年, 国道) by string
  search instead of trying every digit.
- It knows, for each pattern, characters every match must contain (``\\d{4}\\s*年`` needs 年) and,
  for a pattern whose matches open with a digit, which characters can end the number it opens
  with (年 again): a pattern is run on a text only when the text holds the first and has one of
  the second right after a number (加强 does not wake ``\\d+\\s*(?:强|后)``). A clause needs about
  3 of the 31.
- :meth:`Scanner.spans_of` runs each pattern over every text of a batch before the next
  pattern, so the pattern in use stays in the processor's caches.

The patterns are still written, validated and documented as Python ``re`` syntax: the vocabulary
files are compiled by ``re`` first, so an error names the file and entry as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from re import _constants as sre  # type: ignore[attr-defined]  # the parser's opcodes; no public API
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

import regex

# Character classes bigger than this are no use as a filter (and \d, \w never are: they are categories).
LARGEST_CLASS = 64
# Categories of the parser, written as pattern text.
CATEGORIES = {
    "CATEGORY_DIGIT": r"\d",
    "CATEGORY_NOT_DIGIT": r"\D",
    "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S",
    "CATEGORY_WORD": r"\w",
    "CATEGORY_NOT_WORD": r"\W",
}

# A number as the text writes it: digits, spaces and points. NUMBER_END finds the character that ends
# each one that opens with a digit; number_ends() reads which of those a pattern's match can hold.
IN_NUMBER = re.compile(r"[\d\s.]")
NUMBER_END = re.compile(r"\d[\d\s.]*([^\d\s.])")

Opening = tuple[set[str], bool]  # characters a match can open with, and whether it may consume none


def skipping(rx: re.Pattern[str]) -> re.Pattern[str]:
    """``rx`` with a lookahead for the characters its matches start with, when it does not already
    open with one (a literal or a class) and they are known; ``rx`` itself otherwise."""
    parsed = _parse(rx.pattern)
    if parsed is None or rx.flags & (re.IGNORECASE | re.VERBOSE) or _skips_already(list(parsed)):
        return rx  # (a verbose pattern's comment could swallow the closing parenthesis)
    if _global_flags(rx.pattern):
        return rx
    first = _first(list(parsed))
    if first is None or first[1] or not first[0]:
        return rx  # a match may be empty, or start with any character
    return re.compile(f"(?=[{''.join(sorted(first[0]))}])(?:{rx.pattern})", rx.flags)


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


def number_ends(pattern: str) -> frozenset[str] | None:
    """For a pattern whose every match opens with a digit: the characters that can end the digits,
    spaces and points it opens with (``\\d+(?:\\.\\d+)?\\s*(?:个)?年`` → 个年), one of which must then
    follow a number in any text it matches. None when the pattern opens otherwise, when a match may
    be digits, spaces and points only, or when the characters are not known."""
    parsed = _parse(pattern)
    if parsed is None:
        return None
    first = _first(list(parsed))
    if first is None or first != ({CATEGORIES["CATEGORY_DIGIT"]}, False):
        return None
    ends = _ends(list(parsed))
    return None if ends is None or ends[1] else frozenset(ends[0])


class Scanner:
    """A list of patterns, each scanned over a text only when the text holds what its matches need."""

    __slots__ = ("_filter", "_patterns")

    def __init__(self, patterns: Sequence[re.Pattern[str]]) -> None:
        self._patterns = tuple(compiled(rx) for rx in patterns)
        self._filter = _Filter(patterns)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """The span of every match of every pattern, pattern by pattern, each found as ``finditer`` does."""
        return self.spans_of([text])[0]

    def spans_of(self, texts: Sequence[str]) -> list[list[tuple[int, int]]]:
        """:meth:`spans` of each text. Each pattern is run over every text (that can hold a match)
        before the next pattern is: one pattern at a time stays in the processor's caches."""
        readers: list[list[tuple[str, list[tuple[int, int]]]]] = [[] for _ in self._patterns]
        found: list[list[tuple[int, int]]] = [[] for _ in texts]
        for text, spans in zip(texts, found, strict=True):
            for i in self._filter.active(text):
                readers[i].append((text, spans))
        for rx, reading in zip(self._patterns, readers, strict=True):
            for text, spans in reading:
                spans += [m.span() for m in rx.finditer(text)]
        return found


class _Filter:
    """Which of some patterns can match somewhere in a text, from the characters the text holds.

    Work per text, not remembered between texts: the needed sets a text satisfies as bits, set by
    one sieve over the text, and the patterns whose number ends follow a number in it as bits."""

    __slots__ = ("_char_needs", "_end_patterns", "_patterns", "_sieve")

    def __init__(self, patterns: Sequence[re.Pattern[str]]) -> None:
        needs = [needed_characters(rx.pattern) for rx in patterns]
        ends = [number_ends(rx.pattern) for rx in patterns]
        sets = sorted({chars for n in needs for chars in n}, key=sorted)
        bit = {chars: 1 << j for j, chars in enumerate(sets)}
        self._char_needs: dict[str, int] = {}  # character → the needed sets it satisfies
        for chars in sets:
            for ch in chars:
                self._char_needs[ch] = self._char_needs.get(ch, 0) | bit[chars]
        self._end_patterns: dict[str, int] = {}  # character → the patterns it can end a number for
        for i, ending in enumerate(ends):
            for ch in ending or ():
                self._end_patterns[ch] = self._end_patterns.get(ch, 0) | 1 << i
        # (index, the needed sets as bits, whether a number end is needed too), in order
        self._patterns = tuple(
            (i, sum(bit[chars] for chars in n), e is not None) for i, (n, e) in enumerate(zip(needs, ends, strict=True))
        )
        sieve = "".join(map(re.escape, sorted(self._char_needs)))
        self._sieve = re.compile(f"[{sieve}]") if sieve else None

    def active(self, text: str) -> list[int]:
        """The indices of the patterns that can match somewhere in ``text``, in order."""
        satisfied = 0
        for ch in self._sieve.findall(text) if self._sieve else ():
            satisfied |= self._char_needs[ch]
        ended = 0
        for ch in NUMBER_END.findall(text):
            ended |= self._end_patterns.get(ch, 0)
        return [
            i
            for i, needs, wants_end in self._patterns
            if satisfied & needs == needs and (not wants_end or ended >> i & 1)
        ]


def _parse(pattern: str) -> Any:
    try:
        parsed = sre_parse.parse(pattern)
    except re.error:
        return None
    return None if parsed.state.flags & re.IGNORECASE else parsed


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


def _global_flags(pattern: str) -> bool:
    """``(?x)`` and its kin must open a pattern: nothing may be put before them."""
    return bool(re.match(r"\(\?[aiLmsux]+\)", pattern))


def _first(items: list[tuple[Any, Any]]) -> Opening | None:
    """The class items (as pattern text) a match of ``items`` can start with, and whether it can be
    empty; None when that is not known."""
    return _opening(items, _first_atoms)


def _ends(items: list[tuple[Any, Any]]) -> Opening | None:
    """The characters outside numbers that can come first in a match of ``items``, and whether a
    match may hold none (so what follows in the pattern may come first)."""
    return _opening(items, _outside_numbers)


def _first_atoms(op: Any, av: Any) -> Opening | None:
    if op is sre.LITERAL:
        return {re.escape(chr(av))}, False
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


def _outside_numbers(op: Any, av: Any) -> Opening | None:
    """A character outside a number, or (passing it) one inside."""
    if op is sre.LITERAL:
        return (set(), True) if IN_NUMBER.fullmatch(chr(av)) else ({chr(av)}, False)
    outside: set[str] = set()
    inside = False
    for kind, value in av:
        if kind is sre.LITERAL:
            chars = [chr(value)]
        elif kind is sre.RANGE and value[1] - value[0] < LARGEST_CLASS:
            chars = [chr(code) for code in range(value[0], value[1] + 1)]
        elif kind is sre.CATEGORY and str(value) in ("CATEGORY_DIGIT", "CATEGORY_SPACE"):
            inside = True
            continue
        else:  # a negated class, another category, a wide range
            return None
        for ch in chars:
            if IN_NUMBER.fullmatch(ch):
                inside = True
            else:
                outside.add(ch)
    return outside, inside


def _opening(items: list[tuple[Any, Any]], leaf: Callable[[Any, Any], Opening | None]) -> Opening | None:
    """What ``leaf`` says of the characters (literals and classes) a match of ``items`` opens with:
    gathered through the items up to the first that must consume one."""
    found: set[str] = set()
    for op, av in items:
        item = _opening_of(op, av, leaf)
        if item is None:
            return None
        found |= item[0]
        if not item[1]:
            return found, False
    return found, True


def _opening_of(op: Any, av: Any, leaf: Callable[[Any, Any], Opening | None]) -> Opening | None:
    if op is sre.LITERAL or op is sre.IN:
        return leaf(op, av)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, _, body = av
        inner = _opening(list(body), leaf)
        return None if inner is None else (inner[0], inner[1] or low == 0)
    if op is sre.SUBPATTERN:
        _, add_flags, _, body = av
        return None if add_flags & re.IGNORECASE else _opening(list(body), leaf)
    if op is sre.ATOMIC_GROUP:
        return _opening(list(av), leaf)
    if op is sre.BRANCH:
        found, passes = set(), False
        for branch in av[1]:
            inner = _opening(list(branch), leaf)
            if inner is None:
                return None
            found |= inner[0]
            passes = passes or inner[1]
        return found, passes
    if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
        return set(), True  # consumes nothing: the match opens with what follows
    return None


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
