"""03 budgets, as the page shows them: per-domain allocations and shares, totals, consistency checks.

The sums are the build's (``budget_summary``, ``budget_domains``: one row per edition), shaped by
:mod:`policycmp.analysis.budgets`; this module presents them. For a handful of districts the allocations are
stacked side by side; for a province the page shows, per domain, how the districts' allocations and shares
are distributed (the build's quartiles, ``standings``), and one row per district.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import pandas as pd
from matplotlib.lines import Line2D

from ...analysis.budgets import budget_checks as check_budgets
from ...analysis.budgets import budget_totals, domain_allocations
from ...analysis.editions import editions
from ...analysis.province import spreads
from ...analysis.tables import once_per_file
from ...analysis.tables import table as table_of
from .. import params as params_mod
from ..markup.components import Figure, Notice, Part, Table, block
from ..markup.format import Cell, amount_cell, exact_amount, figure_amount, format_amount, is_missing
from ..pages import page_file
from .context import Inputs, ReportSpec
from .data import _str, records
from .editions import shown_sentence
from .figures import _patch, figure, legend_below, plain_log_ticks, spread_legend, spread_marks, svg
from .inputs import whole
from .labels import PALETTE, city_name, city_of, district_keys, district_name, domain_keys, domain_name, domain_zh
from .layout import side_by_side
from .shaping import _exact


def _domain_sort(series: pd.Series) -> pd.Series:
    order = {key: i for i, key in enumerate(domain_keys())}
    return series.map(lambda d: order.get(d, len(order)) if isinstance(d, str) else len(order) + 1)


class _District:
    """What the page shows of one district's budget: its totals (the build's sums) and its allocations by domain."""

    def __init__(self, totals: pd.DataFrame, allocations: pd.DataFrame, district: str):
        row = totals[totals["district"] == district].iloc[0]
        self.stated = None if pd.isna(row["stated"]) else float(row["stated"])
        self.sum = None if pd.isna(row["allocated"]) else float(row["allocated"])
        self.base = None if pd.isna(row["base"]) else float(row["base"])
        self.count = int(row["allocations"])
        self.totals_stated = int(row["totals"])
        self.total_clause = row["total_clause_id"]
        self.total_span = row["total_span"]
        self.by_domain = {r.domain: r for r in records(allocations[allocations["district"] == district])}

    def allocation(self, dom: str) -> float | None:
        found = self.by_domain.get(dom)
        return None if found is None else float(found.value)

    def sources(self, dom: str) -> str:
        found = self.by_domain.get(dom)
        if found is None:
            return ""
        return " | ".join(f"clause {_str(c)} · 「{_str(s)}」" for c, s in zip(found.clause_ids, found.spans))

    def total_cell(self) -> Cell | str:
        """The stated document-wide total (the first, where the document states several), traced to its clause."""
        if self.stated is None:
            return Cell("not stated", cls="pc-absent")
        cell = amount_cell(self.stated, "CNY", clause_id=self.total_clause, span=self.total_span)
        if isinstance(cell, Cell) and self.totals_stated > 1:
            return Cell(f"{cell.text} (first of {self.totals_stated})", title=cell.title, sort=cell.sort)
        return cell


def district_budget(district: str, year: int | None = None) -> _District:
    """One district's budget, as its profile shows it: the build's sums of its edition (default, or ``year``'s)."""
    totals, allocations = once_per_file(
        f"district_budget:{year}", ("documents", "budget_summary", "budget_domains"), partial(_every_budget, year)
    )
    if district in set(totals["district"]):
        return _District(totals, allocations, district)
    # A district without an edition of the year: its row of nothing stated.
    return _District(*_budgets(editions(year), [district]), district)


TOTAL_PLACE = ("total_clause_id", "total_span")


def _every_budget(year: int | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every district's totals and allocations in its edition, read once per table file for all the profiles:
    a district's rows of them are the ones reading its own summary and allocations would give."""
    chosen = editions(year)
    totals, allocations = _budgets(chosen, list(dict.fromkeys(chosen["district"])))
    # Where the total is stated, as one district's totals hold it: text, or None (a column of many districts'
    # would read a district that states none as NaN).
    where = {
        c: pd.Series([None if is_missing(v) else v for v in totals[c]], index=totals.index, dtype=object)
        for c in TOTAL_PLACE
    }
    return totals.assign(**where), allocations


def _budgets(chosen: pd.DataFrame, districts: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The totals and domain allocations of ``districts`` in the ``chosen`` editions, from the build's sums."""
    totals = budget_totals(table_of("budget_summary", districts=districts, editions=chosen), districts)
    return totals, domain_allocations(table_of("budget_domains", districts=districts, editions=chosen), totals)


def _info(totals: pd.DataFrame, allocations: pd.DataFrame) -> dict[str, _District]:
    return {d: _District(totals, allocations, d) for d in totals["district"]}


def _budget_summary(p: dict[str, Any]) -> tuple[str, str]:
    districts = p["districts"]
    chosen = editions(p.get("year"))
    totals = budget_totals(table_of("budget_summary", districts=districts, editions=chosen), districts)
    allocations = domain_allocations(table_of("budget_domains", districts=districts, editions=chosen), totals)
    budgets = table_of("budgets", districts=districts, editions=chosen)
    checks = check_budgets(budgets, totals, allocations, table_of("clauses", districts=districts, editions=chosen))
    passed = int((checks["ok"] == True).sum())  # noqa: E712 - ok is True, False or None
    judged = int(checks["ok"].notna().sum())
    tail = f"{passed} of {judged} applicable consistency checks pass."
    if not side_by_side(districts):
        with_total = int(totals["stated"].notna().sum())
        with_allocations = int((totals["allocations"] > 0).sum())
        return "Budgets", (
            f"{len(districts)} districts: {with_total} state a document-wide total, {with_allocations} "
            f"allocate to domains. {tail}"
        )
    parts = []
    for info in records(totals):
        name = district_name(info.district)
        breakdown = f"{info.allocations} domain allocation{'s' if info.allocations != 1 else ''}"
        if not is_missing(info.stated):
            parts.append(f"{name}: {format_amount(info.stated, 'CNY')} in total, {breakdown}")
        elif not is_missing(info.allocated):
            parts.append(f"{name}: no stated total, {breakdown} summing to {format_amount(info.allocated, 'CNY')}")
        else:
            parts.append(f"{name}: no budget figure")
    return "Budgets", f"{'; '.join(parts)}. {tail}"


def budget_allocations(totals: pd.DataFrame, allocations: pd.DataFrame, year: int | None = None) -> Part:
    """Per-domain allocations and shares by district, with the stated totals: stacked bars side by side
    for a handful of districts, their distribution for a province (against the quartiles the build took
    across the districts of the same edition selection, ``year``'s or the default).

    ``totals`` and ``allocations`` are :func:`~policycmp.analysis.budgets.budget_totals` and
    :func:`~policycmp.analysis.budgets.domain_allocations` (the build's sums of one edition per district).
    """
    if totals.empty or (totals["stated"].isna().all() and allocations.empty):
        return Notice("These districts' policies state no budget figure.")
    districts = list(totals["district"])
    domains = [d for d in domain_keys() if d in set(allocations["domain"])]
    info = _info(totals, allocations)
    if not side_by_side(districts):
        return _distribution(districts, domains, info, year)
    colours = {dom: PALETTE[i % len(PALETTE)] for i, dom in enumerate(domain_keys())}
    rest = "#d9d9d9"
    parts: list[Part] = []
    plotted = [d for d in districts if info[d].base]
    if plotted:
        with figure(10.5, 0.6 * len(plotted) + 2.4, 1, 2) as (fig, axes):
            amount_ax, share_ax = axes[0]
            for y, district in enumerate(plotted):
                base: float = info[district].base or 0.0
                left = 0.0
                for dom in domains:
                    value = info[district].allocation(dom)
                    if not value:
                        continue
                    amount_ax.barh(y, value / 1e8, left=left / 1e8, color=colours[dom], edgecolor="white")
                    share_ax.barh(y, 100 * value / base, left=100 * left / base, color=colours[dom], edgecolor="white")
                    if value / base >= 0.08:
                        share_ax.text(
                            100 * (left + value / 2) / base,
                            y,
                            f"{100 * value / base:.0f}%",
                            ha="center",
                            va="center",
                            fontsize=7.5,
                            color="white",
                        )
                    left += value
                if left < base:  # the part of a stated total not broken down by domain
                    amount_ax.barh(y, (base - left) / 1e8, left=left / 1e8, color=rest, edgecolor="white", hatch="//")
                    share_ax.barh(
                        y, 100 * (base - left) / base, left=100 * left / base, color=rest, edgecolor="white", hatch="//"
                    )
                stated = info[district].stated
                if stated is not None:
                    amount_ax.plot([stated / 1e8] * 2, [y - 0.42, y + 0.42], color="#222222", linewidth=2)
                    amount_ax.text(
                        stated / 1e8, y - 0.45, f" total {figure_amount(stated, 'CNY')}", fontsize=7.5, va="bottom"
                    )
            for ax in (amount_ax, share_ax):
                ax.set_yticks(range(len(plotted)), [district_name(d) for d in plotted])
                ax.set_ylim(len(plotted) - 0.5, -0.7)
            amount_ax.set_xlabel("亿元 (100 million yuan)")
            amount_ax.margins(x=0.12)
            amount_ax.set_title("Budget by domain")
            share_ax.set_xlabel("% of the district's total (stated, else the sum of its allocations)")
            share_ax.set_xlim(0, 100)
            share_ax.set_title("Shares")
            handles = [_patch(colours[d]) for d in domains] + [
                _patch(rest, "//"),
                Line2D([0], [0], color="#222222", linewidth=2),
            ]
            labels = [domain_name(d) for d in domains] + ["not broken down by domain", "stated document-wide total"]
            fig.legend(handles, labels, loc="outside lower center", ncol=3, fontsize=8)
            parts.append(
                svg(
                    fig,
                    caption="Budget per domain in 亿元 (1 亿元 = 100,000,000 yuan), "
                    "and each domain's share. Grey hatching: the part of a stated total the document does "
                    "not allocate to a domain. Domains: "
                    + "; ".join(f"{domain_name(d)} = {domain_zh(d)}" for d in domains)
                    + ".",
                    alt="Stacked bars of budget allocations by domain and district",
                )
            )
    rows = []
    for dom in domains:
        row: dict[str, Any] = {"Domain": domain_name(dom), "中文": domain_zh(dom)}
        for district in districts:
            value = info[district].allocation(dom)
            whole = info[district].base
            row[district_name(district)] = (
                Cell(
                    format_amount(value, "CNY"),
                    title=f"{exact_amount(value, 'CNY')} · {info[district].sources(dom)}",
                    sort=value,
                )
                if value is not None
                else Cell("—", cls="pc-absent", title="no allocation stated for this domain")
            )
            row[f"{district_name(district)} share"] = (
                Cell(f"{100 * value / whole:.1f}%", sort=value / whole) if value is not None and whole else ""
            )
        rows.append(row)
    sum_row: dict[str, Any] = {"Domain": "Sum of the domain allocations", "中文": "各领域合计"}
    stated_row: dict[str, Any] = {"Domain": "Stated document-wide total", "中文": "总额(文件所述)"}
    for district in districts:
        s, whole = info[district].sum, info[district].base
        sum_row[district_name(district)] = (
            Cell(format_amount(s, "CNY"), sort=s, title=f"{exact_amount(s, 'CNY')} · sum of the allocations above")
            if s is not None
            else Cell("—", cls="pc-absent")
        )
        sum_row[f"{district_name(district)} share"] = (
            Cell(f"{100 * s / whole:.1f}%", sort=s / whole) if s and whole else ""
        )
        stated_row[district_name(district)] = info[district].total_cell()
        stated_row[f"{district_name(district)} share"] = ""
    rows.extend([sum_row, stated_row])
    parts.append(
        Table(
            pd.DataFrame(rows),
            caption="Allocations per domain, shares and totals",
            note="Share: of the stated document-wide total, or of the sum of the allocations where no total "
            "is stated. Earmarked items inside a domain (e.g. consumption vouchers) are not "
            "allocations; they are listed with every budget figure below. Hover an amount for the "
            "exact yuan, its clause and span.",
        )
    )
    return block(*parts)


def budget_checks(checks: pd.DataFrame) -> Part:
    """The rows of :func:`~policycmp.analysis.budgets.budget_checks`, each with its result."""
    rows = [
        {
            "District": district_name(c["district"]),
            "Check": c["check"],
            "Result": Cell("not stated", cls="pc-absent")
            if c["gap"]
            else Cell("n/a", cls="pc-absent")
            if c["ok"] is None
            else Cell("ok", cls="pc-ok")
            if c["ok"]
            else Cell("mismatch", cls="pc-bad"),
            "Detail": c["detail"],
        }
        for c in checks.to_dict("records")
    ]
    return block(
        Table(
            pd.DataFrame(rows, columns=["District", "Check", "Result", "Detail"]),
            caption="Consistency checks of the budget figures",
            note="n/a: the check needs a figure the document does not state. not stated: the document "
            "gives some domains no budget figure (a gap in coverage, not a contradiction).",
        )
    )


def budget_rows(budgets: pd.DataFrame) -> Part:
    """Every budget figure, district by district (registry order), domain by domain."""
    table = budgets.assign(
        _d=budgets["district"].map({d: i for i, d in enumerate(district_keys())}), _m=_domain_sort(budgets["domain"])
    ).sort_values(["_d", "_m"], kind="stable")
    rows = [
        {
            "District": district_name(r.district),
            "City": city_name(city_of(r.district), chinese=False),
            "Year": r.year,
            "Domain": domain_name(r.domain) if not is_missing(r.domain) else "(whole document)",
            "Role": _str(r.role),
            "Amount": amount_cell(r.value, r.unit, None, r.bound, clause_id=r.clause_id, span=r.span),
            "Exact yuan": _exact(r.value),
            "Bound": _str(r.bound),
            "Scope": _str(r.scope),
            "Clause": _str(r.clause_id),
            "Span": _str(r.span),
        }
        for r in records(table)
    ]
    return block(
        Table(
            pd.DataFrame(rows),
            caption="Every budget figure",
            long=["Span"],
            note="Role: total (the whole document), allocation (a domain's budget) or item (money "
            "earmarked for one measure inside a domain).",
        )
    )


def _distribution(districts: list[str], domains: list[str], info: dict[str, _District], year: int | None) -> Part:
    """A province's allocations: per domain, every district's amount and share, and one row per district."""
    values = pd.DataFrame(
        [
            {"domain": dom, "district": d, "value": value, "share": 100 * value / (info[d].base or 1.0)}
            for d in districts
            for dom in domains
            for value in [info[d].allocation(dom)]
            if value is not None and info[d].base
        ]
    )
    parts: list[Part] = []
    if len(values):
        parts.append(_distribution_figure(values, domains, year))
    rows = []
    for district in districts:
        parts_of = info[district]
        row: dict[str, Any] = {
            "City": city_name(city_of(district), chinese=False),
            "District": Cell(district_name(district), href=page_file("district_profile", district)),
            "Stated total": parts_of.total_cell(),
            "Sum of allocations": _sum_cell(parts_of.sum),
        }
        for dom in domains:
            value = parts_of.allocation(dom)
            share = f" ({100 * value / parts_of.base:.0f}%)" if value is not None and parts_of.base else ""
            row[domain_name(dom)] = (
                Cell(
                    format_amount(value, "CNY") + share,
                    title=f"{exact_amount(value, 'CNY')} · {parts_of.sources(dom)}",
                    sort=value,
                )
                if value is not None
                else ""
            )
        rows.append(row)
    parts.append(
        Table(
            pd.DataFrame(rows),
            caption="Totals and allocations per domain, one row per district",
            note="In brackets: the allocation's share of the stated total, or of the sum of the allocations where "
            "no total is stated. Hover an amount for the exact yuan, its clause and span. A district links to its "
            "profile.",
        )
    )
    return block(*parts)


def _sum_cell(value: float | None) -> Cell:
    if value is None:
        return Cell("—", cls="pc-absent")
    return Cell(
        format_amount(value, "CNY"), sort=value, title=f"{exact_amount(value, 'CNY')} · sum of the allocations above"
    )


def _distribution_figure(values: pd.DataFrame, domains: list[str], year: int | None) -> Figure:
    labels = [domain_name(d) for d in domains]
    with figure(10.5, 0.42 * len(domains) + 1.9, 1, 2, sharey=True) as (fig, axes):
        for ax, (column, measure, title, scale) in zip(
            axes[0],
            [
                ("value", "allocation", "Allocation (亿元)", 1e8),
                ("share", "allocation_share", "Share of the district's total (%)", 1),
            ],
        ):
            ys = values["domain"].map(domains.index) + values.groupby("domain").cumcount().mod(5).sub(2) * 0.07
            ax.scatter(values[column] / scale, ys, s=10, color=PALETTE[0], alpha=0.55, linewidths=0)
            spread = spreads(measure, year).drop_duplicates("item").set_index("item").reindex(domains)
            spread_marks(ax, range(len(domains)), spread["q1"] / scale, spread["median"] / scale, spread["q3"] / scale)
            ax.set_yticks(range(len(domains)), labels)
            ax.set_ylim(len(domains) - 0.5, -0.5)
            ax.set_title(title)
        axes[0][0].set_xscale("log")
        plain_log_ticks(axes[0][0])
        axes[0][1].set_xlim(0, 100)
        legend_below(fig, spread_legend(), ["middle half of the districts", "median"])
        return svg(
            fig,
            caption="Each district's budget allocation per domain (one dot per district that allocates to it; left on "
            "a log scale in 亿元, 1 亿元 = 100,000,000 yuan), and its share of the district's total; the grey bar "
            "spans the middle half of the districts, the tick marks the median. Domains: "
            + "; ".join(f"{domain_name(d)} = {domain_zh(d)}" for d in domains)
            + ".",
            alt="Dot plots of budget allocations and shares per domain across districts",
        )


def _budget_inputs(p: dict[str, Any]) -> Inputs:
    return whole("budgets", "budget_summary", "budget_domains", "standings", "clauses", "documents")


def _budget_editions(p: dict[str, Any]) -> str:
    return shown_sentence(p, p["districts"])


REPORT = ReportSpec(
    "budgets",
    "Budgets",
    {"districts": params_mod.district_list, "year": params_mod.edition_year},
    _budget_summary,
    check=params_mod.districts_of_year,
    inputs=_budget_inputs,
    editions=_budget_editions,
)
