"""The reports at province scale, on a synthetic corpus planned from its data.

The corpus has 21 districts of three cities, none of the seed districts (Zhenhai, Linping, Qujiang),
no outcome report and no city work report; one policy carries a ``<script>`` in a clause. It is built
and rendered once (a slow module: about two minutes), then:

- every page the corpus allows is rendered, and the index says which are absent and why;
- the pages use the province layouts, are at most 2 MB, escape document text and trace every yuan
  amount to its clause;
- adding one district re-renders the pages that depend on it and no other, and gives the same
  bytes as rendering everything again.
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import ROOT, rehash
from test_traceability import untraceable

from policycmp.evaluation.synthetic import write_corpus
from policycmp.publish.build import build
from policycmp.report import params
from policycmp.report import plan as plan_mod
from policycmp.report import run as report_mod
from policycmp.report.views.labels import instrument_name

SEEDS = {"zhenhai", "linping", "qujiang"}
SCRIPT = "<script>alert(1)</script>"
PAGE_LIMIT = 2 * 1024 * 1024


def _registry(raw: Path) -> list[dict]:
    return yaml.safe_load((raw / "sources.yaml").read_text(encoding="utf-8"))["documents"]


def _write_registry(raw: Path, documents: list[dict]) -> None:
    text = yaml.safe_dump({"documents": documents}, allow_unicode=True, sort_keys=False)
    (raw / "sources.yaml").write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory):
    """A project root with the synthetic corpus built and rendered, and one more district set aside."""
    folder = tmp_path_factory.mktemp("scale")
    root = folder / "root"
    raw = root / "data" / "raw"
    write_corpus(raw, 22, raw_dir=ROOT / "data" / "raw")
    documents = _registry(raw)
    for doc in documents:
        if doc["district"] in SEEDS:
            (raw / doc["file"]).unlink()
    _write_registry(raw, [d for d in documents if d["district"] not in SEEDS])
    first = raw / _registry(raw)[0]["file"]
    text = first.read_text(encoding="utf-8")
    first.write_text(text.replace("。", f"{SCRIPT}。", 1), encoding="utf-8")
    rehash(raw)  # the edit registered, as re-adding the file does
    # The district added later: the first of a larger corpus that this one does not have.
    pool = folder / "pool"
    write_corpus(pool, 26, raw_dir=ROOT / "data" / "raw")
    taken = {d["district"] for d in _registry(raw)} | SEEDS
    extra = next(d for d in _registry(pool) if d["district"] not in taken)
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("POLICYCMP_ROOT", str(root))
        build(raw, root / "data" / "processed", echo=lambda *a, **k: None)
        assert report_mod.report(out_dir=root / "reports", progress=False) == 0
        yield root, pool, extra


@pytest.fixture()
def in_corpus(corpus, monkeypatch):
    monkeypatch.setenv("POLICYCMP_ROOT", str(corpus[0]))
    return corpus[0]


def test_the_corpus_has_no_seed_district_no_outcome_report_and_no_city_report(in_corpus):
    kinds = {d.kind for d in params.documents()}
    assert kinds == {"policy"}
    districts = params.districts()
    assert len(districts) == 21 and not SEEDS & set(districts)


def test_every_page_the_corpus_allows_is_rendered_and_the_index_says_what_is_absent(in_corpus):
    planned = plan_mod.plan()
    reports = in_corpus / "reports"
    rendered = {p.stem for p in reports.glob("*.html")} - {"index"}
    assert rendered == {job.name for job in planned.jobs}
    assert {job.name for job in planned.jobs if job.name.startswith("07_")} == {
        f"07_district_profile-{d}" for d in params.districts()
    }
    assert not [job for job in planned.jobs if job.name.startswith(("05_", "08_"))]
    index = (reports / "index.html").read_text(encoding="utf-8")
    for reason in (
        "Target follow-through: no outcome report in the corpus",
        "City context: no city work report in the corpus",
        "no district of the corpus has an Element-guarantee lists section",
    ):
        assert reason in index
    # District pages grouped by city, in the gazetteer's order.
    cities = re.findall(r'<h3 class="pc-city">([A-Za-z]+) ', index)
    assert cities == ["Hangzhou", "Jiaxing", "Huzhou"]


@pytest.mark.parametrize(
    "page, marks",
    [
        ("02_subsidy_levels", ["Heatmap of subsidy instruments by district", "Rank", "Percentile"]),
        ("06_domain_deep_dive-innovation", ["each district&#x27;s section", "#clauses-innovation"]),
        ("07_district_profile-binjiang", ["middle half of the districts", 'id="clauses-innovation"']),
        ("01_corpus_overview", ["one dot per district"]),
    ],
)
def test_pages_use_the_province_layouts(in_corpus, page, marks):
    text = (in_corpus / "reports" / f"{page}.html").read_text(encoding="utf-8")
    for mark in marks:
        assert mark in text, mark


def test_pages_are_small_escaped_and_traceable(in_corpus):
    clauses = pd.read_parquet(in_corpus / "data" / "processed" / "clauses.parquet")
    assert clauses["text"].str.contains(SCRIPT, regex=False).any()
    texts = dict(zip(clauses["clause_id"], clauses["text"]))
    escaped = False
    for page in sorted((in_corpus / "reports").glob("*.html")):
        assert page.stat().st_size <= PAGE_LIMIT, page.name
        text = page.read_text(encoding="utf-8")
        assert "<script>alert(1)" not in text, page.name
        escaped |= "&lt;script&gt;alert(1)&lt;/script&gt;" in text
        assert not untraceable(text, texts), page.name
    assert escaped


def _pages(reports: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in reports.glob("*.html")}


def _rebuild_and_report(root: Path) -> set[str]:
    """Rebuild the tables, re-render what changed; the pages whose bytes changed."""
    reports = root / "reports"
    before = _pages(reports)
    build(root / "data" / "raw", root / "data" / "processed", echo=lambda *a, **k: None)
    assert report_mod.report(out_dir=reports, progress=False) == 0
    return {name for name, data in _pages(reports).items() if before.get(name) != data}


def test_a_page_re_renders_only_when_what_it_shows_changes(corpus, monkeypatch, tmp_path):
    root, pool, extra = corpus
    monkeypatch.setenv("POLICYCMP_ROOT", str(root))
    raw = root / "data" / "raw"
    # A word added to one district's clause: its profile changes, no other district's profile does.
    edited = _registry(raw)[1]
    path = raw / edited["file"]
    path.write_text(path.read_text(encoding="utf-8").replace("。", "，示例。", 1), encoding="utf-8")
    rehash(raw)
    changed = _rebuild_and_report(root)
    profiles = {name for name in changed if name.startswith("07_")}
    assert profiles == {f"07_district_profile-{edited['district']}.html"}
    assert "02_subsidy_levels.html" not in changed  # the comparisons did not change
    # A district added: its profile appears, the pages that list every district change, and the
    # result is what rendering everything again gives, byte for byte.
    shutil.copyfile(pool / extra["file"], raw / extra["file"])
    _write_registry(raw, [*_registry(raw), extra])
    changed = _rebuild_and_report(root)
    assert {f"07_district_profile-{extra['district']}.html", "01_corpus_overview.html", "index.html"} <= changed
    fresh = tmp_path / "fresh"
    assert report_mod.report(force=True, out_dir=fresh, progress=False) == 0
    reports = root / "reports"
    differing = sorted(
        p.name
        for p in fresh.iterdir()
        if p.name != "manifest.json" and p.read_bytes() != (reports / p.name).read_bytes()
    )
    assert not differing


def test_the_heatmap_reads_at_province_scale(in_corpus):
    """Districts are the heatmap's rows, named upright at 10 px or more; instruments are named whole."""
    page = (in_corpus / "reports" / "02_subsidy_levels.html").read_text(encoding="utf-8")
    heatmap = next(s for s in re.findall(r"<svg.*?</svg>", page, flags=re.S) if "Heatmap of subsidy" in s)
    # matplotlib writes the figure in points (width="…pt", one user unit a point), at most the page's width,
    # so a label of 8 units is 10.7 px on the page.
    width = re.search(r'width="([\d.]+)pt"', heatmap)
    assert width and float(width[1]) <= 864
    pattern = r'<text style="font-size: ([\d.]+)px[^"]*"[^>]*transform="([^"]*)">([^<]*)</text>'
    texts = {}
    for size, transform, text in re.findall(pattern, heatmap):
        angle = re.search(r"rotate\((-?[\d.]+)", transform)
        texts[html.unescape(text)] = (float(size), float(angle[1]) if angle else 0.0)
    for district in params.districts():
        name = district.replace("_", " ").title()
        assert name in texts, name
        size, angle = texts[name]
        assert angle == 0 and size * 4 / 3 >= 10, (name, size, angle)
    comparisons = pd.read_parquet(in_corpus / "data" / "processed" / "comparisons.parquet")
    for instrument in set(comparisons["instrument"].dropna()):
        assert any(t.startswith(instrument_name(instrument)) for t in texts), instrument
    assert not [t for t in texts if t.endswith("…")]
