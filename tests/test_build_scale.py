"""The build on a corpus of many documents: a log in counts, and the same bytes with one process or two.

A synthetic corpus of 60 policies (policycmp.evaluation.synthetic) stands in for a province: enough
documents for the log to summarise and for the build to extract quantities in worker processes.
No wall-clock figure is asserted here; benchmarks/bench_build.py measures speed.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pandas as pd
import pytest

from policycmp.cli import main
from policycmp.compare.budgets import BudgetCheck
from policycmp.evaluation.synthetic import write_corpus, write_edition_corpus
from policycmp.publish.build import STAGES, build
from policycmp.publish.log import EXAMPLES, LISTED, budget_summary, grouped, years_note
from policycmp.schema import TABLES

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
SIZE = 60


class Log:
    """An ``echo`` for :func:`build` that keeps stdout and stderr lines apart."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.err: list[str] = []

    def __call__(self, text: str, file: object = None) -> None:
        (self.err if file is sys.stderr else self.out).append(text)


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.parquet"))}


@pytest.fixture(scope="module")
def raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("synthetic") / "raw"
    write_corpus(folder, SIZE, raw_dir=RAW)
    return folder


@pytest.fixture(scope="module")
def builds(raw: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[int, tuple[Path, Log]]:
    """The corpus built in one process and in two (workers forked for the quantities)."""
    out = {}
    for jobs in (1, 2):
        folder = tmp_path_factory.mktemp(f"jobs{jobs}")
        log = Log()
        build(raw, folder, echo=log, jobs=jobs, progress=False)
        out[jobs] = (folder, log)
    return out


def test_one_process_or_two_give_the_same_bytes(builds):
    (one, _), (two, _) = builds[1], builds[2]
    assert digests(one) == digests(two)
    assert len(digests(one)) == len(TABLES)


def test_a_second_build_gives_the_same_bytes(raw, builds, tmp_path):
    build(raw, tmp_path, echo=Log(), jobs=2, progress=False)
    assert digests(tmp_path) == digests(builds[2][0])


def test_the_log_of_many_documents_is_counts_not_a_list(builds):
    folder, log = builds[2]
    budgets = pd.read_parquet(folder / "budgets.parquet")
    totals = budgets[budgets["role"] == "total"]
    mismatched = int((totals["parts_match"] == False).sum())  # noqa: E712 - nullable booleans
    assert mismatched > LISTED, "the synthetic corpus should have enough budgets that do not add up"

    # one line per kind of fact, not one per document
    assert len(log.out) <= 10, log.out
    summary = [line for line in log.out if line.startswith("  budgets:")]
    documents = budgets["doc_id"].nunique()
    assert len(summary) == 1
    assert summary[0].startswith(f"  budgets: {documents:,} documents checked: ")
    assert f"{mismatched:,} whose parts do NOT add up: " in summary[0]
    assert f"(+{mismatched - EXAMPLES:,} more)" in summary[0]
    assert f"  policy years: 2025, {SIZE} district-years over {SIZE} districts" in log.out[-2]
    assert log.out[-1] == f"  0 documents from the cache, {SIZE} read"

    # the warnings: the first few of the kind in full, then a count
    budget_warnings = [line for line in log.err if "do NOT add up" in line]
    assert len(budget_warnings) == EXAMPLES
    assert log.err[EXAMPLES] == (
        f"warning: … and {mismatched - EXAMPLES:,} more budget_mismatch warnings "
        "(budgets.parquet has parts_match false on each of their totals)"
    )


def test_timings_are_reported_but_never_written(raw, tmp_path, capsys):
    assert main(["build", "--raw", str(raw), "--out", str(tmp_path), "--timings", "--jobs", "1"]) == 0
    captured = capsys.readouterr()
    timings = [line for line in captured.err.splitlines() if line.startswith("timings: ")]
    assert len(timings) == 1 and "timings:" not in captured.out
    assert [part.split(" ")[0] for part in timings[0].removeprefix("timings: ").split("; ")[0].split(", ")] == list(
        STAGES
    )
    manifest = json.loads((tmp_path / "build_manifest.json").read_text())
    assert set(manifest) == {"fingerprint", "documents", "tables"}


def test_no_progress_bar_when_stderr_is_not_a_terminal(raw, tmp_path, capsys):
    assert main(["build", "--raw", str(raw), "--out", str(tmp_path), "--jobs", "1"]) == 0
    err = capsys.readouterr().err
    assert "doc/s" not in err and "\r" not in err


# ------------------------------------------------------------------------------------------------
# The log's rules on their own


def test_few_messages_print_in_full_and_in_order():
    messages = [f"a.txt:{n}: clause number {n} printed twice" for n in range(LISTED)] + ["b.txt:1: x"]
    kinds = dict.fromkeys(messages[:-1], "duplicate_clause_number") | {"b.txt:1: x": "section_number_gap"}
    assert grouped(messages, kinds) == messages


def test_many_of_a_kind_print_a_few_and_a_count():
    duplicates = [f"d{n}.txt:7: clause number 3 printed twice" for n in range(40)]
    gaps = ["g.txt:2: section 3 follows section 1"]
    messages = [duplicates[0], gaps[0], *duplicates[1:], "something else"]
    kinds = dict.fromkeys(duplicates, "duplicate_clause_number") | {gaps[0]: "section_number_gap"}
    assert grouped(messages, kinds) == [
        *duplicates[:EXAMPLES],
        "… and 37 more duplicate_clause_number warnings (anomalies.parquet lists every one)",
        gaps[0],
        "something else",
    ]


def test_policy_years_in_a_line():
    assert years_note([("linping", 2024), ("qujiang", 2023)]) == (
        "policy years differ: linping 2024, qujiang 2023 (every comparison row carries its year)"
    )
    many = [(f"d{n % 90}", 2016 + n // 90) for n in range(1000)]
    assert years_note(many) == (
        "policy years differ: 2016–2027, 1,000 district-years over 90 districts (every comparison row carries its year)"
    )
    assert years_note([(f"d{n}", 2025) for n in range(8)]).startswith("policy years: 2025, 8 district-years")


def test_budget_summary_counts_every_outcome():
    checks = [
        BudgetCheck("a", 1e9, 1e9, 2),
        BudgetCheck("b", 1e9, 9e8, 1),
        BudgetCheck("c", 1e9, None, 0),
        BudgetCheck("d", None, 4.0, 3),
    ]
    assert budget_summary(checks) == (
        "budgets: 4 documents checked: 3 with a total (1 whose parts add up, 1 whose parts do NOT add up: b; "
        "1 without a per-domain breakdown), 1 without a total"
    )


def test_districts_with_three_editions_give_the_same_bytes_every_build(tmp_path):
    """Editions are paired in the main process after the comparison tables: one process or two, and a
    second build, give the same tables."""
    raw = tmp_path / "raw"
    ids = write_edition_corpus(raw, 6, editions=3, raw_dir=RAW)
    assert ids[:3] == ["binjiang-2024-policy", "binjiang-2024-policy-final", "binjiang-2025-policy"]
    outs = []
    for n, jobs in enumerate((1, 2, 2)):
        outs.append(tmp_path / f"out{n}")
        build(raw, outs[-1], echo=Log(), jobs=jobs, progress=False)
    assert digests(outs[0]) == digests(outs[1]) == digests(outs[2])
    pairs = pd.read_parquet(outs[0] / "edition_pairs.parquet")
    assert len(pairs) == 12 and pairs["in_common"].all()
    assert (pairs["unchanged"] > pairs["added"] + pairs["removed"]).all()  # editions that follow from each other
