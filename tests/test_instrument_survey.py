"""comparisons.parquet on real award clauses of other districts (tests/data/instrument_survey.yaml).

Every labelled amount is checked, clause by clause: it must reach the table under the labelled
instrument, tier, variant and bound, or be one of the misses listed here with the reason. The list is
exact, so a rule that mends a miss, or breaks a row, shows. Amounts labelled as not granted (a
threshold, a loan, a project's investment) must never be a row's amount.

Development clauses are those the rules of instruments.yaml were written with in view; held-out
clauses (seven districts) were set aside before any rule was written and are scored, not tuned on.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from policycmp.compare.instruments import comparison_table
from policycmp.evaluation.instruments import (
    HELD_OUT_2,
    HELD_OUT_3,
    SPLITS,
    Amount,
    SurveyClause,
    build,
    load_survey,
    one_key_per_instrument,
    same_instrument_ranks,
    score,
)
from policycmp.extract import quantities_table
from policycmp.publish.validate import BRACKET
from policycmp.vocabulary import load_instruments

SURVEY_FILE = Path(__file__).parent / "data" / "instrument_survey.yaml"
SEEDS = {"zhenhai", "linping", "qujiang"}
HELD_OUT = {"pinghu", "linhai", "yuhang", "cixi", "longwan", "daishan", "jinyun"}

# Development amounts that do not reach the table under their labelled key, and why. The key is
# (clause id, value, unit).
DEVELOPMENT_MISSES = {
    ("deqing-2024-b", 5.0, "%"): "再提高 5 个百分 点: a PDF's space inside the unit leaves a count of 5",
    ("shaoxing-2019-a", 20000.0, "CNY"): "a news paraphrase quoting a second policy: the tiers of the first are paired",
    ("shaoxing-2019-a", 50000.0, "CNY"): "a news paraphrase quoting a second policy: the tiers of the first are paired",
    ("xiaoshan-2021-b", 7000000.0, "CNY"): "境外 is in the statement before (红筹…境外上市), not in this one",
    ("ruian-2025-a", 1500000.0, "CNY"): "国家地方联合 (a national-local joint laboratory) reads as the national tier",
    ("xiamen-2022-a", 150.0, "CNY/TEU"): "存量150元/标箱 has no grant word in its fragment",
    ("xiamen-2022-a", 350.0, "CNY"): "增量350元 leaves 标箱 implied, with no grant word",
    ("chunan-2020-b", 25.0, "%"): "interest subsidy to 市雏鹰计划 firms: the programme's tier is read as the award's",
    ("longquan-2025-a", 400000.0, "CNY"): "新认定40万元, no grant word anywhere in the clause: not granted",
    ("longquan-2025-a", 200000.0, "CNY"): "重新认定20万元, no grant word anywhere in the clause: not granted",
    ("xiaoshan-2020-b", 30.0, "%"): "依据诊断方案实施改造的 refers back to the diagnosis with no word in common",
    ("xiaoshan-2020-b", 10000000.0, "CNY"): "the cap of that rate, in the same statement",
    ("yuyao-2020-a", 500000.0, "CNY"): "宁波“单项冠军”: a city named without 级 names no tier (read: national)",
    ("yuyao-2020-a", 50000.0, "CNY"): "宁波专精特新…培育企业: a city named without 级 names no tier",
}


@pytest.fixture(scope="module")
def survey() -> list[SurveyClause]:
    return load_survey(SURVEY_FILE)


@pytest.fixture(scope="module")
def built(survey):
    return build(survey)


def development(survey):
    return [c for c in survey if c.split == "development"]


def held_out(survey):
    return [c for c in survey if c.split == "held_out"]


def test_the_survey_covers_fifteen_districts_beyond_the_seeds_with_sources(survey):
    districts = {c.district for c in survey} - SEEDS
    assert len(districts) >= 15, sorted(districts)
    zhejiang = {c.district for c in survey if "(" not in c.district_zh} - SEEDS
    assert len(zhejiang) >= 15, sorted(zhejiang)
    assert all(c.url and c.text and c.split in SPLITS and c.amounts for c in survey)
    assert {c.district for c in held_out(survey)} == HELD_OUT
    assert len({c.id for c in survey}) == len(survey)


def test_every_label_names_a_key_the_vocabulary_has(survey):
    vocab = load_instruments()
    keys, variants = set(vocab.keys()), set(vocab.variant_keys())
    for clause in survey:
        for amount in clause.amounts:
            assert amount.instrument is None or amount.instrument in keys, (clause.id, amount)
            assert amount.variant is None or amount.variant in variants or BRACKET.match(amount.variant), amount
            assert amount.level in (None, "national", "provincial", "municipal", "district"), amount


# Instruments whose clauses were found in one district only: the seeds' own measures the search store
# returned no second clause for in two rounds of search (docs/comparisons.md lists them and the searches).
SEEN_IN_ONE_DISTRICT = {
    "innovation_center_award",
    "tech_finance_interest_subsidy",
    "culture_park_award",
    "digital_culture_settlement_subsidy",
    "export_growth_award",
    "service_outsourcing_award",
    "crop_rotation_subsidy",
    "grain_sale_subsidy",
    "agri_tech_cooperation",
    "agri_enterprise_upgrade_subsidy",
    "farm_machinery_subsidy",
    "elevator_retrofit_grant",
    "skills_training_subsidy",
    # qujiang-2023's 科技小巨人企业标准提高至20% raises its R&D subsidy for the group: no award of this one
    "tech_little_giant_award",
}


def test_each_instrument_is_tested_on_clauses_of_two_districts(survey, clauses):
    """Every instrument is stated by two or more districts of the seeds and the survey, but the ones
    listed as seen in one district; the list is exact."""
    seeds = comparison_table(clauses, quantities_table(clauses))
    stated = seeds[seeds["stated"] & seeds["instrument"].notna()]
    districts: dict[str, set[str]] = {}
    for instrument, district in zip(stated["instrument"], stated["district"], strict=True):
        districts.setdefault(instrument, set()).add(district)
    for clause in survey:
        for amount in clause.amounts:
            if amount.instrument:
                districts.setdefault(amount.instrument, set()).add(clause.district)
    single = {i.key for i in load_instruments().instruments if len(districts.get(i.key, set())) < 2}
    assert single == SEEN_IN_ONE_DISTRICT


def test_seen_in_names_documents_the_rules_were_written_from(survey):
    """seen_in lists seed documents and development clauses of the survey, never a held-out one."""
    documents = {f"{c.district}-{c.year}" + ("-draft" if c.status == "draft" else "") for c in development(survey)}
    documents |= {"zhenhai-2024-draft", "linping-2024", "qujiang-2023"}
    for instrument in load_instruments().instruments:
        for seen in instrument.seen_in:
            assert seen in documents, (instrument.key, seen)
            assert seen.split("-")[0] not in HELD_OUT, (instrument.key, seen)


def _found(built, clause: SurveyClause, amount: Amount) -> bool:
    rows = built.rows_of(clause.id)
    for r in rows.itertuples():
        if pd.isna(r.value) or abs(float(r.value) - amount.value) > 1e-6 * max(1.0, amount.value):
            continue
        if r.unit != amount.unit or r.bound != amount.bound:
            continue
        if all(
            (pd.isna(got) and want is None) or (not pd.isna(got) and got == want)
            for got, want in ((r.instrument, amount.instrument), (r.level, amount.level), (r.variant, amount.variant))
        ):
            return True
    return False


def test_every_development_amount_reaches_the_table_under_its_key_or_is_a_listed_miss(survey, built):
    missed = {}
    for clause in development(survey):
        for amount in clause.amounts:
            if not _found(built, clause, amount):
                missed[(clause.id, amount.value, amount.unit)] = amount
    assert set(missed) == set(DEVELOPMENT_MISSES), {
        "new misses": sorted(set(missed) - set(DEVELOPMENT_MISSES)),
        "mended (remove from the list)": sorted(set(DEVELOPMENT_MISSES) - set(missed)),
    }


@pytest.mark.parametrize("split", SPLITS)
def test_no_amount_labelled_as_not_granted_becomes_a_row(survey, built, split):
    clauses = [c for c in survey if c.split == split]
    result = score(built, clauses)
    assert result.negatives >= 4
    assert result.negatives_as_rows == 0


def test_no_development_row_carries_an_amount_no_label_has(survey, built):
    result = score(built, development(survey))
    assert result.rows >= 150
    assert result.wrong_amounts == 0, result.wrong


def test_development_figures(survey, built):
    """The issue's figures on the development clauses (measured; see docs/comparisons.md)."""
    result = score(built, development(survey))
    assert result.labelled >= 150
    assert result.share(result.quantity) >= 0.99
    assert result.share(result.right_level) >= 0.88
    assert result.share(result.with_key) >= 0.87
    assert result.share(result.right_key) >= 0.84
    assert result.share(result.got_instrument, result.instrument_labelled) >= 0.92
    shared, of, _ = one_key_per_instrument(built, development(survey))
    assert of >= 15 and shared >= 11


