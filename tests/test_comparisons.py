"""comparisons.parquet and clause_tools.parquet: instruments and policy tools, checked on the documents."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from policycmp.compare.instruments import Recogniser
from policycmp.compare.policy_tools import tool_mix
from policycmp.compare.standings import standing_tables
from policycmp.evaluation.instruments import SurveyClause, build
from policycmp.extract import quantities_table
from policycmp.model import Corpus
from policycmp.publish.build import build_tables, compare_stage
from policycmp.schema import ClauseToolRow, ComparisonRow, dtypes
from policycmp.vocabulary import load_instruments, load_policy_tools

TABLES = ("comparisons", "budgets", "budget_summary", "budget_domains", "targets", "outcomes", "clause_tools")
# and the summaries across districts per edition selection, made from them
SUMMARIES = ("subsidy_ranks", "standings")
COMPARISON_DTYPES = dtypes(ComparisonRow)
CLAUSE_TOOL_DTYPES = dtypes(ClauseToolRow)

CONTRACT_INSTRUMENTS = {
    "incubator_award",
    "makerspace_award",
    "hightech_enterprise_award",
    "rd_expense_subsidy",
    "export_credit_insurance_premium",
}
POLICY_DISTRICTS = {"zhenhai": 2024, "linping": 2024, "qujiang": 2023}


@pytest.fixture(scope="module")
def quantities(clauses):
    return quantities_table(clauses)


@pytest.fixture(scope="module")
def result(corpus):
    return compare_stage(build_tables(corpus).tables)


@pytest.fixture(scope="module")
def comparisons(result):
    return result.tables["comparisons"]


@pytest.fixture(scope="module")
def clause_tools(result):
    return result.tables["clause_tools"]


def rows(table: pd.DataFrame, district: str, instrument: str) -> pd.DataFrame:
    return table[(table["district"] == district) & (table["instrument"] == instrument)]


def by_level(table: pd.DataFrame, district: str, instrument: str) -> dict[str | None, float]:
    found = rows(table, district, instrument)
    return {(None if pd.isna(level) else level): value for level, value in zip(found["level"], found["value"])}


def test_the_build_gets_every_comparison_table(result):
    assert set(result.tables) == {*TABLES, *SUMMARIES}


def test_the_build_joins_the_selections_standings_as_made_at_once(corpus):
    """The build makes the summaries one edition selection at a time (a unit of its cache each) and joins
    them; that is the same table as every selection made at once from the published tables."""
    tables = build_tables(corpus).tables
    at_once = standing_tables(tables)
    for name in ("subsidy_ranks", "standings"):
        pd.testing.assert_frame_equal(tables[name], at_once[name])
    standings = tables["standings"]
    assert list(dict.fromkeys(standings["selection"])) == ["2023", "2024", "default"]
    # Zhenhai's 58 numbered clauses by domain in its default edition; no 要素保障 section, so 0 factors
    zhenhai = standings[
        (standings["selection"] == "default")
        & (standings["district"] == "zhenhai")
        & (standings["measure"] == "clauses")
    ]
    assert dict(zip(zhenhai["item"], zhenhai["value"], strict=True)) == {
        "demand_opening": 5, "factors": 0, "innovation": 9, "investment": 6, "livelihood": 8,
        "manufacturing": 9, "rural": 9, "services": 8, "transport": 4,
    }  # fmt: skip


def test_comparisons_have_the_contract_columns_and_dtypes(comparisons):
    # the contract's order: object and variant follow instrument (issue 15)
    assert list(comparisons.columns)[:13] == [
        "instrument",
        "object",
        "variant",
        "level",
        "district",
        "year",
        "value",
        "value_high",
        "unit",
        "bound",
        "stated",
        "clause_id",
        "span",
    ]
    assert {c: str(t) for c, t in comparisons.dtypes.items()} == {
        c: str(pd.Series(dtype=t).dtype) for c, t in COMPARISON_DTYPES.items()
    }


def test_incubator_awards_by_tier(comparisons):
    assert by_level(comparisons, "zhenhai", "incubator_award") == {
        "national": 1_500_000,
        "provincial": 1_000_000,
        "municipal": 500_000,
    }
    assert by_level(comparisons, "qujiang", "incubator_award") == {"national": 3_000_000, "provincial": 1_000_000}


def test_linping_states_the_incubator_award_without_an_amount(comparisons):
    linping = rows(comparisons, "linping", "incubator_award")
    assert set(linping["level"]) == {"national", "provincial", "municipal"}
    assert linping["stated"].all() and linping["value"].isna().all()
    assert set(linping["clause_id"]) == {"linping-2024-policy:c10"}
    assert set(linping["span"]) == {"对经国家、省、市认定的科技企业孵化器和众创空间给予相应奖励"}


def test_makerspace_awards_by_tier(comparisons):
    assert by_level(comparisons, "zhenhai", "makerspace_award") == {
        "national": 500_000,
        "provincial": 300_000,
        "municipal": 150_000,
    }
    assert by_level(comparisons, "qujiang", "makerspace_award") == {"national": 500_000, "provincial": 200_000}
    assert rows(comparisons, "linping", "makerspace_award")["value"].isna().all()


def test_performance_awards_are_not_counted_as_recognition_awards(comparisons):
    # 每年根据绩效考评结果给予每家科技企业孵化器最高50万元奖励 is another measure
    zhenhai = rows(comparisons, "zhenhai", "incubator_performance_award")
    assert list(zhenhai["value"]) == [500_000] and list(zhenhai["bound"]) == ["max"]
    assert "最高50万元" not in set(rows(comparisons, "zhenhai", "incubator_award")["quantity_span"])


def test_export_credit_insurance_premium_support(comparisons):
    zhenhai = rows(comparisons, "zhenhai", "export_credit_insurance_premium")
    # 保费给予不超过50%的补助经费…中小微企业参加政府联合平台投保,保费给予全额补助: the whole premium
    assert list(zip(zhenhai["value"], zhenhai["unit"], zhenhai["bound"], zhenhai["quantity_span"])) == [
        (50.0, "%", "max", "不超过50%"),
        (100.0, "%", "exact", "全额补助"),
    ]
    linping = rows(comparisons, "linping", "export_credit_insurance_premium")
    assert list(zip(linping["value"], linping["unit"], linping["bound"])) == [(80.0, "%", "min")]
    qujiang = rows(comparisons, "qujiang", "export_credit_insurance_premium")
    # one row per quantity: the share of the premium and the cap per firm
    assert list(zip(qujiang["value"], qujiang["unit"], qujiang["bound"], qujiang["role"])) == [
        (70.0, "%", "min", "share"),
        (5_000_000.0, "CNY", "max", "cap"),
    ]
    assert set(qujiang["year"]) == {2023}


def test_high_tech_enterprise_award(comparisons):
    assert by_level(comparisons, "zhenhai", "hightech_enterprise_award") == {None: 100_000}
    # 首次或重新认定为高新技术企业的,给予最高10万元奖励: the first and the renewed recognition, each
    zhenhai = rows(comparisons, "zhenhai", "hightech_enterprise_award")
    assert [
        (v if isinstance(v, str) else None, value, bound)
        for v, value, bound in zip(zhenhai["variant"], zhenhai["value"], zhenhai["bound"])
    ] == [
        (None, 100_000.0, "max"),
        ("renewed", 100_000.0, "max"),
    ]
    # the 5万元 for passing the preliminary review is the application award
    assert by_level(comparisons, "zhenhai", "hightech_application_award") == {None: 50_000}
    linping = rows(comparisons, "linping", "hightech_enterprise_award")
    assert linping["stated"].all() and linping["value"].isna().all()
    # 对首次认定、重新认定、首次上规模的高新技术企业: stated for both recognitions
    assert [v if isinstance(v, str) else None for v in linping["variant"]] == [None, "renewed"]


def test_a_performance_grade_is_no_star_rating(comparisons):
    """新评定的优秀国家、省级众创空间按上级补助标准1:1配套补助 (qujiang-2023) names no stars."""
    qujiang = rows(comparisons, "qujiang", "incubator_performance_award")
    assert [
        (v if isinstance(v, str) else None, value, span)
        for v, value, span in zip(qujiang["variant"], qujiang["value"], qujiang["quantity_span"])
    ] == [(None, 100.0, "1:1")]


def test_the_provinces_part_of_a_per_mu_rate_is_its_tier(comparisons):
    """早稻补贴标准不低于270元/亩(其中省财政直接补贴120元/亩),晚稻…200元/亩(其中省财政直接补贴120元/亩)."""
    qujiang = rows(comparisons, "qujiang", "grain_subsidy_per_mu")
    found = sorted(
        (value, bound, level if isinstance(level, str) else None)
        for value, bound, level in zip(qujiang["value"], qujiang["bound"], qujiang["level"])
    )
    assert found == [
        (120.0, "exact", "provincial"),
        (120.0, "exact", "provincial"),
        (200.0, "exact", None),
        (270.0, "min", None),
    ]


def test_a_district_without_the_measure_has_an_explicit_absent_row(comparisons):
    qujiang = rows(comparisons, "qujiang", "hightech_enterprise_award")
    assert len(qujiang) == 1
    row = qujiang.iloc[0]
    assert not row["stated"] and pd.isna(row["clause_id"]) and pd.isna(row["span"]) and pd.isna(row["value"])
    assert row["year"] == 2023


def test_rd_expense_subsidies(comparisons):
    assert by_level(comparisons, "zhenhai", "rd_expense_subsidy") == {None: 1_500_000}
    qujiang = rows(comparisons, "qujiang", "rd_expense_subsidy")
    assert list(zip(qujiang["value"], qujiang["role"])) == [(10.0, "share"), (20.0, "share"), (2_000_000.0, "cap")]
    # 科技小巨人企业标准提高至20%: the subsidy raised for the group, whose name is the object
    assert qujiang["object"].tolist()[1:] == ["科技小巨人企业", "科技小巨人企业"]
    assert rows(comparisons, "linping", "rd_expense_subsidy")["value"].isna().all()


def test_a_standard_raised_for_a_group_is_no_award_of_the_group(comparisons):
    """Qujiang's raised R&D subsidy for little giants is no little-giant award: Qujiang states none (an
    absent row), and Zhenhai's recognition award (c9) is the only one."""
    giant = comparisons[comparisons["instrument"] == "tech_little_giant_award"]
    stated = giant[giant["stated"]]
    assert list(zip(stated["clause_id"], stated["value"])) == [("zhenhai-2024-policy:c9", 200_000.0)]
    qujiang = giant[giant["district"] == "qujiang"]
    assert len(qujiang) == 1 and not qujiang["stated"].iloc[0]


