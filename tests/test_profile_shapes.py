"""The district profile's shapes, computed once per table file for every district at once, against each
district's own rows read straight from the published tables.

Two projects: the seed policies (Zhenhai 2024, Linping, Qujiang 2023: real values), and
:func:`policycmp.evaluation.synthetic.write_report_corpus` at 90 districts (the report benchmark's corpus),
where Zhenhai has two editions (its 2025 final, a 2024 final made from it with edits), so each edition's
shape is checked against its own rows and not the other's.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT

from policycmp import analysis
from policycmp.analysis.subsidies import with_caps
from policycmp.evaluation.synthetic import write_report_corpus
from policycmp.publish.build import build, is_stale
from policycmp.report.views.budgets import district_budget
from policycmp.report.views.data import records
from policycmp.vocabulary import domain_keys


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("profiles")
    raw = root / "data" / "raw"
    write_report_corpus(raw, 90, raw_dir=ROOT / "data" / "raw")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("POLICYCMP_ROOT", str(root))
        build(raw, root / "data" / "processed", echo=lambda *a, **k: None)
    return root


@pytest.fixture()
def in_project(project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("POLICYCMP_ROOT", str(project))
    return project / "data" / "processed"


@pytest.fixture()
def seeds() -> Path:
    """The session's project of the seed policies, built."""
    if is_stale():
        build(echo=lambda *a, **k: None)
    return Path(os.environ["POLICYCMP_ROOT"]) / "data" / "processed"


def _parquet(processed: Path, name: str, doc_id: str) -> pd.DataFrame:
    frame = pd.read_parquet(processed / f"{name}.parquet")
    return frame[frame["doc_id"] == doc_id]


# (district, year): Zhenhai's two editions and Qujiang's one.
EDITIONS = [("zhenhai", None), ("zhenhai", 2024), ("qujiang", None)]


def test_zhenhai_has_two_editions_and_the_profile_shows_the_one_asked_for(in_project):
    assert analysis.edition_of("zhenhai")["year"] == 2025
    assert analysis.edition_of("zhenhai", 2024)["year"] == 2024
    assert analysis.edition_of("zhenhai", 2024)["doc_id"] == "zhenhai-2024-policy"


@pytest.mark.parametrize("district, year", EDITIONS)
def test_domain_counts_are_the_editions_own_rows(in_project, district, year):
    doc = analysis.edition_of(district, year)["doc_id"]
    clauses = _parquet(in_project, "clauses", doc)
    quantities = _parquet(in_project, "quantities", doc)
    tools = _parquet(in_project, "clause_tools", doc)
    domains = analysis.profile_domains(district, year).set_index("domain")
    assert set(clauses["domain"].dropna()) <= set(domains.index)
    for domain, row in domains.iterrows():
        section = clauses[clauses["domain"] == domain]
        assert row["clauses"] == (section["row_kind"] == "clause").sum()
        assert row["heading"] == (section["section_name"].iloc[0] if len(section) else None)
        assert row["quantities"] == (quantities["domain"] == domain).sum()
        assert row["subsidy_amounts"] == ((quantities["domain"] == domain) & (quantities["kind"] == "subsidy")).sum()
        for kind in ("supply", "environment", "demand"):
            assert row[kind] == ((tools["domain"] == domain) & (tools["tool_type"] == kind)).sum()


def test_zhenhais_two_editions_have_their_own_domain_counts(in_project):
    newer = analysis.profile_domains("zhenhai").set_index("domain")["clauses"]
    older = analysis.profile_domains("zhenhai", 2024).set_index("domain")["clauses"]
    clauses = pd.read_parquet(in_project / "clauses.parquet")
    numbered = clauses[clauses["row_kind"] == "clause"].groupby("doc_id").size()
    assert newer.sum() == numbered["zhenhai-2025-policy"]
    assert older.sum() == numbered[analysis.edition_of("zhenhai", 2024)["doc_id"]]
    assert not newer.equals(older)  # the 2024 edition was made with edits: its counts are not the 2025 ones


