"""Shared fixtures: the real corpus, read and segmented once per test session."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from policycmp.build import Corpus, clause_table, read_corpus

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
POLICY_FILES = {
    "zhenhai-2024-policy": "zhenhai-2024-policy.txt",
    "linping-2024-policy": "linping-2024-policy.txt",
    "qujiang-2023-policy": "qujiang-2023-policy.txt",
}


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
