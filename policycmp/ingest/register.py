"""``policycmp add``: a document as its government published it, copied into the raw folder and registered.

For each file: read it with the reader for its format (a refusal is a one-line error), infer its
registry entry from the text (:func:`.entry.infer`; command-line values override), refuse what
cannot be registered — a file already registered (same SHA-256), a second document of one district,
kind, year and status, an edition whose year only its issue date gives, a place not in the
gazetteer, a kind it cannot tell — then copy the file byte for byte under ``<id><suffix>`` and
append the entry to ``sources.yaml``. This module reads and checks; :mod:`policycmp.publish.register`
writes, through the one atomic publish of the build and the report, once every file has passed.

Ids: the first document registered for a district, kind and year keeps the plain
``<district>-<year>-<slug>``; another edition of that year (a final beside its draft, or the
reverse) gets its status after it (``zhenhai-2024-policy-final``). Ids in use never change, so the
clause ids made from them stay as they are.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..editions import Edition
from ..errors import PolicyInputError
from ..model import DOCUMENT_KINDS, Document
from .decoding import canonical_text
from .entry import infer
from .outcome_report import read_report
from .readers import read_raw
from .registry import as_edition, load_registry
from .segment import segment_policy

ENTRY_KEYS = ("id", "file", "kind", "district", "district_zh", "city", "province", "year", "status", "title", "issued")


@dataclass
class Addition:
    """One file to add: where it is, its bytes, the registry entry inferred for it, and whether the
    year was stated (not taken from the issue date).

    A registered raw file given again (its bytes changed since) is re-registered: ``line`` is where its
    entry starts in sources.yaml, and only that entry's ``source_sha256`` changes.
    """

    source: Path
    data: bytes
    entry: dict[str, Any]
    year_stated: bool = True
    line: int | None = None

    @property
    def file_name(self) -> str:
        return str(self.entry["file"])

    @property
    def edition(self) -> Edition:
        e = self.entry
        return Edition(str(e["id"]), str(e["district"]), str(e["kind"]), int(e["year"]), str(e["status"]))

    @property
    def re_registered(self) -> bool:
        return self.line is not None


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Registered:
    """What a registry holds already (and the files added before this one in the same call)."""

    ids: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    hashes: set[str] = field(default_factory=set)
    editions: list[tuple[Edition, str]] = field(default_factory=list)  # with each one's file name

    def claimed(self, edition: Edition) -> tuple[Edition, str] | None:
        """The document that claims the same district, kind, year and status, if one does."""
        return next(((e, name) for e, name in self.editions if e.claim == edition.claim), None)

    def others(self, edition: Edition) -> list[str]:
        """The ids of the district's other editions of that kind."""
        return [e.doc_id for e, _ in self.editions if (e.district, e.kind) == (edition.district, edition.kind)]

    def add(self, addition: Addition) -> None:
        self.hashes.add(addition.entry["source_sha256"])
        self.ids.add(addition.entry["id"])
        self.names.add(addition.file_name)
        self.editions.append((addition.edition, addition.file_name))


def registered(sources: Path) -> Registered:
    """The ids, file names, content hashes and editions of the documents already registered (empty
    when the registry is new)."""
    if not sources.is_file():
        return Registered()
    documents = load_registry(sources)
    hashes = set()
    for doc in documents:
        try:
            hashes.add(_sha256(doc.path.read_bytes()))
        except OSError:
            continue  # a missing file is the build's to report
    return Registered(
        {d.id for d in documents},
        {d.path.name for d in documents},
        hashes,
        [(as_edition(d), d.path.name) for d in documents],
    )


def _registered_as(path: Path, documents: list[Document]) -> Document | None:
    """The entry whose raw file ``path`` is (given again to record its new bytes), if any."""
    try:
        here = path.resolve()
    except OSError:
        return None
    return next((d for d in documents if d.path.resolve() == here), None)


