"""One district's policy, edition by edition, set against the districts: what a district profile shows.

A profile shows one edition of the district — its default (latest final, else latest draft), or a given
year's — and lists every edition. Each figure is the edition's own (its rows of the published tables), set
against the quartiles the build published for the same edition selection (``standings``,
``subsidy_ranks``), so the district is compared with the other districts' same choice of edition.
"""

from __future__ import annotations

from typing import Any, cast

import pandas as pd

from ..vocabulary import domain_keys
from .amounts import is_missing
from .editions import every_edition, picked
from .province import spreads, standings, subsidy_ranks
from .subsidies import instrument_order, level_order, variant_order, with_caps
from .tables import known_districts, once_per_file, rows_of, shared, table


class NoEdition(ValueError):
    """A district without a policy edition of the year asked for (a one-line error in Jupyter)."""

    def _render_traceback_(self) -> list[str]:
        return [f"NoEdition: {self}"]


def edition_of(district: str, year: int | None = None) -> pd.Series:
    """The ``documents`` row of the edition a profile of ``district`` shows: its default, or ``year``'s."""
    found = _edition_by_district(year).get(district)
    if found is None:
        known_districts(district, "district")
        years = ", ".join(str(y) for y in every_edition(district)["year"]) or "none"
        what = "policy" if year is None else f"policy edition of {year}"
        raise NoEdition(f"district {district!r} has no {what} (its policy editions: {years})")
    return found.copy()


def _edition_by_district(year: int | None) -> dict[Any, pd.Series]:
    """Each district's chosen edition (its first row of :func:`picked`), once per table file: a profile asks
    for it six times, and selecting it from the chosen editions each time was a tenth of the page's analysis."""

    def compute() -> dict[Any, pd.Series]:
        chosen = picked(year)
        return {district: rows.iloc[0].astype(object) for district, rows in chosen.groupby("district", sort=False)}

    return once_per_file(f"profile:edition_of:{year}", ("documents",), compute)


def _by(frame: pd.DataFrame, column: str) -> dict[Any, dict[str, Any]]:
    """A frame's rows as dicts, by the value of one column (the first row of each value)."""
    found: dict[Any, dict[str, Any]] = {}
    for row in frame.to_dict("records"):
        found.setdefault(row[column], {str(k): v for k, v in row.items()})
    return found


def edition_rows(name: str, edition: pd.Series) -> pd.DataFrame:
    """The rows of table ``name`` that belong to ``edition`` (a row of ``documents``), in the table's order."""
    return rows_of(name, "doc_id", edition["doc_id"])


TOOL_TYPES = ("supply", "environment", "demand")


def _by_measure(measure: str, year: int | None) -> dict[Any, dict[str, Any]]:
    """The districts' quartiles of ``measure`` by item (:func:`_by` of :func:`spreads`), once per table file."""
    return once_per_file(
        f"profile:spreads:{measure}:{year}", ("standings",), lambda: _by(spreads(measure, year), "item")
    )


def _domain_counts() -> dict[Any, dict[Any, dict[str, Any]]]:
    """Per edition (``doc_id``) and domain: its section's heading and lead department (the first row's), its
    numbered clauses, quantities, subsidy amounts and tools by type, counted in one pass over each table once
    per table file rather than filtering an edition's rows domain by domain on every profile."""

    def compute() -> dict[Any, dict[Any, dict[str, Any]]]:
        found: dict[Any, dict[Any, dict[str, Any]]] = {}

        def counts(doc: Any, domain: Any) -> dict[str, Any]:
            return found.setdefault(doc, {}).setdefault(
                domain,
                {"heading": None, "lead_department": None, "first": True, "clauses": 0, "quantities": 0}
                | {"subsidy_amounts": 0, **dict.fromkeys(TOOL_TYPES, 0)},
            )

        clauses = shared("clauses")
        for doc, domain, kind, heading, lead in zip(
            clauses["doc_id"],
            clauses["domain"],
            clauses["row_kind"],
            clauses["section_name"],
            clauses["lead_department"],
        ):
            here = counts(doc, domain)
            if here["first"]:
                here.update(heading=heading, lead_department=lead, first=False)
            here["clauses"] += kind == "clause"
        quantities = shared("quantities")
        for doc, domain, kind in zip(quantities["doc_id"], quantities["domain"], quantities["kind"]):
            here = counts(doc, domain)
            here["quantities"] += 1
            here["subsidy_amounts"] += kind == "subsidy"
        tools = shared("clause_tools")
        for doc, domain, kind in zip(tools["doc_id"], tools["domain"], tools["tool_type"]):
            if kind in TOOL_TYPES:
                counts(doc, domain)[kind] += 1
        return found

    return once_per_file("profile:domain_counts", ("clauses", "quantities", "clause_tools"), compute)


