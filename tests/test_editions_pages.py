"""One edition per district on every page: the corpus is the seeds and a 2024 edition of Qujiang beside its 2023
seed (tests/editions_fixture.py: the rural allocation 7.4亿元 → 8.4亿元, the national incubator award 300万元 →
200万元, one clause added). The issue saw these two editions added up: 48.08亿元 of allocations, 111 clauses, a
rural allocation of 15.8亿元. Here the default edition (the latest final, 2024) is shown, a ``year`` picks
2023, and anything that would add the two is refused.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import papermill
import pytest
from conftest import ROOT
from editions_fixture import QUJIANG_2023, QUJIANG_2024, SCRIPT, add_qujiang_2024
from test_traceability import untraceable

from policycmp import analysis
from policycmp.publish.build import build
from policycmp.report import params, views
from policycmp.report import run as report_mod
from policycmp.report.params import ParameterError
from policycmp.standings import TwoEditionsError

PAGES = ["01_corpus_overview", "02_subsidy_levels", "03_budgets", "07_district_profile-qujiang", "09_edition_changes"]


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory):
    """A project with the seeds and Qujiang's two editions, built, and the pages that set districts side by side
    (and Qujiang's own) rendered."""
    root = tmp_path_factory.mktemp("editions") / "root"
    shutil.copytree(ROOT / "data" / "raw", root / "data" / "raw")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    add_qujiang_2024(root / "data" / "raw")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("POLICYCMP_ROOT", str(root))
        build(root / "data" / "raw", root / "data" / "processed", echo=lambda *a, **k: None)
        assert report_mod.report(out_dir=root / "reports", only=PAGES, progress=False) == 0
        yield root


@pytest.fixture()
def here(root, monkeypatch):
    monkeypatch.setenv("POLICYCMP_ROOT", str(root))
    return root


def page(root: Path, name: str) -> str:
    return (root / "reports" / f"{name}.html").read_text(encoding="utf-8")


def text_of(markup: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", markup)))


def test_the_default_edition_is_the_latest_final_and_a_year_picks_its_own(here):
    assert dict(zip(analysis.editions()["district"], analysis.editions()["doc_id"])) == {
        "linping": "linping-2024-policy",
        "qujiang": QUJIANG_2024,
        "zhenhai": "zhenhai-2024-policy",
    }
    # 2023: only Qujiang has an edition of that year.
    assert list(analysis.editions(2023)["doc_id"]) == [QUJIANG_2023]
    assert analysis.policy_years() == [2023, 2024] and analysis.edition_districts() == ["qujiang"]


@pytest.mark.parametrize(
    "year, doc_id, allocated, rural",
    [(None, QUJIANG_2024, 2_454_000_000, 840_000_000), (2023, QUJIANG_2023, 2_354_000_000, 740_000_000)],
)
def test_budget_sums_are_one_editions(here, year, doc_id, allocated, rural):
    chosen = analysis.editions(year)
    totals = analysis.budget_totals(analysis.table("budget_summary", editions=chosen), ["qujiang"])
    assert totals["doc_id"].tolist() == [doc_id] and totals["allocated"].tolist() == [allocated]
    allocations = analysis.domain_allocations(analysis.table("budget_domains", editions=chosen), totals)
    assert allocations.set_index("domain").loc["rural", "value"] == rural


def test_nothing_adds_up_two_editions(here):
    """The figures the issue saw (48.08亿元, 15.8亿元, 111 clauses) would need both editions: they are refused."""
    both = analysis.table("budget_summary", districts="qujiang")
    assert set(both["doc_id"]) == {QUJIANG_2023, QUJIANG_2024}
    with pytest.raises(TwoEditionsError, match=f"two editions of qujiang \\({QUJIANG_2023}, {QUJIANG_2024}\\)"):
        analysis.budget_totals(both, ["qujiang"])
    with pytest.raises(TwoEditionsError):
        analysis.rank_subsidies(analysis.table("comparisons"))
    with pytest.raises(TwoEditionsError):
        analysis.counts_by_domain(analysis.table("clauses"), analysis.table("quantities"))
    with pytest.raises(TwoEditionsError):
        analysis.subsidy_grid(analysis.table("comparisons"), ["qujiang"])
    counts = analysis.counts_by_domain(
        analysis.table("clauses", editions=analysis.editions()),
        analysis.table("quantities", editions=analysis.editions()),
    )
    assert counts.groupby("district")["clauses"].sum().to_dict()["qujiang"] == 57  # 56 of 2023 and the one added


def test_ranks_and_headline_targets_are_of_the_edition_shown(here):
    """Qujiang's national incubator award is 200万元 in 2024 and 300万元 in 2023: the ranks take the edition of
    the selection, never the largest of any edition."""
    for year, value, of in [(None, 2_000_000, 2), (2023, 3_000_000, 1), (2024, 2_000_000, 2)]:
        ranks = analysis.subsidy_ranks(year)
        national = ranks[(ranks["instrument"] == "incubator_award") & (ranks["level"] == "national")]
        qujiang = national.set_index("district").loc["qujiang"]
        assert (qujiang["value"], qujiang["rank"], qujiang["of"]) == (value, 1, of), year
    targets = analysis.standings("target")
    fai = targets[(targets["district"] == "qujiang") & (targets["item"] == "fixed_asset_investment")].iloc[0]
    assert (fai["doc_id"], fai["clause_id"], fai["value"]) == (QUJIANG_2024, f"{QUJIANG_2024}:p1", 10_400_000_000)
    assert "2024年,全区固定资产投资104亿元" in fai["span"]


@pytest.mark.parametrize(
    "report, values, expected",
    [
        ("budgets", {"districts": "all", "year": 2019}, "no policy edition of year 2019 (valid: 2023, 2024)"),
        ("budgets", {"districts": "all", "year": "twenty"}, "no policy edition of year 'twenty'"),
        ("district_profile", {"district": "zhenhai", "year": 2023}, "no policy edition of 2023 for district 'zhenhai'"),
        ("subsidy_levels", {"districts": "linping", "year": 2023}, "no policy edition of 2023 for district 'linping'"),
        ("edition_changes", {"district": "zhenhai"}, "unknown district with two or more policy editions 'zhenhai'"),
    ],
)
def test_a_year_or_district_without_an_edition_is_a_one_line_error(here, report, values, expected):
    spec = views.REPORTS[report]
    with pytest.raises(ParameterError) as info:
        params.validate(report, spec.parameters, spec.check, values)
    assert "\n" not in str(info.value) and expected in str(info.value)


def test_a_year_shows_that_years_editions(here):
    assert params.validate("budgets", views.REPORTS["budgets"].parameters, views.REPORTS["budgets"].check,
                           {"districts": "all", "year": 2023}) == {"districts": ["qujiang"], "year": 2023}  # fmt: skip
    report = views.start("budgets", districts="all", year=2023)
    assert "Qujiang 2023: no stated total, 3 domain allocations summing to 23.54亿元" in report.summary
    assert "each district's 2023 edition" in report.editions and "Qujiang 2023 final" in report.editions


def test_the_pages_show_the_default_edition_and_never_a_sum(here):
    budgets = text_of(page(here, "03_budgets"))
    assert "Qujiang 2024: no stated total, 3 domain allocations summing to 24.54亿元" in budgets
    assert "8.4亿元" in budgets and "Qujiang 2024 final" in budgets
    for sum_of_both in ("48.08亿元", "15.8亿元", "47.08亿元"):
        assert sum_of_both not in budgets
    overview = text_of(page(here, "01_corpus_overview"))
    # 63 + 58 + 57 numbered clauses of the three districts' editions shown, not 56 + 57 of Qujiang's two
    assert "4 policies of 3 districts" in overview and "(178 numbered clauses) across 3 districts" in overview
    # No cross-district page cites a clause of the edition it does not show.
    for name in ("02_subsidy_levels", "03_budgets", "01_corpus_overview", "07_district_profile-qujiang"):
        assert f"{QUJIANG_2023}:" not in page(here, name), name
    subsidies = html.unescape(page(here, "02_subsidy_levels"))
    assert f"exactly 2,000,000 yuan · clause {QUJIANG_2024}:c14" in subsidies
    assert "exactly 3,000,000 yuan" not in subsidies


def test_the_profile_shows_one_edition_and_lists_every_edition(here):
    profile = page(here, "07_district_profile-qujiang")
    shown = text_of(profile)
    assert "2024 policy (final, edition 2 of 2): 57 clauses in 8 domains" in shown
    assert f"2023 final ({QUJIANG_2023})" in shown and f"2024 final ({QUJIANG_2024}) — shown here" in shown
    assert 'href="09_edition_changes-qujiang.html"' in profile
    index = page(here, "index")
    assert "Editions: 2023 final, 2024 final (shown)" in text_of(index)
    assert 'href="09_edition_changes-qujiang.html"' in index


def test_the_edition_page_opens_with_the_counts_then_each_changed_clause_side_by_side(here):
    markup = page(here, "09_edition_changes-qujiang")
    shown = text_of(markup)
    assert (
        "2 editions (2023 final → 2024 final), 1 pair of consecutive editions: 1 clause added, 0 removed, "
        "24 reworded, 2 with amounts changed (1 amounts up, 1 down)" in shown
    )
    # The amounts that changed, before and after, each traced to its clause.
    assert re.search(r"300万元 \| *200万元 \| *down", re.sub(r"\s*\|\s*", " | ", text_of(markup.replace("</td>", "|"))))
    assert f"exactly 740,000,000 yuan · clause {QUJIANG_2023}:c40" in html.unescape(markup)
    # the clause added in the innovation section renumbers the ones after it: c40 became c41
    assert f"exactly 840,000,000 yuan · clause {QUJIANG_2024}:c41" in html.unescape(markup)
    clauses = analysis.table("clauses")
    assert not untraceable(markup, dict(zip(clauses["clause_id"], clauses["text"])))
    # Character differences marked: 300万元 → 200万元 is one character struck and one added.
    assert "科技企业孵化器分别给予<del>3</del>00万元" in markup  # the 2023 side
    assert "科技企业孵化器分别给予<ins>2</ins>00万元" in markup  # the 2024 side
    # The added clause is there, its markup escaped.
    assert "added: — → qujiang-2024-policy:c16 — 支持企业争创专精特新" in shown
    assert SCRIPT not in markup and html.escape(SCRIPT) in markup


def test_start_here_shows_the_changes_and_one_award_across_editions(here, tmp_path):
    """00_start_here on a corpus with two editions: the changes of Qujiang's, one clause side by side, and the
    national incubator award in each edition (300万元 in 2023, 200万元 in 2024) as two bars."""
    out = tmp_path / "start.ipynb"
    papermill.execute_notebook(
        str(here / "notebooks" / "00_start_here.ipynb"),
        str(out),
        progress_bar=False,
        kernel_name="python3",
        cwd=str(here / "notebooks"),
    )
    cells = [c for c in json.loads(out.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    outputs = [o for c in cells for o in c["outputs"]]
    plain = "\n".join("".join(o.get("data", {}).get("text/plain", "")) for o in outputs)
    markup = "\n".join("".join(o.get("data", {}).get("text/html", "")) for o in outputs)
    assert f"{QUJIANG_2023}:c14" in plain and "amounts_changed" in plain and "300万元 → 200万元" in plain
    # the first changed clause beside its counterpart: its 2023年 became 2024年, one character struck and one added
    assert "<del>3</del>" in markup and "<ins>4</ins>" in markup
    texts = [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", markup)]
    assert "Qujiang 2023 final" in texts and "Qujiang 2024 final" in texts
    assert " 300万元" in texts and " 200万元" in texts
    trace = next("".join(o["text"]) for o in outputs if o.get("name") == "stdout")
    assert trace.startswith("200万元: 「") and f"{QUJIANG_2024}.txt, line " in trace  # the default edition's
