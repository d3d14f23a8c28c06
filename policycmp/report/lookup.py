"""Finding comparable clauses across districts, for researchers working in Jupyter.

``search`` is a text search over every district's clauses at once; ``similar`` ranks the clauses of
the *other* districts by how alike they read, so a comparable measure turns up even when each
district words it differently. Both take the clause table (or a dict of tables holding it) and
default to :func:`policycmp.load_clauses`.
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..chinese import simplified
from ..vocabulary import SimilaritySettings, domain_keys, load_similarity_settings

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer

SEARCH_COLUMNS: dict[str, str] = {
    "district": "string",
    "year": "int64",
    "domain": "string",
    "clause_id": "string",
    "title": "string",
    "snippet": "string",
    "text": "string",
    "doc_id": "string",
    "seq": "int64",
    "matches": "int64",
}
SIMILAR_COLUMNS: dict[str, str] = {
    "clause_id": "string",
    "district": "string",
    "year": "int64",
    "domain": "string",
    "title": "string",
    "score": "float64",
    "text": "string",
    "rank": "int64",
}
SNIPPET_CONTEXT = 20  # characters either side of the first match: about one phrase of Chinese


class UnknownClauseError(KeyError, ValueError):
    """An id that is not in the clause table. Both a KeyError (a lookup miss) and a ValueError (a bad
    argument), so either ``except`` a researcher writes catches it."""

    def __str__(self) -> str:  # KeyError would print the message in quotes
        return str(self.args[0])


def clause_table_of(tables: pd.DataFrame | dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The clause table, given itself or a dict of tables holding it."""
    if isinstance(tables, pd.DataFrame):
        return tables
    return tables["clauses"]


def comparison_table_of(tables: pd.DataFrame | dict[str, pd.DataFrame]) -> pd.DataFrame | None:
    """The comparison table when ``tables`` is a dict holding it (``similar`` then uses instruments and objects)."""
    if isinstance(tables, dict):
        return tables.get("comparisons")
    return None


# --- search -----------------------------------------------------------------------------------


def _pattern(query: str) -> re.Pattern[str]:
    """A regex when the query is one, else the literal text; traditional characters are also tried
    as simplified (the documents are simplified), and full-width forms as the texts store them."""
    if not isinstance(query, str) or not query.strip():
        raise ValueError("search() needs a non-empty query, e.g. policycmp.search('孵化器')")
    forms = []
    for form in (query.strip(), simplified(unicodedata.normalize("NFKC", query.strip()))):
        try:
            re.compile(form)
            forms.append(form)
        except re.error:  # '(' or '[' typed as plain text
            forms.append(re.escape(form))
    unique = list(dict.fromkeys(forms))
    return re.compile("|".join(f"(?:{f})" for f in unique))


def _snippet(text: str, match: re.Match[str]) -> str:
    start, end = match.span()
    before = text[max(0, start - SNIPPET_CONTEXT) : start]
    after = text[end : end + SNIPPET_CONTEXT]
    lead = "…" if start > SNIPPET_CONTEXT else ""
    tail = "…" if end + SNIPPET_CONTEXT < len(text) else ""
    return " ".join(f"{lead}{before}【{match.group(0)}】{after}{tail}".split())


def _domain_order(domain: pd.Series) -> pd.Series:
    order = {key: i for i, key in enumerate(domain_keys())}
    return domain.map(lambda d: order.get(d, len(order)) if isinstance(d, str) else len(order) + 1)


