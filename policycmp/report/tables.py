"""Loading the published tables for a report, and the sections that show a notice when one is missing."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import pandas as pd

from ... import paths
from ..markup.components import Notice, Part
from ..markup.format import is_missing


class TableMissing(Exception):
    """A processed table that ``policycmp build`` has not written (yet)."""

    def __init__(self, name: str):
        self.name = name
        super().__init__(
            f"The {name} table is not built yet (data/processed/{name}.parquet is missing): `policycmp build` "
            f"writes it once the stage that produces it is in place, and this section fills in then."
        )


_CACHE: dict[str, tuple[tuple[int, int], pd.DataFrame]] = {}


def load(name: str) -> pd.DataFrame:
    """A processed table as it is on disk (``report`` builds first when the inputs changed).

    Raises :class:`TableMissing` when the table is not there; sections turn that into a notice.
    """
    path = paths.processed_dir() / f"{name}.parquet"
    try:
        stat = path.stat()
    except OSError:
        raise TableMissing(name) from None
    key = (stat.st_mtime_ns, stat.st_size)
    cached = _CACHE.get(str(path))
    if cached is None or cached[0] != key:
        _CACHE[str(path)] = (key, _plain_columns(pd.read_parquet(path)))
    return _CACHE[str(path)][1].copy()


def _plain_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as Python objects with None for missing, so ``==`` and ``in`` never meet pd.NA."""
    for column in frame.columns:
        dtype = frame[column].dtype
        if isinstance(dtype, pd.StringDtype) or pd.api.types.is_object_dtype(dtype):
            values = frame[column].astype(object)
            frame[column] = values.where(values.notna(), None)
        elif str(dtype) == "boolean":
            frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame


def maybe(name: str) -> pd.DataFrame | None:
    try:
        return load(name)
    except TableMissing:
        return None


def section(func: Callable[..., Part]) -> Callable[..., Part]:
    """A report section: a missing table becomes a visible notice rather than an error."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Part:
        try:
            return func(*args, **kwargs)
        except TableMissing as exc:
            return Notice(str(exc))

    return wrapper


def _num(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="coerce").astype("float64")


def _str(value: object) -> str:
    return "" if is_missing(value) else str(value)