def profile_domains(district: str, year: int | None = None) -> pd.DataFrame:
    """One row per domain of the district's sections and the other districts' (vocabulary order): the
    section's heading and lead department, its numbered ``clauses``, ``quantities``, ``subsidy_amounts``
    (quantities of kind subsidy), policy tools by type (``supply``, ``environment``, ``demand``), its
    budget ``allocation`` with the ``clause_ids`` and ``spans`` stating it, and the districts' quartiles of
    the clause counts (``q1``, ``median``, ``q3``, ``compared``) and of the allocations (``alloc_*``)."""
    edition = edition_of(district, year)
    by_domain = _domain_counts().get(edition["doc_id"], {})
    allocations = _by(edition_rows("budget_domains", edition), "domain")
    counts = _by_measure("clauses", year)
    money = _by_measure("allocation", year)
    present = {d for d, c in by_domain.items() if not c["first"] and isinstance(d, str)} | set(counts)
    nothing = {"heading": None, "lead_department": None, "clauses": 0, "quantities": 0, "subsidy_amounts": 0}
    rows = []
    for domain in [d for d in domain_keys() if d in present]:
        mine = by_domain.get(domain, nothing | dict.fromkeys(TOOL_TYPES, 0))
        allocation = allocations.get(domain)
        row: dict[str, object] = {
            "district": district,
            "domain": domain,
            "heading": mine["heading"],
            "lead_department": mine["lead_department"],
            "clauses": int(mine["clauses"]),
            "quantities": int(mine["quantities"]),
            "subsidy_amounts": int(mine["subsidy_amounts"]),
            **{kind: int(mine[kind]) for kind in TOOL_TYPES},
            "allocation": float(allocation["value"]) if allocation else float("nan"),
            "clause_ids": tuple(str(allocation["clause_ids"]).split("; ")) if allocation else (),
            "spans": tuple(str(allocation["spans"]).split("; ")) if allocation else (),
        }
        for prefix, spread in (("", counts), ("alloc_", money)):
            found = spread.get(domain)
            for column in ("q1", "median", "q3"):
                row[f"{prefix}{column}"] = float(found[column]) if found else float("nan")
            row[f"{prefix}compared"] = bool(found["compared"]) if found else False
        rows.append(row)
    return pd.DataFrame(rows)


SUBSIDY_KEY = ["instrument", "level", "variant", "role", "unit"]


def _keys(frame: pd.DataFrame) -> list[tuple[str, ...]]:
    """Each row's instrument key as the quartiles are looked up by: its text, "" for None."""
    columns = [["" if v is None else str(v) for v in frame[c].astype(object)] for c in SUBSIDY_KEY]
    return list(zip(*columns))


def _capped_by_edition() -> dict[object, tuple[pd.DataFrame, list[tuple[str, ...]]]]:
    """Every edition's comparison rows of an instrument with the caps read (:func:`with_caps`), and their keys,
    by ``doc_id``, once per table file: a cap is read within its own statement (the grant key holds the
    document), so reading the whole table at once gives each edition the rows reading its own would."""

    def compute() -> dict[object, tuple[pd.DataFrame, list[tuple[str, ...]]]]:
        capped = with_caps(table("comparisons"))
        capped = capped[capped["instrument"].notna()].reset_index(drop=True)
        # Keyed as a whole (each key is its row's alone), then handed out by row: keying each edition's rows
        # apart took as long again as reading the caps.
        keys = _keys(capped)
        found: dict[object, tuple[pd.DataFrame, list[tuple[str, ...]]]] = {}
        for doc, rows in capped.groupby("doc_id", sort=False):
            order = _reading_order(rows)
            found[doc] = (rows.iloc[order].reset_index(drop=True), [keys[rows.index[at]] for at in order])
        return found

    return once_per_file("profile:capped_comparisons", ("comparisons",), compute)