def test_amounts_listed_with_fenbie_go_to_the_instrument_named_in_the_same_place(comparisons):
    # 对认定为浙江省科技领军企业和浙江省科技小巨人企业的,分别给予50万元和20万元奖励
    assert by_level(comparisons, "zhenhai", "tech_leader_enterprise_award") == {"provincial": 500_000}
    assert by_level(comparisons, "zhenhai", "tech_little_giant_award") == {"provincial": 200_000}


def test_rates_per_unit_keep_their_unit(comparisons):
    elevator = rows(comparisons, "zhenhai", "elevator_retrofit_grant")
    # …按20万元/台的标准给予补助,同时全额补助加装电梯工程监理费: the rate, and the whole supervision fee
    assert list(zip(elevator["value"], elevator["unit"])) == [(200_000.0, "CNY/台"), (100.0, "%")]
    grain = rows(comparisons, "qujiang", "grain_subsidy_per_mu")
    assert (270.0, "CNY/mu", "min") in set(zip(grain["value"], grain["unit"], grain["bound"]))


def test_every_policy_district_has_every_instrument_stated_or_absent(comparisons):
    keys = set(load_instruments().keys())
    assert CONTRACT_INSTRUMENTS <= keys
    for district in POLICY_DISTRICTS:
        # award rows no instrument recognises (instrument null) come besides the vocabulary's
        mine = comparisons[(comparisons["district"] == district) & comparisons["instrument"].notna()]
        assert set(mine["instrument"]) == keys
        for instrument, group in mine.groupby("instrument"):
            # either stated rows or exactly one absent row, never both
            assert group["stated"].all() or (len(group) == 1 and not group["stated"].iloc[0]), (district, instrument)