@pytest.mark.parametrize("district, year", EDITIONS)
def test_subsidy_rows_are_the_editions_comparisons_with_their_caps(in_project, district, year):
    edition = analysis.edition_of(district, year)
    own = with_caps(analysis.table("comparisons", editions=edition.to_frame().T))
    own = own[own["instrument"].notna()].reset_index(drop=True)
    shown = analysis.profile_subsidies(district, year)
    pd.testing.assert_frame_equal(_in_table_order(shown[list(own.columns)]), _in_table_order(own))
    assert set(shown["doc_id"]) == {edition["doc_id"]}


def test_qujiangs_incubator_award_is_its_largest_and_ranked(seeds):
    subsidies = analysis.profile_subsidies("qujiang")
    award = subsidies[subsidies["instrument"].eq("incubator_award") & subsidies["level"].eq("national")]
    assert award[["value", "clause_id", "largest"]].values.tolist() == [[3_000_000.0, "qujiang-2023-policy:c14", True]]
    assert not analysis.profile_subsidies("zhenhai")["clause_id"].str.startswith("qujiang").any()


@pytest.mark.parametrize("district", ["zhenhai", "qujiang"])
def test_the_seed_policies_shapes_are_their_own_rows(seeds, district):
    doc = analysis.edition_of(district)["doc_id"]
    clauses, tools = _parquet(seeds, "clauses", doc), _parquet(seeds, "clause_tools", doc)
    domains = analysis.profile_domains(district).set_index("domain")
    numbered = clauses[clauses["row_kind"] == "clause"].groupby("domain").size()
    assert domains["clauses"][domains["clauses"] > 0].to_dict() == numbered.to_dict()
    assert analysis.profile_tools(district)[1]["mentions"].sum() == len(tools)
    edition = analysis.edition_of(district).to_frame().T
    own = with_caps(analysis.table("comparisons", editions=edition))
    own = own[own["instrument"].notna()].reset_index(drop=True)
    shown = analysis.profile_subsidies(district)[list(own.columns)]
    pd.testing.assert_frame_equal(_in_table_order(shown), _in_table_order(own))


def _in_table_order(rows: pd.DataFrame) -> pd.DataFrame:
    """The same rows in one order whatever order they came in (the profile shows them in reading order)."""
    keys = ["instrument", "level", "variant", "clause_id", "span_start", "value", "bound", "role", "stated"]
    return rows.sort_values(keys, kind="stable", na_position="last").reset_index(drop=True)


def _groups(subsidies: pd.DataFrame) -> list[str]:
    return [
        "amount" if stated and not pd.isna(value) else "no amount" if stated else "absent"
        for stated, value in zip(subsidies["stated"], subsidies["value"])
    ]


@pytest.mark.parametrize(
    "district, first, amounts, without, absent",
    [
        # Linping states one award amount, its export credit insurance premium share (≥ 80%): it comes first,
        # not among the 64 rows of instruments it states without an amount or not at all.
        ("linping", ("export_credit_insurance_premium", 80.0), 1, 31, 34),  # first and renewed high-tech
        ("qujiang", ("incubator_award", 3_000_000.0), 23, 4, 38),  # its 300万元 national incubator award
        ("zhenhai", ("incubator_award", 1_500_000.0), 41, 13, 18),  # 150万元, national
    ],
)
def test_a_profile_lists_the_amounts_stated_first_and_the_absent_instruments_last(
    seeds, district, first, amounts, without, absent
):
    subsidies = analysis.profile_subsidies(district)
    groups = _groups(subsidies)
    assert groups == ["amount"] * amounts + ["no amount"] * without + ["absent"] * absent
    assert (subsidies["instrument"].iloc[0], float(subsidies["value"].iloc[0])) == first
    # within a group, instruments by domain in the domains' order, as the subsidy levels page groups them
    domains = list(domain_keys())
    for group in ("amount", "no amount", "absent"):
        shown = [domains.index(d) for d, g in zip(subsidies["domain"], groups) if g == group]
        assert shown == sorted(shown)


def test_qujiangs_domains_count_its_clauses(seeds):
    clauses = analysis.profile_domains("qujiang").set_index("domain")["clauses"]
    assert (clauses["innovation"], clauses["rural"], clauses["factors"]) == (9, 11, 0)  # no element lists


