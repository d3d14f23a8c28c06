"""The check every table passes before it is published, built from :mod:`policycmp.schema`.

Column checks (dtype, nulls, uniqueness, allowed values) come from the schema through pandera; row
checks that need another table (a quantity's span is the text at its offsets in its clause row) are
pandera checks too. The first violation stops the build with one line naming the table, the column
and the first bad row, and OUT stays as it was.

A build checks what it made now: the fragments of the documents it read (:func:`check_tables` with
``context``: a span is read in the clauses of the whole corpus), and every table made from the whole
corpus. What it took from the cache was checked when it was made. :func:`check_corpus` then checks
what only the whole corpus shows, over the joined tables: each table has exactly its schema's columns
and types, a unique column is unique across all documents, and every clause a row names is in the
corpus.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pandera.errors
import pandera.pandas as pa
import pyarrow
import pyarrow.compute as pc

from ..errors import PolicyInputError
from ..schema import TABLES, Column, columns
from ..vocabulary import TOOL_TYPES, domain_keys, load_indicators, load_instruments, load_policy_tools, tier_keys
from .fragments import arrow_schema


class TableCheckError(PolicyInputError):
    """A built table that breaks its schema: names the table, the column and the first bad row."""


def _vocabulary_codes() -> dict[str, tuple[str, ...]]:
    return {
        "domains": domain_keys(),
        "tiers": tier_keys(),
        "instruments": tuple(load_instruments().keys()),
        "indicators": tuple(i.key for i in load_indicators().indicators),
        "tool_types": TOOL_TYPES,
        "sub_tools": tuple(t.sub_tool for t in load_policy_tools().tools),
    }


@dataclass(frozen=True)
class RowCheck:
    """A check of each row that may read other tables; ``ok`` is True for a good row."""

    column: str
    name: str
    ok: Callable[[pd.DataFrame, dict[str, pd.DataFrame]], pd.Series]
    # a check that the row's clause exists: "clauses", or "pieces" (a clause row or a report piece); the
    # whole corpus is checked for these too (check_corpus)
    refers: str | None = None


def _reference(column: str, name: str, *, lines: bool = False) -> RowCheck:
    """The row's ``column`` names a clause row of the corpus (with ``lines``: or a report piece)."""
    return RowCheck(column, name, _clause_known(column, lines=lines), "pieces" if lines else "clauses")


def _values(column: pd.Series) -> list[Any]:
    """A column as Python values, missing ones as None: one conversion, not one lookup per row."""
    return column.astype(object).where(column.notna(), None).tolist()


