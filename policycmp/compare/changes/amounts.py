"""Which figure of a clause became which in its next edition.

Both texts are read as tokens: each quantity (a row of the quantity table) is one token of its unit,
every other character is itself, and other digits (a year) are masked. :class:`difflib.SequenceMatcher`
lines the token lists up, so a figure meets the figure at the same place of the other text: in a
stretch both texts share, token for token; in a stretch one rewrote, in order among figures of the
same unit. A figure with no counterpart was added or removed with its words.

When the two clauses hold the same amounts (value, upper end and unit, in the same order), nothing
changed and nothing is lined up; when their texts differ only in figures, the quantities pair in
order without a diff. Only a reworded clause with different amounts is diffed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from ...schema import QuantityRow

DIGITS = re.compile(r"\d+(?:\.\d+)?")
Token = str | tuple[str, str]
Placed = tuple[int, QuantityRow]  # a quantity and its token's position


@dataclass(frozen=True)
class AmountPair:
    """A figure that differs: ``before`` or ``after`` is None when it was added or removed."""

    before: QuantityRow | None
    after: QuantityRow | None

    @property
    def direction(self) -> str:
        if self.before is None:
            return "added"
        if self.after is None:
            return "removed"
        older, newer = _amount(self.before), _amount(self.after)
        return "up" if newer > older else "down"


def _amount(q: QuantityRow) -> tuple[float, float]:
    high = q.value_high
    return (q.value, q.value if high is None or _missing(high) else high)


def _missing(value: float | None) -> bool:
    return value is None or math.isnan(value)


def _close(x: float | None, y: float | None) -> bool:
    if x is None or y is None or _missing(x) or _missing(y):
        return _missing(x) and _missing(y)
    return math.isclose(x, y, rel_tol=1e-9)


def same_amount(a: QuantityRow, b: QuantityRow) -> bool:
    return a.unit == b.unit and _close(a.value, b.value) and _close(a.value_high, b.value_high)


def changed_amounts(
    old_text: str,
    old_quantities: Sequence[QuantityRow],
    new_text: str,
    new_quantities: Sequence[QuantityRow],
    *,
    figures_only: bool,
) -> list[AmountPair]:
    """The amounts that differ between two texts of a clause pair (``figures_only``: the texts are the
    same but for figures), in the newer text's order. A quantity whose value could not be normalised is
    no amount in base units: it is read as text."""
    old_quantities = [q for q in old_quantities if not _missing(q.value)]
    new_quantities = [q for q in new_quantities if not _missing(q.value)]
    if len(old_quantities) == len(new_quantities) and all(
        same_amount(a, b) for a, b in zip(old_quantities, new_quantities, strict=True)
    ):
        return []
    if figures_only and len(old_quantities) == len(new_quantities):
        if all(a.unit == b.unit for a, b in zip(old_quantities, new_quantities, strict=True)):
            pairs = zip(old_quantities, new_quantities, strict=True)
            return [AmountPair(a, b) for a, b in pairs if not same_amount(a, b)]
    return _lined_up(old_text, old_quantities, new_text, new_quantities)


def tokens(text: str, quantities: Sequence[QuantityRow]) -> tuple[list[Token], list[QuantityRow | None]]:
    """The text as tokens, and the quantity each token stands for (None for a character)."""
    out: list[Token] = []
    which: list[QuantityRow | None] = []
    position = 0
    for q in quantities:  # in text order
        if q.start < position:
            continue  # overlaps the one before: read as part of it
        _characters(text[position : q.start], out, which)
        out.append(("quantity", q.unit))
        which.append(q)
        position = q.end
    _characters(text[position:], out, which)
    return out, which


def _characters(text: str, out: list[Token], which: list[QuantityRow | None]) -> None:
    for piece in DIGITS.sub("#", "".join(text.split())):
        out.append(piece)
        which.append(None)


# An equal stretch shorter than this between two rewritten ones is a chance match of common characters
# (奖励, 给予), not a shared passage: the stretches either side are read as one rewritten stretch, so that
# 给予150万元奖励 → 奖励120万元 pairs its two figures.
ANCHOR_TOKENS = 4


def _lined_up(
    old_text: str, old_quantities: Sequence[QuantityRow], new_text: str, new_quantities: Sequence[QuantityRow]
) -> list[AmountPair]:
    old_tokens, old_which = tokens(old_text, old_quantities)
    new_tokens, new_which = tokens(new_text, new_quantities)
    found: list[tuple[int, AmountPair]] = []  # with a position for the order
    matcher = SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    for op, i1, i2, j1, j2 in _stretches(matcher.get_opcodes(), old_which):
        olds = [(i, q) for i, q in enumerate(old_which[i1:i2], i1) if q is not None]
        news = [(j, q) for j, q in enumerate(new_which[j1:j2], j1) if q is not None]
        if op == "equal":
            pairs = list(zip(olds, news, strict=True))
            leftover_old: list[Placed] = []
            leftover_new: list[Placed] = []
        else:
            pairs, leftover_old, leftover_new = _by_unit(olds, news)
        for (_, a), (j, b) in pairs:
            if not same_amount(a, b):
                found.append((j, AmountPair(a, b)))
        found += [(j1, AmountPair(a, None)) for _, a in leftover_old]
        found += [(j, AmountPair(None, b)) for j, b in leftover_new]
    return [pair for _, pair in sorted(_moved_dropped(found), key=lambda item: item[0])]


def _moved_dropped(found: list[tuple[int, AmountPair]]) -> list[tuple[int, AmountPair]]:
    """Without the figures that only moved: an amount removed in one place and the same amount added in
    another (two sentences of a clause swapped) did not change."""
    moved: set[int] = set()  # positions in ``found``
    for n, (_, gone) in enumerate(found):
        if gone.after is not None or gone.before is None:
            continue
        twin = next(
            (k for k, (_, new) in enumerate(found) if new.before is None and k not in moved
             and new.after is not None and same_amount(gone.before, new.after)),
            None,
        )  # fmt: skip
        if twin is not None:
            moved |= {n, twin}
    return [item for n, item in enumerate(found) if n not in moved]


Opcode = tuple[str, int, int, int, int]


def _stretches(opcodes: Sequence[Opcode], old_which: list[QuantityRow | None]) -> list[Opcode]:
    """The opcodes with two rewritten stretches joined into one across a short equal stretch between them
    that holds no quantity (an equal stretch with a quantity pairs that quantity, however short)."""
    out: list[Opcode] = []
    for op, i1, i2, j1, j2 in opcodes:
        if op != "equal" and len(out) >= 2 and out[-2][0] != "equal":
            _, e1, e2, _, _ = out[-1]
            if e2 - e1 < ANCHOR_TOKENS and not any(old_which[e1:e2]):
                _, a1, _, b1, _ = out[-2]
                out[-2:] = [("replace", a1, i2, b1, j2)]
                continue
        out.append((op, i1, i2, j1, j2))
    return out


def _by_unit(olds: list[Placed], news: list[Placed]) -> tuple[list[tuple[Placed, Placed]], list[Placed], list[Placed]]:
    """Figures of a rewritten stretch paired in order among those of the same unit."""
    pairs = []
    unused = list(news)
    leftover_old = []
    for old in olds:
        match = next((new for new in unused if new[1].unit == old[1].unit), None)
        if match is None:
            leftover_old.append(old)
            continue
        unused.remove(match)
        pairs.append((old, match))
    return pairs, leftover_old, unused
