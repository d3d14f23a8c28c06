"""``policycmp build``: every registered document into the processed tables, checked, all or nothing.

First each registered raw file is hashed and checked against the SHA-256 its entry records
(:mod:`policycmp.ingest.integrity`). Then every document goes through the per-document steps —
reading its format, ingest (clause rows, or a report's pieces), extract (quantities) and the
comparison stage's readings of each clause — into its share of each table (:mod:`.documents`), or is
taken from the cache beside OUT when nothing it depends on changed (:mod:`.cache`); documents to read
are read in worker processes when there are many (:mod:`.parallel`). The tables are then the documents'
shares joined (:mod:`.fragments`), with what needs the whole corpus made from them (:mod:`.assemble`):
the budget checks and sums, outcomes linked to their policies, each document's edition and what changed
from one edition of a district's policy to the next (an outcome link or a pair of editions is cached
like a document).

What was made in this build is checked against its schema (:mod:`.validate`; what came from the cache
was checked when it was made), then what only the whole corpus shows, and only then are the tables
published together. The tables are the same bytes whether a document was read now, read in a worker, or
taken from the cache. A build whose inputs are exactly those of the tables in OUT changes nothing and
says so.

A table made from the whole corpus (a summary across districts, say) is a function of the joined tables,
run in :func:`corpus_tables` after the others: cut into units the cache can key by the documents each
depends on (a pair of editions, an outcome report and its policies, an edition selection's standings), so
that a build remakes only the units of what changed; a table with a share per
document is a fragment made in :func:`.documents.document_tables` and listed in ``DOCUMENT_TABLES``, which
the cache then keeps (docs/reading_documents.md, "The build").
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
from tqdm import tqdm

from .. import paths
from ..compare.findings import clause_findings
from ..compare.indexed import group_by_clause, quantity_records
from ..compare.instruments import unclassified_note
from ..compare.standings import TABLES as STANDING_TABLES
from ..compare.standings import by_selection, selection_tables
from ..editions import selections
from ..errors import PolicyInputError
from ..ingest.integrity import check_raw, raw_bytes, sha256_hex
from ..ingest.readers import document_text
from ..ingest.registry import load_registry
from ..model import Corpus, Document, TableSet
from ..schema import TABLES, ClauseRow, DocumentRow, ReportLineRow, records
from ..vocabulary import load_instruments
from .assemble import (
    EDITION_TABLES,
    Budgets,
    Derived,
    arrow,
    checked_budgets,
    document_order,
    documents_table,
    edition_note,
    joined_derived,
    joined_documents,
    outcome_links,
)
from .cache import (
    BuildCache,
    code_fingerprint,
    decode,
    derived_key,
    document_entry,
    document_tables,
    encode,
    entry_key,
    put_unchecked,
)
from .documents import DOCUMENT_TABLES, DocumentReading, DocumentTables, Rows, Stages, read_document
from .documents import document_tables as tables_of
from .fingerprint import MANIFEST, input_fingerprint, is_stale, published_tables
from .fragments import arrow_schema
from .log import LISTED, budget_summary, years_note
from .pairs import edition_pairs
from .parallel import PARALLEL_MIN_DOCUMENTS, default_jobs, map_runs, runs
from .segments import Made
from .state import STAGES, cache_dir, echo_log, echo_unchanged, save_state, timings_line, up_to_date
from .validate import Known, check_corpus, check_joined, check_tables
from .write import staged

Echo = Callable[..., None]
__all__ = ["STAGES", "build", "build_tables", "compare_stage", "is_stale", "timings_line"]
# The tables whose ids rows of other tables name, and the column of the ids.
IDS = {"clauses": "clause_id", "report_lines": "line_id"}
# Documents per run handed to a worker: small enough for a steady progress bar and an even split.
DOCUMENTS_PER_WORKER_RUN = 10


@dataclass
class Reading:
    """Every document's share of the tables, its cache key, and which shares were made (or read from an
    unchecked entry) in this build: those are checked before anything is published or cached."""

    tables: dict[str, DocumentTables] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    unchecked: set[str] = field(default_factory=set)
    digests: dict[Path, str] = field(default_factory=dict)  # each raw file's SHA-256, as checked


@dataclass
class Built:
    """The corpus's tables: those made whole (Arrow, as they will be written), and the documents' shares,
    joined table by table when written (:meth:`table`), so that one joined table is held at a time."""

    documents: Sequence[Document]
    shares: Mapping[str, DocumentTables]
    whole: dict[str, pa.Table]
    budgets: Budgets
    outcomes: list[Derived]
    pairs: list[Derived]
    standings: list[Derived]  # one per edition selection

    def table(self, name: str) -> pa.Table:
        if name in self.whole:
            return self.whole[name]
        return joined_documents(name, self.documents, self.shares)

    def rows(self, name: str) -> int:
        if name in self.whole:
            return self.whole[name].num_rows
        return sum(self.shares[d.id].rows[name] for d in self.documents)


def corpus_tables(
    documents: Sequence[Document],
    reading: Reading,
    cache: BuildCache | None,
    result: TableSet,
    jobs: int | None = None,
) -> Built:
    """The tables that need the whole corpus, and the build log's lines about all of them (``jobs``: the
    processes that pair editions not in the cache; see :func:`.pairs.edition_pairs`)."""
    shares = reading.tables
    with _timed(result, "tables"):
        frame = documents_table(documents)
        whole = {"documents": arrow(frame)}
    for doc in documents:
        for message, kind in shares[doc.id].anomalies:
            result.warn(message, kind)
    rows = Rows(shares)
    with _timed(result, "compare"):
        budgets = checked_budgets(joined_documents("budgets", documents, shares), documents)
        whole["budgets"] = arrow(budgets.budgets)
        whole["budget_summary"] = arrow(budgets.summary)
        whole["budget_domains"] = arrow(budgets.domains)
        outcomes = outcome_links(documents, records(DocumentRow, frame), reading.keys, rows, cache)
        whole["outcomes"] = joined_derived("outcomes", outcomes)
    with _timed(result, "editions"):
        pairs = edition_pairs(documents, reading.keys, shares, cache, jobs)
        for name in EDITION_TABLES:
            whole[name] = joined_derived(name, pairs)
    with _timed(result, "standings"):
        standings = _standings(documents, shares, whole, budgets, reading.keys, cache)
        for name in STANDING_TABLES:
            whole[name] = joined_derived(name, standings)
    built = Built(documents, shares, whole, budgets, outcomes, pairs, standings)
    with _timed(result, "compare"):
        unnormalised = sum(shares[d.id].unnormalised for d in documents)
        result.notes.append(f"{built.rows('quantities')} quantities ({unnormalised} could not be normalised)")
        if unnormalised:
            result.warn(
                f"{unnormalised} quantities could not be normalised; kept with kind 'other' and the unit as written",
                "unnormalised",
            )
        _log_budgets(budgets, result)
        unclassified = _unclassified(built)
        if unclassified is not None:
            result.warn(unclassified, "unclassified_awards")
        result.notes.extend(_summary(built))
        for doc in documents:
            for message, kind in shares[doc.id].warnings:
                result.warn(message, kind)
        for pair in pairs:
            for message, kind in pair.warnings:
                result.warn(message, kind)
        note = edition_note(whole["edition_pairs"])
        if note is not None:
            result.notes.append(note)
    return built


# the published tables the cross-district summaries read (besides documents and budget_domains, made whole)
STANDING_INPUTS = ("clauses", "quantities", "comparisons", "targets", "clause_tools")


def _standings(
    documents: Sequence[Document],
    shares: Mapping[str, DocumentTables],
    whole: Mapping[str, pa.Table],
    budgets: Budgets,
    keys: Mapping[str, str],
    cache: BuildCache | None,
) -> list[Derived]:
    """``subsidy_ranks`` and ``standings``, one edition selection at a time, each a unit of the cache keyed
    by the editions it chose: adding a document remakes only the selections it enters (the default and its
    year's). The selections made now are checked here, against the clauses of their editions (a clause they
    name, the span they quote); one from the cache was checked when it was made."""
    frame = whole["documents"].to_pandas()
    picked = by_selection(selections(frame))
    units: dict[str, Derived] = {}
    for selection in picked:
        key = derived_key("standings", [selection, *(keys[i] for i in picked[selection]["doc_id"])])
        entry = cache.derived(key) if cache is not None else None
        units[selection] = Derived(key, entry.tables if entry is not None else {}, entry is None)
    missing = [selection for selection in picked if units[selection].made]
    if missing:
        # the selections to make, from one join of their editions' rows and with one check (a cold build
        # makes every selection; each check costs about 0.07 s whatever its size)
        only = set().union(*(set(picked[selection]["doc_id"]) for selection in missing))
        tables = {name: joined_documents(name, documents, shares, only).to_pandas() for name in STANDING_INPUTS}
        tables["documents"] = frame[frame["doc_id"].isin(only)]
        tables["budget_domains"] = budgets.domains[budgets.domains["doc_id"].isin(only)]
        made = {selection: selection_tables(tables, picked[selection]) for selection in missing}
        check = {name: pd.concat([made[s][name] for s in missing], ignore_index=True) for name in STANDING_TABLES}
        check_tables(check, names=list(check), context={"clauses": tables["clauses"]})
        for selection in missing:
            units[selection].tables = {
                name: pa.Table.from_pandas(table, schema=arrow_schema(name), preserve_index=False)
                for name, table in made[selection].items()
            }
    return [units[selection] for selection in picked]


def _log_budgets(budgets: Budgets, result: TableSet) -> None:
    checks = budgets.checks
    for check in checks:
        if check.matches is False:
            result.warn(check.message(), "budget_mismatch")
        elif len(checks) <= LISTED:
            result.notes.append(check.message())
    if len(checks) > LISTED:
        result.notes.append(budget_summary(checks))


def _unclassified(built: Built) -> str | None:
    """The build log's line on award rows no instrument recognises."""
    rows = [(obj, d.district) for d in built.documents for obj in built.shares[d.id].facts.unclassified]
    if not rows:
        return None
    frame = pd.DataFrame(
        {
            "stated": [True] * len(rows),
            "instrument": [None] * len(rows),
            "object": [obj for obj, _ in rows],
            "district": [district for _, district in rows],
        }
    )
    return unclassified_note(frame, load_instruments())


