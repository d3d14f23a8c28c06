"""06 domain deep-dive: one domain across districts — clauses side by side, quantities, similar pairs."""

from __future__ import annotations

from typing import Any

import pandas as pd
import seaborn as sns
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from .. import params as params_mod
from ..lookup import similar
from ..markup.components import Facts, Notice, Paragraph, Part, Table, block
from ..markup.format import Cell, amount_cell, is_missing, short_money
from .context import Report, ReportSpec
from .data import TableMissing, _num, _str, load, maybe, section
from .figures import _label_bars, figure, svg
from .labels import (
    KIND_NAMES,
    district_keys,
    district_name,
    district_palette,
    district_zh,
    domain_name,
    domain_zh,
    level_name,
)
from .shaping import _exact


def _domain_summary(p: dict[str, Any]) -> tuple[str, str]:
    dom = p["domain"]
    title = f"Domain deep-dive: {domain_name(dom)} ({domain_zh(dom)})"
    try:
        clauses = load("clauses")
    except TableMissing:
        return title, "The clauses table is not built yet."
    here = clauses[clauses["domain"] == dom]
    numbered = here[here["row_kind"] == "clause"]
    districts = [d for d in district_keys() if d in set(here["district"])]
    quantities = maybe("quantities")
    parts = [
        f"{len(numbered)} clauses across {len(districts)} district{'s' if len(districts) != 1 else ''} "
        "(" + ", ".join(f"{district_name(d)}: {int((numbered['district'] == d).sum())}" for d in districts) + ")"
    ]
    if quantities is not None:
        parts.append(f"{int((quantities['domain'] == dom).sum())} quantities")
    missing = [district_name(d) for d in district_keys() if d not in districts]
    if missing:
        parts.append(f"no such section in {', '.join(missing)}")
    return title, "; ".join(parts) + "."


def _domain_clauses(dom: str) -> pd.DataFrame:
    clauses = load("clauses")
    return clauses[clauses["domain"] == dom]


@section
def domain_overview(report: Report) -> Part:
    dom = report["domain"]
    here = _domain_clauses(dom)
    districts = [d for d in district_keys() if d in set(here["district"])]
    if not districts:
        return Notice(f"No district has a {domain_name(dom)} section.")

    quantities = maybe("quantities")
    numbered = here[here["row_kind"] == "clause"]
    tallies = {"Numbered clauses": numbered}
    money = None
    if quantities is not None:
        q = quantities[(quantities["domain"] == dom)]
        tallies["Quantities stated"] = q
        money = q[(q["unit"] == "CNY") & q["kind"].isin(["subsidy", "budget"])].copy()
        money["value"] = _num(money["value"])
    ncols = 2 if money is not None and len(money) else 1
    palette = district_palette(districts)
    with figure(4.6 * ncols + 0.6, 0.55 * len(districts) + 1.8, 1, ncols) as (fig, axes):
        ax = axes[0][0]
        counts = pd.DataFrame(
            [
                {"what": what, "district": district_name(d), "count": int((rows["district"] == d).sum())}
                for what, rows in tallies.items()
                for d in districts
            ]
        )
        sns.barplot(
            counts,
            x="count",
            y="what",
            hue="district",
            hue_order=list(palette),
            palette=palette,
            saturation=1,
            errorbar=None,
            ax=ax,
        )
        _label_bars(ax)
        ax.set_ylabel("")
        ax.set_title("Clauses and quantities")
        sns.move_legend(ax, "best", title=None, fontsize=8)
        if ncols == 2:
            ax2 = axes[0][1]
            markers = {"subsidy": "o", "budget": "s"}
            points = money[money["district"].isin(districts) & (money["value"] > 0)]
            # One row per district; equal amounts are spread over five fixed lanes (no randomness).
            lane = points.groupby(["district", "kind"]).cumcount() % 5 - 2
            points = points.assign(
                y=points["district"].map(districts.index) + 0.125 * lane, district=points["district"].map(district_name)
            )
            sns.scatterplot(
                points,
                x="value",
                y="y",
                hue="district",
                style="kind",
                markers=markers,
                palette=palette,
                s=22,
                alpha=0.8,
                edgecolor="white",
                linewidth=0.5,
                legend=False,
                ax=ax2,
            )
            ax2.set_xscale("log")
            ax2.set_yticks(range(len(districts)), list(palette))
            ax2.set_ylim(len(districts) - 0.5, -0.5)
            ax2.set(xlabel="", ylabel="", title="Amounts in yuan (log scale)")

            ax2.xaxis.set_major_formatter(FuncFormatter(lambda v, _: short_money(v)))
            ax2.legend(
                handles=[plt_marker(m) for m in markers.values()], labels=list(markers), fontsize=8, loc="lower right"
            )
        fig_part = svg(
            fig,
            caption=f"{domain_name(dom)} ({domain_zh(dom)}): clauses and quantities by district"
            + ("; right: every subsidy (●) and budget (■) amount in yuan, one dot per amount." if ncols == 2 else "."),
            alt=f"Clauses and amounts of the {domain_name(dom)} domain",
        )
    missing = [d for d in district_keys() if d not in districts]
    notes = (
        [
            Paragraph(
                f"{', '.join(district_name(d) for d in missing)} ha{'s' if len(missing) == 1 else 've'} no "
                f"{domain_name(dom)} section."
            )
        ]
        if missing
        else []
    )
    return block(fig_part, *notes)


