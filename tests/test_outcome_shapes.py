"""Outcome tables as other districts print them, read by pattern.

The two outside reports that measured the reader are not in the repository, so these fixtures are
made in each shape such reports use (plan-execution reports, 国民经济和社会发展计划执行情况, of
districts): the target column before the actual one, a verdict column, sub-rows under an indicator
(区内 / 全区), a growth target as a bare number under a 比上年增长(%) header, a two-row header with the
actual split into 总量 and 增速, and one cell per line. The districts and figures are invented; the
layouts are those of the pattern. Every row whose target and actual are comparable figures is judged
met or not met; a target with no figure stays unclear; a verdict column decides when it is there.
Real reports of other places, in the shapes found for real, are tests/test_outcome_captures.py; of the
shapes here, sub-rows, a bare growth target under 比上年增长(%) and 总量 / 增速 were not found for real.
"""

from __future__ import annotations

import pandas as pd
import pytest

from policycmp.ingest.outcome_report import read_report
from policycmp.model import Corpus, Document
from policycmp.publish.build import build_tables
from policycmp.vocabulary import load_outcome_rules

# A verdict column after the figures; the target column before the actual one.
WITH_VERDICTS = """\
2023年甲区国民经济和社会发展计划执行情况
一、2023年计划执行情况
全年经济运行稳中有进,主要指标完成情况如下表。
附表 2023年主要指标完成情况
序号 | 主要指标 | 单位 | 2023年目标 | 2023年完成 | 完成情况 |
1 | 地区生产总值增速 | % | 6.5 | 6.9 | 超额完成 |
2 | 固定资产投资增速 | % | 8 | 5.1 | 未完成 |
3 | 规上工业增加值增速 | % | 8 | 8.3 | 完成 |
4 | 研发经费投入强度 | % | 3.2 | | 暂无数据 |
5 | 城镇调查失业率 | % | 5以内 | 4.6 | 完成 |
6 | 单位GDP能耗下降 | % | 完成省下达任务 | | 暂无数据 |
7 | 常住人口城镇化率 | % | 75 | 74.2 | 未完成 |
二、2024年计划安排
"""

# Two header rows: the target headed 比上年增长(%), holding bare numbers; the actual split into 总量
# and 增速; an indicator whose own row only names its parts 区内 and 全区.
TWO_ROW_HEADER = """\
乙区2024年国民经济和社会发展计划执行情况
表1 2024年主要指标计划执行情况
序号 | 指标名称 | 单位 | 2024年计划 | 2024年完成 | |
 |  |  | 比上年增长(%) | 总量 | 增速(%) |
1 | 地区生产总值 | 亿元 | 6 | 1520.3 | 5.8 |
2 | 规模以上工业增加值 | 亿元 | 8 | 612.4 | 9.1 |
3 | 固定资产投资 | 亿元 | 10 | — | -3.2 |
4 | 社会消费品零售总额 | 亿元 | 5.5 | 480.2 | 5.5 |
5 | 一般公共预算收入 | 亿元 | 6 | | |
 | 其中:区内 | 亿元 | | 98.6 | 7.4 |
 | 全区 | 亿元 | | 150.2 | 4.9 |
6 | 城镇居民人均可支配收入 | 元 | 6左右 | 72450 | 5.9 |
7 | 农村居民人均可支配收入 | 元 | 稳步增长 | 41230 | 6.8 |
"""

# The Wenzhou layout with one cell per line, and a verdict column.
ONE_CELL_PER_LINE = """\
丙区2022年计划执行情况
序号
指标
单位
年度目标
实际完成
完成情况
1
地区生产总值增速
%
6左右
6.1
完成
2
一般公共预算收入
亿元
52
49.8
未完成
3
城镇登记失业率
%
3.5以内
2.4
完成
4
全员劳动生产率
万元/人
增长6%
暂无数据
暂无数据
"""

# No verdict column: level and growth targets judged by the figures alone (more is better unless the
# indicator says less is).
FIGURES_ONLY = """\
丁区2023年国民经济和社会发展计划执行情况
序号 | 指标名称 | 单位 | 2023年目标 | 2023年实绩 |
1 | 工业总产值 | 亿元 | 12000 | 12500 |
2 | 外贸进出口总额 | 亿元 | 800 | 765.3 |
3 | 单位GDP能耗 | 吨标准煤/万元 | 0.45 | 0.43 |
4 | 新增城镇就业 | 万人 | 2 | 2.35 |
5 | 数字经济核心产业增加值增长 | % | 10以上 | 9.6 |
6 | 高新技术企业 | 家 | 新增120家 | 新增131家 |
"""