def test_every_row_shows_the_year_its_document_applies_to(comparisons):
    assert dict(comparisons.groupby("district")["year"].unique().map(list)) == {
        d: [y] for d, y in POLICY_DISTRICTS.items()
    }


def test_stated_rows_point_at_their_source(comparisons, clauses):
    texts = dict(zip(clauses["clause_id"], clauses["text"]))
    stated = comparisons[comparisons["stated"]]
    assert stated["clause_id"].notna().all() and stated["span"].notna().all()
    for row in stated.itertuples():
        text = texts[row.clause_id]
        assert text[row.span_start : row.span_end] == row.span
        if not pd.isna(row.quantity_span):
            assert row.quantity_span in row.span


def test_rows_are_in_a_stable_order(comparisons):
    # by district, then instrument; a district's unclassified award rows (instrument null) come last
    order = [
        (d, pd.isna(i), "" if pd.isna(i) else i) for d, i in zip(comparisons["district"], comparisons["instrument"])
    ]
    assert order == sorted(order)


# --- policy tools -------------------------------------------------------------------------------


def test_clause_tools_columns_and_dtypes(clause_tools):
    assert {c: str(t) for c, t in clause_tools.dtypes.items()} == {
        c: str(pd.Series(dtype=t).dtype) for c, t in CLAUSE_TOOL_DTYPES.items()
    }


