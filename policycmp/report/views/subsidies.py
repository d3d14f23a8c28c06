"""02 subsidy levels, as the page draws them: the grid of instruments by district, and the ranked rows.

The shaping is :mod:`policycmp.analysis.subsidies` (the grid, each amount's rank); this module only
presents it. For a handful of districts the grid sets them side by side (amounts written in it); for a
province it is a heatmap with the districts as rows, grouped by city, each amount coloured by where it
stands among the districts that state one.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap, to_rgba

from ...analysis.corpus import by_city
from ...analysis.editions import editions
from ...analysis.subsidies import instrument_coverage, instrument_domain, subsidy_grid
from ...analysis.tables import table as table_of
from .. import params as params_mod
from ..markup.components import Figure, Notice, Paragraph, Part, Table, block
from ..markup.format import Cell, amount_cell, exact_amount, figure_amount, format_amount, is_missing
from ..pages import page_file
from .context import Inputs, ReportSpec
from .data import _str, records
from .editions import shown_sentence
from .figures import _patch, figure, svg
from .inputs import whole
from .labels import (
    CATEGORY_COLOURS,
    city_name,
    city_of,
    district_name,
    domain_name,
    instrument_name,
    instrument_zh,
    key_name,
    level_name,
    level_zh,
    tier_keys,
    variant_name,
    variant_zh,
)
from .layout import side_by_side
from .shaping import _cell_or_text, _exact

AMOUNT_SCALE = colormaps["Blues"]
LABEL_PT = 8.0  # 10.7 px on the page: every label of the grids is at least 10 px
Key = tuple[Any, Any, Any]  # instrument, level, variant


Cells = dict[tuple[Any, ...], list[Any]]  # (instrument, level, variant, district) → the cell's rows


def _cells(grid: pd.DataFrame) -> tuple[list[Key], list[str], Cells]:
    """The grid's instrument × level × variant keys and districts in reading order, and each cell's rows
    (named tuples: a province's grid has thousands of cells)."""
    keys: dict[Key, None] = {}
    cells: Cells = {}
    for row in grid.itertuples(index=False):
        level, variant = (None if is_missing(v) else v for v in (row.level, row.variant))
        keys.setdefault((row.instrument, level, variant))
        cells.setdefault((row.instrument, level, variant, row.district), []).append(row)
    return list(keys), list(dict.fromkeys(grid["district"])), cells


BOUND_NOTE = (
    "≤ is an upper bound as written (最高150万元: at most 150万元), ≥ a lower one, ≈ about; an amount without a mark "
    "is exact (150万元). A share or rate with its cap is one measure: 10% · cap ≤ 500万元."
)


def award_cell(row: Any) -> Cell | str:
    """A stated amount as the pages show it: the bound marked (≤ for 最高), a share or rate with its cap; the
    exact figure, clause and statement in the tooltip."""
    cell = amount_cell(row.value, row.unit, row.value_high, row.bound, clause_id=row.clause_id, span=row.span)
    cap = getattr(row, "cap", None)
    if not isinstance(cell, Cell) or is_missing(cap):
        return cell
    cap_bound = getattr(row, "cap_bound", None)
    return Cell(
        f"{cell.text} · cap {format_amount(cap, 'CNY', None, cap_bound)}",
        title=f"{exact_amount(cap, 'CNY', None, cap_bound)} cap on {cell.title}",
        sort=cell.sort,
    )


def _category(rows: list[Any]) -> str:
    return str(rows[0].category)


def _grid_cell(rows: list[Any]) -> Cell | str:
    category = _category(rows)
    if category == "amount":
        return _cell_or_text([award_cell(r) for r in rows])
    if category == "no_amount":
        tips = [f"clause {_str(r.clause_id)} · 「{_str(r.span)}」" for r in rows]
        return Cell("stated, no amount", title=" | ".join(dict.fromkeys(tips)), cls="pc-noamount", sort=-1)
    return Cell("absent", title="the document does not have this measure", cls="pc-absent", sort=-2)


def _subsidy_cell(row: Any) -> Cell | str:
    """A comparisons row's amount (with its cap), else 'stated, no amount' or 'absent'."""
    if row.stated and not is_missing(row.value):
        return award_cell(row)
    return Cell("stated, no amount", cls="pc-noamount") if row.stated else Cell("absent", cls="pc-absent")


def _subsidies_summary(p: dict[str, Any]) -> tuple[str, str]:
    districts = p["districts"]
    names = ", ".join(district_name(d) for d in districts) if side_by_side(districts) else f"{len(districts)} districts"
    comparisons = table_of("comparisons", districts=districts, editions=editions(p.get("year")))
    grid = subsidy_grid(comparisons, districts)
    coverage = instrument_coverage(grid)
    counted = coverage["category"].value_counts()
    unclassified = int((comparisons["instrument"].isna() & comparisons["stated"]).sum())
    amount, no_amount, absent = (int(counted.get(c, 0)) for c in ("amount", "no_amount", "absent"))
    return "Subsidy levels", (
        f"{grid['instrument'].nunique()} subsidy instruments across {names}: {amount} "
        f"district–instrument pair{_s(amount)} {_verb(amount, 'state')} an amount, {no_amount} "
        f"{_verb(no_amount, 'state')} the measure without one, {absent} {'is' if absent == 1 else 'are'} absent; "
        f"{unclassified} award amount{_s(unclassified)} of no instrument listed apart."
    )


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def _verb(n: int, verb: str) -> str:
    """``verb`` agreeing with a count: 1 pair states, 2 pairs state."""
    return f"{verb}s" if n == 1 else verb


Line = tuple[str, Any, Any, Any]  # ("header", domain, None, None) or ("cell", instrument, level, variant)


def _lines(keys: list[Key]) -> list[Line]:
    """("header", domain, …) before each domain's instruments, then ("cell", instrument, level, variant)."""
    lines: list[Line] = []
    current: object = ()
    for instrument, level, variant in keys:
        dom = instrument_domain(instrument)
        if dom != current:
            lines.append(("header", dom, None, None))
            current = dom
        lines.append(("cell", instrument, level, variant))
    return lines


def _line_label(kind: str, a: Any, b: Any, c: Any) -> str:
    """A domain header in capitals, or an instrument's whole name with its level and variant."""
    if kind == "header":
        return domain_name(a).upper() if a else "OTHER"
    return key_name(a, b, c)


def _bold_headers(labels: list[Any], lines: list[Line]) -> None:
    for tick, line in zip(labels, lines):
        if line[0] == "header":
            tick.set_fontweight("bold")


def _levels_caption() -> str:
    return "Levels: " + ", ".join(f"{level_name(lv)} = {level_zh(lv)}" for lv in tier_keys()) + "."


def subsidy_matrix(grid: pd.DataFrame, ranks: pd.DataFrame) -> Part:
    """The grid of :func:`~policycmp.analysis.subsidies.subsidy_grid`: side by side for a handful of
    districts, else a heatmap coloured by each amount's percentile in ``ranks``."""
    if grid.empty:
        return Notice("The comparisons table has no row for these districts.")
    keys, districts, cells = _cells(grid)
    if side_by_side(districts):
        return block(_annotated_grid(keys, districts, cells), _wide_table(keys, districts, cells))
    return block(_heatmap(keys, districts, cells, ranks))


def _legend_below(ax: Axes, handles: list[Any], labels: list[str], rows: int) -> None:
    ax.legend(
        handles=handles,
        labels=labels,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.3 / max(rows, 1) - 0.01),
        ncol=len(labels),
        fontsize=LABEL_PT,
    )


