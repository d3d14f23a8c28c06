"""Reading an outcome report into its rows, in the layouts real reports come in.

- a task table ``编号 | 目标任务 | 完成情况 |`` (镇海区 2024): one row per task;
- a plan-execution table by indicator (温州市 2022), flattened with ``|`` or one cell per line, with
  merged cells: one row per indicator;
- prose only (钱塘区 2024): the paragraphs of the review of the year.

This module only finds rows and cells; what they say is read by ``compare.outcomes``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import PolicyInputError
from ..vocabulary import OutcomeRules, load_outcome_rules


@dataclass(frozen=True)
class ReportRow:
    row_no: int
    task: str
    completion: str | None
    line_no: int  # where the row starts in the source (1-based)


def _cells(raw: str) -> list[str]:
    cells = [c.strip() for c in raw.split("|")]
    if cells and cells[-1] == "":  # the closing pipe
        cells.pop()
    return cells


def parse_report(text: str, path: str | Path = "<text>", rules: OutcomeRules | None = None) -> list[ReportRow]:
    """The rows of an outcome report's ``编号 | 目标任务 | 完成情况 |`` table (pure: text in, rows out).

    A row may be wrapped over several lines: a line that does not start with ``N |`` continues the
    row above while that row still lacks its closing pipe. The table ends at the first other line.
    Raises :class:`PolicyInputError` naming the line when the header is missing, a row does not have
    exactly its three cells, or the rows are not numbered 1, 2, 3….
    """
    spec = rules or load_outcome_rules()
    lines = text.split("\n")
    header = next((i for i, line in enumerate(lines) if spec.header.match(line)), None)
    if header is None:
        raise PolicyInputError(path, "no table header '编号 | 目标任务 | 完成情况 |' found; is this an outcome report?")
    pieces: list[tuple[int, str]] = []  # (line number, the row's text so far)
    for number, line in enumerate(lines[header + 1 :], start=header + 2):
        if not line.strip():
            continue
        if spec.row_start.match(line):
            pieces.append((number, line.strip()))
        elif pieces and pieces[-1][1].count("|") < 3:
            # A wrapped row: the capture broke a cell over lines; the words run on without a space.
            pieces[-1] = (pieces[-1][0], pieces[-1][1] + line.strip())
        elif "|" in line:
            raise PolicyInputError(
                path, f"table line does not start with a row number ('N |'): {line.strip()[:40]!r}", line=number
            )
        else:
            break  # text after the table (page footer)
    if not pieces:
        raise PolicyInputError(path, "the table has a header but no rows", line=header + 1)

    rows: list[ReportRow] = []
    for line_no, raw in pieces:
        cells = _cells(raw)
        if len(cells) != 3:
            raise PolicyInputError(
                path, f"row has {len(cells)} cells, expected 3 (编号 | 目标任务 | 完成情况): {raw[:40]!r}", line=line_no
            )
        row_no = int(cells[0])
        expected = rows[-1].row_no + 1 if rows else 1
        if row_no != expected:
            raise PolicyInputError(
                path,
                f"row number {row_no} where {expected} was expected "
                "(a row lost, repeated or wrapped into the one above?)",
                line=line_no,
            )
        if not cells[1]:
            raise PolicyInputError(path, f"row {row_no} has an empty 目标任务 cell", line=line_no)
        rows.append(ReportRow(row_no, cells[1], cells[2] or None, line_no))
    return rows


# --- the other layouts: an indicator table, or prose ---------------------------------------------------

PIPE = "|"
ROW_NUMBER = re.compile(r"^\d{1,3}$")


@dataclass(frozen=True)
class IndicatorRow:
    """One row of a plan-execution table by indicator, its cells read into their columns."""

    row_no: int  # the printed 序号, or the row's position when the cell is merged away
    name: str
    unit: str
    target: str
    absolute: str  # the achieved figure (实绩, or its 绝对值 sub-column)
    growth: str  # the achieved growth (增速), where the table has that sub-column
    line_no: int
    verdict: str = ""  # the table's own verdict (超额完成 / 完成 / 未完成 / 暂无数据), where it has that column
    target_is_growth: bool = False  # the target column's header says its figures are growth (比上年增长(%))


@dataclass(frozen=True)
class Figure:
    """A paragraph of a report's prose review of the year, with where it stands."""

    text: str
    line_no: int