def tools_of(clause_tools: pd.DataFrame, clause_id: str) -> set[tuple[str, str]]:
    mine = clause_tools[clause_tools["clause_id"] == clause_id]
    return set(zip(mine["tool_type"], mine["sub_tool"]))


def test_a_clause_can_use_several_tools(clause_tools):
    # 打好外贸“稳拓调”组合拳: grants for export credit insurance and exports, and trade fairs abroad
    assert {("supply", "funding"), ("demand", "trade"), ("demand", "overseas"), ("environment", "finance")} <= tools_of(
        clause_tools, "zhenhai-2024-policy:c39"
    )
    assert ("environment", "tax") in tools_of(clause_tools, "zhenhai-2024-policy:c16")
    assert ("demand", "procurement") in tools_of(clause_tools, "linping-2024-policy:c12")


def test_cues_and_spans_come_from_the_clause(clause_tools, clauses):
    texts = dict(zip(clauses["clause_id"], clauses["text"]))
    for row in clause_tools.itertuples():
        text = texts[row.clause_id]
        assert all(word in text for word in row.cue.split("、")), row
        assert text[row.span_start : row.span_end] == row.span


def test_qujiang_responsible_units_are_not_read_as_measures(clause_tools):
    # c17 names 区财政局 only in its (责任单位:…) list; it grants no money
    assert ("supply", "funding") not in tools_of(clause_tools, "qujiang-2023-policy:c17")
    assert ("environment", "finance") in tools_of(clause_tools, "qujiang-2023-policy:c17")


def test_sub_tools_belong_to_their_framework_type(clause_tools):
    expected = {t.sub_tool: t.tool_type for t in load_policy_tools().tools}
    assert all(expected[s] == t for s, t in zip(clause_tools["sub_tool"], clause_tools["tool_type"]))
    assert set(expected.values()) == {"supply", "environment", "demand"}


def test_tool_mix_shares_are_per_district_and_domain(clause_tools, clauses):
    mix = tool_mix(clause_tools, clauses)
    assert ((mix["share"] > 0) & (mix["share"] <= 1)).all()
    innovation = mix[(mix["district"] == "zhenhai") & (mix["domain"] == "innovation")]
    # every one of Zhenhai's nine innovation clauses grants or builds something
    assert innovation.set_index("tool_type").loc["supply", "with_tool"] == 9


# --- objects, variants and award rows no instrument recognises (issue 15) ---------------------------


def test_each_row_of_an_enumeration_says_what_it_rewards(comparisons):
    # 对首次认定为国家级、省级、市级科技企业孵化器的,分别给予150万元、100万元和50万元奖励
    zhenhai = rows(comparisons, "zhenhai", "incubator_award").set_index("level")
    assert zhenhai.loc["national", "object"] == "首次认定为国家级科技企业孵化器"
    assert zhenhai.loc["municipal", "object"] == "首次认定为市级科技企业孵化器"
    assert zhenhai["grant_no"].tolist() == [1, 2, 3]


def test_an_award_no_instrument_recognises_is_a_row_with_its_object(comparisons):
    # 对分离设立的批发零售餐饮企业,给予最稿不超过100万元补助 (最稿: 最高 typed by a pinyin input method)
    unclassified = comparisons[comparisons["stated"] & comparisons["instrument"].isna()]
    row = unclassified[unclassified["object"] == "分离设立的批发零售餐饮企业"].iloc[0]
    assert (row["district"], row["value"], row["unit"], row["bound"]) == ("zhenhai", 1_000_000.0, "CNY", "max")
    assert pd.isna(row["instrument_zh"]) and pd.isna(row["domain"]) and row["clause_domain"] == "services"
    # every amount of the seeds is a row: under an instrument or not (3 districts, 4 rows of no instrument)
    assert len(unclassified) == 4 and unclassified["value"].notna().all()
    assert comparisons[comparisons["stated"]]["object"].notna().all()


