"""Reading the published tables (``data/processed/*.parquet``) for analysis and the reports.

After ``policycmp build`` every table exists (possibly empty). A missing one is an error naming the
file and the command that writes it, never a section left out. Unlike ``policycmp.load_table`` this
never builds: a notebook shows the tables as they were published, and says when they are stale.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from .. import paths
from ..errors import ParameterError
from ..schema import TABLES
from ..vocabulary import domain_keys


class MissingTable(FileNotFoundError):
    """A processed table that is not on disk: the message is one line naming it and ``policycmp build``."""

    def __init__(self, path: Path):
        self.path = path
        super().__init__(f"{path} is missing: run `policycmp build`")

    def __str__(self) -> str:  # FileNotFoundError would print "[Errno …]"
        return str(self.args[0])

    def _render_traceback_(self) -> list[str]:
        # IPython shows this instead of a traceback: the notebook (and papermill's error) say one line.
        return [f"MissingTable: {self}"]


# path → (mtime, size) it was read at, the table; a kernel that renders many pages reads each table once.
_CACHE: dict[str, tuple[tuple[int, int], pd.DataFrame]] = {}


def table_path(name: str) -> Path:
    return _file_in(paths.processed_dir(), name)


@functools.lru_cache(maxsize=256)
def _file_in(folder: Path, name: str) -> Path:
    # Keyed by the folder as resolved now: a changed $POLICYCMP_ROOT is a new key.
    return folder / f"{name}.parquet"


def stamp(name: str) -> tuple[int, int]:
    """When and how big the table file is: the key of every cache built from it."""
    path = table_path(name)
    try:
        stat = path.stat()
    except OSError:
        raise MissingTable(path) from None
    return stat.st_mtime_ns, stat.st_size


_DERIVED: dict[str, tuple[tuple[tuple[int, int], ...], Any]] = {}
T = TypeVar("T")


def once_per_file(name: str, tables: tuple[str, ...], compute: Callable[[], T]) -> T:
    """``compute()``, kept under ``name`` while the files of ``tables`` are unchanged: what every page of a
    report asks for alike (a selection's quartiles, its edition picks, a table's row hashes) is made once
    per kernel. Shared: select from it, never modify it."""
    key = tuple(stamp(t) for t in tables)
    hit = _DERIVED.get(name)
    if hit is None or hit[0] != key:
        hit = (key, compute())
        _DERIVED[name] = hit
    return hit[1]


def shared(name: str) -> pd.DataFrame:
    """The cached table itself, for readers that only select from it (never modify it)."""
    key = stamp(name)
    path = str(table_path(name))
    cached = _CACHE.get(path)
    if cached is None or cached[0] != key:
        _CACHE[path] = (key, _policy_rows(name, _plain_columns(pd.read_parquet(path))))
    return _CACHE[path][1]


def _policy_rows(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The views count and show the quantities of the policies' clause rows; since the reports' own
    quantities joined ``quantities.parquet`` (keyed by their ``report_lines`` piece), they are left out
    here, and the outcome pages read them through ``outcomes.parquet`` as before."""
    if name != "quantities" or "clause_id" not in frame.columns:
        return frame
    clauses = set(shared("clauses")["clause_id"])
    return frame[frame["clause_id"].isin(clauses)].reset_index(drop=True)


def load(name: str) -> pd.DataFrame:
    """A processed table as it is on disk, a copy the caller may change."""
    return shared(name).copy()


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


# Columns that hold amounts: read as float64 (missing → NaN), so they sort and compare as numbers.
AMOUNT_COLUMNS = ("value", "value_high", "target_value", "actual_value")


def numeric(series: pd.Series) -> pd.Series:
    """A column as float64, anything that is not a number as NaN."""
    return pd.to_numeric(series, errors="coerce").astype("float64")


Editions = pd.DataFrame | Sequence[pd.DataFrame]


def table(
    name: str,
    *,
    districts: str | list[str] | tuple[str, ...] | None = None,
    domain: str | None = None,
    editions: Editions | None = None,
) -> pd.DataFrame:
    """A published table, optionally only some districts' rows, one domain's, or some editions', ready to analyse.

    ``table("comparisons", districts=["zhenhai", "qujiang"], editions=analysis.editions())`` is Zhenhai's and
    Qujiang's comparison rows of their default editions, a copy the caller may change (``anomalies``, which
    has no district column, keeps the rows of those districts' documents). ``editions`` is one or several
    frames with a ``doc_id`` column (:func:`policycmp.analysis.editions`): rows of other documents are
    dropped, so a cross-district figure never adds up two editions of one district. Amount columns
    (``value``, ``value_high``, ``target_value``, ``actual_value``) are float64 and ``stated`` is a plain
    bool, so rows filter and sort as numbers and truth values; text columns hold ``None`` where they are
    empty. Rows keep the table's order.

    A name that is no table, a district the corpus does not have or a domain the vocabulary does not have is
    a :class:`~policycmp.errors.ParameterError` naming the valid ones, never an empty frame.
    """
    if name not in TABLES:
        raise ParameterError("name", name, sorted(TABLES), what="name: no table")
    if domain is not None and domain not in domain_keys():
        raise ParameterError("domain", domain, list(domain_keys()), what="domain: unknown domain")
    frame = load(name)
    if editions is not None:
        if "doc_id" not in frame.columns:
            raise ValueError(f"table {name!r} has no doc_id column: it cannot be filtered to editions")
        chosen = [editions] if isinstance(editions, pd.DataFrame) else list(editions)
        docs = {str(d) for frame_ in chosen for d in frame_["doc_id"]}
        frame = frame[frame["doc_id"].isin(docs)]
    if districts is not None:
        keys = known_districts(districts, "districts")
        if "district" in frame.columns:
            frame = frame[frame["district"].isin(keys)]
        else:  # a table of documents' rows (anomalies): the districts' documents
            documents = shared("documents")
            frame = frame[frame["doc_id"].isin(set(documents[documents["district"].isin(keys)]["doc_id"]))]
    if domain is not None:
        frame = frame[frame["domain"] == domain]
    return _ready(frame.copy())