@dataclass(frozen=True)
class OutcomeReport:
    """An outcome report in whichever layout it came: exactly one of the three is non-empty."""

    tasks: tuple[ReportRow, ...] = ()
    indicators: tuple[IndicatorRow, ...] = ()
    prose: tuple[Figure, ...] = ()


def read_report(text: str, path: str | Path = "<text>", rules: OutcomeRules | None = None) -> OutcomeReport:
    """An outcome report's rows: a task table (编号 | 目标任务 | 完成情况), an indicator table (序号 |
    指标名称 | 单位 | 计划目标 | 实绩, flattened with pipes or one cell per line), or else the paragraphs
    of its review of the year. Refused with a one-line error when it has none of them."""
    spec = rules or load_outcome_rules()
    lines = text.split("\n")
    if any(spec.header.match(line) for line in lines):
        return OutcomeReport(tasks=tuple(parse_report(text, path, spec)))
    indicators = indicator_rows(lines, spec)
    if indicators:
        return OutcomeReport(indicators=tuple(indicators))
    prose = review_paragraphs(lines, spec)
    if prose:
        return OutcomeReport(prose=tuple(prose))
    raise PolicyInputError(
        path,
        "no table (编号 | 目标任务 | 完成情况, or 指标名称 | 单位 | 目标 | 实绩) and no review of the year "
        "(…执行情况) found; is this an outcome report?",
    )


def _cells_of(line: str) -> list[str]:
    return [c.strip() for c in line.split(PIPE)]


def _header(lines: list[str], spec: OutcomeRules) -> tuple[int, int, list[str]] | None:
    """(first line, line after the header, header cells) of an indicator table, pipes or one per line."""
    columns = spec.indicator_columns
    for i, line in enumerate(lines):
        if PIPE in line:
            cells = [c for c in _cells_of(line) if c]
            if _is_header(cells, columns):
                return i, i + 1, cells
        elif columns["name"].search(line.strip()):
            # one cell per line: the header is the run of short lines around 指标名称
            j, cells = i, []
            while j > 0 and _short(lines[j - 1]) and not ROW_NUMBER.match(lines[j - 1].strip()):
                j -= 1
            k = j
            while k < len(lines) and _short(lines[k]) and not ROW_NUMBER.match(lines[k].strip()):
                if lines[k].strip():
                    cells.append(lines[k].strip())
                k += 1
            if _is_header(cells, columns):
                return j, k, cells
    return None


def _short(line: str) -> bool:
    return len(line.strip()) <= 12


def _is_header(cells: list[str], columns: dict[str, re.Pattern[str]]) -> bool:
    return all(any(columns[key].search(c) for c in cells) for key in ("name", "target", "actual"))


