"""``reports/policycmp_tables.xlsx``: every processed table in one workbook, for reviewers using Excel.

One sheet per table the build published (in a fixed order; :mod:`.published`: the tables its manifest
lists, never a stale file left in the folder), frozen header row, an auto-filter over the data, column
widths from the content. A text cell beginning with ``=``, ``+``, ``-`` or ``@`` is neutralised by a
leading ``'`` so that no spreadsheet program evaluates document text as a formula. The file is
deterministic: fixed document properties and fixed zip entry dates, so the same tables give the same
bytes.

openpyxl writes the workbook's frame (styles, sheets, the header row, widths, panes, filters); the data
rows are written here, as the same XML openpyxl's write-only mode writes for them, byte for byte
(tested against it), at about a fifth of the cost: at ninety districts the workbook has 700,000 cells,
and openpyxl spends 7 µs on each. A sheet holding a value of another type than text, number, truth
value or nothing (a date, say) is written by openpyxl whole.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import unicodedata
import zipfile
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .published import table_files

# Sheets in reading order; any other table the build publishes follows alphabetically.
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
HAS_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
SHEET_DATA_END = "</sheetData>"
# The types the rows are written for here (cell_value gives nothing else for the tables' dtypes).
PLAIN = (str, bool, int, float, type(None))


def neutralise(text: str) -> str:
    """Text that a spreadsheet would read as a formula gets a leading apostrophe."""
    if HAS_ILLEGAL.search(text):
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


def column_values(column: pd.Series) -> list[object]:
    """``cell_value`` of every value of a column, taken by its dtype where that gives the same values faster:
    floats with every NaN and infinity made None, integers and truth values as they are (the nullable
    ones' NA as None), text neutralised; any other column value by value."""
    kind = column.dtype.kind
    if kind == "f" and not isinstance(column.dtype, pd.api.extensions.ExtensionDtype):
        array = column.to_numpy()
        values: list[object] = array.tolist()
        for position in np.flatnonzero(~np.isfinite(array)).tolist():
            values[position] = None
        return values
    if kind in "iub":
        if isinstance(column.dtype, pd.api.extensions.ExtensionDtype):  # Int64, boolean: NA where missing
            return [None if v is pd.NA else v for v in column.tolist()]
        return list(column.tolist())
    if isinstance(column.dtype, pd.StringDtype) or column.dtype == object:
        return [neutralise(v) if type(v) is str else cell_value(v) for v in column.tolist()]
    return [cell_value(v) for v in column.tolist()]


def display_width(text: str) -> int:
    """Width in Excel character units: CJK and full-width characters count double."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def column_width(header: str, values: list[object]) -> float:
    # A value of at least MAX_WIDTH - 2 characters is as wide as the cap allows (every character is
    # one unit or two), so it counts as MAX_WIDTH unmeasured: the width comes out the same, and long
    # clause texts are not measured character by character.
    # Each distinct value is measured once (a column repeats its units, kinds and districts thousands of
    # times). A column mixing types is measured value by value: 1, 1.0 and True are one key to a Counter
    # but print differently. (0.0 and -0.0 are one key too, but no width of four characters passes MIN_WIDTH.)
    types = set(map(type, values)) - {type(None)}
    if len(types) <= 1:
        counts = Counter(values)
        counts.pop(None, None)
        widths = sorted((_capped_width(str(v)), n) for v, n in counts.items())
    else:
        widths = sorted((_capped_width(str(v)), 1) for v in values if v is not None)
    # The 90th percentile, so one very long clause text does not make the column a screen wide.
    typical = _at_rank(widths, math.ceil(0.9 * (sum(n for _, n in widths) - 1))) if widths else 0
    return float(min(MAX_WIDTH, max(MIN_WIDTH, display_width(header) + 2, typical + 2)))


def _at_rank(widths: list[tuple[int, int]], rank: int) -> int:
    """The ``rank``-th (from 0) of the sorted widths, each repeated as often as it counts."""
    seen = 0
    for width, count in widths:
        seen += count
        if seen > rank:
            return width
    return widths[-1][0]


def _capped_width(text: str) -> int:
    return MAX_WIDTH if len(text) >= MAX_WIDTH - 2 else display_width(text)


def tables_in(folder: str | Path) -> dict[str, pd.DataFrame]:
    """The tables the build's manifest lists in ``folder``, in sheet order."""
    files = table_files(folder)
    ordered = [n for n in ORDER if n in files] + [n for n in files if n not in ORDER]
    return {name: pd.read_parquet(files[name]) for name in ordered}


def workbook_bytes(tables: dict[str, pd.DataFrame], *, rows_by_openpyxl: bool = False) -> bytes:
    """The workbook of ``tables`` (name → frame, in sheet order).

    openpyxl writes each sheet's frame and header row; the data rows of each sheet whose values are
    all plain are written by :func:`_rows_xml` and put in place by :func:`_fixed_zip`.
    ``rows_by_openpyxl`` has openpyxl write every row itself (the tests compare the two).
    """
    wb = Workbook(write_only=True)
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="F0F3F6")
    rows_xml: dict[int, bytes] = {}
    for number, (name, frame) in enumerate(tables.items(), start=1):
        ws = wb.create_sheet(title=name[:31])
        columns = [str(c) for c in frame.columns]
        values = [column_values(frame[c]) for c in frame.columns]
        # Widths, the frozen header and the filter must be set before the first row is written.
        for index, header in enumerate(columns, start=1):
            width = column_width(header, values[index - 1])
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.freeze_panes = "A2"
        if columns:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(1, len(frame) + 1)}"
        headings = []
        for text in columns:
            cell = WriteOnlyCell(ws, value=text)
            cell.font = header_font
            cell.fill = header_fill
            cell.alignment = Alignment(vertical="top")
            headings.append(cell)
        ws.append(headings)
        if not rows_by_openpyxl and all(isinstance(v, PLAIN) for column in values for v in column):
            if len(frame):
                rows_xml[number] = _rows_xml(values)
        else:
            for row in zip(*values, strict=True):
                ws.append(list(row))
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
    return _fixed_zip(buffer.getvalue(), rows_xml)


