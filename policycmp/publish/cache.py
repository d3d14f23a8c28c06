"""The build's cache: what each document gave (and what each pair of editions and each outcome report's
links gave), kept so that the next build need not make it again.

A *unit* is a document, a pair of consecutive editions, or an outcome report linked to its policies: its
share of each table (:mod:`.fragments`, Arrow columns), what the build log says about it and, for a
document, its extracted text. A document's key is the SHA-256 of

- the raw file's bytes (their SHA-256, which the build computes anyway to check them),
- the registry entry's fields that go into the rows (id, kind, district, year, status…),
- the fingerprint of the code and vocabularies that shape a document's rows (``ingest``,
  ``extract``, ``compare``, the leaf modules, the modules of this stage that make and keep a
  document's tables, every vocabulary file; not ``report`` nor the rest of the build),
- whether the build is ``--strict``, and this file's format version,

so any change to what a document's rows depend on misses the cache, and the document is read again.
A pair's or a link's key is made of the keys of the documents it read (:func:`derived_key`).

The folder lives beside OUT (``data/.processed.cache`` for ``data/processed``), never inside it, so a
failed build leaves OUT as it was even when it cached what it had read. It is safe to delete. It holds

- *segments* (:mod:`.segments`): units whose tables passed the build's checks, many side by side, read in
  place. Each build adds one segment of what it made, deletes those it no longer uses and merges small
  ones, so a build reads a few files whatever the number of documents;
- *unchecked entries* (``<key>.new``): what a worker read, written at once so that a build that stops
  half-way (a bad file, an interrupt) loses none of its reading. The next build takes such an entry
  without reading the document again, but checks its tables as it checks what it reads, and only then
  puts it in a segment.

Two builds may share the folder: every file is written under a temporary name and renamed into place (a
reader sees all of it or none), an entry carries its key and the SHA-256 of its payload and a segment
the size and CRC-32 of each file, so what is corrupt, cut short or of another version is read as a miss
and made again, never trusted. Entries are JSON and Arrow IPC: nothing in them is executed when read.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import struct
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from .. import paths
from ..model import Document
from ..schema import TABLES
from ..vocabulary import data_dir
from . import segments
from .documents import DocumentTables, Facts
from .fragments import Part, Parts

FORMAT = b"policycmp-build-cache 3\n"
# The parts of the package whose code shapes a document's rows.
SHAPING = ("ingest", "extract", "compare", "vocabulary", "data")
# the leaf modules, and the modules of this stage that make and keep a document's tables
LEAVES = (
    "model.py",
    "schema.py",
    "chinese.py",
    "errors.py",
    "publish/documents.py",
    "publish/fragments.py",
    "publish/segments.py",
    "publish/cache.py",
)
CODE_SUFFIXES = {".py", ".yaml", ".csv"}
_LENGTH = struct.Struct("<I")


def code_fingerprint() -> str:
    """The SHA-256 of the code and vocabulary files that shape a document's rows."""
    root = paths.package_dir()
    files = [root / leaf for leaf in LEAVES]
    for part in SHAPING:
        files += sorted(p for p in (root / part).rglob("*") if p.suffix in CODE_SUFFIXES)
    vocabularies = data_dir()
    if vocabularies != root / "data":
        files += sorted(vocabularies.glob("*.yaml"))
    digest = hashlib.sha256(FORMAT)
    for path in files:
        digest.update(str(path.relative_to(root) if path.is_relative_to(root) else path.name).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def entry_key(doc: Document, raw_sha256: str, code: str, *, strict: bool) -> str:
    """The key of ``doc``'s entry: everything its rows depend on, hashed."""
    fields = {
        "id": doc.id,
        "file": doc.path.name,  # the suffix picks the reader; the name is in anomaly rows
        "kind": doc.kind,
        "district": doc.district,
        "district_zh": doc.district_zh,
        "city": doc.city,
        "province": doc.province,
        "year": doc.year,
        "status": doc.status,
        "title": doc.title,
        "issued": doc.issued,
        "raw_sha256": raw_sha256,
        "code": code,
        "strict": strict,
    }
    return _hashed(fields)


def derived_key(purpose: str, keys: Sequence[str], **fields: Any) -> str:
    """The key of what the build makes from several documents (``keys``: theirs, in the order read; each
    holds the code fingerprint), for ``purpose`` (``edition_pair``, ``outcomes``)."""
    return _hashed({"purpose": purpose, "keys": list(keys), **fields})


def _hashed(fields: Mapping[str, Any]) -> str:
    return hashlib.sha256(FORMAT + json.dumps(fields, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@dataclass
class Entry:
    """What an entry holds: tables (fragments, Arrow) and a JSON-able ``meta``; ``text`` for a document's."""

    tables: Mapping[str, pa.Table]
    meta: dict[str, Any]
    text: str | None = None


class StreamParts(Parts):
    """An entry's tables, each read in place from the entry's bytes when asked for, and not kept: a table
    read is about 17 KB of objects, so a thousand documents' eight tables held at once would be 140 MB
    besides their data. The build reads each fragment once, when it joins its table."""

    def __init__(self, buffer: pa.Buffer, layout: Mapping[str, tuple[int, int]]):
        super().__init__({})
        self._buffer = buffer
        self._layout = dict(layout)

    def part(self, name: str) -> Part:
        offset, length = self._layout[name]
        return pa.ipc.open_stream(self._buffer.slice(offset, length)).read_all()

    def __iter__(self) -> Iterator[str]:
        return iter(self._layout)

    def __len__(self) -> int:
        return len(self._layout)


def encode(entry: Entry, key: str) -> bytes:
    """``entry`` as the bytes of its file: the header (format, key, SHA-256 of the payload), then the
    payload (the length of the meta, the meta as JSON, the text, each table as an Arrow IPC stream). Every
    stream starts at a multiple of ALIGNMENT bytes in the file, so its columns are read in place."""
    header = FORMAT + key.encode() + b"\n"
    blobs: list[bytes] = []
    offset = 0
    layout: dict[str, list[int]] = {}

    def add(name: str, blob: bytes) -> None:
        nonlocal offset
        blobs.extend([bytes(_padding(offset)), blob])  # aligned, and nothing after the last
        offset += _padding(offset)
        layout[name] = [offset, len(blob)]
        offset += len(blob)

    if entry.text is not None:
        add("", entry.text.encode("utf-8"))
    for name, table in entry.tables.items():
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table)
        add(name, sink.getvalue().to_pybytes())
    meta = json.dumps({"meta": entry.meta, "layout": layout}, ensure_ascii=False, sort_keys=True).encode("utf-8")
    lead = len(header) + 32 + _LENGTH.size + len(meta)
    payload = b"".join([_LENGTH.pack(len(meta)), meta, bytes(_padding(lead)), *blobs])
    return header + hashlib.sha256(payload).digest() + payload


ALIGNMENT = 64  # Arrow reads a column in place only from an aligned address


def _padding(n: int) -> int:
    return -n % ALIGNMENT


def decode(data: bytes, key: str, *, text: bool = False) -> Entry | None:
    """The entry in ``data`` when it is whole, of this format and of ``key``; else None. Its tables are read
    in place when asked for (they keep ``data`` alive); the text only when asked for."""
    header = FORMAT + key.encode() + b"\n"
    if not data.startswith(header) or len(data) < len(header) + 32 + _LENGTH.size:
        return None
    digest, start = data[len(header) : len(header) + 32], len(header) + 32
    view = memoryview(data)[start:]
    if hashlib.sha256(view).digest() != digest:
        return None
    try:
        (size,) = _LENGTH.unpack_from(view)
        parsed = json.loads(bytes(view[_LENGTH.size : _LENGTH.size + size]))
        blobs = start + _LENGTH.size + size
        blobs += _padding(blobs)
        layout = {str(name): (blobs + int(offset), int(length)) for name, (offset, length) in parsed["layout"].items()}
        if any(
            offset + length > len(data) or (name and name not in TABLES) for name, (offset, length) in layout.items()
        ):
            return None
        found = layout.pop("", None)
        entry = Entry(StreamParts(pa.py_buffer(data), layout), parsed["meta"])
        if text and found is not None:
            entry.text = data[found[0] : found[0] + found[1]].decode("utf-8")
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None  # a payload that passed its checksum but is not ours: a miss like any other
    return entry


def _ends(layout: Mapping[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    return {name: (offset, offset + length) for name, (offset, length) in layout.items()}


def document_entry(tables: DocumentTables) -> Entry:
    meta = {
        "doc_id": tables.doc_id,
        "anomalies": tables.anomalies,
        "warnings": tables.warnings,
        "unnormalised": tables.unnormalised,
        "rows": tables.rows,
        "facts": asdict(tables.facts),
    }
    return Entry(tables.tables, meta, tables.text)


def document_tables(entry: Entry) -> DocumentTables | None:
    meta = entry.meta
    try:
        return DocumentTables(
            str(meta["doc_id"]),
            entry.tables,
            anomalies=[(str(m), str(k)) for m, k in meta["anomalies"]],
            warnings=[(str(m), str(k)) for m, k in meta["warnings"]],
            unnormalised=int(meta["unnormalised"]),
            rows={str(name): int(n) for name, n in meta["rows"].items()},
            facts=Facts(**meta["facts"]),
            text=entry.text,
        )
    except (KeyError, TypeError, ValueError):
        return None


UNCHECKED = ".new"


def put_unchecked(folder: Path, key: str, entry: bytes) -> None:
    """Write an unchecked entry into the cache ``folder`` atomically; a cache that cannot be written only
    costs speed."""
    target = Path(folder) / key[:2] / f"{key}{UNCHECKED}"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(entry)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:
        return


class BuildCache:
    """The cache folder of one OUT: its segments and unchecked entries. ``hits``, ``misses`` and ``rejected``
    count this build's lookups of documents (``rejected``: of any unit found but not to be trusted)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.hits = 0
        self.misses = 0
        self.segments, self.rejected = segments.load_all(self.folder)
        self._where: dict[str, segments.Segment] = {}
        for segment in self.segments:
            for key in segment.units:
                self._where.setdefault(key, segment)
        self._sound: dict[str, bool] = {}

    def _segment(self, key: str) -> segments.Segment | None:
        """The segment holding unit ``key``, checked once per build (a damaged one is deleted)."""
        segment = self._where.get(key)
        if segment is None:
            return None
        if segment.name not in self._sound:
            try:
                segment.verify()
                self._sound[segment.name] = True
            except segments.DamagedSegment:
                self._sound[segment.name] = False
                shutil.rmtree(segment.folder, ignore_errors=True)
        if not self._sound[segment.name]:
            self.rejected += 1
            return None
        return segment

    def get(self, key: str) -> tuple[DocumentTables, bool] | None:
        """A document's tables and whether they were checked (from a segment) or not (an unchecked entry),
        or None when there is none that can be trusted."""
        segment = self._segment(key)
        if segment is not None:
            found = document_tables(Entry(segment.parts(key), segment.units[key].meta))
            if found is not None:
                self.hits += 1
                return found, True
            self.rejected += 1
        entry = self.entry(key, text=True)
        found = document_tables(entry) if entry is not None else None
        if entry is not None and found is None:
            self.rejected += 1
        if found is None:
            self.misses += 1
            return None
        self.hits += 1
        return found, False

    def derived(self, key: str) -> Entry | None:
        """What several documents gave (a pair of editions, an outcome report's links), from a segment."""
        segment = self._segment(key)
        return None if segment is None else Entry(segment.parts(key), segment.units[key].meta)

    def text(self, key: str) -> str | None:
        """A document's extracted text, from the segment that holds it."""
        segment = self._segment(key)
        return None if segment is None else segment.text(key)

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}{UNCHECKED}"

    def entry(self, key: str, *, text: bool = False) -> Entry | None:
        """The unchecked entry of ``key``, or None when there is none or it cannot be trusted (counted in
        ``rejected`` when it is there but damaged or of another version)."""
        try:
            data = self._path(key).read_bytes()
        except OSError:
            return None
        found = decode(data, key, text=text)
        if found is None:
            self.rejected += 1
        return found

    def put(self, key: str, entry: bytes) -> None:
        put_unchecked(self.folder, key, entry)

    def release(self, name: str) -> None:
        """Let go of every segment's table ``name`` (once it is joined)."""
        for segment in self.segments:
            segment.release(name)

    def commit(self, made: Sequence[segments.Made], used: set[str], orders: Mapping[str, Sequence[str]]) -> None:
        """After the checks passed and the tables were published: what this build made as a new segment, its
        unchecked entries removed, segments tidied (:func:`.segments.tidy`) and every other unchecked entry
        removed. A cache that cannot be written only costs speed."""
        written = segments.write(self.folder, made, orders)
        made_keys = {unit.key for unit in made}
        for path in self.folder.glob(f"*/*{UNCHECKED}"):
            # an entry now in a segment, or of a document this build does not have
            if path.stem not in used or (written is not None and path.stem in made_keys):
                path.unlink(missing_ok=True)
                with contextlib.suppress(OSError):
                    path.parent.rmdir()  # when it was the last of its folder
        sound = [s for s in self.segments if self._sound.get(s.name, True)]
        new = segments.Segment.load(written) if written is not None else None
        try:
            segments.tidy(self.folder, [*sound, *([new] if new is not None else [])], used, orders)
        except (OSError, segments.DamagedSegment):
            return  # an untidy cache only costs speed and space
