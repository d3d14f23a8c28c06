"""04 targets: each indicator across districts, with their cities' work-report targets beside them.

The same sections serve the city context (08): there the districts are the city's and the city is the
one whose work report the page is for. For a handful of districts they are set side by side; for a
province each indicator shows how the districts' targets are distributed and where the cities' lie.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from ...analysis.editions import editions
from ...analysis.tables import table as table_of
from ...analysis.targets import compared_indicators, districts_and_cities, indicator_spread, unmapped_phrases
from .. import params as params_mod
from ..markup.components import Figure, Notice, Paragraph, Part, Table, block
from ..markup.format import Cell, amount_cell, exact_amount, figure_amount, format_amount, is_missing
from ..pages import page_file
from .context import Inputs, ReportSpec
from .data import _str, records
from .editions import shown_sentence
from .figures import figure, legend_below, spread_legend, spread_marks, svg
from .inputs import whole
from .labels import (
    PALETTE,
    _order,
    city_name,
    city_of,
    district_colour,
    district_name,
    indicator_labels,
    indicator_name,
)
from .layout import side_by_side
from .shaping import _cell_or_text, _exact

MARKERS = {"max": "<", "min": ">", "approx": "o", "exact": "D"}
CITY_COLOUR = "#d55e00"


def target_columns(p: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The districts a page shows and the cities whose work-report targets it sets beside them."""
    return districts_and_cities(p.get("districts"), p.get("city"), p.get("year"))


def page_targets(p: dict[str, Any]) -> pd.DataFrame:
    """The target rows of the editions a page shows: one policy edition per district, the cities' work reports."""
    year = p.get("year")
    return table_of("targets", editions=[editions(year), editions(year, kind="city_work_report")])


def _names(districts: list[str]) -> str:
    return ", ".join(district_name(d) for d in districts) if side_by_side(districts) else f"{len(districts)} districts"


def _targets_summary(p: dict[str, Any]) -> tuple[str, str]:
    districts, cities = target_columns(p)
    table = page_targets(p)
    mine = table[table["district"].isin(districts)]
    theirs = table[table["district"].isin(cities)]
    indicators = set(mine["indicator"].dropna())
    shared = indicators & set(theirs["indicator"].dropna())
    beside = (
        f", {len(shared)} of them with a target of {' or '.join(district_name(c) for c in cities)} beside them"
        if cities
        else " (no work report of their cities is in the corpus)"
    )
    return "Targets", (
        f"{len(indicators)} indicators across {_names(districts)}{beside}; {len(mine)} district target rows, "
        f"{int(mine['indicator'].isna().sum())} outside the indicator vocabulary."
    )


def _indicator_order(keys: list[str]) -> list[str]:
    return _order(keys, indicator_labels())


def _zh_terms(table: pd.DataFrame, indicator: str) -> list[str]:
    terms = table[table["indicator"] == indicator]["indicator_zh"].dropna().astype(str)
    return list(dict.fromkeys(terms))[:3]


def _compact(value: float) -> str:
    """Axis numbers without an offset: 1.5k, 2M, 3bn."""
    for size, name in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:g}{name}"
    return f"{value:g}"


def _plain_tick(value: float, _: object) -> str:
    return f"{value:g}"


def _compact_tick(value: float, _: object) -> str:
    return _compact(value)


def _target_cell(rows: pd.DataFrame | list[Any]) -> Cell | str:
    """The targets of one cell (a frame, or rows of :func:`_by_indicator`), or a dash where none is stated."""
    found = records(rows) if isinstance(rows, pd.DataFrame) else rows
    cells = [amount_cell(r.value, r.unit, r.value_high, r.bound, clause_id=r.clause_id, span=r.span) for r in found]
    return _cell_or_text(cells) or Cell("—", cls="pc-absent", title="no target stated")


def _by_indicator(table: pd.DataFrame) -> dict[Any, list[Any]]:
    """Each indicator's rows in the table's order: the side-by-side figure and table read every row once
    rather than filter the frame per indicator and district (each filter costs more than the cell it fills)."""
    found: dict[Any, list[Any]] = {}
    for r in records(table):
        found.setdefault(r.indicator, []).append(r)
    return found


def target_matrix(targets: pd.DataFrame, districts: list[str], cities: list[str], headline: pd.DataFrame) -> Part:
    """Each indicator across ``districts``, with the ``cities``' work-report targets beside them: side by
    side for a handful of districts, else each district's headline target against the districts' median.

    ``targets`` are the rows of one edition per district (and the cities' work reports); ``headline`` the
    build's headline targets and quartiles of the same edition selection (``analysis.standings("target")``)."""
    table = targets[targets["district"].isin([*districts, *cities]) & targets["indicator"].notna()]
    indicators = _indicator_order(sorted(set(table["indicator"])))
    if not indicators:
        return Notice("No target of these districts maps to an indicator of the vocabulary.")
    if side_by_side(districts):
        return _side_by_side(table, indicators, districts, cities)
    return _distribution(table, indicators, districts, cities, headline[headline["district"].isin(districts)])


