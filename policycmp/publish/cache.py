"""The build's per-document cache: what one document gave, kept so that the next build need not read it again.

An entry holds a :class:`~.documents.DocumentReading` (the extracted text, the clause rows or report
pieces, the quantities and the per-clause comparison readings). Its key is the SHA-256 of

- the raw file's bytes (their SHA-256, which the build computes anyway to check them),
- the registry entry's fields that go into the rows (id, kind, district, year, status…),
- the fingerprint of the code and vocabularies that shape a document's rows (``ingest``,
  ``extract``, ``compare``, the leaf modules, ``publish/documents.py`` and this file, every vocabulary
  file; not ``report`` nor the rest of the build),
- whether the build is ``--strict``, and this file's format version,

so any change to what a document's rows depend on misses the cache, and the document is read again.

The folder lives beside OUT (``data/.processed.cache`` for ``data/processed``), never inside it, so a
failed build leaves OUT as it was even when it cached the documents it had read. It is safe to delete.
Two builds may share it: an entry is written to a temporary file and renamed into place (a reader sees
the old entry, the new one, or none, never half of one), and every entry carries its key and the
SHA-256 of its payload, so an entry that is corrupt, cut short or of another version is read as a
miss and rebuilt, never trusted. The payload is a pickle: the folder is as trusted as the code
(like ``.venv``); the checks guard against damage, not against someone who can write there.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import operator
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

from .. import paths, schema
from ..model import Document
from ..vocabulary import data_dir
from .documents import DocumentReading

FORMAT = b"policycmp-build-cache 2\n"
# The parts of the package whose code shapes a document's rows.
SHAPING = ("ingest", "extract", "compare", "vocabulary", "data")
# the leaf modules, and the two modules of this stage that make and keep a document's reading
LEAVES = ("model.py", "schema.py", "chinese.py", "errors.py", "publish/documents.py", "publish/cache.py")
CODE_SUFFIXES = {".py", ".yaml", ".csv"}
STATE = "last_build.json"


def cache_dir(out_dir: Path) -> Path:
    """The cache folder of the build that writes ``out_dir``: a hidden sibling of it."""
    out_dir = Path(out_dir)
    return out_dir.parent / f".{out_dir.name}.cache"


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
    return hashlib.sha256(FORMAT + json.dumps(fields, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


# The table rows are frozen dataclasses with slots: pickle would restore each through
# dataclasses' __setstate__, which looks up the class's fields once per row (8 of the 9 seconds of
# reading 1,000 documents' entries). They are written as their class and a tuple of their values,
# and made again by calling the class.
ROW_TYPES = frozenset(schema.TABLES.values())
_GETTERS = {cls: operator.attrgetter(*(f.name for f in dataclasses.fields(cls))) for cls in ROW_TYPES}


def _row(cls: type, values: tuple) -> object:
    return cls(*values)


class _RowPickler(pickle.Pickler):
    def reducer_override(self, obj: object) -> Any:
        getter = _GETTERS.get(type(obj))
        if getter is None:
            return NotImplemented
        return _row, (type(obj), getter(obj))


class BuildCache:
    """The entries of one cache folder; ``hits``, ``misses`` and ``rejected`` count this build's lookups."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.hits = 0
        self.misses = 0
        self.rejected = 0  # entries found but corrupt, cut short or of another version

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.entry"

    def get(self, key: str) -> DocumentReading | None:
        """The entry of ``key``, or None when there is none or it cannot be trusted."""
        try:
            data = self._path(key).read_bytes()
        except OSError:
            self.misses += 1
            return None
        reading = self.decode(data, key)
        if reading is None:
            self.rejected += 1
            self.misses += 1
        else:
            self.hits += 1
        return reading

    @staticmethod
    def decode(data: bytes, key: str) -> DocumentReading | None:
        header = FORMAT + key.encode() + b"\n"
        if not data.startswith(header) or len(data) < len(header) + 32:
            return None
        digest, payload = data[len(header) : len(header) + 32], data[len(header) + 32 :]
        if hashlib.sha256(payload).digest() != digest:
            return None
        try:
            reading = pickle.loads(payload)
        except Exception:  # a payload that passed its checksum but is not ours: a miss like any other
            return None
        return reading if isinstance(reading, DocumentReading) else None

    @staticmethod
    def encode(reading: DocumentReading, key: str) -> bytes:
        out = io.BytesIO()
        _RowPickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(reading)
        payload = out.getvalue()
        return FORMAT + key.encode() + b"\n" + hashlib.sha256(payload).digest() + payload

    def put(self, key: str, entry: bytes) -> None:
        """Write an encoded entry atomically; a cache that cannot be written only costs speed."""
        target = self._path(key)
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

    def prune(self, keep: set[str]) -> int:
        """Remove the entries of other inputs (older documents, other code); returns how many."""
        removed = 0
        for path in self.folder.glob("*/*.entry"):
            if path.stem not in keep:
                try:
                    path.unlink(missing_ok=True)
                except OSError:
                    continue  # a cache that cannot be tidied only costs space
                removed += 1
        return removed

    # --- what the last build of this OUT was made from, for the build where nothing changed ---

    def last_state(self) -> dict | None:
        try:
            state = json.loads((self.folder / STATE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return state if isinstance(state, dict) else None

    def save_state(self, state: dict) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=self.folder)
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(state, out, ensure_ascii=False, sort_keys=True)
            os.replace(temporary, self.folder / STATE)
        except OSError:
            return
