"""Shared fixtures: the real corpus, read and segmented once per test session, and an isolated project.

Every test runs against a temporary project root (``POLICYCMP_ROOT``): a copy of ``data/raw`` and the
notebooks, with its own ``data/processed``. A library default that writes tables or reports therefore
writes there, never into the checkout; the session ends by checking that ``data/processed`` of the
checkout was not touched.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest

from policycmp.ingest.clauses import clause_table
from policycmp.ingest.corpus import read_corpus
from policycmp.ingest.integrity import sha256_hex
from policycmp.ingest.register import with_hashes
from policycmp.ingest.registry import load_registry
from policycmp.model import Corpus

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
SHARED = ROOT.parent / "shared"
POLICY_FILES = {
    "zhenhai-2024-policy": "zhenhai-2024-policy.txt",
    "linping-2024-policy": "linping-2024-policy.txt",
    "qujiang-2023-policy": "qujiang-2023-policy.txt",
}


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return (
        {p.name: (p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder.glob("*"))} if folder.is_dir() else {}
    )


@pytest.fixture(scope="session", autouse=True)
def isolated_project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A temporary project root that every default path of the library points at."""
    root = tmp_path_factory.mktemp("project")
    shutil.copytree(RAW, root / "data" / "raw")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    (root / "data" / "processed").mkdir()
    checkout_tables = _snapshot(ROOT / "data" / "processed")
    previous = os.environ.get("POLICYCMP_ROOT")
    os.environ["POLICYCMP_ROOT"] = str(root)
    yield root
    if previous is None:
        del os.environ["POLICYCMP_ROOT"]
    else:
        os.environ["POLICYCMP_ROOT"] = previous
    assert _snapshot(ROOT / "data" / "processed") == checkout_tables, "a test wrote into data/processed/"


@pytest.fixture(scope="session")
def shared() -> Path:
    """``../shared`` beside the checkout (as in CI): the seed list and the real-world captures."""
    if not (SHARED / "seeds" / "SHA256SUMS").is_file():
        pytest.fail(f"{SHARED} is missing: clone the project beside shared/, as CI does (see README)")
    return SHARED


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    return read_corpus(RAW / "sources.yaml")


@pytest.fixture(scope="session")
def clauses(corpus):
    table, _ = clause_table(corpus)
    return table


@pytest.fixture(scope="session")
def anomalies(corpus):
    _, table = clause_table(corpus)
    return table


@pytest.fixture()
def raw_copy(tmp_path) -> Path:
    """A writable copy of data/raw to damage or transform."""
    target = tmp_path / "raw"
    shutil.copytree(RAW, target)
    return target


def rehash(raw: Path) -> None:
    """Record the current bytes of every raw file of ``raw`` in its sources.yaml, as re-adding each would.

    A test that edits a raw file on purpose (to see how the build reads the edit) registers the new
    bytes first; otherwise the build refuses the file as changed, which is what it must do.
    """
    sources = raw / "sources.yaml"
    hashes = {}
    for doc in load_registry(sources):
        if doc.path.is_file():
            hashes[doc.line] = sha256_hex(doc.path.read_bytes())
    sources.write_text(with_hashes(sources.read_text(encoding="utf-8"), hashes), encoding="utf-8")


def with_an_empty_span(real):
    """``documents.document_tables`` giving Zhenhai's first quantity an empty span (a bug in a stage)."""

    def shares(reading, stages):
        made = real(reading, stages)
        if made.doc_id == "zhenhai-2024-policy":
            quantities = made.tables["quantities"]
            spans = quantities.column("span").to_pylist()
            spans[0] = ""
            at = quantities.schema.get_field_index("span")
            made.tables["quantities"] = quantities.set_column(at, "span", pa.array(spans, pa.large_string()))
        return made

    return shares