def _reading_order(rows: pd.DataFrame) -> list[int]:
    """The positions of an edition's comparison rows in the order a reader of its profile wants them: the
    amounts it states, then the measures it states without an amount, then the instruments it does not state;
    within each, by domain and the vocabulary's order of instruments (as the subsidy levels page groups
    them), the highest award level first, then variant, then the table's order."""

    def text(value: object) -> str | None:
        return None if is_missing(value) else str(value)

    instruments, levels, variants = ([text(v) for v in rows[c]] for c in ("instrument", "level", "variant"))
    instrument_at = {k: n for n, k in enumerate(instrument_order([k for k in instruments if k is not None]))}
    level_at: dict[object, int] = {k: n for n, k in enumerate(level_order(list(levels)))}
    variant_at: dict[object, int] = {k: n for n, k in enumerate(variant_order(list(variants)))}
    stated = [bool(s) for s in rows["stated"]]
    given = [not is_missing(v) for v in rows["value"]]

    def place(at: int) -> tuple[int, int, int, int, int]:
        group = 0 if stated[at] and given[at] else 1 if stated[at] else 2
        return (
            group,
            instrument_at.get(instruments[at] or "", len(instrument_at)),
            level_at[levels[at]],
            variant_at[variants[at]],
            at,
        )

    return sorted(range(len(rows)), key=place)


def _subsidy_quartiles(year: int | None) -> dict[tuple[str, ...], dict[str, Any]]:
    """The districts' quartiles per instrument key, once per table file."""

    def compute() -> dict[tuple[str, ...], dict[str, Any]]:
        quartiles = spreads("subsidy", year)
        found = quartiles[["q1", "median", "q3", "compared"]].to_dict("records")
        return dict(zip(_keys(quartiles), cast(list[dict[str, Any]], found)))

    return once_per_file(f"profile:subsidy_quartiles:{year}", ("subsidy_ranks",), compute)


def _ranked_amounts(year: int | None) -> dict[object, set[tuple[Any, ...]]]:
    """Per district, the amounts its keys' ranks take (clause, span start, key), once per table file."""

    def compute() -> dict[object, set[tuple[Any, ...]]]:
        ranks = subsidy_ranks(year)
        found: dict[object, set[tuple[Any, ...]]] = {}
        for district, *amount in zip(ranks["district"], ranks["clause_id"], ranks["span_start"], _keys(ranks)):
            found.setdefault(district, set()).add(tuple(amount))
        return found

    return once_per_file(f"profile:ranked_amounts:{year}", ("subsidy_ranks",), compute)


def profile_subsidies(district: str, year: int | None = None) -> pd.DataFrame:
    """The district's comparison rows (its edition's; a cap read on the share or rate it limits), each stated
    amount with the districts' quartiles for its key (``q1``, ``median``, ``q3``; ``compared`` when two or
    more districts state one) and ``largest`` True on the amount the key's ranks take (the largest the
    edition states). Award rows no instrument recognises are not here (:func:`unclassified_awards`). The rows
    come in reading order: the amounts stated first, the instruments the edition does not state last
    (:func:`_reading_order`)."""
    edition = edition_of(district, year)
    capped = _capped_by_edition().get(edition["doc_id"])
    if capped is None:  # an edition without a comparison row: its empty frame, as reading it gives
        rows = with_caps(edition_rows("comparisons", edition))
        rows = rows[rows["instrument"].notna()].reset_index(drop=True)
        row_keys = _keys(rows)
    else:
        rows, row_keys = capped
    by_key = _subsidy_quartiles(year)
    chosen = _ranked_amounts(year).get(district, set())
    found = [
        by_key.get(k) if stated and value == value else None
        for k, stated, value in zip(row_keys, rows["stated"], rows["value"])
    ]
    return rows.assign(
        q1=[f["q1"] if f else float("nan") for f in found],
        median=[f["median"] if f else float("nan") for f in found],
        q3=[f["q3"] if f else float("nan") for f in found],
        compared=[bool(f["compared"]) if f else False for f in found],
        largest=[(c, s, k) in chosen for c, s, k in zip(rows["clause_id"], rows["span_start"], row_keys)],
    )


