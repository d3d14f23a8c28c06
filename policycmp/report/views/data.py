"""The tables the views read, and the conversions the views need to shape cells."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd

from ...analysis.tables import MissingTable, load, numeric, shared, stamp
from ..markup.format import is_missing

__all__ = ["MissingTable", "_num", "_str", "as_float", "load", "records", "shared", "stamp"]

_num = numeric


def _str(value: object) -> str:
    return "" if is_missing(value) else str(value)


def records(frame: pd.DataFrame) -> Iterator[Any]:
    """A table's rows as named tuples, for the loops that shape cells.

    A row holds whatever its columns hold (text, numbers, missing values), so it is typed ``Any``:
    pandas-stubs type every cell as the union of all scalar types, which no cell ever is.
    """
    yield from frame.itertuples()


def as_float(value: object) -> float:
    """A number from a table cell or summary (Python or NumPy), as a float."""
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return float(value)
    raise TypeError(f"expected a number, not {value!r}")