def re_registration(path: Path, doc: Document) -> Addition:
    """A registered raw file given to ``add`` again: its new bytes, checked as the build would read them.

    The entry stays as it is (a researcher may have corrected it by hand); only its hash changes.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PolicyInputError(path, f"cannot be read ({exc.strerror})") from None
    digest = _sha256(data)
    if digest == doc.source_sha256:
        raise PolicyInputError(path, f"is already registered as {doc.id!r} with these bytes; nothing to record")
    _check_readable(canonical_text(read_raw(data, path)), doc.kind, path)
    entry = {"id": doc.id, "file": doc.path.name, "source_sha256": digest}
    return Addition(path, data, entry, line=doc.line)


def prepare(
    path: Path,
    *,
    district: str | None = None,
    kind: str | None = None,
    year: int | None = None,
    issued: str | None = None,
    title: str | None = None,
) -> Addition:
    """The file read and its entry inferred; raises a one-line error naming the file when it cannot be."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise PolicyInputError(path, "file not found") from None
    except OSError as exc:
        raise PolicyInputError(path, f"cannot be read ({exc.strerror})") from None
    if kind is not None and kind not in DOCUMENT_KINDS:
        raise PolicyInputError(path, f"--kind {kind!r} is not one of {', '.join(DOCUMENT_KINDS)}")
    text = canonical_text(read_raw(data, path))
    try:
        inferred = infer(text, path.name, kind=kind, district=district, year=year, issued=issued, title=title)
    except PolicyInputError as exc:
        if exc.path != path.name:
            raise  # a vocabulary's own error names that vocabulary
        raise PolicyInputError(path, exc.message, exc.line) from None
    entry = inferred.entry
    _check_readable(text, entry["kind"], path)
    entry = {"id": entry["id"], "file": _file_name(entry["id"], path), **entry}
    entry["source_sha256"] = _sha256(data)
    return Addition(path, data, entry, inferred.year_stated)


def _file_name(doc_id: str, path: Path) -> str:
    return f"{doc_id}{path.suffix.lower()}"


def _check_readable(text: str, kind: str, path: Path) -> None:
    """Refuse now what the build would refuse later (a policy capture that never reaches a section
    heading, an outcome report with neither a table nor a review), so one bad file cannot stop the
    build of the whole corpus. A work report without a targets section builds (it gives no targets)."""
    if kind == "policy":
        segment_policy(text, path)
    elif kind == "outcome_report":
        read_report(text, path)


def entry_yaml(entry: dict[str, Any]) -> str:
    """The entry as the registry writes it: one ``- id: …`` item, keys in the contract's order."""
    ordered = {key: entry[key] for key in (*ENTRY_KEYS, "source_sha256") if key in entry}
    ordered["issued"] = dt.date.fromisoformat(str(ordered["issued"]))  # a YAML date, as the registry writes it
    text = yaml.safe_dump([ordered], allow_unicode=True, sort_keys=False, width=1000)
    return "".join(f"  {line}\n" for line in text.splitlines())


def additions(
    paths: list[Path],
    sources: Path,
    *,
    district: str | None = None,
    kind: str | None = None,
    year: int | None = None,
    issued: str | None = None,
    title: str | None = None,
) -> list[Addition]:
    """Every file of ``paths`` read and its entry inferred and checked against ``sources`` (and
    against the files before it): the first that cannot be registered is a one-line error."""
    raw_dir = sources.parent
    known = registered(sources)
    documents = load_registry(sources) if sources.is_file() else []
    found: list[Addition] = []
    for path in paths:
        again = _registered_as(Path(path), documents)
        if again is not None:
            found.append(re_registration(Path(path), again))
            continue
        addition = prepare(Path(path), district=district, kind=kind, year=year, issued=issued, title=title)
        if addition.entry["source_sha256"] in known.hashes:
            raise PolicyInputError(path, "is already registered (a registered file has the same SHA-256)")
        _place_edition(addition, known, path)
        if addition.file_name in known.names or (raw_dir / addition.file_name).exists():
            raise PolicyInputError(path, f"{raw_dir / addition.file_name} already exists")
        known.add(addition)
        found.append(addition)
    return found


