"""06 domain deep-dive: one domain across districts — clauses, quantities, the most alike pairs.

For a handful of districts every clause and quantity is shown, side by side. For a province the page
summarises each district's section (counts, largest subsidy, budget allocation) and links to the
district's profile, where its clauses are listed; the workbook has every clause text.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from ...analysis.domain import money as _money_rows
from ...analysis.editions import editions
from ...analysis.province import quartiles
from ...analysis.quantities import largest
from ...analysis.tables import table as table_of
from .. import params as params_mod
from ..lookup import closest_pairs
from ..markup.components import Facts, Notice, Paragraph, Part, Table, block
from ..markup.format import Cell, amount_cell, counted, exact_amount, figure_amount, format_amount, is_missing
from ..pages import page_file
from .context import Inputs, ReportSpec
from .data import _num, _str, records
from .editions import shown_sentence
from .figures import count_ticks, figure, grouped_bars, legend_below, spread_legend, spread_marks, svg
from .inputs import whole
from .labels import (
    KIND_NAMES,
    PALETTE,
    by_city,
    city_name,
    city_of,
    district_colour,
    district_name,
    district_zh,
    domain_name,
    domain_zh,
    level_name,
    page_districts,
)
from .layout import side_by_side
from .shaping import _exact

LARGEST = 30  # amounts listed for a province, where every quantity would not read


def clauses_anchor(domain: str) -> str:
    """The id of a domain's clauses on a district profile, which the domain pages link to."""
    return f"clauses-{domain}"


def _domain_summary(p: dict[str, Any]) -> tuple[str, str]:
    dom = p["domain"]
    title = f"Domain deep-dive: {domain_name(dom)} ({domain_zh(dom)})"
    chosen = editions(p.get("year"))
    here = table_of("clauses", domain=dom, editions=chosen)
    numbered = here[here["row_kind"] == "clause"]
    every = page_districts()
    districts = [d for d in every if d in set(here["district"])]
    n_quantities = len(table_of("quantities", domain=dom, editions=chosen))
    missing = [d for d in every if d not in districts]
    if side_by_side(every):
        counts = ", ".join(f"{district_name(d)}: {int((numbered['district'] == d).sum())}" for d in districts)
        parts = [
            f"{counted(len(numbered), 'clause')} across {counted(len(districts), 'district')} ({counts})",
            counted(n_quantities, "quantity", "quantities"),
        ]
        if missing:
            parts.append(f"no such section in {', '.join(district_name(d) for d in missing)}")
    else:
        per = numbered.groupby("district").size()
        parts = [
            f"{len(numbered)} clauses across {len(districts)} of {len(every)} districts (median "
            f"{per.median():g} per district)",
            f"{n_quantities} quantities",
        ]
    return title, "; ".join(parts) + "."


def _money(quantities: pd.DataFrame) -> pd.DataFrame:
    """The subsidy and budget amounts in yuan among ``quantities``."""
    money = _money_rows(quantities).copy()
    money["value"] = _num(money["value"])
    money["value_high"] = _num(money["value_high"])
    return money


def domain_overview(dom: str, clauses: pd.DataFrame, quantities: pd.DataFrame) -> Part:
    """One domain's clauses and amounts by district (side by side) or by city (a province): ``clauses`` and
    ``quantities`` are the domain's rows of one edition per district."""
    districts = [d for d in page_districts() if d in set(clauses["district"])]
    if not districts:
        return Notice(f"No district has a {domain_name(dom)} section.")
    if side_by_side(page_districts()):
        return _overview_side_by_side(dom, clauses, quantities, districts)
    return _overview_by_city(dom, clauses, quantities, districts)


def _marker(marker: str) -> Line2D:
    return Line2D([0], [0], marker=marker, linestyle="none", color="#555555", markersize=6)


