"""``policycmp build``: every registered document into the processed tables, checked, all or nothing.

The stages run in order — ingest (clause table), extract (quantities), compare (comparisons,
budgets, targets, policy tools, outcomes) — as pure functions from the corpus to DataFrames; then
every table is checked against its schema, and only then are they published together.

The per-document work of extract and compare runs in runs of documents (:mod:`.parallel`); on a large
corpus the quantities are extracted in worker processes, one per core. The tables are the same bytes
with any number of processes. A progress bar on stderr follows the runs when stderr is a terminal
and the corpus is large.
"""

from __future__ import annotations

import gc
import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm import tqdm

from .. import paths
from ..compare.budgets import budget_checks, budget_rows
from ..compare.city_targets import city_target_rows
from ..compare.findings import Findings, Readers, clause_findings
from ..compare.indexed import ClauseIndex, group_by_clause, index_tables
from ..compare.instruments import comparison_rows, unclassified_note
from ..compare.outcomes import outcomes_table
from ..compare.policy_tools import tool_frame
from ..compare.targets import target_frame
from ..extract import unnormalised_count
from ..extract.grammar import Grammar, grammar
from ..extract.mentions import extract_many
from ..extract.table import clause_inputs, quantity_rows
from ..ingest.clauses import clause_records
from ..ingest.corpus import read_corpus
from ..model import Corpus, QuantityMention, TableSet
from ..schema import AnomalyRow, ClauseRow, DocumentRow, QuantityRow, frame
from ..vocabulary import (
    BudgetVocabulary,
    IndicatorVocabulary,
    InstrumentVocabulary,
    ToolVocabulary,
    load_budget_vocabulary,
    load_indicators,
    load_instruments,
    load_policy_tools,
)
from .fingerprint import MANIFEST, input_fingerprint, is_stale
from .log import LISTED, budget_summary, grouped, years_note
from .parallel import PARALLEL_MIN_DOCUMENTS, default_jobs, map_runs, runs
from .validate import check_tables
from .write import publish_files

Echo = Callable[..., None]
Advance = Callable[[int], object]
__all__ = ["build", "build_tables", "is_stale"]
STAGES = ("read", "ingest", "extract", "compare", "validate", "publish")


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


def ingest_stage(corpus: Corpus, *, strict: bool = False) -> TableSet:
    return _ingest(corpus, strict=strict)[0]


def _ingest(corpus: Corpus, *, strict: bool = False) -> tuple[TableSet, list[ClauseRow]]:
    """The ingest tables, and the clause rows they were made of (the later stages read those)."""
    rows, anomalies = clause_records(corpus, strict=strict)
    result = TableSet(
        {
            "documents": documents_table(corpus),
            "clauses": frame(ClauseRow, rows),
            "anomalies": frame(AnomalyRow, anomalies),
        }
    )
    for anomaly in anomalies:
        result.warn(f"{anomaly.file}:{anomaly.line}: {anomaly.message}", anomaly.kind)
    return result, rows


def _extract_run(state: tuple[list[str], Grammar], start: int, stop: int) -> list[list[QuantityMention]]:
    texts, g = state
    return extract_many(texts[start:stop], g)


def extract_stage(clauses: pd.DataFrame, jobs: int = 1, advance: Advance = lambda documents: None) -> TableSet:
    inputs = clause_inputs(clauses)
    texts = [clause.text for clause in inputs]
    parts = runs([clause.doc_id for clause in inputs])
    mentions = map_runs(_extract_run, (texts, grammar()), parts, jobs - 1, lambda n, run: run, advance)
    return _quantities_table(quantity_rows(inputs, [m for run in mentions for m in run]))


def _quantities_table(rows: list[QuantityRow]) -> TableSet:
    quantities = frame(QuantityRow, rows)
    unnormalised = unnormalised_count(quantities)
    result = TableSet({"quantities": quantities})
    result.notes.append(f"{len(quantities)} quantities ({unnormalised} could not be normalised)")
    if unnormalised:
        result.warn(
            f"{unnormalised} quantities could not be normalised; kept with kind 'other' and the unit as written",
            "unnormalised",
        )
    return result


@dataclass(frozen=True)
class Vocabularies:
    """The comparison stage's vocabularies, read and checked before anything is computed."""

    instruments: InstrumentVocabulary
    indicators: IndicatorVocabulary
    tools: ToolVocabulary
    budgets: BudgetVocabulary

    @classmethod
    def load(cls) -> Vocabularies:
        return cls(load_instruments(), load_indicators(), load_policy_tools(), load_budget_vocabulary())

    def readers(self) -> Readers:
        return Readers.of(self.instruments, self.budgets, self.indicators, self.tools)


@dataclass(frozen=True)
class _Read:
    """One run's quantity rows, grouped by clause, and what the comparison stage found in its clauses."""

    quantities: list[QuantityRow]
    by_clause: dict[str, list[QuantityRow]]
    found: Findings