def _targets_by_edition() -> dict[Any, pd.DataFrame]:
    """Every edition's targets in reading order, by ``doc_id``, once per table file."""

    def compute() -> dict[Any, pd.DataFrame]:
        # One stable sort of the table by edition, then clause place, then place in the clause: each edition's
        # rows keep the order sorting them alone gives (a clause of another edition is not its clause).
        clauses = shared("clauses")
        seq = dict(zip(zip(clauses["doc_id"], clauses["clause_id"]), clauses["seq"]))
        targets = table("targets")
        docs = {doc: place for place, doc in enumerate(dict.fromkeys(targets["doc_id"]))}
        ordered = targets.assign(
            _d=targets["doc_id"].map(docs),
            _s=[seq.get(key, 10**6) for key in zip(targets["doc_id"], targets["clause_id"])],
        ).sort_values(["_d", "_s", "span_start"], kind="stable")
        # The sort keys dropped once, not from each edition's rows (ninety drops were most of this pass).
        ordered = ordered.drop(columns=["_d", "_s"])
        return {doc: rows.reset_index(drop=True) for doc, rows in ordered.groupby("doc_id", sort=False)}

    return once_per_file("profile:targets", ("targets", "clauses"), compute)


def _unit(value: object) -> object:
    # A missing unit is one key whether read as None or NaN, as the quartiles' (item, unit) index takes it.
    return None if is_missing(value) else value


def _headlines(year: int | None) -> tuple[dict[Any, set[tuple[Any, ...]]], dict[tuple[Any, Any], dict[str, Any]]]:
    """Per district its headline targets (clause, indicator, unit, value), and the districts' quartiles by
    indicator and unit, once per table file."""

    def compute() -> tuple[dict[Any, set[tuple[Any, ...]]], dict[tuple[Any, Any], dict[str, Any]]]:
        headline = standings("target", year)
        firsts: dict[Any, set[tuple[Any, ...]]] = {}
        for district, *key in zip(
            headline["district"], headline["clause_id"], headline["item"], headline["unit"], headline["value"]
        ):
            firsts.setdefault(district, set()).add(tuple(key))
        spread = spreads("target", year)
        quartiles = {
            (item, _unit(unit)): cast(dict[str, Any], row)
            for item, unit, row in zip(spread["item"], spread["unit"], spread.to_dict("records"))
        }
        return firsts, quartiles

    return once_per_file(f"profile:headlines:{year}", ("standings",), compute)


def profile_targets(district: str, year: int | None = None) -> pd.DataFrame:
    """Every target of the district's edition in reading order, ``headline`` True on the one the districts
    are compared by (its first base goal per indicator and unit, the build's rule), with the districts'
    quartiles of those headline targets (``q1``, ``median``, ``q3``, ``compared``)."""
    edition = edition_of(district, year)
    targets = _targets_by_edition().get(edition["doc_id"])
    if targets is None:  # an edition without targets (every edition with one is there): its empty rows
        targets = edition_rows("targets", edition).reset_index(drop=True)
    headlines, quartiles = _headlines(year)
    firsts = headlines.get(district, set())
    found = [
        quartiles.get((i, _unit(u))) if isinstance(i, str) else None
        for i, u in zip(targets["indicator"], targets["unit"])
    ]
    return targets.assign(
        headline=[
            key in firsts for key in zip(targets["clause_id"], targets["indicator"], targets["unit"], targets["value"])
        ],
        q1=[float(f["q1"]) if f is not None else float("nan") for f in found],
        median=[float(f["median"]) if f is not None else float("nan") for f in found],
        q3=[float(f["q3"]) if f is not None else float("nan") for f in found],
        compared=[bool(f["compared"]) if f is not None else False for f in found],
    )


SUB_TOOL_COLUMNS = ["tool_type", "sub_tool", "mentions", "clauses", "clause_id", "span"]


def _sub_tools(tools: pd.DataFrame) -> pd.DataFrame:
    """An edition's policy tools per type and sub-tool: mentions, clauses, first example (clause and span)."""
    rows = []
    for (tool, sub), group in tools.groupby(["tool_type", "sub_tool"], dropna=False):
        first = group.sort_values("clause_id", kind="stable").iloc[0]
        rows.append(
            {
                "tool_type": tool,
                "sub_tool": sub,
                "mentions": len(group),
                "clauses": group["clause_id"].nunique(),
                "clause_id": first["clause_id"],
                "span": first["span"],
            }
        )
    order = {k: i for i, k in enumerate(TOOL_TYPES)}
    sub_tools = pd.DataFrame(rows, columns=SUB_TOOL_COLUMNS)
    sub_tools = sub_tools.assign(_t=sub_tools["tool_type"].map(lambda t: order.get(t, len(order))))
    sub_tools = sub_tools.sort_values(["_t", "mentions", "sub_tool"], ascending=[True, False, True], kind="stable")
    return sub_tools.drop(columns="_t").reset_index(drop=True)


