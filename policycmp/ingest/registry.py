"""The document registry, ``data/raw/sources.yaml``: which files exist and what they are."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml

from ..editions import Edition
from ..errors import PolicyInputError
from ..model import DOCUMENT_KINDS as KINDS
from ..model import DOCUMENT_STATUSES as STATUSES
from ..model import Document
from ..vocabulary.gazetteer import load_gazetteer
from ..vocabulary.loader import parse_yaml_node, read_bytes
from . import places

REQUIRED = ("id", "file", "kind", "district", "district_zh", "city", "province", "year", "status", "title", "issued")
ID_RX = re.compile(r"^[a-z0-9-]+$")
KEY_RX = re.compile(r"^[a-z][a-z0-9_]*$")
SHA256_RX = re.compile(r"^[0-9a-f]{64}$")


def _entry_nodes(root: yaml.Node | None) -> list[yaml.Node]:
    """The node of each ``documents`` entry: its marks give the lines errors point at."""
    for key, value in getattr(root, "value", []) or []:
        if getattr(key, "value", None) == "documents" and isinstance(value, yaml.SequenceNode):
            return list(value.value)
    return []


def _value_line(entry: yaml.Node | None, key: str) -> int | None:
    """The line of ``key``'s value in one entry's node."""
    if isinstance(entry, yaml.MappingNode):
        for name, value in entry.value:
            if getattr(name, "value", None) == key:
                return int(value.start_mark.line) + 1
    return None


def load_registry(sources: str | Path) -> list[Document]:
    """Read and validate ``sources.yaml``; every problem is a one-line error naming file and line.

    ``documents: []`` is a valid, empty registry (the contract's): ``policycmp add`` starts from it.
    """
    sources = Path(sources)
    # one parse gives both the entries and their lines (a registry of 1,000 documents parses in 0.5 s)
    data, root = parse_yaml_node(read_bytes(sources), sources)
    if not isinstance(data, dict) or not isinstance(data.get("documents"), list):
        raise PolicyInputError(sources, "expected a top-level 'documents:' list (empty: 'documents: []')")
    nodes = _entry_nodes(root)
    lines = [node.start_mark.line + 1 for node in nodes]
    documents: list[Document] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(data["documents"]):
        line = lines[index] if index < len(lines) else None
        documents.append(_document(entry, sources, line))
        doc = documents[-1]
        if doc.id in seen:
            raise PolicyInputError(sources, f"duplicate document id {doc.id!r} (first at line {seen[doc.id]})", line)
        seen[doc.id] = line or 0
    _check_places(documents, sources, nodes)
    _check_editions(documents, sources)
    return documents


def _check_places(documents: list[Document], sources: Path, nodes: list[yaml.Node]) -> None:
    """Every district key is a place in the gazetteer (a city report's, a city): a key it does not know
    would build with another place's name and city, and a report page of its own. Refused, naming the
    closest entries, as `policycmp add --district` does; a place not yet in the gazetteer is added there."""
    gazetteer = load_gazetteer()
    for index, doc in enumerate(documents):
        if gazetteer.get(doc.district) is None:
            line = _value_line(nodes[index] if index < len(nodes) else None, "district") or doc.line or None
            raise PolicyInputError(
                sources,
                f"document {doc.id!r}: district {doc.district!r} is not in the gazetteer "
                f"(closest: {places.describe(places.closest(doc.district, gazetteer=gazetteer))}); "
                f"use one of its keys, or add the place to {gazetteer.path.name}",
                line,
            )


def as_edition(doc: Document) -> Edition:
    return Edition(doc.id, doc.district, doc.kind, doc.year, doc.status)


def _check_editions(documents: list[Document], sources: Path) -> None:
    """Two documents of one district, kind, year and status cannot be ordered as editions: refused,
    naming both (editions of one year are told apart by their status, draft before final)."""
    claimed: dict[tuple[str, str, int, str], Document] = {}
    for doc in documents:
        first = claimed.setdefault(as_edition(doc).claim, doc)
        if first is not doc:
            raise PolicyInputError(
                sources,
                f"documents {first.id!r} (line {first.line}) and {doc.id!r} both claim district {doc.district}, "
                f"kind {doc.kind}, year {doc.year}, status {doc.status}: one edition each; correct the year or "
                "status of one, or remove it",
                doc.line or None,
            )


def _document(entry: object, sources: Path, line: int | None) -> Document:
    def fail(message: str) -> PolicyInputError:
        return PolicyInputError(sources, message, line)

    if not isinstance(entry, dict):
        raise fail("each document entry must be a mapping of keys to values")
    missing = [key for key in REQUIRED if entry.get(key) in (None, "")]
    if missing:
        raise fail(f"document {entry.get('id', '?')!r} lacks {', '.join(missing)}")
    doc_id = str(entry["id"])
    if not ID_RX.match(doc_id):
        raise fail(f"document id {doc_id!r} must be lowercase letters, digits and hyphens")
    if entry["kind"] not in KINDS:
        raise fail(f"document {doc_id!r}: kind {entry['kind']!r} is not one of {', '.join(KINDS)}")
    if entry["status"] not in STATUSES:
        raise fail(f"document {doc_id!r}: status {entry['status']!r} is not one of {', '.join(STATUSES)}")
    for key in ("district", "city", "province"):
        if not KEY_RX.match(str(entry[key])):
            raise fail(f"document {doc_id!r}: {key} {entry[key]!r} must be a lowercase pinyin key")
    try:
        year = int(entry["year"])
    except (TypeError, ValueError):
        raise fail(f"document {doc_id!r}: year {entry['year']!r} is not a whole number") from None
    issued = entry["issued"]
    if isinstance(issued, str):
        try:
            issued = dt.date.fromisoformat(issued)
        except ValueError:
            raise fail(f"document {doc_id!r}: issued {issued!r} is not a date YYYY-MM-DD") from None
    if not isinstance(issued, dt.date):
        raise fail(f"document {doc_id!r}: issued {issued!r} is not a date YYYY-MM-DD")
    digest = entry.get("source_sha256")
    if digest is not None and not SHA256_RX.match(str(digest)):
        raise fail(f"document {doc_id!r}: source_sha256 {digest!r} is not a SHA-256 (64 hexadecimal digits)")
    return Document(
        id=doc_id,
        path=(sources.parent / str(entry["file"])),
        kind=entry["kind"],
        district=str(entry["district"]),
        district_zh=str(entry["district_zh"]),
        city=str(entry["city"]),
        province=str(entry["province"]),
        year=year,
        status=entry["status"],
        title=str(entry["title"]),
        issued=issued.isoformat(),
        line=line or 0,
        source_sha256=str(digest) if digest is not None else None,
    )
