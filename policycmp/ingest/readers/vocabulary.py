"""The readers' reference knowledge (``readers.yaml``): suffixes, charsets, page chrome, page numbers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ...errors import PolicyInputError
from ...vocabulary import load
from ...vocabulary.loader import path_of

FILE = "readers.yaml"


def _sections(path: Path, data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise PolicyInputError(path, "expected a mapping of sections (formats, refused, html, pdf)")
    return data


def vocabulary(section: str) -> Any:
    """One section of ``readers.yaml``, as the file holds it now (re-read when its content changes)."""
    data = load(_sections, FILE)
    if section not in data:
        raise PolicyInputError(path_of(FILE), f"missing section {section!r}")
    return data[section]


def vocabulary_path() -> Path:
    return path_of(FILE)