def _rows_xml(columns: list[list[object]]) -> bytes:
    """The data rows (row 2 on) as openpyxl's write-only mode writes them: ``<row r="n">``, a cell per
    value that is not None, text inline with ``&``, ``<``, ``>`` and carriage returns escaped,
    ``xml:space="preserve"`` where the text has white space at either end, numbers as ``%.16g``, truth
    values as 1 or 0, and every character outside ASCII as a numeric reference."""
    cells = [_column_cells(get_column_letter(index), values) for index, values in enumerate(columns, start=1)]
    rows = [f'<row r="{number}">{"".join(row)}</row>' for number, row in enumerate(zip(*cells), start=2)]
    return "".join(rows).encode("ascii", "xmlcharrefreplace")


def _column_cells(letter: str, values: list[object]) -> list[str]:
    cells = []
    for number, value in enumerate(values, start=2):
        if value is None:
            cells.append("")
        elif isinstance(value, str):
            if not value:
                cells.append(f'<c r="{letter}{number}" t="inlineStr"></c>')
                continue
            space = ' xml:space="preserve"' if value != value.strip() else ""
            text = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
            cells.append(f'<c r="{letter}{number}" t="inlineStr"><is><t{space}>{text}</t></is></c>')
        elif isinstance(value, bool):
            cells.append(f'<c r="{letter}{number}" t="b"><v>{value:d}</v></c>')
        elif isinstance(value, (int, float)):  # openpyxl's "%.16g"
            cells.append(f'<c r="{letter}{number}" t="n"><v>{value:.16g}</v></c>')
        else:  # the caller passes PLAIN values only
            raise TypeError(f"{type(value).__name__} in a row written here")
    return cells


def _fixed_zip(data: bytes, rows_xml: dict[int, bytes]) -> bytes:
    """Rewrite the xlsx zip with fixed entry dates and attributes, so equal content gives equal bytes,
    and each sheet's data rows (``rows_xml``, by sheet number) put after its header row."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _fixed_core(content)
            sheet = re.fullmatch(r"xl/worksheets/sheet(\d+)\.xml", info.filename)
            if sheet and int(sheet.group(1)) in rows_xml:
                head, end, tail = content.partition(SHEET_DATA_END.encode())
                content = head + rows_xml[int(sheet.group(1))] + end + tail
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
    """Every table the build published in ``folder`` (the processed tables) into the workbook at ``path``."""
    path = Path(path)
    path.write_bytes(workbook_bytes(tables_in(folder)))
    return path
