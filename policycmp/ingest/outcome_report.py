"""Reading an outcome report's table (``编号 | 目标任务 | 完成情况 |``) into its rows."""

from __future__ import annotations

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
