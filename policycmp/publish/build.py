"""``policycmp build``: every registered document into the processed tables, checked, all or nothing.

First each registered raw file is hashed and checked against the SHA-256 its entry records
(:mod:`policycmp.ingest.integrity`). Then every document goes through the per-document steps —
reading its format, ingest (clause rows, or a report's pieces), extract (quantities) and the
comparison stage's readings of each clause (:mod:`.documents`) — or is taken from the cache beside
OUT when nothing it depends on changed (:mod:`.cache`); documents to read are read in worker
processes when there are many (:mod:`.parallel`). What needs the whole corpus comes after: the
tables, absent instrument rows, budget checks and summaries, targets, outcomes linked to their
policies, and the editions (each document's edition, and what changed from one edition of a district's
policy to the next). Every table is checked against its schema, and only then are they published
together.

The tables are the same bytes whether a document was read now, read in a worker, or taken from the
cache. A build whose inputs are exactly those of the tables in OUT changes nothing and says so.
"""

from __future__ import annotations

import gc
import json
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm import tqdm

from .. import paths
from ..compare.budget_summary import budget_summaries
from ..compare.budgets import budget_checks, budget_rows
from ..compare.changes import edition_tables
from ..compare.city_targets import city_target_rows
from ..compare.findings import Findings, Readers, clause_findings
from ..compare.indexed import ClauseIndex, group_by_clause, index_tables, quantity_records
from ..compare.instruments import comparison_rows, unclassified_note
from ..compare.outcomes.table import outcome_frame
from ..compare.policy_tools import tool_frame
from ..compare.standings import standing_tables
from ..compare.targets import target_frame
from ..editions import Edition, places
from ..errors import PolicyInputError
from ..extract import unnormalised_count
from ..ingest.integrity import check_raw, raw_bytes, sha256_hex
from ..ingest.readers import document_text
from ..ingest.registry import load_registry
from ..model import Corpus, Document, TableSet
from ..schema import AnomalyRow, ClauseRow, DocumentRow, QuantityRow, ReportLineRow, frame, records
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
from .cache import BuildCache, cache_dir, code_fingerprint, entry_key
from .documents import DocumentReading, Stages, read_document
from .fingerprint import MANIFEST, input_fingerprint, is_stale
from .log import LISTED, budget_summary, grouped, years_note
from .parallel import PARALLEL_MIN_DOCUMENTS, default_jobs, map_runs, runs
from .validate import check_tables
from .write import publish_files

Echo = Callable[..., None]
__all__ = ["build", "build_tables", "compare_stage", "is_stale"]
# check: the registry read, each raw file hashed, the cache looked up; read: the documents not in the
# cache, each read, ingested, extracted and read for the comparisons; tables: their rows made into the
# tables; compare: what needs the whole corpus (absent instruments, budget checks and summaries,
# targets, outcomes linked to policies); editions: consecutive editions of each district's policy paired.
STAGES = ("check", "read", "tables", "compare", "editions", "validate", "publish")
# Documents per run handed to a worker: small enough for a steady progress bar and an even split.
DOCUMENTS_PER_WORKER_RUN = 10


def documents_table(documents: Sequence[Document]) -> pd.DataFrame:
    place = places(Edition(d.id, d.district, d.kind, d.year, d.status) for d in documents)
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
            **asdict(place[d.id]),
        )
        for d in documents
    ]
    return frame(DocumentRow, rows)


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


def reading_tables(documents: Sequence[Document], readings: Mapping[str, DocumentReading]) -> TableSet:
    """The per-document tables (documents, clauses, anomalies, report_lines, quantities) and every
    comparison table, from each document's reading (in registry order, wherever it was read)."""
    ordered = [readings[d.id] for d in documents]
    result = TableSet()
    clause_rows = [c for r in ordered for c in r.clauses]
    anomalies = [a for r in ordered for a in r.anomalies]
    result.tables["documents"] = documents_table(documents)
    result.tables["clauses"] = frame(ClauseRow, clause_rows)
    result.tables["anomalies"] = frame(AnomalyRow, anomalies)
    lines = [line for r in ordered for line in r.lines]
    result.tables["report_lines"] = frame(ReportLineRow, lines)
    for anomaly in anomalies:
        result.warn(f"{anomaly.file}:{anomaly.line}: {anomaly.message}", anomaly.kind)
    quantity_rows = [q for r in ordered for q in r.quantities]
    result.merge(_quantities_table(quantity_rows))
    found = Findings()
    for r in ordered:
        found.extend(r.found)
    by_clause = group_by_clause(quantity_rows)
    with _timed(result, "compare"):
        index = ClauseIndex.of(clause_rows, by_clause)
        result.merge(_comparison_tables(result.tables, documents, lines, index, found, Vocabularies.load()))
        for r in ordered:
            for message, kind in r.warnings:
                result.warn(message, kind)
    with _timed(result, "editions"):
        result.merge(edition_tables(documents, index.by_doc, index.quantities))
    return result


