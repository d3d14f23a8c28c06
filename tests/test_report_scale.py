"""The reports at province scale, on a synthetic corpus planned from its data.

The corpus has 21 districts of three cities, none of the seed districts (Zhenhai, Linping, Qujiang),
no outcome report and no city work report; one policy carries a ``<script>`` in a clause, and one district
has two editions (its 2025 final, and a 2024 final made from it with known kinds of edit:
:func:`policycmp.evaluation.synthetic.add_earlier_editions`). It is built and rendered once (a slow
module: about two minutes), then:

- every page the corpus allows is rendered, and the index says which are absent and why;
- the pages use the province layouts, are at most 2 MB, escape document text and trace every yuan
  amount to its clause;
- adding one district re-renders the pages that depend on it and no other, and gives the same
  bytes as rendering everything again;
- the district with two editions is shown in its default edition everywhere, nothing adds its two
  editions up, its profile lists both and its edition page shows what changed.
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

from policycmp.analysis.amounts import format_amount
from policycmp.evaluation.synthetic import add_earlier_editions, write_corpus
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
    # The third district gets an earlier edition (2024) beside its 2025 final.
    add_earlier_editions(raw, [_registry(raw)[2]["district"]], raw_dir=ROOT / "data" / "raw")
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


def _edition_docs(root: Path) -> tuple[str, str, str]:
    """The district with two editions, its older and its newer edition."""
    documents = pd.read_parquet(root / "data" / "processed" / "documents.parquet")
    two = documents[(documents["kind"] == "policy") & (documents["editions"] == 2)].sort_values("edition")
    assert two["district"].nunique() == 1
    return str(two["district"].iloc[0]), str(two["doc_id"].iloc[0]), str(two["doc_id"].iloc[1])


def _row_of(page: str, district: str) -> dict[str, str]:
    """The cells (by column name) of the one table row that links to ``district``'s profile."""
    found = []
    for table in re.findall(r"<table.*?</table>", page, flags=re.S):
        names = [html.unescape(re.sub(r"<[^>]+>", "", h)).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", table)]
        for row in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S):
            if f'href="07_district_profile-{district}.html"' in row:
                cells = [
                    html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row)
                ]
                found.append(dict(zip(names, cells)))
    assert len(found) == 1, district
    return found[0]


def test_a_district_with_two_editions_is_shown_in_one_and_never_added_up(in_corpus):
    district, older, newer = _edition_docs(in_corpus)
    processed, reports = in_corpus / "data" / "processed", in_corpus / "reports"
    documents = pd.read_parquet(processed / "documents.parquet").set_index("doc_id")
    assert (documents.loc[older, "year"], documents.loc[newer, "year"]) == (2024, 2025)
    assert not documents.loc[older, "is_default"] and documents.loc[newer, "is_default"]
    # The pages that set districts side by side cite no clause of the edition they do not show.
    for page in sorted(reports.glob("*.html")):
        if not page.name.startswith("09_"):
            assert f"{older}:" not in page.read_text(encoding="utf-8"), page.name
    # Budgets: the newer edition's sum of allocations, never both editions' added up.
    summary = pd.read_parquet(processed / "budget_summary.parquet").set_index("doc_id")
    new_sum, old_sum = summary.loc[newer, "allocations_sum"], summary.loc[older, "allocations_sum"]
    assert new_sum > 0 and old_sum > 0
    row = _row_of((reports / "03_budgets.html").read_text(encoding="utf-8"), district)
    assert row["Sum of allocations"] == format_amount(new_sum, "CNY") != format_amount(new_sum + old_sum, "CNY")
    # Clauses: the newer edition's count on its profile, and on the overview's row.
    clauses = pd.read_parquet(processed / "clauses.parquet")
    numbered = clauses[clauses["row_kind"] == "clause"].groupby("doc_id").size()
    profile = (reports / f"07_district_profile-{district}.html").read_text(encoding="utf-8")
    assert f"2025 policy (final, edition 2 of 2): {numbered[newer]} clauses in " in html.unescape(profile)
    overview_row = _row_of((reports / "01_corpus_overview.html").read_text(encoding="utf-8"), district)
    assert overview_row["Clauses"] == str(numbered[newer]) != str(numbered[newer] + numbered[older])
    # Ranks: every amount of the district the build ranked in the default selection is the newer edition's.
    ranks = pd.read_parquet(processed / "subsidy_ranks.parquet")
    mine = ranks[(ranks["selection"] == "default") & (ranks["district"] == district)]
    assert len(mine) and set(mine["doc_id"]) == {newer}


def test_the_district_with_two_editions_lists_them_and_has_its_edition_page(in_corpus):
    district, older, newer = _edition_docs(in_corpus)
    processed, reports = in_corpus / "data" / "processed", in_corpus / "reports"
    profile = html.unescape((reports / f"07_district_profile-{district}.html").read_text(encoding="utf-8"))
    assert f"2024 final ({older})" in profile and f"2025 final ({newer}) — shown here" in profile
    assert f'href="09_edition_changes-{district}.html"' in profile
    index = html.unescape((reports / "index.html").read_text(encoding="utf-8"))
    assert "Editions: 2024 final, 2025 final (shown)" in index
    assert {job.name for job in plan_mod.plan().jobs if job.name.startswith("09_")} == {
        f"09_edition_changes-{district}"
    }
    # The edition page opens with the pair's counts and lists every amount that changed, before and after.
    pair = pd.read_parquet(processed / "edition_pairs.parquet").iloc[0]
    page = (reports / f"09_edition_changes-{district}.html").read_text(encoding="utf-8")
    text = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))
    added, removed, reworded = (int(pair[c]) for c in ("added", "removed", "reworded"))
    counts = (
        f"{added} clause{'' if added == 1 else 's'} added, {removed} removed, {reworded} reworded, "
        f"{int(pair['amounts_changed'])} with amounts changed ({int(pair['amounts_up'])} amounts up, "
        f"{int(pair['amounts_down'])} down)"
    )
    assert counts in text
    amounts = pd.read_parquet(processed / "amount_changes.parquet")
    assert len(amounts) and f"Amounts that changed ({len(amounts)})" in text
    for before, after in zip(amounts["before_span"].dropna(), amounts["after_span"].dropna()):
        assert before in text and after in text
    clause_texts = dict(zip(clauses_of(processed)["clause_id"], clauses_of(processed)["text"]))
    assert not untraceable(page, clause_texts)
    assert page.count('<div class="pc-diff">') == int(
        pair["reworded"] + pair["amounts_changed"] + pair["added"] + pair["removed"]
    )


def clauses_of(processed: Path) -> pd.DataFrame:
    return pd.read_parquet(processed / "clauses.parquet")