def _summary(built: Built) -> list[str]:
    facts = [built.shares[d.id].facts for d in built.documents]
    named, unnamed, absent = (sum(getattr(f, name) for f in facts) for name in ("named", "unnamed", "absent"))
    instruments = len({key for f in facts for key in f.instruments})
    city, indicators = (sum(getattr(f, name) for f in facts) for name in ("city_targets", "named_targets"))
    # each district and year that has clause rows, in registry order, then by district (a stable sort)
    pairs = list(dict.fromkeys((d.district, d.year) for d in built.documents if built.shares[d.id].rows["clauses"]))
    pairs.sort(key=lambda pair: pair[0])
    return [
        f"{named} instrument rows stated, {unnamed} award rows of no instrument, {absent} absent ({instruments} "
        "instruments)",
        f"{built.rows('targets')} targets ({city} from city work reports), {indicators} named by an indicator",
        f"{built.rows('clause_tools')} clause × policy-tool rows",
        years_note(pairs),
    ]


# Documents (and pairs of editions) checked at once: bounded memory on a cold build of many documents,
# few checks on a small one (each costs about 0.1 s whatever its size).
CHECK_CHUNK = 100


def check_made(built: Built, reading: Reading) -> None:
    """Check what this build made: the shares of the documents it read (or took unchecked from the cache),
    their budget checks and sums, the outcome links and edition pairs it made, and the documents table, each
    against the clauses and report pieces of the documents they name."""
    documents, shares = built.documents, built.shares
    fresh = [d.id for d in documents if d.id in reading.unchecked]
    budgets = {"budgets": built.budgets.budgets, "budget_summary": built.budgets.summary}
    budgets["budget_domains"] = built.budgets.domains
    batches: list[tuple[dict[str, pd.DataFrame], set[str]]] = []  # tables, and the documents their rows name
    for n in range(0, len(fresh), CHECK_CHUNK):
        ids = set(fresh[n : n + CHECK_CHUNK])
        batch = {name: joined_documents(name, documents, shares, ids).to_pandas() for name in DOCUMENT_TABLES}
        # a document's budget checks and sums read its own rows only
        batch.update({name: table[table["doc_id"].isin(ids)].reset_index(drop=True) for name, table in budgets.items()})
        batches.append((batch, ids))
    made = [p for p in built.pairs if p.made]
    for n in range(0, len(made), CHECK_CHUNK):
        batch = {name: joined_derived(name, made[n : n + CHECK_CHUNK]).to_pandas() for name in EDITION_TABLES}
        batches.append((batch, set(batch["edition_pairs"]["from_doc"]) | set(batch["edition_pairs"]["to_doc"])))
    outcomes = joined_derived("outcomes", [o for o in built.outcomes if o.made]).to_pandas()
    batch = {"documents": built.whole["documents"].to_pandas(), "outcomes": outcomes}  # documents: new every build
    batches.append((batch, {c.split(":")[0] for c in outcomes["policy_clause_id"].dropna()}))
    if len(batches) <= 3 and sum(len(named) for _, named in batches) <= CHECK_CHUNK:
        # a few documents and pairs (a build after adding one, say): one check, not three (each costs
        # about 0.1 s whatever its size)
        batches = [
            ({name: t for tables, _ in batches for name, t in tables.items()}, set().union(*(n for _, n in batches)))
        ]
    for tables, named in batches:
        context = tables if named <= set(fresh) and "clauses" in tables else _pieces(built, named)
        check_tables(tables, names=list(tables), context=context)