def test_similar_ranks_a_clause_of_the_same_instrument_first(survey, built):
    text_only = same_instrument_ranks(built, development(survey), with_comparisons=False)
    with_table = same_instrument_ranks(built, development(survey), with_comparisons=True)
    first = sum(1 for r in with_table if r == 1) / len(with_table)
    assert first > sum(1 for r in text_only if r == 1) / len(text_only)
    assert first >= 0.94 and all(r is not None and r <= 5 for r in with_table)


# --- the shapes of the issue, on the surveyed clauses --------------------------------------------


def rows_of(built, survey_id: str) -> pd.DataFrame:
    rows = built.rows_of(survey_id)
    return rows[rows["value"].notna()]


def keyed(rows: pd.DataFrame) -> set[tuple]:
    return {
        (
            None if pd.isna(r.instrument) else r.instrument,
            None if pd.isna(r.level) else r.level,
            None if pd.isna(r.variant) else r.variant,
            float(r.value),
            r.unit,
        )
        for r in rows.itertuples()
    }


def test_one_row_per_level(built):
    # 对新认定的国家级、省级、嘉兴市级科技企业孵化器分别给予300万元、150万元、50万元资金支持
    rows = rows_of(built, "haining-2025-a")
    assert {
        ("incubator_award", "national", None, 3_000_000.0, "CNY"),
        ("incubator_award", "provincial", None, 1_500_000.0, "CNY"),
        ("incubator_award", "municipal", None, 500_000.0, "CNY"),
    } <= keyed(rows)
    objects = set(rows[rows["instrument"] == "incubator_award"]["object"])
    assert "新认定的国家级科技企业孵化器" in objects and "新认定的嘉兴市级科技企业孵化器" in objects