CASES = {
    "jia": (
        WITH_VERDICTS,
        [
            ("地区生产总值增速", "met", 6.5, 6.9),
            ("固定资产投资增速", "not_met", 8.0, 5.1),
            ("规上工业增加值增速", "met", 8.0, 8.3),
            ("研发经费投入强度", "unclear", 3.2, None),
            ("城镇调查失业率", "met", 5.0, 4.6),
            ("单位GDP能耗下降", "unclear", None, None),
            ("常住人口城镇化率", "not_met", 75.0, 74.2),
        ],
    ),
    "yi": (
        TWO_ROW_HEADER,
        [
            ("地区生产总值", "not_met", 6.0, 5.8),
            ("规模以上工业增加值", "met", 8.0, 9.1),
            ("固定资产投资", "not_met", 10.0, -3.2),
            ("社会消费品零售总额", "met", 5.5, 5.5),
            ("一般公共预算收入(区内)", "met", 6.0, 7.4),
            ("一般公共预算收入(全区)", "not_met", 6.0, 4.9),
            ("城镇居民人均可支配收入", "met", 6.0, 5.9),  # 6左右: 5% of 6 below still meets it
            ("农村居民人均可支配收入", "unclear", None, None),  # 稳步增长: no figure to judge
        ],
    ),
    "bing": (
        ONE_CELL_PER_LINE,
        [
            ("地区生产总值增速", "met", 6.0, 6.1),
            ("一般公共预算收入", "not_met", 52e8, 49.8e8),
            ("城镇登记失业率", "met", 3.5, 2.4),
            ("全员劳动生产率", "unclear", 6.0, None),
        ],
    ),
    "ding": (
        FIGURES_ONLY,
        [
            ("工业总产值", "met", 12000e8, 12500e8),
            ("外贸进出口总额", "not_met", 800e8, 765.3e8),
            ("单位GDP能耗", "met", 0.45e-4, 0.43e-4),  # less is better: 能耗
            ("新增城镇就业", "met", 2e4, 2.35e4),
            ("数字经济核心产业增加值增长", "not_met", 10.0, 9.6),
            ("高新技术企业", "met", 120.0, 131.0),
        ],
    ),
}


def document(key: str) -> Document:
    return Document(
        id=f"{key}-2023-outcomes",
        path=__import__("pathlib").Path(f"{key}-2023-outcomes.txt"),
        kind="outcome_report",
        district="zhenhai",
        district_zh="镇海区",
        city="ningbo",
        province="zhejiang",
        year=2023,
        status="final",
        title="计划执行情况",
        issued="2024-01-20",
        line=1,
    )


@pytest.fixture(scope="module")
def outcomes() -> pd.DataFrame:
    docs = [document(key) for key in CASES]
    built = build_tables(Corpus(docs, {d.id: CASES[d.id.split("-")[0]][0] for d in docs}))
    return built.tables["outcomes"]


@pytest.mark.parametrize("key", sorted(CASES))
def test_every_row_of_each_shape_is_read_and_judged(outcomes, key):
    mine = outcomes[outcomes["doc_id"] == f"{key}-2023-outcomes"]
    expected = CASES[key][1]
    # no row lost, none made up, in the table's order
    assert list(mine["indicator_zh"]) == [name for name, *_ in expected]
    for (name, status, target, actual), row in zip(expected, mine.itertuples(), strict=True):
        assert row.status == status, (name, row.match_reason)
        assert pd.isna(row.target_value) if target is None else row.target_value == pytest.approx(target), name
        assert pd.isna(row.actual_value) if actual is None else row.actual_value == pytest.approx(actual), name


def test_a_verdict_decides_and_the_reason_shows_what_the_figures_gave(outcomes):
    row = outcomes[(outcomes["doc_id"] == "jia-2023-outcomes") & (outcomes["row_no"] == 2)].iloc[0]
    assert row["status"] == "not_met" and row["match_reason"].startswith("the table's verdict 未完成 → not_met")
    assert "the figures give not_met" in row["match_reason"] and "评价 未完成" in row["completion"]


def test_rows_with_comparable_figures_are_never_left_unclear(outcomes):
    both = outcomes[outcomes["target_value"].notna() & outcomes["actual_value"].notna()]
    assert len(both) >= 20 and set(both["status"]) == {"met", "not_met"}


@pytest.mark.parametrize(
    "text, expected",
    [
        # not a sub-row: a numbered row whose name merely starts like one
        ("序号 | 指标名称 | 单位 | 目标 | 实绩 |\n1 | 全区生产总值 | 亿元 | 100 | 101 |\n", ["全区生产总值"]),
        # a part under the indicator, named after it
        (
            "序号 | 指标名称 | 单位 | 目标 | 实绩 |\n1 | 税收收入 | 亿元 | 10 | 11 |\n | 其中:区内 | 亿元 | 5 | 6 |\n",
            ["税收收入", "税收收入(区内)"],
        ),
    ],
)
def test_sub_rows_are_told_by_their_pattern(text, expected):
    rows = read_report(text, "x.txt", load_outcome_rules()).indicators
    assert [r.name for r in rows] == expected
