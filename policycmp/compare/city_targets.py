"""The city's own goals, from its government work report, as rows of targets.parquet.

Ingest gives each line of the report's goals section as a row of ``report_lines`` and extract its
quantities; a goal's row points at its line: clause_id ``<doc_id>:l<line>`` (the line's ``line_id``)
and the sentence of that line as span.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..schema import QuantityRow, ReportLineRow
from ..vocabulary import IndicatorVocabulary
from .targets import FoundTarget, Source, target_row, text_targets


def city_target_rows(
    lines: Sequence[ReportLineRow], quantities: Mapping[str, list[QuantityRow]], vocab: IndicatorVocabulary
) -> list[FoundTarget]:
    """Goal rows of every goals line of a city work report (``quantities``: each line's, by line_id)."""
    found: list[FoundTarget] = []
    for line in lines:
        if line.column != "goal":
            continue
        source = Source(
            district=line.district,
            year=line.year,
            clause_id=line.line_id,
            doc_id=line.doc_id,
            kind_of_source=line.kind,
            city=line.city,
            domain=None,
            seq=line.line_no,
        )
        mentions = quantities.get(line.line_id, [])
        found.extend(target_row(goal, source) for goal in text_targets(line.text, mentions, vocab))
    return found