def test_one_row_per_variant(built):
    # 对新认定和重新认定的国家高新技术企业,分别给予每家30万元、15万元的奖励
    assert {
        ("hightech_enterprise_award", None, None, 300_000.0, "CNY"),
        ("hightech_enterprise_award", None, "renewed", 150_000.0, "CNY"),
    } <= keyed(rows_of(built, "longquan-2023-a"))
    # 规模以上企业40万元奖励,给予规模以下企业25万元奖励 (不含重新认定 names no variant)
    chunan = keyed(rows_of(built, "chunan-2020-a"))
    assert ("hightech_enterprise_award", None, "above_scale", 400_000.0, "CNY") in chunan
    assert ("hightech_enterprise_award", None, "below_scale", 250_000.0, "CNY") in chunan


def test_star_ratings_and_tiers(built):
    rows = keyed(rows_of(built, "fuyang-2025-a"))
    assert ("incubator_performance_award", "national", "five_star", 500_000.0, "CNY") in rows
    assert ("incubator_performance_award", "municipal", "four_star", 100_000.0, "CNY") in rows


def test_revenue_brackets_are_variants(built):
    # 年销售收入首次突破1000万元、2000万元、5000万元、1亿元的,分别给予…10万元、20万元、50万元、100万元
    anji = keyed(rows_of(built, "anji-2021-b"))
    assert ("trade_scale_up_award", None, "ge_100000000_cny", 50_000.0, "CNY") in anji
    assert ("services_scale_up_award", None, "ge_200000000_cny", 200_000.0, "CNY") in anji
    # brackets of an investment, one per statement of the clause
    ruian = keyed(rows_of(built, "ruian-2021-a"))
    assert ("equipment_upgrade_subsidy", None, "10000000_to_50000000_cny", 8.0, "%") in ruian
    # a single threshold is an eligibility condition, not a variant: 投入10万元以上的,按30%
    zhuji = keyed(rows_of(built, "zhuji-2024-a"))
    assert ("digital_transformation_subsidy", None, None, 30.0, "%") in zhuji