@pytest.mark.parametrize("district, year", EDITIONS)
def test_sub_tools_are_the_editions_own_tool_rows(in_project, district, year):
    doc = analysis.edition_of(district, year)["doc_id"]
    tools = _parquet(in_project, "clause_tools", doc)
    _, sub_tools = analysis.profile_tools(district, year)
    assert sub_tools["mentions"].sum() == len(tools)
    for row in sub_tools.itertuples():
        mine = tools[(tools["tool_type"] == row.tool_type) & (tools["sub_tool"] == row.sub_tool)]
        assert (row.mentions, row.clauses) == (len(mine), mine["clause_id"].nunique())
        assert row.clause_id == min(mine["clause_id"])


@pytest.mark.parametrize("district, year", EDITIONS)
def test_a_profiles_budget_is_its_editions_summary(in_project, district, year):
    doc = analysis.edition_of(district, year)["doc_id"]
    summary = _parquet(in_project, "budget_summary", doc).iloc[0]
    info = district_budget(district, year)
    assert info.stated == (None if pd.isna(summary["total"]) else summary["total"])
    assert info.count == summary["n_allocations"]


def test_zhenhais_budget_is_its_stated_total(seeds):
    assert district_budget("zhenhai").stated == pytest.approx(37.27e8)  # 37.27亿元, as the policy states


def test_a_rewritten_table_gives_new_shapes(in_project, tmp_path):
    doc = analysis.edition_of("qujiang")["doc_id"]
    before = analysis.profile_domains("qujiang").set_index("domain")["clauses"]
    path = in_project / "clauses.parquet"
    kept = tmp_path / "clauses.parquet"
    kept.write_bytes(path.read_bytes())
    clauses = pd.read_parquet(path)
    first = clauses.index[(clauses["doc_id"] == doc) & (clauses["row_kind"] == "clause")][0]
    domain = clauses.loc[first, "domain"]
    try:
        clauses.drop(index=first).to_parquet(path)
        after = analysis.profile_domains("qujiang").set_index("domain")["clauses"]
        assert after[domain] == before[domain] - 1
    finally:
        os.replace(kept, path)
    assert analysis.profile_domains("qujiang").set_index("domain")["clauses"].equals(before)


def test_an_edition_without_targets_has_none_with_the_columns_of_one_that_has(in_project, tmp_path):
    doc = analysis.edition_of("qujiang")["doc_id"]
    path = in_project / "targets.parquet"
    kept = tmp_path / "targets.parquet"
    kept.write_bytes(path.read_bytes())
    targets = pd.read_parquet(path)
    assert (targets["doc_id"] == doc).sum() > 0
    try:
        targets[targets["doc_id"] != doc].to_parquet(path)
        none = analysis.profile_targets("qujiang")
        some = analysis.profile_targets("zhenhai")
        assert none.empty and len(some) > 0
        assert list(none.columns) == list(some.columns)
        assert none.index.equals(pd.RangeIndex(0))
    finally:
        os.replace(kept, path)
    assert len(analysis.profile_targets("qujiang")) == (targets["doc_id"] == doc).sum()


FRAMES = {
    "numbers and text": pd.DataFrame({"a": [1, 2], "b": [0.5, float("nan")], "c": ["x", None], "d": [True, False]}),
    "nullable and dates": pd.DataFrame(
        {"n": pd.array([1, None], dtype="Int64"), "t": pd.to_datetime(["2024-01-01", None]), "s": ["a", "b"]}
    ),
    "names that are not identifiers": pd.DataFrame([[1, 2, 3]], columns=["Clause id", "class", "Clause id"]),
    "a shuffled index": pd.DataFrame({"v": [3.0, 4.0]}, index=[7, 2]),
    "no rows": pd.DataFrame({"v": pd.Series([], dtype="float64")}),
    "objects": pd.DataFrame({"ids": [("a", "b"), ()], "x": np.array([1, 2], dtype="int32")}),
}


@pytest.mark.parametrize("name", FRAMES)
def test_records_are_itertuples_value_for_value(name):
    frame = FRAMES[name]
    mine, theirs = list(records(frame)), list(frame.itertuples())
    assert [r._fields for r in mine] == [r._fields for r in theirs]
    assert [[(type(v), v) for v in r] for r in mine] == [[(type(v), v) for v in r] for r in theirs] or (
        pd.isna(frame).any().any() and [repr(r) for r in mine] == [repr(r) for r in theirs]
    )
