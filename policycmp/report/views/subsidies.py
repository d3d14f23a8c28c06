"""02 subsidy levels: each instrument and award level by district; 'stated, no amount' is not 'absent'.

For a handful of districts the page sets them side by side (amounts written in the grid). For a
province it draws the grid as a heatmap, districts grouped by city and coloured by where their amount
stands among the districts that state one, and lists every stated amount with its rank and
percentile in one sortable, filterable table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap, to_rgba

from .. import params as params_mod
from ..markup.components import Figure, Notice, Part, Table, block
from ..markup.format import Cell, amount_cell, is_missing, short_figure
from ..pages import page_file
from .context import Inputs, Report, ReportSpec
from .data import _num, _str, load, records
from .figures import _patch, figure, svg
from .inputs import whole
from .labels import (
    CATEGORY_COLOURS,
    by_city,
    city_name,
    city_of,
    district_keys,
    district_name,
    domain_keys,
    domain_name,
    instrument_labels,
    instrument_name,
    instrument_zh,
    level_name,
    level_zh,
    tier_keys,
)
from .layout import side_by_side
from .province import subsidy_amounts
from .shaping import _cell_or_text, _exact, _short_label

AMOUNT_SCALE = colormaps["Blues"]


@dataclass
class Entry:
    """One instrument × level × district: what the district states."""

    category: str  # amount, no_amount or absent
    rows: pd.DataFrame  # the comparison rows behind it (with an amount if there is one)


def _legend_below(ax: Axes, handles: list[Any], labels: list[str], ncol: int = 4) -> None:
    ax.legend(handles=handles, labels=labels, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=ncol, fontsize=8)


def _comparisons(districts: list[str]) -> pd.DataFrame:
    table = load("comparisons")
    # award rows of no instrument (instrument null) have no row of the instrument grid
    table = table[table["district"].isin(districts) & table["instrument"].notna()].copy()
    table["value"] = _num(table["value"])
    table["value_high"] = _num(table["value_high"])
    table["stated"] = table["stated"].map(lambda v: v is True)
    return table


def instrument_domain(key: str) -> str | None:
    return instrument_labels().get(key, {}).get("domain") or None


def _instrument_order(keys: list[str]) -> list[str]:
    """Instruments grouped by their domain (in domain order), vocabulary order within a domain."""
    position = {k: i for i, k in enumerate(instrument_labels())}
    domains = {d: i for i, d in enumerate(domain_keys())}
    return sorted(
        set(keys),
        key=lambda k: (domains.get(instrument_domain(k) or "", len(domains)), position.get(k, len(position)), k),
    )


def _level_order(levels: list[object]) -> list[object]:
    known: list[object] = [lv for lv in tier_keys() if lv in levels]
    return (
        known
        + sorted(str(lv) for lv in levels if not is_missing(lv) and lv not in tier_keys())
        + ([None] if any(is_missing(lv) for lv in levels) else [])
    )


def _grid(table: pd.DataFrame, districts: list[str]) -> tuple[list[tuple[str, object]], dict[tuple[Any, ...], Entry]]:
    """The instrument × level keys in reading order, and what each district states for each."""
    stated = table[table["stated"]]
    level_key = stated["level"].map(lambda v: None if is_missing(v) else v)
    entries: dict[tuple[Any, ...], Entry] = {}
    for (instrument, level, district), rows in stated.groupby(
        [stated["instrument"], level_key, stated["district"]], dropna=False, sort=False
    ):
        with_amount = rows[rows["value"].notna()]
        level = None if is_missing(level) else level
        entries[(instrument, level, district)] = (
            Entry("amount", with_amount) if len(with_amount) else Entry("no_amount", rows)
        )
    keys: list[tuple[str, object]] = []
    for instrument in _instrument_order(list(table["instrument"].dropna())):
        levels = [lv for (i, lv, _) in entries if i == instrument]
        keys.extend((instrument, level) for level in (_level_order(list(dict.fromkeys(levels))) or [None]))
    absent = Entry("absent", table.iloc[0:0])
    for instrument, level in keys:
        for district in districts:
            entries.setdefault((instrument, level, district), absent)
    return keys, entries


def _grid_cell(entry: Entry) -> Cell | str:
    rows = entry.rows
    if entry.category == "amount":
        return _cell_or_text(
            [
                amount_cell(r.value, r.unit, r.value_high, r.bound, clause_id=r.clause_id, span=r.span)
                for r in records(rows)
            ]
        )
    if entry.category == "no_amount":
        tips = [f"clause {_str(r.clause_id)} · 「{_str(r.span)}」" for r in records(rows)]
        return Cell("stated, no amount", title=" | ".join(dict.fromkeys(tips)), cls="pc-noamount", sort=-1)
    return Cell("absent", title="the document does not have this measure", cls="pc-absent", sort=-2)


def _subsidy_cell(row: Any) -> Cell | str:
    """A comparisons row's amount, else 'stated, no amount' or 'absent'."""
    if row.stated and not is_missing(row.value):
        return amount_cell(row.value, row.unit, row.value_high, row.bound, clause_id=row.clause_id, span=row.span)
    return Cell("stated, no amount", cls="pc-noamount") if row.stated else Cell("absent", cls="pc-absent")


