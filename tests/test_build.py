"""`policycmp build` end to end: the published tables, their stability, and loading from Python."""

from __future__ import annotations

import hashlib
import json
import logging
import shutil

import pandas as pd
import pytest
from conftest import rehash

import policycmp
from policycmp.cli import main
from policycmp.publish.fingerprint import is_stale


def digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    # The committed corpus builds under --strict: every heading is in the vocabulary, none inferred.
    out = tmp_path_factory.mktemp("build") / "processed"
    assert main(["build", "--strict", "--raw", "data/raw", "--out", str(out)]) == 0
    return out


def test_build_writes_the_contract_tables(built):
    names = {p.name for p in built.iterdir()}
    assert {"clauses.parquet", "quantities.parquet", "anomalies.parquet", "build_manifest.json"} <= names
    clauses = pd.read_parquet(built / "clauses.parquet")
    assert len(clauses[clauses.row_kind == "clause"]) == 58 + 63 + 56
    manifest = json.loads((built / "build_manifest.json").read_text())
    assert manifest["tables"]["clauses"] == len(clauses)


def test_build_warns_about_zhenhai_numbering(tmp_path, capsys):
    assert main(["build", "--raw", "data/raw", "--out", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert "warning: zhenhai-2024-policy.txt:107: clause number 31 printed twice (lines 105 and 107)" in err
    assert "warning: zhenhai-2024-policy.txt:113: clause number(s) 32 never printed" in err


def test_rebuilding_the_same_input_gives_byte_identical_files(built, tmp_path):
    # without --strict, too: on a corpus whose headings are all known the flag changes nothing
    again = tmp_path / "again"
    assert main(["build", "--raw", "data/raw", "--out", str(again)]) == 0
    assert digest(again) == digest(built)


def test_build_from_a_moved_raw_folder_gives_the_same_tables(built, tmp_path):
    moved = tmp_path / "elsewhere" / "raw"
    shutil.copytree("data/raw", moved)
    out = tmp_path / "out"
    assert main(["build", "--raw", str(moved), "--out", str(out)]) == 0
    parquet = lambda d: {k: v for k, v in digest(d).items() if k.endswith(".parquet")}  # noqa: E731
    assert parquet(out) == parquet(built)


def test_load_clauses_builds_when_missing_and_rebuilds_when_raw_changes(raw_copy, tmp_path, caplog):
    out = tmp_path / "processed"
    with caplog.at_level(logging.WARNING, logger="policycmp"):
        clauses = policycmp.load_clauses(raw_dir=raw_copy, out_dir=out)
    # a read that rebuilds says so, with the build's warnings (Jupyter shows the logged line)
    [record] = caplog.records
    assert record.levelno == logging.WARNING and f"the tables in {out} were stale" in record.getMessage()
    assert "warning: zhenhai-2024-policy.txt:107: clause number 31 printed twice" in record.getMessage()
    assert (out / "clauses.parquet").is_file() and not is_stale(raw_copy, out)
    assert clauses.clause_no.dtype == "Int64" and clauses.year.dtype == "int64"
    assert str(clauses.text.dtype) == "string"
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="policycmp"):
        policycmp.load_clauses(raw_dir=raw_copy, out_dir=out)
    assert caplog.records == []  # nothing rebuilt, nothing said
    zhenhai = raw_copy / "zhenhai-2024-policy.txt"
    zhenhai.write_bytes(zhenhai.read_bytes().replace("开展扩投资攻坚行动".encode(), "开展扩投资攻坚专项行动".encode()))
    rehash(raw_copy)  # the edit registered, as re-adding the file does
    assert is_stale(raw_copy, out)
    reloaded = policycmp.load_clauses(raw_dir=raw_copy, out_dir=out)
    assert reloaded.loc[reloaded.clause_id == "zhenhai-2024-policy:c1", "title"].item() == "开展扩投资攻坚专项行动"
    assert not is_stale(raw_copy, out)


def test_build_reports_quantities_it_could_not_normalise(raw_copy, tmp_path, capsys):
    zhenhai = raw_copy / "zhenhai-2024-policy.txt"
    text = zhenhai.read_text(encoding="utf-8")
    zhenhai.write_text(
        text.replace("争取中央预算内投资3亿元左右", "争取中央预算内投资3亿元左右,引进外资50万英镑"), encoding="utf-8"
    )
    rehash(raw_copy)
    out = tmp_path / "out"
    assert main(["build", "--raw", str(raw_copy), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    # 2 of the reports' own (the bare index values 1.06 and 0.18 of 区人民医院's CMI), and the one added here
    assert "3 quantities could not be normalised" in captured.err
    assert "(3 could not be normalised)" in captured.out
    quantities = pd.read_parquet(out / "quantities.parquet")
    kept = quantities[quantities.span.str.contains("英镑")]
    assert list(kept.clause_id) == ["zhenhai-2024-policy:c2"]
    assert (kept.value.item(), kept.unit.item(), kept.kind.item()) == (500_000, "英镑", "other")


def test_a_range_written_high_to_low_is_read_low_to_high_and_the_build_goes_on(raw_copy, tmp_path, capsys):
    """A real document may write a tiered rate from the top (补助比例60%-40%): that must never stop the
    build at the check that a range's upper end is not below its value."""
    zhenhai = raw_copy / "zhenhai-2024-policy.txt"
    text = zhenhai.read_text(encoding="utf-8")
    assert text.count("按照不超过实际投入的10%-20%给予补助") == 1
    zhenhai.write_text(text.replace("实际投入的10%-20%", "实际投入的20%-10%"), encoding="utf-8")
    rehash(raw_copy)
    out = tmp_path / "out"
    assert main(["build", "--raw", str(raw_copy), "--out", str(out)]) == 0
    quantities = pd.read_parquet(out / "quantities.parquet")
    written = quantities[quantities["span"].str.contains("20%-10%", regex=False)]
    assert written[["clause_id", "value", "value_high", "unit"]].values.tolist() == [
        ["zhenhai-2024-policy:c25", 10.0, 20.0, "%"]
    ]
    comparisons = pd.read_parquet(out / "comparisons.parquet")
    row = comparisons[comparisons["quantity_span"].str.contains("20%-10%", regex=False, na=False)]
    assert row[["value", "value_high", "role"]].values.tolist() == [[10.0, 20.0, "share"]]


def test_out_holds_exactly_the_tables_of_this_build(tmp_path, capsys):
    """A table an earlier build wrote and this one no longer makes is removed (its name is in the earlier
    build's manifest); files the build never wrote stay."""
    out = tmp_path / "out"
    assert main(["build", "--raw", "data/raw", "--out", str(out)]) == 0
    manifest = json.loads((out / "build_manifest.json").read_text())
    manifest["tables"]["policy_tools"] = 3  # the name of a table before it was renamed, say
    (out / "build_manifest.json").write_text(json.dumps(manifest))
    shutil.copyfile(out / "clauses.parquet", out / "policy_tools.parquet")
    (out / "my_notes.parquet").write_bytes(b"a researcher's own file")
    capsys.readouterr()
    assert main(["build", "--no-cache", "--raw", "data/raw", "--out", str(out)]) == 0
    assert f"removed policy_tools.parquet from {out}: tables this build no longer makes" in capsys.readouterr().out
    tables = {p.stem for p in out.glob("*.parquet")}
    assert tables == set(policycmp.schema.TABLES) | {"my_notes"}
    assert set(json.loads((out / "build_manifest.json").read_text())["tables"]) == set(policycmp.schema.TABLES)
