"""Editions in the registry: a final added beside its draft and the reverse, each with a stable id, ordered
by year and within a year draft before final; the default edition per district; the refusals.

The draft and final editions are made from the seeds: Zhenhai's 2024 seed is a draft (征求意见稿); its
final is the same text with the draft marks removed. Linping's seed is a final; its draft is the same text
with 征求意见稿 under the title.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from adding import entries, refused
from conftest import RAW

from policycmp.cli import main
from policycmp.editions import of_editions, pick

ZHENHAI_DRAFT = (RAW / "zhenhai-2024-policy.txt").read_text(encoding="utf-8")
LINPING_FINAL = (RAW / "linping-2024-policy.txt").read_text(encoding="utf-8")


def as_final(draft: str) -> str:
    return draft.replace("(征求意见稿)", "").replace("(征求意见稿)", "")


def as_draft(final: str) -> str:
    assert "\n若干政策\n" in final
    return final.replace("\n若干政策\n", "\n若干政策\n(征求意见稿)\n", 1)


# A policy that states no year anywhere: its year could only come from its issue date.
UNDATED = (
    "镇海区关于推动经济高质量发展的若干政策\n成文日期:2024-12-20\n"
    "一、扩大有效投资政策\n1、加大财政支持力度。对重大项目给予支持。\n"
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def only(raw: Path, *keep: str) -> Path:
    """A raw folder holding only the seeds ``keep`` (their registry entries and files)."""
    shutil.copytree(RAW, raw)
    registry = yaml.safe_load((raw / "sources.yaml").read_text(encoding="utf-8"))
    for entry in registry["documents"]:
        if entry["id"] not in keep:
            (raw / entry["file"]).unlink()
    text = "documents:\n" + "".join(_entry_text(raw / "sources.yaml", doc_id) for doc_id in keep)
    (raw / "sources.yaml").write_text(text, encoding="utf-8")
    return raw


def _entry_text(sources: Path, doc_id: str) -> str:
    text = (RAW / "sources.yaml").read_text(encoding="utf-8")
    start = text.index(f"  - id: {doc_id}\n")
    end = text.find("  - id: ", start + 1)
    return text[start : end if end > 0 else len(text)]


# (what is registered, the files added in one call, the ids and statuses they get)
CASES = [
    ("zhenhai draft registered, its final added", ["zhenhai-2024-policy"], [("final.txt", as_final(ZHENHAI_DRAFT))],
     {"zhenhai-2024-policy-final": "final"}),
    ("linping final registered, its draft added", ["linping-2024-policy"], [("draft.txt", as_draft(LINPING_FINAL))],
     {"linping-2024-policy-draft": "draft"}),
    ("draft then final in one call", [], [("d.txt", ZHENHAI_DRAFT), ("f.txt", as_final(ZHENHAI_DRAFT))],
     {"zhenhai-2024-policy": "draft", "zhenhai-2024-policy-final": "final"}),
    ("final then draft in one call", [], [("f.txt", as_final(ZHENHAI_DRAFT)), ("d.txt", ZHENHAI_DRAFT)],
     {"zhenhai-2024-policy": "final", "zhenhai-2024-policy-draft": "draft"}),
]  # fmt: skip


@pytest.mark.parametrize("what, registered, added, expected", CASES, ids=[c[0] for c in CASES])
def test_a_final_and_its_draft_each_get_a_stable_id(tmp_path, what, registered, added, expected):
    raw = only(tmp_path / "raw", *registered) if registered else tmp_path / "raw"
    before = entries(raw) if registered else {}
    paths = [str(write(tmp_path, name, text)) for name, text in added]
    assert main(["add", *paths, "--raw", str(raw)]) == 0
    after = entries(raw)
    assert {k: v for k, v in after.items() if k in before} == before  # ids in use do not change
    assert {doc_id: after[doc_id]["status"] for doc_id in expected} == expected
    assert set(after) == set(before) | set(expected)
    for doc_id in expected:
        assert after[doc_id]["file"] == f"{doc_id}.txt" and after[doc_id]["year"] == 2024


def test_editions_of_one_year_build_in_order_with_the_final_as_default(tmp_path):
    """The registered draft keeps its id and its clause ids; the final is the second edition and the default."""
    raw = only(tmp_path / "raw", "zhenhai-2024-policy", "linping-2024-policy")
    assert main(["add", str(write(tmp_path, "final.txt", as_final(ZHENHAI_DRAFT))), "--raw", str(raw)]) == 0
    assert main(["add", str(write(tmp_path, "draft.txt", as_draft(LINPING_FINAL))), "--raw", str(raw)]) == 0
    out = tmp_path / "out"
    assert main(["build", "--raw", str(raw), "--out", str(out)]) == 0
    editions = pd.read_parquet(out / "documents.parquet").set_index("doc_id")
    got = editions[["edition", "editions", "previous_doc", "next_doc", "is_default"]].astype(object)
    got = got.where(got.notna(), None).to_dict("index")
    assert got == {
        "zhenhai-2024-policy": {"edition": 1, "editions": 2, "previous_doc": None,
                                "next_doc": "zhenhai-2024-policy-final", "is_default": False},
        "zhenhai-2024-policy-final": {"edition": 2, "editions": 2, "previous_doc": "zhenhai-2024-policy",
                                      "next_doc": None, "is_default": True},
        # registered after its final, the draft is still the first edition
        "linping-2024-policy-draft": {"edition": 1, "editions": 2, "previous_doc": None,
                                      "next_doc": "linping-2024-policy", "is_default": False},
        "linping-2024-policy": {"edition": 2, "editions": 2, "previous_doc": "linping-2024-policy-draft",
                                "next_doc": None, "is_default": True},
    }  # fmt: skip
    clauses = pd.read_parquet(out / "clauses.parquet")
    assert "zhenhai-2024-policy:c31b" in set(clauses["clause_id"])  # the draft's clause ids as before
    assert "zhenhai-2024-policy-final:c31b" in set(clauses["clause_id"])
    pairs = pd.read_parquet(out / "edition_pairs.parquet")
    assert sorted(zip(pairs["from_doc"], pairs["to_doc"])) == [
        ("linping-2024-policy-draft", "linping-2024-policy"),
        ("zhenhai-2024-policy", "zhenhai-2024-policy-final"),
    ]
    # the texts are the same but for the draft marks, which are not body: every clause is unchanged
    assert pairs["unchanged"].tolist() == [len(clauses[clauses.doc_id == "linping-2024-policy"]), 67]
    assert pairs[["reworded", "amounts_changed", "added", "removed"]].to_numpy().sum() == 0


EDITIONS = pd.DataFrame(
    [
        # district, doc_id, kind, year, status
        ("zhenhai", "zhenhai-2024-policy", "policy", 2024, "draft"),
        ("zhenhai", "zhenhai-2024-policy-final", "policy", 2024, "final"),
        ("zhenhai", "zhenhai-2025-policy", "policy", 2025, "draft"),  # a newer draft: not the default
        ("linping", "linping-2023-policy", "policy", 2023, "final"),
        ("linping", "linping-2024-policy", "policy", 2024, "draft"),  # no 2024 final
        ("qujiang", "qujiang-2023-policy", "policy", 2023, "draft"),  # drafts only
        ("qujiang", "qujiang-2024-policy", "policy", 2024, "draft"),
        ("zhenhai", "zhenhai-2024-outcomes", "outcome_report", 2024, "final"),
    ],
    columns=["district", "doc_id", "kind", "year", "status"],
)


@pytest.mark.parametrize(
    "year, expected",
    [
        (None, {"zhenhai": "zhenhai-2024-policy-final", "linping": "linping-2023-policy",
                "qujiang": "qujiang-2024-policy"}),
        (2024, {"zhenhai": "zhenhai-2024-policy-final", "linping": "linping-2024-policy",
                "qujiang": "qujiang-2024-policy"}),
        (2023, {"linping": "linping-2023-policy", "qujiang": "qujiang-2023-policy"}),
        (2025, {"zhenhai": "zhenhai-2025-policy"}),
        (2022, {}),
    ],
)  # fmt: skip
def test_one_edition_per_district_by_default_or_for_a_year(year, expected):
    chosen = pick(EDITIONS, year)
    assert dict(zip(chosen["district"], chosen["doc_id"])) == expected
    assert chosen["district"].is_unique


def test_a_table_keeps_the_rows_of_the_chosen_editions_only():
    budgets = pd.DataFrame(
        {
            "doc_id": [
                "zhenhai-2024-policy",
                "zhenhai-2024-policy-final",
                "linping-2023-policy",
                "qujiang-2024-policy",
            ],
            "value": [37.27e8, 38.0e8, 56.0e8, 24.54e8],
        }
    )
    kept = of_editions(budgets, pick(EDITIONS))
    assert kept["doc_id"].tolist() == ["zhenhai-2024-policy-final", "linping-2023-policy", "qujiang-2024-policy"]
    assert kept["value"].sum() == 38.0e8 + 56.0e8 + 24.54e8  # the draft's 37.27亿 is not added to its final's


def test_the_outcome_reports_are_editions_of_their_own_kind():
    assert pick(EDITIONS, kind="outcome_report")["doc_id"].tolist() == ["zhenhai-2024-outcomes"]


def test_two_documents_of_the_same_edition_are_refused_naming_both(tmp_path, capsys):
    raw = only(tmp_path / "raw", "zhenhai-2024-policy")
    final = write(tmp_path, "final.txt", as_final(ZHENHAI_DRAFT))
    other_final = write(tmp_path, "final-again.txt", as_final(ZHENHAI_DRAFT) + "\n附件:无\n")
    refused(capsys, [str(final), str(other_final)], raw, "final-again.txt", "(zhenhai, policy, 2024, final)",
            "'zhenhai-2024-policy-final' (zhenhai-2024-policy-final.txt)")  # fmt: skip
    redraft = write(tmp_path, "draft-again.txt", ZHENHAI_DRAFT + "\n附件:无\n")
    refused(capsys, [str(redraft)], raw, "draft-again.txt", "(zhenhai, policy, 2024, draft)",
            "'zhenhai-2024-policy' (zhenhai-2024-policy.txt)")  # fmt: skip


def test_an_edition_whose_year_only_its_issue_date_gives_is_refused_naming_the_flag(tmp_path, capsys):
    raw = only(tmp_path / "raw", "zhenhai-2024-policy")
    undated = write(tmp_path, "undated.txt", UNDATED)
    refused(capsys, [str(undated)], raw, "undated.txt", "states no year", "zhenhai-2024-policy", "pass --year")
    assert main(["add", str(undated), "--raw", str(raw), "--year", "2025"]) == 0
    assert entries(raw)["zhenhai-2025-policy"]["issued"].isoformat() == "2024-12-20"


def test_a_first_edition_may_take_its_year_from_its_issue_date(tmp_path):
    """Nothing to order it among: the issue date's year stands, as it always has."""
    raw = tmp_path / "raw"
    assert main(["add", str(write(tmp_path, "undated.txt", UNDATED)), "--raw", str(raw)]) == 0
    assert entries(raw)["zhenhai-2024-policy"]["year"] == 2024


def test_a_registry_with_two_documents_of_one_edition_does_not_build(tmp_path, capsys):
    raw = only(tmp_path / "raw", "zhenhai-2024-policy")
    shutil.copyfile(raw / "zhenhai-2024-policy.txt", raw / "copy.txt")
    entry = _entry_text(RAW / "sources.yaml", "zhenhai-2024-policy")
    copy = entry.replace("id: zhenhai-2024-policy", "id: zhenhai-copy").replace("file: zhenhai-2024-policy.txt",
                                                                                 "file: copy.txt")  # fmt: skip
    with (raw / "sources.yaml").open("a", encoding="utf-8") as f:
        f.write(copy)
    out = tmp_path / "out"
    assert main(["build", "--raw", str(raw), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert "sources.yaml:14:" in err and "'zhenhai-2024-policy' (line 2) and 'zhenhai-copy'" in err, err
    assert not out.exists()