def _overview_side_by_side(dom: str, here: pd.DataFrame, quantities: pd.DataFrame, districts: list[str]) -> Part:
    tallies = {"Numbered clauses": here[here["row_kind"] == "clause"], "Quantities stated": quantities}
    money = _money(quantities)
    ncols = 2 if len(money) else 1
    colours = {district_name(d): district_colour(d) for d in districts}
    with figure(4.6 * ncols + 0.6, 0.55 * len(districts) + 1.8, 1, ncols) as (fig, axes):
        ax = axes[0][0]
        series = {
            district_name(d): [int((rows["district"] == d).sum()) for rows in tallies.values()] for d in districts
        }
        grouped_bars(ax, list(tallies), series, colours)
        ax.set_title("Clauses and quantities")
        ax.legend(fontsize=8, loc="best")
        if ncols == 2:
            ax2 = axes[0][1]
            markers = {"subsidy": "o", "budget": "s"}
            points = money[money["district"].isin(districts) & (money["value"] > 0)]
            # One row per district; equal amounts are spread over five fixed lanes (no randomness).
            lane = points.groupby(["district", "kind"]).cumcount() % 5 - 2
            for kind, marker in markers.items():
                mine = points[points["kind"] == kind]
                ax2.scatter(
                    mine["value"],
                    mine["district"].map(districts.index) + 0.125 * lane[mine.index],
                    marker=marker,
                    s=22,
                    alpha=0.8,
                    edgecolors="white",
                    linewidths=0.5,
                    color=[district_colour(str(d)) for d in mine["district"]],
                )
            ax2.set_xscale("log")
            ax2.set_yticks(range(len(districts)), [district_name(d) for d in districts])
            ax2.set_ylim(len(districts) - 0.5, -0.5)
            ax2.set(xlabel="", ylabel="", title="Amounts (log scale)")
            ax2.xaxis.set_major_formatter(FuncFormatter(lambda v, _: figure_amount(v, "CNY")))
            ax2.legend(
                handles=[_marker(m) for m in markers.values()], labels=list(markers), fontsize=8, loc="lower right"
            )
        fig_part = svg(
            fig,
            caption=f"{domain_name(dom)} ({domain_zh(dom)}): clauses and quantities by district"
            + (
                "; right: every subsidy (●) and budget (■) amount in yuan, one dot per amount (万元 = 10,000 yuan, "
                "亿元 = 100,000,000 yuan)."
                if ncols == 2
                else "."
            ),
            alt=f"Clauses and amounts of the {domain_name(dom)} domain",
        )
    missing = [d for d in page_districts() if d not in districts]
    if not missing:
        return block(fig_part)
    verb = "has" if len(missing) == 1 else "have"
    names = ", ".join(district_name(d) for d in missing)
    return block(fig_part, Paragraph(f"{names} {verb} no {domain_name(dom)} section."))


def _overview_by_city(dom: str, here: pd.DataFrame, quantities: pd.DataFrame, districts: list[str]) -> Part:
    """For a province: each district's clause count and every amount, one row per city."""
    groups = by_city(districts)
    cities = list(groups)
    counts = here[here["row_kind"] == "clause"].groupby("district").size()
    money = _money(quantities)
    money = money[money["value"] > 0]
    ncols = 2 if len(money) else 1
    with figure(5.0 * ncols + 0.5, 0.38 * len(cities) + 1.9, 1, ncols, sharey=True) as (fig, axes):
        left = axes[0][0]
        values = pd.DataFrame(
            [{"city": c, "value": int(counts.get(d, 0))} for c, members in groups.items() for d in members]
        )
        lanes = values.groupby("city").cumcount().mod(5).sub(2) * 0.08
        left.scatter(values["value"], values["city"].map(cities.index) + lanes, s=12, color=PALETTE[0], alpha=0.6)
        spread = quartiles(values, ["city"]).set_index("city").reindex(cities)
        spread_marks(left, range(len(cities)), spread["q1"], spread["median"], spread["q3"])
        left.set_title("Numbered clauses per district")
        left.set_xlim(left=0)
        count_ticks(left)
        legend_below(fig, spread_legend(), ["middle half of the city's districts", "median"])
        if ncols == 2:
            right = axes[0][1]
            for kind, marker in (("subsidy", "o"), ("budget", "s")):
                mine = money[money["kind"] == kind]
                lane = mine.groupby("district").cumcount().mod(5).sub(2) * 0.08
                ys = mine["district"].map(city_of).map(cities.index) + lane
                colour = PALETTE[1 if kind == "subsidy" else 2]
                right.scatter(mine["value"], ys, marker=marker, s=12, alpha=0.5, color=colour)
            right.set_xscale("log")
            right.xaxis.set_major_formatter(FuncFormatter(lambda v, _: figure_amount(v, "CNY")))
            right.set_title("Subsidy (●) and budget (■) amounts (log scale)")
        left.set_yticks(range(len(cities)), [city_name(c, chinese=False) for c in cities])
        left.set_ylim(len(cities) - 0.5, -0.5)
        fig_part = svg(
            fig,
            caption=f"{domain_name(dom)} ({domain_zh(dom)}) across {len(districts)} districts, one row per city: left, "
            "each district's numbered clauses (a dot per district; grey bar: the middle half of the city's "
            "districts, tick: their median)"
            + ("; right, every subsidy and budget amount stated in the section." if ncols == 2 else "."),
            alt=f"Clauses and amounts of the {domain_name(dom)} domain by city",
        )
    missing = [d for d in page_districts() if d not in districts]
    if not missing:
        return block(fig_part)
    names = ", ".join(district_name(d) for d in missing)
    verb = "has" if len(missing) == 1 else "have"
    absent = f"{counted(len(missing), 'district')} {verb} no {domain_name(dom)} section: {names}."
    return block(fig_part, Paragraph(absent))


