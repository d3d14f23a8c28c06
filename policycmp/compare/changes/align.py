"""Which clause row of one edition is which of the next: equal texts first, then the best assignment.

1. Rows with equal bodies pair (``unchanged``), then rows whose bodies differ only in figures, each
   with the first free row of the same text in document order.
2. The rows left pair by an optimal assignment (:func:`scipy.optimize.linear_sum_assignment`) on the
   Dice coefficient of their character bigrams, figures masked. A candidate scores its Dice, plus a
   small bonus when both rows are in one domain (a tie-breaker); candidates below the threshold score
   nothing, so the assignment never trades a good pair for two poor ones, and no pair below the
   threshold is kept. Nothing is compared by section or number, so renumbered clauses, renamed
   sections and clauses moved between sections pair like any other.

A pair of editions with no row in common comes out with no pair at all: every row is added or
removed, never forced onto a partner.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...vocabulary import EditionRules
from .texts import EditionText

# scipy.optimize is imported when two editions first need an assignment, not with this module: it takes
# 0.2–1 s to import, which a build that pairs no new editions (most builds that add one document) would
# otherwise pay for nothing.
ASSIGNMENT_MODULE = "scipy.optimize"


def linear_sum_assignment(score: np.ndarray, *, maximize: bool) -> Any:
    """:func:`scipy.optimize.linear_sum_assignment`."""
    return importlib.import_module(ASSIGNMENT_MODULE).linear_sum_assignment(score, maximize=maximize)


@dataclass(frozen=True)
class Match:
    older: int  # row index in the older edition
    newer: int  # row index in the newer edition
    similarity: float


def align(older: EditionText, newer: EditionText, rules: EditionRules) -> list[Match]:
    """The pairs of rows of two editions, sorted by the newer row."""
    matches: list[Match] = []
    free_old = set(range(len(older.rows)))
    free_new = set(range(len(newer.rows)))
    for old_texts, new_texts in ((older.bodies, newer.bodies), (older.masked, newer.masked)):
        matches += _equal_texts(old_texts, new_texts, free_old, free_new)
    matches += _assigned(older, newer, sorted(free_old), sorted(free_new), rules)
    return sorted(matches, key=lambda m: m.newer)


def _equal_texts(old: list[str], new: list[str], free_old: set[int], free_new: set[int]) -> list[Match]:
    """Rows of equal text, each newer row with the first free older row of that text."""
    waiting: dict[str, list[int]] = {}
    for i in sorted(free_old):
        waiting.setdefault(old[i], []).append(i)
    found = []
    for j in sorted(free_new):
        candidates = waiting.get(new[j])
        if candidates:
            i = candidates.pop(0)
            free_old.discard(i)
            free_new.discard(j)
            found.append(Match(i, j, 1.0))
    return found


def similarities(older: EditionText, newer: EditionText, old_rows: list[int], new_rows: list[int]) -> np.ndarray:
    """The Dice coefficient of the masked bodies' bigram sets, ``old_rows`` × ``new_rows``.

    The bigrams the two sides share are found by a merge of sorted arrays, each shared bigram giving one
    (older row, newer row) pair for every row of each side that has it; counting those pairs gives the
    intersections (a sparse matrix product did the same at three times the cost on matrices this small).
    """
    a, b = older.bigram_sets(old_rows), newer.bigram_sets(new_rows)
    order = np.argsort(b.bigrams)
    sorted_b = b.bigrams[order]
    low = np.searchsorted(sorted_b, a.bigrams, side="left")
    counts = np.searchsorted(sorted_b, a.bigrams, side="right") - low
    total = int(counts.sum())
    left = np.repeat(a.rows, counts)
    # position in sorted_b of each pair: low of its older bigram, plus its rank among that bigram's pairs
    firsts = np.repeat(low - (np.cumsum(counts) - counts), counts) + np.arange(total)
    right = b.rows[order[firsts]]
    width = len(new_rows)
    shared = np.bincount(left * width + right, minlength=len(old_rows) * width).reshape(len(old_rows), width)
    sizes = a.sizes[:, None] + b.sizes[None, :]
    return np.divide(2.0 * shared, sizes, out=np.zeros(shared.shape), where=sizes > 0)


def _assigned(
    older: EditionText, newer: EditionText, old_rows: list[int], new_rows: list[int], rules: EditionRules
) -> list[Match]:
    if not old_rows or not new_rows:
        return []
    dice = similarities(older, newer, old_rows, new_rows)
    acceptable = dice >= rules.min_similarity
    if not acceptable.any():
        return []
    old_domains = np.array([older.rows[i].domain or "" for i in old_rows], dtype=object)
    new_domains = np.array([newer.rows[j].domain or "" for j in new_rows], dtype=object)
    same_domain = old_domains[:, None] == new_domains[None, :]
    score = np.where(acceptable, dice + rules.same_domain_bonus * same_domain, 0.0)
    chosen_old, chosen_new = linear_sum_assignment(score, maximize=True)
    return [
        Match(old_rows[i], new_rows[j], float(dice[i, j]))
        for i, j in zip(chosen_old.tolist(), chosen_new.tolist(), strict=True)
        if acceptable[i, j]
    ]
