"""Stage 2, extract: the quantities stated in clause text, in base units, with kind, bound and tier.

grammar     the vocabularies (units.yaml, quantity_cues.yaml, award_tiers.yaml) compiled
numbers     numerals as written
candidates  each number and its unit on its own
readings    ranges, shared and implied units
bounds      最高 / 以上 / 左右 and the span that includes them
kinds       subsidy, budget, target, threshold or other
tiers       the award tier of a grant
mentions    ``extract_mentions(text)``: the steps above in order; ``extract_many(texts)`` step by step
table       the quantities table
"""

from __future__ import annotations

from .mentions import extract_many, extract_mentions, is_normalised_unit
from .table import quantities_table, unnormalised_count

__all__ = ["extract_many", "extract_mentions", "is_normalised_unit", "quantities_table", "unnormalised_count"]