def _annotated_grid(keys: list[Key], districts: list[str], cells: Cells) -> Figure:
    categories = ["amount", "no_amount", "absent", "header"]
    lines = _lines(keys)
    matrix = np.array(
        [
            [3] * len(districts)
            if kind == "header"
            else [categories.index(_category(cells[(a, b, c, d)])) for d in districts]
            for kind, a, b, c in lines
        ]
    )
    labels = [_line_label(*line) for line in lines]
    # The row labels are whole names: the figure leaves them the room their longest one takes.
    label_width = 0.075 * max(len(label) for label in labels)
    with figure(label_width + 0.5 + 1.6 * len(districts), 0.24 * len(lines) + 1.3) as (fig, axes):
        ax = axes[0][0]
        ax.imshow(
            matrix,
            cmap=ListedColormap([CATEGORY_COLOURS[c] for c in categories[:3]] + ["#ffffff"]),
            vmin=0,
            vmax=3,
            aspect="auto",
            interpolation="nearest",
        )
        for r, (kind, a, b, v) in enumerate(lines):
            if kind == "header":
                continue
            for c, district in enumerate(districts):
                rows = cells[(a, b, v, district)]
                category = _category(rows)
                if category == "amount":
                    amounts = (figure_amount(x.value, x.unit, x.value_high, x.bound) for x in rows)
                    label = " / ".join(dict.fromkeys(amounts))
                else:
                    label = {"no_amount": "no amount", "absent": "absent"}[category]
                ax.text(
                    c,
                    r,
                    label if len(label) <= 24 else label[:23] + "…",
                    ha="center",
                    va="center",
                    fontsize=LABEL_PT,
                    color="#222222" if category != "absent" else "#767676",
                    style="italic" if category == "no_amount" else "normal",
                )
        ax.set_xticks(range(len(districts)), [district_name(d) for d in districts], fontsize=LABEL_PT + 1)
        ax.xaxis.tick_top()
        ax.set_yticks(range(len(lines)), labels, fontsize=LABEL_PT)
        _bold_headers(ax.get_yticklabels(), lines)
        ax.set_xticks([x - 0.5 for x in range(1, len(districts))], minor=True)
        ax.set_yticks([y - 0.5 for y in range(1, len(lines))], minor=True)
        ax.grid(False)
        ax.grid(which="minor", color="white", linewidth=1.5)
        ax.tick_params(which="both", length=0)
        _legend_below(
            ax,
            [_patch(CATEGORY_COLOURS[c]) for c in categories[:3]],
            ["amount stated", "stated without an amount", "absent"],
            len(lines),
        )
        caption = (
            "Each instrument, award level and variant by district, grouped by policy domain (≤ at most: 最高; ≥ at "
            "least, ≈ about, no mark exact; a cell with several amounts lists them, cut at 24 characters). The table "
            "below gives the Chinese names, each share's cap and, on hover, the exact yuan with its clause and "
            "source span. " + _levels_caption()
        )
        return svg(fig, caption=caption, alt="Grid of subsidy instruments by level and district")


