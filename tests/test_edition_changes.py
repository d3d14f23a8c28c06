"""What changed from one edition to the next: editions made from the seeds with known edits, built with
`policycmp build`, and every clause pair, change and amount asserted.

Zhenhai's 2024 draft (the seed) gets a 2025 final: every section renamed in 2025 words, clauses numbered
(一) afresh in every section (so every clause is renumbered), two clauses removed, one added, one reworded,
amounts changed alone or with rewording, amounts added, one clause moved to another section, and the
investment preamble's 326个 → 328个 (the change the real final of 2024 made there).
"""

from __future__ import annotations

import random
import shutil

import pandas as pd
import pytest
from conftest import RAW

import policycmp
from policycmp.analysis.changes import text_diff
from policycmp.cli import main
from policycmp.compare.changes import EditionRows, changed_amounts, pair_editions
from policycmp.compare.changes.align import Match
from policycmp.compare.changes.table import reading_order
from policycmp.errors import ParameterError
from policycmp.evaluation import editions as ev
from policycmp.ingest.clauses import clause_records
from policycmp.ingest.corpus import read_corpus
from policycmp.model import Corpus
from policycmp.schema import QuantityRow
from policycmp.vocabulary import load_edition_rules, load_layout

DRAFT = "zhenhai-2024-policy"
FINAL = "zhenhai-2025-policy"
ADDED = "支持概念验证中心建设。对新认定的市级概念验证中心,给予最高100万元奖励。"


def zhenhai_2025() -> tuple[ev.Edition, ev.Edition]:
    """The seed as an edition, and its 2025 final with the edits of this module's docstring."""
    corpus = read_corpus(RAW / "sources.yaml")
    base = ev.read_edition(corpus.texts[DRAFT], "镇海区进一步提信心扩需求增动能助推经济高质量发展若干政策")
    new = ev.substitute(base, 0, "326个", "328个")  # p1
    new = ev.substitute(new, 2, "3亿元左右", "4亿元左右")  # c2: an amount alone
    new = ev.substitute(new, 6, "加快五大领域补短板。支持", "加快补齐五大领域短板。重点支持")  # c6: reworded
    new = ev.substitute(new, 6, ",全力争取国家支持", "")
    new = ev.substitute(new, 11, "贯彻落实", "全面落实")  # c10: reworded, and its amount lowered
    new = ev.substitute(new, 11, "最高150万元", "最高100万元")
    new = ev.substitute(new, 16, "分别给予150万元、100万元", "分别给予200万元、100万元")  # c15: the first of three
    # c28: amounts added
    new = ev.substitute(new, 31, "景区建设给予资金支持", "景区分别给予最高50万元、100万元资金支持")
    new = ev.remove(new, 8)  # c7
    new = ev.remove(new, 33)  # c30
    new = ev.move(new, 15, 2, len(new.sections[2].paragraphs))  # c14: innovation → end of manufacturing
    new = ev.insert(new, 1, len(new.sections[1].paragraphs), ADDED)  # a new clause, end of innovation
    domains = ["investment", "innovation", "manufacturing", "services", "transport", "demand_opening", "rural"]
    for index, domain in enumerate([*domains, "livelihood"]):
        new = ev.rename(new, index, ev.HEADINGS_2025[domain])
    return base, new


def registry_entry(doc_id: str, year: int, status: str) -> str:
    return (
        f"  - id: {doc_id}\n    file: {doc_id}.txt\n    kind: policy\n    district: zhenhai\n    district_zh: 镇海区\n"
        f"    city: ningbo\n    province: zhejiang\n    year: {year}\n    status: {status}\n"
        f"    title: 镇海区若干政策\n    issued: {year}-03-01\n"
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, pd.DataFrame]:
    folder = tmp_path_factory.mktemp("editions")
    raw = folder / "raw"
    raw.mkdir()
    shutil.copyfile(RAW / f"{DRAFT}.txt", raw / f"{DRAFT}.txt")
    _, new = zhenhai_2025()
    (raw / f"{FINAL}.txt").write_text(ev.render(new, numbering="paren"), encoding="utf-8")
    entries = registry_entry(DRAFT, 2024, "draft") + registry_entry(FINAL, 2025, "final")
    (raw / "sources.yaml").write_text("documents:\n" + entries, encoding="utf-8")
    assert main(["build", "--raw", str(raw), "--out", str(folder / "out"), "--strict"]) == 0
    names = ("clauses", "clause_changes", "amount_changes", "edition_pairs", "documents")
    return {name: pd.read_parquet(folder / "out" / f"{name}.parquet") for name in names}