def compare_stage(tables: dict[str, pd.DataFrame]) -> TableSet:
    """The comparison tables from the published tables of the stages before (documents, clauses,
    report_lines, quantities): what the build makes from each document's findings, remade here from
    the tables alone (tests change a table and see what the comparisons make of it)."""
    vocabularies = Vocabularies.load()
    readers = Readers.of(vocabularies.instruments, vocabularies.budgets, vocabularies.indicators, vocabularies.tools)
    index = index_tables(tables["clauses"], tables["quantities"])
    found = clause_findings(index.clauses, index.quantities, readers)
    documents = [
        Document(
            d.doc_id,
            Path(d.file),
            d.kind,
            d.district,
            d.district_zh,
            d.city,
            d.province,
            d.year,
            d.status,
            d.title,
            d.issued,
            0,
        )
        for d in records(DocumentRow, tables["documents"])
    ]
    lines = records(ReportLineRow, tables["report_lines"])
    return _comparison_tables(tables, documents, lines, index, found, vocabularies)


def _comparison_tables(
    tables: dict[str, pd.DataFrame],
    documents: Sequence[Document],
    lines: list[ReportLineRow],
    index: ClauseIndex,
    found: Findings,
    vocabularies: Vocabularies,
) -> TableSet:
    """The comparison tables from every clause's findings (in clause order) and the reports' pieces."""
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
    summary, domains = budget_summaries(budgets, documents)
    result.tables["budget_summary"] = summary
    result.tables["budget_domains"] = domains

    by_line = group_by_clause([q for q in _line_quantities(tables["quantities"], lines)])
    city = city_target_rows(lines, by_line, vocabularies.indicators)
    result.tables["targets"] = target_frame(found.targets + city)
    found.targets.clear()
    result.tables["clause_tools"] = tool_frame(index.clauses, found.tools)
    found.tools.clear()
    # the outcome stage links report rows to the policies' quantities, through the clause index
    result.tables["outcomes"] = outcome_frame(documents_rows(documents), lines, by_line, index)
    # ranks and quartiles across districts, per edition selection: the pages filter these, never recompute them
    result.tables.update(standing_tables({**tables, **result.tables}))
    # like an unknown heading, an award no instrument recognises is worth a line: what to add to the vocabulary
    unclassified = unclassified_note(result.tables["comparisons"], vocabularies.instruments)
    if unclassified is not None:
        result.warn(unclassified, "unclassified_awards")
    result.notes.extend(_summary(result.tables, tables["clauses"]))
    return result


def _line_quantities(quantities: pd.DataFrame, lines: list[ReportLineRow]) -> list[QuantityRow]:
    """The quantity rows of the reports' pieces."""
    ids = {line.line_id for line in lines}
    if not ids:
        return []
    return quantity_records(quantities[quantities["clause_id"].isin(ids)])


def documents_rows(documents: Sequence[Document]) -> list[DocumentRow]:
    return records(DocumentRow, documents_table(documents))


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


def build_tables(corpus: Corpus, *, strict: bool = False) -> TableSet:
    """Every table from a corpus already read, checked against its schema (pure: no file is written).

    With ``strict``, a section heading of no known domain is an error instead of an inferred domain.
    """
    stages = Stages.load()
    readings = {d.id: read_document(d, corpus.texts[d.id], stages, strict=strict) for d in corpus.documents}
    result = reading_tables(corpus.documents, readings)
    check_tables(result.tables)
    return result


# --------------------------------------------------------------------------------------------------
# Reading the documents: the raw files checked, the cache consulted, the rest read in parallel


@dataclass(frozen=True)
class _Pending:
    """A document to read: its entry, the SHA-256 its bytes were checked against, its cache key."""

    doc: Document
    sha256: str
    key: str


