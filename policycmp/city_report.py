"""The city's own goals, from its government work report, as rows of targets.parquet.

A work report reviews the past year, then sets this year's goals; only the goals section is read
(its heading pattern is in indicators.yaml). The report has no clauses, so each row points at its
source line instead: clause_id ``<doc_id>:l<line>`` and the sentence of that line as span.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd

from .build import Corpus
from .registry import Document
from .targets import IndicatorVocabulary, load_indicators, target_frame, text_targets

MENTION_COLUMNS = ["span", "start", "end", "value", "value_high", "unit", "kind", "bound", "level"]


@dataclass(frozen=True)
class Section:
    year: int
    first_line: int  # 1-based, the heading's line
    last_line: int   # 1-based, inclusive


def goals_section(text: str, vocab: IndicatorVocabulary) -> Section | None:
    """The lines of the goals section, from its heading to the line before the next heading."""
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        match = vocab.section_start.match(line.strip())
        if not match:
            continue
        last = len(lines)
        for later in range(number + 1, len(lines) + 1):
            if vocab.section_end.match(lines[later - 1].strip()):
                last = later - 1
                break
        return Section(int(match.group("year")), number, last)
    return None


def _mentions(line: str) -> pd.DataFrame:
    from .quantities import extract_mentions

    found = [m if isinstance(m, dict) else asdict(m) for m in extract_mentions(line)]
    return pd.DataFrame(found, columns=MENTION_COLUMNS)


def report_targets(doc: Document, text: str, vocab: IndicatorVocabulary) -> tuple[list[dict[str, Any]], list[str]]:
    """Goal rows of one city work report, and what went wrong finding them."""
    section = goals_section(text, vocab)
    if section is None:
        return [], [f"{doc.path.name}: no goals section (pattern {vocab.section_start.pattern!r} in "
                    f"{vocab.path.name}) found; the city's targets are left out"]
    warnings = []
    if section.year != doc.year:
        warnings.append(f"{doc.path.name}:{section.first_line}: the goals section is for {section.year}, "
                        f"but sources.yaml gives year {doc.year}; rows keep {doc.year}")
    rows: list[dict[str, Any]] = []
    lines = text.split("\n")
    for number in range(section.first_line + 1, section.last_line + 1):
        line = lines[number - 1]
        if not line.strip():
            continue
        context = {"district": doc.district, "year": doc.year, "clause_id": f"{doc.id}:l{number}",
                   "doc_id": doc.id, "kind_of_source": doc.kind, "city": doc.city, "domain": None,
                   "_seq": number}
        rows.extend({**row, **context} for row in text_targets(line, _mentions(line), vocab))
    return rows, warnings


def city_targets(corpus: Corpus, vocab: IndicatorVocabulary | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Target rows of every city work report in the corpus, with the city key as district."""
    rows, warnings = city_target_rows(corpus, vocab or load_indicators())
    return target_frame(rows), warnings


def city_target_rows(corpus: Corpus, vocab: IndicatorVocabulary) -> tuple[list[dict[str, Any]], list[str]]:
    rows: list[dict[str, Any]] = []
    warnings: list[str] = []
    for doc in corpus.of_kind("city_work_report"):
        found, problems = report_targets(doc, corpus.texts[doc.id], vocab)
        rows.extend(found)
        warnings.extend(problems)
    return rows, warnings
