"""The cells the subsidy, target and domain pages make, on the three seed policies.

The pages shape a province's thousands of rows once (a cap's grant key per row, each district's name and
link once, each indicator's rows read once, each district's section grouped once): these check the cells
they make against the documents, so a faster shaping cannot change what a reader sees. The figures are
drawn once as SVG, their layout made in that draw: checked against what ``savefig`` writes.
"""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
import pytest

from policycmp import analysis
from policycmp.publish.build import build, is_stale
from policycmp.report import views
from policycmp.report.markup import components
from policycmp.report.markup.components import Block, Figure, Table
from policycmp.report.markup.format import Cell
from policycmp.report.views import figures
from policycmp.report.views import outcomes as outcomes_view
from policycmp.report.views import subsidies as subsidies_view
from policycmp.report.views import targets as targets_view
from policycmp.report.views.labels import use_editions

SEEDS = ["zhenhai", "linping", "qujiang"]


@pytest.fixture(scope="module", autouse=True)
def built():
    if is_stale():
        build(echo=lambda *a, **k: None)


@pytest.fixture(autouse=True)
def default_editions():
    """Districts named by their default editions, as a page of the default year names them (``views.start``
    sets this per page; another test's page of one year must not leak into these)."""
    use_editions(None)


def _tables(part: Any) -> list[Table]:
    return [p for p in part.parts if isinstance(p, Table)] if isinstance(part, Block) else [part]


def _stated() -> pd.DataFrame:
    comparisons = analysis.table("comparisons", districts=SEEDS, editions=analysis.editions())
    return comparisons[comparisons["stated"]]


@pytest.mark.parametrize(
    "district, instrument, grant, share, cap, cap_span",
    [
        # Qujiang c12: 研发费用 10% (its first grant, no cap), then 20% 不超过200万元 (the second, capped: the
        # standard raised for 科技小巨人企业, no little-giant award of its own)
        ("qujiang", "rd_expense_subsidy", 1, 10.0, None, None),
        ("qujiang", "rd_expense_subsidy", 2, 20.0, 2_000_000, "不超过200万元"),
        ("qujiang", "export_credit_insurance_premium", 1, 70.0, 5_000_000, "最高不超过500万元"),
        ("zhenhai", "agri_tech_cooperation", 1, 60.0, 200_000, "最高不超过20万元"),
        ("zhenhai", "agri_enterprise_upgrade_subsidy", 1, 30.0, 4_000_000, "最高不超过400万元"),
    ],
)
def test_a_share_carries_the_cap_of_its_own_grant(district, instrument, grant, share, cap, cap_span):
    rows = analysis.with_caps(_stated())
    mine = rows[(rows["district"] == district) & (rows["instrument"] == instrument)]
    assert "cap" not in set(mine["role"])  # every cap is folded onto its share, not a row of its own
    (row,) = [r for r in mine.itertuples() if r.grant_no == grant]
    assert (row.role, row.value, row.unit) == ("share", share, "%")
    if cap is None:
        assert pd.isna(row.cap) and row.cap_bound is None and row.cap_span is None
    else:
        assert (row.cap, row.cap_bound, row.cap_span) == (cap, "max", cap_span)


@pytest.mark.parametrize(
    "district, instrument, level, value",
    [
        ("zhenhai", "incubator_award", "national", 1_500_000),  # a flat amount: no cap
        ("qujiang", "incubator_award", "national", 3_000_000),
    ],
)
def test_a_flat_amount_has_no_cap(district, instrument, level, value):
    rows = analysis.with_caps(_stated())
    mine = rows[(rows["district"] == district) & (rows["instrument"] == instrument) & (rows["level"] == level)]
    assert value in set(mine["value"])
    assert mine["cap"].isna().all() and mine["cap_bound"].isna().all()


def test_a_cap_without_its_share_stays_a_row_and_no_rows_stay_no_rows():
    stated = _stated()
    rd = stated[(stated["district"] == "qujiang") & (stated["instrument"] == "rd_expense_subsidy")]
    alone = analysis.with_caps(rd[rd["role"] != "share"])
    assert alone["role"].tolist() == ["cap"] and alone["value"].tolist() == [2_000_000]
    assert alone["cap"].isna().all()
    assert analysis.with_caps(stated.iloc[0:0]).empty


