"""Outcome reports and city work reports as rows of ``report_lines``: the pieces whose figures are read.

A policy's text becomes clause rows; a report's becomes pieces of the same kind — a cell of a table
row, a paragraph of a prose review, a line of a goals section — so that the extract stage reads their
quantities like a clause's (into ``quantities.parquet``, keyed by the piece's ``line_id``) and the
comparison stage judges and links them from the tables alone, never from the raw text.

An indicator table's figure cells (``73.3``, ``增长7%左右``, ``3.7``) say what they measure only through
their row: each is read after the indicator's name, and a bare number after the unit its row or its
column header gives (``常住人口城镇化率`` + ``73.3`` + ``%``). :func:`figure_prefix` is that name, so the
comparison stage can tell the cell's own quantity from one in the name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Document
from ..schema import ReportLineRow
from ..vocabulary import IndicatorVocabulary, OutcomeRules
from .outcome_report import IndicatorRow, read_report
from .work_report import goals_section

ASIDE = re.compile(r"\([^()]*\)")
GROWTH_WORD = "增长"


def indicator_name(name: str) -> str:
    """The indicator's name without its parenthesised aside (地区生产总值(GDP) → 地区生产总值)."""
    return ASIDE.sub("", name).strip() or name


def _is_growth(row: IndicatorRow, column: str) -> bool:
    return column == "growth" or (column == "target" and row.target_is_growth)


ESTIMATE_WORD = "预计"


def figure_prefix(row: IndicatorRow, column: str, rules: OutcomeRules) -> str:
    """What a figure cell of ``row`` is read after: the name, 增长 for a growth figure given bare, and
    预计 for a figure of a column headed as estimates (预计值), so that its piece says what it is."""
    name = indicator_name(row.name)
    if column in ("actual", "growth") and row.actual_is_estimate:
        name += ESTIMATE_WORD
    cell = {"target": row.target, "actual": row.absolute, "growth": row.growth}[column]
    bare = rules.bare_figure.match(cell)
    if _is_growth(row, column) and bare is not None and not bare.group("lead"):
        return name + GROWTH_WORD
    return name


def figure_text(row: IndicatorRow, column: str, rules: OutcomeRules) -> str:
    """A figure cell read as its row states it: prefix, then the cell with the unit a bare number leaves
    out put back after it (6左右 under %, 12000 under 亿元, 6 under 比上年增长(%) → 增长6%)."""
    cell = {"target": row.target, "actual": row.absolute, "growth": row.growth}[column]
    prefix = figure_prefix(row, column, rules)
    bare = rules.bare_figure.match(cell)
    if bare is None:
        return prefix + cell
    unit = "%" if _is_growth(row, column) else row.unit
    return f"{prefix}{bare.group('lead')}{bare.group('number')}{unit}{bare.group('tail')}"


@dataclass(frozen=True)
class ReportReading:
    """A report's pieces and what the build should say about them."""

    lines: list[ReportLineRow]
    warnings: list[str]


def report_lines(doc: Document, text: str, rules: OutcomeRules, indicators: IndicatorVocabulary) -> ReportReading:
    """The pieces of one outcome report or city work report (pure: text in, rows out)."""
    if doc.kind == "city_work_report":
        return _goal_lines(doc, text, indicators)
    return ReportReading(_outcome_lines(doc, text, rules), [])


def _line(doc: Document, layout: str, row_no: int, column: str, text: str, cell: str, line_no: int) -> ReportLineRow:
    line_id = f"{doc.id}:l{line_no}" if column in ("prose", "goal") else f"{doc.id}:r{row_no}.{column}"
    return ReportLineRow(
        line_id=line_id,
        doc_id=doc.id,
        kind=doc.kind,
        district=doc.district,
        city=doc.city,
        year=doc.year,
        layout=layout,
        row_no=row_no,
        column=column,
        text=text,
        cell=cell,
        line_no=line_no,
    )


def _outcome_lines(doc: Document, text: str, rules: OutcomeRules) -> list[ReportLineRow]:
    report = read_report(text, doc.path, rules)
    out: list[ReportLineRow] = []
    if report.cutoff:
        out.append(_line(doc, "task_table", 0, "cutoff", report.cutoff, report.cutoff, report.cutoff_line))
    for task in report.tasks:
        pieces = [("task", task.task), ("completion", task.completion), ("verdict", task.verdict)]
        pieces.append(("progress", task.progress))
        out.extend(
            _line(doc, "task_table", task.row_no, column, cell, cell, task.line_no) for column, cell in pieces if cell
        )
    for row in report.indicators:
        cells = [("indicator", row.name, row.name)]
        if row.unit:
            cells.append(("unit", row.unit, row.unit))
        for column, cell in (("target", row.target), ("actual", row.absolute), ("growth", row.growth)):
            if cell:
                cells.append((column, figure_text(row, column, rules), cell))
        if row.verdict:
            cells.append(("verdict", row.verdict, row.verdict))
        out.extend(_line(doc, "indicator_table", row.row_no, c, text, cell, row.line_no) for c, text, cell in cells)
    for number, figure in enumerate(report.prose, start=1):
        out.append(_line(doc, "prose", number, "prose", figure.text, figure.text, figure.line_no))
    return out


def _goal_lines(doc: Document, text: str, vocab: IndicatorVocabulary) -> ReportReading:
    section = goals_section(text, vocab)
    if section is None:
        return ReportReading(
            [],
            [
                f"{doc.path.name}: no goals section (pattern {vocab.section_start.pattern!r} in "
                f"{vocab.path.name}) found; the city's targets are left out"
            ],
        )
    warnings = []
    if section.year != doc.year:
        warnings.append(
            f"{doc.path.name}:{section.first_line}: the goals section is for {section.year}, "
            f"but sources.yaml gives year {doc.year}; rows keep {doc.year}"
        )
    lines = text.split("\n")
    out = [
        _line(doc, "goals", number, "goal", lines[number - 1], lines[number - 1], number)
        for number in range(section.first_line + 1, section.last_line + 1)
        if lines[number - 1].strip()
    ]
    return ReportReading(out, warnings)