def test_a_rate_and_its_cap_are_linked(built):
    # 按实际投入的4%给予一次性补助,最高补助60万元
    rows = rows_of(built, "anji-2021-a")
    share = rows[(rows["value"] == 4.0) & (rows["unit"] == "%")].iloc[0]
    cap = rows[(rows["value"] == 600_000.0) & (rows["unit"] == "CNY")].iloc[0]
    assert share["role"] == "share" and cap["role"] == "cap"
    assert share["grant_no"] == cap["grant_no"] and share["span_start"] == cap["span_start"]
    # the cap keeps the bracket of the share it limits
    ruian = rows_of(built, "ruian-2021-a")
    assert set(ruian[ruian["value"] == 10_000_000.0]["variant"]) == {"ge_50000000_cny"}


def test_per_unit_rates(built):
    assert ("digital_transformation_subsidy", None, None, 1500.0, "CNY/台") in keyed(rows_of(built, "zhuji-2024-a"))
    assert ("container_freight_subsidy", None, None, 50.0, "CNY/TEU") in keyed(rows_of(built, "xiamen-2022-a"))
    assert ("container_freight_subsidy", None, None, 30.0, "CNY/TEU") in keyed(rows_of(built, "shangyu-2021-a"))
    assert (None, None, None, 0.2, "CNY/kWh") in keyed(rows_of(built, "xinchang-2022-a"))


def test_a_top_up_on_a_higher_grant(built):
    # 按国家、省立项补助金额的20%给予奖励
    rows = rows_of(built, "dongyang-2025-a")
    top_up = rows[rows["value"] == 20.0].iloc[0]
    assert top_up["role"] == "top_up" and top_up["instrument"] == "key_technology_project_subsidy"
    assert pd.isna(top_up["level"])


def test_an_award_no_instrument_recognises_is_a_row_with_its_object(built):
    # 对符合条件的土特产(特色农产品)生产基地,分类给予最高50万元的补助
    rows = rows_of(built, "yuyao-2025-a")
    base = rows[rows["value"] == 500_000.0].iloc[0]
    assert pd.isna(base["instrument"]) and base["object"] == "符合条件的土特产(特色农产品)生产基地"
    assert base["stated"] and base["span"] == "对符合条件的土特产(特色农产品)生产基地,分类给予最高50万元的补助"


def test_traditional_clauses_are_read_like_simplified_ones(built):
    # 對當年被認定為國家級、省級智能工廠(數字化車間、…)的企業,分別獎勵50萬元、30萬元
    rows = rows_of(built, "zhuji-2025-a")
    assert ("smart_manufacturing_award", "national", "smart_factory", 500_000.0, "CNY") in keyed(rows)
    assert ("smart_manufacturing_award", "provincial", "future_factory", 1_500_000.0, "CNY") in keyed(rows)
    text = built.clauses.set_index("clause_id")["text"]
    for r in rows.itertuples():
        assert text[r.clause_id][r.span_start : r.span_end] == r.span  # the span stays as written


# --- round two: the patterns the wider survey showed ---------------------------------------------


def objects(built, survey_id: str, value: float) -> list[str]:
    rows = rows_of(built, survey_id)
    return rows[rows["value"] == value]["object"].tolist()


