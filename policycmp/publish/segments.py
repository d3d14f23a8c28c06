"""Segments of the build's cache: the checked tables of many documents (and pairs of editions, outcome
links) kept side by side, so that a build reads a few files in place however many documents it has.

A segment is a folder ``segments/<id>/`` holding

- ``index.json``: its format, its *units* (a document, a pair of editions or an outcome report's links:
  the unit's cache key, what the build log says about it, how many rows it has in each table), each
  table's order of units, and each table file's size and CRC-32;
- ``<table>.arrow``: the units' fragments of that table one after another, in that table's order (an
  Arrow IPC file of one record batch, order keys included);
- ``texts.arrow``: each document's extracted text, by key.

A unit's fragment of a table is then a slice of the segment's table (:class:`~.fragments.Slice`), and the
units a build joins in the order it last wrote them are one slice: adding a document to a thousand joins
two slices per table, not a thousand and one fragments.

Every build writes the units it made (once their tables passed the checks) as a new segment
(:func:`write`). Segments none of whose units the build used are deleted; when there are more than
MAX_SEGMENTS, all but the largest are merged into one, and a segment mostly of units no longer used is
rewritten with the others (:func:`tidy`). A segment is written into a temporary folder and renamed into
place, so a reader sees all of it or none; one whose index, sizes, CRC-32 or columns are not what they
should be is deleted and its units read again, never trusted.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from .fragments import Part, Parts, Slice, arrow_schema, concatenated, key_columns

FORMAT = "policycmp-segment 1"
FOLDER = "segments"
INDEX = "index.json"
TEXTS = "texts"
TEXTS_SCHEMA = pa.schema([("key", pa.large_string()), ("text", pa.large_string())])
# More segments than this and the small ones are merged: a build reads every segment's tables.
MAX_SEGMENTS = 6


class DamagedSegment(Exception):
    """A segment's file is not what its index says (cut short, altered, of other columns)."""


@dataclass
class Unit:
    """What a segment keeps of one unit besides its rows: its key, the build log's facts, its rows per table."""

    key: str
    meta: dict[str, Any]
    rows: dict[str, int]


@dataclass
class Made:
    """A unit to write: its key, meta, fragments by table and, for a document, its extracted text."""

    key: str
    meta: dict[str, Any]
    parts: Mapping[str, pa.Table]
    text: str | None = None


@dataclass
class Segment:
    """A segment as its index describes it; its tables are read in place (memory-mapped) when asked for."""

    folder: Path
    units: dict[str, Unit]
    orders: dict[str, list[str]]  # each table's units, in the order of its rows
    files: dict[str, dict[str, int]]  # each table file's bytes and CRC-32
    starts: dict[str, dict[str, int]] = field(default_factory=dict)  # each table's first row of each unit
    _tables: dict[str, pa.Table] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path) -> Segment | None:
        """The segment in ``folder``; None when its index is missing, unreadable or of another format."""
        try:
            index = json.loads((folder / INDEX).read_text(encoding="utf-8"))
            if index.get("format") != FORMAT:
                return None
            units = {
                u["key"]: Unit(u["key"], u["meta"], {k: int(n) for k, n in u["rows"].items()}) for u in index["units"]
            }
            segment = cls(folder, units, index["orders"], index["files"])
            for name, order in segment.orders.items():
                row, starts = 0, {}
                for key in order:
                    starts[key] = row
                    row += units[key].rows.get(name, 0)
                segment.starts[name] = starts
            return segment
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    @property
    def name(self) -> str:
        return self.folder.name

    def rows(self, keys: Iterable[str] | None = None) -> int:
        chosen = self.units if keys is None else [k for k in keys if k in self.units]
        return sum(sum(self.units[k].rows.values()) for k in chosen)

    def verify(self) -> None:
        """Every table file has the size and CRC-32 its index records; raises :class:`DamagedSegment`."""
        for name, expected in self.files.items():
            path = self.folder / f"{name}.arrow"
            try:
                with pa.memory_map(str(path)) as mapped:
                    size = mapped.size()
                    crc = zlib.crc32(mapped.read_buffer()) if size == expected["bytes"] else None
            except (OSError, pa.ArrowException) as exc:
                raise DamagedSegment(f"{path}: {exc}") from None
            if size != expected["bytes"] or crc != expected["crc32"]:
                raise DamagedSegment(f"{path}: not the bytes its index records")

    def table(self, name: str) -> pa.Table:
        """Table ``name`` of this segment, read in place (kept until :meth:`release`)."""
        if name not in self._tables:
            path = self.folder / f"{name}.arrow"
            try:
                table = pa.ipc.open_file(pa.memory_map(str(path))).read_all()
            except (OSError, pa.ArrowException) as exc:
                raise DamagedSegment(f"{path}: {exc}") from None
            expected = TEXTS_SCHEMA if name == TEXTS else arrow_schema(name).remove_metadata()
            found = table.schema.remove_metadata()
            if pa.schema([f for f in found if f.name not in key_columns(table)]) != expected:
                raise DamagedSegment(f"{path}: not the columns of {name}")
            self._tables[name] = table
        return self._tables[name]

    def release(self, name: str) -> None:
        """Let go of table ``name`` (its pages are unmapped once no slice of it is left)."""
        self._tables.pop(name, None)

    def parts(self, key: str) -> Parts:
        """Unit ``key``'s fragment of each of its tables, as slices of this segment's tables."""
        unit = self.units[key]
        return Parts(
            {
                name: Slice(self, name, starts[key], unit.rows.get(name, 0))
                for name, starts in self.starts.items()
                if key in starts and name != TEXTS
            }
        )

    def text(self, key: str) -> str | None:
        if TEXTS not in self.starts or key not in self.starts[TEXTS]:
            return None
        texts = self.table(TEXTS)
        return texts.column("text")[self.starts[TEXTS][key]].as_py()