def _extract_and_read(
    clauses: list[ClauseRow], readers: Readers, jobs: int, advance: Advance, result: TableSet
) -> tuple[list[QuantityRow], dict[str, list[QuantityRow]], Findings]:
    """Every clause's quantities and the comparison stage's findings in them.

    With ``jobs`` of 2 or more, ``jobs - 1`` worker processes extract the quantities while this one
    reads each run for the comparison stage as soon as its quantities arrive: reading takes about as
    long as extracting, so one worker keeps pace with this process on two cores. With 1, this process
    does both, run by run.

    The seconds spent reading go to ``result.timings["reading"]`` (part of the extract stage's).
    """
    parts = runs([clause.doc_id for clause in clauses])

    def read(n: int, mentions: list[list[QuantityMention]]) -> _Read:
        with _timed(result, "reading"):
            run = clauses[parts[n].start : parts[n].stop]
            rows = quantity_rows(run, mentions)
            by_clause = group_by_clause(rows)
            return _Read(rows, by_clause, clause_findings(run, by_clause, readers))

    texts = [clause.text for clause in clauses]
    done = map_runs(_extract_run, (texts, grammar()), parts, jobs - 1, read, advance)
    found = Findings()
    for part in done:
        found.extend(part.found)
    return (
        [q for part in done for q in part.quantities],
        {k: v for part in done for k, v in part.by_clause.items()},
        found,
    )


def _compare_run(
    state: tuple[list[ClauseRow], dict[str, list[QuantityRow]], Readers], start: int, stop: int
) -> Findings:
    clauses, quantities, readers = state
    return clause_findings(clauses[start:stop], quantities, readers)


def compare_stage(
    tables: dict[str, pd.DataFrame], corpus: Corpus, advance: Advance = lambda documents: None
) -> TableSet:
    """The comparison tables. Every vocabulary is read and checked before any table is built, so a bad
    vocabulary stops the build before anything is computed."""
    vocabularies = Vocabularies.load()
    # each clause's quantities grouped and sorted once, the tables converted to records
    index = index_tables(tables["clauses"], tables["quantities"])
    parts = runs([clause.doc_id for clause in index.clauses])
    state = (index.clauses, index.quantities, vocabularies.readers())
    found = Findings()
    for run in map_runs(_compare_run, state, parts, 1, lambda n, run: run, advance):
        found.extend(run)
    return _comparison_tables(tables, corpus, index, found, vocabularies)


def _comparison_tables(
    tables: dict[str, pd.DataFrame], corpus: Corpus, index: ClauseIndex, found: Findings, vocabularies: Vocabularies
) -> TableSet:
    """The comparison tables from every clause's findings (in clause order)."""
    # each table is made as soon as its rows are all found, and those rows let go of (peak memory)
    result = TableSet()
    result.tables["comparisons"] = comparison_rows(found.comparisons, index.clauses, vocabularies.instruments)
    found.comparisons.clear()

    budgets, checks = budget_checks(budget_rows(found.budgets))
    found.budgets.clear()
    result.tables["budgets"] = budgets
    for check in checks:
        if check.matches is False:
            result.warn(check.message(), "budget_mismatch")
        elif len(checks) <= LISTED:
            result.notes.append(check.message())
    if len(checks) > LISTED:
        result.notes.append(budget_summary(checks))

    city, city_warnings = city_target_rows(corpus, vocabularies.indicators)
    for warning in city_warnings:
        result.warn(warning, "city_targets")
    result.tables["targets"] = target_frame(found.targets + city)
    found.targets.clear()
    result.tables["clause_tools"] = tool_frame(index.clauses, found.tools)
    found.tools.clear()
    # the outcome stage may link report rows to these targets, so it sees every table built so far
    result.tables["outcomes"] = outcomes_table(corpus, {**tables, **result.tables}, index)
    # like an unknown heading, an award no instrument recognises is worth a line: what to add to the vocabulary
    unclassified = unclassified_note(result.tables["comparisons"], vocabularies.instruments)
    if unclassified is not None:
        result.warn(unclassified, "unclassified_awards")
    result.notes.extend(_summary(result.tables, tables["clauses"]))
    return result


def _summary(tables: dict[str, pd.DataFrame], clauses: pd.DataFrame) -> list[str]:
    comparisons = tables["comparisons"]
    stated = comparisons[comparisons["stated"]]
    pairs = clauses[["district", "year"]].drop_duplicates().sort_values("district")
    targets = tables["targets"]
    return [
        f"{int(stated['instrument'].notna().sum())} instrument rows stated, "
        f"{int(stated['instrument'].isna().sum())} award rows of no instrument, {int((~comparisons['stated']).sum())} "
        f"absent ({comparisons['instrument'].nunique()} instruments)",
        f"{len(targets)} targets ({int((targets['kind_of_source'] == 'city_work_report').sum())} from city "
        f"work reports), {int(targets['indicator'].notna().sum())} named by an indicator",
        f"{len(tables['clause_tools'])} clause × policy-tool rows",
        years_note(list(zip(pairs["district"].tolist(), pairs["year"].tolist(), strict=True))),
    ]


