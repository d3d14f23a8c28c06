"""How numbers and amounts read in the reports: 150万元, ≤ 50万元, 10–20%, exact yuan in tooltips.

The formatting itself is :mod:`policycmp.analysis.amounts` (a researcher's notebook uses the same);
here are what the pages add: HTML escaping and table cells with a tooltip.
"""

from __future__ import annotations

import html as _html
from dataclasses import dataclass
from typing import Any

from ...analysis.amounts import (
    BOUND_MARK,
    BOUND_WORD,
    UNIT_SUFFIX,
    counted,
    exact_amount,
    exact_number,
    figure_amount,
    format_amount,
    is_missing,
    readable_number,
)

__all__ = [
    "BOUND_MARK",
    "BOUND_WORD",
    "UNIT_SUFFIX",
    "Cell",
    "amount_cell",
    "counted",
    "esc",
    "exact_amount",
    "exact_number",
    "figure_amount",
    "format_amount",
    "is_missing",
    "readable_number",
]


def esc(value: Any) -> str:
    """Text → HTML text, quotes included (safe inside attributes too)."""
    return _html.escape("" if value is None else str(value), quote=True)


@dataclass(frozen=True)
class Cell:
    """A table cell whose shown text differs from what it sorts by or what its tooltip says."""

    text: str
    title: str | None = None  # tooltip: exact value, clause and span
    sort: float | str | None = None  # what the column sorts by (numbers sort as numbers)
    cls: str | None = None  # CSS class, e.g. ``pc-noamount`` for "stated without an amount"
    href: str | None = None  # a link (to another page of the reports, or an anchor on this one)

    def __str__(self) -> str:
        return self.text


def amount_cell(
    value: Any,
    unit: Any,
    value_high: Any = None,
    bound: Any = None,
    *,
    clause_id: Any = None,
    span: Any = None,
) -> Cell | str:
    """An amount shown as 万元/亿元, exact yuan, clause and source span in its tooltip."""
    if is_missing(value):
        return ""
    tip = [exact_amount(value, unit, value_high, bound)]
    if not is_missing(clause_id):
        tip.append(f"clause {clause_id}")
    if not is_missing(span):
        tip.append(f"「{span}」")
    return Cell(format_amount(value, unit, value_high, bound), title=" · ".join(tip), sort=float(value))
