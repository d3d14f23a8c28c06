"""The foundations: stage layers without cycles, one checked schema per table, one content-keyed
vocabulary layer, no hidden optional stage."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pandas as pd
import pytest
from conftest import RAW, ROOT, rehash, with_an_empty_span

import policycmp
import policycmp.publish.build as build_module
import policycmp.publish.write as write_module
from policycmp.cli import main
from policycmp.ingest.corpus import read_corpus
from policycmp.publish.build import build_tables
from policycmp.publish.fingerprint import is_stale
from policycmp.publish.validate import TableCheckError, check_tables
from policycmp.schema import TABLES, dtypes, markdown
from policycmp.vocabulary import load_domains
from policycmp.vocabulary.loader import PACKAGE_DATA

PACKAGE = ROOT / "policycmp"


# --- architecture ------------------------------------------------------------------------------------


def test_the_layer_contracts_hold():
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports")], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "Contracts: 6 kept, 0 broken." in result.stdout


def test_no_import_cycle():
    graph = grimp.build_graph("policycmp")
    cycles = [
        (module, imported)
        for module in sorted(graph.modules)
        for imported in graph.find_modules_directly_imported_by(module)
        if imported != module and graph.chain_exists(importer=imported, imported=module)
    ]
    assert cycles == []


def test_no_stage_hides_behind_an_import_guard():
    """A stage that fails to import is an error, never an optional feature."""
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ExceptHandler) and node.type is not None:
                names = {n.id for n in ast.walk(node.type) if isinstance(n, ast.Name)}
                assert not names & {"ImportError", "ModuleNotFoundError"}, f"{path}:{node.lineno}"


def _failing_write(real):
    def write(self, name, content):
        if name == "targets.parquet":  # written after most tables are already staged
            raise RuntimeError("a bug while writing a table")
        return real(self, name, content)

    return write


@pytest.mark.parametrize(
    "patch, message",
    [
        # a step over the whole corpus (the budget checks)
        (lambda mp: mp.setattr(build_module, "checked_budgets", _broken), "a bug in a comparison stage"),
        # a failure while the tables are written one by one into the staging folder
        (lambda mp: mp.setattr(write_module.Staged, "write", _failing_write(write_module.Staged.write)), "writing"),
    ],
)
def test_a_stage_that_fails_stops_the_build_and_writes_nothing(tmp_path, monkeypatch, patch, message):
    out = tmp_path / "out"
    assert main(["build", "--raw", str(RAW), "--out", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    patch(monkeypatch)
    with pytest.raises(RuntimeError, match=message):
        # without the cache: the monkeypatched code is a change no file shows
        main(["build", "--no-cache", "--raw", str(RAW), "--out", str(out)])
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not list(tmp_path.glob(".out.staging-*")), "the staging folder is removed"


def _broken(*args, **kwargs):
    raise RuntimeError("a bug in a comparison stage")


# --- one schema per table -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return build_tables(read_corpus(RAW / "sources.yaml")).tables


def test_every_table_has_its_schema_dtypes(tables):
    assert set(tables) == set(TABLES)
    for name, row_type in TABLES.items():
        assert {c: str(t) for c, t in tables[name].dtypes.items()} == dtypes(row_type), name


def _first(frame: pd.DataFrame, **where: object) -> int:
    mask = pd.Series(True, index=frame.index)
    for column, value in where.items():
        mask &= frame[column] == value
    return int(frame.index[mask][0])


def damage(tables: dict[str, pd.DataFrame], name: str, change) -> dict[str, pd.DataFrame]:
    copy = {k: v.copy() for k, v in tables.items()}
    change(copy[name])
    return copy


VIOLATIONS = [
    (
        "clauses",
        lambda t: t.__setitem__("clause_id", t["clause_id"].where(t.index != 1, t.loc[0, "clause_id"])),
        "clauses.parquet: column 'clause_id'",
    ),
    (
        "quantities",
        lambda t: t.__setitem__("span", t["span"].where(t.index != 5, "")),
        "quantities.parquet: column 'span', row 5",
    ),
    (
        "quantities",
        lambda t: t.__setitem__("start", t["start"].where(t.index != 7, t.loc[7, "start"] + 1)),
        "check 'span == text[start:end] of its clause (or report piece)' failed",
    ),
    (
        "quantities",
        lambda t: t.__setitem__("domain", t["domain"].where(t.index != 3, "aerospace")),
        "quantities.parquet: column 'domain'",
    ),
    (
        "comparisons",
        lambda t: t.__setitem__("value_high", t["value"] - 1),
        "comparisons.parquet: column 'value_high'",
    ),
    (
        "budgets",
        lambda t: t.__setitem__("clause_id", t["clause_id"].where(t.index != 0, "nowhere:c1")),
        "budgets.parquet: column 'clause_id', row 0 (clause_id 'nowhere:c1')",
    ),
    (
        "targets",
        lambda t: t.__setitem__("span", t["span"].where(t.index != 2, "another sentence")),
        "targets.parquet: column 'span', row 2",
    ),
    (
        "outcomes",
        lambda t: t.__setitem__("status", t["status"].where(t.index != 4, "probably")),
        "outcomes.parquet: column 'status'",
    ),
    (
        "clauses",
        lambda t: t.__setitem__("row_kind", t["row_kind"].where(t.index != 0, "paragraph")),
        "clauses.parquet: column 'row_kind'",
    ),
]


@pytest.mark.parametrize("name, change, expected", VIOLATIONS)
def test_a_violation_is_one_line_naming_table_column_and_row(tables, name, change, expected):
    check_tables(tables)  # the real tables pass
    with pytest.raises(TableCheckError) as caught:
        check_tables(damage(tables, name, change))
    message = caught.value.one_line()
    assert "\n" not in message and expected in message, message


def test_a_table_that_breaks_its_schema_is_not_published(tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    assert main(["build", "--raw", str(RAW), "--out", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    monkeypatch.setattr(build_module, "tables_of", with_an_empty_span(build_module.tables_of))
    capsys.readouterr()
    assert main(["build", "--no-cache", "--raw", str(RAW), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert "quantities.parquet: column 'span', row 0 (clause_id 'zhenhai-2024-policy:p1')" in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_the_column_documentation_is_generated_from_the_schema():
    documented = (ROOT / "docs" / "tables.md").read_text(encoding="utf-8")
    assert documented == markdown() + "\n", "run: python3 tasks.py docs"


# --- one vocabulary layer, cached by content -------------------------------------------------------------


def test_an_edited_vocabulary_is_read_again_in_the_same_process(tmp_path, monkeypatch):
    """The scenario of a researcher in a running kernel: edit units.yaml, load the quantities again."""
    vocabularies = tmp_path / "vocabularies"
    shutil.copytree(PACKAGE_DATA, vocabularies)
    monkeypatch.setenv("POLICYCMP_VOCABULARY_DIR", str(vocabularies))
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    zhenhai = raw / "zhenhai-2024-policy.txt"
    zhenhai.write_text(zhenhai.read_text(encoding="utf-8").replace("争取中央预算内投资3亿元左右",
                       "争取中央预算内投资3亿元左右,引进外资5000万美元"), encoding="utf-8")  # fmt: skip
    rehash(raw)
    out = tmp_path / "out"
    first = policycmp.load_quantities(raw_dir=raw, out_dir=out)
    assert set(first.loc[first.span.str.contains("美元"), "unit"]) == {"USD"}
    assert not is_stale(raw, out)

    units = vocabularies / "units.yaml"
    units.write_text(units.read_text(encoding="utf-8").replace("unit: USD", "unit: US_DOLLAR"), encoding="utf-8")
    assert is_stale(raw, out)  # the edit is an input like any other
    again = policycmp.load_quantities(raw_dir=raw, out_dir=out)
    assert set(again.loc[again.span.str.contains("美元"), "unit"]) == {"US_DOLLAR"}
    assert not is_stale(raw, out)


def test_the_vocabulary_files_are_each_read_by_one_loader():
    """Domains, tiers and indicators each come from one file, read in one module."""
    for name in ("domains.yaml", "award_tiers.yaml", "indicators.yaml", "units.yaml", "gazetteer.yaml"):
        readers = [
            path.relative_to(PACKAGE).as_posix()
            for path in PACKAGE.rglob("*.py")
            if f'"{name}"' in path.read_text(encoding="utf-8")
        ]
        assert len(readers) == 1, (name, readers)


# The gazetteer and the inference rules serve `policycmp add`; every other vocabulary the build.
READ_BY_ADD = {"gazetteer.yaml", "registry_inference.yaml"}


def command_reading(name: str, tmp_path: Path) -> list[str]:
    if name in READ_BY_ADD:
        return ["add", str(RAW / "qujiang-2023-policy.txt"), "--raw", str(tmp_path / "raw"), "--dry-run"]
    return ["build", "--raw", str(RAW), "--out", str(tmp_path / "out")]


@pytest.mark.parametrize("content", ["key: [unclosed\n", "unexpected: true\n"], ids=["malformed", "without-content"])
@pytest.mark.parametrize("name", sorted(p.name for p in PACKAGE_DATA.glob("*.yaml")))
def test_a_bad_vocabulary_is_one_line_naming_the_file(tmp_path, monkeypatch, capsys, name, content):
    vocabularies = tmp_path / "vocabularies"
    shutil.copytree(PACKAGE_DATA, vocabularies)
    (vocabularies / name).write_text(content, encoding="utf-8")
    monkeypatch.setenv("POLICYCMP_VOCABULARY_DIR", str(vocabularies))
    assert main(command_reading(name, tmp_path)) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and str(vocabularies / name) in err, err
    assert not (tmp_path / "out").exists() and not (tmp_path / "raw").exists()


def test_an_unchanged_vocabulary_is_parsed_once():
    assert load_domains() is load_domains()
