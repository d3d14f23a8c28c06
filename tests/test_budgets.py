"""budgets.parquet: what each document commits, and whether Linping's parts add up to its whole."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from policycmp.compare.budgets import budget_checks, budget_table
from policycmp.extract import quantities_table
from policycmp.ingest.clauses import clause_table
from policycmp.ingest.corpus import read_corpus
from policycmp.publish.build import build_tables, compare_stage
from policycmp.publish.register import add
from policycmp.schema import BudgetRow, dtypes

BUDGET_DTYPES = dtypes(BudgetRow)

YI = 100_000_000  # 1 亿元
LINPING_ALLOCATIONS = {  # clause 55, in the order written
    "investment": 17.25,
    "innovation": 2.14,
    "manufacturing": 3.04,
    "services": 0.91,
    "transport": 16.57,
    "demand_opening": 1.31,
    "rural": 2.02,
    "livelihood": 12.76,
}


@pytest.fixture(scope="module")
def quantities(clauses):
    return quantities_table(clauses)


@pytest.fixture(scope="module")
def budgets(clauses, quantities):
    table, _ = budget_checks(budget_table(clauses, quantities))
    return table


def of(budgets: pd.DataFrame, district: str, role: str | None = None) -> pd.DataFrame:
    mine = budgets[budgets["district"] == district]
    return mine if role is None else mine[mine["role"] == role]


def test_budget_columns_and_dtypes(budgets):
    assert list(budgets.columns)[:9] == [
        "district",
        "year",
        "domain",
        "value",
        "unit",
        "bound",
        "scope",
        "clause_id",
        "span",
    ]
    assert {c: str(t) for c, t in budgets.dtypes.items()} == {
        c: str(pd.Series(dtype=t).dtype) for c, t in BUDGET_DTYPES.items()
    }
    assert set(budgets["unit"]) == {"CNY"}


def test_zhenhai_commits_a_document_wide_total(budgets):
    total = of(budgets, "zhenhai", "total")
    assert len(total) == 1
    row = total.iloc[0]
    assert row["value"] == 3_727_000_000 and pd.isna(row["domain"]) and row["year"] == 2024
    assert row["clause_id"] == "zhenhai-2024-policy:closing"
    assert row["span"] == "上述8个领域政策区级财政2024年预算安排资金除交叉重叠部分外,支持总额为37.27亿元"
    assert row["scope"] == "8 domains, district budget, net of overlaps"
    # no per-domain breakdown to check against
    assert pd.isna(row["parts_match"]) and of(budgets, "zhenhai", "allocation").empty


def test_linping_allocations_map_to_their_domains(budgets):
    allocations = of(budgets, "linping", "allocation")
    assert dict(zip(allocations["domain"], allocations["value"])) == {
        domain: pytest.approx(value * YI) for domain, value in LINPING_ALLOCATIONS.items()
    }
    assert set(allocations["clause_id"]) == {"linping-2024-policy:c55"}
    investment = allocations[allocations["domain"] == "investment"].iloc[0]
    assert investment["policy_name"] == "扩大有效投资政策"
    assert investment["span"] == "扩大有效投资政策安排17.25亿元"


def test_linping_allocations_add_up_to_its_total(budgets):
    total = of(budgets, "linping", "total").iloc[0]
    assert total["value"] == 5_600_000_000 and pd.isna(total["domain"])
    parts = of(budgets, "linping", "allocation")["value"].sum()
    assert math.isclose(parts, 5_600_000_000, abs_tol=1)
    assert math.isclose(sum(LINPING_ALLOCATIONS.values()), 56.00)
    assert total["parts_match"] and math.isclose(total["parts_sum"], 5_600_000_000, abs_tol=1)


def test_qujiang_states_domain_figures_and_no_total(budgets):
    qujiang = of(budgets, "qujiang", "allocation")
    figures = {
        row.clause_id: (row.domain, row.value, row.bound, row.includes_higher_level_funds)
        for row in qujiang.itertuples()
    }
    assert figures == {
        "qujiang-2023-policy:c16": ("manufacturing", 85_000_000, "approx", False),
        "qujiang-2023-policy:c40": ("rural", 740_000_000, "exact", True),
        "qujiang-2023-policy:c51": ("livelihood", 1_529_000_000, "exact", True),
    }
    assert "大科创政策" in qujiang.set_index("clause_id").loc["qujiang-2023-policy:c16", "scope"]
    assert "含上级补助资金" in qujiang.set_index("clause_id").loc["qujiang-2023-policy:c40", "scope"]
    assert of(budgets, "qujiang", "total").empty
    assert set(of(budgets, "qujiang")["year"]) == {2023}


def test_money_sought_from_higher_levels_is_not_a_commitment(budgets):
    # 争取中央预算内投资3亿元左右 (Zhenhai c2) and 争取中央预算内投资0.5亿元 (Qujiang c2)
    assert not budgets["clause_id"].isin(["zhenhai-2024-policy:c2", "qujiang-2023-policy:c2"]).any()


def test_budget_rows_point_at_their_source(budgets, clauses):
    texts = dict(zip(clauses["clause_id"], clauses["text"]))
    for row in budgets.itertuples():
        assert texts[row.clause_id][row.span_start : row.span_end] == row.span
        assert row.quantity_span in row.span


def test_parts_that_do_not_add_up_are_a_warning(corpus):
    # the same documents, with one of Linping's allocations misread by 0.01亿元
    tables = build_tables(corpus).tables
    altered = tables["quantities"].copy()
    at = (altered["clause_id"] == "linping-2024-policy:c55") & (altered["span"] == "17.25亿元")
    assert at.sum() == 1
    altered.loc[at, "value"] = 17.26 * YI
    result = compare_stage({**tables, "quantities": altered})
    assert any("linping-2024-policy" in w and "do NOT add up" in w for w in result.warnings)
    total = of(result.tables["budgets"], "linping", "total").iloc[0]
    assert total["parts_match"] is False or not total["parts_match"]


def test_consistent_documents_give_no_budget_warning(corpus):
    result = compare_stage(build_tables(corpus).tables)
    assert not [w for w in result.warnings if w.startswith("budgets:")]
    assert any("linping-2024-policy" in n and "add up to the stated total 56.00亿元" in n for n in result.notes)


def test_checks_report_each_document(budgets):
    _, checks = budget_checks(budgets)
    verdicts = {c.doc_id: c.matches for c in checks}
    assert verdicts == {"linping-2024-policy": True, "qujiang-2023-policy": None, "zhenhai-2024-policy": None}


# --- the parts of an allocation, in the forms the captures write them ---------------------------

HEAD = """\
杭州市临平区人民政府印发关于推动经济高质量发展的若干政策的通知
杭州市临平区人民政府
2024年3月27日
关于推动经济高质量发展的若干政策
一、扩大有效投资政策(由区发改局牵头实施)
{preamble}
1.加大财政支持力度。对新开工项目给予支持。
二、科技创新政策(由区科技局牵头实施)
1.支持科技企业。对新认定的高新技术企业给予奖励20万元。
本政策自2024年1月1日起施行。
"""


def budgets_of(tmp_path, preamble: str) -> pd.DataFrame:
    source = tmp_path / "page.txt"
    source.write_text(HEAD.format(preamble=preamble), encoding="utf-8")
    add([source], tmp_path / "raw", echo=lambda *a, **k: None)
    clauses, _ = clause_table(read_corpus(tmp_path / "raw" / "sources.yaml"))
    table = budget_table(clauses, quantities_table(clauses))
    return table[["role", "domain", "value"]]


@pytest.mark.parametrize(
    ("preamble", "rows"),
    [
        # 其中 after a domain's allocation lists its items: the domain is counted once
        (
            "2024年,区财政预算安排39亿元。其中,道路交通10亿元,产业项目8亿元。",
            [("allocation", "investment", 39 * YI), ("item", "investment", 10 * YI), ("item", "investment", 8 * YI)],
        ),
        (
            "区财政预算安排资金5782万元,其中人才专项经费3900万元,科技创新领域资金1882万元。",
            [
                ("allocation", "investment", 57_820_000),
                ("item", "investment", 39_000_000),
                ("item", "investment", 18_820_000),
            ],
        ),  # fmt: skip
        # after a document-wide total, 其中 lists the domains' allocations (Linping's form)
        (
            "区财政安排区级预算共计20亿元,其中:扩大有效投资政策安排12亿元,科技创新政策安排8亿元。",
            [("total", None, 20 * YI), ("allocation", "investment", 12 * YI), ("allocation", "innovation", 8 * YI)],
        ),
        # two commitments of the same domain, with no 其中 between them, are two allocations
        (
            "2024年全区拟安排财政资金30亿元以上用于项目建设;每年安排2500万元财政资金用于基础设施。",
            [("allocation", "investment", 30 * YI), ("allocation", "investment", 25_000_000)],
        ),
    ],
)
def test_parts_listed_after_qizhong(tmp_path, preamble, rows):
    table = budgets_of(tmp_path, preamble)
    assert [(r.role, None if pd.isna(r.domain) else r.domain, r.value) for r in table.itertuples()] == rows


# --- the per-document summary the build publishes --------------------------------------------------


@pytest.fixture(scope="module")
def summaries(corpus) -> tuple[pd.DataFrame, pd.DataFrame]:
    tables = build_tables(corpus).tables
    return tables["budget_summary"].set_index("doc_id"), tables["budget_domains"]


def test_the_summary_has_one_row_per_policy_with_the_build_s_sums(summaries):
    summary, _ = summaries
    assert list(summary.index) == ["zhenhai-2024-policy", "linping-2024-policy", "qujiang-2023-policy"]
    zhenhai, linping, qujiang = (summary.loc[d] for d in summary.index)
    # Zhenhai states 37.27亿元 in all and allocates nothing to domains
    assert (zhenhai["total"], zhenhai["total_span"], zhenhai["base_source"]) == (3_727_000_000.0, "37.27亿元", "total")
    assert zhenhai["n_allocations"] == 0 and pd.isna(zhenhai["allocations_sum"]) and pd.isna(zhenhai["parts_match"])
    # Linping: 56亿元, and its eight allocations of clause 55 add up to it
    assert (linping["total"], linping["allocations_sum"], linping["n_allocations"]) == (56 * YI, 56 * YI, 8)
    assert linping["parts_match"] and linping["total_clause_id"] == "linping-2024-policy:c55"
    # Qujiang states no total: its three allocations (23.54亿元) are the base shares are taken of
    assert pd.isna(qujiang["total"]) and qujiang["n_allocations"] == 3
    assert math.isclose(qujiang["allocations_sum"], 23.54 * YI) and qujiang["base_source"] == "allocations"


def test_domain_allocations_are_per_document_with_their_shares_and_sources(summaries, clauses):
    _, domains = summaries
    linping = domains[domains["doc_id"] == "linping-2024-policy"].set_index("domain")
    assert list(linping.index) == list(LINPING_ALLOCATIONS)  # the vocabulary's order of domains
    for domain, yi in LINPING_ALLOCATIONS.items():
        assert math.isclose(linping.loc[domain, "value"], yi * YI)
        assert math.isclose(linping.loc[domain, "share"], yi / 56)
    texts = dict(zip(clauses["clause_id"], clauses["text"]))
    for row in domains.itertuples():
        for clause_id, span in zip(row.clause_ids.split("; "), row.spans.split("; "), strict=True):
            assert span in texts[clause_id]
    # Zhenhai allocates nothing to a domain: no row is made up for it
    assert "zhenhai-2024-policy" not in set(domains["doc_id"])
