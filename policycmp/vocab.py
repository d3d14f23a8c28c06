"""Reference knowledge lives in YAML files under ``policycmp/data/``; this module reads them.

A researcher extends a vocabulary by editing the YAML, not the code. Every loader validates what
it reads and raises :class:`PolicyInputError` naming the file and the offending entry.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import yaml

from .errors import PolicyInputError

DATA_DIR = Path(__file__).parent / "data"

DOMAINS = (
    "investment",
    "innovation",
    "manufacturing",
    "services",
    "transport",
    "demand_opening",
    "rural",
    "livelihood",
    "factors",
)
LEVELS = ("national", "provincial", "municipal", "district")


def read_yaml(path: str | Path) -> Any:
    """Parse a YAML file, turning any parse failure into a one-line error naming file and line."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PolicyInputError(path, "file not found") from None
    except UnicodeDecodeError as exc:
        raise PolicyInputError(path, f"not valid UTF-8 ({exc.reason})") from None
    try:
        return yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise PolicyInputError(path, f"malformed YAML: {problem}", line=line) from None


def compile_pattern(pattern: str, path: Path, entry: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise PolicyInputError(path, f"entry {entry!r}: pattern {pattern!r} does not compile ({exc})") from None


@functools.lru_cache(maxsize=None)
def load_resource(name: str) -> Any:
    """A packaged vocabulary file by name, e.g. ``load_resource("domains.yaml")`` (cached)."""
    return read_yaml(DATA_DIR / name)
