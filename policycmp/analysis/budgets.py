"""Budgets per district: the document-wide total it states, what it allocates to each domain, and checks
that the figures agree.

A budget row's ``role`` is ``total`` (the whole document), ``allocation`` (a domain's budget) or
``item`` (money earmarked for one measure inside a domain, e.g. consumption vouchers): items are not
allocations and are never added to them.
"""

from __future__ import annotations

import pandas as pd

from ..vocabulary import domain_keys, load_domains
from .amounts import format_amount

TOTAL_COLUMNS = ["district", "stated", "allocated", "base", "allocations"]
ALLOCATION_COLUMNS = ["district", "domain", "value", "share", "clause_ids", "spans"]
CHECK_COLUMNS = ["district", "check", "ok", "detail", "gap"]


def _role(budgets: pd.DataFrame) -> pd.Series:
    return budgets["role"].map(lambda v: v if isinstance(v, str) else "")


def document_totals(budgets: pd.DataFrame) -> pd.DataFrame:
    """The rows that state a document-wide total (no domain, not an earmarked item)."""
    return budgets[budgets["domain"].isna() & (_role(budgets) != "item")]


def allocation_rows(budgets: pd.DataFrame) -> pd.DataFrame:
    """The rows that allocate money to a domain (not an earmarked item)."""
    return budgets[budgets["domain"].notna() & (_role(budgets) != "item")]


def budget_totals(budgets: pd.DataFrame, districts: list[str]) -> pd.DataFrame:
    """One row per district (in the order given): ``stated``, its largest document-wide total (NaN when it
    states none); ``allocated``, the sum of its domain allocations (NaN when it has none); ``base``, what a
    share is taken of (the stated total, else the sum of the allocations); ``allocations``, how many
    allocation rows it has."""
    totals, allocations = document_totals(budgets), allocation_rows(budgets)
    rows = []
    for district in districts:
        stated = totals[totals["district"] == district]["value"].max()
        mine = allocations[allocations["district"] == district]
        allocated = float(mine["value"].sum()) if len(mine) else float("nan")
        rows.append(
            {
                "district": district,
                "stated": float(stated),
                "allocated": allocated,
                "base": float(stated) if pd.notna(stated) else allocated,
                "allocations": len(mine),
            }
        )
    return pd.DataFrame(rows, columns=TOTAL_COLUMNS).astype({"stated": "float64", "allocated": "float64"})


def domain_allocations(budgets: pd.DataFrame, totals: pd.DataFrame) -> pd.DataFrame:
    """One row per district × domain it allocates to, in the districts' and the domains' order: ``value``,
    the sum of its allocations to the domain; ``share``, in % of the district's ``base`` (see
    :func:`budget_totals`); ``clause_ids`` and ``spans``, where each figure was stated."""
    rows = allocation_rows(budgets)
    base = dict(zip(totals["district"], totals["base"]))
    out = []
    for district in totals["district"]:
        mine = rows[rows["district"] == district]
        for domain in [d for d in domain_keys() if d in set(mine["domain"])]:
            here = mine[mine["domain"] == domain]
            value = float(here["value"].sum())
            whole = base.get(district)
            out.append(
                {
                    "district": district,
                    "domain": domain,
                    "value": value,
                    "share": 100 * value / whole if whole and pd.notna(whole) else float("nan"),
                    "clause_ids": tuple(here["clause_id"]),
                    "spans": tuple(here["span"]),
                }
            )
    return pd.DataFrame(out, columns=ALLOCATION_COLUMNS).astype({"value": "float64", "share": "float64"})


def budget_checks(budgets: pd.DataFrame, totals: pd.DataFrame, clauses: pd.DataFrame) -> pd.DataFrame:
    """Consistency checks of each district's budget figures, one row per check.

    ``ok`` is True or False, or None where the check needs a figure the document does not state;
    ``gap`` marks a domain with clauses but no allocation (a gap in coverage, not a contradiction
    between figures). ``clauses`` tells which domains each district has sections for.
    """
    with_clauses = clauses[clauses["domain"].notna()].groupby("district")["domain"].agg(set)
    domain_en = load_domains().en
    out: list[dict[str, object]] = []

    def add(district: str, check: str, ok: bool | None, detail: str, gap: bool = False) -> None:
        out.append({"district": district, "check": check, "ok": ok, "detail": detail, "gap": gap})

    for key, stated_value, allocated_value in zip(totals["district"], totals["stated"], totals["allocated"]):
        district = str(key)
        here = budgets[budgets["district"] == district]
        stated = None if pd.isna(stated_value) else float(stated_value)
        allocated = None if pd.isna(allocated_value) else float(allocated_value)
        totals_here = document_totals(here)
        allocations = allocation_rows(here)
        check = "the domain allocations add up to the stated total"
        if stated is not None and allocated is not None:
            diff = allocated - stated
            ok = abs(diff) <= 0.005 * stated
            add(
                district,
                check,
                ok,
                f"sum {format_amount(allocated, 'CNY')} vs stated {format_amount(stated, 'CNY')}"
                + ("" if ok else f" (difference {format_amount(diff, 'CNY')})"),
            )
        elif stated is not None:
            add(district, check, None, "a total is stated without a per-domain breakdown")
        elif allocated is not None:
            add(district, check, None, "allocations are stated without a document-wide total")
        else:
            add(district, check, None, "no budget figure")
        if len(totals_here) > 1:
            values = sorted(set(totals_here["value"].dropna()))
            add(
                district,
                "one document-wide total",
                len(values) == 1,
                ", ".join(format_amount(v, "CNY") for v in values),
            )
        if len(allocations):
            sections = with_clauses.get(district, set())
            missing = [d for d in domain_keys() if d in sections and d not in set(allocations["domain"])]
            add(
                district,
                "every domain with clauses has an allocation",
                True if not missing else None,
                "none missing" if not missing else "no allocation stated for " + ", ".join(map(domain_en, missing)),
                gap=bool(missing),
            )
            doubles = allocations.groupby("domain").size()
            doubles = doubles[doubles > 1]
            add(
                district,
                "one allocation per domain",
                doubles.empty,
                "one each"
                if doubles.empty
                else "; ".join(f"{domain_en(str(d))}: {n} figures (summed)" for d, n in doubles.items()),
            )
        items = here[_role(here) == "item"]
        for item_domain, item_value, item_scope in zip(items["domain"], items["value"], items["scope"]):
            mine = allocations[allocations["domain"] == item_domain]
            if len(mine):
                value = float(mine["value"].sum())
                scope = item_scope if isinstance(item_scope, str) and item_scope else "item"
                add(
                    district,
                    "an earmarked item fits in its domain's allocation",
                    bool(float(item_value) <= value),
                    f"{scope} {format_amount(item_value, 'CNY')} within "
                    f"{domain_en(str(item_domain))} {format_amount(value, 'CNY')}",
                )
        if len(here):
            units = sorted(set(here["unit"].dropna().astype(str)) - {"CNY"})
            add(
                district,
                "every budget amount is in yuan",
                not units,
                "all CNY" if not units else "other units: " + ", ".join(units),
            )
            unsourced = int((here["clause_id"].isna() | here["span"].isna()).sum())
            add(
                district,
                "every figure has its clause and span",
                unsourced == 0,
                "all sourced" if not unsourced else f"{unsourced} without clause or span",
            )
    return pd.DataFrame(out, columns=CHECK_COLUMNS)