def places() -> list[str]:
    """Every district key of the corpus's documents (a city work report's is its city), in registry order."""
    return [str(d) for d in dict.fromkeys(shared("documents")["district"])]


def known_districts(
    values: str | Iterable[object],
    name: str = "districts",
    *,
    valid: list[str] | None = None,
    rows: Iterable[object] = (),
) -> list[object]:
    """``values`` (one district key or several) as a list, each a district of the corpus (``valid``: of
    :func:`places` unless given; ``rows``: the district column of a frame the caller was given, whose
    districts count as known too). An unknown one is a :class:`~policycmp.errors.ParameterError` naming
    ``name``, the value and the known districts: a filter by a name the corpus does not have is a slip,
    never an empty result."""
    keys: list[object] = [values] if isinstance(values, str) else list(values)
    if valid is None:
        try:
            valid = places()
        except MissingTable:  # frames of one's own without a build: their own districts are the known ones
            valid = []
    known = list(valid)
    extra = [str(r) for r in dict.fromkeys(rows) if isinstance(r, str) and r not in known]
    for key in keys:
        if key not in known and key not in extra:
            raise ParameterError(name, key, [*known, *extra] or ["(none)"], what=f"{name}: unknown district")
    return keys


def known_year(year: int | None, name: str = "year") -> int | None:
    """``year`` when some document of the corpus is of it (None stays None); else a
    :class:`~policycmp.errors.ParameterError` naming the corpus's years."""
    if year is None:
        return None
    years = sorted({int(y) for y in shared("documents")["year"]})
    if isinstance(year, bool) or not isinstance(year, int) or year not in years:
        raise ParameterError(name, year, [str(y) for y in years] or ["(none)"], what=f"{name}: no document of year")
    return year


# (table, column) → (stamp, rows by value): a kernel that renders ninety profiles groups each table once.
_GROUPS: dict[tuple[str, str], tuple[tuple[int, int], dict[object, pd.DataFrame]]] = {}


def rows_where(name: str, column: str, *values: object) -> pd.DataFrame:
    """The rows of a published table whose ``column`` holds one of ``values``, ready to analyse as
    :func:`table` gives them (a copy; amounts as float64, ``stated`` as bool, ``None`` for empty text).
    The table is grouped by the column once per table file, so a page that needs one document's rows
    does not filter the whole table."""
    key = stamp(name)
    cached = _GROUPS.get((name, column))
    if cached is None or cached[0] != key:
        frame = shared(name)
        cached = (key, {value: rows for value, rows in frame.groupby(column, sort=False, dropna=False)})
        _GROUPS[(name, column)] = cached
    found = [cached[1][v] for v in values if v in cached[1]]
    frame = pd.concat(found) if found else shared(name).iloc[0:0]
    return _ready(frame.copy())


def _ready(frame: pd.DataFrame) -> pd.DataFrame:
    for column in AMOUNT_COLUMNS:
        if column in frame.columns:
            frame[column] = numeric(frame[column])
    if "stated" in frame.columns and frame["stated"].dtype != "int64":
        frame["stated"] = frame["stated"].map(lambda v: v is True).astype(bool)
    return frame


def _read_from(name: str) -> tuple[str, ...]:
    """The table files ``shared(name)`` is read from (the policies' quantities are kept by their clauses)."""
    return (name, "clauses") if name == "quantities" else (name,)


def rows_of(name: str, column: str, value: object) -> pd.DataFrame:
    """:func:`rows_where` for one value (a copy, ready to analyse), each value's rows made ready once per
    table file: a profile asks for its edition's rows of seven tables, seventeen times, and converting the
    amounts of each anew took a seventh of its time."""

    def by_value() -> dict[object, pd.DataFrame]:
        # Made ready as a whole, then grouped: the conversions are cell by cell, so each value's rows are what
        # making its rows ready alone gives.
        return dict(iter(table(name).groupby(column, sort=False, dropna=False)))

    found = once_per_file(f"rows_of:{name}:{column}", _read_from(name), by_value).get(value)
    return rows_where(name, column, value) if found is None else found.copy()
