"""The committed reports in a real browser: Debian's headless Chromium driven by Playwright.

Opens reports/index.html (file://), follows every link, and checks that each page shows its tables and
figures, that the tables sort and filter, and that there is no console error and no failed request
(nothing is fetched from a network: no CDN). Every character a page draws must be drawn with the font
shipped beside it (checked against that font's character map), and a page must look the same, pixel
for pixel, in a Chromium that has no CJK font at all.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
from fontTools.ttLib import TTFont
from PIL import Image, ImageChops
from playwright.sync_api import sync_playwright

from policycmp.report import font

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ROOT / "reports"
CHROMIUM = "/usr/bin/chromium"
HAN = ("\u3400", "\u9fff")
# Every text a page draws and the font family its element asks for first: text nodes (scripts and
# styles aside), generated content (the sort arrows) and placeholders.
DRAWN_TEXT = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || el.closest("script, style") || !node.data.trim()) continue;
    out.push([getComputedStyle(el).fontFamily, node.data]);
  }
  for (const el of document.querySelectorAll("body *")) {
    for (const pseudo of ["::before", "::after"]) {
      const style = getComputedStyle(el, pseudo);
      if (style.content && !["none", "normal"].includes(style.content)) out.push([style.fontFamily, style.content]);
    }
    if (el.placeholder) out.push([getComputedStyle(el).fontFamily, el.placeholder]);
  }
  return out;
}"""
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
def playwright():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail("Debian's chromium is needed for the browser test: apt-get install -y chromium")
    if not (REPORTS / "index.html").is_file():
        pytest.fail("reports/index.html is missing: run `policycmp report` and commit reports/")
    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="module")
def browser(playwright):
    instance = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    yield instance
    instance.close()


@pytest.fixture(scope="module")
def shipped_characters() -> set[str]:
    path = REPORTS / font.FILE
    if not path.is_file():
        pytest.fail(f"{path} is missing: run `policycmp report` and commit reports/")
    return {chr(code) for code in TTFont(path).getBestCmap()}


def is_cjk(character: str) -> bool:
    return HAN[0] <= character <= HAN[1] or "\u3000" <= character <= "\u303f" or "\uff00" <= character <= "\uffef"


def fallbacks(page, shipped: set[str]) -> list[str]:
    """What on this page would be drawn with another font than the shipped one: a character its file
    lacks, or CJK text in an element that asks for another family first."""
    problems = []
    loaded = page.evaluate(
        "f => document.fonts.ready.then(() => [...document.fonts].filter(x => x.family.replaceAll('\"', '') === f)"
        ".map(x => x.status))",
        font.FAMILY,
    )
    if loaded != ["loaded"]:
        problems.append(f"the shipped font is {loaded or 'not declared'}")
    for family, text in page.evaluate(DRAWN_TEXT):
        first = family.split(",")[0].strip().strip('"')
        drawn = {c for c in text if font.rendered(c) and not c.isspace()}
        if first == font.FAMILY:
            problems.extend(f"{c!r} (U+{ord(c):04X}) in {text.strip()[:40]!r}" for c in sorted(drawn - shipped))
        elif any(is_cjk(c) for c in drawn):
            problems.append(f"{text.strip()[:40]!r} asks for {first} first")
    return sorted(set(problems))


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


def test_every_report_shows_its_tables_and_figures_without_errors(browser, shipped_characters):
    tab = Page(browser)
    index = (REPORTS / "index.html").as_uri()
    tab.open(index)
    assert not fallbacks(tab.page, shipped_characters), fallbacks(tab.page, shipped_characters)
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
        assert not fallbacks(tab.page, shipped_characters), f"{name}: {fallbacks(tab.page, shipped_characters)}"
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


def test_the_fallback_check_sees_a_character_the_font_lacks(browser, shipped_characters, tmp_path):
    """Negative case: the check fails on a page whose text the shipped font cannot draw, or asks for
    another family, and passes on the same page without them."""
    tab = Page(browser)
    index = (REPORTS / "index.html").read_text(encoding="utf-8")
    page = tmp_path / "index.html"
    shutil.copyfile(REPORTS / font.FILE, tmp_path / font.FILE)
    page.write_text(index, encoding="utf-8")
    tab.open(page.as_uri())
    assert fallbacks(tab.page, shipped_characters) == []
    page.write_text(
        index.replace("</main>", '<p>镇海\U00020000区</p><p style="font-family: serif">临平区</p></main>'),
        encoding="utf-8",
    )
    tab.open(page.as_uri())
    assert fallbacks(tab.page, shipped_characters) == ["'临平区' asks for serif first", "'𠀀' (U+20000) in '镇海𠀀区'"]