def _wide_table(keys: list[Key], districts: list[str], cells: Cells) -> Table:
    rows = []
    for instrument, level, variant in keys:
        dom = instrument_domain(instrument)
        row: dict[str, Any] = {
            "Domain": domain_name(dom) if dom else "",
            "Instrument": instrument_name(instrument),
            "中文": instrument_zh(instrument) + (f"({variant_zh(variant)})" if variant_zh(variant) else ""),
            "Level": level_name(level),
            "Variant": variant_name(variant),
        }
        for district in districts:
            row[district_name(district)] = _grid_cell(cells[(instrument, level, variant, district)])
        rows.append(row)
    return Table(
        pd.DataFrame(rows),
        caption="Subsidy instruments by level, variant and district",
        note="'stated, no amount': the document has the measure but names no figure (e.g. 给予相应奖励); 'absent': "
        "the document does not have it. " + BOUND_NOTE + " Hover a cell for the exact figure, its clause and "
        "source span.",
    )


def _heatmap(keys: list[Key], districts: list[str], cells: Cells, ranks: pd.DataFrame) -> Figure:
    """District × instrument: districts as rows under their city's name, instruments as columns by domain.

    Districts are rows so that their names read horizontally at full size, however many there are; the
    instruments' whole names stand above their columns.
    """
    groups = by_city(districts)
    rows: list[tuple[str, str]] = []  # ("city", key) above its districts, then ("district", key)
    for city, members in groups.items():
        rows.append(("city", city))
        rows.extend(("district", d) for d in members)
    percentile = _percentiles(ranks)
    lines = _lines(keys)
    colours = np.ones((len(rows), len(lines), 4))
    for r, (row_kind, district) in enumerate(rows):
        if row_kind == "city":
            continue
        for c, (kind, a, b, v) in enumerate(lines):
            if kind == "header":
                continue
            category = _category(cells[(a, b, v, district)])
            if category == "amount":
                share = percentile.get((a, b, v, district), 50.0)
                colours[r, c] = AMOUNT_SCALE(0.2 + 0.75 * share / 100.0)
            else:
                colours[r, c] = to_rgba(CATEGORY_COLOURS[category])
    column_labels = [_line_label(*line) for line in lines]
    header = 0.066 * max(len(label) for label in column_labels)  # inches the upright names take
    with figure(11.5, 0.165 * len(rows) + header + 0.9) as (fig, axes):
        ax = axes[0][0]
        ax.imshow(colours, aspect="auto", interpolation="nearest")
        ax.set_xticks(range(len(lines)), column_labels, rotation=90, fontsize=LABEL_PT)
        ax.xaxis.tick_top()
        _bold_headers(ax.get_xticklabels(), lines)
        ax.set_yticks(
            range(len(rows)),
            [
                city_name(key, chinese=False).upper() if kind == "city" else district_name(key, with_year=False)
                for kind, key in rows
            ],
            fontsize=LABEL_PT,
        )
        for tick, (kind, _) in zip(ax.get_yticklabels(), rows):
            if kind == "city":
                tick.set_fontweight("bold")
        ax.set_xticks([x - 0.5 for x in range(1, len(lines))], minor=True)
        ax.grid(False)
        ax.grid(which="minor", axis="x", color="white", linewidth=0.6)
        ax.tick_params(which="both", length=0)
        fig.legend(
            [_patch(AMOUNT_SCALE(x)) for x in (0.2, 0.575, 0.95)]
            + [_patch(CATEGORY_COLOURS["no_amount"]), _patch(CATEGORY_COLOURS["absent"])],
            ["lowest amount", "median", "highest", "stated without an amount", "absent"],
            loc="outside lower center",
            ncol=5,
            fontsize=LABEL_PT,
        )
        caption = (
            f"Each district (rows, {len(districts)} districts under their city's name) by instrument, award level and "
            "variant (columns, grouped by policy domain). A stated amount is coloured by its percentile among the "
            "districts of the corpus that state one of the same kind (a flat amount, a share, a rate) in the same "
            "unit: pale is the least generous, dark the most. The table below lists every amount with its bound, "
            "rank, percentile, clause and source span. " + _levels_caption()
        )
        return svg(fig, caption=caption, alt="Heatmap of subsidy instruments by district, grouped by city")