def _subsidies_summary(p: dict[str, Any]) -> tuple[str, str]:
    districts = p["districts"]
    names = ", ".join(district_name(d) for d in districts) if side_by_side(districts) else f"{len(districts)} districts"
    keys, entries = _grid(_comparisons(districts), districts)
    instruments = {i for i, _ in keys}
    counted = {"amount": 0, "no_amount": 0, "absent": 0}
    for instrument in instruments:
        for district in districts:
            categories = {entries[(i, lv, district)].category for i, lv in keys if i == instrument}
            best = "amount" if "amount" in categories else "no_amount" if "no_amount" in categories else "absent"
            counted[best] += 1
    return "Subsidy levels", (
        f"{len(instruments)} subsidy instruments across {names}: {counted['amount']} district–instrument pairs state "
        f"an amount, {counted['no_amount']} state the measure without one, {counted['absent']} are absent."
    )


def _row_labels(keys: list[tuple[str, object]]) -> list[tuple[str, Any, Any]]:
    """("header", domain, None) before each domain's instruments, then ("cell", instrument, level)."""
    lines: list[tuple[str, Any, Any]] = []
    current: object = ()
    for instrument, level in keys:
        dom = instrument_domain(instrument)
        if dom != current:
            lines.append(("header", dom, None))
            current = dom
        lines.append(("cell", instrument, level))
    return lines


def _label_rows(ax: Axes, lines: list[tuple[str, Any, Any]]) -> None:
    labels = [
        (domain_name(a).upper() if a else "OTHER")
        if kind == "header"
        else _short_label(instrument_name(a), 44) + (f" · {level_name(b)}" if b is not None else "")
        for kind, a, b in lines
    ]
    ax.set_yticks(range(len(lines)), labels, fontsize=7)
    for tick, (kind, _, _) in zip(ax.get_yticklabels(), lines):
        if kind == "header":
            tick.set_fontweight("bold")


def _levels_caption() -> str:
    return "Levels: " + ", ".join(f"{level_name(lv)} = {level_zh(lv)}" for lv in tier_keys()) + "."


def subsidy_matrix(report: Report) -> Part:
    """Each instrument and level across districts: side by side, or a heatmap grouped by city."""
    districts = report["districts"]
    keys, entries = _grid(_comparisons(districts), districts)
    if not keys:
        return Notice("The comparisons table has no row for these districts.")
    if side_by_side(districts):
        return block(_annotated_grid(keys, entries, districts), _wide_table(keys, entries, districts))
    return block(_heatmap(keys, entries, districts))


