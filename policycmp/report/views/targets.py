"""04 targets: each indicator across districts, with the city's target beside them."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import seaborn as sns
from matplotlib.ticker import FuncFormatter

from .. import params as params_mod
from ..markup.components import Notice, Paragraph, Part, Table, block
from ..markup.format import Cell, amount_cell
from .context import Report, ReportSpec
from .data import TableMissing, _num, _str, load, section
from .figures import figure, svg
from .labels import _order, district_colour, district_name, district_palette, indicator_labels, indicator_name
from .shaping import _cell_or_text, _exact


def _targets() -> pd.DataFrame:
    table = load("targets")
    table["value"] = _num(table["value"])
    table["value_high"] = _num(table["value_high"]) if "value_high" in table else float("nan")
    return table


def _target_columns(p: dict[str, Any]) -> list[str]:
    return [*p["districts"], p["city"]]


def _targets_summary(p: dict[str, Any]) -> tuple[str, str]:
    names = ", ".join(district_name(d) for d in p["districts"])
    try:
        table = _targets()
    except TableMissing:
        return "Targets", f"Targets of {names}: the targets table is not built yet."
    mine = table[table["district"].isin(p["districts"])]
    city = table[table["district"] == p["city"]]
    indicators = set(mine["indicator"].dropna())
    shared = indicators & set(city["indicator"].dropna())
    return "Targets", (
        f"{len(indicators)} indicators across {names}, {len(shared)} of them with a "
        f"{district_name(p['city'])} target beside them; {len(mine)} district target rows, "
        f"{int(mine['indicator'].isna().sum())} outside the indicator vocabulary."
    )


def _indicator_order(keys: list[str]) -> list[str]:
    return _order(keys, indicator_labels())


@section
def target_matrix(report: Report) -> Part:
    """Each indicator across districts with the city's target beside them."""
    table = _targets()
    columns = _target_columns(report.params)
    table = table[table["district"].isin(columns) & table["indicator"].notna()]
    indicators = _indicator_order(sorted(set(table["indicator"])))
    if not indicators:
        return Notice("No target of these districts maps to an indicator of the vocabulary.")
    parts: list[Part] = []
    # The figure compares: an indicator is drawn when at least two of the districts and the city state it.
    plotted = [
        i
        for i in indicators
        if table[(table["indicator"] == i) & table["value"].notna()]["district"].nunique() >= 2
        and table[(table["indicator"] == i) & table["value"].notna()]["district"].isin(report["districts"]).any()
    ]
    if plotted:
        ncols = 2 if len(plotted) > 1 else 1
        nrows = math.ceil(len(plotted) / ncols)
        markers = {"max": "<", "min": ">", "approx": "o", "exact": "D"}
        palette = district_palette(report["districts"])
        with figure(5.2 * ncols, 0.35 * len(columns) * nrows + 1.2 * nrows + 0.6, nrows, ncols) as (fig, axes):
            flat = [ax for row in axes for ax in row]
            for ax, indicator in zip(flat, plotted):
                rows = table[table["indicator"] == indicator]
                units = sorted(set(rows["unit"].dropna().astype(str)))
                scale, unit_label = (1e8, "100M yuan") if units == ["CNY"] else (1, units[0] if units else "")
                points = rows[rows["district"].isin(report["districts"]) & rows["value"].notna()]
                points = points.assign(
                    y=points["district"].map(report["districts"].index),
                    district=points["district"].map(district_name),
                    low=points["value"] / scale,
                    high=points["value_high"] / scale,
                    marker=points["bound"].map(lambda b: markers.get(_str(b), "o")),
                )
                ranges = points[points["high"].notna()]
                ax.hlines(
                    ranges["y"],
                    ranges["low"],
                    ranges["high"],
                    colors=ranges["district"].map(palette).tolist(),
                    linewidth=3,
                )
                sns.scatterplot(
                    points,
                    x="low",
                    y="y",
                    hue="district",
                    palette=palette,
                    style="marker",
                    markers={m: m for m in markers.values()},
                    s=49,
                    legend=False,
                    ax=ax,
                )
                ax.set(xlabel="", ylabel="")
                city_rows = rows[(rows["district"] == report["city"]) & rows["value"].notna()]
                for i, r in enumerate(city_rows.itertuples()):
                    ax.axvline(
                        r.value / scale,
                        color=district_colour(report["city"]),
                        linestyle="--",
                        linewidth=1.2,
                        label=f"{district_name(report['city'])} target" if i == 0 else None,
                    )
                ax.set_yticks(range(len(report["districts"])), [district_name(d) for d in report["districts"]])
                ax.set_ylim(len(report["districts"]) - 0.5, -0.5)
                ax.set_title(f"{indicator_name(indicator)}" + (f" ({unit_label})" if unit_label else ""), fontsize=9)
                ax.margins(x=0.15)

                ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: _compact(v)))
                if len(city_rows):
                    ax.legend(fontsize=7, loc="best")
            for ax in flat[len(plotted) :]:
                ax.set_visible(False)
            caption = (
                "Indicators that at least two of the districts and the city set a target for, by district; the "
                "dashed line is the city's target. Markers: ▶ at "
                "least (≥), ◀ at most (≤), ● about (≈), ◆ exactly; a bar is a range. Indicators: "
                + "; ".join(f"{indicator_name(i)} = {'/'.join(_zh_terms(table, i)) or '—'}" for i in plotted)
                + "."
            )
            parts.append(svg(fig, caption=caption, alt="Dot plots of targets by indicator and district"))
    rows = []
    for indicator in indicators:
        here = table[table["indicator"] == indicator]
        row: dict[str, Any] = {
            "Indicator": indicator_name(indicator),
            "As written": " / ".join(_zh_terms(here, indicator)),
        }
        for district in columns:
            cells = [
                amount_cell(r.value, r.unit, r.value_high, r.bound, clause_id=r.clause_id, span=r.span)
                for r in here[here["district"] == district].itertuples()
            ]
            row[district_name(district)] = _cell_or_text(cells) or Cell("—", cls="pc-absent", title="no target stated")
        rows.append(row)
    parts.append(
        Table(
            pd.DataFrame(rows),
            caption="Targets by indicator and district, with the city's target",
            note="Hover a figure for its exact value, clause and source span. The city column is the "
            f"{district_name(report['city'])} work report's target; it is the city of "
            + ", ".join(
                district_name(d.district)
                for d in params_mod.documents()
                if d.kind == "policy" and d.city == report["city"] and d.district in report["districts"]
            )
            + ".",
        )
    )
    return block(*parts)