# Which of a cell's ranked amounts colours it: a flat amount first, then a share, a rate, a top-up.
ROLE_PREFERENCE = {"amount": 0, "share": 1, "rate": 2, "top_up": 3}


def _percentiles(ranks: pd.DataFrame) -> dict[tuple[Any, ...], float]:
    """(instrument, level, variant, district) → the percentile of the cell's preferred ranked amount."""
    found: dict[tuple[Any, ...], tuple[int, float]] = {}
    for r in records(ranks):
        key = (
            r.instrument,
            None if is_missing(r.level) else r.level,
            None if is_missing(r.variant) else r.variant,
            r.district,
        )
        preference = ROLE_PREFERENCE.get(_str(r.role), len(ROLE_PREFERENCE))
        if key not in found or preference < found[key][0]:
            found[key] = (preference, float(r.percentile))
    return {key: value for key, (_, value) in found.items()}


def _standing(row: Any) -> tuple[Cell | str, Cell | str]:
    """The district's rank and percentile within the instrument, level and unit ('' without an amount)."""
    if is_missing(row.rank):
        return "", ""
    rank = Cell(
        f"{int(row.rank)} of {int(row.of)}",
        sort=int(row.rank),
        title="rank of the district's largest amount among the districts that state one in this unit (1 = highest)",
    )
    percentile = Cell(f"{row.percentile:.0f}%", sort=float(row.percentile))
    return rank, percentile


def subsidy_rows(ranked: pd.DataFrame) -> Part:
    """The rows of :func:`~policycmp.analysis.subsidies.with_ranks`, one per district × instrument × level ×
    amount: every row for a handful of districts (absent measures too), the stated ones for a province."""
    wide = side_by_side(list(dict.fromkeys(ranked["district"])))
    table = ranked if wide else ranked[ranked["stated"]]
    # A province has thousands of rows and ninety districts: each district's name, link and city once.
    districts = list(dict.fromkeys(table["district"]))
    names = {d: district_name(d) for d in districts}
    links = {d: page_file("district_profile", d) for d in districts}
    cities = {d: city_name(city_of(d), chinese=False) for d in districts}
    rows = []
    for r in records(table):
        rank, percentile = _standing(r)
        row: dict[str, Any] = {
            "Instrument": instrument_name(r.instrument),
            "Level": level_name(r.level),
            "Variant": variant_name(r.variant),
            "District": names[r.district] if wide else Cell(names[r.district], href=links[r.district]),
            "City": cities[r.district],
            "Amount": _subsidy_cell(r),
            "Bound": BOUND_WORDS.get(_str(r.bound), "") if r.stated and not is_missing(r.value) else "",
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
        "Rank: of the district's largest amount for the instrument, level and variant, among the corpus's districts "
        "that state one of the same kind in the same unit (1 = highest; the ranks are across every district of the "
        "corpus, in the edition each shows, even where this page shows some of them); percentile: the share of "
        "those districts whose amount is at most this one. " + BOUND_NOTE
    )
    if wide:
        return block(
            Table(
                pd.DataFrame(rows),
                caption="Subsidy instruments, one row per district × instrument × level × variant",
                long=["Span"],
                note=note + " Exact value: in base units (yuan, US dollars or percent points).",
            )
        )
    return block(
        Table(
            pd.DataFrame(rows),
            caption="Every stated subsidy, one row per district × instrument × level × variant × amount",
            note=note + " Hover an amount for the exact figure, its clause and source span; filter by instrument "
            "or city and sort by rank. A district links to its profile.",
        )
    )


