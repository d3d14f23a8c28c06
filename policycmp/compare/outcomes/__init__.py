"""Outcome reports judged against their targets and linked to the policy that set them.

phrases  the key words around a quantity
judging  pairing a target with its actual figure; met / not met / unclear
linking  the policy clause that set the same target
table    the outcomes table
"""

from __future__ import annotations

from .judging import Judgement, judge, pair_target
from .linking import PolicyQuantity, link_target, policy_quantities
from .phrases import Mention, with_phrases
from .table import ReportSource, assess_row, outcomes_table

__all__ = [
    "Judgement",
    "Mention",
    "PolicyQuantity",
    "ReportSource",
    "assess_row",
    "judge",
    "link_target",
    "outcomes_table",
    "pair_target",
    "policy_quantities",
    "with_phrases",
]
