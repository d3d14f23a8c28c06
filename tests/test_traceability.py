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
    re.compile(r"clause [a-z]+-\d{4}-work-report:l\d+ · 「.+」"),  # a city work report, by line
    re.compile(r"outcome report row \d+ \(line \d+\)"),
    re.compile(r"sum of the allocations above"),
    # Quartiles and medians the reports compute across districts say so.
    re.compile(r"computed across (\d+ )?districts|median of the corpus's districts \(computed"),
)


@pytest.fixture(scope="module")
def clause_texts(clauses):
    return dict(zip(clauses.clause_id, clauses.text))


def untraceable(page: str, clause_texts: dict[str, str]) -> list[str]:
    """Tooltips of yuan amounts on a page that neither name a clause whose text holds their span nor
    another source (a report line, a sum, a statistic computed across districts)."""
    problems = []
    for tip in (html.unescape(t) for t in AMOUNT_TIP.findall(page)):
        if "e+" in tip:
            problems.append(f"exact figure in scientific notation: {tip}")
            continue
        match = CLAUSE.search(tip)
        if match and match["id"] in clause_texts:
            if match["span"] not in clause_texts[match["id"]]:
                problems.append(f"span not in its clause: {tip}")
        elif not any(rx.search(tip) for rx in OTHER_SOURCES):
            problems.append(f"untraceable amount: {tip}")
    return problems


@pytest.mark.parametrize("page", REPORTS, ids=lambda p: p.name)
def test_every_yuan_amount_names_its_clause_and_span(page: Path, clause_texts):
    assert not untraceable(page.read_text(encoding="utf-8"), clause_texts)


def test_the_subsidy_page_traces_the_incubator_awards():
    page = (ROOT / "reports" / "02_subsidy_levels.html").read_text(encoding="utf-8")
    assert (
        "exactly 3,000,000 yuan · clause qujiang-2023-policy:c14 · 「对新认定的国家级、省级科技企业孵化器分别给予"
        "300万元、100万元的补助」"
    ) in html.unescape(page)