def _pieces(built: Built, doc_ids: set[str]) -> dict[str, pd.DataFrame]:
    """The clause rows and report pieces of ``doc_ids``: what the rows checked may name."""
    return {
        name: joined_documents(name, built.documents, built.shares, doc_ids).to_pandas()
        for name in ("clauses", "report_lines")
    }


def build_tables(corpus: Corpus, *, strict: bool = False) -> TableSet:
    """Every table from a corpus already read, checked against its schema (pure: no file is written).

    With ``strict``, a section heading of no known domain is an error instead of an inferred domain.
    """
    stages = Stages.load()
    reading = Reading()
    for d in corpus.documents:
        reading.tables[d.id] = tables_of(read_document(d, corpus.texts[d.id], stages, strict=strict), stages)
        reading.keys[d.id] = d.id
        reading.unchecked.add(d.id)
    result = TableSet()
    built = corpus_tables(corpus.documents, reading, None, result)
    check_made(built, reading)
    tables = {name: built.table(name) for name in TABLES}
    check_corpus(tables)
    result.tables = {name: table.to_pandas() for name, table in tables.items()}
    return result


def compare_stage(tables: dict[str, pd.DataFrame]) -> TableSet:
    """The comparison tables from the published tables of the stages before (documents, clauses,
    report_lines, quantities): what the build makes from each document's findings, remade here from
    the tables alone (tests change a table and see what the comparisons make of it)."""
    stages = Stages.load()
    documents = [
        Document(d.doc_id, Path(d.file), d.kind, d.district, d.district_zh, d.city, d.province, d.year, d.status,
                 d.title, d.issued, 0)
        for d in records(DocumentRow, tables["documents"])
    ]  # fmt: skip
    clauses = records(ClauseRow, tables["clauses"])
    lines = records(ReportLineRow, tables["report_lines"])
    quantities = quantity_records(tables["quantities"])
    reading = Reading()
    for doc in documents:
        mine = [c for c in clauses if c.doc_id == doc.id]
        quantity_rows = [q for q in quantities if q.doc_id == doc.id]
        found = clause_findings(mine, group_by_clause(quantity_rows), stages.readers)
        share = DocumentReading(doc.id, "", mine, [], [line for line in lines if line.doc_id == doc.id], quantity_rows,
                                found)  # fmt: skip
        reading.tables[doc.id] = tables_of(share, stages)
        reading.keys[doc.id] = doc.id
    result = TableSet()
    built = corpus_tables(documents, reading, None, result)
    names = ("comparisons", "budgets", "budget_summary", "budget_domains", "targets", "clause_tools", "outcomes",
             *STANDING_TABLES)  # fmt: skip
    result.tables = {name: built.table(name).to_pandas() for name in names}
    return result


