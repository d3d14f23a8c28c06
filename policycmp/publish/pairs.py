"""Each two consecutive editions of a district's policy paired: taken from the cache when neither edition
changed, else made, in worker processes when there are many to make.

A pair is a unit of the cache like a document (:func:`.cache.derived_key`: the keys of its two editions),
so adding a document pairs at most the two pairs it is part of. A cold build of a thousand policies has a
thousand pairs to make: they are cut into runs of consecutive pairs and made in forked workers (which read
the two editions' rows from the documents' fragments they inherit), a middle edition's text read once for
both its pairs within a run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pyarrow as pa

from ..compare.changes import EditionRows, EditionText, consecutive_editions, paired, without_common_clause
from ..model import Document
from ..vocabulary import EditionRules, Layout, load_edition_rules, load_layout
from .assemble import Derived
from .cache import BuildCache, Entry, decode, derived_key, encode
from .documents import DocumentTables, Rows
from .fragments import fragment
from .parallel import PARALLEL_MIN_DOCUMENTS, Run, default_jobs, map_runs

WITHOUT_COMMON = "editions_without_common_clause"
PAIRS_PER_RUN = 10


class Pairing:
    """Pairs made one after another, each edition's rows and text read once for both its pairs."""

    def __init__(self, shares: Mapping[str, DocumentTables], rules: EditionRules, layout: Layout):
        self.rows = Rows(shares)
        self.rules, self.layout = rules, layout
        self._texts: dict[str, EditionText] = {}

    def _edition(self, doc: Document) -> tuple[EditionRows, EditionText]:
        found = EditionRows(doc, self.rows.clauses(doc.id), self.rows.quantities(doc.id))
        if doc.id not in self._texts:
            self._texts[doc.id] = EditionText.of(found.rows, self.rules, self.layout)
        return found, self._texts[doc.id]

    def make(self, older: Document, newer: Document) -> tuple[dict[str, pa.Table], list[tuple[str, str]]]:
        """The pair's tables and warnings; the older edition is then let go of (pairs come oldest first)."""
        (old_rows, old_text), (new_rows, new_text) = self._edition(older), self._edition(newer)
        result = paired(old_rows, new_rows, old_text, new_text, self.rules)
        self._texts.pop(older.id, None)
        self.rows.forget(older.id)
        tables = {
            "edition_pairs": fragment("edition_pairs", [result.pair]),
            "clause_changes": fragment("clause_changes", result.clauses),
            "amount_changes": fragment("amount_changes", result.amounts),
        }
        warnings = [] if result.pair.in_common else [(without_common_clause(older.id, newer.id), WITHOUT_COMMON)]
        return tables, warnings


_State = tuple[list[tuple[Document, Document, str]], Mapping[str, DocumentTables], EditionRules, Layout]


def _pair_run(state: _State, start: int, stop: int) -> list[bytes]:
    """Pairs ``start:stop`` made, each encoded as a cache entry: a worker's whole result."""
    todo, shares, rules, layout = state
    pairing = Pairing(shares, rules, layout)
    out = []
    for older, newer, key in todo[start:stop]:
        tables, warnings = pairing.make(older, newer)
        out.append(encode(Entry(tables, {"warnings": warnings}), key))
    return out


def edition_pairs(
    documents: Sequence[Document],
    keys: Mapping[str, str],
    shares: Mapping[str, DocumentTables],
    cache: BuildCache | None,
    jobs: int | None = None,
) -> list[Derived]:
    """Each two consecutive editions of a district's policy, paired (taken from the cache when neither
    changed), in the tables' order: district by district, oldest pair first. ``jobs``: processes making
    the pairs not in the cache (default: every core when there are many)."""
    rules, layout = load_edition_rules(), load_layout()
    pairs = [
        (older, newer, derived_key("edition_pair", [keys[older.id], keys[newer.id]]))
        for older, newer in consecutive_editions(documents)
    ]
    found: dict[str, Derived] = {}
    if cache is not None:
        for _, _, key in pairs:
            entry = cache.derived(key)
            warnings = entry.meta.get("warnings") if entry is not None else None
            if entry is not None and isinstance(warnings, list):
                found[key] = Derived(key, entry.tables, False, [(str(m), str(k)) for m, k in warnings])
    todo = [pair for pair in pairs if pair[2] not in found]
    workers = default_jobs(len(todo)) if jobs is None else jobs
    if workers > 1 and len(todo) >= PARALLEL_MIN_DOCUMENTS:
        parts = [Run(n, min(n + PAIRS_PER_RUN, len(todo)), 0) for n in range(0, len(todo), PAIRS_PER_RUN)]

        def then(n: int, entries: list[bytes]) -> None:
            for (_, _, key), data in zip(todo[parts[n].start : parts[n].stop], entries, strict=True):
                entry = decode(data, key)
                assert entry is not None, "an entry just encoded decodes"
                found[key] = Derived(key, entry.tables, True, [(str(m), str(k)) for m, k in entry.meta["warnings"]])

        map_runs(_pair_run, (todo, shares, rules, layout), parts, workers, then)
    else:
        pairing = Pairing(shares, rules, layout)
        for older, newer, key in todo:
            tables, warnings = pairing.make(older, newer)
            found[key] = Derived(key, tables, True, warnings)
    return [found[key] for _, _, key in pairs]
