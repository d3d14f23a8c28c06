"""02 subsidy levels: each instrument and award level side by side; 'stated, no amount' is not 'absent'."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.colors import ListedColormap

from .. import params as params_mod
from ..markup.components import Notice, Part, Table, block
from ..markup.format import Cell, amount_cell, is_missing, short_money
from .context import Report, ReportSpec
from .data import TableMissing, _num, _str, load, section
from .figures import _patch, figure, svg
from .labels import (
    CATEGORY_COLOURS,
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
from .shaping import _cell_or_text, _exact, _short_label


def _legend_below(ax: Any, handles: list | None = None, labels: list | None = None, ncol: int = 4) -> None:
    kwargs = {} if handles is None else {"handles": handles, "labels": labels}
    ax.legend(**kwargs, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=ncol, fontsize=8)


def _comparisons(districts: list[str]) -> pd.DataFrame:
    table = load("comparisons")
    table = table[table["district"].isin(districts)].copy()
    table["value"] = _num(table["value"])
    table["value_high"] = _num(table["value_high"]) if "value_high" in table else float("nan")
    table["stated"] = table["stated"].map(lambda v: bool(v) if not is_missing(v) else False)
    return table


def instrument_domain(key: str) -> str | None:
    return instrument_labels().get(key, {}).get("domain") or None


def _instrument_order(keys: list[str]) -> list[str]:
    """Instruments grouped by their domain (in domain order), vocabulary order within a domain."""
    vocab = list(instrument_labels())
    position = {k: i for i, k in enumerate(vocab)}
    domains = {d: i for i, d in enumerate(domain_keys())}
    return sorted(
        set(keys),
        key=lambda k: (domains.get(instrument_domain(k) or "", len(domains)), position.get(k, len(position)), k),
    )


def _level_order(levels: list[object]) -> list[object]:
    known = [lv for lv in tier_keys() if lv in levels]
    return (
        known
        + sorted(str(lv) for lv in levels if not is_missing(lv) and lv not in tier_keys())
        + ([None] if any(is_missing(lv) for lv in levels) else [])
    )


def _subsidy_grid(table: pd.DataFrame, districts: list[str]) -> list[dict[str, Any]]:
    """One entry per instrument × level × district: category (amount / no_amount / absent) and rows."""
    grid = []
    for instrument in _instrument_order(list(table["instrument"].dropna())):
        rows = table[table["instrument"] == instrument]
        levels = _level_order(list(dict.fromkeys(rows.loc[rows["stated"], "level"].tolist()))) or [None]
        for level in levels:
            for district in districts:
                here = rows[rows["district"] == district]
                at = here[here["level"].isna()] if level is None else here[here["level"] == level]
                stated = at[at["stated"]]
                with_amount = stated[stated["value"].notna()]
                category = "amount" if len(with_amount) else "no_amount" if len(stated) else "absent"
                grid.append(
                    {
                        "instrument": instrument,
                        "level": level,
                        "district": district,
                        "category": category,
                        "rows": with_amount if len(with_amount) else stated,
                    }
                )
    return grid


def _grid_cell(entry: dict[str, Any]) -> Cell | str:
    rows = entry["rows"]
    if entry["category"] == "amount":
        return _cell_or_text(
            [
                amount_cell(r.value, r.unit, r.value_high, r.bound, clause_id=r.clause_id, span=r.span)
                for r in rows.itertuples()
            ]
        )
    if entry["category"] == "no_amount":
        tips = [f"clause {_str(r.clause_id)} · 「{_str(r.span)}」" for r in rows.itertuples()]
        return Cell("stated, no amount", title=" | ".join(dict.fromkeys(tips)), cls="pc-noamount", sort=-1)
    return Cell("absent", title="the document does not have this measure", cls="pc-absent", sort=-2)


def _subsidy_cell(row: Any) -> Cell:
    """A comparisons row's amount, else 'stated, no amount' or 'absent'."""
    if row.stated and not is_missing(row.value):
        return amount_cell(row.value, row.unit, row.value_high, row.bound, clause_id=row.clause_id, span=row.span)
    return Cell("stated, no amount", cls="pc-noamount") if row.stated else Cell("absent", cls="pc-absent")


def _subsidies_summary(p: dict[str, Any]) -> tuple[str, str]:
    names = ", ".join(district_name(d) for d in p["districts"])
    try:
        table = _comparisons(p["districts"])
    except TableMissing:
        return "Subsidy levels", f"Subsidy instruments of {names}: the comparisons table is not built yet."
    instruments = sorted(set(table["instrument"].dropna()))
    amount = no_amount = absent = 0
    for instrument in instruments:
        for district in p["districts"]:
            here = table[(table["instrument"] == instrument) & (table["district"] == district) & table["stated"]]
            if here["value"].notna().any():
                amount += 1
            elif len(here):
                no_amount += 1
            else:
                absent += 1
    return "Subsidy levels", (
        f"{len(instruments)} subsidy instruments across {names}: {amount} district–instrument pairs state an amount, "
        f"{no_amount} state the measure without one, {absent} are absent."
    )