def plain(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.astype(object)
    return frame.where(frame.notna(), None)


def same(column: pd.Series, value: str | None) -> pd.Series:
    return column.isna() if value is None else column == value


def change_of(built, from_clause: str | None, to_clause: str | None) -> tuple[str, float | None]:
    rows = plain(built["clause_changes"])
    hit = rows[same(rows.from_clause, from_clause) & same(rows.to_clause, to_clause)]
    assert len(hit) == 1, f"{from_clause} → {to_clause} is not one row"
    return hit["change"].iloc[0], hit["similarity"].iloc[0]


def d(key: str) -> str:
    return f"{DRAFT}:{key}"


def f(key: str) -> str:
    return f"{FINAL}:{key}"


# (older clause, newer clause, change): the new ids restart per section, (一) numbering
PAIRS = [
    (d("p1"), f("p1"), "amounts_changed"),  # 326个 → 328个
    (d("c1"), f("s1c1"), "unchanged"),  # renumbered, nothing else
    (d("c2"), f("s1c2"), "amounts_changed"),
    (d("c6"), f("s1c6"), "reworded"),
    (d("p2"), f("p2"), "unchanged"),  # the preamble under a renamed section
    (d("c8"), f("s2c1"), "unchanged"),  # c7 was removed before it
    (d("c10"), f("s2c3"), "amounts_changed"),  # reworded, and its amount lowered
    (d("c14"), f("s3c10"), "unchanged"),  # moved from innovation to manufacturing
    (d("c15"), f("s2c7"), "amounts_changed"),
    (d("c16"), f("s3c1"), "unchanged"),
    (d("c28"), f("s4c4"), "amounts_changed"),  # amounts added to the clause
    (d("c31"), f("s4c6"), "unchanged"),  # the first of the two clauses printed 31
    (d("c31b"), f("s4c7"), "unchanged"),
    (d("c58"), f("s8c8"), "unchanged"),
    (d("closing"), f("closing"), "unchanged"),
    (d("c7"), None, "removed"),
    (d("c30"), None, "removed"),
    (None, f("s2c8"), "added"),
]


@pytest.mark.parametrize("older, newer, change", PAIRS)
def test_each_clause_pairs_with_its_counterpart(built, older, newer, change):
    found, similarity = change_of(built, older, newer)
    assert found == change
    if change == "unchanged":
        assert similarity == 1.0
    elif change in ("added", "removed"):
        assert similarity is None
    else:
        assert 0.5 <= similarity <= 1.0


@pytest.mark.parametrize(
    "older, newer",
    [
        (d("c7"), f("s2c8")),  # the removed clause and the added one are both about innovation: not a pair
        (d("c30"), f("s2c8")),
        (d("c14"), f("s2c6")),  # the moved clause does not pair with what took its place
        (d("c31"), f("s4c7")),  # the two clauses printed 31 do not swap
    ],
)
def test_clauses_that_must_not_pair(built, older, newer):
    rows = plain(built["clause_changes"])
    assert rows[same(rows.from_clause, older) & same(rows.to_clause, newer)].empty


def test_every_clause_of_either_edition_is_in_exactly_one_row(built):
    rows = plain(built["clause_changes"])
    clauses = built["clauses"]
    for doc_id, column in ((DRAFT, "from_clause"), (FINAL, "to_clause")):
        ids = clauses[clauses.doc_id == doc_id]["clause_id"].tolist()
        assert sorted(rows[column].dropna().tolist()) == sorted(ids)
    assert rows["row_no"].tolist() == list(range(1, len(rows) + 1))


def test_the_pair_summary_counts_each_kind_of_change(built):
    pair = plain(built["edition_pairs"]).iloc[0].to_dict()
    assert pair == {
        "district": "zhenhai",
        "from_doc": DRAFT,
        "to_doc": FINAL,
        "from_year": 2024,
        "from_status": "draft",
        "to_year": 2025,
        "to_status": "final",
        "in_common": True,
        "unchanged": 67 - 2 - 6,  # of the draft's 67 rows, 2 removed and 6 edited
        "reworded": 1,
        "amounts_changed": 5,
        "added": 1,
        "removed": 2,
        "amounts_up": 3,
        "amounts_down": 1,
        "amounts_added": 2,
        "amounts_removed": 0,
    }


AMOUNTS = [
    # from, to, before, after, unit, before_span, after_span, direction
    (d("p1"), f("p1"), 326.0, 328.0, "count", "326个", "328个", "up"),
    (d("c2"), f("s1c2"), 300_000_000.0, 400_000_000.0, "CNY", "3亿元左右", "4亿元左右", "up"),
    (d("c10"), f("s2c3"), 1_500_000.0, 1_000_000.0, "CNY", "最高150万元", "最高100万元", "down"),
    (d("c15"), f("s2c7"), 1_500_000.0, 2_000_000.0, "CNY", "150万元", "200万元", "up"),
    (d("c28"), f("s4c4"), None, 500_000.0, "CNY", None, "最高50万元", "added"),
    (d("c28"), f("s4c4"), None, 1_000_000.0, "CNY", None, "100万元", "added"),
]


def test_each_amount_that_changed_lines_up_with_its_counterpart(built):
    columns = ["from_clause", "to_clause", "before", "after", "unit", "before_span", "after_span", "direction"]
    rows = plain(built["amount_changes"][columns])
    assert [tuple(r) for r in rows.itertuples(index=False)] == AMOUNTS


def test_the_moved_clause_says_where_it_was_and_where_it_is(built):
    rows = plain(built["clause_changes"]).set_index("from_clause")
    assert (rows.at[d("c14"), "from_domain"], rows.at[d("c14"), "to_domain"]) == ("innovation", "manufacturing")


def test_the_newer_edition_is_the_default(built):
    editions = built["documents"].set_index("doc_id")
    assert editions["is_default"].to_dict() == {DRAFT: False, FINAL: True}


def test_removed_rows_read_after_what_preceded_them(built):
    rows = plain(built["clause_changes"]).reset_index(drop=True)
    at = {c: i for i, c in enumerate(rows["from_clause"]) if c}
    assert rows.at[at[d("c7")] - 1, "to_clause"] == f("p2")  # c7 came right after the innovation preamble
    assert rows.at[at[d("c30")] - 1, "from_clause"] == d("c29")


# --- the pairing as a pure function ------------------------------------------------------------------


def rows_of(texts: dict[str, str]) -> dict[str, EditionRows]:
    corpus = read_corpus(RAW / "sources.yaml")
    zhenhai = next(doc for doc in corpus.documents if doc.id == DRAFT)
    docs = [zhenhai.__class__(**{**zhenhai.__dict__, "id": doc_id}) for doc_id in texts]
    rows, _ = clause_records(Corpus(docs, texts))
    return {doc.id: EditionRows(doc, [r for r in rows if r.doc_id == doc.id], {}) for doc in docs}


@pytest.mark.parametrize("seed", range(6))
def test_random_edits_leave_every_row_in_exactly_one_row(seed):
    """Whatever the edits, every row of both editions is in exactly one change row, and a pair joins rows
    the edits say belong together (no quantities: pairing reads text)."""
    base, _ = zhenhai_2025()
    rng = random.Random(seed)
    rates = ev.Rates(removed=0.2, reworded=0.3, amounts=0.2, moved=0.1, added=0.2, rename=bool(seed % 2))
    pool = [ADDED, "支持农业机械化。对购置农机给予补贴。"]
    domains = ["investment", "innovation", "manufacturing", "services", "transport", "demand_opening", "rural"]
    new = ev.random_edition(base, rng, rates, pool, [*domains, "livelihood"])
    editions = rows_of({"old": ev.render(base), "new": ev.render(new, numbering="paren" if seed % 2 else "dun")})
    result = pair_editions(editions["old"], editions["new"], load_edition_rules(), load_layout())
    old_ids = [r.clause_id for r in editions["old"].rows]
    new_ids = [r.clause_id for r in editions["new"].rows]
    assert sorted(c.from_clause for c in result.clauses if c.from_clause) == sorted(old_ids)
    assert sorted(c.to_clause for c in result.clauses if c.to_clause) == sorted(new_ids)
    expected = {(old_ids[i], new_ids[j]) for i, j in ev.expected_pairs(base, new) if i is not None and j is not None}
    found = {(c.from_clause, c.to_clause) for c in result.clauses if c.from_clause and c.to_clause}
    assert found <= expected


def test_reading_order_puts_a_removed_row_after_its_predecessor_s_partner():
    # older rows 0 1 2 3; 1 removed; 0→1, 2→0 (moved up), 3→2; newer row 3 added
    matches = [Match(0, 1, 1.0), Match(2, 0, 1.0), Match(3, 2, 1.0)]
    keys = [(0, 1), (2, 0), (3, 2), (1, None), (None, 3)]
    assert reading_order(keys, matches) == [(2, 0), (0, 1), (1, None), (3, 2), (None, 3)]


# --- amounts of a pair ---------------------------------------------------------------------------


def q(text: str, span: str, value: float, unit: str = "CNY", nth: int = 0) -> QuantityRow:
    start = -1
    for _ in range(nth + 1):
        start = text.index(span, start + 1)
    return QuantityRow("x:c1", "x", "x", None, 2024, span, start, start + len(span), value, None, unit, "subsidy",
                       "exact", None)  # fmt: skip


OLD = "对国家级孵化器给予150万元奖励,对省级孵化器给予100万元奖励。"


@pytest.mark.parametrize(
    "new, new_values, expected",
    [
        # the same amounts, other words: nothing changed
        ("对新认定的国家级孵化器给予150万元奖励,省级给予100万元奖励。", [("150万元", 1.5e6), ("100万元", 1e6)], []),
        # the second amount raised inside reworded text
        ("对国家级孵化器奖励150万元,对省级孵化器奖励120万元。", [("150万元", 1.5e6), ("120万元", 1.2e6)],
         [("100万元", "120万元", "up")]),
        # the first sentence dropped: its amount removed, the other one unchanged
        ("对省级孵化器给予100万元奖励。", [("100万元", 1e6)], [("150万元", None, "removed")]),
        # a sentence with an amount added at the end
        (OLD + "对市级孵化器给予60万元奖励。", [("150万元", 1.5e6), ("100万元", 1e6), ("60万元", 6e5)],
         [(None, "60万元", "added")]),
        # the two sentences swapped and one amount raised: the amount that only moved did not change
        ("对省级孵化器给予100万元奖励,对国家级孵化器给予200万元奖励。", [("100万元", 1e6), ("200万元", 2e6)],
         [("150万元", "200万元", "up")]),
        # a figure that was removed is not the figure of another unit added elsewhere
        ("对国家级孵化器给予150万元奖励。新增孵化面积1万平方米。", [("150万元", 1.5e6), ("1万平方米", 1e4, "m2")],
         [("100万元", None, "removed"), (None, "1万平方米", "added")]),
    ],
)  # fmt: skip
def test_amounts_line_up_by_their_place_in_the_text(new, new_values, expected):
    old_quantities = [q(OLD, "150万元", 1.5e6), q(OLD, "100万元", 1e6)]
    new_quantities = [q(new, *value) for value in new_values]
    pairs = changed_amounts(OLD, old_quantities, new, new_quantities, figures_only=False)
    got = [(p.before.span if p.before else None, p.after.span if p.after else None, p.direction) for p in pairs]
    assert got == expected


def test_an_amount_does_not_pair_with_a_figure_of_another_unit():
    new = "对国家级孵化器给予15%奖励,对省级孵化器给予100万元奖励。"
    pairs = changed_amounts(OLD, [q(OLD, "150万元", 1.5e6), q(OLD, "100万元", 1e6)], new,
                            [q(new, "15%", 15, "%"), q(new, "100万元", 1e6)], figures_only=False)  # fmt: skip
    assert [(p.direction, (p.before or p.after).unit) for p in pairs] == [("removed", "CNY"), ("added", "%")]


def test_texts_that_differ_only_in_figures_pair_their_amounts_in_order():
    new = "对国家级孵化器给予180万元奖励,对省级孵化器给予100万元奖励。"
    pairs = changed_amounts(OLD, [q(OLD, "150万元", 1.5e6), q(OLD, "100万元", 1e6)], new,
                            [q(new, "180万元", 1.8e6), q(new, "100万元", 1e6)], figures_only=True)  # fmt: skip
    assert [(p.before.value, p.after.value) for p in pairs] == [(1.5e6, 1.8e6)]  # type: ignore[union-attr]


def test_editions_without_a_clause_in_common_are_not_force_aligned(tmp_path, capsys):
    """Two editions whose clauses have nothing in common (an investment clause, an innovation one): every
    row is removed or added, the pair says so, and the build warns."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(
        "镇海区若干政策\n一、扩大有效投资政策\n1、加大财政支持力度。区财政安排资金1亿元支持重大项目建设。\n",
        encoding="utf-8",
    )
    (raw / "b.txt").write_text(
        "镇海区若干政策\n一、推进教育科技人才一体发展\n(一)强化企业科技创新主体地位。对新认定的科技领军企业给予奖励。\n",
        encoding="utf-8",
    )
    entries = registry_entry("a", 2024, "final") + registry_entry("b", 2025, "final")
    (raw / "sources.yaml").write_text("documents:\n" + entries, encoding="utf-8")
    assert main(["build", "--raw", str(raw), "--out", str(tmp_path / "out")]) == 0
    assert "editions a → b: no clause in common" in capsys.readouterr().err
    rows = plain(pd.read_parquet(tmp_path / "out" / "clause_changes.parquet"))
    assert rows[["from_clause", "to_clause", "change"]].values.tolist() == [
        ["a:c1", None, "removed"],
        [None, "b:c1", "added"],
    ]
    assert not pd.read_parquet(tmp_path / "out" / "edition_pairs.parquet")["in_common"].iloc[0]


# --- in Jupyter ----------------------------------------------------------------------------------


def test_changes_lists_every_row_with_the_differences_marked(built):
    rows = policycmp.changes("zhenhai", tables=built)
    assert len(rows) == len(built["clause_changes"])
    c2 = rows[rows.from_clause == d("c2")].iloc[0]
    assert (c2["to_clause"], c2["change"], c2["amounts"]) == (f("s1c2"), "amounts_changed", "3亿元左右 → 4亿元左右")
    assert "争取中央预算内投资[-3-]亿元左右" in c2["before"] and "争取中央预算内投资{+4+}亿元左右" in c2["after"]
    assert c2["before"].startswith("[-2、-]") and c2["after"].startswith("{+(二)+}")  # the new number
    c28 = rows[rows.from_clause == d("c28")].iloc[0]
    assert c28["amounts"] == "— → 最高50万元; — → 100万元"
    removed = rows[rows.from_clause == d("c7")].iloc[0]
    assert pd.isna(removed["after"]) and removed["before"].startswith("7、持续推进甬江科创")
    changed = policycmp.changes("zhenhai", tables=built, changed_only=True)
    assert changed["change"].value_counts().to_dict() == {"amounts_changed": 5, "removed": 2, "reworded": 1, "added": 1}
    # a district the tables do not have is an error naming those they have, never an empty frame
    with pytest.raises(ParameterError, match=r"^district: unknown district 'linping' \(valid: zhenhai\)$"):
        policycmp.changes("linping", tables=built)


def test_text_diff_gives_the_segments_a_page_renders():
    segments = text_diff("给予最高150万元补助。", "给予最高100万元奖励。")
    assert [(s.op, s.before, s.after) for s in segments] == [
        ("equal", "给予最高1", "给予最高1"),
        ("replace", "5", "0"),
        ("equal", "0万元", "0万元"),
        ("replace", "补助", "奖励"),
        ("equal", "。", "。"),
    ]
    assert "".join(s.before for s in segments) == "给予最高150万元补助。"
    assert "".join(s.after for s in segments) == "给予最高100万元奖励。"


def test_side_by_side_marks_and_escapes_every_text():
    tables = {
        "clauses": pd.DataFrame(
            {"clause_id": ["a:c1", "b:c1"], "text": ["1、奖励<script>50万元。", "(一)奖励<script>80万元。"]}
        ),
        "clause_changes": pd.DataFrame(
            {"from_clause": ["a:c1"], "to_clause": ["b:c1"], "change": ["amounts_changed"], "similarity": [0.8]}
        ),
        "amount_changes": pd.DataFrame(
            {"from_clause": ["a:c1"], "to_clause": ["b:c1"], "before_span": ["50万元"], "after_span": ["80万元"]}
        ),
    }
    shown = policycmp.side_by_side("b:c1", tables=tables)  # a clause of the latest edition: with the one before
    page = shown._repr_html_()
    assert "<script" not in page and page.count("&lt;script&gt;") == 2
    assert "<del>" in page and "<ins>" in page and "amounts: 50万元 → 80万元" in page
    assert str(shown).splitlines()[0] == "a:c1 → b:c1: amounts_changed"
    with pytest.raises(KeyError, match="in no pair of editions"):
        policycmp.side_by_side("c:c9", tables=tables)