def indicator_rows(lines: list[str], spec: OutcomeRules) -> list[IndicatorRow]:
    """The rows of a plan-execution table by indicator; [] when the text has no such table."""
    found = _header(lines, spec)
    if found is None:
        return []
    first, after, header = found
    columns = spec.indicator_columns
    # 实绩 merged over 绝对值 | 增速: in a one-cell-per-line table the sub-header is in the header run
    split_actual = any(columns["absolute"].search(c) for c in header) and any(
        columns["growth"].search(c) for c in header
    )
    body_start = after
    # a second header line naming the actual's sub-columns (绝对值 | 增速(%)) under a merged 实绩
    for j in range(after, min(after + 3, len(lines))):
        cells = [c for c in _cells_of(lines[j]) if c] if PIPE in lines[j] else [lines[j].strip()]
        if any(columns["absolute"].search(c) for c in cells) and any(columns["growth"].search(c) for c in cells):
            split_actual, body_start = True, j + 1
            break
        if PIPE not in lines[j] and lines[j].strip() and columns["absolute"].search(lines[j]):
            # one cell per line: 绝对值 and 增速 on two lines
            if j + 1 < len(lines) and columns["growth"].search(lines[j + 1]):
                split_actual, body_start = True, j + 2
                break
    if PIPE in lines[first]:
        raw_rows = _pipe_rows(lines, body_start)
    else:
        width = 5 + (1 if split_actual else 0)  # 序号, name, unit, target, actual (absolute, growth)
        raw_rows = _line_rows(lines, body_start, width)
    rows = []
    for position, (line_no, cells) in enumerate(raw_rows, start=1):
        row = _indicator_row(cells, position, line_no, split_actual, columns)
        if row is not None:
            rows.append(row)
    return rows


def _pipe_rows(lines: list[str], start: int) -> list[tuple[int, list[str]]]:
    rows = []
    for i in range(start, len(lines)):
        line = lines[i]
        if PIPE not in line:
            if line.strip():
                break
            continue
        cells = _cells_of(line)
        while cells and not cells[-1]:
            cells.pop()  # the table's empty padding cells
        if cells:
            rows.append((i + 1, cells))
    return rows


def _line_rows(lines: list[str], start: int, width: int) -> list[tuple[int, list[str]]]:
    """Rows of a table with one cell per line: a row starts at the line holding its 序号.

    Cells beyond a full row (``width`` cells) start a row whose 序号 was merged away; a lone such cell
    just before the next 序号 is the next category's merged cell (社会民生), not a row.
    """
    rows: list[tuple[int, list[str]]] = []
    expected = 1
    for i in range(start, len(lines)):
        cell = lines[i].strip()
        if not cell:
            continue
        if len(cell) > 60:
            break  # prose after the table
        if ROW_NUMBER.match(cell) and int(cell) == expected:
            if rows and len(rows[-1][1]) == 1 and not ROW_NUMBER.match(rows[-1][1][0]):
                rows.pop()  # a category cell
            rows.append((i + 1, [cell]))
            expected += 1
        elif rows and len(rows[-1][1]) >= width:
            rows.append((i + 1, [cell]))
        elif rows:
            rows[-1][1].append(cell)
    return rows


def _indicator_row(
    cells: list[str], position: int, line_no: int, split_actual: bool, columns: dict[str, re.Pattern[str]]
) -> IndicatorRow | None:
    """Cells read right to left of the row number: [category] [序号] name unit target actual [growth]."""
    cells = list(cells)
    number = None
    if len(cells) > 1 and not ROW_NUMBER.match(cells[0]) and ROW_NUMBER.match(cells[1]):
        cells = cells[1:]  # a category cell merged over the rows of its category
    if cells and ROW_NUMBER.match(cells[0]):
        number = int(cells[0])
        cells = cells[1:]
    if len(cells) < 3:
        return None
    name, unit, target, *actual = cells
    absolute = actual[0] if actual else ""
    growth = actual[1] if split_actual and len(actual) > 1 else ""
    return IndicatorRow(number or position, name, unit, target, absolute, growth, line_no)


def review_paragraphs(lines: list[str], spec: OutcomeRules) -> list[Figure]:
    """The paragraphs of the report's review of the year (一、2024年…计划执行情况), up to the next part."""
    start = next((i for i, line in enumerate(lines) if spec.narrative_start.match(line.strip())), None)
    if start is None:
        return []
    out = []
    for i in range(start + 1, len(lines)):
        line = lines[i].strip()
        if spec.narrative_end.match(line):
            break
        if line:
            out.append(Figure(line, i + 1))
    return out
