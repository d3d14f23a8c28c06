"""targets.parquet: each document's goals by indicator, and Ningbo's own 2024 goals beside them."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from policycmp.compare.targets import policy_target_rows, target_frame
from policycmp.extract import quantities_table
from policycmp.ingest.report_lines import report_lines
from policycmp.ingest.work_report import goals_section
from policycmp.publish.build import build_tables
from policycmp.schema import TargetRow, dtypes
from policycmp.vocabulary import load_indicators, load_outcome_rules

TARGET_DTYPES = dtypes(TargetRow)

CONTRACT_INDICATORS = {
    "fixed_asset_investment",
    "rd_intensity",
    "industrial_value_added_growth",
    "services_value_added_growth",
    "retail_sales_growth",
    "fdi_actual_use",
    "transport_investment",
}
CITY_DOC = "ningbo-2024-work-report"


@pytest.fixture(scope="module")
def quantities(clauses):
    return quantities_table(clauses)


@pytest.fixture(scope="module")
def targets(corpus, clauses, quantities):
    built = build_tables(corpus)
    assert [w for w in built.warnings if built.kinds[w] == "city_targets"] == []
    # the city's goals come through the pipeline (report_lines and their quantities); the policies' are
    # the same whether read here from the two tables or in the build
    policy = target_frame(policy_target_rows(clauses, quantities, load_indicators()))
    from_build = built.tables["targets"].query("kind_of_source == 'policy'").reset_index(drop=True)
    pd.testing.assert_frame_equal(from_build, policy)
    return built.tables["targets"]


def values(targets: pd.DataFrame, indicator: str) -> dict[str, list[float]]:
    mine = targets[targets["indicator"] == indicator]
    return {d: list(g["value"]) for d, g in mine.groupby("district")}


def one(targets: pd.DataFrame, district: str, indicator: str) -> pd.Series:
    mine = targets[(targets["district"] == district) & (targets["indicator"] == indicator)]
    assert len(mine) == 1, mine
    return mine.iloc[0]


def test_target_columns_and_dtypes(targets):
    assert list(targets.columns)[:10] == [
        "district",
        "year",
        "indicator",
        "indicator_zh",
        "value",
        "value_high",
        "unit",
        "bound",
        "clause_id",
        "span",
    ]
    assert {c: str(t) for c, t in targets.dtypes.items()} == {
        c: str(pd.Series(dtype=t).dtype) for c, t in TARGET_DTYPES.items()
    }


def test_the_vocabulary_has_the_contract_indicators():
    assert CONTRACT_INDICATORS <= {i.key for i in load_indicators().indicators}


def test_rd_intensity(targets):
    assert values(targets, "rd_intensity") == {"zhenhai": [3.42], "linping": [3.95], "qujiang": [2.7], "ningbo": [3.3]}
    zhenhai = one(targets, "zhenhai", "rd_intensity")
    assert zhenhai["bound"] == "min" and zhenhai["indicator_zh"] == "R&D占GDP比重"
    assert zhenhai["clause_id"] == "zhenhai-2024-policy:p2"
    assert one(targets, "qujiang", "rd_intensity")["year"] == 2023


def test_industrial_value_added_growth(targets):
    assert values(targets, "industrial_value_added_growth") == {"zhenhai": [7.0], "linping": [6.0], "qujiang": [13.0]}
    # Qujiang writes 规上工业产值增长20%以上,突破50亿元,增加值增长13%以上: the subject is borrowed
    assert one(targets, "qujiang", "industrial_value_added_growth")["quantity_span"] == "13%以上"
    assert one(targets, "qujiang", "industrial_output_growth")["value"] == 20.0


def test_fixed_asset_investment_with_its_stretch_target(targets):
    zhenhai = targets[(targets["district"] == "zhenhai") & (targets["indicator"] == "fixed_asset_investment")]
    assert list(zip(zhenhai["value"], zhenhai["stretch"], zhenhai["qualifier"].fillna(""))) == [
        (45_000_000_000, False, ""),
        (48_000_000_000, True, "全力冲刺"),
    ]
    # Linping states 有效投资 (effective investment), an indicator of its own (issue 15: it was mapped
    # onto fixed_asset_investment as a variant before)
    assert targets[(targets["district"] == "linping") & (targets["indicator"] == "fixed_asset_investment")].empty
    linping = one(targets, "linping", "effective_investment")
    assert linping["value"] == 67_740_000_000 and linping["bound"] == "min"
    assert linping["indicator_zh"] == "有效投资" and pd.isna(linping["variant"])
    assert one(targets, "qujiang", "fixed_asset_investment")["value"] == 10_400_000_000
    assert one(targets, "qujiang", "fixed_asset_investment_growth")["value"] == 20.0


def test_a_lone_hedged_goal_is_not_a_stretch(targets):
    # 2024年,力争规上工业增加值增长6%: 力争 with no base goal beside it
    linping = one(targets, "linping", "industrial_value_added_growth")
    assert linping["qualifier"] == "力争" and not linping["stretch"]


def test_services_retail_fdi_and_transport(targets):
    assert values(targets, "services_value_added_growth") == {"zhenhai": [6.5], "linping": [6.0], "qujiang": [7.5]}
    assert values(targets, "retail_sales_growth") == {
        "zhenhai": [6.5],
        "linping": [5.0, 5.5],
        "qujiang": [13.5],
        "ningbo": [6.5],
    }
    linping = targets[(targets["district"] == "linping") & (targets["indicator"] == "retail_sales_growth")]
    assert list(linping["stretch"]) == [False, True]
    assert values(targets, "fdi_actual_use") == {
        "zhenhai": [180_000_000],
        "linping": [236_000_000],
        "qujiang": [13_000_000],
        "ningbo": [5_000_000_000],
    }
    assert values(targets, "transport_investment") == {"zhenhai": [200_000_000], "linping": [1_720_000_000]}


def test_fenbie_gives_each_item_its_figure(targets):
    # 外贸进出口、出口总额分别增长2.5%和4%
    assert one(targets, "zhenhai", "foreign_trade_growth")["value"] == 2.5
    assert one(targets, "zhenhai", "export_growth")["value"] == 4.0


def test_every_preamble_goal_is_a_row(targets, quantities, clauses):
    preambles = set(clauses.loc[clauses["row_kind"] == "preamble", "clause_id"])
    goals = quantities[quantities["clause_id"].isin(preambles) & (quantities["kind"] == "target")]
    found = set(zip(targets["clause_id"], targets["quantity_span"], targets["value"]))
    missing = [g for g in zip(goals["clause_id"], goals["span"], goals["value"]) if g not in found]
    assert missing == [] and len(goals) > 30


def test_goals_without_an_indicator_are_kept(targets):
    # 生猪年出栏不少于25万头 names no indicator of the vocabulary
    pigs = targets[(targets["clause_id"] == "qujiang-2023-policy:p7") & (targets["value"] == 250_000)]
    assert len(pigs) == 1 and pd.isna(pigs.iloc[0]["indicator"]) and pigs.iloc[0]["indicator_zh"] == "生猪年出栏"


def test_grants_and_budgets_are_not_goals(targets):
    # 扩大有效投资政策安排17.25亿元 names 有效投资 but is a budget line
    assert not (targets["clause_id"] == "linping-2024-policy:c55").any()
    assert not (targets["quantity_kind"].isin(["subsidy", "budget", "threshold"])).any()


def test_rows_point_at_their_source(targets, clauses, corpus):
    texts = dict(zip(clauses["clause_id"], clauses["text"]))
    lines = corpus.texts[CITY_DOC].split("\n")
    for row in targets.itertuples():
        if row.doc_id == CITY_DOC:
            text = lines[int(row.clause_id.rsplit(":l", 1)[1]) - 1]
        else:
            text = texts[row.clause_id]
        assert text[row.span_start : row.span_end] == row.span
        assert row.quantity_span in row.span


# --- the city's goals ---------------------------------------------------------------------------


def test_ningbo_goals_sit_beside_the_districts(targets):
    ningbo = targets[targets["district"] == "ningbo"]
    assert set(ningbo["kind_of_source"]) == {"city_work_report"} and set(ningbo["year"]) == {2024}
    assert set(ningbo["city"]) == {"ningbo"}
    assert one(targets, "ningbo", "gdp_growth")[["value", "bound"]].tolist() == [6.0, "approx"]
    assert one(targets, "ningbo", "fixed_asset_investment_growth")["value"] == 10.0
    assert one(targets, "ningbo", "new_urban_jobs")["value"] == 200_000
    assert one(targets, "ningbo", "urban_unemployment_rate")[["value", "bound"]].tolist() == [3.5, "max"]
    assert one(targets, "ningbo", "gdp_growth")["clause_id"] == f"{CITY_DOC}:l55"
    # Zhenhai is in Ningbo: its targets can be joined to the city's on city and indicator
    zhenhai = one(targets, "zhenhai", "retail_sales_growth")
    assert zhenhai["city"] == "ningbo" and zhenhai["value"] == one(targets, "ningbo", "retail_sales_growth")["value"]


def test_only_the_2024_goals_section_of_the_work_report_is_read(targets, corpus):
    section = goals_section(corpus.texts[CITY_DOC], load_indicators())
    assert (section.year, section.first_line, section.last_line) == (2024, 51, 154)
    lines = targets.loc[targets["doc_id"] == CITY_DOC, "clause_id"].str.rsplit(":l", n=1).str[1].astype(int)
    assert lines.between(52, 154).all()
    ningbo = targets[targets["district"] == "ningbo"]
    # the 2023 review's 研发投入强度达3.15% and 规上工业增加值增长6.5% are results, not goals
    assert 3.15 not in set(ningbo["value"]) and "industrial_value_added_growth" not in set(ningbo["indicator"])


def test_a_report_without_a_goals_section_is_a_warning(corpus):
    doc = next(d for d in corpus.documents if d.id == CITY_DOC)
    review_only = corpus.texts[CITY_DOC].split("二、2024年主要目标任务")[0]
    found = report_lines(doc, review_only, load_outcome_rules(), load_indicators())
    assert found.lines == [] and len(found.warnings) == 1 and "no goals section" in found.warnings[0]


def test_a_goals_section_for_another_year_is_a_warning(corpus):
    doc = dataclasses.replace(next(d for d in corpus.documents if d.id == CITY_DOC), year=2025)
    found = report_lines(doc, corpus.texts[CITY_DOC], load_outcome_rules(), load_indicators())
    assert found.lines and len(found.warnings) == 1 and "for 2024" in found.warnings[0]
    assert {line.year for line in found.lines} == {2025}