def test_the_province_subsidy_rows_link_each_district_and_name_its_city(monkeypatch):
    """The rows for a province (forced here on the seeds) name each district once per row with its profile
    link and city, whatever the row."""
    monkeypatch.setattr(subsidies_view, "side_by_side", lambda districts: False)
    comparisons = analysis.table("comparisons", districts=SEEDS, editions=analysis.editions())
    ranked = analysis.with_ranks(comparisons, analysis.subsidy_ranks())
    (table,) = _tables(views.subsidy_rows(ranked))
    frame = table.frame
    assert len(frame) == int(ranked["stated"].sum())
    seen = {(c.text, c.href, city) for c, city in zip(frame["District"], frame["City"])}
    assert seen == {
        ("Zhenhai 2024 draft", "07_district_profile-zhenhai.html", "Ningbo"),
        ("Linping 2024", "07_district_profile-linping.html", "Hangzhou"),
        ("Qujiang 2023", "07_district_profile-qujiang.html", "Quzhou"),
    }
    incubator = views.labels.instrument_name("incubator_award")
    national = frame[(frame["Instrument"] == incubator) & (frame["Level"] == "National")]
    amounts = {c.text: str(a) for c, a in zip(national["District"], national["Amount"])}
    # the national incubator award: Linping states it without an amount
    assert amounts == {"Zhenhai 2024 draft": "150万元", "Qujiang 2023": "300万元", "Linping 2024": "stated, no amount"}


def _targets() -> tuple[pd.DataFrame, list[str], list[str]]:
    shown, cities = analysis.districts_and_cities(SEEDS)
    chosen = [analysis.editions(), analysis.editions(kind="city_work_report")]
    return analysis.table("targets", districts=[*shown, *cities], editions=chosen), shown, cities


@pytest.mark.parametrize(
    "indicator, cells",
    [
        # Ningbo's work report (≥ 50亿美元) beside its district Zhenhai's ≥ 1.8亿美元, FDI actually used
        (
            "fdi_actual_use",
            ["≥ 1.8亿美元", "2.36亿美元", "1300万美元", "≥ 50亿美元"],
        ),
        # Zhenhai states two targets in one cell; Linping and Ningbo's work report none
        ("fixed_asset_investment", ["450亿元; 480亿元", "—", "104亿元", "—"]),
    ],
)
def test_the_side_by_side_targets_put_each_target_in_its_district_column(indicator, cells):
    targets, shown, cities = _targets()
    assert cities == ["ningbo"]
    part = views.target_matrix(targets, shown, cities, analysis.standings("target"))
    table = next(t for t in _tables(part) if "Indicator" in t.frame.columns)
    row = table.frame[table.frame["Indicator"] == views.labels.indicator_name(indicator)].iloc[0]
    columns = ["Zhenhai 2024 draft", "Linping 2024", "Qujiang 2023", "Ningbo 2024 (city)"]
    assert [str(row[c]) for c in columns] == cells


def test_the_dot_plots_draw_each_stated_target_and_the_citys_line():
    targets, shown, cities = _targets()
    part: Any = views.target_matrix(targets, shown, cities, analysis.standings("target"))
    (figure,) = [p for p in part.parts if isinstance(p, Figure)]
    # A dashed line of Ningbo's work-report target, with its legend, on each plot of an indicator Ningbo sets
    plotted = set(analysis.compared_indicators(targets[targets["indicator"].notna()], shown))
    ningbo = targets[(targets["district"] == "ningbo") & targets["value"].notna()]
    assert figure.svg.count(">Ningbo 2024 (city) target</text>") == len(plotted & set(ningbo["indicator"])) == 14
    assert ">Fixed-asset investment (亿元)</text>" in figure.svg


def test_the_province_target_rows_link_districts_and_not_the_city(monkeypatch):
    monkeypatch.setattr(targets_view, "side_by_side", lambda districts: False)
    targets, shown, cities = _targets()
    (table,) = _tables(views.target_rows(targets, shown, cities))
    frame = table.frame
    assert len(frame) == int(targets["indicator"].notna().sum())
    labels = {(str(d), d.href if isinstance(d, Cell) else None, c) for d, c in zip(frame["District"], frame["City"])}
    assert ("Zhenhai 2024 draft", "07_district_profile-zhenhai.html", "Ningbo") in labels
    assert ("Qujiang 2023", "07_district_profile-qujiang.html", "Quzhou") in labels
    city = [lab for lab in labels if lab[0].startswith("Ningbo")]
    assert city and all(href is None for _, href, _ in city)  # a work report has no profile to link to


