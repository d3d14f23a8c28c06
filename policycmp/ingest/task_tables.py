"""Task tables as districts print them: a row per task, its target and what was done, in columns.

Zhenhai's ``编号 | 目标任务 | 完成情况 |`` is one such table (read strictly by
:func:`.outcome_report.parse_report`). Others, seen in real reports of Zhejiang counties and cities
(``tests/data/outcome_captures.yaml``), name their columns otherwise and add more:

- 序号 | 项目内容 | 年度完成情况 | 完成成效 | 责任单位 | 责任人 (乐清 2022): a verdict column;
- 项目内容 | 8月计划进度 | 实际进度情况 | 完成率 | … (乐清 2022): no 序号, the task numbered (1) in its cell;
- 序号 / 项目内容 / 当前进度 / 牵头单位 / 备注, one cell per line (苍南 2022): progress as a share;
- 序号 / 目标任务 / 牵头 / 市领导 / … / 形象进度(%) (余姚 2025): a header cell over two lines.

The columns are found by the words of their header (``task_table`` in ``outcome_rules.yaml``); the
ones this project does not read (责任单位, 责任人, 备注) are passed over. A report whose heading gives a
cut-off before the end of its year (截至10月31日, 一季度, 8月计划进度) is a progress report: its
``cutoff`` says so, and a shortfall there is in progress, not missed (``compare.outcomes``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ..vocabulary import OutcomeRules

PIPE = "|"
ROW_NUMBER = re.compile(r"^\d{1,3}$")
CELL_NUMBER = re.compile(r"^\s*[(（](?P<n>\d{1,3})[)）]")  # (1)吸收60所… : the task numbered in its cell
SPACES = re.compile(r"\s+")
MAX_HEADER_CELL = 12  # a header cell is short; a longer line is a row's text


@dataclass(frozen=True)
class ReportRow:
    """One row of a task table, its cells read into the columns this project reads."""

    row_no: int
    task: str
    completion: str | None
    line_no: int  # where the row starts in the source (1-based)
    verdict: str = ""  # the table's own verdict (完成任务, 超额完成)
    progress: str = ""  # the share done, as printed (80%(新区实验幼儿园进度滞后), 28%)


@dataclass(frozen=True)
class TaskTable:
    rows: tuple[ReportRow, ...]
    cutoff: str = ""  # the words giving a cut-off before the year's end (截至10月31日), where there are any
    cutoff_line: int = 0


def role(cell: str, spec: OutcomeRules) -> str | None:
    """What a header cell heads: number, planned, progress, verdict, completion, task, or None (read past)."""
    cell = SPACES.sub("", cell)
    for name in ("number", "planned", "progress", "verdict", "completion", "task"):
        if spec.task_columns[name].search(cell):
            return name
    return None


def _is_header(cells: list[str], spec: OutcomeRules) -> bool:
    roles = {role(c, spec) for c in cells}
    names = spec.indicator_columns["name"]
    return (
        "task" in roles
        and bool(roles & {"completion", "progress", "verdict"})
        and not any(names.search(SPACES.sub("", c)) and role(c, spec) is None for c in cells)
    )


def task_table(lines: list[str], spec: OutcomeRules) -> TaskTable | None:
    """The task table of a report, pipes or one cell per line; None when it has none."""
    for i, line in enumerate(lines):
        if PIPE in line:
            cells = [c.strip() for c in line.split(PIPE) if c.strip()]
            if _is_header(cells, spec):
                roles = [role(c, spec) for c in cells]
                return _table(lines, i, cells, _pipe_rows(lines, i + 1, roles), spec)
        elif line.strip() and _short(line):
            found = _header_run(lines, i, spec)
            if found is not None:
                end, cells = found
                return _table(lines, i, cells, _line_rows(lines, end, cells, spec), spec)
    return None


def _short(line: str) -> bool:
    return len(line.strip()) <= MAX_HEADER_CELL


def _header_run(lines: list[str], start: int, spec: OutcomeRules) -> tuple[int, list[str]] | None:
    """The header of a one-cell-per-line table starting at ``start``: short lines (blank lines between
    them allowed) up to the first row number; (the line after it, its cells)."""
    if ROW_NUMBER.match(lines[start].strip()):
        return None
    cells, k = [], start
    while k < len(lines) and _short(lines[k]) and not ROW_NUMBER.match(lines[k].strip()):
        if lines[k].strip():
            cells.append(lines[k].strip())
        k += 1
    # the header starts at its first cell this project knows: short lines before it are the page's
    # (• 字体:[ ], 分享:)
    first = next((i for i, c in enumerate(cells) if role(c, spec) is not None), len(cells))
    cells = cells[first:]
    if k < len(lines) and ROW_NUMBER.match(lines[k].strip()) and _is_header(cells, spec):
        return k, cells
    return None


def _table(
    lines: list[str], header: int, cells: list[str], rows: list[ReportRow], spec: OutcomeRules
) -> TaskTable | None:
    if not rows:
        return None
    # a progress report says so in its heading (截至10月31日) or in a column (8月计划进度)
    for number in range(header, -1, -1):
        hit = spec.cutoff.search(lines[number])
        if hit:
            return TaskTable(tuple(rows), hit.group(), number + 1)
    for cell in cells:
        hit = spec.cutoff.search(SPACES.sub("", cell))
        if hit:
            return TaskTable(tuple(rows), hit.group(), header + 1)
    return TaskTable(tuple(rows))


def _row(values: dict[str, str], row_no: int, line_no: int) -> ReportRow | None:
    task = values.get("task", "").strip()
    if not task:
        return None
    return ReportRow(
        row_no,
        task,
        values.get("completion", "").strip() or None,
        line_no,
        verdict=values.get("verdict", "").strip(),
        progress=values.get("progress", "").strip(),
    )


def pipe_lines(lines: list[str], start: int) -> list[tuple[int, list[str]]]:
    """The lines of a table flattened with pipes from ``start``, each (line number, its cells without the
    empty ones that pad its end); the table ends at the first other line that is not blank."""
    rows = []
    for i in range(start, len(lines)):
        line = lines[i]
        if PIPE not in line:
            if line.strip():
                break
            continue
        cells = [c.strip() for c in line.split(PIPE)]
        while cells and not cells[-1]:
            cells.pop()  # the closing pipe, the table's empty padding cells
        if cells:
            rows.append((i + 1, cells))
    return rows


def _pipe_rows(lines: list[str], start: int, roles: list[str | None]) -> list[ReportRow]:
    """Rows of a pipe table, its cells by position. Without a 序号 column a row is numbered by its
    place, or by the (1) that opens its task."""
    rows: list[ReportRow] = []
    numbered = "number" in roles
    for line_no, cells in pipe_lines(lines, start):
        values = {r: c for r, c in zip(roles, cells, strict=False) if r is not None}
        if numbered and not ROW_NUMBER.match(values.get("number", "")):
            continue  # a second header row or a category line
        opening = CELL_NUMBER.match(values.get("task", ""))  # (1)吸收60所…: checked to follow on
        row_no = int(values["number"]) if numbered else len(rows) + 1
        if opening and not numbered and int(opening.group("n")) != row_no:
            opening = None  # (1) that does not follow on is a note in the cell, not the row's number
        row = _row(values, row_no, line_no)
        if row is not None:
            rows.append(row)
    return rows


def _line_rows(lines: list[str], start: int, header: list[str], spec: OutcomeRules) -> list[ReportRow]:
    """Rows of a table with one cell per line: a row starts at the line holding its number (1, 2, 3…)."""
    raw: list[tuple[int, list[str]]] = []
    expected = 1
    for i in range(start, len(lines)):
        cell = lines[i].strip()
        if not cell:
            continue
        if ROW_NUMBER.match(cell) and int(cell) == expected:
            raw.append((i + 1, []))
            expected += 1
        elif raw:
            raw[-1][1].append(cell)
    roles = [r for r in (role(c, spec) for c in header) if r != "number"]  # the number starts the row
    roles = _fit(roles, [len(cells) for _, cells in raw[:-1]] or [len(cells) for _, cells in raw])
    rows = []
    for number, (line_no, cells) in enumerate(raw, start=1):
        row = _row({r: c for r, c in zip(roles, cells, strict=False) if r is not None}, number, line_no)
        if row is not None:
            rows.append(row)
    return rows


def _fit(roles: list[str | None], widths: list[int]) -> list[str | None]:
    """The header's columns fitted to the rows: a header cell printed over two lines (牵头 / 市领导) is two
    lines of the run but one cell of a row, so adjacent unread lines are merged until the header is as
    wide as most rows are."""
    if not widths:
        return roles
    width = Counter(widths).most_common(1)[0][0]
    roles = list(roles)
    while len(roles) > width:
        pair = next((i for i in range(len(roles) - 1) if roles[i] is None and roles[i + 1] is None), None)
        if pair is None:
            break
        del roles[pair + 1]
    return roles
