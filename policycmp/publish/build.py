"""``policycmp build``: every registered document into the processed tables, checked, all or nothing.

The stages run in order — ingest (clause table), extract (quantities), compare (comparisons,
budgets, targets, policy tools, outcomes) — as pure functions from the corpus to DataFrames; then
every table is checked against its schema, and only then are they published together.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from .. import paths
from ..compare.budgets import budget_checks, budget_rows
from ..compare.city_targets import city_target_rows
from ..compare.findings import Readers, clause_findings
from ..compare.indexed import index_tables
from ..compare.instruments import comparison_rows
from ..compare.outcomes import outcomes_table
from ..compare.policy_tools import tool_frame
from ..compare.targets import target_frame
from ..extract import quantities_table, unnormalised_count
from ..ingest.clauses import clause_table
from ..ingest.corpus import read_corpus
from ..model import Corpus, TableSet
from ..schema import DocumentRow, frame
from ..vocabulary import load_budget_vocabulary, load_indicators, load_instruments, load_policy_tools
from .fingerprint import MANIFEST, input_fingerprint, is_stale
from .validate import check_tables
from .write import publish_files

Echo = Callable[..., None]
__all__ = ["build", "build_tables", "is_stale"]


def documents_table(corpus: Corpus) -> pd.DataFrame:
    rows = [
        DocumentRow(
            doc_id=d.id,
            file=d.path.name,
            kind=d.kind,
            district=d.district,
            district_zh=d.district_zh,
            city=d.city,
            province=d.province,
            year=d.year,
            status=d.status,
            title=d.title,
            issued=d.issued,
        )
        for d in corpus.documents
    ]
    return frame(DocumentRow, rows)


def ingest_stage(corpus: Corpus) -> TableSet:
    clauses, anomalies = clause_table(corpus)
    result = TableSet({"documents": documents_table(corpus), "clauses": clauses, "anomalies": anomalies})
    result.warnings.extend(f"{row.file}:{row.line}: {row.message}" for row in anomalies.itertuples())
    return result


def extract_stage(clauses: pd.DataFrame) -> TableSet:
    quantities = quantities_table(clauses)
    unnormalised = unnormalised_count(quantities)
    result = TableSet({"quantities": quantities})
    result.notes.append(f"{len(quantities)} quantities ({unnormalised} could not be normalised)")
    if unnormalised:
        result.warnings.append(
            f"{unnormalised} quantities could not be normalised; kept with kind 'other' and the unit as written"
        )
    return result


def compare_stage(tables: dict[str, pd.DataFrame], corpus: Corpus) -> TableSet:
    """The comparison tables. Every vocabulary is read and checked before any table is built, so a bad
    vocabulary stops the build before anything is computed."""
    instruments, indicators = load_instruments(), load_indicators()
    tools, budget_vocab = load_policy_tools(), load_budget_vocabulary()
    clauses = tables["clauses"]
    # each table converted once into typed records, each clause's quantities grouped and sorted
    index = index_tables(clauses, tables["quantities"])
    readers = Readers.of(instruments, budget_vocab, indicators, tools)
    found = clause_findings(index.clauses, index.quantities, readers)
    result = TableSet()
    result.tables["comparisons"] = comparison_rows(found.comparisons, index.clauses, instruments)

    budgets, checks = budget_checks(budget_rows(found.budgets))
    result.tables["budgets"] = budgets
    for check in checks:
        (result.warnings if check.matches is False else result.notes).append(check.message())

    city, city_warnings = city_target_rows(corpus, indicators)
    result.warnings.extend(city_warnings)
    result.tables["targets"] = target_frame(found.targets + city)
    result.tables["clause_tools"] = tool_frame(index.clauses, found.tools)
    # the outcome stage may link report rows to these targets, so it sees every table built so far
    result.tables["outcomes"] = outcomes_table(corpus, {**tables, **result.tables}, index)
    result.notes.extend(_summary(result.tables, clauses))
    return result


def _summary(tables: dict[str, pd.DataFrame], clauses: pd.DataFrame) -> list[str]:
    comparisons = tables["comparisons"]
    stated = comparisons[comparisons["stated"]]
    pairs = clauses[["district", "year"]].drop_duplicates().sort_values("district")
    years = ", ".join(f"{d} {y}" for d, y in zip(pairs["district"], pairs["year"], strict=True))
    same = pairs["year"].nunique() <= 1
    targets = tables["targets"]
    return [
        f"{len(stated)} instrument rows stated, {int((~comparisons['stated']).sum())} absent "
        f"({comparisons['instrument'].nunique()} instruments)",
        f"{len(targets)} targets ({int((targets['kind_of_source'] == 'city_work_report').sum())} from city "
        f"work reports), {int(targets['indicator'].notna().sum())} named by an indicator",
        f"{len(tables['clause_tools'])} clause × policy-tool rows",
        ("policy years: " if same else "policy years differ: ") + years + " (every comparison row carries its year)",
    ]


def build_tables(corpus: Corpus) -> TableSet:
    """Every table from a corpus, checked against its schema (pure: no file is written)."""
    result = ingest_stage(corpus)
    result.merge(extract_stage(result.tables["clauses"]))
    result.merge(compare_stage(result.tables, corpus))
    check_tables(result.tables)
    return result


def build(raw_dir: str | Path | None = None, out_dir: str | Path | None = None, *, echo: Echo = print) -> TableSet:
    """Read ``raw_dir/sources.yaml``, build and check every table, and publish them into ``out_dir``."""
    raw_dir = Path(raw_dir) if raw_dir else paths.raw_dir()
    out_dir = Path(out_dir) if out_dir else paths.processed_dir()
    sources = raw_dir / "sources.yaml"
    corpus = read_corpus(sources)
    result = build_tables(corpus)
    manifest: dict[str, Any] = {
        "fingerprint": input_fingerprint(sources),
        "documents": [d.id for d in corpus.documents],
        "tables": {name: len(table) for name, table in sorted(result.tables.items())},
    }
    files: dict[str, object] = {f"{name}.parquet": table for name, table in sorted(result.tables.items())}
    files[MANIFEST] = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    publish_files(files, out_dir)
    for warning in result.warnings:
        echo(f"warning: {warning}", file=sys.stderr)
    counts = ", ".join(f"{n} {name}" for name, n in manifest["tables"].items())
    echo(f"built {len(corpus.documents)} documents into {out_dir}: {counts}")
    for note in result.notes:
        echo(f"  {note}")
    return result
