"""Checks shared by the comparison vocabularies (instruments, indicators, policy tools, budgets).

Each check raises :class:`PolicyInputError` naming the file and the entry, on one line, before the
vocabulary is used: a build with a bad vocabulary stops before anything is written.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Iterable

from .errors import PolicyInputError
from .vocab import DOMAINS, LEVELS, compile_pattern, read_yaml

KEY_RX = re.compile(r"^[a-z][a-z0-9_]*$")


def file_signature(path: str | Path) -> tuple[str, int, int]:
    """A cache key that changes when the file does, so an edited vocabulary is read again."""
    path = Path(path).resolve()
    try:
        stat = os.stat(path)
    except OSError:
        return (str(path), -1, -1)
    return (str(path), stat.st_mtime_ns, stat.st_size)


def read_mapping(path: Path, list_key: str) -> tuple[dict[str, Any], list[Any]]:
    """The file's top-level mapping and its list of entries under ``list_key``."""
    data = read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get(list_key), list) or not data[list_key]:
        raise PolicyInputError(path, f"expected a top-level '{list_key}:' list with at least one entry")
    return data, data[list_key]


def entry_key(path: Path, entry: Any, field: str, index: int, seen: set[str]) -> str:
    """The entry's key, checked for form and uniqueness."""
    if not isinstance(entry, dict):
        raise PolicyInputError(path, f"entry #{index + 1}: expected a mapping of fields to values")
    key = entry.get(field)
    if not isinstance(key, str) or not KEY_RX.match(key):
        raise PolicyInputError(path, f"entry #{index + 1} ({key!r}): '{field}' must be a lowercase key "
                                     "(letters, digits, _)")
    if key in seen:
        raise PolicyInputError(path, f"entry {key!r}: duplicate {field} (each may appear once)")
    seen.add(key)
    return key


def text_field(path: Path, entry: dict[str, Any], key: str, field: str) -> str:
    value = entry.get(field)
    if not isinstance(value, str) or not value.strip():
        raise PolicyInputError(path, f"entry {key!r}: '{field}' is missing or empty")
    return value


def domain_field(path: Path, key: str, value: Any, field: str = "domain") -> str:
    if value not in DOMAINS:
        raise PolicyInputError(path, f"entry {key!r}: unknown {field} {value!r} (known: {', '.join(DOMAINS)})")
    return str(value)


def domain_list(path: Path, key: str, values: Any, field: str = "domains") -> tuple[str, ...] | None:
    if values is None:
        return None
    if not isinstance(values, list):
        raise PolicyInputError(path, f"entry {key!r}: '{field}' must be a list of domain keys")
    return tuple(domain_field(path, key, v, field[:-1] if field.endswith("s") else field) for v in values)


def level_list(path: Path, key: str, values: Any) -> tuple[str, ...]:
    if values is None:
        return ()
    if not isinstance(values, list):
        raise PolicyInputError(path, f"entry {key!r}: 'levels' must be a list")
    for value in values:
        if value not in LEVELS:
            raise PolicyInputError(path, f"entry {key!r}: unknown level {value!r} (known: {', '.join(LEVELS)})")
    return tuple(values)


def pattern_list(path: Path, key: str, values: Any, field: str, *, required: bool) -> tuple[re.Pattern[str], ...]:
    if values is None and not required:
        return ()
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list) or (required and not values):
        raise PolicyInputError(path, f"entry {key!r}: '{field}' must be a list of regular expressions")
    return tuple(compile_pattern(_pattern_text(path, key, v, field), path, key) for v in values)


def _pattern_text(path: Path, key: str, value: Any, field: str) -> str:
    if not isinstance(value, str) or not value:
        raise PolicyInputError(path, f"entry {key!r}: '{field}' holds {value!r}, not a regular expression")
    return value


def word_list(path: Path, key: str, values: Any) -> tuple[str, ...]:
    if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
        raise PolicyInputError(path, f"entry {key!r}: expected a list of words")
    return tuple(values)


def search_any(patterns: Iterable[re.Pattern[str]], text: str) -> re.Match[str] | None:
    for rx in patterns:
        match = rx.search(text)
        if match:
            return match
    return None
