"""The workbook of every table: frozen headers, filters, widths, formula neutralising, determinism."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from policycmp.report import workbook

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "text, expected",
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("最高50万元", "最高50万元"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_formula_leads_are_neutralised(text, expected):
    assert workbook.neutralise(text) == expected


def _frames() -> dict[str, pd.DataFrame]:
    clauses = pd.DataFrame(
        {
            "clause_id": ["d:c1", "d:c2", "d:c3"],
            "text": ["=1+1", "对首次认定的给予最高50万元奖励" * 3, "@cmd"],
            "value": [1.5, float("nan"), 3.0],
            "clause_no": pd.array([1, None, 3], dtype="Int64"),
            "stated": pd.array([True, None, False], dtype="boolean"),
        }
    )
    return {"clauses": clauses, "anomalies": pd.DataFrame({"kind": ["-dup"], "line": [3]})}


def test_workbook_is_deterministic_and_safe():
    first = workbook.workbook_bytes(_frames())
    assert first == workbook.workbook_bytes(_frames())
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {i.date_time for i in archive.infolist()} == {workbook.ZIP_TIME}
        core = archive.read("docProps/core.xml").decode()
        assert "2024-01-01T00:00:00Z" in core
    wb = load_workbook(io.BytesIO(first))
    assert wb.sheetnames == ["clauses", "anomalies"]
    ws = wb["clauses"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:E4"
    assert [c.value for c in ws[1]] == ["clause_id", "text", "value", "clause_no", "stated"]
    assert ws["B2"].value == "'=1+1" and ws["B2"].data_type == "s"
    assert ws["B4"].value == "'@cmd"
    assert ws["C2"].value == 1.5 and ws["C3"].value is None and ws["D3"].value is None
    assert ws["E2"].value is True and ws["E3"].value is None
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)
    assert ws.column_dimensions["B"].width > ws.column_dimensions["A"].width  # CJK text counts double
    assert ws.column_dimensions["B"].width <= workbook.MAX_WIDTH
    assert wb["anomalies"]["A2"].value == "'-dup"


def test_the_reports_workbook_holds_every_table():
    path = ROOT / "reports" / "policycmp_tables.xlsx"
    if not path.is_file():
        pytest.fail("reports/policycmp_tables.xlsx is missing: run `policycmp report` and commit reports/")
    wb = load_workbook(path, read_only=True)
    for name in ("clauses", "quantities", "comparisons", "budgets", "targets", "outcomes", "clause_tools", "anomalies"):
        assert name in wb.sheetnames, name
    header = [c.value for c in next(wb["clauses"].iter_rows(max_row=1))]
    assert header[:3] == ["clause_id", "doc_id", "district"]
