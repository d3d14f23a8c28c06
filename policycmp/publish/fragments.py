"""A table's rows as Arrow columns: made once per document (or per pair of editions), kept in the build's
cache, and joined into the tables by concatenation rather than remade row by row.

A *fragment* is one document's share of one table: an Arrow table with the table's columns and types
(those ``pa.Table.from_pandas`` gives the table's pandas frame, with the same pandas metadata, so the
published Parquet reads back with the dtypes of :mod:`policycmp.schema`), and, for a table ordered
across documents, the row's order key as extra columns ``_k0``, ``_k1``…

:func:`joined` makes a table of fragments: they are concatenated in the order given (the registry's),
and a table ordered across documents (comparisons by district and instrument, say) is then sorted on its
key columns by a stable sort, so rows whose keys tie keep the order of the concatenation: the order a
stable sort of every document's rows at once would give. Same fragments, same bytes, whichever build
made them.
"""

from __future__ import annotations

import dataclasses
import math
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol, TypeAlias, TypeVar, cast

import pyarrow as pa
import pyarrow.compute as pc

from ..schema import TABLES, empty

R = TypeVar("R")
KEY_PREFIX = "_k"
Key = tuple[str | int | bool, ...]
KEY_TYPES: dict[type, pa.DataType] = {str: pa.large_string(), int: pa.int64(), bool: pa.bool_()}


@cache
def arrow_schema(name: str) -> pa.Schema:
    """Table ``name``'s Arrow schema, with the pandas metadata that restores its dtypes on reading."""
    return pa.Table.from_pandas(empty(TABLES[name]), preserve_index=False).schema


@cache
def _getter(row_type: type) -> Callable[[Any], tuple]:
    return operator.attrgetter(*(f.name for f in dataclasses.fields(row_type)))


def fragment(name: str, rows: Sequence[Any], keys: Sequence[Key] | None = None) -> pa.Table:
    """``rows`` (instances of table ``name``'s row type, in order) as a fragment of that table; ``keys``:
    each row's order key, for a table ordered across documents."""
    schema = arrow_schema(name)
    values = list(zip(*map(_getter(TABLES[name]), rows), strict=True)) if rows else [()] * len(schema)
    # from_pandas: a missing float is null whether it is None or NaN, as pandas writes it
    arrays = [pa.array(column, type=f.type, from_pandas=True) for column, f in zip(values, schema, strict=True)]
    table = pa.Table.from_arrays(arrays, schema=schema)
    if keys is None:
        return table
    if len(keys) != len(rows):
        raise ValueError(f"{name}: {len(keys)} order keys for {len(rows)} rows")
    return with_keys(table, keys)


def with_keys(table: pa.Table, keys: Sequence[Key]) -> pa.Table:
    """``table`` with each row's order key as columns ``_k0``, ``_k1``…"""
    if not keys:
        return table
    for i, column in enumerate(zip(*keys, strict=True)):
        table = table.append_column(f"{KEY_PREFIX}{i}", pa.array(column, type=KEY_TYPES[type(column[0])]))
    return table


def key_columns(table: pa.Table) -> list[str]:
    return [name for name in table.column_names if name.startswith(KEY_PREFIX)]


class Source(Protocol):
    """Where tables are kept whole (a segment of the build's cache), for :class:`Slice`."""

    def table(self, name: str) -> pa.Table: ...


@dataclass(frozen=True)
class Slice:
    """A fragment that is rows ``start:start + length`` of table ``name`` of ``source``: the fragments of
    documents kept side by side are joined as one slice, not one by one."""

    source: Source
    name: str
    start: int
    length: int

    def table(self) -> pa.Table:
        return self.source.table(self.name).slice(self.start, self.length)


Part: TypeAlias = pa.Table | Slice


class Parts(Mapping[str, pa.Table]):
    """A document's (or a pair's) fragments by table: each an Arrow table, or a :class:`Slice`
    (read as a table when asked for; :meth:`part` gives it as it is, for :func:`joined`)."""

    def __init__(self, parts: Mapping[str, Part]):
        self._parts = dict(parts)

    def part(self, name: str) -> Part:
        return self._parts[name]

    def __getitem__(self, name: str) -> pa.Table:
        part = self.part(name)
        return part.table() if isinstance(part, Slice) else part

    def __iter__(self) -> Iterator[str]:
        return iter(self._parts)

    def __len__(self) -> int:
        return len(self._parts)


def part_of(tables: Mapping[str, pa.Table], name: str) -> Part:
    """Fragment ``name`` of ``tables`` as it is kept (a slice stays a slice)."""
    return tables.part(name) if isinstance(tables, Parts) else tables[name]


def _coalesced(parts: Iterable[Part]) -> Iterator[pa.Table]:
    """The parts as tables, each run of slices that follow one another in one source read as one slice."""
    run: Slice | None = None
    for part in parts:
        if isinstance(part, Slice):
            if run is not None and run.source is part.source and run.start + run.length == part.start:
                run = Slice(run.source, run.name, run.start, run.length + part.length)
                continue
            if run is not None:
                yield run.table()
            run = part
            continue
        if run is not None:
            yield run.table()
            run = None
        yield part
    if run is not None:
        yield run.table()


def joined(name: str, parts: Iterable[Part]) -> pa.Table:
    """Table ``name`` from its fragments, in the order given; sorted on their order keys when they have
    them (stable: ties keep the order given). One chunk per column, so the Parquet written from it has
    the same bytes however the fragments were cut."""
    return ordered(name, concatenated(name, parts))


def concatenated(name: str, parts: Iterable[Part]) -> pa.Table:
    """The fragments of table ``name`` one after the other, order keys kept (a chunk per run of fragments)."""
    tables = [p for p in _coalesced(parts) if p.num_rows]
    if not tables:
        return arrow_schema(name).empty_table()
    keyed = [p for p in tables if key_columns(p)]
    if keyed and len(keyed) != len(tables):
        raise ValueError(f"{name}: some fragments have order keys and some do not")
    return pa.concat_tables(tables)


def ordered(name: str, table: pa.Table) -> pa.Table:
    """:func:`concatenated` fragments as the table is published: sorted on their order keys (stable), which
    are then dropped; one chunk per column either way (taking the rows in order makes one)."""
    schema = arrow_schema(name)
    keys = key_columns(table)
    if keys:
        order = pc.sort_indices(table.select(keys), sort_keys=[(k, "ascending") for k in keys])
        table = table.drop_columns(keys).take(order)
    # after a take, already one chunk (and this copies nothing); else the runs of fragments joined
    return table.combine_chunks().replace_schema_metadata(schema.metadata)


# --- back to rows, for the corpus-wide steps that read a document's rows (edition pairs, outcome links) ---


@cache
def _float_fields(row_type: type) -> frozenset[str]:
    """The fields typed ``float`` (not ``float | None``): a missing value is NaN there, as the extractor
    wrote it (an unreadable figure), not None."""
    return frozenset(f.name for f in dataclasses.fields(row_type) if str(f.type).replace(" ", "") == "float")


def rows_of(row_type: type[R], table: pa.Table) -> list[R]:
    """A fragment's rows as typed records, as the document's reading made them (None where a value is
    missing, NaN in a float that cannot be missing)."""
    names = [f.name for f in dataclasses.fields(row_type)]  # type: ignore[arg-type]
    floats = _float_fields(cast(type, row_type))
    columns = []
    for name in names:
        values = table.column(name).to_pylist()
        if name in floats:
            values = [math.nan if v is None else v for v in values]
        columns.append(values)
    return [row_type(*row) for row in zip(*columns, strict=True)]