@pytest.mark.parametrize(
    "domain, expect",
    [
        (
            "innovation",
            {
                "zhenhai": ("强化科技创新方面", "区科技局", 9, 22, 20_000_000),
                "linping": ("科技创新政策", "区经科局", 8, 6, None),
                "qujiang": ("科技创新政策", "区科技局", 9, 33, 5_000_000),
            },
        ),
    ],
)
def test_each_districts_section_is_summarised_from_its_own_rows(domain, expect):
    chosen = analysis.editions()
    clauses = analysis.table("clauses", domain=domain, editions=chosen)
    quantities = analysis.table("quantities", domain=domain, editions=chosen)
    allocations = analysis.table("budget_domains", domain=domain, editions=chosen)
    summaries = analysis.section_summaries(clauses, quantities, allocations)
    assert list(summaries["district"]) == list(expect)  # registry order
    for r in summaries.to_dict("records"):
        heading, lead, n_clauses, n_quantities, subsidy = expect[str(r["district"])]
        assert (r["heading"], r["lead_department"], r["clauses"], r["quantities"]) == (
            heading,
            lead,
            n_clauses,
            n_quantities,
        )
        assert r["subsidy"] == subsidy if subsidy is not None else r["subsidy"] != r["subsidy"]  # NaN: none
    assert summaries.set_index("district").at["linping", "allocation"] == 214_000_000


def test_a_domain_only_one_district_has_is_summarised_for_it_alone():
    chosen = analysis.editions()
    clauses = analysis.table("clauses", domain="factors", editions=chosen)
    summaries = analysis.section_summaries(
        clauses, analysis.table("quantities", domain="factors", editions=chosen), clauses.iloc[0:0]
    )
    assert list(summaries["district"]) == ["linping"]
    assert summaries["clauses"].iloc[0] == int((clauses["row_kind"] == "clause").sum())


def _saved(fig: Any) -> str:
    """What ``savefig`` writes, made into the page's markup as :func:`figures.svg` makes it."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def _target_figures() -> Any:
    targets, shown, cities = _targets()
    return views.target_matrix(targets, shown, cities, analysis.standings("target"))


def _subsidy_figures() -> Any:
    comparisons = analysis.table("comparisons", districts=SEEDS, editions=analysis.editions())
    return views.subsidy_matrix(analysis.subsidy_grid(comparisons, SEEDS), analysis.subsidy_ranks())


@pytest.mark.parametrize("draw", [_target_figures, _subsidy_figures], ids=["target dot plots", "subsidy grid"])
def test_a_figure_drawn_once_is_the_svg_savefig_writes(monkeypatch, draw):
    """The pages' figures lay themselves out in the one draw that writes them; the bytes are those of
    ``savefig``'s lay-out-then-draw: twenty constrained plots with legends and dashed lines, and the subsidy
    grid with a text in every cell."""
    pages = {}
    for mode in ("once", "savefig"):
        if mode == "savefig":
            monkeypatch.setattr(figures, "_print_svg", lambda fig, buffer: buffer.write(_saved(fig)))
        components.reset_ids("t")
        pages[mode] = "".join(p.svg for p in draw().parts if isinstance(p, Figure))
    assert pages["once"].count("<svg") == 1 and pages["once"].count("<text") > 100  # not a trivial figure
    assert pages["once"] == pages["savefig"]


@pytest.mark.parametrize(
    ("districts", "said"),
    [
        # Linping 2024 states one award with its amount, and no award amount of no instrument.
        (
            ["linping"],
            "1 district–instrument pair states an amount, 21 state the measure without one, 34 are absent; "
            "0 award amounts of no instrument listed apart.",
        ),
        # Qujiang 2023 has one award amount no instrument recognises.
        (
            ["qujiang"],
            "14 district–instrument pairs state an amount, 4 state the measure without one, 38 are absent; "
            "1 award amount of no instrument listed apart.",
        ),
        (
            SEEDS,
            "44 district–instrument pairs state an amount, 34 state the measure without one, 90 are absent; "
            "4 award amounts of no instrument listed apart.",
        ),
    ],
    ids=["one pair", "one unclassified amount", "three districts"],
)
def test_the_subsidy_summary_counts_in_words_that_agree(districts, said):
    title, summary = subsidies_view._subsidies_summary({"districts": districts, "year": None})
    assert title == "Subsidy levels"
    assert summary.startswith("56 subsidy instruments across ")
    assert summary.endswith(said)


def test_the_follow_through_summary_counts_targets_and_actual_figures_apart():
    """Zhenhai's 2024 outcome report (its work report's completion): 90 rows, of which 41 state a target and
    28 an actual figure. A plan-execution report states actual figures alone, so the rows are not all
    called targets."""
    title, summary = outcomes_view._follow_summary({"district": "zhenhai", "year": 2024})
    assert title == "Target follow-through: Zhenhai 2024"
    assert summary == (
        "90 rows of Zhenhai 2024's outcome report, 41 with a target and 28 with an actual figure: 23 met, "
        "5 not met, 62 unclear; 10 repeat a target of the 2024 policy."
    )
