"""``policycmp build``: every registered document into the processed tables, all or nothing."""
from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import paths
from .clauses import clause_frame, clause_rows
from .decoding import read_document
from .registry import Document, load_registry
from .segment import segment_policy

ANOMALY_DTYPES = {"doc_id": "string", "file": "string", "line": "int64", "kind": "string", "message": "string"}
MANIFEST = "build_manifest.json"


@dataclass
class Corpus:
    """The registered documents with their canonical texts, read once per build."""

    documents: list[Document]
    texts: dict[str, str]

    def of_kind(self, kind: str) -> list[Document]:
        return [d for d in self.documents if d.kind == kind]


@dataclass
class BuildResult:
    tables: dict[str, pd.DataFrame]
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def read_corpus(sources: Path) -> Corpus:
    documents = load_registry(sources)
    return Corpus(documents, {doc.id: read_document(doc.path) for doc in documents})


def clause_table(corpus: Corpus) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The clause table and the numbering anomalies met while segmenting."""
    rows: list[dict[str, object]] = []
    anomalies: list[dict[str, object]] = []
    for doc in corpus.of_kind("policy"):
        text = corpus.texts[doc.id]
        seg = segment_policy(text, doc.path)
        rows.extend(clause_rows(doc, text, seg))
        anomalies.extend({"doc_id": doc.id, "file": str(doc.path.name), "line": line, "kind": kind, "message": msg}
                         for line, kind, msg in seg.anomalies)
    return clause_frame(rows), pd.DataFrame(anomalies, columns=list(ANOMALY_DTYPES)).astype(ANOMALY_DTYPES)


def build_tables(corpus: Corpus) -> BuildResult:
    """All tables of the contract from a corpus (pure: no file is written)."""
    clauses, anomalies = clause_table(corpus)
    result = BuildResult({"clauses": clauses, "anomalies": anomalies})
    result.warnings.extend(f"{row.file}:{row.line}: {row.message}" for row in anomalies.itertuples())
    _add_quantities(result)
    _add_comparisons(result, corpus)
    return result


def _add_quantities(result: BuildResult) -> None:
    from .quantities import quantities_table, unnormalised_count

    quantities = quantities_table(result.tables["clauses"])
    result.tables["quantities"] = quantities
    unnormalised = unnormalised_count(quantities)
    result.notes.append(f"{len(quantities)} quantities ({unnormalised} could not be normalised)")
    if unnormalised:
        result.warnings.append(f"{unnormalised} quantities could not be normalised; kept with kind 'other' "
                               "and the unit as written")


def _add_comparisons(result: BuildResult, corpus: Corpus) -> None:
    try:
        from .compare import comparison_tables
    except ImportError:  # the comparison stage is optional while it is being built
        return
    extra = comparison_tables(result.tables, corpus)
    result.tables.update(extra.tables)
    result.warnings.extend(extra.warnings)
    result.notes.extend(extra.notes)


def input_fingerprint(sources: Path) -> str:
    """A hash of everything a build reads: the registry, its files, and the package's code and data."""
    digest = hashlib.sha256()
    sources = Path(sources)
    files = [sources]
    try:
        files += [doc.path for doc in load_registry(sources)]
    except Exception:  # an unreadable registry still gets a fingerprint; the build reports the error
        pass
    files += sorted(p for p in paths.package_dir().rglob("*") if p.suffix in {".py", ".yaml", ".csv"})
    for path in files:
        digest.update(str(path.name).encode())
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"<missing>")
    return digest.hexdigest()


def build(raw_dir: str | Path | None = None, out_dir: str | Path | None = None, *, echo=print) -> BuildResult:
    """Read ``raw_dir/sources.yaml``, build every table and publish them into ``out_dir`` atomically."""
    from .storage import publish

    raw_dir = Path(raw_dir) if raw_dir else paths.raw_dir()
    out_dir = Path(out_dir) if out_dir else paths.processed_dir()
    sources = raw_dir / "sources.yaml"
    corpus = read_corpus(sources)
    result = build_tables(corpus)
    manifest = {
        "fingerprint": input_fingerprint(sources),
        "documents": [d.id for d in corpus.documents],
        "tables": {name: len(frame) for name, frame in sorted(result.tables.items())},
    }
    files: dict[str, object] = {f"{name}.parquet": frame for name, frame in sorted(result.tables.items())}
    files[MANIFEST] = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    publish(files, out_dir)
    for warning in result.warnings:
        echo(f"warning: {warning}", file=sys.stderr)
    counts = ", ".join(f"{n} {name}" for name, n in manifest["tables"].items())
    echo(f"built {len(corpus.documents)} documents into {out_dir}: {counts}")
    for note in result.notes:
        echo(f"  {note}")
    return result


def is_stale(raw_dir: str | Path | None = None, out_dir: str | Path | None = None) -> bool:
    """True when OUT was not built from the current inputs (or is missing)."""
    raw_dir = Path(raw_dir) if raw_dir else paths.raw_dir()
    out_dir = Path(out_dir) if out_dir else paths.processed_dir()
    try:
        manifest = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return True
    return manifest.get("fingerprint") != input_fingerprint(raw_dir / "sources.yaml")