BOUND_WORDS = {"max": "at most (最高)", "min": "at least", "approx": "about", "exact": "exactly"}


def unclassified_awards(rows: pd.DataFrame) -> Part:
    """The award amounts no instrument recognises (:func:`~policycmp.analysis.subsidies.unclassified_awards`):
    every district's, so a reviewer sees every amount the documents state."""
    if rows.empty:
        return block(Paragraph("Every award amount of these districts is under an instrument of the vocabulary."))
    table_rows = [
        {
            "District": Cell(district_name(r.district), href=page_file("district_profile", r.district)),
            "What is rewarded (as written)": _str(r.object),
            "Amount": award_cell(r),
            "Bound": BOUND_WORDS.get(_str(r.bound), ""),
            "Clause": _str(r.clause_id),
            "Span": _str(r.span),
        }
        for r in records(rows)
    ]
    return block(
        Table(
            pd.DataFrame(table_rows),
            caption=f"Award amounts no instrument recognises ({len(table_rows)})",
            long=["What is rewarded (as written)", "Span"],
            note="Each is an award a district states with an amount that no instrument of instruments.yaml "
            "recognises, so it is compared with nothing yet; `policycmp build` names the commonest objects to add. "
            + BOUND_NOTE,
        )
    )


def _subsidy_inputs(p: dict[str, Any]) -> Inputs:
    return whole("comparisons", "subsidy_ranks", "documents")


def _subsidy_editions(p: dict[str, Any]) -> str:
    return shown_sentence(p, p["districts"])


REPORT = ReportSpec(
    "subsidy_levels",
    "Subsidy levels",
    {"districts": params_mod.district_list, "year": params_mod.edition_year},
    _subsidies_summary,
    check=params_mod.districts_of_year,
    inputs=_subsidy_inputs,
    editions=_subsidy_editions,
)


def instrument_bars(ranked: pd.DataFrame) -> Figure:
    """One instrument key across districts: a bar per district's amount, largest first — or, for rows of
    :func:`~policycmp.analysis.province.across_editions` (a ``label`` column), a bar per district and edition
    in their order, so one award is followed from edition to edition.

    ``ranked`` is rows of one instrument, level, variant, kind of amount and unit (filter them first:
    :func:`~policycmp.analysis.province.subsidy_ranks` or ``rank_subsidies``); amounts read as the tables
    write them (万元 / 亿元).
    """
    columns = [c for c in ("instrument", "level", "variant", "role", "unit") if c in ranked.columns]
    keys = ranked[columns].astype(object).map(lambda v: None if is_missing(v) else v).drop_duplicates()
    if len(keys) != 1:
        raise ValueError(f"instrument_bars draws one instrument, level and unit; these rows have {len(keys)}")
    first = keys.iloc[0]
    instrument, level, unit = first["instrument"], first["level"], first["unit"]
    variant = first["variant"] if "variant" in first else None
    by_edition = "label" in ranked.columns
    rows = ranked if by_edition else ranked.sort_values(["value", "district"], ascending=[False, True], kind="stable")
    names = list(rows["label"]) if by_edition else [district_name(d) for d in rows["district"]]
    scale, axis = (1e4, "万元") if unit == "CNY" else (1.0, str(unit))
    with figure(8.0, 0.32 * len(rows) + 1.3) as (fig, axes):
        ax = axes[0][0]
        ys = range(len(rows))
        ax.barh(ys, rows["value"] / scale, color=CATEGORY_COLOURS["amount"], edgecolor="#4a7fb0")
        for y, r in zip(ys, records(rows)):
            ax.text(r.value / scale, y, " " + figure_amount(r.value, r.unit, r.value_high, r.bound), va="center")
        ax.set_yticks(list(ys), names, fontsize=LABEL_PT + 1)
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.margins(x=0.2)
        ax.set_xlabel(axis)
        title = key_name(instrument, level, variant)
        ax.set_title(title)
        what = "each edition's largest amount, district by district" if by_edition else "each district's largest amount"
        return svg(
            fig,
            caption=f"{title} ({instrument_zh(instrument)}{level_zh(level) if level else ''}): {what} (≤ at most, "
            "≥ at least).",
            alt=f"Bar chart of {title} by district",
        )