@section
def subsidy_matrix(report: Report) -> Part:
    """Each instrument and level side by side across districts; 'stated, no amount' ≠ 'absent'."""
    districts = report["districts"]
    table = _comparisons(districts)
    grid = _subsidy_grid(table, districts)
    if not grid:
        return Notice("The comparisons table has no row for these districts.")
    keys = list(dict.fromkeys((g["instrument"], g["level"]) for g in grid))
    lookup = {(g["instrument"], g["level"], g["district"]): g for g in grid}

    categories = ["amount", "no_amount", "absent", "header"]
    lines: list[tuple[str, Any, Any]] = []  # ("header", domain, None) or ("cell", instrument, level)
    current: object = ()
    for instrument, level in keys:
        dom = instrument_domain(instrument)
        if dom != current:
            lines.append(("header", dom, None))
            current = dom
        lines.append(("cell", instrument, level))
    matrix = np.array(
        [
            [3] * len(districts)
            if kind == "header"
            else [categories.index(lookup[(a, b, d)]["category"]) for d in districts]
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
        labels = []
        for r, (kind, a, b) in enumerate(lines):
            if kind == "header":
                labels.append(domain_name(a).upper() if a else "OTHER")
                continue
            labels.append(f"{_short_label(instrument_name(a), 44)} · {level_name(b)}")
            for c, district in enumerate(districts):
                entry = lookup[(a, b, district)]
                if entry["category"] == "amount":
                    label = " / ".join(dict.fromkeys(_short_amount(x) for x in entry["rows"].itertuples()))
                else:
                    label = {"no_amount": "no amount", "absent": "absent"}[entry["category"]]
                ax.text(
                    c,
                    r,
                    _short_label(label, 22),
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="#222222" if entry["category"] != "absent" else "#999999",
                    style="italic" if entry["category"] == "no_amount" else "normal",
                )
        ax.set_xticks(range(len(districts)), [district_name(d) for d in districts])
        ax.xaxis.tick_top()
        ax.set_yticks(range(len(lines)), labels, fontsize=7)
        for tick, (kind, _, _) in zip(ax.get_yticklabels(), lines):
            if kind == "header":
                tick.set_fontweight("bold")
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
        ax.get_legend().set_bbox_to_anchor((0.5, -0.3 / max(len(lines), 1) - 0.01))
        caption = (
            "Each instrument and award level by district, grouped by policy domain (¥ = yuan; k = thousand, "
            "M = million; ≤ at most, ≥ at least, ≈ about). The table below gives the Chinese names and, on "
            "hover, the exact yuan with its clause and source span. Levels: "
            + ", ".join(f"{level_name(lv)} = {level_zh(lv)}" for lv in tier_keys())
            + "."
        )
        fig_part = svg(fig, caption=caption, alt="Grid of subsidy instruments by level and district")

    rows = []
    for instrument, level in keys:
        row = {
            "Domain": domain_name(instrument_domain(instrument)) if instrument_domain(instrument) else "",
            "Instrument": instrument_name(instrument),
            "中文": instrument_zh(instrument),
            "Level": level_name(level),
        }
        for district in districts:
            row[district_name(district)] = _grid_cell(lookup[(instrument, level, district)])
        rows.append(row)
    note = (
        "'stated, no amount': the document has the measure but names no figure (e.g. 给予相应奖励); 'absent': the "
        "document does not have it. Hover a cell for the exact figure, its clause and source span."
    )
    return block(fig_part, Table(pd.DataFrame(rows), caption="Subsidy instruments by level and district", note=note))


def _short_amount(row: Any) -> str:
    """ASCII amount for a figure cell."""
    mark = {"max": "≤", "min": "≥", "approx": "≈"}.get(_str(row.bound), "")
    unit = _str(row.unit)
    if unit == "CNY":
        text = short_money(row.value) + (
            f"–{short_money(row.value_high)[1:]}" if not is_missing(row.value_high) else ""
        )
    elif unit == "%":
        text = f"{row.value:g}%" if is_missing(row.value_high) else f"{row.value:g}–{row.value_high:g}%"
    elif unit == "USD":
        text = "$" + short_money(row.value)[1:]
    elif unit.startswith("CNY/"):
        per = unit[4:] if unit[4:].isascii() else "unit"  # figures carry no CJK glyph
        text = f"¥{row.value:g}/{per}"
    else:
        text = f"{row.value:g} {unit}"
    return mark + text


@section
def subsidy_rows(report: Report) -> Part:
    """Every row of the comparisons table for these districts, with its clause and span."""
    table = _comparisons(report["districts"])
    order = {k: i for i, k in enumerate(_instrument_order(list(table["instrument"].dropna())))}
    table = table.assign(
        _i=table["instrument"].map(order),
        _l=table["level"].map(lambda lv: tier_keys().index(lv) if lv in tier_keys() else len(tier_keys())),
        _d=table["district"].map({d: i for i, d in enumerate(district_keys())}),
    )
    table = table.sort_values(["_i", "_l", "_d"], kind="stable")
    rows = [
        {
            "Instrument": instrument_name(r.instrument),
            "Level": level_name(r.level),
            "District": district_name(r.district),
            "Year": int(r.year),
            "Amount": _subsidy_cell(r),
            "Exact value": _exact(r.value),
            "Unit": _str(r.unit),
            "Bound": _str(r.bound),
            "Clause": _str(r.clause_id),
            "Span": _str(r.span),
        }
        for r in table.itertuples()
    ]
    return block(
        Table(
            pd.DataFrame(rows),
            caption="Subsidy instruments, one row per district × instrument × level",
            long=["Span"],
            note="Exact value: in base units (yuan, US dollars or percent points).",
        )
    )


REPORT = ReportSpec(
    "subsidy_levels",
    "Subsidy levels",
    {"districts": params_mod.district_list},
    _subsidies_summary,
)
