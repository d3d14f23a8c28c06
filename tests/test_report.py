"""`policycmp report`: parameters, escaping, determinism, skipping, failure handling, staleness.

The slow tests render into temporary folders from a temporary project root (a copy of data/ and the
notebooks), so they never touch reports/ or data/processed/.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import papermill
import pytest
from conftest import rehash
from openpyxl import load_workbook
from papermill.exceptions import PapermillExecutionError

from policycmp import analysis
from policycmp.analysis.tables import MissingTable
from policycmp.publish.build import build, is_stale
from policycmp.report import params, views
from policycmp.report import plan as plan_mod
from policycmp.report import run as report_mod
from policycmp.report.markup import components
from policycmp.report.markup import format as fmt
from policycmp.report.params import ParameterError
from policycmp.report.views import figures
from policycmp.vocabulary.gazetteer import load_gazetteer

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
REPORTS = ROOT / "reports"


@pytest.fixture(scope="module", autouse=True)
def built():
    """The isolated project's tables (see conftest), built once if no earlier test built them."""
    if is_stale():
        build(echo=lambda *a, **k: None)


def validate(report: str, **values):
    if report not in views.REPORTS:
        raise ParameterError("report", report, sorted(views.REPORTS), what="unknown report")
    spec = views.REPORTS[report]
    return params.validate(report, spec.parameters, spec.check, values)


def make_root(tmp_path: Path, notebooks: list[str] | None = None, processed: bool = True) -> Path:
    """A project root in tmp: data/raw copied, data/processed copied (built first if needed), notebooks."""

    root = tmp_path / "root"
    shutil.copytree(ROOT / "data" / "raw", root / "data" / "raw")
    if processed:
        build(root / "data" / "raw", root / "data" / "processed", echo=lambda *a, **k: None)
    (root / "notebooks").mkdir()
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        if notebooks is None or path.name in notebooks:
            shutil.copyfile(path, root / "notebooks" / path.name)
    return root


# --- parameters -------------------------------------------------------------------------------


def test_unknown_district_fails_with_one_line_listing_the_valid_values():
    with pytest.raises(ParameterError) as info:
        views.start("district_profile", district="hangzhou")
    message = str(info.value)
    assert "\n" not in message
    assert "unknown district 'hangzhou'" in message
    for key in ("zhenhai", "linping", "qujiang"):
        assert key in message
    assert info.value._render_traceback_() == [f"ParameterError: {message}"]


def test_unknown_domain_fails_with_one_line_listing_the_valid_values():
    with pytest.raises(ParameterError) as info:
        views.start("domain_deep_dive", domain="finance", similar_pairs=5)
    message = str(info.value)
    assert "\n" not in message and "unknown domain 'finance'" in message
    assert all(key in message for key in params.domains())


@pytest.mark.parametrize(
    "report, values",
    [
        ("subsidy_levels", {"districts": "zhenhai,nowhere"}),
        ("targets", {"districts": "all", "city": "ningbo"}),
        ("city_context", {"city": "hangzhou"}),
        ("target_follow_through", {"district": "linping", "year": 2024}),
        ("domain_deep_dive", {"domain": "innovation", "similar_pairs": 0}),
        ("district_profile", {"district": "zhenhai", "colour": "red"}),
        ("no_such_report", {}),
    ],
)
def test_bad_parameters_are_refused_before_any_work(report, values):
    with pytest.raises(ParameterError) as info:
        validate(report, **values)
    assert "\n" not in str(info.value) and "valid:" in str(info.value)


def test_parameter_lists_are_normalised():
    assert validate("subsidy_levels", districts=" Qujiang,zhenhai ") == {
        "districts": ["zhenhai", "qujiang"],
        "year": None,
    }
    assert validate("budgets", districts="all")["districts"] == params.districts()


def test_a_notebook_with_a_bad_parameter_fails_at_once(tmp_path):
    """papermill -p district nowhere: the first cell after the parameters stops with the one-line error."""

    with pytest.raises(PapermillExecutionError) as info:
        papermill.execute_notebook(
            str(NOTEBOOKS / "07_district_profile.ipynb"),
            str(tmp_path / "out.ipynb"),
            parameters={"district": "nowhere"},
            progress_bar=False,
            kernel_name="python3",
            cwd=str(NOTEBOOKS),
        )
    assert info.value.ename == "ParameterError"
    assert "unknown district 'nowhere' (valid: zhenhai, linping, qujiang)" in info.value.evalue
    assert info.value.exec_count == 3  # 1 parameters, 2 injected parameters, 3 the check: nothing ran before it


# --- HTML ------------------------------------------------------------------------------------