def test_a_grant_cut_from_its_subject_by_a_break_is_read_with_it(built):
    # 支持工业互联网平台提升能力、做大 做强,对服务县内同行业企业超 30 家…的平 台,奖励 100 万元;
    # 对服务企业超 80 家…的 平台,奖励 200 万元 (the second: a ladder of conditions on the same noun)
    rows = keyed(rows_of(built, "deqing-2024-c"))
    assert ("industrial_internet_platform_award", None, None, 1_000_000.0, "CNY") in rows
    assert ("industrial_internet_platform_award", None, None, 2_000_000.0, "CNY") in rows
    # the object is what is rewarded as written, the span the whole statement
    deqing = rows_of(built, "deqing-2024-c")
    row = deqing[(deqing["value"] == 2_000_000.0)].iloc[0]
    assert row["object"] == "服务企业超 80 家或连接设备超 2 千台的 平台"
    first = deqing[(deqing["value"] == 1_000_000.0) & deqing["level"].isna()].iloc[0]
    assert first["span"].startswith("支持工业互联网平台提升能力")


def test_two_beneficiaries_opened_by_对_with_a_generic_noun_are_not_one_instrument(built):
    # 对…通过…CMMI…认证的企业,分别奖励…;对…通过…DCMM…认证的企业,分别奖励…: no instrument, and the
    # second 对 statement does not inherit one from a statement before it that names a 企业
    rows = rows_of(built, "deqing-2024-d")
    assert len(rows) == 6 and rows["instrument"].isna().all()


def test_table_rows_continue_the_thing_rewarded_written_once(built):
    # 新认定的国家级、省级服务型制造示范企业(平台) 企业 定额类补助,即时兑付。 国家级 100 万元;省级 50 万元。
    assert {
        ("service_manufacturing_award", "national", None, 1_000_000.0, "CNY"),
        ("service_manufacturing_award", "provincial", None, 500_000.0, "CNY"),
    } <= keyed(rows_of(built, "ruian-2022-b"))
    # …工程实验室(工程研究中心)…国家级250万元;…;省级100万元: the variant of the first row holds too
    assert ("rd_institution_award", "provincial", "key_laboratory", 1_000_000.0, "CNY") in keyed(
        rows_of(built, "ruian-2025-a")
    )


def test_a_cap_and_a_part_written_on_their_own_continue_the_grant(built):
    # …软件部分在原基础上加奖10%。单个项目最高2000万元。
    haining = keyed(rows_of(built, "haining-2025-b"))
    assert ("equipment_upgrade_subsidy", None, None, 10.0, "%") in haining
    assert ("equipment_upgrade_subsidy", None, None, 20_000_000.0, "CNY") in haining
    # …追加奖励30万元(…),其中被纳入数字经济及其核心产业的,纳入当年在原基础上再增加10万元
    xinchang = rows_of(built, "xinchang-2025-a")
    raise_ = xinchang[xinchang["span"].str.startswith("其中被纳入")]
    assert keyed(raise_) == {
        ("industrial_scale_up_award", None, None, 100_000.0, "CNY"),
        ("equipment_upgrade_subsidy", None, None, 1.0, "%"),  # …首次升规企业第二年实施技改部分…再增加1个百分点
    }
    # …产值首次跨越5000万元,奖励3万元: the milestone is a condition, the award has no instrument
    assert 50_000_000.0 not in set(xinchang["value"])
    assert keyed(xinchang[xinchang["value"] == 30_000.0]) >= {(None, None, None, 30_000.0, "CNY")}


def test_objects_of_traditional_clauses_stay_as_written(built):
    # 對首次通過認定的高新技術企業,給予一次性不超過20萬元獎勵: read in simplified characters, written as is
    ningbo = rows_of(built, "ningbo-2020-a")
    assert set(ningbo["object"]) >= {"首次通過認定的高新技術企業", "重新通過認定的高新技術企業"}
    assert ("hightech_enterprise_award", None, "relocated", 200_000.0, "CNY") in keyed(ningbo)
    zhuji = objects(built, "zhuji-2025-a", 500_000.0)
    assert any("當年被認定為國家級智能工廠" in o for o in zhuji), zhuji


