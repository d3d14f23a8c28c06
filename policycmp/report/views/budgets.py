"""03 budgets: per-domain allocations and shares, totals, and checks that the figures agree.

For a handful of districts the allocations are stacked side by side; for a province the page shows,
per domain, how the districts' allocations and shares are distributed, and one row per district.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from matplotlib.lines import Line2D

from .. import params as params_mod
from ..markup.components import Figure, Notice, Part, Table, block
from ..markup.format import Cell, amount_cell, exact_amount, format_amount, is_missing, short_money
from ..pages import page_file
from .context import Inputs, Report, ReportSpec
from .data import _num, _str, load, records, shared
from .figures import _patch, figure, legend_below, plain_log_ticks, spread_legend, spread_marks, svg
from .inputs import whole
from .labels import PALETTE, city_name, city_of, district_keys, district_name, domain_keys, domain_name, domain_zh
from .layout import side_by_side
from .province import quartiles
from .shaping import _cell_or_text, _exact


def _domain_sort(series: pd.Series) -> pd.Series:
    order = {key: i for i, key in enumerate(domain_keys())}
    return series.map(lambda d: order.get(d, len(order)) if isinstance(d, str) else len(order) + 1)


def _budgets(districts: list[str]) -> pd.DataFrame:
    table = load("budgets")
    table = table[table["district"].isin(districts)].copy()
    table["value"] = _num(table["value"])
    return table


def _budget_parts(table: pd.DataFrame, district: str) -> dict[str, Any]:
    """A district's stated total, its per-domain allocations and its earmarked items."""
    here = table[table["district"] == district]
    role = here["role"].map(_str)
    totals = here[here["domain"].isna() & (role != "item")]
    allocations = here[here["domain"].notna() & (role != "item")]
    items = here[role == "item"]
    largest = totals["value"].max() if len(totals) else None
    stated = None if largest is None or is_missing(largest) else float(largest)
    parts_sum = float(allocations["value"].sum()) if len(allocations) else None
    return {
        "rows": here,
        "totals": totals,
        "allocations": allocations,
        "items": items,
        "stated": stated,
        "sum": parts_sum,
        "base": stated if stated is not None else parts_sum,
    }


def _allocation(parts: dict[str, Any], dom: str) -> tuple[float | None, pd.DataFrame]:
    rows = parts["allocations"][parts["allocations"]["domain"] == dom]
    return (float(rows["value"].sum()) if len(rows) else None), rows


def _sources(rows: pd.DataFrame) -> str:
    return " | ".join(f"clause {_str(r.clause_id)} · 「{_str(r.span)}」" for r in records(rows))


def _budget_summary(p: dict[str, Any]) -> tuple[str, str]:
    table = _budgets(p["districts"])
    checks = _checks(table, p["districts"])
    passed = sum(1 for c in checks if c["ok"] is True)
    judged = sum(1 for c in checks if c["ok"] is not None)
    tail = f"{passed} of {judged} applicable consistency checks pass."
    if not side_by_side(p["districts"]):
        infos = [_budget_parts(table, d) for d in p["districts"]]
        with_total = sum(1 for i in infos if i["stated"] is not None)
        with_allocations = sum(1 for i in infos if len(i["allocations"]))
        return "Budgets", (
            f"{len(p['districts'])} districts: {with_total} state a document-wide total, {with_allocations} "
            f"allocate to domains. {tail}"
        )
    parts = []
    for district in p["districts"]:
        info = _budget_parts(table, district)
        n = len(info["allocations"])
        breakdown = f"{n} domain allocation{'s' if n != 1 else ''}"
        if info["stated"] is not None:
            parts.append(f"{district_name(district)}: {format_amount(info['stated'], 'CNY')} in total, {breakdown}")
        elif info["sum"] is not None:
            parts.append(
                f"{district_name(district)}: no stated total, {breakdown} summing to "
                f"{format_amount(info['sum'], 'CNY')}"
            )
        else:
            parts.append(f"{district_name(district)}: no budget figure")
    return "Budgets", f"{'; '.join(parts)}. {tail}"