def _read_run(state: tuple[list[_Pending], Stages, bool, Path | None], start: int, stop: int) -> list[bytes]:
    """Documents ``start:stop`` read, each encoded as a cache entry (and written to the cache, when
    there is one): a worker's whole result, small to send back."""
    pending, stages, strict, folder = state
    out = []
    for item in pending[start:stop]:
        data = raw_bytes(item.doc.path)
        if sha256_hex(data) != item.sha256:
            raise PolicyInputError(item.doc.path, "changed while the build was reading it; build again")
        text = document_text(data, item.doc.path)
        entry = BuildCache.encode(read_document(item.doc, text, stages, strict=strict), item.key)
        if folder is not None:
            BuildCache(folder).put(item.key, entry)
        out.append(entry)
    return out


def _without_text(reading: DocumentReading) -> DocumentReading:
    """A reading without its extracted text, which its cache entry keeps: the tables are made from the
    rows, and a thousand documents' texts held to the end of the build would be 100 MB (4 bytes a
    character)."""
    reading.text = ""
    return reading


def read_documents(
    documents: Sequence[Document],
    cache: BuildCache | None,
    result: TableSet,
    *,
    strict: bool,
    accept_changed: bool,
    jobs: int | None,
    progress: bool | None,
) -> tuple[dict[str, DocumentReading], set[str]]:
    """Every document's reading: each raw file checked against its registered SHA-256, then taken from
    the cache when its entry is there and sound, else read — in ``jobs`` processes when there are many."""
    code = code_fingerprint()
    readings: dict[str, DocumentReading] = {}
    keys: set[str] = set()
    pending: list[_Pending] = []
    # Entries make rows by the hundred thousand and no reference cycles: collections meanwhile would
    # only walk them again and again (2.5 s of CPU against 1.0 s for 1,000 documents' entries).
    with _timed(result, "check"), _no_collection():
        for doc in documents:
            check = check_raw(doc, raw_bytes(doc.path), accept_changed=accept_changed)
            if check.warning is not None and check.kind is not None:
                result.warn(check.warning, check.kind)
            key = entry_key(doc, check.sha256, code, strict=strict)
            keys.add(key)
            reading = cache.get(key) if cache is not None else None
            if reading is None:
                pending.append(_Pending(doc, check.sha256, key))
            else:
                readings[doc.id] = _without_text(reading)
    workers = default_jobs(len(pending)) if jobs is None else jobs
    show = len(pending) >= PARALLEL_MIN_DOCUMENTS and sys.stderr.isatty() if progress is None else progress
    parts = runs([p.doc.id for p in pending], per_run=DOCUMENTS_PER_WORKER_RUN)
    state = (pending, Stages.load(), strict, cache.folder if cache is not None else None)
    with (
        _timed(result, "read"),
        tqdm(total=len(pending), desc="documents", unit="doc", file=sys.stderr, disable=not show, leave=False) as bar,
    ):

        def then(n: int, entries: list[bytes]) -> None:
            for item, entry in zip(pending[parts[n].start : parts[n].stop], entries, strict=True):
                decoded = BuildCache.decode(entry, item.key)
                assert decoded is not None, "an entry just encoded decodes"
                readings[item.doc.id] = _without_text(decoded)

        map_runs(_read_run, state, parts, workers if workers > 1 else 0, then, bar.update)
    return readings, keys