def _sub_tools_by_edition() -> dict[Any, pd.DataFrame]:
    """:func:`_sub_tools` of every edition, by ``doc_id``, once per table file: one pass over the table counts
    each edition's mentions and clauses per type and sub-tool and keeps the first example (the smallest clause
    id, the earliest row of it), and one sort orders them as :func:`_sub_tools` does."""

    def compute() -> dict[Any, pd.DataFrame]:
        tools = table("clause_tools")
        keys = ["tool_type", "sub_tool", "clause_id"]
        if tools[keys].isna().any().any():  # a key missing: grouping each edition is what keeps NaN's rules
            return {doc: _sub_tools(rows) for doc, rows in tools.groupby("doc_id", sort=False)}
        found: dict[Any, dict[tuple[Any, Any], list[Any]]] = {}
        for doc, tool, sub, clause, span in zip(
            tools["doc_id"], tools["tool_type"], tools["sub_tool"], tools["clause_id"], tools["span"]
        ):
            entry = found.setdefault(doc, {}).get((tool, sub))
            if entry is None:
                found[doc][(tool, sub)] = [1, {clause}, clause, span]
                continue
            entry[0] += 1
            entry[1].add(clause)
            if clause < entry[2]:
                entry[2], entry[3] = clause, span
        rows = [
            {
                "_doc": place,
                "tool_type": tool,
                "sub_tool": sub,
                "mentions": mentions,
                "clauses": len(clauses),
                "clause_id": clause,
                "span": span,
            }
            for place, by_key in enumerate(found.values())
            for (tool, sub), (mentions, clauses, clause, span) in sorted(by_key.items())
        ]
        order = {k: i for i, k in enumerate(TOOL_TYPES)}
        every = pd.DataFrame(rows, columns=["_doc", *SUB_TOOL_COLUMNS])
        every = every.assign(_t=every["tool_type"].map(lambda t: order.get(t, len(order))))
        every = every.sort_values(
            ["_doc", "_t", "mentions", "sub_tool"], ascending=[True, True, False, True], kind="stable"
        )
        docs = list(found)
        return {
            docs[cast(int, place)]: group.drop(columns=["_doc", "_t"]).reset_index(drop=True)
            for place, group in every.groupby("_doc", sort=False)
        }

    return once_per_file("profile:sub_tools", ("clause_tools",), compute)


def _shares_by_district(year: int | None) -> dict[Any, dict[Any, dict[str, Any]]]:
    """Each district's tool shares by type (the build's ``tool_share`` standings), once per table file."""

    def compute() -> dict[Any, dict[Any, dict[str, Any]]]:
        found: dict[Any, dict[Any, dict[str, Any]]] = {}
        for row in standings("tool_share", year).to_dict("records"):
            found.setdefault(row["district"], {}).setdefault(row["item"], {str(k): v for k, v in row.items()})
        return found

    return once_per_file(f"profile:tool_shares:{year}", ("standings",), compute)


def profile_tools(district: str, year: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The district's policy tools: per tool type its share (%) of the edition's mentions with the districts'
    quartiles (the build's ``tool_share``), and per type and sub-tool its mentions, clauses and first
    example (clause and span)."""
    edition = edition_of(district, year)
    mine = _shares_by_district(year).get(district, {})
    spread = _by_measure("tool_share", year)
    nothing: dict[str, Any] = {}
    shares = pd.DataFrame(
        [
            {
                "district": district,
                "tool_type": kind,
                "share": float(mine.get(kind, nothing).get("value", 0.0)),
                "mentions": int(mine.get(kind, nothing).get("stated", 0)),
                **{c: float(spread.get(kind, nothing).get(c, float("nan"))) for c in ("q1", "median", "q3")},
                "compared": bool(spread.get(kind, nothing).get("compared", False)),
            }
            for kind in TOOL_TYPES
        ]
    )
    found = _sub_tools_by_edition().get(edition["doc_id"])
    sub_tools = _sub_tools(edition_rows("clause_tools", edition)) if found is None else found.copy()
    return shares, sub_tools
