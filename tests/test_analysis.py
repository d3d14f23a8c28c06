"""policycmp.analysis: the shaping the report pages do, as public functions over the published tables.

Values come from the three seed policies: Zhenhai's total budget 37.27亿元, Qujiang 300万元 and Zhenhai
150万元 for a national-level incubator, Linping stating the incubator award without an amount.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import papermill
import pytest

from policycmp import analysis
from policycmp.analysis.amounts import counted, figure_amount, format_amount
from policycmp.publish.build import build, is_stale
from policycmp.report import plan as plan_mod
from policycmp.report import views

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


@pytest.fixture(scope="module", autouse=True)
def built():
    if is_stale():
        build(echo=lambda *a, **k: None)


@pytest.mark.parametrize(
    "name, districts, domain, expect",
    [
        ("comparisons", ["zhenhai"], None, {"zhenhai"}),
        ("budgets", "qujiang", None, {"qujiang"}),
        ("clauses", None, "factors", {"linping"}),  # only Linping has the element-guarantee lists
        ("anomalies", "zhenhai", None, {"zhenhai-2024-policy"}),  # no district column: the district's documents
        ("anomalies", "qujiang", None, set()),  # Qujiang's numbering has no anomaly
    ],
)
def test_table_keeps_the_districts_or_domain_asked_for(name, districts, domain, expect):
    frame = analysis.table(name, districts=districts, domain=domain)
    column = "doc_id" if name == "anomalies" else "district"
    assert set(frame[column]) == expect


def test_table_reads_amounts_as_numbers_and_stated_as_bool():
    comparisons = analysis.table("comparisons")
    assert str(comparisons["value"].dtype) == "float64"
    assert set(map(type, comparisons["stated"])) == {bool}


def test_subsidy_grid_keeps_amount_no_amount_and_absent_apart():
    districts = ["zhenhai", "linping", "qujiang"]
    grid = analysis.subsidy_grid(analysis.table("comparisons"), districts)
    cell = grid[grid["variant"].isna()].set_index(["instrument", "level", "district"])
    national = ("incubator_award", "national")
    assert cell.loc[(*national, "zhenhai"), "category"] == "amount"
    assert cell.loc[(*national, "zhenhai"), "value"] == 1_500_000
    assert cell.loc[(*national, "qujiang"), "value"] == 3_000_000
    assert cell.loc[(*national, "linping"), "category"] == "no_amount"
    assert cell.loc[("incubator_award", "municipal", "qujiang"), "category"] == "absent"
    # Every instrument × level × variant has a row for every district, in the order given.
    keys = grid.drop_duplicates(["instrument", "level", "variant"])
    assert len(grid.drop_duplicates(["instrument", "level", "variant", "district"])) == 3 * len(keys)
    assert list(dict.fromkeys(grid["district"])) == districts
    # A variant is its own key: Zhenhai's renewed high-tech enterprises (首次或重新认定) up to 10万元.
    renewed = grid[(grid["instrument"] == "hightech_enterprise_award") & (grid["variant"] == "renewed")]
    assert renewed.set_index("district").loc["zhenhai", ["value", "bound"]].tolist() == [100_000, "max"]
    # A share and the cap that limits it are one measure: Qujiang's R&D subsidy 20%, at most 200万元.
    rd = grid[(grid["instrument"] == "rd_expense_subsidy") & (grid["district"] == "qujiang")]
    assert rd["value"].tolist() == [10.0, 20.0] and list(rd["role"]) == ["share", "share"]
    assert rd["cap"].isna().tolist() == [True, False] and rd["cap"].iloc[1] == 2_000_000
    assert rd["cap_span"].iloc[1] == "不超过200万元"
    assert "cap" not in set(grid["role"].dropna())  # no cap row left on its own


def test_every_award_of_no_instrument_is_listed():
    """The four award amounts of the seeds no instrument recognises, each with what is rewarded and its clause."""
    rows = analysis.unclassified_awards(analysis.table("comparisons"))
    assert [(r.district, r.object, r.value, r.bound, r.clause_id) for r in rows.itertuples()] == [
        ("zhenhai", "股权投资机构参与非上市企业股权投资,符合相关要求", 1_000_000, "max", "zhenhai-2024-policy:c14"),
        ("zhenhai", "分离设立的批发零售餐饮企业", 1_000_000, "max", "zhenhai-2024-policy:c26"),
        (
            "zhenhai",
            "符合产业导向且总建筑面积8000平方米以上综合产出较高的(剔除房地产企业)",
            1_000_000,
            "max",
            "zhenhai-2024-policy:c31b",
        ),
        ("qujiang", "支持保险机构开发科技成果先用后转保险,支持创新券", 80.0, "exact", "qujiang-2023-policy:c8"),
    ]


def test_ranks_are_across_the_districts_that_state_an_amount():
    ranks = analysis.rank_subsidies(analysis.table("comparisons"))
    national = ranks[(ranks["instrument"] == "incubator_award") & (ranks["level"] == "national")]
    standing = {r.district: (r.rank, r.of, r.percentile) for r in national.itertuples()}
    assert standing == {"qujiang": (1, 2, 100.0), "zhenhai": (2, 2, 50.0)}  # Linping states no amount: not ranked
    ranked = analysis.with_ranks(analysis.table("comparisons"), ranks)
    absent = ranked[~ranked["stated"]]
    assert len(absent) and absent["rank"].isna().all()
    # The build published the same ranks (the default editions: these three seeds).
    published = analysis.subsidy_ranks()
    national = published[(published["instrument"] == "incubator_award") & (published["level"] == "national")]
    assert {r.district: (r.value, r.rank, r.of) for r in national.itertuples()} == {
        "qujiang": (3_000_000, 1, 2),
        "zhenhai": (1_500_000, 2, 2),
    }
    assert set(national["median"]) == {1_500_000}  # nearest rank: an actual district's amount


def test_budget_totals_allocations_and_checks():
    districts = ["zhenhai", "linping", "qujiang"]
    chosen = analysis.editions()
    summary = analysis.table("budget_summary", districts=districts, editions=chosen)
    totals = analysis.budget_totals(summary, districts).set_index("district")
    assert totals.loc["zhenhai", "stated"] == 3_727_000_000  # 37.27亿元
    assert totals.loc["zhenhai", "allocations"] == 0
    assert totals.loc["linping", "stated"] == totals.loc["linping", "allocated"] == 5_600_000_000
    assert totals.loc["qujiang", "stated"] != totals.loc["qujiang", "stated"]  # NaN: Qujiang states no total
    assert totals.loc["qujiang", "base"] == totals.loc["qujiang", "allocated"] == 2_354_000_000
    totals = analysis.budget_totals(summary, districts)
    allocations = analysis.domain_allocations(analysis.table("budget_domains", editions=chosen), totals)
    livelihood = allocations[(allocations["district"] == "qujiang") & (allocations["domain"] == "livelihood")].iloc[0]
    assert livelihood["value"] == 1_529_000_000 and round(livelihood["share"], 1) == 65.0
    assert livelihood["clause_ids"] == ("qujiang-2023-policy:c51",)
    budgets = analysis.table("budgets", districts=districts, editions=chosen)
    checks = analysis.budget_checks(budgets, totals, allocations, analysis.table("clauses"))
    adds_up = checks[checks["check"] == "the domain allocations add up to the stated total"].set_index("district")
    assert adds_up.loc["linping", "ok"] is True
    assert adds_up.loc["zhenhai", "ok"] is None and adds_up.loc["qujiang", "ok"] is None


def test_counts_by_domain_fill_every_pair():
    counts = analysis.counts_by_domain(analysis.table("clauses"), analysis.table("quantities"))
    assert len(counts) == counts["domain"].nunique() * 3
    factors = counts[counts["domain"] == "factors"].set_index("district")["clauses"]
    assert factors["zhenhai"] == 0 and factors["qujiang"] == 0 and factors["linping"] > 0
    assert counts["clauses"].sum() == 177  # numbered clauses of the three policies


@pytest.mark.parametrize(
    "value, unit, high, bound, shown",
    [
        (1_500_000, "CNY", None, "max", "≤150万元"),
        (3_727_000_000, "CNY", None, None, "37.27亿元"),
        (10, "%", 20, None, "10–20%"),
        (270, "CNY/mu", None, "min", "≥270元/亩"),
        (None, "CNY", None, None, ""),
    ],
)
def test_figures_label_amounts_in_the_pages_units(value, unit, high, bound, shown):
    assert figure_amount(value, unit, high, bound) == shown
    assert "¥" not in shown and "bn" not in shown


@pytest.mark.parametrize(
    "n, noun, plural, shown",
    [
        (0, "outcome report", None, "0 outcome reports"),
        (1, "outcome report", None, "1 outcome report"),
        (2, "quantity", "quantities", "2 quantities"),
        (1, "anomaly", "anomalies", "1 anomaly"),
    ],
)
def test_counts_read_in_their_number(n, noun, plural, shown):
    assert counted(n, noun, plural) == shown


def test_the_index_never_writes_a_plural_in_brackets():
    index = (ROOT / "reports" / "index.html").read_text(encoding="utf-8")
    assert "(s)" not in index
    assert "1 outcome report, 1 city work report" in index


def test_instrument_bars_draw_one_instrument_in_wan_yuan():
    ranks = analysis.rank_subsidies(analysis.table("comparisons"))
    national = ranks[(ranks["instrument"] == "incubator_award") & (ranks["level"] == "national")]
    markup = views.instrument_bars(national).html()
    labels = re.findall(r"<text[^>]*>([^<]*)</text>", markup) or re.findall(r">([^<>]*万元)<", markup)
    assert any("300万元" in t for t in labels) and any("150万元" in t for t in labels)
    with pytest.raises(ValueError, match="one instrument, level and unit; these rows have 3"):
        views.instrument_bars(ranks[ranks["instrument"] == "incubator_award"])
    assert format_amount(3_000_000, "CNY") == "300万元"


def test_start_here_walks_through_with_real_values(tmp_path):
    """00_start_here runs top to bottom and shows the documents' figures: Qujiang 300万元 first."""
    out = tmp_path / "start.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOKS / "00_start_here.ipynb"),
        str(out),
        progress_bar=False,
        kernel_name="python3",
        cwd=str(NOTEBOOKS),
    )
    cells = json.loads(out.read_text(encoding="utf-8"))["cells"]
    text = "\n".join(
        "".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/plain", ""))
        for c in cells
        if c["cell_type"] == "code"
        for o in c["outputs"]
    )
    assert "qujiang-2023-policy" in text and "zhenhai-2024-policy:c" in text  # search and similar found clauses
    trace = next(
        "".join(o["text"]) for c in cells if c["cell_type"] == "code" for o in c["outputs"] if o.get("name") == "stdout"
    )
    assert trace.startswith("300万元: 「") and "qujiang-2023-policy.txt, line " in trace
    html = "".join(
        "".join(o.get("data", {}).get("text/html", "")) for c in cells if c["cell_type"] == "code" for o in c["outputs"]
    )
    assert "<svg" in html and "Award for a recognised sci-tech business incubator · National" in html