def search(query: str, *, tables: pd.DataFrame | dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Clauses of every district whose text matches ``query`` (a regex or plain text, traditional
    or simplified characters), side by side: sorted by domain (in the package's domain order),
    then district, then position in the document. ``snippet`` shows the first match in 【】."""
    rx = _pattern(query)
    clauses = clause_table_of(tables)
    rows = []
    for row in clauses.itertuples(index=False):
        text = str(row.text)
        hits = [m for m in rx.finditer(text) if m.end() > m.start()]
        if not hits:
            continue
        rows.append(
            {
                "district": row.district,
                "year": row.year,
                "domain": row.domain,
                "clause_id": row.clause_id,
                "title": row.title,
                "snippet": _snippet(text, hits[0]),
                "text": text,
                "doc_id": row.doc_id,
                "seq": row.seq,
                "matches": len(hits),
            }
        )
    frame = pd.DataFrame(rows, columns=list(SEARCH_COLUMNS)).astype(SEARCH_COLUMNS)
    if frame.empty:
        return frame
    frame = frame.assign(_domain=_domain_order(frame["domain"]))
    frame = frame.sort_values(["_domain", "district", "seq", "clause_id"], kind="stable")
    return frame.drop(columns="_domain").reset_index(drop=True)


# --- similar ----------------------------------------------------------------------------------


def _settings() -> SimilaritySettings:
    return load_similarity_settings()


def comparable_text(text: str) -> str:
    """The part of a clause that says what the measure is: without its number prefix, the
    responsible units and the figures (amounts differ between districts by design)."""
    for rx in _settings().strip:
        text = rx.sub(" ", text)
    return " ".join(text.split())


@dataclass(frozen=True)
class SimilarityIndex:
    clauses: pd.DataFrame  # the clause table, positionally aligned with ``vectors``
    vectors: Any  # L2-normalised TF-IDF rows (a scipy sparse matrix, untyped)
    position: dict[str, int]

    def scores(self, clause_id: str) -> np.ndarray:
        """Cosine similarity of one clause with every row, plus the same-domain boost."""
        i = self.position[clause_id]
        cosine = (self.vectors @ self.vectors[i].T).toarray().ravel()
        domains = self.clauses["domain"].fillna("").to_numpy(dtype=object)
        same = (domains == domains[i]) & (domains != "")  # closing rows have no domain to share
        return cosine + _settings().domain_boost * same.astype(np.float64)


def _vectorizer(**settings: Any) -> TfidfVectorizer:
    """A TF-IDF vectorizer. scikit-learn (with scipy.stats, 0.9 s) is imported on the first index built,
    not with this module: ``policycmp report`` imports the views to plan and hash its pages, and its
    kernels import scikit-learn as they start (:data:`policycmp.report.kernel.WARM_UP`)."""
    text = importlib.import_module("sklearn.feature_extraction.text")
    return text.TfidfVectorizer(**settings)


def build_index(clauses: pd.DataFrame) -> SimilarityIndex:
    """TF-IDF on character 1–3-grams of each row's comparable text.

    Character n-grams need no word segmentation, which Chinese would otherwise require, and they
    still match 孵化器 with 孵化体系 or 研发投入 with 研发费用 through shared characters.
    """
    settings = _settings()
    clauses = clauses.reset_index(drop=True)
    vectorizer = _vectorizer(
        analyzer="char",
        ngram_range=settings.ngram_range,
        sublinear_tf=settings.sublinear_tf,
        norm="l2",
        dtype=np.float64,
    )
    vectors = vectorizer.fit_transform([comparable_text(str(t)) for t in clauses["text"]])
    return SimilarityIndex(clauses, vectors.tocsr(), {str(c): i for i, c in enumerate(clauses["clause_id"])})


_INDEX_CACHE: dict[int, SimilarityIndex] = {}


@dataclass(frozen=True)
class AwardIndex:
    """What the comparison table says each clause rewards: its instruments and its rows' objects."""

    instruments: list[frozenset[str]]  # aligned with the clause index's rows
    objects: Any  # L2-normalised TF-IDF rows of the objects (a scipy sparse matrix), aligned likewise


def build_award_index(index: SimilarityIndex, comparisons: pd.DataFrame) -> AwardIndex:
    """Each clause's instrument keys and objects, from the stated rows of the comparison table."""
    stated = comparisons[comparisons["stated"].map(lambda v: v is True) & comparisons["clause_id"].notna()]
    keys: dict[str, set[str]] = {}
    objects: dict[str, list[str]] = {}
    for clause_id, instrument, obj in zip(stated["clause_id"], stated["instrument"], stated["object"], strict=True):
        if isinstance(instrument, str):
            keys.setdefault(str(clause_id), set()).add(instrument)
        if isinstance(obj, str):
            objects.setdefault(str(clause_id), []).append(obj)
    ids = [str(c) for c in index.clauses["clause_id"]]
    settings = _settings()
    vectorizer = _vectorizer(analyzer="char", ngram_range=settings.ngram_range, norm="l2", dtype=np.float64)
    texts = [" ".join(dict.fromkeys(objects.get(c, []))) for c in ids]
    vectors = vectorizer.fit_transform(texts) if any(texts) else None
    return AwardIndex([frozenset(keys.get(c, ())) for c in ids], vectors.tocsr() if vectors is not None else None)


_AWARD_CACHE: dict[tuple[int, int], AwardIndex] = {}


def _award_index_for(index: SimilarityIndex, comparisons: pd.DataFrame) -> AwardIndex:
    columns = [c for c in ("clause_id", "instrument", "object", "stated") if c in comparisons.columns]
    key = (id(index), int(pd.util.hash_pandas_object(comparisons[columns].astype("string"), index=False).sum()))
    if key not in _AWARD_CACHE:
        _AWARD_CACHE.clear()
        _AWARD_CACHE[key] = build_award_index(index, comparisons)
    return _AWARD_CACHE[key]


def award_scores(index: SimilarityIndex, awards: AwardIndex, clause_id: str) -> np.ndarray:
    """What the comparison table adds to each row's score for ``clause_id``: the share of its
    instruments the row also states (times the instrument boost), and the cosine of their objects
    (times the object weight)."""
    settings = _settings()
    i = index.position[clause_id]
    mine = awards.instruments[i]
    shared = np.array(
        [len(mine & theirs) / len(mine) if mine else 0.0 for theirs in awards.instruments], dtype=np.float64
    )
    scores = settings.instrument_boost * shared
    if awards.objects is not None and awards.objects[i].nnz:
        scores = scores + settings.object_weight * (awards.objects @ awards.objects[i].T).toarray().ravel()
    return scores


def _index_for(clauses: pd.DataFrame) -> SimilarityIndex:
    # Keyed on content, not object identity, so a reloaded table reuses the index and an edited one
    # does not.
    key = int(pd.util.hash_pandas_object(clauses[["clause_id", "text", "domain"]], index=False).sum())
    if key not in _INDEX_CACHE:
        _INDEX_CACHE.clear()
        _INDEX_CACHE[key] = build_index(clauses)
    return _INDEX_CACHE[key]


def unknown_clause(clause_id: object, clauses: pd.DataFrame) -> UnknownClauseError:
    example = str(clauses["clause_id"].iloc[0]) if len(clauses) else "zhenhai-2024-policy:c15"
    return UnknownClauseError(
        f"unknown clause_id {clause_id!r}: ids look like {example!r}; list them with "
        "policycmp.load_clauses()['clause_id'] or find one with policycmp.search('孵化器')"
    )


def similar(
    clause_id: str,
    k: int = 5,
    *,
    tables: pd.DataFrame | dict[str, pd.DataFrame],
    districts: str | list[str] | None = None,
) -> pd.DataFrame:
    """The ``k`` clauses of *other* districts that read most like ``clause_id``, best first.

    ``score`` is the cosine similarity of TF-IDF character n-grams (0–1) plus a small boost when
    both rows are in the same policy domain. When ``tables`` holds the comparison table too, what it
    says a clause rewards counts: a boost for the share of the clause's instruments the other states,
    and the likeness of their objects (``similarity`` in outcome_rules.yaml), so a clause about the
    same instrument ranks first however differently each district words it. ``districts`` limits the
    candidates further (e.g. ``["linping"]``). Ties are broken by clause_id, so the answer is
    deterministic.
    """
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or k < 1:
        raise ValueError(f"k must be a positive whole number, not {k!r}")
    clauses = clause_table_of(tables)
    index = _index_for(clauses)
    if clause_id not in index.position:
        raise unknown_clause(clause_id, clauses)
    frame = index.clauses
    own = frame["district"].iloc[index.position[clause_id]]
    keep = (frame["district"] != own).to_numpy(dtype=bool)
    if districts is not None:
        wanted = {districts} if isinstance(districts, str) else set(districts)
        keep &= frame["district"].isin(wanted).to_numpy(dtype=bool)
    scores = index.scores(clause_id)
    comparisons = comparison_table_of(tables)
    if comparisons is not None and len(comparisons):
        scores = scores + award_scores(index, _award_index_for(index, comparisons), clause_id)
    candidates = frame.loc[keep, ["clause_id", "district", "year", "domain", "title", "text"]].copy()
    candidates["score"] = np.round(scores[keep], 6)  # rounding keeps ties stable across BLAS builds
    candidates = candidates.sort_values(["score", "clause_id"], ascending=[False, True], kind="stable").head(int(k))
    candidates["rank"] = np.arange(1, len(candidates) + 1)
    return candidates[list(SIMILAR_COLUMNS)].astype(SIMILAR_COLUMNS).reset_index(drop=True)


def closest_pairs(clauses: pd.DataFrame, domain: str, n: int) -> list[tuple[str, str, float]]:
    """The ``n`` most alike pairs of a domain's numbered clauses from different districts, best first.

    Scored as :func:`similar` scores them (TF-IDF over the whole clause table, same-domain boost). When
    only one district has the domain (the element-guarantee lists), each of its clauses is paired
    with any row of the other districts instead. Computed as one matrix product per domain, so a
    province of clauses costs what a handful did; ties are broken by clause_id.
    """
    index = _index_for(clauses)
    frame = index.clauses
    mine = np.flatnonzero(((frame["domain"] == domain) & (frame["row_kind"] == "clause")).to_numpy(dtype=bool))
    if not len(mine):
        return []
    districts = frame["district"].to_numpy(dtype=object)
    within = len(set(districts[mine])) >= 2
    others = mine if within else np.flatnonzero(districts != districts[mine[0]])
    scores = (index.vectors[mine] @ index.vectors[others].T).toarray()
    domains = frame["domain"].fillna("").to_numpy(dtype=object)
    scores += _settings().domain_boost * (domains[others] == domain)[None, :]
    scores = np.round(scores, 6)  # rounding keeps ties stable across BLAS builds
    allowed = districts[mine][:, None] != districts[others][None, :]
    if within:
        allowed &= mine[:, None] < others[None, :]  # each unordered pair once
    rows, cols = np.nonzero(allowed)
    if not len(rows):
        return []
    values = scores[rows, cols]
    # Everything at or above the n-th best score, then ties broken by the clause ids. Where many clauses read
    # alike (a province's copied measures), tens of thousands of pairs tie at the threshold: they are ordered
    # by each id's place in the ids' sorted order (what comparing the ids as text gives), not as tuples of text.
    threshold = np.sort(values)[::-1][min(n, len(values)) - 1]
    keep = values >= threshold
    ids = frame["clause_id"].astype(str).to_numpy(dtype=object)
    names, place = np.unique(ids, return_inverse=True)
    first, second, values = place[mine[rows[keep]]], place[others[cols[keep]]], values[keep]
    if within:
        first, second = np.minimum(first, second), np.maximum(first, second)
    best = np.lexsort((second, first, -values))[:n]  # stable, as sorting the tuples was
    return [(str(names[first[i]]), str(names[second[i]]), float(values[i])) for i in best]