def test_the_province_keeping_a_platform_is_no_tier(built):
    # 对通过软件企业评估,且纳入浙江省经济和信息化数据服务平台的软件企业,年销售收入首次突破…: no tier
    rows = rows_of(built, "shengzhou-2022-b")
    software = rows[rows["instrument"] == "software_enterprise_award"]
    assert len(software) == 4 and software["level"].isna().all()


def test_a_county_level_citys_own_tier_is_the_district_tier(built):
    # 初次认定为乐清市级、温州市级科技(创新)型企业的,分别一次性给予1万元、3万元的奖励 (乐清 is a county-level city)
    rows = keyed(rows_of(built, "yueqing-2013-a"))
    assert {(None, "district", None, 10_000.0, "CNY"), (None, "municipal", None, 30_000.0, "CNY")} <= rows
    # the place's name is part of its tier word, not a prefix of what the other items reward
    assert objects(built, "yueqing-2013-a", 30_000.0) == ["第九条 初次认定为温州市级科技(创新)型企业"]


COMMISSIONER = "sci_tech_commissioner_grant"


@pytest.mark.parametrize(
    "survey_id, value, expected",
    [
        # 省级个人科技特派员项目每年每项补助 10 万元: the province's individual commissioners, exact
        ("dongyang-2025-a", 100_000.0, [(COMMISSIONER, "provincial", "individual_commissioner", "exact")]),
        # 东阳市科技特派员项目每项最高补助 8 万元: the county-level city's own programme, a cap
        ("dongyang-2025-a", 80_000.0, [(COMMISSIONER, "district", None, "max")]),
        # 对经认定的省级科技特派员,每人每年给予2万元的工作经费: no kind written
        ("fujian-2020-a", 20_000.0, [(COMMISSIONER, "provincial", None, "exact")]),
        # 法人或团队科技特派员…不超过100万元: 县域 says where the industry is, not a tier
        ("fujian-2020-a", 1_000_000.0, [(COMMISSIONER, None, "team_commissioner", "max")]),
        # 省级科技特派员个人创办…或与经济实体已开展实质性技术合作的项目 (50万元), and the province's 星创天地
        # (50万元, no commissioner): the commissioner's project is not also a technology transfer
        (
            "fujian-2020-a",
            500_000.0,
            [(COMMISSIONER, "provincial", "individual_commissioner", "max"), (None, "provincial", None, "max")],
        ),
        # money for the commissioners' work stations is no grant to commissioners
        ("jiaocheng-2024-a", 50_000.0, [(None, None, None, "exact")]),
        ("jiaocheng-2024-a", 10_000.0, [(None, None, None, "exact")]),
    ],
)
def test_sci_tech_commissioner_grants(built, survey_id, value, expected):
    rows = rows_of(built, survey_id)
    rows = rows[(rows["value"] == value) & (rows["unit"] == "CNY")]
    got = sorted(
        (
            tuple(None if pd.isna(v) else v for v in (r.instrument, r.level, r.variant)) + (r.bound,)
            for r in rows.itertuples()
        ),
        key=str,
    )
    assert got == sorted(expected, key=str)


def test_a_budget_line_for_the_commissioners_platform_is_no_row(built):
    # 区财政每年安排10万元专项经费主要用于科技特派员服务平台建设: a budget, not a grant
    rows = built.rows_of("jiaocheng-2024-a")
    assert 100_000.0 not in set(rows["value"].dropna()) and not (rows["instrument"] == COMMISSIONER).any()


def test_a_citys_own_high_tech_list_is_another_programme(built):
    # 被认定为国家高新技术企业的一次性奖励20万元,市级高新技术企业的一次性奖励5万元
    assert {
        ("hightech_enterprise_award", None, None, 200_000.0, "CNY"),
        (None, "municipal", None, 50_000.0, "CNY"),
    } <= keyed(rows_of(built, "liandu-2025-a"))
    # each amount with a condition of its own says what it rewards
    assert objects(built, "liandu-2025-a", 50_000.0) == ["市级高新技术企业"]
    # …but a qualifier named before the thing rewarded is no instrument of the amount: 国家高新技术企业
    # 首次升规的,在享受小升规政策基础上,每家再奖励10万元 is the 小升规 award alone
    jinhua = rows_of(built, "jinhua-2022-a")
    assert jinhua[jinhua["span"].str.startswith("国家高新技术企业 首次升规")]["instrument"].tolist() == [
        "industrial_scale_up_award"
    ]