@contextmanager
def _timed(result: TableSet, stage: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    result.timings[stage] = result.timings.get(stage, 0.0) + time.perf_counter() - start


@contextmanager
def _progress(stage: str, corpus: Corpus, show: bool) -> Iterator[Advance]:
    """A bar on stderr counting the documents a per-document stage has read."""
    with tqdm(
        total=len(corpus.of_kind("policy")), desc=stage, unit="doc", file=sys.stderr, disable=not show, leave=False
    ) as bar:
        yield bar.update


def build_tables(corpus: Corpus, *, strict: bool = False, jobs: int = 1, progress: bool = False) -> TableSet:
    """Every table from a corpus, checked against its schema (pure: no file is written).

    With ``strict``, a section heading of no known domain is an error instead of an inferred domain.

    ``jobs`` processes (this one included) share the per-document work: ``jobs - 1`` extract the
    quantities while this one reads each finished run of documents for the comparison tables (see
    :mod:`.parallel`); ``progress`` shows a bar on stderr.
    """
    vocabularies = Vocabularies.load()
    result = TableSet()
    # the typed rows behind the clause and quantity tables are kept from stage to stage, not remade
    with _long_lived() as settle:
        with _timed(result, "ingest"):
            ingested, clause_rows = _ingest(corpus, strict=strict)
            result.merge(ingested)
        settle()
        with _timed(result, "extract"), _progress("documents", corpus, progress) as advance:
            quantity_rows, by_clause, found = _extract_and_read(
                clause_rows, vocabularies.readers(), jobs, advance, result
            )
            result.merge(_quantities_table(quantity_rows))
        settle()
        with _timed(result, "compare"):
            index = ClauseIndex.of(clause_rows, by_clause)
            result.merge(_comparison_tables(result.tables, corpus, index, found, vocabularies))
        del clause_rows, quantity_rows, by_clause, found, index
        settle()
        with _timed(result, "validate"):
            check_tables(result.tables)
    return result


@contextmanager
def _long_lived() -> Iterator[Callable[[], None]]:
    """Yields ``settle``, which puts every object alive so far out of the garbage collector's reach.

    What a stage leaves behind lives to the end of the build, and it holds no reference cycles the
    collector would free. A million such objects made each full collection of the next stage walk
    them all again: about a fifth of the build's time at 1,000 documents. Collection resumes over
    them when the build ends.
    """
    unfreeze = gc.get_freeze_count() == 0
    try:
        yield gc.freeze
    finally:
        if unfreeze:
            gc.unfreeze()


def build(
    raw_dir: str | Path | None = None,
    out_dir: str | Path | None = None,
    *,
    strict: bool = False,
    echo: Echo = print,
    jobs: int | None = None,
    progress: bool | None = None,
) -> TableSet:
    """Read ``raw_dir/sources.yaml``, build and check every table, and publish them into ``out_dir``.

    ``strict``: a section heading of no known domain is an error instead of an inferred domain.
    ``jobs``: processes sharing the per-document work, this one included (default: every core on a corpus of
    PARALLEL_MIN_DOCUMENTS policies or more, else one). ``progress``: a progress bar on stderr
    (default: when stderr is a terminal and the corpus has that many policies).
    """
    raw_dir = Path(raw_dir) if raw_dir else paths.raw_dir()
    out_dir = Path(out_dir) if out_dir else paths.processed_dir()
    sources = raw_dir / "sources.yaml"
    started = time.perf_counter()
    corpus = read_corpus(sources)
    read = time.perf_counter() - started
    policies = len(corpus.of_kind("policy"))
    if progress is None:
        progress = policies >= PARALLEL_MIN_DOCUMENTS and sys.stderr.isatty()
    result = build_tables(
        corpus, strict=strict, jobs=default_jobs(policies) if jobs is None else jobs, progress=progress
    )
    result.timings["read"] = read
    with _timed(result, "publish"):
        manifest: dict[str, Any] = {
            "fingerprint": input_fingerprint(sources, [d.path for d in corpus.documents]),
            "documents": [d.id for d in corpus.documents],
            "tables": {name: len(table) for name, table in sorted(result.tables.items())},
        }
        files: dict[str, object] = {f"{name}.parquet": table for name, table in sorted(result.tables.items())}
        files[MANIFEST] = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        publish_files(files, out_dir)
    for warning in grouped(result.warnings, result.kinds):
        echo(f"warning: {warning}", file=sys.stderr)
    counts = ", ".join(f"{n} {name}" for name, n in manifest["tables"].items())
    echo(f"built {len(corpus.documents)} documents into {out_dir}: {counts}")
    for note in result.notes:
        echo(f"  {note}")
    return result


def timings_line(result: TableSet) -> str:
    """``timings: read 0.12 s, ingest …; total …`` in stage order, and how much of extract was this
    process reading finished runs for the comparison tables (the rest it waited for the workers)."""
    shown = [stage for stage in STAGES if stage in result.timings]
    parts = ", ".join(f"{stage} {result.timings[stage]:.2f} s" for stage in shown)
    line = f"timings: {parts}; total {sum(result.timings[stage] for stage in shown):.2f} s"
    if "reading" in result.timings:
        line += f"; reading {result.timings['reading']:.2f} s of extract: runs read for the comparison tables"
    return line
