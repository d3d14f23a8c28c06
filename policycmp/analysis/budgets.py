"""Budgets per district: the document-wide total it states, what it allocates to each domain, and checks
that the figures agree — from the sums the build made once per document (``budget_summary``,
``budget_domains``), never summed again with other rules.

A budget row's ``role`` is ``total`` (the whole document), ``allocation`` (a domain's budget) or
``item`` (money earmarked for one measure inside a domain, e.g. consumption vouchers): items are not
allocations and are never added to them. Every function here takes the rows of one edition per district
(``analysis.table(..., editions=analysis.editions(year))``) and refuses two editions of one district.
"""

from __future__ import annotations

from typing import Any, cast

import pandas as pd

from ..standings import one_edition_each
from ..vocabulary import domain_keys, load_domains
from .amounts import format_amount, is_missing
from .tables import known_districts

TOTAL_COLUMNS = [
    "district",
    "doc_id",
    "stated",
    "allocated",
    "base",
    "allocations",
    "totals",
    "parts_match",
    "total_clause_id",
    "total_span",
]
ALLOCATION_COLUMNS = ["district", "doc_id", "domain", "value", "share", "allocations", "clause_ids", "spans"]
CHECK_COLUMNS = ["district", "check", "ok", "detail", "gap"]


def _role_of(row: dict[str, Any]) -> str:
    """A budget record's ``role``: its text, else empty."""
    role = row["role"]
    return role if isinstance(role, str) else ""


def _is_document_total(row: dict[str, Any]) -> bool:
    """A budget record stating a document-wide total: no domain, not an earmarked item."""
    return is_missing(row["domain"]) and _role_of(row) != "item"


def _records_by_district(frame: pd.DataFrame) -> dict[str, list[dict[str, Any]]]:
    """The frame's rows as records, per district, in the frame's order."""
    split: dict[str, list[dict[str, Any]]] = {}
    for row in cast(list[dict[str, Any]], frame.to_dict("records")):
        split.setdefault(str(row["district"]), []).append(row)
    return split


def budget_totals(summary: pd.DataFrame, districts: list[str]) -> pd.DataFrame:
    """One row per district (in the order given) from the build's ``budget_summary`` rows of its edition:
    ``stated``, its document-wide total (NaN when it states none; the first where it states several);
    ``allocated``, the sum of its domain allocations (NaN when it has none); ``base``, what a share is taken
    of (the stated total, else the allocations' sum); ``allocations`` and ``totals``, how many of each it
    states; ``parts_match``, whether the allocations add up to the total (None when either is missing);
    ``total_clause_id`` and ``total_span``, where the total is stated. A district without a row (no policy
    edition chosen) has NaN figures and 0 counts."""
    known_districts(districts, "districts", rows=summary["district"])
    one_edition_each(summary, "the budget summaries")
    by_district = {str(r["district"]): r for r in summary.to_dict("records")}
    rows = []
    for district in districts:
        found = by_district.get(district, {})
        rows.append(
            {
                "district": district,
                "doc_id": found.get("doc_id"),
                "stated": _float(found.get("total")),
                "allocated": _float(found.get("allocations_sum")),
                "base": _float(found.get("base")),
                "allocations": int(found.get("n_allocations") or 0),
                "totals": int(found.get("n_totals") or 0),
                "parts_match": None if is_missing(found.get("parts_match")) else bool(found.get("parts_match")),
                "total_clause_id": found.get("total_clause_id"),
                "total_span": found.get("total_span"),
            }
        )
    return pd.DataFrame(rows, columns=TOTAL_COLUMNS).astype(
        {"stated": "float64", "allocated": "float64", "base": "float64"}
    )


def _float(value: object) -> float:
    return float("nan") if is_missing(value) else float(value)  # type: ignore[arg-type]


def domain_allocations(domains: pd.DataFrame, totals: pd.DataFrame) -> pd.DataFrame:
    """One row per district × domain it allocates to, from the build's ``budget_domains`` rows, in the order of
    ``totals``' districts (:func:`budget_totals`) and the domains': ``value``, the domain's allocations summed;
    ``share``, in % of the district's base; ``allocations``, how many were summed; ``clause_ids`` and
    ``spans``, where each figure was stated."""
    one_edition_each(domains, "the budget allocations")
    order = {d: i for i, d in enumerate(domain_keys())}
    place = {d: i for i, d in enumerate(totals["district"])}
    rows = domains[domains["district"].isin(place)]
    rows = rows.assign(
        _d=rows["district"].map(place), _m=rows["domain"].map(lambda d: order.get(d, len(order)))
    ).sort_values(["_d", "_m"], kind="stable")
    out = pd.DataFrame(
        {
            "district": rows["district"],
            "doc_id": rows["doc_id"],
            "domain": rows["domain"],
            "value": rows["value"].astype("float64"),
            "share": 100.0 * pd.to_numeric(rows["share"], errors="coerce").astype("float64"),
            "allocations": rows["n_allocations"].astype("int64"),
            "clause_ids": rows["clause_ids"].map(lambda v: tuple(str(v).split("; "))),
            "spans": rows["spans"].map(lambda v: tuple(str(v).split("; "))),
        }
    )
    return out.reset_index(drop=True)[ALLOCATION_COLUMNS]


