"""The city's own goals, from its government work report, as rows of targets.parquet.

The report has no clauses, so each row points at its source line instead: clause_id
``<doc_id>:l<line>`` and the sentence of that line as span.
"""

from __future__ import annotations

import pandas as pd

from ..extract import extract_mentions
from ..ingest.work_report import goals_section
from ..model import Corpus, Document
from ..vocabulary import IndicatorVocabulary, load_indicators
from .targets import FoundTarget, Source, target_frame, target_row, text_targets


def report_targets(doc: Document, text: str, vocab: IndicatorVocabulary) -> tuple[list[FoundTarget], list[str]]:
    """Goal rows of one city work report, and what went wrong finding them."""
    section = goals_section(text, vocab)
    if section is None:
        return [], [
            f"{doc.path.name}: no goals section (pattern {vocab.section_start.pattern!r} in "
            f"{vocab.path.name}) found; the city's targets are left out"
        ]
    warnings = []
    if section.year != doc.year:
        warnings.append(
            f"{doc.path.name}:{section.first_line}: the goals section is for {section.year}, "
            f"but sources.yaml gives year {doc.year}; rows keep {doc.year}"
        )
    found: list[FoundTarget] = []
    lines = text.split("\n")
    for number in range(section.first_line + 1, section.last_line + 1):
        line = lines[number - 1]
        if not line.strip():
            continue
        source = Source(
            district=doc.district,
            year=doc.year,
            clause_id=f"{doc.id}:l{number}",
            doc_id=doc.id,
            kind_of_source=doc.kind,
            city=doc.city,
            domain=None,
            seq=number,
        )
        found.extend(target_row(goal, source) for goal in text_targets(line, extract_mentions(line), vocab))
    return found, warnings


def city_target_rows(corpus: Corpus, vocab: IndicatorVocabulary) -> tuple[list[FoundTarget], list[str]]:
    found: list[FoundTarget] = []
    warnings: list[str] = []
    for doc in corpus.of_kind("city_work_report"):
        rows, problems = report_targets(doc, corpus.texts[doc.id], vocab)
        found.extend(rows)
        warnings.extend(problems)
    return found, warnings


def city_targets(corpus: Corpus, vocab: IndicatorVocabulary | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Target rows of every city work report in the corpus, with the city key as district."""
    found, warnings = city_target_rows(corpus, vocab or load_indicators())
    return target_frame(found), warnings