@contextmanager
def _timed(result: TableSet, stage: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    result.timings[stage] = result.timings.get(stage, 0.0) + time.perf_counter() - start


# --------------------------------------------------------------------------------------------------
# Reading the documents: the raw files checked, the cache consulted, the rest read in parallel


@dataclass(frozen=True)
class _Pending:
    """A document to read: its entry, the SHA-256 its bytes were checked against, its cache key."""

    doc: Document
    sha256: str
    key: str


def _read_run(state: tuple[list[_Pending], Stages, bool, Path | None], start: int, stop: int) -> list[bytes | None]:
    """Documents ``start:stop`` read, each encoded as a cache entry: written to the cache unchecked when there
    is one (so that no reading is lost if the build stops), and then left there for the build to read in
    place (None); sent back when there is no cache."""
    pending, stages, strict, folder = state
    out: list[bytes | None] = []
    for item in pending[start:stop]:
        data = raw_bytes(item.doc.path)
        if sha256_hex(data) != item.sha256:
            raise PolicyInputError(item.doc.path, "changed while the build was reading it; build again")
        text = document_text(data, item.doc.path)
        shares = tables_of(read_document(item.doc, text, stages, strict=strict), stages)
        entry = encode(document_entry(shares), item.key)
        out.append(entry if folder is None or not put_unchecked(folder, item.key, entry) else None)
    return out


def read_documents(
    documents: Sequence[Document],
    cache: BuildCache | None,
    result: TableSet,
    *,
    strict: bool,
    accept_changed: bool,
    jobs: int | None,
    progress: bool | None,
) -> Reading:
    """Every document's share of the tables: each raw file checked against its registered SHA-256, then
    taken from the cache when its entry is there and sound, else read — in ``jobs`` processes when there
    are many."""
    code = code_fingerprint()
    reading = Reading()
    pending: list[_Pending] = []
    with _timed(result, "check"):
        for doc in documents:
            check = check_raw(doc, raw_bytes(doc.path), accept_changed=accept_changed)
            if check.warning is not None and check.kind is not None:
                result.warn(check.warning, check.kind)
            key = entry_key(doc, check.sha256, code, strict=strict)
            reading.keys[doc.id] = key
            reading.digests[doc.path] = check.sha256
            found = cache.get(key) if cache is not None else None
            if found is None:
                pending.append(_Pending(doc, check.sha256, key))
                continue
            reading.tables[doc.id], checked = found
            if not checked:
                reading.unchecked.add(doc.id)
    workers = default_jobs(len(pending)) if jobs is None else jobs
    show = len(pending) >= PARALLEL_MIN_DOCUMENTS and sys.stderr.isatty() if progress is None else progress
    parts = runs([p.doc.id for p in pending], per_run=DOCUMENTS_PER_WORKER_RUN)
    stages = Stages.load()
    state = (pending, stages, strict, cache.folder if cache is not None else None)
    with (
        _timed(result, "read"),
        tqdm(total=len(pending), desc="documents", unit="doc", file=sys.stderr, disable=not show, leave=False) as bar,
    ):

        def then(n: int, entries: list[bytes | None]) -> None:
            for offset, (item, data) in enumerate(zip(pending[parts[n].start : parts[n].stop], entries, strict=True)):
                if data is None:  # in the cache, just written by this build's worker
                    assert cache is not None
                    entry = cache.entry(item.key, verify=False)
                else:
                    entry = decode(data, item.key)
                shares = document_tables(entry) if entry is not None else None
                if shares is None:  # the cache's copy cannot be read back (a full disk?): read it again, here
                    at = parts[n].start + offset
                    again = decode(_read_run((pending, stages, strict, None), at, at + 1)[0] or b"", item.key)
                    shares = document_tables(again) if again is not None else None
                    assert shares is not None, "an entry just encoded decodes"
                reading.tables[item.doc.id] = shares
                reading.unchecked.add(item.doc.id)

        map_runs(_read_run, state, parts, workers if workers > 1 else 0, then, bar.update)
    return reading


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
    check_unchanged: bool = True,
) -> TableSet:
    """Read ``raw_dir/sources.yaml``, build and check every table, and publish them into ``out_dir``.

    ``strict``: a section heading of no known domain is an error instead of an inferred domain.
    ``jobs``: processes reading the documents not in the cache (default: every core when
    PARALLEL_MIN_DOCUMENTS or more are to be read, else one). ``progress``: a progress bar on stderr
    (default: when stderr is a terminal and that many documents are read). ``accept_changed``: build a
    raw file whose bytes differ from its registered SHA-256 (with a warning) instead of refusing it.
    ``use_cache``: take unchanged documents from the cache beside OUT, and skip a build whose inputs
    are those of the tables in OUT (false: read everything again, and use no cache). ``check_unchanged``:
    false when the caller has just found that there is a build to do (:func:`.state.unchanged_build`).

    Returns the build's log (warnings, notes, timings); the tables are in OUT.
    """
    raw_dir = Path(raw_dir) if raw_dir else paths.raw_dir()
    out_dir = Path(out_dir) if out_dir else paths.processed_dir()
    sources = raw_dir / "sources.yaml"
    cache = BuildCache(cache_dir(out_dir)) if use_cache else None
    try:
        return _build(sources, out_dir, cache, strict, echo, jobs, progress, accept_changed, check_unchanged)
    finally:
        if cache is not None:
            cache.close()