def test_new_renewed_relocated_and_size_are_variants_of_one_key(built):
    jinhua = keyed(rows_of(built, "jinhua-2022-a"))
    assert {
        ("hightech_enterprise_award", None, None, 400_000.0, "CNY"),
        ("hightech_enterprise_award", None, "renewed", 200_000.0, "CNY"),
        ("hightech_enterprise_award", None, "relocated", 400_000.0, "CNY"),
        ("industrial_scale_up_award", None, None, 100_000.0, "CNY"),
    } <= jinhua
    # 规模以上企业新认定…40万元…,其他企业新认定…30万元
    assert {
        ("hightech_enterprise_award", None, "above_scale", 400_000.0, "CNY"),
        ("hightech_enterprise_award", None, "below_scale", 300_000.0, "CNY"),
    } <= keyed(rows_of(built, "liandu-2025-b"))
    # 新认定和通过重新认定国家高新技术企业,在市政策奖励标准的基础上每家分别再给予一次性奖励10万元、5万元:
    # the scene-setting part is not the thing rewarded
    wucheng = rows_of(built, "wucheng-2022-a")
    assert ("hightech_enterprise_award", None, None, 100_000.0, "CNY") in keyed(wucheng[wucheng["grant_no"] == 1])
    assert "基础上" not in " ".join(wucheng["object"])


def test_an_rd_centre_ladder_down_to_the_district(built):
    # 国家级企业工程技术研究开发中心、省级高新技术企业研究开发中心、市级…、区级…分别给予50万元、10万元、5万元、3万元
    rows = keyed(rows_of(built, "ouhai-2013-a"))
    assert {
        ("rd_institution_award", "national", "rd_center", 500_000.0, "CNY"),
        ("rd_institution_award", "provincial", "rd_center", 100_000.0, "CNY"),
        ("rd_institution_award", "district", "rd_center", 30_000.0, "CNY"),
    } <= rows


# --- the second held-out set: checked for form here, scored only by the benchmark ------------------

HELD_OUT_2_FILE = Path(__file__).parent / "data" / "instrument_survey_heldout2.yaml"


def test_the_second_held_out_set_is_of_new_districts_and_names_known_keys(survey):
    second = load_survey(HELD_OUT_2_FILE)
    vocab = load_instruments()
    keys, variants = set(vocab.keys()), set(vocab.variant_keys())
    districts = {c.district for c in second}
    assert len(second) >= 10 and len(districts) >= 4 and {c.split for c in second} == {HELD_OUT_2}
    assert all(c.url and c.text and c.amounts for c in second)
    # districts appear nowhere else: not in the survey, the seeds, or any rule's seen_in
    assert not districts & ({c.district for c in survey} | SEEDS)
    seen = {s.split("-")[0] for i in vocab.instruments for s in i.seen_in}
    assert not districts & seen
    for clause in second:
        for amount in clause.amounts:
            assert amount.instrument is None or amount.instrument in keys, (clause.id, amount)
            assert amount.variant is None or amount.variant in variants, amount


HELD_OUT_3_FILE = Path(__file__).parent / "data" / "instrument_survey_heldout3.yaml"


def test_the_third_held_out_set_is_of_new_pages_and_names_known_keys(survey):
    """Its pages are not the survey's; every label names a known key (or none) and no variant."""
    third = load_survey(HELD_OUT_3_FILE)
    keys = set(load_instruments().keys())
    assert len(third) >= 20 and {c.split for c in third} == {HELD_OUT_3}
    assert not {c.url for c in third} & {c.url for c in survey}
    for clause in third:
        for amount in clause.amounts:
            assert amount.instrument is None or amount.instrument in keys, (clause.id, amount)
            assert amount.variant is None, amount
        assert clause.amounts or clause.not_amounts, clause.id