def budget_allocations(report: Report) -> Part:
    """Per-domain allocations and shares, by district, with the stated totals."""
    districts = report["districts"]
    table = _budgets(districts)
    if table.empty:
        return Notice("The budgets table has no row for these districts.")
    domains = [d for d in domain_keys() if d in set(table["domain"].dropna())]
    info = {d: _budget_parts(table, d) for d in districts}
    if not side_by_side(districts):
        allocated = set(table[table["role"] == "allocation"]["domain"].dropna())
        return _distribution(districts, [d for d in domains if d in allocated], info)
    colours = {dom: PALETTE[i % len(PALETTE)] for i, dom in enumerate(domain_keys())}
    rest = "#d9d9d9"
    parts: list[Part] = []
    plotted = [d for d in districts if info[d]["base"]]
    if plotted:
        with figure(10.5, 0.6 * len(plotted) + 2.4, 1, 2) as (fig, axes):
            amount_ax, share_ax = axes[0]
            for y, district in enumerate(plotted):
                base = info[district]["base"]
                left = 0.0
                for dom in domains:
                    value, _ = _allocation(info[district], dom)
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
                            fontsize=7,
                            color="white",
                        )
                    left += value
                if left < base:  # the part of a stated total not broken down by domain
                    amount_ax.barh(y, (base - left) / 1e8, left=left / 1e8, color=rest, edgecolor="white", hatch="//")
                    share_ax.barh(
                        y, 100 * (base - left) / base, left=100 * left / base, color=rest, edgecolor="white", hatch="//"
                    )
                if info[district]["stated"] is not None:
                    amount_ax.plot(
                        [info[district]["stated"] / 1e8] * 2, [y - 0.42, y + 0.42], color="#222222", linewidth=2
                    )
                    amount_ax.text(
                        info[district]["stated"] / 1e8,
                        y - 0.45,
                        f" total {short_money(info[district]['stated'])}",
                        fontsize=7,
                        va="bottom",
                    )
            for ax in (amount_ax, share_ax):
                ax.set_yticks(range(len(plotted)), [district_name(d) for d in plotted])
                ax.set_ylim(len(plotted) - 0.5, -0.7)
            amount_ax.set_xlabel("100 million yuan")
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
                    caption="Budget per domain in units of 100 million yuan (1 亿元 = 100,000,000 yuan), "
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
            value, here = _allocation(info[district], dom)
            base = info[district]["base"]
            row[district_name(district)] = (
                Cell(format_amount(value, "CNY"), title=f"{exact_amount(value, 'CNY')} · {_sources(here)}", sort=value)
                if value is not None
                else Cell("—", cls="pc-absent", title="no allocation stated for this domain")
            )
            row[f"{district_name(district)} share"] = (
                Cell(f"{100 * value / base:.1f}%", sort=value / base) if value is not None and base else ""
            )
        rows.append(row)
    sum_row: dict[str, Any] = {"Domain": "Sum of the domain allocations", "中文": "各领域合计"}
    stated_row: dict[str, Any] = {"Domain": "Stated document-wide total", "中文": "总额(文件所述)"}
    for district in districts:
        s, base = info[district]["sum"], info[district]["base"]
        sum_row[district_name(district)] = (
            Cell(format_amount(s, "CNY"), sort=s, title=f"{exact_amount(s, 'CNY')} · sum of the allocations above")
            if s is not None
            else Cell("—", cls="pc-absent")
        )
        sum_row[f"{district_name(district)} share"] = (
            Cell(f"{100 * s / base:.1f}%", sort=s / base) if s and base else ""
        )
        stated_row[district_name(district)] = _cell_or_text(
            [
                amount_cell(r.value, "CNY", None, r.bound, clause_id=r.clause_id, span=r.span)
                for r in records(info[district]["totals"])
            ]
        ) or Cell("not stated", cls="pc-absent")
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


