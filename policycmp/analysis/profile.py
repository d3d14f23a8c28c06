"""One district's policy, edition by edition, set against the districts: what a district profile shows.

A profile shows one edition of the district — its default (latest final, else latest draft), or a given
year's — and lists every edition. Each figure is the edition's own (its rows of the published tables), set
against the quartiles the build published for the same edition selection (``standings``,
``subsidy_ranks``), so the district is compared with the other districts' same choice of edition.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..vocabulary import domain_keys
from .editions import every_edition, picked
from .province import spreads, standings, subsidy_ranks
from .subsidies import with_caps
from .tables import rows_where


class NoEdition(ValueError):
    """A district without a policy edition of the year asked for (a one-line error in Jupyter)."""

    def _render_traceback_(self) -> list[str]:
        return [f"NoEdition: {self}"]


def edition_of(district: str, year: int | None = None) -> pd.Series:
    """The ``documents`` row of the edition a profile of ``district`` shows: its default, or ``year``'s."""
    chosen = picked(year)
    found = chosen[chosen["district"] == district]
    if found.empty:
        years = ", ".join(str(y) for y in every_edition(district)["year"]) or "none"
        what = "a policy" if year is None else f"a policy edition of {year}"
        raise NoEdition(f"district {district!r} has no {what} (its policy editions: {years})")
    return found.iloc[0].astype(object)


def _by(frame: pd.DataFrame, column: str) -> dict[Any, dict[str, Any]]:
    """A frame's rows as dicts, by the value of one column (the first row of each value)."""
    found: dict[Any, dict[str, Any]] = {}
    for row in frame.to_dict("records"):
        found.setdefault(row[column], {str(k): v for k, v in row.items()})
    return found


def edition_rows(name: str, edition: pd.Series) -> pd.DataFrame:
    """The rows of table ``name`` that belong to ``edition`` (a row of ``documents``), in the table's order."""
    return rows_where(name, "doc_id", edition["doc_id"])


def profile_domains(district: str, year: int | None = None) -> pd.DataFrame:
    """One row per domain of the district's sections and the other districts' (vocabulary order): the
    section's heading and lead department, its numbered ``clauses``, ``quantities``, ``subsidy_amounts``
    (quantities of kind subsidy), policy tools by type (``supply``, ``environment``, ``demand``), its
    budget ``allocation`` with the ``clause_ids`` and ``spans`` stating it, and the districts' quartiles of
    the clause counts (``q1``, ``median``, ``q3``, ``compared``) and of the allocations (``alloc_*``)."""
    edition = edition_of(district, year)
    clauses = edition_rows("clauses", edition)
    quantities = edition_rows("quantities", edition)
    tools = edition_rows("clause_tools", edition)
    allocations = _by(edition_rows("budget_domains", edition), "domain")
    counts = _by(spreads("clauses", year), "item")
    money = _by(spreads("allocation", year), "item")
    present = set(clauses["domain"].dropna()) | set(counts)
    rows = []
    for domain in [d for d in domain_keys() if d in present]:
        section = clauses[clauses["domain"] == domain]
        q = quantities[quantities["domain"] == domain]
        t = tools[tools["domain"] == domain]
        allocation = allocations.get(domain)
        row: dict[str, object] = {
            "district": district,
            "domain": domain,
            "heading": section["section_name"].iloc[0] if len(section) else None,
            "lead_department": section["lead_department"].iloc[0] if len(section) else None,
            "clauses": int((section["row_kind"] == "clause").sum()),
            "quantities": len(q),
            "subsidy_amounts": int((q["kind"] == "subsidy").sum()),
            **{kind: int((t["tool_type"] == kind).sum()) for kind in ("supply", "environment", "demand")},
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


def profile_subsidies(district: str, year: int | None = None) -> pd.DataFrame:
    """The district's comparison rows (its edition's; a cap read on the share or rate it limits), each stated
    amount with the districts' quartiles for its key (``q1``, ``median``, ``q3``; ``compared`` when two or
    more districts state one) and ``largest`` True on the amount the key's ranks take (the largest the
    edition states). Award rows no instrument recognises are not here (:func:`unclassified_awards`)."""
    edition = edition_of(district, year)
    rows = with_caps(edition_rows("comparisons", edition))
    rows = rows[rows["instrument"].notna()].reset_index(drop=True)
    ranks = subsidy_ranks(year)
    mine = ranks[ranks["district"] == district]
    keys = ["instrument", "level", "variant", "role", "unit"]

    def key(frame: pd.DataFrame) -> pd.Series:
        return frame[keys].astype(object).apply(lambda r: tuple("" if v is None else str(v) for v in r), axis=1)

    quartiles = spreads("subsidy", year)
    by_key = dict(zip(key(quartiles), quartiles[["q1", "median", "q3", "compared"]].to_dict("records")))
    chosen = set(zip(mine["clause_id"], mine["span_start"], key(mine))) if len(mine) else set()
    row_keys = key(rows) if len(rows) else pd.Series([], dtype=object)
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


def profile_targets(district: str, year: int | None = None) -> pd.DataFrame:
    """Every target of the district's edition in reading order, ``headline`` True on the one the districts
    are compared by (its first base goal per indicator and unit, the build's rule), with the districts'
    quartiles of those headline targets (``q1``, ``median``, ``q3``, ``compared``)."""
    edition = edition_of(district, year)
    targets = edition_rows("targets", edition)
    clauses = edition_rows("clauses", edition)
    seq = dict(zip(clauses["clause_id"], clauses["seq"]))
    targets = targets.assign(_s=targets["clause_id"].map(lambda c: seq.get(c, 10**6)))
    targets = targets.sort_values(["_s", "span_start"], kind="stable").drop(columns="_s").reset_index(drop=True)
    headline = standings("target", year)
    headline = headline[headline["district"] == district]
    firsts = set(zip(headline["clause_id"], headline["item"], headline["unit"], headline["value"]))
    spread = spreads("target", year).set_index(["item", "unit"])
    found = [
        spread.loc[(i, u)] if isinstance(i, str) and (i, u) in spread.index else None
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


TOOL_TYPES = ("supply", "environment", "demand")


def profile_tools(district: str, year: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The district's policy tools: per tool type its share (%) of the edition's mentions with the districts'
    quartiles (the build's ``tool_share``), and per type and sub-tool its mentions, clauses and first
    example (clause and span)."""
    edition = edition_of(district, year)
    shares_of = standings("tool_share", year)
    mine = _by(shares_of[shares_of["district"] == district], "item")
    spread = _by(spreads("tool_share", year), "item")
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
    tools = edition_rows("clause_tools", edition)
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
    sub_tools = pd.DataFrame(rows, columns=["tool_type", "sub_tool", "mentions", "clauses", "clause_id", "span"])
    sub_tools = sub_tools.assign(_t=sub_tools["tool_type"].map(lambda t: order.get(t, len(order))))
    sub_tools = sub_tools.sort_values(["_t", "mentions", "sub_tool"], ascending=[True, False, True], kind="stable")
    return shares, sub_tools.drop(columns="_t").reset_index(drop=True)