def _side_by_side(table: pd.DataFrame, indicators: list[str], districts: list[str], cities: list[str]) -> Part:
    parts: list[Part] = []
    # The figure compares: an indicator is drawn when at least two of the districts and cities state it.
    compared = set(compared_indicators(table, districts))
    plotted = [i for i in indicators if i in compared]
    by_indicator = _by_indicator(table)
    if plotted:
        parts.append(_dot_plots(table, by_indicator, plotted, districts, cities))
    rows = []
    for indicator in indicators:
        here = by_indicator.get(indicator, [])
        row: dict[str, Any] = {
            "Indicator": indicator_name(indicator),
            "As written": " / ".join(_zh_terms(table, indicator)),
        }
        for key in [*districts, *cities]:
            row[district_name(key)] = _target_cell([r for r in here if r.district == key])
        rows.append(row)
    note = "Hover a figure for its exact value, clause and source span."
    for city in cities:
        members = [d for d in districts if any(x.city == city and x.district == d for x in params_mod.documents())]
        note += (
            f" The {district_name(city)} column is the city's work report; it is the city of "
            f"{', '.join(district_name(d) for d in members) or 'none of these districts'}."
        )
    parts.append(
        Table(pd.DataFrame(rows), caption="Targets by indicator and district, with the city's target", note=note)
    )
    return block(*parts)


def _dot_plots(
    table: pd.DataFrame, by_indicator: dict[Any, list[Any]], plotted: list[str], districts: list[str], cities: list[str]
) -> Figure:
    ncols = 2 if len(plotted) > 1 else 1
    nrows = math.ceil(len(plotted) / ncols)
    with figure(5.2 * ncols, 0.35 * len(districts) * nrows + 1.2 * nrows + 0.9, nrows, ncols) as (fig, axes):
        flat: list[Axes] = [ax for row in axes for ax in row]
        for ax, indicator in zip(flat, plotted):
            units = sorted({str(r.unit) for r in by_indicator[indicator] if not is_missing(r.unit)})
            scale, unit_label = (1e8, "亿元") if units == ["CNY"] else (1.0, units[0] if units else "")
            stated = [r for r in by_indicator[indicator] if not pd.isna(r.value)]
            for r in [r for r in stated if r.district in districts]:
                y = districts.index(str(r.district))
                colour = district_colour(str(r.district))
                if not pd.isna(r.value_high):
                    ax.hlines(y, r.value / scale, r.value_high / scale, colors=colour, linewidth=3)
                ax.scatter([r.value / scale], [y], marker=MARKERS.get(_str(r.bound), "o"), s=49, color=colour, zorder=3)
            for c, city in enumerate(cities):
                for i, r in enumerate([r for r in stated if r.district == city]):
                    ax.axvline(
                        r.value / scale,
                        color=PALETTE[(len(districts) + c) % len(PALETTE)] if len(cities) > 1 else CITY_COLOUR,
                        linestyle="--",
                        linewidth=1.2,
                        label=f"{district_name(city)} target" if i == 0 else None,
                    )
            ax.set_yticks(range(len(districts)), [district_name(d) for d in districts])
            ax.set_ylim(len(districts) - 0.5, -0.5)
            ax.set_title(f"{indicator_name(indicator)}" + (f" ({unit_label})" if unit_label else ""), fontsize=9)
            ax.margins(x=0.15)
            # Money in 亿元 reads as the page's plain figures; other units as 1.5k, 2M.
            ax.xaxis.set_major_formatter(FuncFormatter(_plain_tick if scale != 1.0 else _compact_tick))
            if ax.get_legend_handles_labels()[0]:
                ax.legend(fontsize=7, loc="best")
        for ax in flat[len(plotted) :]:
            ax.set_visible(False)
        caption = (
            "Indicators that at least two of the districts and cities set a target for, by district; a dashed line "
            "is a city's work-report target. Markers: ▶ at least (≥), ◀ at most (≤), ● about (≈), ◆ exactly; a "
            "bar is a range. Indicators: "
            + "; ".join(f"{indicator_name(i)} = {'/'.join(_zh_terms(table, i)) or '—'}" for i in plotted)
            + "."
        )
        return svg(fig, caption=caption, alt="Dot plots of targets by indicator and district")


def _computed_cell(value: float, unit: object, what: str, n: int) -> Cell:
    return Cell(
        format_amount(value, unit),
        title=f"{exact_amount(value, unit)} · {what} computed across {n} districts (not stated in a document)",
        sort=value,
    )