def test_the_build_log_counts_award_rows_of_no_instrument(result):
    notes = [w for w in result.warnings if "name no instrument" in w]
    assert len(notes) == 1
    assert notes[0].startswith("4 award amounts in 2 districts name no instrument (instrument null in comparisons")
    assert "分离设立的批发零售餐饮企业 (1)" in notes[0] and "add a pattern to instruments.yaml" in notes[0]


@pytest.mark.parametrize(
    ("text", "instrument", "value", "not_granted"),
    [
        # a loan line is not the subsidy: 每年提供最高500万元额度的财政贴息贷款
        ("为国家高新技术企业每年提供最高500万元额度的财政贴息贷款服务。", None, None, 5_000_000.0),
        # a threshold is a condition: 设备投资100万元以上的项目, 按10%…最高500万元
        (
            "对设备投资100万元以上的技术改造项目,按设备投资额的10%给予补助,最高500万元。",
            "equipment_upgrade_subsidy",
            10.0,
            1_000_000.0,
        ),
        # a project's investment is not granted: 总投资1亿元以上的重大项目
        ("对总投资1亿元以上的重大项目,给予50万元奖励。", None, 500_000.0, 100_000_000.0),
        # no object can be found: the statement's lead is the object
        ("给予50万元一次性奖励。", None, 500_000.0, None),
    ],
)
def test_amounts_that_are_not_grants_and_statements_without_an_object(text, instrument, value, not_granted):
    clause = SurveyClause(
        "t", "testdistrict", "测试区", "hangzhou", 2024, "final", "development", "-", "manufacturing", text, (), (), ()
    )
    table = build([clause]).comparisons
    stated = table[table["stated"] & table["value"].notna()]
    assert not_granted not in set(stated["value"])
    if value is None:
        assert stated.empty
    else:
        row = stated[stated["value"] == value].iloc[0]
        assert (None if pd.isna(row["instrument"]) else row["instrument"]) == instrument
        assert isinstance(row["object"], str) and row["object"]
    if text.startswith("给予"):
        assert stated["object"].tolist() == ["给予50万元一次性奖励"]


def _built_one(text: str, domain: str = "innovation") -> pd.DataFrame:
    clause = SurveyClause(
        "t", "testdistrict", "测试区", "hangzhou", 2024, "final", "development", "-", domain, text, (), (), ()
    )
    table = build([clause]).comparisons
    return table[table["stated"] & table["value"].notna()]


def _keys(table: pd.DataFrame) -> list[tuple]:
    def v(x: object) -> object:
        return None if pd.isna(x) else x

    return [
        (v(r.instrument), v(r.level), v(r.variant), float(r.value), r.unit, r.role, int(r.grant_no))
        for r in table.sort_values(["grant_no", "value"]).itertuples()
    ]


