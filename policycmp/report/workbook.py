"""``reports/policycmp_tables.xlsx``: every processed table in one workbook, for reviewers using Excel.

One sheet per table (in a fixed order), frozen header row, an auto-filter over the data, column widths
from the content. A text cell beginning with ``=``, ``+``, ``-`` or ``@`` is neutralised by a leading
``'`` so that no spreadsheet program evaluates document text as a formula. The file is deterministic:
fixed document properties and fixed zip entry dates, so the same tables give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import unicodedata
import zipfile
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

# Sheets in reading order; any other table in the folder follows alphabetically.
ORDER = (
    "documents",
    "clauses",
    "quantities",
    "comparisons",
    "budgets",
    "targets",
    "outcomes",
    "clause_tools",
    "anomalies",
)
FIXED_TIME = dt.datetime(2024, 1, 1, 0, 0, 0)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
FORMULA_LEAD = ("=", "+", "-", "@")
MIN_WIDTH, MAX_WIDTH = 6, 60
# Characters Excel refuses in a cell (XML 1.0 control characters other than tab, newline, return).
ILLEGAL = dict.fromkeys([c for c in range(32) if c not in (9, 10, 13)])


def neutralise(text: str) -> str:
    """Text that a spreadsheet would read as a formula gets a leading apostrophe."""
    text = text.translate(ILLEGAL)
    return "'" + text if text.startswith(FORMULA_LEAD) else text


def cell_value(value: object) -> object:
    """A pandas value as openpyxl should store it: numbers as numbers, text neutralised, NA empty."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool):
        return value
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, (int, bool)):
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return value
    return neutralise(str(value))


def display_width(text: str) -> int:
    """Width in Excel character units: CJK and full-width characters count double."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def column_width(header: str, values: list[object]) -> float:
    # Measuring the first MAX_WIDTH characters gives the same width (it is capped at MAX_WIDTH) in a
    # fraction of the time for columns of clause texts.
    lengths = sorted(display_width(str(v)[:MAX_WIDTH]) for v in values if v is not None)
    # The 90th percentile, so one very long clause text does not make the column a screen wide.
    typical = lengths[math.ceil(0.9 * (len(lengths) - 1))] if lengths else 0
    return float(min(MAX_WIDTH, max(MIN_WIDTH, display_width(header) + 2, typical + 2)))


def tables_in(folder: str | Path) -> dict[str, pd.DataFrame]:
    folder = Path(folder)
    names = sorted(p.stem for p in folder.glob("*.parquet"))
    ordered = [n for n in ORDER if n in names] + [n for n in names if n not in ORDER]
    return {name: pd.read_parquet(folder / f"{name}.parquet") for name in ordered}


def workbook_bytes(tables: dict[str, pd.DataFrame]) -> bytes:
    # Write-only mode streams the rows out instead of keeping a cell object for each: at ninety
    # districts the workbook has half a million cells and this is several times faster.
    wb = Workbook(write_only=True)
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="F0F3F6")
    for name, frame in tables.items():
        ws = wb.create_sheet(title=name[:31])
        columns = [str(c) for c in frame.columns]
        # Column by column: tolist() gives Python scalars, so each cell takes the short path.
        values = [[cell_value(v) for v in frame[c].tolist()] for c in frame.columns]
        rows = [list(row) for row in zip(*values, strict=True)] if values else []
        # Widths, the frozen header and the filter must be set before the first row is written.
        for index, header in enumerate(columns, start=1):
            width = column_width(header, values[index - 1])
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.freeze_panes = "A2"
        if columns:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(1, len(rows) + 1)}"
        headings = []
        for text in columns:
            cell = WriteOnlyCell(ws, value=text)
            cell.font = header_font
            cell.fill = header_fill
            cell.alignment = Alignment(vertical="top")
            headings.append(cell)
        ws.append(headings)
        for row in rows:
            ws.append(row)
    if not tables:
        wb.create_sheet("empty")
    props = wb.properties
    props.creator = "policycmp"
    props.lastModifiedBy = "policycmp"
    props.title = "policycmp tables"
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    buffer = io.BytesIO()
    wb.save(buffer)
    return _fixed_zip(buffer.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """Rewrite the xlsx zip with fixed entry dates and attributes, so equal content gives equal bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _fixed_core(content)
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            entry.create_system = 0
            target.writestr(entry, content, compresslevel=6)
    return out.getvalue()


def _fixed_core(content: bytes) -> bytes:
    """openpyxl may stamp the save time into docProps/core.xml; pin created/modified."""

    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    for tag in (b"dcterms:created", b"dcterms:modified"):
        content = re.sub(rb"(<" + tag + rb"[^>]*>)[^<]*(</" + tag + rb">)", rb"\g<1>" + stamp + rb"\g<2>", content)
    return content


def write_workbook(folder: str | Path, path: str | Path) -> Path:
    """Every table of ``folder`` (the processed tables) into the workbook at ``path``."""
    path = Path(path)
    path.write_bytes(workbook_bytes(tables_in(folder)))
    return path
