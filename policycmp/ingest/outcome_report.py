"""Reading an outcome report into its rows, in the layouts real reports come in.

- a task table ``编号 | 目标任务 | 完成情况 |`` (镇海区 2024): one row per task;
- a plan-execution table by indicator (温州市 2022), flattened with ``|`` or one cell per line, with
  merged cells: one row per indicator;
- prose only (钱塘区 2024): the paragraphs of the review of the year.

This module only finds rows and cells; what they say is read by ``compare.outcomes``.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import PolicyInputError
from ..vocabulary import OutcomeRules, load_outcome_rules
from .task_tables import ReportRow, pipe_lines, task_table

__all__ = ["Figure", "IndicatorRow", "OutcomeReport", "ReportRow", "parse_report", "read_report"]


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
    actual_is_estimate: bool = False  # the achieved column's header says its figures are estimates (预计值)


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
    cutoff: str = ""  # a progress report's cut-off before the year's end, as written (截至10月31日)
    cutoff_line: int = 0


def read_report(text: str, path: str | Path = "<text>", rules: OutcomeRules | None = None) -> OutcomeReport:
    """An outcome report's rows: a task table (编号 | 目标任务 | 完成情况), an indicator table (序号 |
    指标名称 | 单位 | 计划目标 | 实绩, flattened with pipes or one cell per line), or else the paragraphs
    of its review of the year. Refused with a one-line error when it has none of them."""
    spec = rules or load_outcome_rules()
    lines = text.split("\n")
    if any(spec.header.match(line) for line in lines):
        return OutcomeReport(tasks=tuple(parse_report(text, path, spec)))
    tasks = task_table(lines, spec)
    if tasks is not None:
        return OutcomeReport(tasks=tasks.rows, cutoff=tasks.cutoff, cutoff_line=tasks.cutoff_line)
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


def _spaced_cells(line: str) -> list[str]:
    """The cells of a line whose cells are separated by spaces (a yearbook page's text layer), a year
    split from its word put back (2020 年目标值 → 2020年目标值)."""
    cells: list[str] = []
    for token in line.split():
        if cells and YEAR.fullmatch(cells[-1]) and token.startswith("年"):
            cells[-1] += token
        else:
            cells.append(token)
    return cells


def _header(lines: list[str], spec: OutcomeRules) -> tuple[int, int, list[str]] | None:
    """(first line, line after the header, header cells) of an indicator table, pipes or one per line."""
    columns = spec.indicator_columns
    for i, line in enumerate(lines):
        if PIPE in line:
            cells = [c for c in _cells_of(line) if c]
            if _is_header(cells, columns):
                return i, i + 1, cells
        elif not _short(line) and len(line.split()) >= MIN_SPACED_CELLS:
            cells = _spaced_cells(line)
            if _is_header(cells, columns) and all(len(c) <= SHORT_CELL for c in cells):
                return i, i + 1, cells
        elif columns["name"].search(line.strip()) and _short(line):
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


SHORT_CELL = 12  # a header cell is short; a longer line is a row's text
MIN_SPACED_CELLS = 4  # 序号 指标名称 目标 实际…: fewer spaced words are prose
YEAR = re.compile(r"\d{4}")
DIGIT = re.compile(r"\d")


def _short(line: str) -> bool:
    return len(line.strip()) <= SHORT_CELL


def _is_header(cells: list[str], columns: dict[str, re.Pattern[str]]) -> bool:
    return all(any(columns[key].search(c) for c in cells) for key in ("name", "target", "actual"))


@dataclass(frozen=True)
class Columns:
    """The columns of an indicator table after 序号, in order, as its header (one or two rows) names them.

    ``roles`` is a subsequence of name, unit, target, absolute, growth, verdict: the achieved figure is
    ``absolute`` (a single 实绩 column, or its 绝对值 / 总量 part) and ``growth`` (its 增速 part). A target
    column headed, or sub-headed, 比上年增长(%) holds growth targets given as bare numbers.
    """

    roles: tuple[str, ...]
    target_is_growth: bool
    actual_is_estimate: bool = False


def _role(cell: str, columns: dict[str, re.Pattern[str]], seen: list[str]) -> str | None:
    """What a header cell heads; order decides between readings (a verdict comes after the figures)."""
    if "absolute" in seen or "growth" in seen:
        if columns["verdict"].search(cell):
            return "verdict"
    if columns["number"].search(cell):
        return None
    for role in ("name", "unit"):
        if columns[role].search(cell):
            return role
    if columns["target"].search(cell) and "target" not in seen:
        return "target"
    if columns["absolute"].search(cell):
        return "absolute"
    if columns["growth"].search(cell) and "target" in seen:
        return "growth"
    if columns["actual"].search(cell):
        return "absolute"
    return None


def _columns(header: list[str], sub: list[str], spec: OutcomeRules) -> Columns:
    """The table's columns from its header cells and the cells of a second header row (may be [])."""
    columns = spec.indicator_columns
    roles: list[str] = []
    target_is_growth = False
    for cell in header:
        role = _role(cell, columns, roles)
        if role == "target" and columns["target_growth"].search(cell):
            target_is_growth = True
        if role is not None and role not in roles:
            roles.append(role)
    # a second header row splits merged columns: (比上年增长(%) under the target,) 绝对值/总量 | 增速
    split = [c for c in sub if any(columns[key].search(c) for key in ("absolute", "growth", "target_growth"))]
    if any(columns["absolute"].search(c) for c in split):
        first_absolute = next(i for i, c in enumerate(split) if columns["absolute"].search(c))
        if any(columns["target_growth"].search(c) for c in split[:first_absolute]):
            target_is_growth = True
        later = split[first_absolute + 1 :]
        if any(columns["growth"].search(c) for c in later) and "growth" not in roles:
            at = roles.index("absolute") + 1 if "absolute" in roles else len(roles)
            roles.insert(at, "growth")
    elif split and all(columns["target_growth"].search(c) for c in split):
        target_is_growth = True
    # a header that names a verdict before any figure (完成情况 heading the verdicts) is read by its cells
    estimate = any(_role(c, columns, []) is not None and columns["estimate"].search(c) for c in header)
    return Columns(tuple(roles), target_is_growth, estimate)


def _sub_header(lines: list[str], start: int, spec: OutcomeRules) -> tuple[list[str], int]:
    """The cells of a second header row right after the header (pipes, or one cell per line), and the
    line the body starts at."""
    columns = spec.indicator_columns
    words = [columns[key] for key in ("absolute", "growth", "target_growth")]
    cells: list[str] = []
    j = start
    while j < min(start + 4, len(lines)):
        line = lines[j]
        found = [c for c in _cells_of(line) if c] if PIPE in line else [line.strip()] if line.strip() else []
        if not found:
            j += 1
            continue
        if not all(any(rx.search(c) for rx in words) for c in found):
            break
        cells.extend(found)
        j += 1
    return cells, j


def indicator_rows(lines: list[str], spec: OutcomeRules) -> list[IndicatorRow]:
    """The rows of a plan-execution table by indicator; [] when the text has no such table.

    Read by pattern, whatever the table's columns: 序号, the indicator, its unit, the target before the
    achieved figures (one column, or 绝对值/总量 and 增速 under a merged 实绩 on a second header row), and a
    verdict (超额完成 / 完成 / 未完成 / 暂无数据) where the table has one; a row with no 序号 whose name is a
    part of the row above (其中:区内, 全区) is a row of its own, named after that row.
    """
    found = _header(lines, spec)
    if found is None:
        return []
    first, after, header = found
    sub, body_start = _sub_header(lines, after, spec)
    # in a one-cell-per-line table the second header row is part of the header's run of short lines
    columns = _columns(header, sub, spec) if sub or PIPE in lines[first] else _columns_of_run(header, spec)
    if PIPE in lines[first]:
        raw_rows = pipe_lines(lines, body_start)
    elif not _short(lines[first]):
        raw_rows = _spaced_rows(lines, body_start)
    else:
        raw_rows = _line_rows(lines, body_start, len(columns.roles) + 1)  # + 序号
    rows: list[IndicatorRow] = []
    parent: IndicatorRow | None = None
    for position, (line_no, cells) in enumerate(raw_rows, start=1):
        row = _indicator_row(cells, position, line_no, columns, spec)
        if row is None:
            continue
        part = spec.sub_row.match(row.name)
        if part is not None and parent is not None:
            row = dataclasses.replace(
                row,
                name=f"{parent.name}({part.group('part')})",
                unit=row.unit or parent.unit,
                target=row.target or parent.target,
            )
            if rows and rows[-1] is parent and not (parent.absolute or parent.growth or parent.verdict):
                rows.pop()  # the indicator's own row only names its parts: they are its rows
        else:
            parent = row
        rows.append(row)
    return rows


def _columns_of_run(cells: list[str], spec: OutcomeRules) -> Columns:
    """The columns of a one-cell-per-line header, whose run holds the second header row's cells too."""
    columns = spec.indicator_columns
    words = [columns[key] for key in ("absolute", "growth")]
    split_at = next((i for i, c in enumerate(cells) if any(rx.search(c) for rx in words) and i > 0), len(cells))
    # 实绩 then 绝对值, 增速: the cells after the first split word are the second header row
    head, sub = cells[:split_at], cells[split_at:]
    return _columns(head, sub, spec)


def _spaced_rows(lines: list[str], start: int) -> list[tuple[int, list[str]]]:
    """Rows of a table whose cells are separated by spaces: each line opening with its number."""
    rows = []
    for i in range(start, len(lines)):
        cells = lines[i].split()
        if not cells:
            continue
        if not ROW_NUMBER.match(cells[0]):
            break
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
    cells: list[str], position: int, line_no: int, columns: Columns, spec: OutcomeRules
) -> IndicatorRow | None:
    """Cells read after the row number into the table's columns: [category] [序号] name unit target …"""
    cells = list(cells)
    while cells and not cells[0]:
        cells.pop(0)  # the empty 序号 (and category) cells of a row without them
    if len(cells) > 1 and not ROW_NUMBER.match(cells[0]) and ROW_NUMBER.match(cells[1]):
        cells = cells[1:]  # a category cell merged over the rows of its category
    numbered = bool(cells) and bool(ROW_NUMBER.match(cells[0]))
    if numbered:
        cells = cells[1:]
    # a short line is a category (经济发展), unless it is numbered: then it is a row cut short (4 固)
    if not cells or (len(cells) < 3 and not numbered and not spec.sub_row.match(cells[0])):
        return None
    values = dict(zip(columns.roles, cells, strict=False))
    if "verdict" in columns.roles and "verdict" not in values and cells and spec.verdict_of(cells[-1]):
        values["verdict"] = cells[-1]  # a short row whose merged figure cells were dropped
    name = values.get("name", "")
    return IndicatorRow(
        position,
        name,
        values.get("unit", "") if "unit" in columns.roles else unit_in_name(name),
        values.get("target", ""),
        values.get("absolute", ""),
        values.get("growth", ""),
        line_no,
        verdict=values.get("verdict", ""),
        target_is_growth=columns.target_is_growth,
        actual_is_estimate=columns.actual_is_estimate,
    )


