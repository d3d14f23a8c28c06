"""What changed from one edition of a district's policy to the next.

texts    a clause row as the pairing reads it: body, figures masked, character bigrams
align    which row of one edition is which of the next (equal texts, then an optimal assignment)
amounts  which figure of a pair became which
table    the edition tables: edition_pairs, clause_changes, amount_changes
"""

from __future__ import annotations

from .align import Match, align, similarities
from .amounts import AmountPair, changed_amounts
from .table import (
    EditionRows,
    PairedEditions,
    consecutive_editions,
    note,
    pair_editions,
    paired,
    without_common_clause,
)
from .texts import EditionText, body

__all__ = [
    "AmountPair",
    "EditionRows",
    "EditionText",
    "Match",
    "PairedEditions",
    "align",
    "body",
    "changed_amounts",
    "consecutive_editions",
    "note",
    "pair_editions",
    "paired",
    "similarities",
    "without_common_clause",
]
