"""How a page lays districts out: side by side (a column or a bar each) for a handful, their
distribution for a province."""

from __future__ import annotations

from collections.abc import Sized

# Up to this many districts a page sets them side by side; beyond, a column each no longer reads, so
# it shows how they are distributed (grouped by city) and lists them in one long, filterable table.
SIDE_BY_SIDE = 6


def side_by_side(districts: Sized) -> bool:
    return len(districts) <= SIDE_BY_SIDE
