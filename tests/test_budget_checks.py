"""``analysis.budget_checks`` on the seed policies' budget rows, and on those rows edited into each case a check
exists for (a second total, an earmarked item, a second allocation of one domain, another unit, a figure
without its span): the verdict and the detail a reader sees on the budgets page."""

from __future__ import annotations

import pandas as pd
import pytest

from policycmp import analysis
from policycmp.publish.build import build, is_stale

DISTRICTS = ["zhenhai", "linping", "qujiang"]
YI = 100_000_000


@pytest.fixture(scope="module", autouse=True)
def built():
    if is_stale():
        build(echo=lambda *a, **k: None)


def _inputs() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    chosen = analysis.editions()
    totals = analysis.budget_totals(analysis.table("budget_summary", districts=DISTRICTS, editions=chosen), DISTRICTS)
    allocations = analysis.domain_allocations(analysis.table("budget_domains", editions=chosen), totals)
    budgets = analysis.table("budgets", districts=DISTRICTS, editions=chosen)
    return budgets, totals, allocations, analysis.table("clauses", districts=DISTRICTS, editions=chosen)


def _check(checks: pd.DataFrame, district: str, check: str) -> list[tuple[object, str]]:
    rows = checks[(checks["district"] == district) & (checks["check"] == check)]
    return list(zip(rows["ok"], rows["detail"], strict=True))


def test_the_seed_policies_checks():
    checks = analysis.budget_checks(*_inputs())
    assert list(checks["district"].drop_duplicates()) == DISTRICTS  # in the order of the totals
    by = {(r.district, r.check): (r.ok, r.detail, r.gap) for r in checks.itertuples()}
    adds_up = "the domain allocations add up to the stated total"
    assert by["zhenhai", adds_up] == (None, "a total is stated without a per-domain breakdown", False)
    assert by["linping", adds_up] == (True, "sum 56亿元 vs stated 56亿元", False)
    assert by["qujiang", adds_up] == (None, "allocations are stated without a document-wide total", False)
    covered = "every domain with clauses has an allocation"
    assert by["linping", covered] == (None, "no allocation stated for Element-guarantee lists", True)
    assert by["qujiang", covered][0] is None and by["qujiang", covered][2] is True
    assert ("zhenhai", covered) not in by  # Zhenhai allocates to no domain: nothing to compare
    # Zhenhai's consumption vouchers are earmarked in a domain it gives no allocation: no fit to check
    assert not _check(checks, "zhenhai", "an earmarked item fits in its domain's allocation")
    for district in DISTRICTS:
        assert by[district, "every budget amount is in yuan"] == (True, "all CNY", False)
        assert by[district, "every figure has its clause and span"] == (True, "all sourced", False)
    assert len(checks) == 13


def _linping_row(budgets: pd.DataFrame, **values: object) -> pd.DataFrame:
    """Linping's first allocation (investment, 17.25亿元), edited."""
    row = budgets[(budgets["district"] == "linping") & (budgets["role"] == "allocation")].iloc[[0]].copy()
    for column, value in values.items():
        row[column] = [value]
    return row


@pytest.mark.parametrize(
    ("edit", "check", "expected"),
    [
        # a second document-wide total: one figure twice is one total, two figures are not
        ({"role": "total", "domain": None, "value": 56 * YI}, "one document-wide total", [(True, "56亿元")]),
        ({"role": "total", "domain": None, "value": 50 * YI}, "one document-wide total", [(False, "50亿元, 56亿元")]),
        # an earmarked item inside Linping's investment allocation (17.25亿元): within it, or more than it
        (
            {"role": "item", "value": 10 * YI, "scope": "roads"},
            "an earmarked item fits in its domain's allocation",
            [(True, "roads 10亿元 within Effective investment 17.25亿元")],
        ),
        (
            {"role": "item", "value": 20 * YI, "scope": None},
            "an earmarked item fits in its domain's allocation",
            [(False, "item 20亿元 within Effective investment 17.25亿元")],
        ),
        ({"unit": "CNY/mu"}, "every budget amount is in yuan", [(False, "other units: CNY/mu")]),
        ({"span": None}, "every figure has its clause and span", [(False, "1 without clause or span")]),
        ({"clause_id": None}, "every figure has its clause and span", [(False, "1 without clause or span")]),
    ],
)
def test_an_edited_row_changes_its_check(edit, check, expected):
    budgets, totals, allocations, clauses = _inputs()
    edited = pd.concat([budgets, _linping_row(budgets, **edit)], ignore_index=True)
    assert _check(analysis.budget_checks(edited, totals, allocations, clauses), "linping", check) == expected
    # the other districts' checks are their own rows' alone
    before = analysis.budget_checks(budgets, totals, allocations, clauses)
    after = analysis.budget_checks(edited, totals, allocations, clauses)
    assert (
        after[after["district"] != "linping"]
        .reset_index(drop=True)
        .equals(before[before["district"] != "linping"].reset_index(drop=True))
    )


def test_two_allocations_of_one_domain_are_named():
    budgets, totals, allocations, clauses = _inputs()
    doubled = allocations.copy()
    doubled.loc[(doubled["district"] == "qujiang") & (doubled["domain"] == "rural"), "allocations"] = 2
    found = _check(analysis.budget_checks(budgets, totals, doubled, clauses), "qujiang", "one allocation per domain")
    assert found == [(False, "Rural revitalisation and urban-rural integration: 2 figures (summed)")]
    assert _check(
        analysis.budget_checks(budgets, totals, allocations, clauses), "qujiang", "one allocation per domain"
    ) == [(True, "one each")]
