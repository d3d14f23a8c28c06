"""Small helpers the report sections share to shape table cells."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..markup.format import Cell, is_missing
from .data import _str
from .inputs import rows


def _clause_titles(district: str) -> dict[str, str]:
    """clause_id → title, of one district's clauses."""
    clauses = rows("clauses", "district", district)
    return {str(c): _str(t) for c, t in zip(clauses["clause_id"], clauses["title"])}


def _as_int(value: object) -> int:
    """A whole number from a table cell (Python or NumPy integer)."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return int(value)
    raise TypeError(f"expected a whole number, not {value!r}")


def _cell_or_text(values: list[Cell | str], joiner: str = "; ") -> Cell | str:
    values = [v for v in values if v != ""]
    if not values:
        return ""
    if len(values) == 1:
        return values[0]
    sort = next((v.sort for v in values if isinstance(v, Cell) and v.sort is not None), None)
    title = " | ".join(v.title for v in values if isinstance(v, Cell) and v.title)
    return Cell(joiner.join(str(v) for v in values), title=title or None, sort=sort)


def _exact(value: Any) -> float | None:
    return None if is_missing(value) else float(value)