def test_start_here_is_not_a_report_page():
    assert not [job for job in plan_mod.plan(NOTEBOOKS).jobs if job.notebook.startswith("00_")]


def test_followed_targets_pair_policy_targets_with_the_outcome_rows_on_them():
    """Zhenhai 2024: 11 of its 79 policy targets are reported on; 规上工业增加值增长7% by row 56, met."""
    targets = analysis.table("targets", districts="zhenhai")
    outcomes = analysis.table("outcomes", districts="zhenhai")
    followed = analysis.followed_targets(
        targets[targets["year"] == 2024],
        outcomes[outcomes["year"] == 2024],
        analysis.table("clauses", districts="zhenhai"),
    )
    assert len(followed) == 79 and int(followed["outcome_rows"].map(bool).sum()) == 11
    industry = followed[followed["span"].str.contains("规上工业增加值增长7%", regex=False)].iloc[0]
    assert industry["outcome_rows"] == (56,) and industry["statuses"] == ("met",)
    # A target no outcome row repeats has neither rows nor statuses (not a guessed match).
    assert (followed[~followed["outcome_rows"].map(bool)]["statuses"] == ()).all()
    # Without the outcome report, nothing is reported on.
    nothing = analysis.followed_targets(targets, outcomes.iloc[0:0], analysis.table("clauses", districts="zhenhai"))
    assert not nothing["outcome_rows"].map(bool).any()
