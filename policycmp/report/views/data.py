"""The tables the views read, and the conversions the views need to shape cells."""

from __future__ import annotations

import collections
import functools
from collections.abc import Callable, Iterator
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

    The rows are ``frame.itertuples()``'s, value for value (an array's cells as Python scalars, an extension
    array's as it iterates them), made from the columns' arrays directly: ``itertuples`` builds a Series per
    column and a named-tuple class per call, which took a profile's tables a tenth of its time.
    """
    # pandas' own accessor of a column's array (the stubs read the name as a column's)
    column_array: Callable[[int], Any] = frame._get_column_array  # type: ignore[assignment]
    arrays = [column_array(k) for k in range(frame.shape[1])]
    columns = [a.tolist() if isinstance(a, np.ndarray) else a for a in arrays]
    yield from map(_row_type(tuple(frame.columns))._make, zip(frame.index, *columns))


@functools.lru_cache(maxsize=256)
def _row_type(columns: tuple[Any, ...]) -> Any:
    """The named tuple ``itertuples`` makes for these columns (invalid or repeated names renamed alike)."""
    return collections.namedtuple("Pandas", ["Index", *columns], rename=True)


def as_float(value: object) -> float:
    """A number from a table cell or summary (Python or NumPy), as a float."""
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return float(value)
    raise TypeError(f"expected a number, not {value!r}")