def _annotated_grid(
    keys: list[tuple[str, object]], entries: dict[tuple[Any, ...], Entry], districts: list[str]
) -> Figure:
    categories = ["amount", "no_amount", "absent", "header"]
    lines = _row_labels(keys)
    matrix = np.array(
        [
            [3] * len(districts)
            if kind == "header"
            else [categories.index(entries[(a, b, d)].category) for d in districts]
            for kind, a, b in lines
        ]
    )
    with figure(3.6 + 1.7 * len(districts), 0.27 * len(lines) + 1.3) as (fig, axes):
        ax = axes[0][0]
        ax.imshow(
            matrix,
            cmap=ListedColormap([CATEGORY_COLOURS[c] for c in categories[:3]] + ["#ffffff"]),
            vmin=0,
            vmax=3,
            aspect="auto",
            interpolation="nearest",
        )
        for r, (kind, a, b) in enumerate(lines):
            if kind == "header":
                continue
            for c, district in enumerate(districts):
                entry = entries[(a, b, district)]
                if entry.category == "amount":
                    label = " / ".join(dict.fromkeys(_short_amount(x) for x in records(entry.rows)))
                else:
                    label = {"no_amount": "no amount", "absent": "absent"}[entry.category]
                ax.text(
                    c,
                    r,
                    _short_label(label, 22),
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="#222222" if entry.category != "absent" else "#999999",
                    style="italic" if entry.category == "no_amount" else "normal",
                )
        ax.set_xticks(range(len(districts)), [district_name(d) for d in districts])
        ax.xaxis.tick_top()
        _label_rows(ax, lines)
        ax.set_xticks([x - 0.5 for x in range(1, len(districts))], minor=True)
        ax.set_yticks([y - 0.5 for y in range(1, len(lines))], minor=True)
        ax.grid(False)
        ax.grid(which="minor", color="white", linewidth=1.5)
        ax.tick_params(which="both", length=0)
        _legend_below(
            ax,
            [_patch(CATEGORY_COLOURS[c]) for c in categories[:3]],
            ["amount stated", "stated without an amount", "absent"],
            ncol=3,
        )
        legend = ax.get_legend()
        if legend is not None:
            legend.set_bbox_to_anchor((0.5, -0.3 / max(len(lines), 1) - 0.01))
        caption = (
            "Each instrument and award level by district, grouped by policy domain (¥ = yuan; k = thousand, "
            "M = million; ≤ at most, ≥ at least, ≈ about). The table below gives the Chinese names and, on "
            "hover, the exact yuan with its clause and source span. " + _levels_caption()
        )
        return svg(fig, caption=caption, alt="Grid of subsidy instruments by level and district")


def _wide_table(keys: list[tuple[str, object]], entries: dict[tuple[Any, ...], Entry], districts: list[str]) -> Table:
    rows = []
    for instrument, level in keys:
        dom = instrument_domain(instrument)
        row: dict[str, Any] = {
            "Domain": domain_name(dom) if dom else "",
            "Instrument": instrument_name(instrument),
            "中文": instrument_zh(instrument),
            "Level": level_name(level),
        }
        for district in districts:
            row[district_name(district)] = _grid_cell(entries[(instrument, level, district)])
        rows.append(row)
    return Table(
        pd.DataFrame(rows),
        caption="Subsidy instruments by level and district",
        note="'stated, no amount': the document has the measure but names no figure (e.g. 给予相应奖励); 'absent': "
        "the document does not have it. Hover a cell for the exact figure, its clause and source span.",
    )


def _heatmap(keys: list[tuple[str, object]], entries: dict[tuple[Any, ...], Entry], districts: list[str]) -> Figure:
    """Instrument × district, districts grouped by city, an amount coloured by its percentile."""
    groups = by_city(districts)
    ordered = [d for members in groups.values() for d in members]
    percentile = {(r.instrument, r.level or None, r.district): r.percentile for r in records(subsidy_amounts())}
    lines = _row_labels(keys)
    colours = np.ones((len(lines), len(ordered), 4))
    for r, (kind, a, b) in enumerate(lines):
        if kind == "header":
            continue
        for c, district in enumerate(ordered):
            entry = entries[(a, b, district)]
            if entry.category == "amount":
                share = percentile.get((a, b, district), 50.0)
                colours[r, c] = AMOUNT_SCALE(0.2 + 0.75 * share / 100.0)
            else:
                colours[r, c] = to_rgba(CATEGORY_COLOURS[entry.category])
    width = 4.6 + 0.12 * len(ordered)
    with figure(width, 0.17 * len(lines) + 2.6) as (fig, axes):
        ax = axes[0][0]
        ax.imshow(colours, aspect="auto", interpolation="nearest")
        ax.set_xticks(
            range(len(ordered)), [district_name(d, with_year=False) for d in ordered], rotation=90, fontsize=6
        )
        ax.xaxis.tick_top()
        _label_rows(ax, lines)
        start = 0
        for city, members in groups.items():
            end = start + len(members)
            if start:
                ax.axvline(start - 0.5, color="white", linewidth=2.5)
            ax.text(
                (start + end - 1) / 2,
                len(lines) - 0.2,
                city_name(city, chinese=False),
                ha="center",
                va="top",
                fontsize=7,
                rotation=90 if len(members) < 4 else 0,
            )
            start = end
        ax.grid(False)
        ax.tick_params(which="both", length=0)
        fig.legend(
            [_patch(AMOUNT_SCALE(x)) for x in (0.2, 0.575, 0.95)]
            + [_patch(CATEGORY_COLOURS["no_amount"]), _patch(CATEGORY_COLOURS["absent"])],
            ["lowest amount", "median", "highest", "stated without an amount", "absent"],
            loc="outside lower center",
            ncol=5,
            fontsize=8,
        )
        caption = (
            f"Each instrument and award level (rows, grouped by policy domain) by district (columns, {len(ordered)} "
            "districts grouped by city). A stated amount is coloured by its percentile among the districts that "
            "state one in the same unit: pale is the least generous, dark the most. The table below lists every "
            "amount with its rank, percentile, clause and source span. " + _levels_caption()
        )
        return svg(fig, caption=caption, alt="Heatmap of subsidy instruments by district, grouped by city")