NAME_UNIT = re.compile(r"[(（](?P<unit>[^()（）]{1,8})[)）]\s*$")


def unit_in_name(name: str) -> str:
    """The unit an indicator's name gives in its closing parentheses when the table has no 单位 column
    (全区生产总值(亿元) → 亿元); whether it is a unit is the extract stage's to say (地区生产总值(GDP) is not)."""
    found = NAME_UNIT.search(name)
    return found.group("unit") if found else ""


def review_paragraphs(lines: list[str], spec: OutcomeRules) -> list[Figure]:
    """The paragraphs of the report's review of the year (一、2024年…计划执行情况), up to the next part.

    Without such a section, the paragraphs after the first line saying what the text reports (2018年10个
    民生实事项目全面落实), when they state figures: a title over words alone is no report to read."""
    start = next((i for i, line in enumerate(lines) if spec.narrative_start.match(line.strip())), None)
    numbered = start is not None
    if start is None:
        start = next((i for i, line in enumerate(lines) if spec.narrative_title.search(line)), None)
    if start is None:
        return []
    out = []
    for i in range(start + 1, len(lines)):
        line = lines[i].strip()
        if spec.narrative_end.match(line):
            break
        if line:
            out.append(Figure(line, i + 1))
    if not numbered and not any(DIGIT.search(f.text) for f in out):
        return []
    return out
