"""The library explains itself: its namespace is its API, a wrong table name lists the tables, a folder
named ``policycmp`` beside a script does not hide the package, and ``--root`` renders any project folder."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

import policycmp
from policycmp.cli import main
from policycmp.schema import TABLES

API = [
    "PolicyInputError",
    "changes",
    "load_clauses",
    "load_quantities",
    "load_table",
    "search",
    "side_by_side",
    "similar",
]
# What `policycmp report` must not import before it knows a page has to be rendered.
EXECUTION_STACK = ("papermill", "nbformat", "matplotlib", "sklearn", "jupyter_client")


def python(code: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, env=env or None)


def test_the_namespace_holds_only_the_api():
    assert dir(policycmp) == sorted([*API, "__version__"])
    assert policycmp.__all__ == API
    for name in API:
        assert callable(getattr(policycmp, name)), name
    for name in ("pd", "importlib", "ModuleType", "Tables", "_lookup"):
        assert name not in dir(policycmp), name
    with pytest.raises(AttributeError, match="has no attribute 'load_clause'; its API is PolicyInputError, "):
        _ = policycmp.load_clause


def test_importing_the_package_loads_no_pandas():
    result = python("import sys, policycmp; print(sorted(m for m in ('pandas', 'pandera') if m in sys.modules))", ROOT)
    assert result.stdout.strip() == "[]", result.stderr


@pytest.mark.parametrize("name", ["nope", "clause", "Clauses", ""])
def test_a_wrong_table_name_lists_the_tables_before_any_build(tmp_path, name):
    with pytest.raises(ValueError) as caught:
        policycmp.load_table(name, raw_dir=tmp_path / "raw", out_dir=tmp_path / "out")
    message = str(caught.value)
    assert message.startswith(f"load_table: no table {name!r}; the tables are ")
    assert message.endswith(", ".join(sorted(TABLES)))
    assert not (tmp_path / "out").exists()  # refused before building anything


def test_a_right_table_name_loads_it():
    assert len(policycmp.load_table("clauses")) == 204  # 58 + 63 + 56 clauses with preambles and closings


@pytest.mark.parametrize(
    "folder",
    [
        {},  # an empty folder named policycmp
        {
            "README.md": "# policycmp\n",
            "policycmp/__init__.py": "",
            "data/raw/sources.yaml": "documents: []\n",
        },  # a clone
    ],
    ids=["empty-folder", "a-clone-of-the-repository"],
)
def test_a_script_beside_a_folder_named_policycmp_imports_the_package(tmp_path, folder):
    shadow = tmp_path / "policycmp"
    shadow.mkdir()
    for name, text in folder.items():
        (shadow / name).parent.mkdir(parents=True, exist_ok=True)
        (shadow / name).write_text(text, encoding="utf-8")
    (tmp_path / "script.py").write_text("import policycmp\nprint(policycmp.__file__, policycmp.load_table.__name__)\n")
    result = subprocess.run([sys.executable, "script.py"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(ROOT / "policycmp" / "__init__.py"), "load_table"]


def project(tmp_path: Path, notebooks: list[str]) -> Path:
    root = tmp_path / "elsewhere"
    shutil.copytree(ROOT / "data" / "raw", root / "data" / "raw")
    (root / "notebooks").mkdir(parents=True)
    for name in notebooks:
        shutil.copyfile(ROOT / "notebooks" / name, root / "notebooks" / name)
    return root


def test_report_renders_a_project_folder_given_by_root(tmp_path, capsys):
    root = project(tmp_path, ["01_corpus_overview.ipynb"])
    assert main(["report", "--root", str(root)]) == 0
    assert "building first" in capsys.readouterr().out
    assert {p.name for p in (root / "reports").iterdir()} == {
        "01_corpus_overview.html",
        "index.html",
        "manifest.json",
        "policycmp-cjk.woff",
        "policycmp_tables.xlsx",
    }
    assert (root / "data" / "processed" / "clauses.parquet").is_file()
    # Run again as a user would: nothing changed, and it says so without importing the execution stack.
    code = (
        "import sys\nfrom policycmp.cli import main\n"
        f"code = main(['report', '--root', {str(root)!r}])\n"
        f"print(json.dumps([code, sorted(m for m in {EXECUTION_STACK!r} if m in sys.modules)]))"
    )
    result = python("import json\n" + code, tmp_path)
    assert json.loads(result.stdout.splitlines()[-1]) == [0, []], result.stderr
    assert "0 rendered, 1 unchanged, nothing changed in " in result.stdout


def test_report_renders_a_corpus_given_by_raw_tables_and_out(tmp_path, monkeypatch):
    root = project(tmp_path, ["07_district_profile.ipynb"])  # the project whose notebooks render it
    monkeypatch.setenv("POLICYCMP_ROOT", str(root))
    corpus = tmp_path / "corpus"
    shutil.move(root / "data" / "raw", corpus)
    out, tables = tmp_path / "pages", tmp_path / "tables"
    assert main(["report", "--raw", str(corpus), "--tables", str(tables), "--out", str(out)]) == 0
    assert (tables / "clauses.parquet").is_file() and not (root / "data" / "processed").exists()
    assert sorted(p.name for p in out.glob("*.html")) == [
        "07_district_profile-linping.html",
        "07_district_profile-qujiang.html",
        "07_district_profile-zhenhai.html",
        "index.html",
    ]


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--raw", "{raw}"], "--raw needs --tables and --out too"),
        (["--raw", "{raw}", "--out", "{tmp}/pages"], "--raw needs --tables and --out too"),
        (
            ["--root", "{raw}"],
            "--root: no data/raw/sources.yaml here; a project folder keeps its corpus in data/raw "
            "(it holds sources.yaml itself: pass it as --raw)",
        ),
        (["--root", "{tmp}"], "--root: no data/raw/sources.yaml here"),
    ],
    ids=["raw-alone", "raw-without-tables", "root-is-a-corpus-folder", "root-is-no-project"],
)
def test_report_refuses_folders_that_would_mix_corpora(tmp_path, capsys, argv, words):
    raw = project(tmp_path, []) / "data" / "raw"
    argv = [a.format(raw=raw, tmp=tmp_path) for a in argv]
    assert main(["report", *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("policycmp report: error: ") and words in err, err


def test_add_starts_a_project_in_an_empty_folder(tmp_path, capsys):
    """A new corpus begins with `add --root DIR`: DIR/data/raw receives the file and a new registry; a
    folder that does not exist is refused (a mistyped path never becomes a project)."""
    root = tmp_path / "corpus"
    root.mkdir()
    zhenhai = ROOT / "data" / "raw" / "zhenhai-2024-policy.txt"
    assert main(["add", str(zhenhai), "--root", str(root)]) == 0
    registry = (root / "data" / "raw" / "sources.yaml").read_text(encoding="utf-8")
    assert "id: zhenhai-2024-policy" in registry and (root / "data" / "raw" / zhenhai.name).is_file()
    assert main(["build", "--root", str(root)]) == 0
    assert (root / "data" / "processed" / "clauses.parquet").is_file()
    capsys.readouterr()
    assert main(["add", str(zhenhai), "--root", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.endswith("/missing: --root: no such folder"), err
    assert not (tmp_path / "missing").exists()