def domain_clauses(dom: str, clauses: pd.DataFrame, summaries: pd.DataFrame) -> Part:
    """The domain's clauses: side by side for a handful of districts, else each district's section summarised
    (``summaries``: :func:`~policycmp.analysis.domain.section_summaries` — counts, largest subsidy, budget
    allocation) with links. ``clauses`` are the domain's rows of one edition per district."""
    here = clauses.sort_values("seq", kind="stable")
    districts = [d for d in page_districts() if d in set(here["district"])]
    if not districts:
        return Notice(f"No district has a {domain_name(dom)} section.")
    if side_by_side(page_districts()):
        return _clauses_side_by_side(dom, here, districts)
    return _districts_summary(dom, summaries)


def _clauses_side_by_side(dom: str, here: pd.DataFrame, districts: list[str]) -> Part:
    columns = {}
    for district in districts:
        cells = []
        for r in records(here[here["district"] == district]):
            label = r.row_kind if r.row_kind in ("preamble", "closing") else f"clause {r.clause_no}"
            cells.append(Cell(_str(r.text), title=f"{r.clause_id} ({label})"))
        columns[district] = cells
    depth = max(len(c) for c in columns.values())
    frame = pd.DataFrame(
        {
            "#": list(range(1, depth + 1)),
            **{
                f"{district_name(d)} {district_zh(d)}": columns[d] + [""] * (depth - len(columns[d])) for d in districts
            },
        }
    )
    sections: list[tuple[str, object]] = []
    for district in districts:
        first = here[here["district"] == district].iloc[0]
        lead = _str(first["lead_department"])
        sections.append(
            (
                f"{district_name(district)} section heading",
                _str(first["section_title"]) + (f" — lead: {lead}" if lead else ""),
            )
        )
    return block(
        Facts(sections),
        Table(
            frame,
            caption=f"{domain_name(dom)}: clauses side by side",
            long=[c for c in frame.columns if c != "#"],
            note="Row n holds each district's n-th piece of the section (its preamble first). Hover a text for its "
            "clause_id.",
        ),
    )


def _clauses_link(district: str, dom: str) -> str | None:
    profile = page_file("district_profile", district)
    return f"{profile}#{clauses_anchor(dom)}" if profile else None


def _districts_summary(dom: str, summaries: pd.DataFrame) -> Part:
    rows = []
    for r in records(summaries):
        sources = " | ".join(f"clause {c} · 「{s}」" for c, s in zip(r.allocation_clause_ids, r.allocation_spans))
        rows.append(
            {
                "City": city_name(city_of(r.district), chinese=False),
                "District": Cell(district_name(r.district), href=_clauses_link(r.district, dom)),
                "Section heading": _str(r.heading),
                "Lead department": _str(r.lead_department),
                "Clauses": r.clauses,
                "Quantities": r.quantities,
                "Largest subsidy": amount_cell(
                    r.subsidy,
                    r.subsidy_unit,
                    r.subsidy_high,
                    r.subsidy_bound,
                    clause_id=r.subsidy_clause_id,
                    span=r.subsidy_span,
                ),
                "Allocation": Cell(
                    format_amount(r.allocation, "CNY"),
                    title=f"{exact_amount(r.allocation, 'CNY')} · {sources}",
                    sort=float(r.allocation),
                )
                if not is_missing(r.allocation)
                else "",
            }
        )
    return block(
        Table(
            pd.DataFrame(rows),
            caption=f"{domain_name(dom)}: each district's section",
            note="A district links to its profile, which lists the clauses of this section. Hover an amount for the "
            "exact yuan, its clause and span; every clause text is also in the workbook (sheet clauses).",
        )
    )