def folder_of(cache: Path) -> Path:
    return cache / FOLDER


def load_all(cache: Path) -> tuple[list[Segment], list[Path], int]:
    """Every readable segment of the cache folder, oldest first; the folders of the unreadable ones (damaged,
    or of another format: to delete when no other build can be reading the cache), and how many units
    those held."""
    found, bad, lost = [], [], 0
    for folder in sorted(p for p in folder_of(cache).glob("*") if p.is_dir() and not p.name.startswith(".")):
        segment = Segment.load(folder)
        if segment is None:
            lost += _units_listed(folder)
            bad.append(folder)
            continue
        found.append(segment)
    return found, bad, lost


def _units_listed(folder: Path) -> int:
    """How many units an unreadable segment's index lists (1 when it cannot say)."""
    try:
        return max(1, len(json.loads((folder / INDEX).read_text(encoding="utf-8"))["units"]))
    except (OSError, ValueError, KeyError, TypeError):
        return 1


def write(cache: Path, units: Sequence[Made], orders: Mapping[str, Sequence[str]]) -> Path | None:
    """``units`` as a new segment, each table's rows in ``orders[table]`` (keys of units; those not among
    ``units`` are skipped); None when there is nothing to write or the cache cannot be written."""
    if not units:
        return None
    by_key = {unit.key: unit for unit in units}
    root = folder_of(cache)
    try:
        root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".tmp-", dir=root))
    except OSError:
        return None
    try:
        files: dict[str, dict[str, int]] = {}
        kept_orders: dict[str, list[str]] = {}
        for name, order in orders.items():
            keys = [key for key in order if key in by_key and name in by_key[key].parts]
            table = concatenated(name, (_part(by_key[key].parts, name) for key in keys)).combine_chunks()
            files[name] = _write_table(staging / f"{name}.arrow", table)
            kept_orders[name] = keys
        texts = [(unit.key, unit.text) for unit in units if unit.text is not None]
        columns = [
            pa.array([k for k, _ in texts], pa.large_string()),
            pa.array([t for _, t in texts], pa.large_string()),
        ]
        files[TEXTS] = _write_table(staging / f"{TEXTS}.arrow", pa.Table.from_arrays(columns, schema=TEXTS_SCHEMA))
        kept_orders[TEXTS] = [k for k, _ in texts]
        index = {
            "format": FORMAT,
            "units": [{"key": unit.key, "meta": unit.meta, "rows": _unit_rows(unit)} for unit in units],
            "orders": kept_orders,
            "files": files,
        }
        (staging / INDEX).write_text(json.dumps(index, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        target = root / f"{time.time_ns():020d}-{os.getpid()}"
        os.rename(staging, target)
        return target
    except OSError:
        return None
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _part(parts: Mapping[str, pa.Table], name: str) -> Part:
    return parts.part(name) if isinstance(parts, Parts) else parts[name]


def _unit_rows(unit: Made) -> dict[str, int]:
    rows = {}
    for name in unit.parts:
        part = _part(unit.parts, name)
        rows[name] = part.length if isinstance(part, Slice) else part.num_rows
    if unit.text is not None:
        rows[TEXTS] = 1
    return rows


def _write_table(path: Path, table: pa.Table) -> dict[str, int]:
    with pa.OSFile(str(path), "wb") as out, pa.ipc.new_file(out, table.schema) as writer:
        writer.write_table(table, max_chunksize=max(table.num_rows, 1))
    with pa.memory_map(str(path)) as mapped:
        return {"bytes": mapped.size(), "crc32": zlib.crc32(mapped.read_buffer())}


def delete(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def tidy(cache: Path, segments: Sequence[Segment], used: set[str], orders: Mapping[str, Sequence[str]]) -> None:
    """After a build that used the units ``used`` (and wrote its own segment): delete the segments none of
    whose units it used; merge the small segments into one when there are more than MAX_SEGMENTS, and
    rewrite with them any segment more than half of whose rows belong to units no longer used."""
    live = []
    for segment in segments:
        if any(key in used for key in segment.units):
            live.append(segment)
        else:
            delete(segment.folder)
    if not live:
        return
    largest = max(live, key=lambda s: s.rows(used))
    merged = [s for s in live if s is not largest] if len(live) > MAX_SEGMENTS else []
    merged += [s for s in live if s not in merged and s.rows() - s.rows(used) > s.rows(used)]
    if not merged:
        return
    units: dict[str, Made] = {}
    for segment in merged:
        for key, unit in segment.units.items():
            if key in used and key not in units:
                units[key] = Made(key, unit.meta, segment.parts(key), segment.text(key))
    if write(cache, list(units.values()), orders) is not None or not units:
        for segment in merged:
            delete(segment.folder)
