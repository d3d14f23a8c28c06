"""Screenshots of the pages a reviewer opens first, at 3 districts and at 90, for docs/screenshots/.

    python3 tasks.py screenshots        # (runs this with .venv/bin/python)

3 districts are the committed ``reports/`` (the real corpus, as rendered now). 90 is the synthetic
corpus of every county-level unit of Zhejiang, Zhenhai with two editions
(``policycmp.evaluation.synthetic.write_report_corpus``), built and rendered into a temporary project
first (a few minutes). Each page is photographed in Debian's Chromium at 1280 px wide, from the top, at
most :data:`HEIGHT` px down, as PNG: the index, subsidy levels, the budgets page and Zhenhai's profile,
and at 90 Zhenhai's edition changes.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from policycmp.evaluation.synthetic import write_report_corpus
from policycmp.publish.build import build
from policycmp.report.run import report

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
WIDTH, HEIGHT = 1280, 2000
PAGES = {
    "index": "index.html",
    "subsidy-levels": "02_subsidy_levels.html",
    "budgets": "03_budgets.html",
    "profile-zhenhai": "07_district_profile-zhenhai.html",
}
# Pages only the 90-district corpus has: the real corpus has one edition of each district.
PAGES_90 = {"edition-changes-zhenhai": "09_edition_changes-zhenhai.html"}


def ninety_districts(folder: Path) -> Path:
    """The 90-district corpus (Zhenhai with two editions) rendered into ``folder/reports``."""
    raw = folder / "data" / "raw"
    write_report_corpus(raw, 90, raw_dir=ROOT / "data" / "raw")
    shutil.copytree(ROOT / "notebooks", folder / "notebooks")
    os.environ["POLICYCMP_ROOT"] = str(folder)
    build(raw, folder / "data" / "processed", echo=lambda *a, **k: None, progress=False)
    if report(out_dir=folder / "reports", progress=sys.stderr.isatty()) != 0:
        sys.exit("make_screenshots: the 90-district reports did not render")
    return folder / "reports"


def photograph(reports: Path, districts: int, pages: dict[str, str]) -> list[Path]:
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        page = browser.new_page(viewport={"width": WIDTH, "height": 900})
        for label, name in pages.items():
            page.goto((reports / name).as_uri())
            page.wait_for_load_state("load")
            page.evaluate("document.fonts.ready.then(() => true)")
            height = min(HEIGHT, int(page.evaluate("document.documentElement.scrollHeight")))
            target = HERE / f"{districts}-districts-{label}.png"
            page.screenshot(path=str(target), clip={"x": 0, "y": 0, "width": WIDTH, "height": height}, full_page=True)
            written.append(target)
        browser.close()
    return written


def main() -> int:
    written = photograph(ROOT / "reports", 3, PAGES)
    with tempfile.TemporaryDirectory(prefix="screenshots-") as tmp:
        written += photograph(ninety_districts(Path(tmp)), 90, {**PAGES, **PAGES_90})
    for path in written:
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
