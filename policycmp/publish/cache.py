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
import fcntl
import hashlib
import json
import os
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
    # what several documents give (outcome links, edition pairs) is keyed by theirs: the code that makes it too
    "publish/assemble.py",
    "publish/pairs.py",
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


Span = tuple[int, int]  # offset and length of a part of an entry's file


def _head(data: bytes | memoryview, key: str, size: int) -> tuple[dict[str, Any], dict[str, Span]] | None:
    """The meta and the layout (each table's stream, and the text under "", by offset in the file) of the
    entry whose file starts with ``data`` and has ``size`` bytes; None when it is not an entry of ``key``."""
    header = FORMAT + key.encode() + b"\n"
    start = len(header) + 32
    if bytes(data[: len(header)]) != header or len(data) < start + _LENGTH.size:
        return None
    try:
        (length,) = _LENGTH.unpack_from(data, start)
        if len(data) < start + _LENGTH.size + length:
            return None
        parsed = json.loads(bytes(data[start + _LENGTH.size : start + _LENGTH.size + length]))
        blobs = start + _LENGTH.size + length
        blobs += _padding(blobs)
        layout = {str(name): (blobs + int(offset), int(n)) for name, (offset, n) in parsed["layout"].items()}
        if any(offset + n > size or (name and name not in TABLES) for name, (offset, n) in layout.items()):
            return None
        return dict(parsed["meta"]), layout
    except (ValueError, KeyError, TypeError, AttributeError, struct.error):
        return None  # a payload that passed its checksum but is not ours: a miss like any other


def _sound(data: bytes, key: str) -> bool:
    """``data`` is whole: its payload has the SHA-256 its header records."""
    start = len(FORMAT) + len(key) + 1
    return (
        len(data) >= start + 32 and hashlib.sha256(memoryview(data)[start + 32 :]).digest() == data[start : start + 32]
    )


def decode(data: bytes, key: str, *, text: bool = False) -> Entry | None:
    """The entry in ``data`` when it is whole, of this format and of ``key``; else None. Its tables are read
    in place when asked for (they keep ``data`` alive); the text only when asked for."""
    head = _head(data, key, len(data)) if _sound(data, key) else None
    if head is None:
        return None
    meta, layout = head
    found = layout.pop("", None)
    entry = Entry(StreamParts(pa.py_buffer(data), layout), meta)
    if text and found is not None:
        try:
            entry.text = data[found[0] : found[0] + found[1]].decode("utf-8")
        except UnicodeDecodeError:
            return None
    return entry


class FileParts(Parts):
    """An entry file's tables, each read in place (memory-mapped) when asked for and let go of with it: a
    build does not hold the entries of the documents it read, only the table it is joining."""

    def __init__(self, path: Path, layout: Mapping[str, Span]):
        super().__init__({})
        self._path = path
        self._layout = {name: span for name, span in layout.items() if name}
        self._text = layout.get("")

    def part(self, name: str) -> Part:
        offset, length = self._layout[name]
        return pa.ipc.open_stream(pa.memory_map(str(self._path)).read_at(length, offset)).read_all()

    def text(self) -> str | None:
        if self._text is None:
            return None
        with self._path.open("rb") as handle:
            handle.seek(self._text[0])
            return handle.read(self._text[1]).decode("utf-8")

    def __iter__(self) -> Iterator[str]:
        return iter(self._layout)

    def __len__(self) -> int:
        return len(self._layout)


HEAD = 1 << 16  # enough of an entry's file for its meta (a document's warnings and facts) in one read


