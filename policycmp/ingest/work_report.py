"""A city's government work report: the section that sets this year's goals.

A work report reviews the past year, then sets this year's goals; only the goals section is read
(its heading pattern is in indicators.yaml, beside the indicators the goals are named by).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..vocabulary import IndicatorVocabulary


@dataclass(frozen=True)
class GoalsSection:
    year: int
    first_line: int  # 1-based, the heading's line
    last_line: int  # 1-based, inclusive


def goals_section(text: str, vocab: IndicatorVocabulary) -> GoalsSection | None:
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
        return GoalsSection(int(match.group("year")), number, last)
    return None
