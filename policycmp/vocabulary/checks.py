"""Checks shared by the vocabulary builders: each raises a one-line error naming the file and entry.

A build with a bad vocabulary stops before anything is computed or written.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import PolicyInputError
from .domains import domain_keys
from .loader import compile_pattern
from .tiers import tier_keys

KEY_RX = re.compile(r"^[a-z][a-z0-9_]*$")


def entry_list(path: Path, data: Any, list_key: str) -> list[Any]:
    """The file's list of entries under ``list_key`` (the top level must be a mapping)."""
    if not isinstance(data, dict) or not isinstance(data.get(list_key), list) or not data[list_key]:
        raise PolicyInputError(path, f"expected a top-level '{list_key}:' list with at least one entry")
    return data[list_key]


def entry_key(path: Path, entry: Any, field: str, index: int, seen: set[str]) -> str:
    """The entry's key, checked for form and uniqueness."""
    if not isinstance(entry, dict):
        raise PolicyInputError(path, f"entry #{index + 1}: expected a mapping of fields to values")
    key = entry.get(field)
    if not isinstance(key, str) or not KEY_RX.match(key):
        raise PolicyInputError(
            path, f"entry #{index + 1} ({key!r}): '{field}' must be a lowercase key (letters, digits, _)"
        )
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
    known = domain_keys()
    if value not in known:
        raise PolicyInputError(path, f"entry {key!r}: unknown {field} {value!r} (known: {', '.join(known)})")
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
    known = tier_keys()
    for value in values:
        if value not in known:
            raise PolicyInputError(path, f"entry {key!r}: unknown level {value!r} (known: {', '.join(known)})")
    return tuple(values)


def pattern_list(path: Path, key: str, values: Any, field: str, *, required: bool) -> tuple[re.Pattern[str], ...]:
    if values is None and not required:
        return ()
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list) or (required and not values):
        raise PolicyInputError(path, f"entry {key!r}: '{field}' must be a list of regular expressions")
    return tuple(compile_pattern(v, path, key) for v in values)


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


# What a pattern may refer back to (\1, (?P=name), (?(1)…)): such a pattern keeps its meaning only on its own.
BACK_REFERENCE = re.compile(r"\\\d|\(\?P=|\(\?\(")
DEFAULT_FLAGS = re.compile("").flags


@functools.lru_cache(maxsize=256)
def joined(patterns: tuple[re.Pattern[str], ...]) -> re.Pattern[str] | None:
    """One alternation that matches somewhere exactly when one of ``patterns`` does, or None.

    Asking it once answers "does any of them match?" for a text that none of them matches, which is
    most texts. Patterns with inline flags or back-references would change meaning inside an
    alternation, and two patterns may name the same group; then there is no such alternation.
    """
    if not patterns or any(rx.flags != DEFAULT_FLAGS or BACK_REFERENCE.search(rx.pattern) for rx in patterns):
        return None
    try:
        return re.compile("|".join(f"(?:{rx.pattern})" for rx in patterns))
    except re.error:
        return None