def open_entry(path: Path, key: str, *, verify: bool) -> Entry | None:
    """The entry in the file ``path``, its tables read in place when asked for; None when there is none, or
    (with ``verify``: its payload read and checked against its SHA-256) when it cannot be trusted."""
    try:
        if verify:
            data = path.read_bytes()
            if not _sound(data, key):
                return None
            size, head = len(data), data[:HEAD]
        else:
            with path.open("rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                head = handle.read(HEAD)
        found = _head(head, key, size)
        if found is None and len(head) == HEAD:  # a meta longer than HEAD: read it whole
            data = path.read_bytes()
            found = _head(data, key, size)
    except OSError:
        return None
    if found is None:
        return None
    meta, layout = found
    return Entry(FileParts(path, layout), meta)


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


def put_unchecked(folder: Path, key: str, entry: bytes) -> bool:
    """Write an unchecked entry into the cache ``folder`` atomically; False when it could not be written (a
    cache that cannot be written only costs speed)."""
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
        return False
    return True


class BuildCache:
    """The cache folder of one OUT: its segments and unchecked entries. ``hits``, ``misses`` and ``rejected``
    count this build's lookups of documents (``rejected``: of any unit found but not to be trusted)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.hits = 0
        self.misses = 0
        self._lock = _shared_lock(self.folder)
        self.segments, self._unreadable, self.rejected = segments.load_all(self.folder)
        self._where: dict[str, segments.Segment] = {}
        for segment in self.segments:
            for key in segment.units:
                self._where.setdefault(key, segment)
        self._sound: dict[str, bool] = {}

    def _segment(self, key: str, *, count: bool = True) -> segments.Segment | None:
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
                self._unreadable.append(segment.folder)
        if not self._sound[segment.name]:
            self.rejected += count
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
        entry = self.entry(key)
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

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}{UNCHECKED}"

    def entry(self, key: str, *, verify: bool = True) -> Entry | None:
        """The unchecked entry of ``key``, its tables read in place from its file when asked for; None when
        there is none or it cannot be trusted (counted in ``rejected`` when it is there but damaged or of
        another version). Without ``verify``, its payload is not read: an entry this build's own worker
        has just written."""
        path = self._path(key)
        if not path.exists():
            return None
        found = open_entry(path, key, verify=verify)
        if found is None:
            self.rejected += 1
        return found

    def text(self, key: str) -> str | None:
        """A document's extracted text, from the segment or the unchecked entry that holds it."""
        segment = self._segment(key, count=False)
        if segment is not None:
            return segment.text(key)
        entry = open_entry(self._path(key), key, verify=False)
        return entry.tables.text() if entry is not None and isinstance(entry.tables, FileParts) else None

    def put(self, key: str, entry: bytes) -> None:
        put_unchecked(self.folder, key, entry)

    def release(self, name: str) -> None:
        """Let go of every segment's table ``name`` (once it is joined)."""
        for segment in self.segments:
            segment.release(name)

    def commit(self, made: Sequence[segments.Made], used: set[str], orders: Mapping[str, Sequence[str]]) -> None:
        """After the checks passed and the tables were published: what this build made as a new segment. Then,
        when no other build is reading the cache, the unchecked entries now in it removed, and those of
        documents this build does not have, and the segments tidied (:func:`.segments.tidy`). A cache that
        cannot be written or tidied only costs speed and space."""
        written = segments.write(self.folder, made, orders)
        if not self._alone():
            return
        for folder in self._unreadable:
            segments.delete(folder)
        made_keys = {unit.key for unit in made}
        for path in self.folder.glob(f"*/*{UNCHECKED}"):
            if path.stem not in used or (written is not None and path.stem in made_keys):
                path.unlink(missing_ok=True)
                with contextlib.suppress(OSError):
                    path.parent.rmdir()  # when it was the last of its folder
        sound = [s for s in self.segments if self._sound.get(s.name, True)]
        new = segments.Segment.load(written) if written is not None else None
        try:
            segments.tidy(self.folder, [*sound, *([new] if new is not None else [])], used, orders)
        except (OSError, segments.DamagedSegment):
            return

    def _alone(self) -> bool:
        """Whether this build may delete from the cache: no other build holds it (it is taken exclusively)."""
        if self._lock is None:
            return False
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def close(self) -> None:
        """Let go of the cache (its lock)."""
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None


LOCK = "lock"


def _shared_lock(folder: Path) -> int | None:
    """A shared lock on the cache folder for the build's whole run: files a build reads are deleted only by
    a build that holds the lock alone. None when the folder cannot be written (then nothing is deleted)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        return None
    try:
        fcntl.flock(handle, fcntl.LOCK_SH)
    except OSError:
        os.close(handle)
        return None
    return handle