@pytest.mark.parametrize(
    ("text", "domain", "expected"),
    [
        # one row per level
        (
            "对新认定的国家级、省级、市级科技企业孵化器分别给予50万元、30万元、10万元奖励。",
            "innovation",
            [
                ("incubator_award", "national", None, 500_000.0, "CNY", "amount", 1),
                ("incubator_award", "provincial", None, 300_000.0, "CNY", "amount", 2),
                ("incubator_award", "municipal", None, 100_000.0, "CNY", "amount", 3),
            ],
        ),
        # one row per variant
        (
            "对新认定和重新认定的国家高新技术企业,分别给予40万元、20万元奖励。",
            "innovation",
            [
                ("hightech_enterprise_award", None, None, 400_000.0, "CNY", "amount", 1),
                ("hightech_enterprise_award", None, "renewed", 200_000.0, "CNY", "amount", 2),
            ],
        ),
        # star ratings, each tier
        (
            "孵化器获国家、省、市年度绩效考核优秀(五星)的,再分别给予50万元、30万元、20万元奖励。",
            "innovation",
            [
                ("incubator_performance_award", "national", "five_star", 500_000.0, "CNY", "amount", 1),
                ("incubator_performance_award", "provincial", "five_star", 300_000.0, "CNY", "amount", 2),
                ("incubator_performance_award", "municipal", "five_star", 200_000.0, "CNY", "amount", 3),
            ],
        ),
        # revenue brackets
        (
            "对软件企业年销售收入首次突破1000万元、2000万元的,分别给予10万元、20万元奖励。",
            "services",
            [
                ("software_enterprise_award", None, "ge_10000000_cny", 100_000.0, "CNY", "amount", 1),
                ("software_enterprise_award", None, "ge_20000000_cny", 200_000.0, "CNY", "amount", 2),
            ],
        ),
        # a rate with its cap, linked by grant_no
        (
            "对企业技术改造项目按设备投资额的10%给予补助,最高500万元。",
            "manufacturing",
            [
                ("equipment_upgrade_subsidy", None, None, 10.0, "%", "share", 1),
                ("equipment_upgrade_subsidy", None, None, 5_000_000.0, "CNY", "cap", 1),
            ],
        ),
        # per-unit rates: the unit first (每亩) or after a slash (/TEU), and 每台…不超过
        (
            "对规模种粮大户早稻、晚稻每亩分别给予50元、100元补贴。",
            "rural",
            [
                ("grain_subsidy_per_mu", None, None, 50.0, "CNY/mu", "rate", 1),
                ("grain_subsidy_per_mu", None, None, 100.0, "CNY/mu", "rate", 2),
            ],
        ),
        (
            "对海铁联运集装箱按100元/TEU给予补助。",
            "transport",
            [("container_freight_subsidy", None, None, 100.0, "CNY/TEU", "rate", 1)],
        ),
        (
            "企业实施数字化改造的,按照每台联网袜机不超过1500元的标准予以补助。",
            "manufacturing",
            [("digital_transformation_subsidy", None, None, 1500.0, "CNY/台", "rate", 1)],
        ),
        # a top-up on a higher government's grant names no tier of its own
        (
            "承担的国家、省重大科技专项通过验收后,按国家、省立项补助金额的20%给予奖励。",
            "innovation",
            [("key_technology_project_subsidy", None, None, 20.0, "%", "top_up", 1)],
        ),
        # the first and the renewed recognition written as alternatives of one grant: a row for each
        (
            "对符合相关要求,首次或重新认定为高新技术企业的,给予最高10万元奖励。",
            "innovation",
            [
                ("hightech_enterprise_award", None, None, 100_000.0, "CNY", "amount", 1),
                ("hightech_enterprise_award", None, "renewed", 100_000.0, "CNY", "amount", 1),
            ],
        ),
        (
            "对新认定和通过复审的高新技术企业给予10万元奖励。",
            "innovation",
            [
                ("hightech_enterprise_award", None, None, 100_000.0, "CNY", "amount", 1),
                ("hightech_enterprise_award", None, "renewed", 100_000.0, "CNY", "amount", 1),
            ],
        ),
        # negative: the renewed recognition alone, and one excluded in an aside, are one row each
        (
            "对重新认定的高新技术企业给予5万元奖励。",
            "innovation",
            [("hightech_enterprise_award", None, "renewed", 50_000.0, "CNY", "amount", 1)],
        ),
        (
            "对首次认定(不含重新认定)的高新技术企业给予20万元奖励。",
            "innovation",
            [("hightech_enterprise_award", None, None, 200_000.0, "CNY", "amount", 1)],
        ),
        # negative: 首次 and 重新认定 paired with 分别 are two amounts, one each
        (
            "对首次认定和重新认定的高新技术企业,分别给予20万元、10万元奖励。",
            "innovation",
            [
                ("hightech_enterprise_award", None, None, 200_000.0, "CNY", "amount", 1),
                ("hightech_enterprise_award", None, "renewed", 100_000.0, "CNY", "amount", 2),
            ],
        ),
        # a performance grade names no star rating; the stars written beside it do
        (
            "新评定的优秀国家、省级众创空间按上级补助标准1:1配套补助。",
            "innovation",
            [("incubator_performance_award", None, None, 100.0, "%", "share", 1)],
        ),
        (
            "对绩效评价为良好的市级众创空间给予10万元奖励。",
            "innovation",
            [("incubator_performance_award", "municipal", None, 100_000.0, "CNY", "amount", 1)],
        ),
        (
            "孵化器获市年度绩效考核良好(四星)的,给予10万元奖励。",
            "innovation",
            [("incubator_performance_award", "municipal", "four_star", 100_000.0, "CNY", "amount", 1)],
        ),
        # a grant in full is a share of 100 %
        (
            "对短期出口信用保险保费给予不超过50%的补助,中小微企业参加政府联合平台投保,保费给予全额补助。",
            "demand_opening",
            [
                ("export_credit_insurance_premium", None, None, 50.0, "%", "share", 1),
                ("export_credit_insurance_premium", None, None, 100.0, "%", "share", 2),
            ],
        ),
        # a higher government's part of a per-mu rate, in a parenthesis opened by 其中, is its tier
        (
            "规模种粮补贴标准:早稻补贴标准不低于270元/亩(其中省财政直接补贴120元/亩)。",
            "rural",
            [
                ("grain_subsidy_per_mu", None, None, 270.0, "CNY/mu", "rate", 1),
                ("grain_subsidy_per_mu", "provincial", None, 120.0, "CNY/mu", "rate", 2),
            ],
        ),
        # negative: two rates of two crops with no 其中 keep no tier
        (
            "对规模种粮大户早稻补贴270元/亩,晚稻补贴200元/亩。",
            "rural",
            [
                ("grain_subsidy_per_mu", None, None, 270.0, "CNY/mu", "rate", 1),
                ("grain_subsidy_per_mu", None, None, 200.0, "CNY/mu", "rate", 2),
            ],
        ),
    ],
)
def test_the_contract_shapes_hold(text, domain, expected):
    """The shapes of issue 15 as written there, each in a statement of its own, and
    first-or-renewed recognition sharing one amount, 优秀 naming no stars, 全额 as 100 % and 其中省… as a
    tier's part (with negative cases)."""
    assert _keys(_built_one(text, domain)) == expected