def _build(
    sources: Path,
    out_dir: Path,
    cache: BuildCache | None,
    strict: bool,
    echo: Echo,
    jobs: int | None,
    progress: bool | None,
    accept_changed: bool,
    check_unchanged: bool,
) -> TableSet:
    result = TableSet()
    if cache is not None and check_unchanged:
        with _timed(result, "check"):
            unchanged = up_to_date(sources, out_dir, cache.folder, strict=strict)
        if unchanged is not None:
            echo_unchanged(unchanged, out_dir, echo)
            result.notes.extend(unchanged["notes"])
            return result
    with _timed(result, "check"):
        documents = load_registry(sources)
        if not documents:
            raise PolicyInputError(sources, "registers no documents: add one with `policycmp add PATH`")
    reading = read_documents(
        documents, cache, result, strict=strict, accept_changed=accept_changed, jobs=jobs, progress=progress
    )
    built = corpus_tables(documents, reading, cache, result, jobs)
    with _timed(result, "validate"):
        check_made(built, reading)
    manifest = _publish(built, sources, out_dir, result, cache, reading.digests)
    stale = manifest.pop("removed")
    if stale:
        result.notes.append(f"removed {', '.join(stale)} from {out_dir}: tables this build no longer makes")
    counts = ", ".join(f"{n} {name}" for name, n in manifest["tables"].items())
    if cache is not None:
        _keep(cache, reading, built)
        notes = [f"built {len(documents)} documents into {out_dir}: {counts}", *(f"  {n}" for n in result.notes)]
        save_state(
            cache.folder,
            {
                "fingerprint": manifest["fingerprint"],
                "files": [str(d.path) for d in documents],
                "strict": strict,
                # a build that accepted changed raw files is not one to repeat without looking again
                "clean": not any(kind == "changed_raw" for kind in result.kinds.values()),
                "warnings": result.warnings,
                "kinds": result.kinds,
                "notes": notes,
            },
        )
        if cache.rejected:
            result.warn(
                f"{cache.rejected} cache entries in {cache.folder} could not be trusted (damaged or of another "
                "version) and were read again",
                "cache",
            )
    echo_log(result.warnings, result.kinds, echo)
    echo(f"built {len(documents)} documents into {out_dir}: {counts}")
    for note in result.notes:
        echo(f"  {note}")
    if cache is not None:
        echo(f"  {cache.hits} documents from the cache, {cache.misses} read")
    return result