def _compact(value: float) -> str:
    """Axis numbers without an offset: 1.5k, 2M, 3bn."""
    for size, name in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:g}{name}"
    return f"{value:g}"


def _zh_terms(table: pd.DataFrame, indicator: str) -> list[str]:
    terms = table[table["indicator"] == indicator]["indicator_zh"].dropna().astype(str)
    return list(dict.fromkeys(terms))[:3]


@section
def target_rows(report: Report, only_unmapped: bool = False) -> Part:
    table = _targets()
    table = table[table["district"].isin(_target_columns(report.params))]
    if only_unmapped:
        table = table[table["indicator"].isna()]
    order = {d: i for i, d in enumerate(_target_columns(report.params))}
    table = table.assign(_d=table["district"].map(order)).sort_values(["_d", "clause_id"], kind="stable")
    rows = [
        {
            "District": district_name(r.district),
            "Year": int(r.year),
            "Indicator": indicator_name(r.indicator),
            "As written": _str(r.indicator_zh),
            "Target": amount_cell(r.value, r.unit, r.value_high, r.bound, clause_id=r.clause_id, span=r.span),
            "Exact value": _exact(r.value),
            "Unit": _str(r.unit),
            "Bound": _str(r.bound),
            "Clause": _str(r.clause_id),
            "Span": _str(r.span),
        }
        for r in table.itertuples()
    ]
    caption = "Targets outside the indicator vocabulary" if only_unmapped else "Every target row"
    if not rows:
        return block(
            Paragraph("Every target maps to an indicator of the vocabulary." if only_unmapped else "No target.")
        )
    return block(Table(pd.DataFrame(rows), caption=caption, long=["Span"]))


REPORT = ReportSpec(
    "targets",
    "Targets",
    {"districts": params_mod.district_list, "city": params_mod.city},
    _targets_summary,
)
