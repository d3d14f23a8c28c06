"""The committed reports in a real browser: Debian's headless Chromium driven by Playwright.

Opens reports/index.html (file://), follows every link, and checks that each page shows its tables and
figures, that the tables sort and filter, and that there is no console error and no failed request
(nothing is fetched from a network: no CDN).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ROOT / "reports"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail("Debian's chromium is needed for the browser test: apt-get install -y chromium")
    if not (REPORTS / "index.html").is_file():
        pytest.fail("reports/index.html is missing: run `policycmp report` and commit reports/")

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


class Page:
    """A page with every console error, page error and failed request recorded."""

    def __init__(self, browser):
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.problems: list[str] = []
        self.page.on(
            "console", lambda m: self.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None
        )
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("requestfailed", lambda r: self.problems.append(f"failed request: {r.url}"))
        self.page.on(
            "request",
            lambda r: (
                self.problems.append(f"network request: {r.url}")
                if not r.url.startswith(("file:", "data:", "about:"))
                else None
            ),
        )

    def open(self, url: str) -> None:
        response = self.page.goto(url)
        assert response is None or response.ok, url
        self.page.wait_for_load_state("load")


def test_every_report_shows_its_tables_and_figures_without_errors(browser):
    tab = Page(browser)
    index = (REPORTS / "index.html").as_uri()
    tab.open(index)
    links = tab.page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    pages = sorted({urljoin(index, href) for href in links if href.endswith(".html")} - {index})
    others = sorted({urljoin(index, href) for href in links if not href.endswith(".html")})
    assert len(pages) >= 17, pages
    for url in others:  # the workbook: linked, present (a download, so not opened)
        assert Path(urlparse(url).path).is_file(), url
    assert not tab.problems, tab.problems

    for url in pages:
        tab.open(url)
        name = Path(urlparse(url).path).name
        tables = tab.page.locator("table.pc-table")
        figures = tab.page.locator("figure.pc-figure svg")
        assert tables.count() >= 1, f"{name}: no table"
        assert figures.count() >= 1, f"{name}: no figure"
        for i in range(tables.count()):
            box = tables.nth(i).bounding_box()
            assert box and box["width"] > 0 and box["height"] > 0, f"{name}: table {i} not shown"
        for i in range(figures.count()):
            box = figures.nth(i).bounding_box()
            assert box and box["width"] > 50 and box["height"] > 50, f"{name}: figure {i} not shown"
        # The script ran: every interactive table got its search box and sort buttons.
        interactive = tab.page.locator("table.pc-table[data-pc-interactive]").count()
        assert tab.page.locator(".pc-controls").count() == interactive, name
        assert tab.page.locator("table.pc-table[data-pc-ready] button.pc-sort").count() >= interactive, name
        back = tab.page.eval_on_selector_all("nav a[href]", "els => els.map(e => e.getAttribute('href'))")
        assert "index.html" in back, name
        assert not tab.problems, f"{name}: {tab.problems}"


def test_tables_sort_filter_and_search(browser):
    tab = Page(browser)
    tab.open((REPORTS / "06_domain_deep_dive-innovation.html").as_uri())
    table = tab.page.locator("table.pc-table").filter(has=tab.page.locator("th", has_text="Exact value")).first
    rows = table.locator("tbody tr")
    total = rows.count()
    assert total > 5
    column = [h.strip() for h in table.locator("thead tr").first.locator("th").all_inner_texts()].index(
        next(h for h in table.locator("thead tr").first.locator("th").all_inner_texts() if "Exact value" in h)
    )

    def values() -> list[float]:
        cells = table.locator(f"tbody tr:not([hidden]) td:nth-child({column + 1})").all_inner_texts()
        return [float(c.replace(",", "")) for c in cells if c.strip()]

    header = table.locator("button.pc-sort", has_text="Exact value")
    header.click()
    ascending = values()
    assert ascending == sorted(ascending)
    header.click()
    descending = values()
    assert descending == sorted(descending, reverse=True)

    wrap = tab.page.locator(".pc-table-wrap").filter(has=table)
    wrap.locator("input.pc-search").fill("zhenhai")
    shown = table.locator("tbody tr:not([hidden])").count()
    assert 0 < shown < total
    assert wrap.locator(".pc-count").inner_text() == f"{shown} of {total} rows"
    wrap.locator("input.pc-search").fill("")
    filters = table.locator("input.pc-filter")
    filters.nth(0).fill("Qujiang")
    assert 0 < table.locator("tbody tr:not([hidden])").count() < total
    assert not tab.problems, tab.problems


def test_tables_show_every_row_with_the_header_in_view(browser):
    """No table sits in a fixed-height box: every row is laid out on the page, no column is cut off, and the
    header stays at the top of the window while its table scrolls past."""
    tab = Page(browser)
    tab.open((REPORTS / "02_subsidy_levels.html").as_uri())
    table = tab.page.locator("table.pc-table").last
    total = table.locator("tbody tr").count()
    assert total > 50
    box = table.locator("xpath=ancestor::div[contains(@class, 'pc-scroll')]")
    scroll = box.evaluate("el => [getComputedStyle(el).overflowY, el.scrollHeight - el.clientHeight]")
    assert scroll[0] == "visible" and scroll[1] <= 1, scroll
    cut = table.evaluate(
        "t => Array.from(t.querySelectorAll('td')).filter(td => td.scrollWidth > td.clientWidth + 1).length"
    )
    assert cut == 0
    table.locator("tbody tr").nth(total - 5).scroll_into_view_if_needed()
    top = table.locator("thead").evaluate("h => h.getBoundingClientRect().top")
    assert abs(top) <= 1, top
    assert not tab.problems, tab.problems
