"""policycmp.search / policycmp.similar on the real corpus, and similar()'s measured quality."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import policycmp
from policycmp.evaluation.similarity import precision_at, rank_pairs
from policycmp.ingest.clauses import clause_table
from policycmp.ingest.corpus import read_corpus
from policycmp.report import lookup
from policycmp.vocabulary import domain_keys

DOMAINS = domain_keys()

ROOT = Path(__file__).resolve().parents[1]
PAIRS = ROOT / "tests" / "data" / "similar_pairs.csv"


@pytest.fixture(scope="module")
def clause_rows() -> pd.DataFrame:
    table, _ = clause_table(read_corpus(ROOT / "data" / "raw" / "sources.yaml"))
    return table


@pytest.fixture(scope="module")
def pairs() -> pd.DataFrame:
    return pd.read_csv(PAIRS, dtype="string")


# --- search ---------------------------------------------------------------------------------------


def test_search_puts_every_districts_incubator_clauses_side_by_side(clause_rows):
    found = policycmp.search("孵化器", tables={"clauses": clause_rows})
    assert {"district", "year", "domain", "clause_id", "title", "snippet", "text"} <= set(found.columns)
    ids = set(found["clause_id"])
    assert {"zhenhai-2024-policy:c15", "qujiang-2023-policy:c14", "linping-2024-policy:c10"} <= ids
    assert set(found["district"]) == {"zhenhai", "linping", "qujiang"}
    assert found["text"].str.contains("孵化器").all()
    row = found.set_index("clause_id").loc["zhenhai-2024-policy:c15"]
    assert "【孵化器】" in row["snippet"] and row["year"] == 2024 and row["domain"] == "innovation"
    assert row["title"] == "激励科技创新创业"


def test_search_orders_by_domain_then_district_then_seq(clause_rows):
    found = lookup.search("补助", tables=clause_rows)
    order = {d: i for i, d in enumerate(DOMAINS)}
    keys = [(order[r.domain], r.district, r.seq) for r in found.itertuples()]
    assert keys == sorted(keys)
    assert len(found) > 20 and found["domain"].nunique() >= 6


def test_search_accepts_traditional_characters(clause_rows):
    traditional = lookup.search("高標準農田", tables=clause_rows)
    simplified = lookup.search("高标准农田", tables=clause_rows)
    pd.testing.assert_frame_equal(traditional.drop(columns="snippet"), simplified.drop(columns="snippet"))
    farmland = {"zhenhai-2024-policy:c44", "linping-2024-policy:c41", "qujiang-2023-policy:c43"}
    assert farmland <= set(traditional["clause_id"])


def test_search_accepts_a_regex(clause_rows):
    found = lookup.search(r"\d+万元/台", tables=clause_rows)
    assert list(found["clause_id"]) == ["zhenhai-2024-policy:c56"]  # 按20万元/台的标准给予补助
    assert "【20万元/台】" in found["snippet"].iloc[0]
    either = lookup.search("出口信用保险|出口信用保险保费", tables=clause_rows)
    assert set(either["district"]) == {"zhenhai", "linping", "qujiang"}


def test_search_treats_a_broken_regex_as_plain_text(clause_rows):
    found = lookup.search("(责任单位", tables=clause_rows)
    assert set(found["district"]) == {"qujiang"} and len(found) >= 50


def test_search_without_a_match_is_empty_with_the_columns(clause_rows):
    found = lookup.search("量子引力补贴", tables=clause_rows)
    assert found.empty and list(found.columns) == list(lookup.SEARCH_COLUMNS)
    assert str(found["clause_id"].dtype) == "string"


def test_search_rejects_an_empty_query(clause_rows):
    with pytest.raises(ValueError, match="non-empty query"):
        lookup.search("  ", tables=clause_rows)


def test_search_loads_the_clause_table_by_default(clause_rows, monkeypatch):
    monkeypatch.setattr(policycmp, "load_clauses", lambda: clause_rows)
    assert "zhenhai-2024-policy:c56" in set(policycmp.search("加装电梯")["clause_id"])


# --- similar --------------------------------------------------------------------------------------


def test_similar_finds_the_other_districts_incubator_awards(clause_rows):
    found = policycmp.similar("zhenhai-2024-policy:c15", tables=clause_rows)
    assert list(found.columns) == list(lookup.SIMILAR_COLUMNS)
    assert len(found) == 5 and "zhenhai" not in set(found["district"])
    assert {"qujiang-2023-policy:c14", "linping-2024-policy:c10"} <= set(found["clause_id"])
    assert found["score"].is_monotonic_decreasing and (found["score"] > 0).all()
    assert list(found["rank"]) == [1, 2, 3, 4, 5]


def test_similar_matches_different_wording(clause_rows):
    # Zhenhai 加装电梯 按20万元/台 vs Linping 加装电梯100台: no common title words.
    found = lookup.similar("zhenhai-2024-policy:c56", 1, tables=clause_rows, districts="linping")
    assert found["clause_id"].tolist() == ["linping-2024-policy:c52"]


def test_similar_is_deterministic(clause_rows):
    first = lookup.similar("qujiang-2023-policy:c37", 8, tables=clause_rows)
    lookup._INDEX_CACHE.clear()
    again = lookup.similar("qujiang-2023-policy:c37", 8, tables=clause_rows.sample(frac=1, random_state=3))
    pd.testing.assert_frame_equal(first, again)


def test_similar_unknown_clause_id_says_how_to_find_ids(clause_rows):
    with pytest.raises(KeyError) as caught:
        lookup.similar("zhenhai-2024-policy:c99", tables=clause_rows)
    message = str(caught.value)
    assert "\n" not in message and "c99" in message and "load_clauses" in message
    with pytest.raises(ValueError):
        lookup.similar("nonsense", tables=clause_rows)


@pytest.mark.parametrize("k", [0, -1, 2.5, True])
def test_similar_rejects_a_bad_k(clause_rows, k):
    with pytest.raises(ValueError, match="k must be"):
        lookup.similar("zhenhai-2024-policy:c15", k, tables=clause_rows)


def test_comparable_text_drops_number_units_and_figures():
    text = "14.支持双创载体建设。对新认定的国家级孵化器给予300万元的补助。(责任单位:区科技局、区国资服务中心)"
    cleaned = lookup.comparable_text(text)
    assert cleaned.startswith("支持双创载体建设") and "区科技局" not in cleaned and "300" not in cleaned


# --- measured quality -----------------------------------------------------------------------------


def test_labelled_pairs_are_valid(pairs, clause_rows):
    assert len(pairs) >= 30
    known = dict(zip(clause_rows["clause_id"], clause_rows["district"]))
    assert set(pairs["clause_id"]) <= set(known) and set(pairs["match_clause_id"]) <= set(known)
    assert all(known[a] != known[b] for a, b in zip(pairs["clause_id"], pairs["match_clause_id"]))
    assert not pairs.duplicated(["clause_id", "match_clause_id"]).any()
    assert pairs["note"].str.len().min() > 10


def test_similar_precision_on_labelled_pairs(pairs, clause_rows):
    ranks = rank_pairs(pairs, tables=clause_rows)
    # Floors at the figures reported in docs/outcomes_and_lookup.md (63/67 at 1, 67/67 at 5).
    assert precision_at(ranks, 1) >= 0.94
    assert precision_at(ranks, 5) >= 1.0
    assert ranks.set_index("clause_id").loc["zhenhai-2024-policy:c15", "rank"].tolist() == [1, 1]


# --- closest_pairs (the domain pages' most alike pairs) ---------------------------------------------


@pytest.mark.parametrize(
    ("domain", "expected"),
    [
        (
            "innovation",
            [
                ("qujiang-2023-policy:c14", "zhenhai-2024-policy:c15", 0.385666),
                ("linping-2024-policy:c10", "zhenhai-2024-policy:c15", 0.345484),
                ("linping-2024-policy:c8", "qujiang-2023-policy:c11", 0.333738),
            ],
        ),
        # only Linping has an element-guarantee list: its clauses pair with any row of the others
        (
            "factors",
            [
                ("linping-2024-policy:c61", "zhenhai-2024-policy:c4", 0.501393),
                ("linping-2024-policy:c59", "zhenhai-2024-policy:c43", 0.484804),
                ("linping-2024-policy:c59", "qujiang-2023-policy:c42", 0.264905),
            ],
        ),
        ("no_such_domain", []),
    ],
)
def test_closest_pairs_of_the_seed_policies(clause_rows, domain, expected):
    assert lookup.closest_pairs(clause_rows, domain, 3) == expected
    assert lookup.closest_pairs(clause_rows, domain, 1) == expected[:1]


@pytest.mark.parametrize("domain", ["innovation", "livelihood", "factors"])
def test_closest_pairs_score_as_similar_does(clause_rows, domain):
    pairs = lookup.closest_pairs(clause_rows, domain, 10)
    assert len(pairs) == 10 and [p[2] for p in pairs] == sorted((p[2] for p in pairs), reverse=True)
    for a, b, score in pairs:
        assert a.split("-")[0] != b.split("-")[0]  # from different districts
        found = lookup.similar(a, 200, tables=clause_rows, districts=b.split("-")[0]).set_index("clause_id")
        assert found.loc[b, "score"] == score


def _alike(ids: list[str]) -> pd.DataFrame:
    """Clauses that read the same, one per id (its district the id's prefix), all in one domain."""
    return pd.DataFrame(
        {
            "clause_id": ids,
            "district": [i.split(":")[0] for i in ids],
            "domain": "innovation",
            "row_kind": "clause",
            "text": "对新认定的高新技术企业给予奖励。",
        }
    )


@pytest.mark.parametrize(
    ("ids", "n", "expected"),
    [
        # every pair ties: ordered by the ids as text (c10 before c9), each unordered pair once
        (
            ["b:c9", "a:c10", "c:c1", "a:c9"],
            4,
            [("a:c10", "b:c9"), ("a:c10", "c:c1"), ("a:c9", "b:c9"), ("a:c9", "c:c1")],
        ),
        (["b:c9", "a:c10", "c:c1", "a:c9"], 99, [("a:c10", "b:c9"), ("a:c10", "c:c1"), ("a:c9", "b:c9"),
                                                  ("a:c9", "c:c1"), ("b:c9", "c:c1")]),
        (["a:c2", "a:c1"], 5, []),  # one district: no pair
    ],
)  # fmt: skip
def test_closest_pairs_that_tie_are_ordered_by_their_ids(ids, n, expected):
    pairs = lookup.closest_pairs(_alike(ids), "innovation", n)
    assert [(a, b) for a, b, _ in pairs] == expected
    assert {score for _, _, score in pairs} <= {round(1.0 + lookup._settings().domain_boost, 6)}