def plt_marker(marker: str):

    return Line2D([0], [0], marker=marker, linestyle="none", color="#555555", markersize=6)


@section
def domain_clauses(report: Report) -> Part:
    """Every clause of the domain, side by side: one column per district, in document order."""
    dom = report["domain"]
    here = _domain_clauses(dom).sort_values("seq", kind="stable")
    districts = [d for d in district_keys() if d in set(here["district"])]
    if not districts:
        return Notice(f"No district has a {domain_name(dom)} section.")
    columns = {}
    for district in districts:
        rows = here[here["district"] == district]
        cells = []
        for r in rows.itertuples():
            label = (
                "preamble"
                if r.row_kind == "preamble"
                else "closing"
                if r.row_kind == "closing"
                else f"clause {r.clause_no}"
            )
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
    sections = []
    for district in districts:
        first = here[here["district"] == district].iloc[0]
        lead = _str(first["lead_department"])
        sections.append(
            (
                f"{district_name(district)} section heading",
                f"{_str(first['section_title'])}" + (f" — lead: {lead}" if lead else ""),
            )
        )
    return block(
        Facts(sections),
        Table(
            frame,
            caption=f"{domain_name(dom)}: clauses side by side",
            long=[c for c in frame.columns if c != "#"],
            note="Row n holds each district's n-th piece of the section (its preamble "
            "first). Hover a text for its clause_id.",
        ),
    )


@section
def domain_quantities(report: Report) -> Part:
    dom = report["domain"]
    quantities = load("quantities")
    q = quantities[quantities["domain"] == dom].copy()
    if q.empty:
        return block(Paragraph(f"No quantity is stated in the {domain_name(dom)} clauses."))
    clauses = load("clauses")
    seq = dict(zip(clauses["clause_id"], clauses["seq"]))
    q["value"] = _num(q["value"])
    q["value_high"] = _num(q["value_high"]) if "value_high" in q else float("nan")
    q = q.assign(_d=q["district"].map({d: i for i, d in enumerate(district_keys())}), _s=q["clause_id"].map(seq))
    q = q.sort_values(["_d", "_s", "start"], kind="stable")
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
        for r in q.itertuples()
    ]
    return block(Table(pd.DataFrame(rows), caption=f"{domain_name(dom)}: every quantity", long=["Span"]))


@section
def similar_pairs(report: Report) -> Part:
    """The most similar cross-district pairs of clauses of this domain (``policycmp.similar``).

    Both clauses of a pair are in the domain; for a domain only one district has (the
    element-guarantee lists), the partner may be in any domain of another district.
    """
    dom = report["domain"]
    clauses = load("clauses")
    here = clauses[(clauses["domain"] == dom) & (clauses["row_kind"] == "clause")]
    if here.empty:
        return block(Paragraph(f"No district has a {domain_name(dom)} section."))
    same_domain = here["district"].nunique() >= 2
    best: dict[tuple[str, str], float] = {}
    for clause_id in here["clause_id"].astype(str):
        found = similar(clause_id, 3, tables=clauses)
        for r in found.itertuples():
            if same_domain and _str(r.domain) != dom:
                continue
            pair = tuple(sorted((clause_id, str(r.clause_id)))) if same_domain else (clause_id, str(r.clause_id))
            best[pair] = max(best.get(pair, 0.0), float(r.score))
    ranked = sorted(best.items(), key=lambda item: (-round(item[1], 6), item[0]))[: report["similar_pairs"]]
    info = clauses.set_index("clause_id")
    rows = []
    for (a, b), score in ranked:
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
        "Score: TF-IDF character n-gram cosine similarity (policycmp.similar, with its same-domain boost); "
        "higher is closer."
    )
    if not same_domain:
        note = (
            f"Only {district_name(here['district'].iloc[0])} has a {domain_name(dom)} section, so each of its "
            "clauses is paired with the closest clauses of the other districts, whatever their domain. " + note
        )
    return block(
        Table(
            pd.DataFrame(rows),
            caption=f"{domain_name(dom)}: the most similar cross-district pairs",
            long=["Text A", "Text B"],
            note=note,
        )
    )


REPORT = ReportSpec(
    "domain_deep_dive",
    "Domain deep-dive",
    {"domain": params_mod.domain, "similar_pairs": lambda v: params_mod.positive_int(v, "similar_pairs", high=100)},
    _domain_summary,
    render_for="domain",
)