def _publish(
    built: Built,
    sources: Path,
    out_dir: Path,
    result: TableSet,
    cache: BuildCache | None,
    digests: Mapping[Path, str],
) -> dict[str, Any]:
    """Each table joined, checked against the whole corpus and written to a staging folder, one at a time;
    then all of them moved into OUT, and any table the last build wrote and this one does not make (its
    name changed, say) removed, so OUT holds exactly this build's tables. Returns the manifest, with the
    names of the files removed under ``removed``."""
    documents = built.documents
    ids: dict[str, pa.ChunkedArray] = {}
    known = Known(ids)  # filled as the tables it names are joined, before any table names them
    counts: dict[str, int] = {}
    with staged(out_dir) as stage:
        # the tables whose ids other tables name come first, and their ids are kept
        for name in sorted(TABLES, key=lambda name: (name not in IDS, name)):
            with _timed(result, "tables"):
                table = built.table(name)
            with _timed(result, "validate"):
                if name in IDS:
                    ids[name] = table.column(IDS[name])
                check_joined(name, table, known)
            with _timed(result, "publish"):
                stage.write(f"{name}.parquet", table)
            counts[name] = table.num_rows
            del table
            if cache is not None:
                cache.release(name)  # the cache's copy of the table, read in place, is let go of
        with _timed(result, "publish"):
            fingerprint = input_fingerprint(sources, [d.path for d in documents], digests)
            manifest: dict[str, Any] = {"fingerprint": fingerprint, "documents": [d.id for d in documents]}
            manifest["tables"] = dict(sorted(counts.items()))
            stage.write(MANIFEST, json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
            stale = sorted(f"{name}.parquet" for name in set(published_tables(out_dir)) - set(TABLES))
            stage.publish(remove=stale)
    return {**manifest, "removed": stale}


def _keep(cache: BuildCache, reading: Reading, built: Built) -> None:
    """After the checks passed and the tables were published: what this build made (the documents it read,
    the pairs and links it made) kept in the cache, in each table's order, and everything else let go."""
    shares = reading.tables
    made = []
    for doc_id in (d.id for d in built.documents if d.id in reading.unchecked):
        key, share = reading.keys[doc_id], shares[doc_id]
        text = share.text if share.text is not None else cache.text(key)
        made.append(Made(key, document_entry(share).meta, share.tables, text))
    derived = [*built.outcomes, *built.pairs, *built.standings]
    made += [Made(item.key, item.entry().meta, item.tables) for item in derived if item.made]
    orders: dict[str, list[str]] = {
        name: [reading.keys[doc_id] for doc_id in document_order(built.documents, name)] for name in DOCUMENT_TABLES
    }
    orders.update({name: [pair.key for pair in built.pairs] for name in EDITION_TABLES})
    orders["outcomes"] = [link.key for link in built.outcomes]
    orders.update({name: [unit.key for unit in built.standings] for name in STANDING_TABLES})
    cache.commit(made, set(reading.keys.values()) | {item.key for item in derived}, orders)
