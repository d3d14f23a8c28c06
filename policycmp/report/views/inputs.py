"""What a page depends on, as data, so that ``policycmp report`` re-renders only the pages whose data changed.

Each report's ``inputs`` (see :class:`~.context.ReportSpec`) returns the tables, rows and summaries its
page shows; :mod:`policycmp.report.digest` hashes them with the code. A district profile, for example,
depends on its district's rows and on the province-wide quartiles it draws, not on the other districts'
rows: adding a district re-renders the pages that list every district and the profiles whose quartiles
moved.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ...analysis.tables import once_per_file, shared, stamp, table_path
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


def fingerprint(value: Any) -> bytes:
    """A stable hash of one input: a table's rows, a summary, a text."""
    if isinstance(value, pd.DataFrame):
        # CSV carries every value at full precision (floats round-trip) and is several times faster
        # than hash_pandas_object on the many small frames a province of profiles declares.
        digest = hashlib.sha256(json.dumps(list(map(str, value.dtypes))).encode())
        digest.update(value.to_csv(index=False, lineterminator="\n").encode())
        return digest.digest()
    if isinstance(value, bytes):
        return hashlib.sha256(value).digest()
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).digest()


def rows_digest(name: str, column: str, *values: Any) -> bytes:
    """The hash of the rows :func:`rows` gives (the table's columns and dtypes, each row's values), taken
    from one hash per row computed once per table file: ninety profiles each declare their edition's rows
    of nine tables, and writing each slice out to hash it took a second and a half of a province's run."""

    def row_hashes() -> tuple[bytes, np.ndarray, dict[Any, np.ndarray]]:
        table = shared(name)
        header = json.dumps([[str(c), str(t)] for c, t in table.dtypes.items()]).encode()
        hashes = pd.util.hash_pandas_object(table, index=False).to_numpy(dtype=np.uint64)
        positions = {v: np.asarray(i) for v, i in table.groupby(column, sort=False, dropna=False).indices.items()}
        return header, hashes, positions

    header, hashes, positions = once_per_file(f"row_hashes:{name}:{column}", (name,), row_hashes)
    digest = hashlib.sha256(header)
    for value in values:
        if value in positions:
            digest.update(hashes[positions[value]].tobytes())
    return digest.digest()


def digest_once(name: str, tables: tuple[str, ...], value: Callable[[], Any]) -> bytes:
    """The hash of a summary every page of a report declares alike (the province's quartiles a profile
    draws), taken once per file of the ``tables`` it is made from."""
    return once_per_file(f"digest:{name}", tables, lambda: fingerprint(value()))