def test_table_cells_and_tooltips_are_escaped():
    frame = pd.DataFrame(
        {
            "text": ["<script>alert(1)</script>", "a & b"],
            "amount": [fmt.amount_cell(5e5, "CNY", clause_id="x:c1", span='"><img src=x>'), ""],
        }
    )
    markup = components.Table(frame, caption="<b>caption</b>").html()
    assert "<script>alert" not in markup and "<img" not in markup and "<b>caption" not in markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup
    assert "&quot;&gt;&lt;img src=x&gt;" in markup
    assert "a &amp; b" in markup


@pytest.mark.parametrize(
    "value, unit, high, bound, shown",
    [
        (1_500_000, "CNY", None, "max", "≤ 150万元"),
        (3_727_000_000, "CNY", None, "exact", "37.27亿元"),
        (85_000_000, "CNY", None, "approx", "≈ 8500万元"),
        (10, "%", 20, None, "10–20%"),
        (3200, "mu", None, "min", "≥ 3,200 亩"),
        (180_000_000, "USD", None, "min", "≥ 1.8亿美元"),
    ],
)
def test_amounts_are_shown_as_wan_and_yi_with_the_exact_figure_in_the_tooltip(value, unit, high, bound, shown):
    cell = fmt.amount_cell(value, unit, high, bound, clause_id="d:c1", span="最高150万元")
    assert cell.text == shown
    assert cell.sort == float(value)
    assert f"{value:,}" in cell.title and "clause d:c1" in cell.title and "「最高150万元」" in cell.title


def test_figure_svg_is_deterministic_with_text_as_text():
    def draw() -> str:
        components.reset_ids("t")
        with figures.figure(3, 2) as (fig, axes):
            axes[0][0].bar(["Zhenhai", "Linping"], [1, 2])
            axes[0][0].set_title("Clauses")
            return figures.svg(fig, caption="c").html()

    first, second = draw(), draw()
    assert first == second
    assert "<text" in first and ">Clauses</text>" in first  # svg.fonttype none: text stays text
    assert "<dc:date>" not in first and "<?xml" not in first
    ids = re.findall(r'\bid="([^"]+)"', first)
    assert len(ids) == len(set(ids)) and all(i.startswith("t-") for i in ids)


def test_figures_speak_the_units_of_the_page():
    """A figure labels money as the tables do (150万元, 37.27亿元), never ¥1.5M or ¥3.73bn."""
    districts = ["zhenhai", "linping", "qujiang"]
    comparisons = analysis.table("comparisons")
    grid = analysis.subsidy_grid(comparisons, districts)
    totals = analysis.budget_totals(analysis.table("budget_summary", districts=districts), districts)
    allocations = analysis.domain_allocations(analysis.table("budget_domains"), totals)
    markup = (
        views.subsidy_matrix(grid, analysis.subsidy_ranks()).html()
        + views.budget_allocations(totals, allocations).html()
    )
    svgs = "".join(re.findall(r"<svg.*?</svg>", markup, flags=re.S))
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svgs)
    assert "150万元" in texts and "300万元" in texts  # the national incubator award, Zhenhai and Qujiang
    assert " total 37.27亿元" in texts
    assert not [t for t in texts if "¥" in t or re.search(r"\d(bn|M|k)\b", t)]


def test_a_missing_table_is_a_one_line_error_naming_it(tmp_path, monkeypatch):
    """Every table exists after a build (possibly empty); a missing one is an error, never a hidden section."""
    root = make_root(tmp_path, notebooks=[])
    missing = root / "data" / "processed" / "budgets.parquet"
    missing.unlink()
    monkeypatch.setenv("POLICYCMP_ROOT", str(root))
    with pytest.raises(MissingTable) as info:
        views.start("budgets", districts="all")
    assert str(info.value) == f"{missing} is missing: run `policycmp build`"
    assert info.value._render_traceback_() == [f"MissingTable: {info.value}"]


# --- the command ------------------------------------------------------------------------------


def test_plan_has_one_page_per_outcome_report_domain_district_and_city():
    planned = plan_mod.plan(NOTEBOOKS)
    names = [job.name for job in planned.jobs]
    assert names[:5] == [
        "01_corpus_overview",
        "02_subsidy_levels",
        "03_budgets",
        "04_targets",
        "05_target_follow_through-zhenhai-2024",
    ]
    assert [n for n in names if n.startswith("06_")] == [f"06_domain_deep_dive-{d}" for d in params.domains()]
    assert [n for n in names if n.startswith("07_")] == [f"07_district_profile-{d}" for d in params.districts()]
    assert [n for n in names if n.startswith("08_")] == ["08_city_context-ningbo"]
    # the real corpus has every kind of document and every domain, and one edition of each district
    assert [(a.title, a.reason) for a in planned.absent] == [
        ("Edition changes", "no district of the corpus has two or more policy editions")
    ]
    follow = next(job for job in planned.jobs if job.name.startswith("05_"))
    assert follow.parameters == {"district": "zhenhai", "year": 2024}


