"""What a page depends on, as data, so that ``policycmp report`` re-renders only the pages whose data changed.

Each report's ``inputs`` (see :class:`~.context.ReportSpec`) returns the tables, rows and summaries its
page shows; :mod:`policycmp.report.digest` hashes them with the code. A district profile, for example,
depends on its district's rows and on the province-wide quartiles it draws, not on the other districts'
rows: adding a district re-renders the pages that list every district and the profiles whose quartiles
moved.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pandas as pd

from ...analysis.tables import shared, stamp, table_path
from ...schema import TABLES
from .context import Inputs

_FILES: dict[str, tuple[tuple[int, int], str]] = {}
_GROUPS: dict[tuple[str, str], tuple[tuple[int, int], dict[Any, pd.DataFrame]]] = {}


def table_digest(name: str) -> str:
    """The hash of a whole table file (cached while the file is unchanged)."""
    key = stamp(name)
    cached = _FILES.get(name)
    if cached is None or cached[0] != key:
        _FILES[name] = (key, hashlib.sha256(table_path(name).read_bytes()).hexdigest())
    return _FILES[name][1]


def whole(*names: str) -> Inputs:
    """Every row of these tables."""
    return {f"table:{name}": table_digest(name) for name in names}


def every_table() -> Inputs:
    """What a report that declares no inputs depends on: all of them."""
    return whole(*TABLES)


def grouped(name: str, column: str) -> dict[Any, pd.DataFrame]:
    """The rows of a table by the value of one column (computed once per table file)."""
    key = stamp(name)
    cached = _GROUPS.get((name, column))
    if cached is None or cached[0] != key:
        table = shared(name)
        groups = {value: rows for value, rows in table.groupby(column, sort=False, dropna=False)}
        _GROUPS[(name, column)] = (key, groups)
    return _GROUPS[(name, column)][1]


def rows(name: str, column: str, *values: Any) -> pd.DataFrame:
    """The rows of a table whose ``column`` holds one of ``values``."""
    groups = grouped(name, column)
    found = [groups[v] for v in values if v in groups]
    return pd.concat(found) if found else shared(name).iloc[0:0]