def _place_edition(addition: Addition, known: Registered, path: Path) -> None:
    """Give the addition its id among the district's editions, or refuse it: a second document of
    one district, kind, year and status, or an edition whose year only its issue date gives."""
    entry, edition = addition.entry, addition.edition
    same = known.claimed(edition)
    if same is not None:
        other, other_file = same
        raise PolicyInputError(
            path,
            f"claims the same district, kind, year and status ({edition.district}, {edition.kind}, {edition.year}, "
            f"{edition.status}) as {other.doc_id!r} ({other_file}); pass --year if it is another year's edition, "
            "or remove the old entry first",
        )
    others = known.others(edition)
    if others and not addition.year_stated:
        raise PolicyInputError(
            path,
            f"states no year its measures apply to, so it cannot be ordered among the {edition.district} "
            f"{edition.kind} editions already registered ({', '.join(sorted(others))}); its issue date "
            f"{entry['issued']} does not tell: pass --year",
        )
    if entry["id"] in known.ids:
        entry["id"] = f"{entry['id']}-{edition.status}"
        entry["file"] = _file_name(entry["id"], path)
    if entry["id"] in known.ids:
        raise PolicyInputError(
            path,
            f"id {entry['id']!r} is already taken in the registry by a document of another district, kind or "
            "year; pass --district, --kind or --year, or remove that entry first",
        )


def registry_with(sources: Path, found: list[Addition]) -> str:
    """The text of ``sources`` with the entries of ``found`` appended (a new registry when missing), the
    new hashes of re-registered files recorded, and a hash written into every entry that has none."""
    registry = sources.read_text(encoding="utf-8") if sources.is_file() else "documents:\n"
    hashes = {a.line: str(a.entry["source_sha256"]) for a in found if a.line is not None}
    for doc in load_registry(sources) if sources.is_file() else []:
        if doc.source_sha256 is None and doc.line not in hashes:
            try:
                hashes[doc.line] = _sha256(doc.path.read_bytes())
            except OSError:
                continue  # a missing file is the build's to report
    registry = with_hashes(registry, hashes)
    if registry.rstrip().endswith("documents: []"):  # the empty registry of the contract takes a list now
        registry = registry.rstrip()[: -len("[]")].rstrip() + "\n"
    if not registry.endswith("\n"):
        registry += "\n"
    return registry + "".join(entry_yaml(a.entry) for a in found if a.line is None)


SHA_LINE = re.compile(r"^(?P<indent>\s+)source_sha256:.*$")
ENTRY_START = re.compile(r"^(?P<indent>\s*)-\s+(?P<key>\w+):")


def with_hashes(registry: str, hashes: dict[int, str]) -> str:
    """``registry`` (the text of sources.yaml) with ``source_sha256`` set in the entries starting at the
    given lines (1-based): an existing line is rewritten, a missing one added at the entry's end. Every
    other line, comments included, stays as written."""
    lines = registry.split("\n")
    starts = sorted(hashes)
    # entry ranges: from its start to the line before the next entry, or the end
    everything = [i + 1 for i, line in enumerate(lines) if ENTRY_START.match(line)]
    for start in sorted(starts, reverse=True):  # from the end, so earlier line numbers stay right
        later = [s for s in everything if s > start]
        end = (later[0] - 1) if later else len(lines)
        head = ENTRY_START.match(lines[start - 1])
        indent = (head.group("indent") + "  ") if head else "    "
        digest = hashes[start]
        for i in range(start - 1, end):
            match = SHA_LINE.match(lines[i])
            if match:
                lines[i] = f"{match.group('indent')}source_sha256: {digest}"
                break
        else:
            last = max(i for i in range(start - 1, end) if lines[i].strip())
            lines.insert(last + 1, f"{indent}source_sha256: {digest}")
    return "\n".join(lines)