def _objects(table: pd.DataFrame) -> list[tuple]:
    return [
        (None if pd.isna(r.instrument) else r.instrument, r.object, float(r.value), r.unit, r.role, int(r.grant_no))
        for r in table.sort_values(["grant_no", "value"]).itertuples()
    ]


# Statements raising (or not) a grant's standard for a group: (domain, text) by name.
RAISED = {
    # a group's raised standard is the grant just stated (qujiang-2023 c12), its cap too
    "qujiang": (
        "innovation",
        "对有R&D经费投入的企业,按照上年度允许加计扣除研发费用的10%给予补助,科技小巨人企业标准提高至20%,单家不超过200万元的补助。",
    ),
    # the same with 比例提高到 and a group that names another instrument (专精特新)
    "upgrade": ("manufacturing", "对企业技术改造项目按设备投资额的10%给予补助,专精特新企业比例提高到15%,最高500万元。"),
    # a statement naming no instrument whose lead raises a standard continues the grant before (deqing-2024)
    "deqing": (
        "manufacturing",
        "对当年实际软件投资额100万元以上的企业,按30%给予补助,对企业使用工业云化软件产品(服务),补助标准再提高5个百分点,最高补助300万元。",
    ),
    # negative: the group's own award in a sentence of its own stays its instrument
    "own sentence": ("innovation", "对科技型中小企业按研发费用的10%给予补助;科技小巨人企业奖励20万元。"),
    # negative: a raised standard with no grant before it in its sentence is the group's own
    "nothing before": ("innovation", "对新认定的科技小巨人企业,奖励标准提高至50万元。"),
    # negative: the recognition award listed with 分别 (zhenhai-2024 c9) keeps its instrument
    "zhenhai c9": ("innovation", "对认定为浙江省科技领军企业和浙江省科技小巨人企业的,分别给予50万元和20万元奖励。"),
}
# Their rows: name, instrument, object, value, unit, role, grant number (in grant, value order).
RAISED_ROWS = [
    ("qujiang", "rd_expense_subsidy", "有R&D经费投入的企业", 10.0, "%", "share", 1),
    ("qujiang", "rd_expense_subsidy", "科技小巨人企业", 20.0, "%", "share", 2),
    ("qujiang", "rd_expense_subsidy", "科技小巨人企业", 2_000_000.0, "CNY", "cap", 2),
    ("upgrade", "equipment_upgrade_subsidy", "企业技术改造项目", 10.0, "%", "share", 1),
    ("upgrade", "equipment_upgrade_subsidy", "专精特新企业", 15.0, "%", "share", 2),
    ("upgrade", "equipment_upgrade_subsidy", "专精特新企业", 5_000_000.0, "CNY", "cap", 2),
    ("deqing", "digital_transformation_subsidy", "企业使用工业云化软件产品(服务)", 5.0, "%", "share", 1),
    ("deqing", "digital_transformation_subsidy", "当年实际软件投资额100万元以上的企业", 30.0, "%", "share", 1),
    ("deqing", "digital_transformation_subsidy", "企业使用工业云化软件产品(服务)", 3_000_000.0, "CNY", "cap", 1),
    ("own sentence", "rd_expense_subsidy", "科技型中小企业", 10.0, "%", "share", 1),
    ("own sentence", "tech_little_giant_award", "科技小巨人企业", 200_000.0, "CNY", "amount", 1),
    ("nothing before", "tech_little_giant_award", "新认定的科技小巨人企业", 500_000.0, "CNY", "amount", 1),
    ("zhenhai c9", "tech_leader_enterprise_award", "认定为浙江省科技领军企业", 500_000.0, "CNY", "amount", 1),
    ("zhenhai c9", "tech_little_giant_award", "认定为浙江省科技小巨人企业", 200_000.0, "CNY", "amount", 2),
]