def domain_quantities(dom: str, quantities: pd.DataFrame, clauses: pd.DataFrame) -> Part:
    """The domain's quantities: every one for a handful of districts, the largest amounts for a province."""
    q = quantities.copy()
    if q.empty:
        return block(Paragraph(f"No quantity is stated in the {domain_name(dom)} clauses."))
    q["value"] = _num(q["value"])
    q["value_high"] = _num(q["value_high"])
    wide = side_by_side(page_districts())
    if wide:
        seq = dict(zip(clauses["clause_id"], clauses["seq"]))
        q = q.assign(_d=q["district"].map({d: i for i, d in enumerate(page_districts())}), _s=q["clause_id"].map(seq))
        q = q.sort_values(["_d", "_s", "start"], kind="stable")
        caption = f"{domain_name(dom)}: every quantity"
    else:
        q = largest(_money_rows(q), LARGEST)
        caption = f"{domain_name(dom)}: the {LARGEST} largest subsidy and budget amounts in yuan"
    rows = [
        {
            "District": district_name(r.district),
            "Clause": _str(r.clause_id),
            "Span": _str(r.span),
            "Amount": amount_cell(r.value, r.unit, r.value_high, r.bound, clause_id=r.clause_id, span=r.span),
            "Exact value": _exact(r.value),
            "Unit": _str(r.unit),
            "Kind": KIND_NAMES.get(_str(r.kind), _str(r.kind)),
            "Bound": _str(r.bound),
            "Level": level_name(r.level) if not is_missing(r.level) else "",
        }
        for r in records(q)
    ]
    note = (
        "" if wide else "Every quantity of each district is on its profile page and in the workbook (sheet quantities)."
    )
    return block(Table(pd.DataFrame(rows), caption=caption, long=["Span"], note=note))


def similar_pairs(dom: str, clauses: pd.DataFrame, n: int) -> Part:
    """The ``n`` most alike pairs of the domain's clauses from different districts, scored as
    ``policycmp.similar`` scores them over ``clauses`` (the whole clause table: the scores weigh every clause)."""
    here = clauses[(clauses["domain"] == dom) & (clauses["row_kind"] == "clause")]
    if here.empty:
        return block(Paragraph(f"No district has a {domain_name(dom)} section."))
    same_domain = here["district"].nunique() >= 2
    info = clauses.set_index("clause_id")
    rows = []
    for a, b, score in closest_pairs(clauses, dom, n):
        row = {
            "Score": round(score, 3),
            "Clause A": a,
            "District A": district_name(info.at[a, "district"]),
            "Title A": _str(info.at[a, "title"]),
            "Clause B": b,
            "District B": district_name(info.at[b, "district"]),
            "Title B": _str(info.at[b, "title"]),
        }
        if not same_domain:
            row["Domain B"] = domain_name(info.at[b, "domain"])
        row.update({"Text A": _str(info.at[a, "text"]), "Text B": _str(info.at[b, "text"])})
        rows.append(row)
    note = (
        "Score: TF-IDF character n-gram cosine similarity (as policycmp.similar scores it, with its same-domain "
        "boost); higher is closer."
    )
    if not same_domain:
        note = (
            f"Only {district_name(here['district'].iloc[0])} has a {domain_name(dom)} section, so each of its "
            "clauses is paired with the closest rows of the other districts, whatever their domain. " + note
        )
    return block(
        Table(
            pd.DataFrame(rows),
            caption=f"{domain_name(dom)}: the most alike pairs of clauses from different districts",
            long=["Text A", "Text B"],
            note=note,
        )
    )


def _domain_inputs(p: dict[str, Any]) -> Inputs:
    # The similarity scores weigh every clause of the corpus (TF-IDF), so the whole clause table counts.
    return whole("clauses", "quantities", "budget_domains", "documents")


def _domain_check(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "domain": params_mod.domain(values.get("domain")),
        "similar_pairs": params_mod.positive_int(values.get("similar_pairs", 10), "similar_pairs", high=100),
        "year": params_mod.edition_year(values.get("year")),
    }


def _domain_editions(p: dict[str, Any]) -> str:
    return shown_sentence(p, page_districts())


REPORT = ReportSpec(
    "domain_deep_dive",
    "Domain deep-dive",
    {
        "domain": params_mod.domain,
        "similar_pairs": lambda v: params_mod.positive_int(v, "similar_pairs", high=100),
        "year": params_mod.edition_year,
    },
    _domain_summary,
    render_for="domain",
    check=_domain_check,
    inputs=_domain_inputs,
    editions=_domain_editions,
)
