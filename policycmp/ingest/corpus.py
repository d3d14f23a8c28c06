"""The corpus: every registered document with its canonical text, read once per build."""

from __future__ import annotations

from pathlib import Path

from ..model import Corpus
from .readers import read_document
from .registry import load_registry


def read_corpus(sources: str | Path) -> Corpus:
    documents = load_registry(sources)
    return Corpus(documents, {doc.id: read_document(doc.path) for doc in documents})