@pytest.mark.parametrize("name", list(RAISED))
def test_a_standard_raised_for_a_group_belongs_to_the_grant_before(name):
    """标准提高至, 比例提高到, 标准再提高: the amount is the grant just stated, for the group (its object),
    not an award of the instrument the group's name matches."""
    domain, text = RAISED[name]
    assert _objects(_built_one(text, domain)) == [row[1:] for row in RAISED_ROWS if row[0] == name]


def test_each_edition_keeps_the_instruments_it_names(corpus):
    """Two editions of one district: the draft names an instrument without its amount, the final with it.
    The final's amount says nothing about what the draft states, so the draft keeps its mention (an
    amount-less row), never an absent row for an instrument it names."""
    zhenhai = next(d for d in corpus.documents if d.id == "zhenhai-2024-policy")
    stated = "年服务外包执行总额超过500万元的,给予最高5万元奖励"
    assert corpus.texts[zhenhai.id].count(stated) == 1
    draft = dataclasses.replace(zhenhai, id="zhenhai-2024-policy-draft", status="draft")
    final = dataclasses.replace(zhenhai, id="zhenhai-2024-policy-final", status="final")
    texts = {
        draft.id: corpus.texts[zhenhai.id].replace(stated, "年服务外包执行总额较大的,给予奖励"),
        final.id: corpus.texts[zhenhai.id],
    }
    table = build_tables(Corpus([draft, final], texts)).tables["comparisons"]
    outsourcing = table[table["instrument"] == "service_outsourcing_award"]
    found = {
        doc: (r["stated"], r["role"], r["value"])
        for doc, r in zip(outsourcing["doc_id"], outsourcing.to_dict("records"))
    }
    assert found[final.id] == (True, "amount", 50_000.0)
    assert found[draft.id][:2] == (True, "none") and pd.isna(found[draft.id][2])
    assert len(outsourcing) == 2


# --- a county-level city naming itself --------------------------------------------------------------------


@pytest.mark.parametrize(
    "district, text, reading",
    [
        # its name before a programme the vocabulary knows is its own tier (东阳市 is a county-level city)
        ("dongyang", "东阳市科技特派员项目每项最高补助 8 万元", "县级 科技特派员项目每项最高补助 8 万元"),
        ("dongyang", "东阳市 科技特派员项目", "县级  科技特派员项目"),  # a space a PDF left
        ("dongyang", "东阳市级科技特派员", "县级县级科技特派员"),  # 市级 as before
        # …and not where it names a place, a payer or the form money is paid in (None: read as written)
        ("dongyang", "对整体搬迁落户东阳市的高新技术企业", None),
        ("dongyang", "东阳市财政给予科技特派员补助", None),
        ("tongxiang", "以桐乡市科技计划项目形式给予最高100万元的支持", None),
        # nor another place's name (金华市 is Dongyang's prefecture, 义乌市 a neighbour), nor a district's
        # (市辖区: it writes 区级 itself)
        *(("dongyang", place + "科技特派员项目", None) for place in ("义乌市", "金华市")),
        ("qiantang", "钱塘区科技特派员项目", None),
    ],
)
def test_a_county_level_city_naming_itself_before_what_it_keeps_is_the_district_tier(district, text, reading):
    got = Recogniser.of(load_instruments()).reading(text, district)
    assert got == (text if reading is None else reading) and len(got) == len(text)
