"""How a policy document's body is laid out (``document_structure.yaml``): headings, clause numbers,
department parentheses, closing provisions and web-page debris."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import PolicyInputError
from .loader import compile_pattern, load, require

FILE = "document_structure.yaml"


@dataclass(frozen=True)
class Layout:
    path: Path
    section_heading: re.Pattern[str]
    heading_max_chars: int
    clause_styles: dict[str, re.Pattern[str]]
    closing_paragraph_end: re.Pattern[str]
    closing_openers: re.Pattern[str]
    back_matter: tuple[re.Pattern[str], ...]
    lead_department: tuple[re.Pattern[str], ...]
    department_alias: re.Pattern[str]
    unopened_parenthesis: re.Pattern[str]
    support_department: tuple[re.Pattern[str], ...]
    responsible_units: re.Pattern[str]
    complete_paragraph_end: re.Pattern[str]
    garbled_text: re.Pattern[str]
    run_on_min_chars: int
    run_on_section_marker: re.Pattern[str]
    run_on_heading: re.Pattern[str]
    run_on_sentence_end: re.Pattern[str]
    run_on_markers: tuple[re.Pattern[str], ...]


def _patterns(spec: Any, key: str, path: Path) -> tuple[re.Pattern[str], ...]:
    values = require(spec, key, path)
    if not isinstance(values, list) or not values:
        raise PolicyInputError(path, f"entry {key!r}: expected a list of regular expressions")
    return tuple(compile_pattern(p, path, key) for p in values)


def _build(path: Path, spec: Any) -> Layout:
    styles = require(spec, "clause_number_styles", path)
    if not isinstance(styles, dict) or not styles:
        raise PolicyInputError(path, "entry 'clause_number_styles': expected a mapping of style name to pattern")
    max_chars = _whole_number(spec, "heading_max_chars", path)
    return Layout(
        path=path,
        section_heading=compile_pattern(require(spec, "section_heading", path), path, "section_heading"),
        heading_max_chars=max_chars,
        clause_styles={str(k): compile_pattern(p, path, str(k)) for k, p in styles.items()},
        closing_paragraph_end=compile_pattern(
            require(spec, "closing_paragraph_end", path), path, "closing_paragraph_end"
        ),
        closing_openers=_pattern(spec, "closing_openers", path),
        back_matter=_patterns(spec, "back_matter_patterns", path),
        lead_department=_patterns(spec, "lead_department_patterns", path),
        department_alias=_pattern(spec, "department_alias", path),
        unopened_parenthesis=_pattern(spec, "unopened_parenthesis", path),
        support_department=_patterns(spec, "support_department_patterns", path),
        responsible_units=_pattern(spec, "responsible_unit_pattern", path),
        complete_paragraph_end=_pattern(spec, "complete_paragraph_end", path),
        garbled_text=_pattern(spec, "garbled_text", path),
        run_on_min_chars=_whole_number(spec, "run_on_min_chars", path),
        run_on_section_marker=_pattern(spec, "run_on_section_marker", path),
        run_on_heading=_pattern(spec, "run_on_heading", path),
        run_on_sentence_end=_pattern(spec, "run_on_sentence_end", path),
        run_on_markers=_patterns(spec, "run_on_markers", path),
    )


def _pattern(spec: Any, key: str, path: Path) -> re.Pattern[str]:
    return compile_pattern(require(spec, key, path), path, key)


def _whole_number(spec: Any, key: str, path: Path) -> int:
    try:
        return int(require(spec, key, path))
    except (TypeError, ValueError):
        raise PolicyInputError(path, f"entry {key!r}: expected a whole number") from None


def load_layout(path: str | Path | None = None) -> Layout:
    """The layout vocabulary (``policycmp/data/document_structure.yaml`` unless ``path`` is given)."""
    return load(_build, FILE, path)