def _texts(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    """The text of every clause row and every report piece, by id: what a row's offsets point into."""
    clauses = tables["clauses"]
    texts = dict(zip(clauses["clause_id"].astype(str).tolist(), clauses["text"].astype(str).tolist(), strict=True))
    lines = tables.get("report_lines")
    if lines is not None:
        texts.update(zip(lines["line_id"].astype(str).tolist(), lines["text"].astype(str).tolist(), strict=True))
    return texts


def _known_ids(tables: dict[str, pd.DataFrame], with_lines: bool) -> pd.Series:
    ids = tables["clauses"]["clause_id"]
    lines = tables.get("report_lines")
    if with_lines and lines is not None and len(lines):
        ids = pd.concat([ids, lines["line_id"]], ignore_index=True)
    return ids


def _spans_match(
    start: str, end: str, span: str = "span", clause: str = "clause_id"
) -> Callable[[pd.DataFrame, dict[str, pd.DataFrame]], pd.Series]:
    """``text[start:end] == span`` for rows that have a span and point at a clause row."""

    def ok(frame: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> pd.Series:
        texts = _texts(tables)
        columns = (_values(frame[clause]), _values(frame[start]), _values(frame[end]), _values(frame[span]))
        result = [
            # absent rows have no span; unknown clauses fail their own check
            True if value is None or clause_id is None or clause_id not in texts else texts[clause_id][s:e] == value
            for clause_id, s, e, value in zip(*columns, strict=True)
        ]
        return pd.Series(result, index=frame.index, dtype=bool)

    return ok


def _isin(values: pd.Series, known: pd.Series) -> pd.Series:
    """``values.isin(known)`` for string columns, computed by Arrow over whole arrays.

    pandas 3's Arrow-backed strings build one Arrow scalar per entry of ``known`` in Python, which
    made checking 100,000 clause ids take seconds.
    """
    array, value_set = (_arrow(column.astype("string")) for column in (values, known))
    found = pc.is_in(array, value_set=value_set.cast(array.type))
    return pd.Series(found.to_numpy(zero_copy_only=False), index=values.index, dtype=bool)


def _arrow(column: pd.Series) -> pyarrow.Array:
    array = pyarrow.array(column, from_pandas=True)
    return array.combine_chunks() if isinstance(array, pyarrow.ChunkedArray) else array


def _clause_known(
    column: str = "clause_id", *, lines: bool = False
) -> Callable[[pd.DataFrame, dict[str, pd.DataFrame]], pd.Series]:
    """The row's clause is a row of ``clauses`` (or, with ``lines``, a piece of ``report_lines``)."""

    def ok(frame: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> pd.Series:
        return frame[column].isna() | _isin(frame[column], _known_ids(tables, lines))

    return ok


def _non_empty(column: str) -> Callable[[pd.DataFrame, dict[str, pd.DataFrame]], pd.Series]:
    def ok(frame: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> pd.Series:
        return frame[column].isna() | (frame[column].astype(str).str.len() > 0)

    return ok


def _range_ordered(
    low: str = "value", high: str = "value_high"
) -> Callable[[pd.DataFrame, dict[str, pd.DataFrame]], pd.Series]:
    def ok(frame: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> pd.Series:
        return frame[low].isna() | frame[high].isna() | (frame[high] >= frame[low])

    return ok


def _stated_has_clause(frame: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> pd.Series:
    return ~frame["stated"].astype(bool) | frame["clause_id"].notna()


def _change_has_its_clauses(frame: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> pd.Series:
    """A pair names both clauses and a similarity; `added` only the newer clause, `removed` only the older."""
    older, newer, scored = frame["from_clause"].notna(), frame["to_clause"].notna(), frame["similarity"].notna()
    change = frame["change"]
    return (
        ((change == "added") & ~older & newer & ~scored)
        | ((change == "removed") & older & ~newer & ~scored)
        | (change.isin(["unchanged", "reworded", "amounts_changed"]) & older & newer & scored)
    )


def _within_one(column: str) -> Callable[[pd.DataFrame, dict[str, pd.DataFrame]], pd.Series]:
    def ok(frame: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> pd.Series:
        return frame[column].isna() | frame[column].between(0.0, 1.0)

    return ok


def _amount_on_a_side(frame: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> pd.Series:
    """An amount that differs has a figure before or after (or both), and its spans go with them."""
    before, after = frame["before_span"].notna(), frame["after_span"].notna()
    return (before | after) & (before == frame["before"].notna()) & (after == frame["after"].notna())


def _stated_has_object(frame: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> pd.Series:
    return ~frame["stated"].astype(bool) | (frame["object"].notna() & (frame["object"].astype(str).str.len() > 0))


def _unclassified_has_amount(frame: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> pd.Series:
    return frame["instrument"].notna() | frame["value"].notna()


# A bracket of the condition an amount is granted on (ge_10000000_cny, 10000000_to_50000000_cny, le_5_pct).
BRACKET = re.compile(r"^(?:(?:ge|le)_[0-9p]+|[0-9p]+_to_[0-9p]+)_[a-z0-9_]+$")


def _variant_known(frame: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> pd.Series:
    known = set(load_instruments().variant_keys())
    values = _values(frame["variant"])
    return pd.Series(
        [v is None or v in known or BRACKET.match(v) is not None for v in values], index=frame.index, dtype=bool
    )


ROW_CHECKS: dict[str, list[RowCheck]] = {
    "clauses": [RowCheck("text", "non-empty text", _non_empty("text"))],
    "quantities": [
        RowCheck("span", "non-empty span", _non_empty("span")),
        RowCheck("span", "span == text[start:end] of its clause (or report piece)", _spans_match("start", "end")),
        _reference("clause_id", "clause_id in clauses or report_lines", lines=True),
        RowCheck("value_high", "value_high >= value", _range_ordered()),
    ],
    "comparisons": [
        RowCheck("clause_id", "a stated row names its clause", _stated_has_clause),
        RowCheck("object", "a stated row says what is rewarded", _stated_has_object),
        RowCheck("value", "a row of no instrument has an amount", _unclassified_has_amount),
        RowCheck("variant", "a variant of instruments.yaml or a bracket", _variant_known),
        _reference("clause_id", "clause_id in clauses"),
        RowCheck("span", "non-empty span", _non_empty("span")),
        RowCheck("span", "span == text[span_start:span_end] of its clause", _spans_match("span_start", "span_end")),
        RowCheck("value_high", "value_high >= value", _range_ordered()),
    ],
    "budgets": [
        _reference("clause_id", "clause_id in clauses"),
        RowCheck("span", "non-empty span", _non_empty("span")),
        RowCheck("span", "span == text[span_start:span_end] of its clause", _spans_match("span_start", "span_end")),
    ],
    "targets": [
        _reference("clause_id", "clause_id in clauses (or a line of a city work report)", lines=True),
        RowCheck("span", "non-empty span", _non_empty("span")),
        RowCheck("span", "span == text[span_start:span_end] of its clause", _spans_match("span_start", "span_end")),
        RowCheck("value_high", "value_high >= value", _range_ordered()),
    ],
    "outcomes": [_reference("policy_clause_id", "policy_clause_id in clauses")],
    "budget_summary": [_reference("total_clause_id", "total_clause_id in clauses")],
    "subsidy_ranks": [
        _reference("clause_id", "clause_id in clauses"),
        RowCheck("span", "span == text[span_start:span_end] of its clause", _spans_match("span_start", "span_end")),
        RowCheck("rank", "rank from 1 to of", lambda f, t: (f["rank"] >= 1) & (f["rank"] <= f["of"])),
    ],
    "standings": [
        _reference("clause_id", "clause_id in clauses"),
        RowCheck("span", "span == text[span_start:span_end] of its clause", _spans_match("span_start", "span_end")),
    ],
    "clause_tools": [
        _reference("clause_id", "clause_id in clauses"),
        RowCheck("span", "span == text[span_start:span_end] of its clause", _spans_match("span_start", "span_end")),
    ],
    "clause_changes": [
        _reference("from_clause", "from_clause in clauses"),
        _reference("to_clause", "to_clause in clauses"),
        RowCheck(
            "change", "a pair names both clauses, added the newer only, removed the older only", _change_has_its_clauses
        ),
        RowCheck("similarity", "similarity from 0 to 1", _within_one("similarity")),
    ],
    "amount_changes": [
        _reference("from_clause", "from_clause in clauses"),
        _reference("to_clause", "to_clause in clauses"),
        RowCheck("before_span", "a figure before or after, each with its span", _amount_on_a_side),
        RowCheck(
            "before_span",
            "before_span == text[before_start:before_end] of from_clause",
            _spans_match("before_start", "before_end", "before_span", "from_clause"),
        ),
        RowCheck(
            "after_span",
            "after_span == text[after_start:after_end] of to_clause",
            _spans_match("after_start", "after_end", "after_span", "to_clause"),
        ),
    ],
}


def _column_schema(column: Column, codes: dict[str, tuple[str, ...]]) -> pa.Column:
    checks = []
    if column.codes is not None:
        allowed = codes[column.codes] if isinstance(column.codes, str) else column.codes
        checks.append(pa.Check.isin(list(allowed), name=f"one of {', '.join(allowed)}"))
    return pa.Column(column.dtype, checks=checks, nullable=column.nullable, unique=column.unique, name=column.name)


def table_schema(
    name: str, tables: dict[str, pd.DataFrame], codes: dict[str, tuple[str, ...]] | None = None
) -> pa.DataFrameSchema:
    """The pandera schema of table ``name``; row checks read the other ``tables``."""
    codes = codes or _vocabulary_codes()
    row_type = TABLES[name]
    checks = [
        pa.Check(lambda frame, c=check: c.ok(frame, tables), name=f"{check.column}: {check.name}")
        for check in ROW_CHECKS.get(name, [])
    ]
    return pa.DataFrameSchema(
        {c.name: _column_schema(c, codes) for c in columns(row_type)},
        checks=checks,
        strict=True,
        ordered=True,
        name=name,
    )


def _describe(name: str, frame: pd.DataFrame, error: pandera.errors.SchemaError) -> str:
    check = error.check
    check_name = getattr(check, "name", None) or str(check) if check is not None else "schema"
    column = getattr(error.schema, "name", None) if isinstance(error.schema, pa.Column) else None
    if column is None and isinstance(check_name, str) and ": " in check_name:
        column, check_name = check_name.split(": ", 1)
    cases = error.failure_cases
    row = None
    value: Any = None
    if isinstance(cases, pd.DataFrame) and not cases.empty:
        if "index" in cases.columns and pd.notna(cases["index"].iloc[0]):
            row = int(cases["index"].iloc[0])
        value = cases["failure_case"].iloc[0] if "failure_case" in cases.columns else None
    where = f"column {column!r}" if column else "the table"
    if row is not None and row in frame.index:
        ident = next((c for c in ("clause_id", "doc_id", "instrument") if c in frame.columns), None)
        known = ident is not None and bool(frame[ident].notna().loc[row])
        label = f" ({ident} {frame.at[row, ident]!r})" if known else ""
        shown = frame.at[row, column] if column in frame.columns else value
        return f"{where}, row {row}{label}: check {check_name!r} failed (value {shown!r})"
    detail = f" (value {value!r})" if value is not None and not isinstance(value, bool) else ""
    reason = str(error).splitlines()[0] if not check else f"check {check_name!r} failed"
    return f"{where}: {reason}{detail}"


def check_tables(
    tables: Mapping[str, pd.DataFrame],
    *,
    names: Sequence[str] | None = None,
    context: Mapping[str, pd.DataFrame] | None = None,
) -> None:
    """Validate every table (or those ``names``) against its schema; raise :class:`TableCheckError` at the
    first violation. Row checks read the clauses and report pieces of ``context`` (default: ``tables``)."""
    codes = _vocabulary_codes()
    lookup = dict(context if context is not None else tables)
    for name in TABLES if names is None else names:
        if name not in tables:
            raise TableCheckError(f"{name}.parquet", "the build produced no such table")
        frame = tables[name]
        try:
            table_schema(name, lookup, codes).validate(frame, lazy=False)
        except pandera.errors.SchemaErrors as errors:
            first = errors.schema_errors[0] if errors.schema_errors else None
            if isinstance(first, pandera.errors.SchemaError):
                raise TableCheckError(f"{name}.parquet", _describe(name, frame, first)) from None
            raise TableCheckError(f"{name}.parquet", str(errors).splitlines()[0]) from None
        except pandera.errors.SchemaError as error:
            raise TableCheckError(f"{name}.parquet", _describe(name, frame, error)) from None


# --- what only the whole corpus shows ------------------------------------------------------------------


@dataclass(frozen=True)
class Known:
    """The ids a row may name, by table: ``clauses`` (clause_id) and ``report_lines`` (line_id)."""

    ids: Mapping[str, pyarrow.ChunkedArray]
    _sets: dict[str, pyarrow.Array] = field(default_factory=dict, compare=False)

    def of(self, refers: str) -> pyarrow.Array:
        """The clause ids (``refers`` "clauses"), or those and the report pieces' ("pieces")."""
        if refers not in self._sets:
            names = ("clauses", "report_lines") if refers == "pieces" else ("clauses",)
            chunks = [chunk for name in names for chunk in self.ids[name].chunks]
            self._sets[refers] = pyarrow.concat_arrays(chunks) if chunks else pyarrow.array([], pyarrow.large_string())
        return self._sets[refers]


def check_corpus(tables: Mapping[str, pyarrow.Table]) -> None:
    """:func:`check_joined` for every table of the schema (each must be there)."""
    known = Known(
        {"clauses": tables["clauses"].column("clause_id"), "report_lines": tables["report_lines"].column("line_id")}
    )
    for name in TABLES:
        if name not in tables:
            raise TableCheckError(f"{name}.parquet", "the build produced no such table")
        check_joined(name, tables[name], known)


def check_joined(name: str, table: pyarrow.Table, known: Known) -> None:
    """A joined table as it will be written: exactly its schema's columns and types, no value of a unique
    column twice, and every clause (or report piece) its rows name among ``known``. Raises
    :class:`TableCheckError` naming the first."""
    expected = arrow_schema(name)
    if not table.schema.equals(expected, check_metadata=True):
        difference = _schema_difference(table.schema, expected)
        raise TableCheckError(f"{name}.parquet", f"its columns are not those of the schema ({difference})")
    for column in columns(TABLES[name]):
        values = table.column(column.name)
        if column.unique and pc.count_distinct(values, mode="all").as_py() != len(values):
            counts = pc.value_counts(values)
            twice = counts.filter(pc.greater(counts.field("counts"), 1))[0]["values"].as_py()
            raise TableCheckError(f"{name}.parquet", f"column {column.name!r}: {twice!r} is in more than one row")
    for check in ROW_CHECKS.get(name, []):
        if check.refers is None:
            continue
        values = table.column(check.column)
        unknown = pc.and_(pc.is_valid(values), pc.invert(pc.is_in(values, value_set=known.of(check.refers))))
        if pc.any(unknown).as_py():
            row = pc.index(unknown, True).as_py()
            raise TableCheckError(
                f"{name}.parquet",
                f"column {check.column!r}, row {row}: check {check.name!r} failed (value {values[row].as_py()!r})",
            )


def _schema_difference(found: pyarrow.Schema, expected: pyarrow.Schema) -> str:
    if found.names != expected.names:
        return f"columns {found.names} instead of {expected.names}"
    for a, b in zip(found, expected, strict=True):
        if a.type != b.type:
            return f"{a.name} is {a.type}, not {b.type}"
    return "its pandas metadata differs"