def _short_amount(row: Any) -> str:
    """ASCII amount for a figure cell."""
    mark = {"max": "≤", "min": "≥", "approx": "≈"}.get(_str(row.bound), "")
    return mark + short_figure(row.value, row.unit, row.value_high)


def _standing(row: Any, ranks: dict[tuple[Any, ...], Any]) -> tuple[Cell | str, Cell | str]:
    """The district's rank and percentile within the instrument, level and unit ('' without an amount)."""
    found = ranks.get((row.instrument, _str(row.level), _str(row.unit), row.district)) if row.stated else None
    if found is None:
        return "", ""
    rank = Cell(
        f"{int(found.rank)} of {int(found.of)}",
        sort=int(found.rank),
        title="rank of the district's largest amount among the districts that state one in this unit (1 = highest)",
    )
    percentile = Cell(f"{found.percentile:.0f}%", sort=float(found.percentile))
    return rank, percentile


def subsidy_rows(report: Report) -> Part:
    """Every stated amount (and, for a handful of districts, every absent measure) with rank and percentile."""
    districts = report["districts"]
    wide = side_by_side(districts)
    table = _comparisons(districts)
    if not wide:
        table = table[table["stated"]]
    order = {k: i for i, k in enumerate(_instrument_order(list(table["instrument"].dropna())))}
    table = table.assign(
        _i=table["instrument"].map(order),
        _l=table["level"].map(lambda lv: tier_keys().index(lv) if lv in tier_keys() else len(tier_keys())),
        _d=table["district"].map({d: i for i, d in enumerate(district_keys())}),
    ).sort_values(["_i", "_l", "_d"], kind="stable")
    ranks = {(r.instrument, r.level, _str(r.unit), r.district): r for r in records(subsidy_amounts())}
    rows = []
    for r in records(table):
        rank, percentile = _standing(r, ranks)
        row: dict[str, Any] = {
            "Instrument": instrument_name(r.instrument),
            "Level": level_name(r.level),
            "District": district_name(r.district)
            if wide
            else Cell(district_name(r.district), href=page_file("district_profile", r.district)),
            "City": city_name(city_of(r.district), chinese=False),
            "Amount": _subsidy_cell(r),
            "Rank": rank,
            "Percentile": percentile,
        }
        if wide:
            row.update(
                {
                    "Exact value": _exact(r.value),
                    "Unit": _str(r.unit),
                    "Bound": _str(r.bound),
                    "Clause": _str(r.clause_id),
                    "Span": _str(r.span),
                }
            )
        rows.append(row)
    note = (
        "Rank: of the district's largest amount for the instrument and level, among the districts that state one in "
        "the same unit (1 = highest); percentile: the share of those districts whose amount is at most this one."
    )
    if wide:
        return block(
            Table(
                pd.DataFrame(rows),
                caption="Subsidy instruments, one row per district × instrument × level",
                long=["Span"],
                note=note + " Exact value: in base units (yuan, US dollars or percent points).",
            )
        )
    return block(
        Table(
            pd.DataFrame(rows),
            caption="Every stated subsidy, one row per district × instrument × level × amount",
            note=note + " Hover an amount for the exact figure, its clause and source span; filter by instrument "
            "or city and sort by rank. A district links to its profile.",
        )
    )


def _subsidy_inputs(p: dict[str, Any]) -> Inputs:
    return whole("comparisons", "documents")


REPORT = ReportSpec(
    "subsidy_levels",
    "Subsidy levels",
    {"districts": params_mod.district_list},
    _subsidies_summary,
    inputs=_subsidy_inputs,
)
