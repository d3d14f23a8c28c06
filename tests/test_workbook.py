"""The workbook of every table: frozen headers, filters, widths, formula neutralising, determinism."""

from __future__ import annotations

import io
import math
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from policycmp import paths
from policycmp.errors import PolicyInputError
from policycmp.publish.build import build, is_stale
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


def _awkward_frame() -> pd.DataFrame:
    """Every kind of value the tables hold, and text that XML and openpyxl treat specially."""
    texts = ["", " lead", "trail\u3000", "x & <y> > \"q\" 'a'", "ret\r\nnl\ttab", "\x01ctl\x0b", "=1+1", "-3"]
    texts += ["𠀀万元", "\x85"]
    return pd.DataFrame(
        {
            "text": texts,
            "value": [1.5, float("nan"), 1e-20, 2 / 3, -0.0, 1e300, float("inf"), 123456789012345678.0, 0.1, 7.0],
            "count": pd.array([1, None, 10**17, -5, 0, 2, 3, 4, 5, 6], dtype="Int64"),
            "stated": pd.array([True, False, None, True, True, False, None, True, False, True], dtype="boolean"),
            "mixed": ["", None, "x", 3, 2.5, True, "=A1", "@x", "中", " "],
        }
    )


@pytest.mark.parametrize(
    "tables",
    [
        {"clauses": _awkward_frame(), "empty": pd.DataFrame(), "no_rows": pd.DataFrame({"x": []})},
        # a date: the sheet is written by openpyxl whole
        {"documents": pd.DataFrame({"issued": [pd.Timestamp("2024-03-01").date(), None], "n": [1, 2]})},
    ],
    ids=["plain values", "a date"],
)
def test_rows_written_here_are_the_bytes_openpyxl_writes(tables):
    assert workbook.workbook_bytes(tables) == workbook.workbook_bytes(tables, rows_by_openpyxl=True)


def test_the_reports_tables_give_the_bytes_openpyxl_writes():
    # the isolated project's tables (conftest), built here if no earlier test built them: a fresh clone
    # has no data/processed of its own
    if is_stale():
        build(echo=lambda *a, **k: None)
    tables = workbook.tables_in(paths.processed_dir())
    assert len(tables["clauses"]) > 200  # the seed corpus: every clause row of the three policies
    assert workbook.workbook_bytes(tables) == workbook.workbook_bytes(tables, rows_by_openpyxl=True)


def test_workbook_holds_the_tables_the_build_manifest_lists(tmp_path):
    """A table the build stopped making stays on disk; the workbook leaves it out."""
    processed = tmp_path / "processed"
    processed.mkdir()
    pd.DataFrame({"clause_id": ["zhenhai-2024-policy:c1"]}).to_parquet(processed / "clauses.parquet")
    pd.DataFrame({"old": [1]}).to_parquet(processed / "retired_table.parquet")
    (processed / "build_manifest.json").write_text('{"tables": {"clauses": 1}}', encoding="utf-8")
    wb = load_workbook(workbook.write_workbook(processed, tmp_path / "t.xlsx"))
    assert wb.sheetnames == ["clauses"]
    assert wb["clauses"]["A2"].value == "zhenhai-2024-policy:c1"


@pytest.mark.parametrize(
    "manifest, message",
    [
        (None, r"build_manifest.json: is missing, so which tables were built is unknown: run `policycmp build`"),
        ("{not json", r"build_manifest.json: cannot be read .*: run `policycmp build`"),
        ('{"tables": {"clauses": 1, "budgets": 0}}', r"budgets.parquet: is listed in build_manifest.json but missing"),
    ],
    ids=["no manifest", "broken manifest", "listed table missing"],
)
def test_workbook_without_a_sound_manifest_is_a_one_line_error(tmp_path, manifest, message):
    pd.DataFrame({"clause_id": ["c1"]}).to_parquet(tmp_path / "clauses.parquet")
    if manifest is not None:
        (tmp_path / "build_manifest.json").write_text(manifest, encoding="utf-8")
    with pytest.raises(PolicyInputError, match=message) as caught:
        workbook.tables_in(tmp_path)
    assert "\n" not in str(caught.value)


def _width_value_by_value(header: str, values: list[object]) -> float:
    """The column width as it was defined before distinct values were measured once: every value measured."""
    lengths = sorted(workbook._capped_width(str(v)) for v in values if v is not None)
    typical = lengths[math.ceil(0.9 * (len(lengths) - 1))] if lengths else 0
    return float(min(workbook.MAX_WIDTH, max(workbook.MIN_WIDTH, workbook.display_width(header) + 2, typical + 2)))


@pytest.mark.parametrize(
    "values",
    [
        ["镇海区", "CNY", "CNY", None, "subsidy", "国家级科技企业孵化器" * 3],
        [1000000] + [1000000.0] * 9 + [True],  # one key to a Counter, three ways of printing
        [3727000000.0] * 9 + [0.1],
        [None, None],
        [],
        ["=1+1", "'=1+1", "-5万元"],
    ],
    ids=["text", "mixed types", "repeated amounts", "empty cells", "no rows", "formulas"],
)
def test_a_column_is_as_wide_as_measuring_every_value_makes_it(values):
    assert workbook.column_width("x", values) == _width_value_by_value("x", values)


@pytest.mark.parametrize(
    "column",
    [
        pd.Series([1.5, float("nan"), float("inf"), -float("inf"), -0.0, 3727000000.0]),
        pd.Series([1, None, 3], dtype="Int64"),
        pd.Series([True, None, False], dtype="boolean"),
        pd.Series([True, False]),
        pd.Series([7, 8], dtype="int64"),
        pd.Series(["=SUM(A1)", "@x", None, "ok\x07", "+1"], dtype="string"),
        pd.Series(["-3", 4, None, float("nan")], dtype=object),
        pd.Series([1.25, None], dtype="Float64"),
        pd.Series([pd.Timestamp("2024-03-01"), pd.NaT]),
    ],
    ids=["floats", "Int64", "boolean", "bool", "int64", "string", "object", "Float64", "dates"],
)
def test_a_column_takes_the_values_cell_value_gives_each(column):
    assert workbook.column_values(column) == [workbook.cell_value(v) for v in column.tolist()]


def test_every_column_of_the_reports_tables_takes_the_values_cell_value_gives_each():
    if is_stale():
        build(echo=lambda *a, **k: None)
    tables = workbook.tables_in(paths.processed_dir())
    zhenhai = tables["documents"][tables["documents"]["district"] == "zhenhai"]
    assert not zhenhai.empty  # the seed corpus is there
    for name, frame in tables.items():
        for column in frame.columns:
            expected = [workbook.cell_value(v) for v in frame[column].tolist()]
            where = f"{name}.{column}"
            assert workbook.column_values(frame[column]) == expected, where
            assert workbook.column_width(column, expected) == _width_value_by_value(column, expected), where