def test_no_notebook_default_names_a_district_or_a_city():
    places = {p.key for p in load_gazetteer().places}
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        cell = next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", []))
        named = set(re.findall(r"[\"']([a-z_]+)[\"']", "".join(cell["source"]))) & places
        assert not named, f"{path.name}: its parameters name {sorted(named)}"


def test_notebooks_are_thin_stripped_and_parameterised():
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        # The analysis shows as steps over the published tables: load, filter, pivot or rank, then one call
        # that draws. Every notebook past its header cell reads a table through policycmp.analysis.
        assert "analysis." in "".join("".join(c["source"]) for c in code), path.name
        assert any("parameters" in c["metadata"].get("tags", []) for c in code), path.name
        for cell in code:
            assert cell["outputs"] == [] and cell["execution_count"] is None, f"{path.name}: outputs not stripped"
            assert len("".join(cell["source"]).splitlines()) <= 5, f"{path.name}: keep the logic in policycmp/"
        assert "from policycmp.report import views" in "".join("".join(c["source"]) for c in code)


def test_report_skips_unchanged_pages_and_a_failure_leaves_the_reports_in_place(tmp_path, monkeypatch, capsys):
    root = make_root(tmp_path, notebooks=["01_corpus_overview.ipynb", "05_target_follow_through.ipynb"])
    monkeypatch.setenv("POLICYCMP_ROOT", str(root))
    out = tmp_path / "reports"
    assert report_mod.report(out_dir=out, progress=False) == 0
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    assert set(first) == {
        "01_corpus_overview.html",
        "05_target_follow_through-zhenhai-2024.html",
        "index.html",
        "manifest.json",
        "policycmp_tables.xlsx",
        "policycmp-cjk.woff",
    }
    capsys.readouterr()

    assert report_mod.report(out_dir=out, progress=False) == 0  # nothing changed: nothing re-run
    assert "0 rendered, 2 unchanged" in capsys.readouterr().out
    assert {p.name: p.read_bytes() for p in out.iterdir()} == first

    # Break one notebook: the run fails, says where, and the previous reports stay as they were.
    broken = root / "notebooks" / "05_target_follow_through.ipynb"
    nb = json.loads(broken.read_text(encoding="utf-8"))
    nb["cells"][-1]["source"] = ["views.no_such_view(report)"]
    broken.write_text(json.dumps(nb), encoding="utf-8")
    assert report_mod.report(out_dir=out, progress=False) == 1
    err = capsys.readouterr().err
    assert "notebooks/05_target_follow_through.ipynb (district=zhenhai, year=2024) failed" in err
    assert "views.no_such_view(report)" in err
    assert "AttributeError" in err and "no_such_view" in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == first
    assert not list(tmp_path.glob(".reports.staging-*"))


def test_a_stale_table_left_in_processed_is_neither_an_input_nor_a_sheet(tmp_path, monkeypatch, capsys):
    """The build leaves a table it stopped making on disk; the report reads what its manifest lists."""
    root = make_root(tmp_path, notebooks=["01_corpus_overview.ipynb"])
    monkeypatch.setenv("POLICYCMP_ROOT", str(root))
    out = tmp_path / "reports"
    assert report_mod.report(out_dir=out, progress=False) == 0
    pd.DataFrame({"retired": ["=cmd|' /C calc'!A0"]}).to_parquet(root / "data" / "processed" / "retired.parquet")
    capsys.readouterr()
    assert report_mod.report(out_dir=out, progress=False) == 0
    assert "0 rendered, 1 unchanged, nothing changed" in capsys.readouterr().out
    assert report_mod.report(out_dir=out, force=True, progress=False) == 0
    sheets = load_workbook(out / "policycmp_tables.xlsx", read_only=True).sheetnames
    assert "clauses" in sheets and "budget_summary" in sheets and "retired" not in sheets


def test_document_text_is_escaped_in_the_rendered_html(tmp_path, monkeypatch):
    """A policy containing <script> renders as text, built from a raw folder of its own."""
    root = make_root(tmp_path, notebooks=["06_domain_deep_dive.ipynb", "07_district_profile.ipynb"], processed=False)
    policy = root / "data" / "raw" / "zhenhai-2024-policy.txt"
    text = policy.read_text(encoding="utf-8")
    assert "强化科技型企业梯度培育。" in text
    policy.write_text(
        text.replace("强化科技型企业梯度培育。", "强化科技型企业梯度培育<script>alert(1)</script>。", 1),
        encoding="utf-8",
    )
    rehash(root / "data" / "raw")
    monkeypatch.setenv("POLICYCMP_ROOT", str(root))
    build(root / "data" / "raw", root / "data" / "processed", echo=lambda *a, **k: None)
    out = tmp_path / "reports"
    assert (
        report_mod.report(
            out_dir=out, only=["06_domain_deep_dive-innovation", "07_district_profile-zhenhai"], progress=False
        )
        == 0
    )
    clauses = pd.read_parquet(root / "data" / "processed" / "clauses.parquet")
    assert clauses["text"].str.contains("<script>alert(1)</script>", regex=False).any()
    for name in ("06_domain_deep_dive-innovation.html", "index.html"):
        page = (out / name).read_text(encoding="utf-8")
        if name != "index.html":
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "<script>alert(1)" not in page