def budget_checks(
    budgets: pd.DataFrame, totals: pd.DataFrame, allocations: pd.DataFrame, clauses: pd.DataFrame
) -> pd.DataFrame:
    """Consistency checks of each district's budget figures, one row per check.

    ``ok`` is True or False, or None where the check needs a figure the document does not state;
    ``gap`` marks a domain with clauses but no allocation (a gap in coverage, not a contradiction
    between figures). Whether the allocations add up to the total, and whether the parts an allocation's
    statement lists (其中…) add up to it, are the build's verdicts (``parts_match``).
    ``budgets`` are the budget rows, ``totals`` and ``allocations`` :func:`budget_totals` and
    :func:`domain_allocations`, ``clauses`` the clause rows (which domains each district has sections for),
    all of one edition per district.
    """
    one_edition_each(budgets, "the budget rows")
    with_clauses = clauses[clauses["domain"].notna()].groupby("district")["domain"].agg(set)
    domain_en = load_domains().en
    out: list[dict[str, object]] = []
    # Each district's rows as plain records, split once: selecting them from the frames district by district
    # cost a province's page two tenths of a second, twice (its header and its notebook cell).
    rows_of = _records_by_district(budgets)
    allocations_of = _records_by_district(allocations)

    def add(district: str, check: str, ok: bool | None, detail: str, gap: bool = False) -> None:
        out.append({"district": district, "check": check, "ok": ok, "detail": detail, "gap": gap})

    for info in totals.to_dict("records"):
        district = str(info["district"])
        here = rows_of.get(district, [])
        mine = allocations_of.get(district, [])
        stated = None if is_missing(info["stated"]) else float(info["stated"])
        allocated = None if is_missing(info["allocated"]) else float(info["allocated"])
        check = "the domain allocations add up to the stated total"
        if stated is not None and allocated is not None:
            ok = bool(info["parts_match"])
            difference = "" if ok else f" (difference {format_amount(allocated - stated, 'CNY')})"
            add(
                district,
                check,
                ok,
                f"sum {format_amount(allocated, 'CNY')} vs stated {format_amount(stated, 'CNY')}{difference}",
            )
        elif stated is not None:
            add(district, check, None, "a total is stated without a per-domain breakdown")
        elif allocated is not None:
            add(district, check, None, "allocations are stated without a document-wide total")
        else:
            add(district, check, None, "no budget figure")
        totals_here = [r for r in here if _is_document_total(r)]
        if len(totals_here) > 1:
            values = sorted({r["value"] for r in totals_here if not is_missing(r["value"])})
            add(
                district,
                "one document-wide total",
                len(values) == 1,
                ", ".join(format_amount(v, "CNY") for v in values),
            )
        if mine:
            sections = with_clauses.get(district, set())
            allocated_domains = {r["domain"] for r in mine}
            missing = [d for d in domain_keys() if d in sections and d not in allocated_domains]
            add(
                district,
                "every domain with clauses has an allocation",
                True if not missing else None,
                "none missing" if not missing else "no allocation stated for " + ", ".join(map(domain_en, missing)),
                gap=bool(missing),
            )
            doubles = [r for r in mine if r["allocations"] > 1]
            add(
                district,
                "one allocation per domain",
                not doubles,
                "one each"
                if not doubles
                else "; ".join(f"{domain_en(str(r['domain']))}: {r['allocations']} figures (summed)" for r in doubles),
            )
        for listed in (r for r in here if _role_of(r) == "allocation" and not is_missing(r["parts_match"])):
            whole, added = float(listed["value"]), float(listed["parts_sum"])
            ok = bool(listed["parts_match"])
            difference = "" if ok else f" (difference {format_amount(added - whole, 'CNY')})"
            add(
                district,
                "the parts listed add up to their allocation",
                ok,
                f"{listed['clause_id']}: parts sum {format_amount(added, 'CNY')} vs stated "
                f"{format_amount(whole, 'CNY')}{difference}",
            )
        value_of = {r["domain"]: r["value"] for r in mine}
        for item in (r for r in here if _role_of(r) == "item"):
            item_domain, item_value, item_scope = item["domain"], item["value"], item["scope"]
            if item_domain in value_of:
                value = float(value_of[item_domain])
                scope = item_scope if isinstance(item_scope, str) and item_scope else "item"
                add(
                    district,
                    "an earmarked item fits in its domain's allocation",
                    bool(float(item_value) <= value),
                    f"{scope} {format_amount(item_value, 'CNY')} within "
                    f"{domain_en(str(item_domain))} {format_amount(value, 'CNY')}",
                )
        if here:
            units = sorted({str(r["unit"]) for r in here if not is_missing(r["unit"])} - {"CNY"})
            add(
                district,
                "every budget amount is in yuan",
                not units,
                "all CNY" if not units else "other units: " + ", ".join(units),
            )
            unsourced = sum(1 for r in here if is_missing(r["clause_id"]) or is_missing(r["span"]))
            add(
                district,
                "every figure has its clause and span",
                unsourced == 0,
                "all sourced" if not unsourced else f"{unsourced} without clause or span",
            )
    return pd.DataFrame(out, columns=CHECK_COLUMNS)