def _distribution(
    table: pd.DataFrame, indicators: list[str], districts: list[str], cities: list[str], headline: pd.DataFrame
) -> Part:
    headline = headline.rename(columns={"item": "indicator"})
    summary = indicator_spread(headline.rename(columns={"indicator": "item"}))
    spread = {(r.indicator, r.unit): r for r in records(summary)}
    keys = [(i, u) for i in indicators for (i2, u), r in spread.items() if i2 == i and r.compared]
    parts: list[Part] = []
    if keys:
        parts.append(_relative_figure(table, headline, spread, keys, cities, len(districts)))
    rows = []
    for indicator in indicators:
        units = set(table[table["indicator"] == indicator]["unit"].astype(str))
        units |= {u for (i, u) in spread if i == indicator}
        for unit in sorted(units):
            here = headline[(headline["indicator"] == indicator) & (headline["unit"] == unit)]
            city_rows = table[
                (table["indicator"] == indicator) & (table["unit"] == unit) & table["district"].isin(cities)
            ]
            if here.empty and city_rows.empty:
                continue
            row: dict[str, Any] = {"Indicator": indicator_name(indicator), "Unit": unit, "Districts": len(here)}
            if len(here):
                s = spread[(indicator, unit)]
                low = here.sort_values(["value", "district"], kind="stable").iloc[[0]]
                high = here.sort_values(["value", "district"], ascending=[False, True], kind="stable").iloc[[0]]
                n = int(s.of)
                row.update(
                    {
                        "Lowest": _target_cell(low),
                        "Lowest in": district_name(low["district"].iloc[0]),
                        "Quartile 1": _computed_cell(s.q1, unit, "first quartile", n),
                        "Median": _computed_cell(s.median, unit, "median", n),
                        "Quartile 3": _computed_cell(s.q3, unit, "third quartile", n),
                        "Highest": _target_cell(high),
                        "Highest in": district_name(high["district"].iloc[0]),
                    }
                )
            for city in cities:
                row[district_name(city)] = _target_cell(city_rows[city_rows["district"] == city])
            rows.append(row)
    parts.append(
        Table(
            pd.DataFrame(rows),
            caption="Each indicator across the districts: lowest, quartiles and highest target, and the cities' "
            "targets",
            note="One target per district and indicator: its first base goal in reading order (力争 and 冲刺 goals "
            "only where it has no other), in the edition the page shows. Quartiles are computed across the corpus's "
            "districts that set the indicator in that unit. Hover a figure for its exact value, clause and source "
            "span.",
        )
    )
    return block(*parts)


def _relative_figure(
    table: pd.DataFrame,
    headline: pd.DataFrame,
    spread: dict[tuple[str, str], Any],
    keys: list[tuple[str, str]],
    cities: list[str],
    n_districts: int,
) -> Figure:
    """One row per indicator: each district's target as a multiple of the districts' median (log scale)."""
    with figure(10.0, 0.34 * len(keys) + 2.0) as (fig, axes):
        ax = axes[0][0]
        labels = []
        for y, (indicator, unit) in enumerate(keys):
            s = spread[(indicator, unit)]
            median = float(s.median)
            here = headline[(headline["indicator"] == indicator) & (headline["unit"] == unit)]
            ratio = (here["value"] / median).where(here["value"] > 0) if median > 0 else here["value"] * np.nan
            lanes = (np.arange(len(here)) % 5 - 2) * 0.07
            ax.scatter(ratio, y + lanes, s=10, color=PALETTE[0], alpha=0.55, linewidths=0)
            if median > 0:
                spread_marks(ax, [y], [s.q1 / median], [1.0], [s.q3 / median])
            for city in cities:
                mark = table[(table["district"] == city) & (table["indicator"] == indicator) & (table["unit"] == unit)]
                if median > 0 and len(mark):
                    ax.scatter(mark["value"] / median, [y] * len(mark), marker="D", s=28, color=CITY_COLOUR, zorder=4)
            labels.append(f"{indicator_name(indicator)} · median {figure_amount(median, unit)}")
        ax.set_xscale("log", base=2)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}×"))
        ax.axvline(1.0, color="#999999", linewidth=0.8)
        ax.set_yticks(range(len(keys)), labels, fontsize=8)
        ax.set_ylim(len(keys) - 0.5, -0.5)
        ax.set_xlabel("target as a multiple of the districts' median")
        handles = spread_legend() + [Line2D([0], [0], marker="D", color=CITY_COLOUR, linestyle="none")]
        legend_below(fig, handles, ["middle half of the districts", "median", "a city's work-report target"])
        return svg(
            fig,
            caption=f"Each indicator set by at least two districts: every district's target (a dot, {n_districts} "
            "districts) as a multiple of the districts' median, on a log scale, with the middle half of the districts "
            "(grey bar) and the cities' work-report targets (◆). The table below gives the figures.",
            alt="Targets per indicator relative to the districts' median",
        )