# The pages a reviewer sees first, at every corpus size.
SHOWN = ["index.html", "02_subsidy_levels.html", "03_budgets.html", "07_district_profile-zhenhai.html"]


@pytest.fixture(scope="module")
def latin_only_chromium(playwright, tmp_path_factory):
    """Chromium on a machine with no CJK font: fontconfig sees only a folder of Latin fonts (DejaVu, as
    matplotlib and Debian ship it), with the system's rendering rules, so the page's own font is the
    only CJK source."""
    folder = tmp_path_factory.mktemp("latin-only")
    fonts = folder / "fonts"
    fonts.mkdir()
    for path in sorted(Path("/usr/share/fonts/truetype/dejavu").glob("*.ttf")):
        shutil.copyfile(path, fonts / path.name)
    config = folder / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        f"  <dir>{fonts}</dir>\n  <cachedir>{folder / 'cache'}</cachedir>\n"
        '  <include ignore_missing="yes">/etc/fonts/conf.d</include>\n</fontconfig>\n',
        encoding="utf-8",
    )
    env = {**os.environ, "FONTCONFIG_FILE": str(config)}
    if not shutil.which("fc-list"):
        pytest.fail("fc-list is needed to check the simulated machine: apt-get install -y fontconfig")
    listed = subprocess.run(["fc-list", ":lang=zh", "family"], env=env, capture_output=True, text=True, check=True)
    assert listed.stdout.strip() == "", f"the simulated machine has a Chinese font: {listed.stdout}"
    instance = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, env=env)
    yield instance
    instance.close()


def screenshot(browser, name: str, block_font: bool = False) -> Image.Image:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    if block_font:
        page.route(f"**/{font.FILE}", lambda route: route.abort())
    page.goto((REPORTS / name).as_uri())
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready.then(() => true)")
    shot = Image.open(io.BytesIO(page.screenshot(full_page=True))).convert("RGB")
    page.close()
    return shot


# Chromium's rasteriser, under load, now and then shades a row of glyph edges a few levels apart between two
# renders of the same page (measured: at most 10 of 255 per channel, over a few hundred pixels). A glyph drawn
# from another font, or a box, differs by far more: up to the full range where ink and paper swap.
NOISE = 32


def drawn_apart(one: Image.Image, other: Image.Image) -> tuple[int, int, int, int] | None:
    """The box around the pixels where two screenshots differ by more than rasteriser noise, or None."""
    difference = ImageChops.difference(one, other).convert("L").point(lambda level: 255 if level > NOISE else 0)
    return difference.getbbox()


def drawn_apart_twice(browser, other_browser, name: str) -> tuple[Image.Image, list[tuple[int, int, int, int]]]:
    """The page as ``other_browser`` draws it, and where it differs from ``browser``'s, in each of up to
    two pairs of screenshots ([] when a pair is alike).

    Under a load of 4–5 on two cores, Chromium has twice drawn one small box of the profile page (77×13 px)
    differently in one of two renders of the same bytes, and alike on the next; a glyph from another font,
    or a box, is drawn the same wrong way every time. So a difference counts when a second pair, shot
    afresh, shows it too."""
    boxes: list[tuple[int, int, int, int]] = []
    for _ in range(2):
        here, there = screenshot(browser, name), screenshot(other_browser, name)
        assert here.size == there.size, f"{name}: {here.size} against {there.size}"
        box = drawn_apart(here, there)
        if box is None:
            return there, []
        boxes.append(box)
    return there, boxes


@pytest.mark.parametrize("name", SHOWN)
def test_a_page_looks_the_same_on_a_machine_without_a_cjk_font(browser, latin_only_chromium, name):
    there, boxes = drawn_apart_twice(browser, latin_only_chromium, name)
    assert boxes == [], f"{name}: drawn differently without a CJK font, in both pairs of screenshots: {boxes}"
    # …and the picture there does come from the shipped font: without it the Chinese turns to boxes.
    blocked = screenshot(latin_only_chromium, name, block_font=True)
    assert blocked.size != there.size or drawn_apart(blocked, there) is not None, name


def test_tables_show_every_row_with_the_header_in_view(browser):
    """No table sits in a fixed-height box: every row is laid out on the page, no column is cut off, and the
    header stays at the top of the window while its table scrolls past."""
    tab = Page(browser)
    tab.open((REPORTS / "02_subsidy_levels.html").as_uri())
    # the table of every subsidy row (the last but one: the awards of no instrument follow it)
    table = tab.page.locator("table.pc-table", has_text="one row per district × instrument").last
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
