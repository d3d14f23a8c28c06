"""Every amount a report shows in yuan can be traced to the sentence it came from.

Reads the committed reports (test_report.py checks that they match a fresh rendering).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from conftest import ROOT

REPORTS = sorted((ROOT / "reports").glob("*.html"))
AMOUNT_TIP = re.compile(r'<td[^>]*title="([^"]*\byuan\b[^"]*)"[^>]*>', re.S)
CLAUSE = re.compile(r"clause (?P<id>[a-z0-9-]+:[a-z0-9]+) · 「(?P<span>.*?)」")
OTHER_SOURCES = (
    re.compile(r"clause ningbo-2024-work-report:l\d+ · 「.+」"),  # the city work report, by line
    re.compile(r"outcome report row \d+ \(line \d+\)"),
    re.compile(r"sum of the allocations above"),
)


@pytest.fixture(scope="module")
def clause_texts(clauses):
    return dict(zip(clauses.clause_id, clauses.text))


@pytest.mark.parametrize("page", REPORTS, ids=lambda p: p.name)
def test_every_yuan_amount_names_its_clause_and_span(page: Path, clause_texts):
    tips = [html.unescape(t) for t in AMOUNT_TIP.findall(page.read_text(encoding="utf-8"))]
    for tip in tips:
        assert "e+" not in tip, f"exact figure in scientific notation: {tip}"
        match = CLAUSE.search(tip)
        if match and match["id"] in clause_texts:
            assert match["span"] in clause_texts[match["id"]], tip
        else:
            assert any(rx.search(tip) for rx in OTHER_SOURCES), f"{page.name}: untraceable amount {tip!r}"


def test_the_subsidy_page_traces_the_incubator_awards():
    page = (ROOT / "reports" / "02_subsidy_levels.html").read_text(encoding="utf-8")
    assert (
        "exactly 3,000,000 yuan · clause qujiang-2023-policy:c14 · 「对新认定的国家级、省级科技企业孵化器分别给予"
        "300万元、100万元的补助」"
    ) in html.unescape(page)