def target_rows(targets: pd.DataFrame, districts: list[str], cities: list[str], only_unmapped: bool = False) -> Part:
    """Every target row of ``districts`` and ``cities`` (or those outside the indicator vocabulary); for a
    province, what reads at that size: the mapped rows, and the unmapped ones by phrase."""
    table = targets[targets["district"].isin([*districts, *cities])]
    if only_unmapped:
        table = table[table["indicator"].isna()]
    if not side_by_side(districts):
        return _unmapped_phrases(table, len(districts)) if only_unmapped else _mapped_rows(table)
    order = {d: i for i, d in enumerate([*districts, *cities])}
    table = table.assign(_d=table["district"].map(order)).sort_values(["_d", "clause_id"], kind="stable")
    rows = [
        {
            "District": district_name(r.district),
            "Year": r.year,
            "Indicator": indicator_name(r.indicator),
            "As written": _str(r.indicator_zh),
            "Target": amount_cell(r.value, r.unit, r.value_high, r.bound, clause_id=r.clause_id, span=r.span),
            "Exact value": _exact(r.value),
            "Unit": _str(r.unit),
            "Bound": _str(r.bound),
            "Clause": _str(r.clause_id),
            "Span": _str(r.span),
        }
        for r in records(table)
    ]
    caption = "Targets outside the indicator vocabulary" if only_unmapped else "Every target row"
    if not rows:
        return block(
            Paragraph("Every target maps to an indicator of the vocabulary." if only_unmapped else "No target.")
        )
    return block(Table(pd.DataFrame(rows), caption=caption, long=["Span"]))


def _unmapped_phrases(table: pd.DataFrame, n_districts: int) -> Part:
    """Targets outside the vocabulary, by the phrase naming them: what to add to indicators.yaml next."""
    if table.empty:
        return block(Paragraph("Every target maps to an indicator of the vocabulary."))
    counted = unmapped_phrases(table)
    frame = pd.DataFrame(
        {
            "Phrase as written": counted["phrase"],
            "Districts": counted["districts"],
            "Targets": counted["targets"],
            "Example": counted["example"].map(_str),
        }
    )
    return block(
        Paragraph(
            f"{len(table)} targets of {table['district'].nunique()} of the {n_districts} districts name no indicator "
            "of the vocabulary. The phrases most districts use are listed first (up to 60); each district's "
            "targets are on its profile page and every row is in the workbook."
        ),
        Table(
            frame.reset_index(drop=True),
            caption="Targets outside the indicator vocabulary, by phrase",
            long=["Example"],
        ),
    )


def _mapped_rows(table: pd.DataFrame) -> Part:
    mapped = table[table["indicator"].notna()]
    order = {k: i for i, k in enumerate(_indicator_order(sorted(set(mapped["indicator"]))))}
    mapped = mapped.assign(_i=mapped["indicator"].map(order)).sort_values(
        ["_i", "district", "clause_id"], kind="stable"
    )
    # A province has thousands of target rows: each district's (or city's) label and link made once.
    with_profile = set(params_mod.districts())
    keys = list(dict.fromkeys(mapped["district"]))
    labels: dict[Any, Cell | str] = {
        d: Cell(district_name(d), href=page_file("district_profile", d)) if d in with_profile else district_name(d)
        for d in keys
    }
    cities = {d: city_name(city_of(d), chinese=False) for d in keys}
    rows = [
        {
            "Indicator": indicator_name(r.indicator),
            "District": labels[r.district],
            "City": cities[r.district],
            "Target": amount_cell(r.value, r.unit, r.value_high, r.bound, clause_id=r.clause_id, span=r.span),
            "Unit": _str(r.unit),
            "Stretch": "yes" if r.stretch is True else "",
        }
        for r in records(mapped)
    ]
    return block(
        Table(
            pd.DataFrame(rows),
            caption="Every target that names an indicator of the vocabulary",
            note="Hover a target for its exact value, clause and source span; filter by indicator or city. Targets "
            "outside the vocabulary are on each district's profile page and in the workbook.",
        )
    )


def _targets_inputs(p: dict[str, Any]) -> Inputs:
    return whole("targets", "standings", "clauses", "documents")


def _targets_editions(p: dict[str, Any]) -> str:
    return shown_sentence(p, p["districts"])


REPORT = ReportSpec(
    "targets",
    "Targets",
    {"districts": params_mod.district_list, "year": params_mod.edition_year},
    _targets_summary,
    check=params_mod.districts_of_year,
    inputs=_targets_inputs,
    editions=_targets_editions,
)