def build(
    raw_dir: str | Path | None = None,
    out_dir: str | Path | None = None,
    *,
    strict: bool = False,
    echo: Echo = print,
    jobs: int | None = None,
    progress: bool | None = None,
    accept_changed: bool = False,
    use_cache: bool = True,
) -> TableSet:
    """Read ``raw_dir/sources.yaml``, build and check every table, and publish them into ``out_dir``.

    ``strict``: a section heading of no known domain is an error instead of an inferred domain.
    ``jobs``: processes reading the documents not in the cache (default: every core when
    PARALLEL_MIN_DOCUMENTS or more are to be read, else one). ``progress``: a progress bar on stderr
    (default: when stderr is a terminal and that many documents are read). ``accept_changed``: build a
    raw file whose bytes differ from its registered SHA-256 (with a warning) instead of refusing it.
    ``use_cache``: take unchanged documents from the cache beside OUT, and skip a build whose inputs
    are those of the tables in OUT (false: read everything again, and use no cache).
    """
    raw_dir = Path(raw_dir) if raw_dir else paths.raw_dir()
    out_dir = Path(out_dir) if out_dir else paths.processed_dir()
    sources = raw_dir / "sources.yaml"
    cache = BuildCache(cache_dir(out_dir)) if use_cache else None
    result = TableSet()
    if cache is not None:
        with _timed(result, "check"):
            unchanged = up_to_date(sources, out_dir, cache, strict=strict)
        if unchanged is not None:
            _echo_log(unchanged["warnings"], unchanged["kinds"], echo)
            echo(f"{out_dir} is up to date: no raw file, registry entry, code or vocabulary changed since it was built")
            for note in unchanged["notes"]:
                echo(f"  {note}")
            result.notes.extend(unchanged["notes"])
            return result
    with _timed(result, "check"):
        documents = load_registry(sources)
        if not documents:
            raise PolicyInputError(sources, "registers no documents: add one with `policycmp add PATH`")
    with _long_lived() as settle:
        readings, keys = read_documents(
            documents, cache, result, strict=strict, accept_changed=accept_changed, jobs=jobs, progress=progress
        )
        settle()
        with _timed(result, "tables"):
            built = reading_tables(documents, readings)
        del readings
        for stage in ("compare", "editions"):  # timed inside reading_tables: not part of making the tables
            seconds = built.timings.pop(stage, 0.0)
            result.timings["tables"] -= seconds
            result.timings[stage] = seconds
        result.merge(built)
        settle()
        with _timed(result, "validate"):
            check_tables(result.tables)
    with _timed(result, "publish"):
        fingerprint = input_fingerprint(sources, [d.path for d in documents])
        manifest: dict[str, Any] = {
            "fingerprint": fingerprint,
            "documents": [d.id for d in documents],
            "tables": {name: len(table) for name, table in sorted(result.tables.items())},
        }
        files: dict[str, object] = {f"{name}.parquet": table for name, table in sorted(result.tables.items())}
        files[MANIFEST] = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        publish_files(files, out_dir)
    counts = ", ".join(f"{n} {name}" for name, n in manifest["tables"].items())
    if cache is not None:
        notes = [f"built {len(documents)} documents into {out_dir}: {counts}", *(f"  {n}" for n in result.notes)]
        cache.save_state(
            {
                "fingerprint": fingerprint,
                "files": [str(d.path) for d in documents],
                "strict": strict,
                # a build that accepted changed raw files is not one to repeat without looking again
                "clean": not any(kind == "changed_raw" for kind in result.kinds.values()),
                "warnings": result.warnings,
                "kinds": result.kinds,
                "notes": notes,
            }
        )
        cache.prune(keys)
        if cache.rejected:
            result.warn(
                f"{cache.rejected} cache entries in {cache.folder} could not be trusted (damaged or of another "
                "version) and were read again",
                "cache",
            )
    _echo_log(result.warnings, result.kinds, echo)
    echo(f"built {len(documents)} documents into {out_dir}: {counts}")
    for note in result.notes:
        echo(f"  {note}")
    if cache is not None:
        echo(f"  {cache.hits} documents from the cache, {cache.misses} read")
    return result


def _echo_log(warnings: Sequence[str], kinds: Mapping[str, str], echo: Echo) -> None:
    for warning in grouped(warnings, kinds):
        echo(f"warning: {warning}", file=sys.stderr)


def up_to_date(sources: Path, out_dir: Path, cache: BuildCache, *, strict: bool) -> dict[str, Any] | None:
    """The last build's log when OUT holds the tables of exactly the current inputs, else None.

    The inputs are those the manifest's fingerprint covers: the registry's bytes, every raw file's
    bytes and the package's code and vocabularies. The registry's bytes being the same, so is its list
    of files, which the last build kept; each file is hashed again. A last build that accepted
    changed raw files, or was less strict than this one, is not taken as up to date.
    """
    state = cache.last_state()
    if state is None or not state.get("clean") or (strict and not state.get("strict")):
        return None
    try:
        manifest = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    fingerprint = state.get("fingerprint")
    if manifest.get("fingerprint") != fingerprint or not all(
        (out_dir / f"{name}.parquet").is_file() for name in manifest.get("tables", {})
    ):
        return None
    if input_fingerprint(sources, [Path(f) for f in state.get("files", [])]) != fingerprint:
        return None
    return {"warnings": state["warnings"], "kinds": state["kinds"], "notes": state["notes"][1:]}


@contextmanager
def _no_collection() -> Iterator[None]:
    """No garbage collection while the body runs (it makes many objects and no reference cycles)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


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


def timings_line(result: TableSet) -> str:
    """``timings: check 0.12 s, read …; total …`` in stage order."""
    shown = [stage for stage in STAGES if stage in result.timings]
    parts = ", ".join(f"{stage} {result.timings[stage]:.2f} s" for stage in shown)
    return f"timings: {parts}; total {sum(result.timings[stage] for stage in shown):.2f} s"