def _checks(table: pd.DataFrame, districts: list[str]) -> list[dict[str, Any]]:
    """Consistency checks of the budget figures: ok True / False, or None when not applicable."""
    clauses = shared("clauses")
    with_clauses = clauses[clauses["domain"].notna()].groupby("district")["domain"].agg(set)
    out = []

    def add(district: str, check: str, ok: bool | None, detail: str, gap: bool = False) -> None:
        out.append({"district": district_name(district), "check": check, "ok": ok, "detail": detail, "gap": gap})

    for district in districts:
        info = _budget_parts(table, district)
        here = info["rows"]
        check = "the domain allocations add up to the stated total"
        if info["stated"] is not None and info["sum"] is not None:
            diff = info["sum"] - info["stated"]
            ok = abs(diff) <= 0.005 * info["stated"]
            add(
                district,
                check,
                ok,
                f"sum {format_amount(info['sum'], 'CNY')} vs stated "
                f"{format_amount(info['stated'], 'CNY')}"
                + ("" if ok else f" (difference {format_amount(diff, 'CNY')})"),
            )
        elif info["stated"] is not None:
            add(district, check, None, "a total is stated without a per-domain breakdown")
        elif info["sum"] is not None:
            add(district, check, None, "allocations are stated without a document-wide total")
        else:
            add(district, check, None, "no budget figure")
        if len(info["totals"]) > 1:
            values = sorted(set(info["totals"]["value"].dropna()))
            add(
                district,
                "one document-wide total",
                len(values) == 1,
                ", ".join(format_amount(v, "CNY") for v in values),
            )
        if len(info["allocations"]):
            sections = with_clauses.get(district, set())
            missing = [d for d in domain_keys() if d in sections and d not in set(info["allocations"]["domain"])]
            # A domain the document gives no money is a gap in coverage, not a contradiction between
            # figures: it is shown, but not counted as a failed consistency check.
            add(
                district,
                "every domain with clauses has an allocation",
                True if not missing else None,
                "none missing" if not missing else "no allocation stated for " + ", ".join(map(domain_name, missing)),
                gap=bool(missing),
            )
        if len(info["allocations"]):
            doubles = info["allocations"].groupby("domain").size()
            doubles = doubles[doubles > 1]
            add(
                district,
                "one allocation per domain",
                doubles.empty,
                "one each"
                if doubles.empty
                else "; ".join(f"{domain_name(d)}: {n} figures (summed)" for d, n in doubles.items()),
            )
        for item in records(info["items"]):
            value, _ = _allocation(info, item.domain)
            if value is not None:
                add(
                    district,
                    "an earmarked item fits in its domain's allocation",
                    item.value <= value,
                    f"{_str(item.scope) or 'item'} {format_amount(item.value, 'CNY')} within "
                    f"{domain_name(item.domain)} {format_amount(value, 'CNY')}",
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
    return out


def budget_checks(report: Report) -> Part:
    table = _budgets(report["districts"])
    checks = _checks(table, report["districts"])
    rows = [
        {
            "District": c["district"],
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
        for c in checks
    ]
    return block(
        Table(
            pd.DataFrame(rows, columns=["District", "Check", "Result", "Detail"]),
            caption="Consistency checks of the budget figures",
            note="n/a: the check needs a figure the document does not state. not stated: the document "
            "gives some domains no budget figure (a gap in coverage, not a contradiction).",
        )
    )


def budget_rows(report: Report) -> Part:
    table = _budgets(report["districts"])
    table = table.assign(
        _d=table["district"].map({d: i for i, d in enumerate(district_keys())}), _m=_domain_sort(table["domain"])
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


def _distribution(districts: list[str], domains: list[str], info: dict[str, dict[str, Any]]) -> Part:
    """A province's allocations: per domain, every district's amount and share, and one row per district."""
    values = pd.DataFrame(
        [
            {"domain": dom, "district": d, "value": value, "share": 100 * value / info[d]["base"]}
            for d in districts
            for dom in domains
            for value in [_allocation(info[d], dom)[0]]
            if value is not None and info[d]["base"]
        ]
    )
    parts: list[Part] = []
    if len(values):
        parts.append(_distribution_figure(values, domains))
    rows = []
    for district in districts:
        parts_of = info[district]
        row: dict[str, Any] = {
            "City": city_name(city_of(district), chinese=False),
            "District": Cell(district_name(district), href=page_file("district_profile", district)),
            "Stated total": _cell_or_text(
                [
                    amount_cell(r.value, "CNY", None, r.bound, clause_id=r.clause_id, span=r.span)
                    for r in records(parts_of["totals"])
                ]
            )
            or Cell("not stated", cls="pc-absent"),
            "Sum of allocations": _sum_cell(parts_of["sum"]),
        }
        for dom in domains:
            value, here = _allocation(parts_of, dom)
            share = f" ({100 * value / parts_of['base']:.0f}%)" if value is not None and parts_of["base"] else ""
            row[domain_name(dom)] = (
                Cell(
                    format_amount(value, "CNY") + share,
                    title=f"{exact_amount(value, 'CNY')} · {_sources(here)}",
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


def _distribution_figure(values: pd.DataFrame, domains: list[str]) -> Figure:
    labels = [domain_name(d) for d in domains]
    with figure(10.5, 0.42 * len(domains) + 1.9, 1, 2, sharey=True) as (fig, axes):
        for ax, (column, title, scale) in zip(
            axes[0],
            [("value", "Allocation (100 million yuan)", 1e8), ("share", "Share of the district's total (%)", 1)],
        ):
            ys = values["domain"].map(domains.index) + values.groupby("domain").cumcount().mod(5).sub(2) * 0.07
            ax.scatter(values[column] / scale, ys, s=10, color=PALETTE[0], alpha=0.55, linewidths=0)
            spread = quartiles(values.assign(value=values[column] / scale), ["domain"]).set_index("domain")
            spread = spread.reindex(domains)
            spread_marks(ax, range(len(domains)), spread["q1"], spread["median"], spread["q3"])
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
            "a log scale in units of 100 million yuan, 1 亿元), and its share of the district's total; the grey bar "
            "spans the middle half of the districts, the tick marks the median. Domains: "
            + "; ".join(f"{domain_name(d)} = {domain_zh(d)}" for d in domains)
            + ".",
            alt="Dot plots of budget allocations and shares per domain across districts",
        )


def _budget_inputs(p: dict[str, Any]) -> Inputs:
    return whole("budgets", "clauses", "documents")


REPORT = ReportSpec(
    "budgets",
    "Budgets",
    {"districts": params_mod.district_list},
    _budget_summary,
    inputs=_budget_inputs,
)