def test_rendered_html_has_no_timestamps_random_ids_or_network_references():
    pages = sorted(REPORTS.glob("*.html"))
    if not pages:
        pytest.fail("reports/ is empty: run `policycmp report` and commit reports/")
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "papermill" not in text.lower(), page.name
        assert not re.search(r"20\d\d-\d\d-\d\dT\d\d:\d\d", text), page.name
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", text), page.name  # no CDN, nothing fetched
        assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-", text), page.name  # no uuid
        assert 'class="pc-stream pc-stderr"' not in text, f"{page.name}: a notebook wrote to stderr"
        assert "<dc:date>" not in text, page.name


def test_committed_reports_are_up_to_date(tmp_path):
    """CI regenerates every report and fails when reports/ differs from what the current inputs give."""

    out = tmp_path / "reports"
    code = subprocess.run(
        [sys.executable, "-m", "policycmp.cli", "report", "--force", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert code.returncode == 0, code.stderr[-3000:]
    # manifest.json records input hashes for skipping; the reviewers' files are what must match.
    fresh = {p.name: p.read_bytes() for p in out.iterdir() if p.name != "manifest.json"}
    committed = {p.name: p.read_bytes() for p in REPORTS.iterdir() if p.is_file() and p.name != "manifest.json"}
    stale = sorted(name for name in set(fresh) | set(committed) if fresh.get(name) != committed.get(name))
    assert not stale, "reports/ is stale (run `policycmp report` and commit reports/); differing: " + ", ".join(stale)


@pytest.mark.parametrize(
    ("notebooks", "page", "before"),
    [
        (
            ["02_subsidy_levels.ipynb", "06_domain_deep_dive.ipynb", "07_district_profile.ipynb"],
            "07_district_profile-zhenhai",
            ["02_subsidy_levels", "06_domain_deep_dive-innovation", "07_district_profile-qujiang"],
        ),
        # The domain pages go to one worker, whose kernel builds the similarity index once: a domain page is the
        # same whether its kernel built the index for it or had it from the other domain pages.
        (
            ["03_budgets.ipynb", "06_domain_deep_dive.ipynb"],
            "06_domain_deep_dive-innovation",
            ["03_budgets", "06_domain_deep_dive-investment", "06_domain_deep_dive-livelihood"],
        ),
    ],
)
def test_a_page_is_the_same_alone_and_after_others_in_the_same_kernel(tmp_path, monkeypatch, notebooks, page, before):
    """One kernel renders many pages; what a page shows must not depend on what ran before it."""
    root = make_root(tmp_path, notebooks=notebooks)
    monkeypatch.setenv("POLICYCMP_ROOT", str(root))
    alone, after = tmp_path / "alone", tmp_path / "after"
    assert report_mod.report(out_dir=alone, only=[page], jobs=1, progress=False) == 0
    assert report_mod.report(out_dir=after, only=[*before, page], jobs=1, progress=False) == 0
    assert (alone / f"{page}.html").read_bytes() == (after / f"{page}.html").read_bytes()
    assert (after / f"{before[-1]}.html").is_file()  # the others did render first, in that kernel


def test_a_notebook_that_kills_its_kernel_fails_alone_and_the_next_gets_a_fresh_kernel(tmp_path, monkeypatch, capsys):
    root = make_root(tmp_path, notebooks=["01_corpus_overview.ipynb", "03_budgets.ipynb"])
    monkeypatch.setenv("POLICYCMP_ROOT", str(root))
    killer = root / "notebooks" / "01_corpus_overview.ipynb"
    nb = json.loads(killer.read_text(encoding="utf-8"))
    nb["cells"].append(
        {
            "cell_type": "code",
            "id": "kill",
            "metadata": {},
            "outputs": [],
            "execution_count": None,
            "source": ["import os\n", "os._exit(1)"],
        }
    )
    killer.write_text(json.dumps(nb), encoding="utf-8")
    out = tmp_path / "reports"
    assert report_mod.report(out_dir=out, jobs=1, progress=False) == 1
    err = capsys.readouterr().err
    assert "notebooks/01_corpus_overview.ipynb failed" in err
    assert "1 of 2 notebooks failed" in err  # 03_budgets ran in a fresh kernel after it
    assert not out.exists()
