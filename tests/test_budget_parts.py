"""A budget whose statement lists its parts (其中…) gets their sum and whether it matches; what 县财政 and a
county-level city's 市财政 cover. Read from the real captures (../shared/realworld/)."""

from __future__ import annotations

import pandas as pd
import pytest
from captures import build_captures

from policycmp.analysis.budgets import budget_checks as page_checks
from policycmp.compare.budgets import budget_checks, budget_table, parts_agree, written_precision

YI = 100_000_000  # 1 亿元


@pytest.fixture(scope="module")
def tables(shared, tmp_path_factory) -> dict[str, pd.DataFrame]:
    out = build_captures(shared, tmp_path_factory.mktemp("budget_parts"))
    return {n: pd.read_parquet(out / f"{n}.parquet") for n in ("clauses", "quantities", "budgets")}


def _allocation(budgets: pd.DataFrame, clause_id: str) -> pd.Series:
    rows = budgets[(budgets["clause_id"] == clause_id) & (budgets["role"] == "allocation")]
    assert len(rows) == 1
    return rows.iloc[0]


@pytest.mark.parametrize(
    ("clause_id", "value", "parts_sum", "parts_match"),
    [
        # 区财政2023年预算安排12.90亿元。其中,…3.1亿元,…0.2亿元,…2.6亿元,…3.5亿元,…3.5亿元。
        ("fuyang-2023-policy:c1", 12.90 * YI, 12.9 * YI, True),
        # 2023年预算安排93.02亿元。其中,…1亿元、…24.05 亿元、…26.2亿元、… 41.77亿元。
        ("longgang-2023-policy:c1", 93.02 * YI, 93.02 * YI, True),
        # 预算安排1.95亿元…其中交通0.6亿元: one figure after 其中 is a share, not a breakdown
        ("jiande-2024-policy:c2", 1.95 * YI, None, None),
        # 52.96亿元。其中 13.58, 8.28, 4.67亿元, 水利…等 (the capture stops mid-list): not summed
        ("qiantang-2024-policy:c2", 52.96 * YI, None, None),
        # 县财政2023年统筹安排资金37.4亿元,重点支持…: no parts listed
        ("cangnan-2023-policy:c1", 37.4 * YI, None, None),
    ],
)
def test_the_parts_a_budget_lists(tables, clause_id, value, parts_sum, parts_match):
    row = _allocation(tables["budgets"], clause_id)
    assert row["value"] == pytest.approx(value)
    if parts_sum is None:
        assert pd.isna(row["parts_sum"]) and pd.isna(row["parts_match"])
    else:
        assert row["parts_sum"] == pytest.approx(parts_sum) and bool(row["parts_match"]) is parts_match


def test_parts_that_do_not_add_up_fail_on_the_budgets_page(tables):
    """Fuyang's 3.1亿元 misread as 3.2亿元: the parts sum to 13.00亿元, not 12.90亿元."""
    quantities = tables["quantities"].copy()
    at = (quantities["clause_id"] == "fuyang-2023-policy:c1") & (quantities["span"] == "3.1亿元")
    assert at.sum() == 1
    quantities.loc[at, "value"] = 3.2 * YI
    budgets, _ = budget_checks(budget_table(tables["clauses"], quantities))
    row = _allocation(budgets, "fuyang-2023-policy:c1")
    assert row["parts_sum"] == pytest.approx(13.0 * YI) and row["parts_match"] is not pd.NA
    assert not bool(row["parts_match"])
    fuyang = budgets[budgets["district"] == "fuyang"]
    totals = pd.DataFrame([{"district": "fuyang", "stated": float("nan"), "allocated": 12.9 * YI, "parts_match": None}])
    checks = page_checks(
        fuyang, totals, pd.DataFrame(columns=["district", "domain", "value", "allocations"]), tables["clauses"]
    )
    listed = checks[checks["check"] == "the parts listed add up to their allocation"]
    assert listed["ok"].tolist() == [False]
    assert "fuyang-2023-policy:c1" in listed["detail"].iloc[0]
    # and the real figures pass
    real = tables["budgets"][tables["budgets"]["district"] == "fuyang"]
    checks = page_checks(
        real, totals, pd.DataFrame(columns=["district", "domain", "value", "allocations"]), tables["clauses"]
    )
    assert checks[checks["check"] == "the parts listed add up to their allocation"]["ok"].tolist() == [True]


@pytest.mark.parametrize(
    ("span", "value", "unit"),
    [
        ("12.90亿元", 12.90 * YI, 1_000_000),
        ("24.05 亿元", 24.05 * YI, 1_000_000),
        ("1亿元", YI, YI),
        ("2200万元", 22_000_000, 10_000),
    ],
)
def test_written_precision(span, value, unit):
    assert written_precision(span, value) == pytest.approx(unit)


def test_parts_agree_within_half_the_finest_written_unit():
    spans = ["12.90亿元", "3.1亿元"]
    values = [12.90 * YI, 3.1 * YI]
    assert parts_agree(12.90 * YI, 12.90 * YI + 400_000, spans, values)  # within 0.005亿元
    assert not parts_agree(12.90 * YI, 12.91 * YI, spans, values)  # 0.01亿元 off
    assert written_precision("三亿元", 3 * YI) is None


@pytest.mark.parametrize(
    ("clause_id", "district", "scope"),
    [
        ("cangnan-2023-policy:c1", "cangnan", "district budget"),  # 县财政 of a county
        ("jiande-2024-policy:c2", "jiande", "district budget"),  # 市财政 of a county-level city: its own
        ("fuyang-2023-policy:c1", "fuyang", "district budget"),  # 区财政
        # negative: the same 市财政 sentence in a 市辖区's document is the prefecture's budget
        ("jiande-2024-policy:c2", "fuyang", None),
        # negative: 龙港 writes no 财政 at all (2023年预算安排93.02亿元)
        ("longgang-2023-policy:c1", "longgang", None),
    ],
)
def test_scope_of_the_places_own_budget(tables, clause_id, district, scope):
    clauses = tables["clauses"].copy()
    clauses.loc[clauses["clause_id"] == clause_id, "district"] = district
    budgets = budget_table(clauses, tables["quantities"])
    row = _allocation(budgets, clause_id)
    assert (None if pd.isna(row["scope"]) else row["scope"]) == scope
