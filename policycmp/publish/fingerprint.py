"""What a build read, as one hash: the registry, every file it names, and the package's code and
vocabularies. Tables built from other inputs are stale."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path

import yaml

from .. import paths
from ..vocabulary import data_dir

CODE_SUFFIXES = {".py", ".yaml", ".csv"}
MANIFEST = "build_manifest.json"


def _registered_files(sources: Path) -> list[Path]:
    """The files sources.yaml names, read leniently: a broken registry still gets a fingerprint, and
    the build reports what is wrong with it."""
    try:
        data = yaml.safe_load(sources.read_text(encoding="utf-8"))
        entries = data.get("documents") or []
        return [sources.parent / str(entry["file"]) for entry in entries if isinstance(entry, dict) and "file" in entry]
    except (OSError, UnicodeDecodeError, yaml.YAMLError, AttributeError, TypeError, ValueError):
        return []


def input_fingerprint(
    sources: str | Path, registered: list[Path] | None = None, digests: Mapping[Path, str] | None = None
) -> str:
    """A hash of everything a build reads (``registered``: the files sources.yaml names, when the
    caller has already read it, in its order; ``digests``: the SHA-256 of those it has already hashed)."""
    sources = Path(sources)
    digest = hashlib.sha256()
    files = [sources, *(_registered_files(sources) if registered is None else registered)]
    files += sorted(p for p in paths.package_dir().rglob("*") if p.suffix in CODE_SUFFIXES)
    vocabularies = data_dir()
    if vocabularies != paths.package_dir() / "data":
        files += sorted(vocabularies.glob("*.yaml"))
    known = digests or {}
    for path in files:
        digest.update(path.name.encode())
        if path in known:
            digest.update(bytes.fromhex(known[path]))
            continue
        try:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError:
            digest.update(b"<missing>")
    return digest.hexdigest()


def is_stale(raw_dir: str | Path | None = None, out_dir: str | Path | None = None) -> bool:
    """True when OUT was not built from the current inputs (or is missing)."""
    raw = Path(raw_dir) if raw_dir else paths.raw_dir()
    out = Path(out_dir) if out_dir else paths.processed_dir()
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return True
    return bool(manifest.get("fingerprint") != input_fingerprint(raw / "sources.yaml"))


def published_tables(out_dir: str | Path) -> list[str]:
    """The tables the manifest in ``out_dir`` lists (none when there is no readable manifest)."""
    try:
        manifest = json.loads((Path(out_dir) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    tables = manifest.get("tables") if isinstance(manifest, dict) else None
    return [str(name) for name in tables] if isinstance(tables, dict) else []
