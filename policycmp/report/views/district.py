"""07 district profile: one district's policy at a glance, each figure set against the province.

Every figure shows the district beside the distribution of the corpus's districts: the middle half of
them (first to third quartile) and their median, from :mod:`.province`. The page therefore depends on
its district's rows and on those quartiles, not on any other district's rows (see ``_profile_inputs``):
a district added elsewhere re-renders a profile only when a quartile it draws moves.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ...analysis.province import profile_context
from ...schema import DocumentRow
from .. import params as params_mod
from ..markup.components import Facts, Figure, Heading, Paragraph, Part, Raw, Table, block
from ..markup.format import Cell, amount_cell, counted, esc, exact_amount, figure_amount, format_amount, is_missing
from ..pages import page_file
from .budgets import district_budget
from .context import Inputs, ReportSpec
from .data import _num, _str, records
from .domain import clauses_anchor
from .inputs import rows
from .labels import (
    TOOL_NAMES,
    city_name,
    city_of,
    district_name,
    domain_keys,
    domain_name,
    domain_zh,
    indicator_name,
    instrument_name,
    instrument_zh,
    level_name,
)
from .shaping import _clause_titles, _exact
from .spread_chart import Panel, Row, spread_chart
from .subsidies import _subsidy_cell

Spreads = dict[str, pd.DataFrame]  # profile_context(): each measure's quartiles across the districts
SPREAD_NOTE = "median of the corpus's districts (computed, not stated in a document)"
SPREAD_LABELS = ["middle half of the districts", "median of the districts"]


def _own(name: str, district: str) -> pd.DataFrame:
    return rows(name, "district", district)


def _policy(district: str) -> DocumentRow:
    return next(d for d in params_mod.documents() if d.kind == "policy" and d.district == district)


def _profile_summary(p: dict[str, Any]) -> tuple[str, str]:
    district = p["district"]
    doc = _policy(district)
    title = f"District profile: {district_name(district)} ({doc.district_zh})"
    here = _own("clauses", district)
    numbered = here[here["row_kind"] == "clause"]
    parts = [
        f"{doc.year} policy ({doc.status}): {counted(len(numbered), 'clause')} in "
        f"{counted(here['domain'].nunique(), 'domain')}",
        counted(len(_own("quantities", district)), "quantity", "quantities"),
    ]
    info = district_budget(district)
    if info.stated is not None:
        parts.append(f"budget {format_amount(info.stated, 'CNY')}")
    elif info.sum is not None:
        parts.append(f"budget {format_amount(info.sum, 'CNY')} over its domains")
    return title, "; ".join(parts) + "."


def profile_facts(district: str) -> Part:
    """The district's policy document and what the build read from it."""
    docs = [d for d in params_mod.documents() if d.district == district]
    policy = _policy(district)
    here = _own("clauses", district)
    q = _own("quantities", district)
    city = city_of(district)
    has_context = any(d.kind == "city_work_report" and d.district == policy.city for d in params_mod.documents())
    city_cell: object = (
        Cell(city_name(city), href=page_file("city_context", policy.city)) if has_context else city_name(city)
    )
    anomalies = rows("anomalies", "doc_id", *[d.doc_id for d in docs])
    items: list[tuple[str, object]] = [
        ("Document", f"{policy.title} ({policy.doc_id})"),
        ("Status", policy.status),
        ("Issued", policy.issued),
        ("Measures apply to", str(policy.year)),
        ("City", city_cell),
        ("Sections", str(here["section_no"].nunique())),
        ("Numbered clauses", str(int((here["row_kind"] == "clause").sum()))),
        (
            "Other documents",
            ", ".join(f"{d.title} ({d.kind.replace('_', ' ')})" for d in docs if d.kind != "policy") or "none",
        ),
        (
            "Quantities",
            f"{len(q)} ({int((q['kind'] == 'subsidy').sum())} subsidies, {int((q['kind'] == 'target').sum())} targets)",
        ),
        ("Build anomalies", str(len(anomalies))),
    ]
    return block(Facts(items))


def _spread_of(frame: pd.DataFrame, **keys: Any) -> tuple[float, float, float] | None:
    """(q1, median, q3) of one row of a province summary; None unless two or more districts have it."""
    mask = np.ones(len(frame), dtype=bool)
    for column, value in keys.items():
        mask &= (frame[column] == value).to_numpy(dtype=bool)
    found = frame[mask]
    if found.empty or not bool(found["compared"].iloc[0]):
        return None
    row = found.iloc[0]
    return float(row["q1"]), float(row["median"]), float(row["q3"])


NOT_COMPARED = Cell("—", cls="pc-absent", title="no other district of the corpus states it")


def _computed(value: float, unit: str) -> Cell:
    return Cell(format_amount(value, unit), title=f"{exact_amount(value, unit)} · {SPREAD_NOTE}", sort=value)


def _row(label: str, spread: tuple[float, float, float] | None, value: float | None, scale: float = 1.0) -> Row:
    q1, median, q3 = (v / scale for v in spread) if spread else (None, None, None)
    return Row(label, q1, median, q3, None if value is None else value / scale)


def _relative_row(label: str, spread: tuple[float, float, float], value: float) -> Row:
    """A figure as a multiple of the districts' median, so items in different units share one axis."""
    q1, median, q3 = spread
    return Row(label, q1 / median, 1.0, q3 / median, value / median)


def _domain_figure(
    district: str, domains: list[str], counts: dict[str, int], budget: dict[str, float], spreads: Spreads
) -> Figure:
    labels = [domain_name(d) for d in domains]
    panels = [
        Panel(
            "Clauses per domain",
            "numbered clauses",
            [_row(lab, _spread_of(spreads["clauses"], domain=d), counts.get(d, 0)) for lab, d in zip(labels, domains)],
            counts=True,
        )
    ]
    if budget:
        panels.append(
            Panel(
                "Budget per domain",
                "亿元 (100 million yuan)",
                [
                    _row(lab, _spread_of(spreads["allocations"], domain=d), budget.get(d), 1e8)
                    for lab, d in zip(labels, domains)
                ],
            )
        )
    return spread_chart(
        panels,
        district=district_name(district),
        caption=f"{district_name(district)} (dots) against the corpus's districts: the grey bar spans the middle "
        "half of them, the tick marks their median. Domains: "
        + "; ".join(f"{domain_name(d)} = {domain_zh(d)}" for d in domains)
        + ("; budget in 亿元 (1 亿元 = 100,000,000 yuan)." if budget else "."),
        alt=f"Clauses and budget per domain of {district_name(district)} against the province",
    )


def profile_domains(district: str, spreads: Spreads) -> Part:
    """The district's domains: clauses and budget against the province (``spreads``:
    :func:`~policycmp.analysis.province.profile_context`), lead department, tools."""
    here = _own("clauses", district)
    numbered = here[here["row_kind"] == "clause"]
    present = set(here["domain"].dropna()) | set(spreads["clauses"]["domain"])
    domains = [d for d in domain_keys() if d in present]
    counts = {str(k): int(v) for k, v in numbered.groupby("domain").size().items()}
    parts_of = district_budget(district)
    budget = {dom: v for dom in domains for v in [parts_of.allocation(dom)] if v is not None}
    q = _own("quantities", district)
    tools = _own("clause_tools", district)
    table_rows = []
    for dom in domains:
        section_rows = here[here["domain"] == dom]
        clause_spread = _spread_of(spreads["clauses"], domain=dom)
        money_spread = _spread_of(spreads["allocations"], domain=dom)
        value = parts_of.allocation(dom)
        t = tools[tools["domain"] == dom]
        table_rows.append(
            {
                "Domain": domain_name(dom),
                "中文": domain_zh(dom),
                "Section heading": _str(section_rows["section_name"].iloc[0]) if len(section_rows) else "",
                "Lead department": _str(section_rows["lead_department"].iloc[0]) if len(section_rows) else "",
                "Clauses": counts.get(dom, 0),
                "Districts' median": Cell(f"{clause_spread[1]:g}", sort=clause_spread[1], title=SPREAD_NOTE)
                if clause_spread
                else "",
                "Quantities": int((q["domain"] == dom).sum()),
                "Subsidy amounts": int(((q["domain"] == dom) & (q["kind"] == "subsidy")).sum()),
                "Tools (supply/env./demand)": "/".join(str(int((t["tool_type"] == k).sum())) for k in TOOL_NAMES),
                "Budget": Cell(
                    format_amount(value, "CNY"),
                    title=f"{exact_amount(value, 'CNY')} · {parts_of.sources(dom)}",
                    sort=value,
                )
                if value is not None
                else "",
                "Districts' median budget": _computed(money_spread[1], "CNY") if money_spread else "",
            }
        )
    return block(
        _domain_figure(district, domains, counts, budget, spreads),
        Table(pd.DataFrame(table_rows), caption=f"{district_name(district)} by domain"),
    )


def profile_subsidies(district: str, spreads: Spreads) -> Part:
    """Each instrument of the district against the districts' quartiles for it."""
    table = _own("comparisons", district)
    table = table[table["instrument"].notna()].copy()  # award rows of no instrument: no quartiles to show
    table["value"] = _num(table["value"])
    table["value_high"] = _num(table["value_high"])
    table["stated"] = table["stated"].map(lambda v: v is True)
    table["level_key"] = table["level"].map(lambda v: "" if is_missing(v) else v)
    quartiles = spreads["subsidies"]
    drawn: list[Row] = []
    best = table[table["stated"] & table["value"].notna()].sort_values(["value", "clause_id"], ascending=[False, True])
    for r in records(best.drop_duplicates(["instrument", "level_key", "unit"])):
        spread = _spread_of(quartiles, instrument=r.instrument, level=r.level_key, unit=r.unit)
        if spread and spread[1] > 0 and r.value > 0:
            level = f" · {level_name(r.level)}" if r.level_key else ""
            label = f"{instrument_name(r.instrument)}{level} ({figure_amount(r.value, r.unit)})"
            drawn.append(_relative_row(label, spread, float(r.value)))
    parts: list[Part] = []
    if drawn:
        parts.append(
            spread_chart(
                [Panel("Subsidy amounts", "amount as a multiple of the districts' median", drawn, log2=True)],
                district=district_name(district),
                caption=f"Each subsidy {district_name(district)} states an amount for that other districts state too "
                "(a dot; the largest where it states several), as a multiple of the median amount of the districts "
                "that state one in the same unit, on a log scale; the grey bar spans the middle half of those "
                "districts. The Subsidy levels page ranks every district.",
                alt=f"Subsidy amounts of {district_name(district)} against the province",
            )
        )
    rows_out = []
    for r in records(table):
        shown = bool(r.stated) and not is_missing(r.value)
        spread = _spread_of(quartiles, instrument=r.instrument, level=r.level_key, unit=r.unit) if shown else None
        unit = _str(r.unit)
        rows_out.append(
            {
                "Instrument": instrument_name(r.instrument),
                "中文": instrument_zh(r.instrument),
                "Level": level_name(r.level),
                "Amount": _subsidy_cell(r),
                "Quartile 1": _computed(spread[0], unit) if spread else NOT_COMPARED if shown else "",
                "Median": _computed(spread[1], unit) if spread else NOT_COMPARED if shown else "",
                "Quartile 3": _computed(spread[2], unit) if spread else NOT_COMPARED if shown else "",
                "Clause": _str(r.clause_id),
                "Span": _str(r.span),
            }
        )
    parts.append(
        Table(
            pd.DataFrame(rows_out),
            caption="Subsidy instruments, with the quartiles of the districts that state an amount",
            long=["Span"],
            note="Quartiles: of each district's largest amount for the instrument and level, in the same unit.",
        )
    )
    return block(*parts)


def profile_top_amounts(q: pd.DataFrame) -> Part:
    """The amounts given (one district's, largest first: :func:`~policycmp.analysis.quantities.largest`)."""
    titles = {k: v for d in dict.fromkeys(q["district"]) for k, v in _clause_titles(d).items()}
    table_rows = [
        {
            "Amount": amount_cell(r.value, r.unit, r.value_high, r.bound, clause_id=r.clause_id, span=r.span),
            "Exact yuan": _exact(r.value),
            "Domain": domain_name(r.domain),
            "Level": level_name(r.level) if not is_missing(r.level) else "",
            "Clause": _str(r.clause_id),
            "Clause title": titles.get(_str(r.clause_id), ""),
            "Span": _str(r.span),
        }
        for r in records(q)
    ]
    return block(
        Table(pd.DataFrame(table_rows), caption=f"The {len(q)} largest subsidy amounts in yuan", long=["Span"])
    )


def profile_targets(district: str, spreads: Spreads) -> Part:
    """The district's targets, each indicator against the districts' median for it."""
    table = _own("targets", district).copy()
    table["value"] = _num(table["value"])
    quartiles = spreads["targets"]
    headline = table[table["indicator"].notna()].assign(_stretch=table["stretch"].map(lambda v: v is True))
    headline = headline.sort_values(["_stretch", "clause_id", "span_start"], kind="stable")
    headline = headline.drop_duplicates(["indicator", "unit"])
    drawn = []
    for r in records(headline):
        spread = _spread_of(quartiles, indicator=r.indicator, unit=r.unit)
        if spread and spread[1] > 0 and r.value > 0:
            label = f"{indicator_name(r.indicator)} ({figure_amount(r.value, r.unit)})"
            drawn.append(_relative_row(label, spread, float(r.value)))
    parts: list[Part] = []
    if drawn:
        parts.append(
            spread_chart(
                [Panel("Targets", "target as a multiple of the districts' median", drawn, log2=True)],
                district=district_name(district),
                caption=f"Each indicator {district_name(district)} sets a target for that other districts set too (a "
                "dot: its first base goal), as a multiple of the median target of the districts that set it in the "
                "same unit, on a log scale; the grey bar spans the middle half of those districts.",
                alt=f"Targets of {district_name(district)} against the province",
            )
        )
    table_rows = []
    for r in records(table.sort_values("clause_id", kind="stable")):
        spread = _spread_of(quartiles, indicator=r.indicator, unit=r.unit) if not is_missing(r.indicator) else None
        table_rows.append(
            {
                "Indicator": indicator_name(r.indicator),
                "As written": _str(r.indicator_zh),
                "Target": amount_cell(r.value, r.unit, r.value_high, r.bound, clause_id=r.clause_id, span=r.span),
                "Districts' median": _computed(spread[1], _str(r.unit)) if spread else "",
                "Exact value": _exact(r.value),
                "Clause": _str(r.clause_id),
                "Span": _str(r.span),
            }
        )
    if not table_rows:
        return block(Paragraph("The targets table has no target of this district."))
    parts.append(Table(pd.DataFrame(table_rows), caption="Targets", long=["Span"]))
    return block(*parts)


def profile_tools(district: str, spreads: Spreads) -> Part:
    """The district's policy tools by type, against the districts' shares."""
    here = _own("clause_tools", district)
    if here.empty:
        return block(Paragraph("No policy-tool cue was found in this district's clauses."))
    quartiles = spreads["tools"]
    kinds = list(TOOL_NAMES)
    shares = here["tool_type"].value_counts(normalize=True) * 100
    fig_part = spread_chart(
        [
            Panel(
                "Policy tools by type",
                "% of the district's policy-tool mentions",
                [_row(TOOL_NAMES[k], _spread_of(quartiles, tool_type=k), float(shares.get(k, 0.0))) for k in kinds],
            )
        ],
        district=district_name(district),
        caption=f"Share of {district_name(district)}'s policy-tool mentions by type (supply-side 供给型, "
        "environment 环境型, demand-side 需求型), against the corpus's districts (grey bar: middle half, tick: "
        "median).",
        alt=f"Policy tools of {district_name(district)} against the province",
    )
    table_rows = []
    for (tool, sub), group in here.groupby(["tool_type", "sub_tool"], dropna=False):
        first = group.sort_values("clause_id", kind="stable").iloc[0]
        table_rows.append(
            {
                "Tool type": TOOL_NAMES.get(_str(tool), _str(tool)),
                "Sub-tool": _str(sub),
                "Mentions": len(group),
                "Clauses": group["clause_id"].nunique(),
                "Example clause": _str(first["clause_id"]),
                "Example span": _str(first["span"]),
            }
        )
    frame = pd.DataFrame(table_rows).sort_values(
        ["Tool type", "Mentions", "Sub-tool"], ascending=[True, False, True], kind="stable"
    )
    return block(
        fig_part,
        Table(
            frame.reset_index(drop=True),
            caption="Policy tools (supply-side, environment, demand-side)",
            long=["Example span"],
        ),
    )


def profile_clauses(clauses: pd.DataFrame) -> Part:
    """Every body row of a policy (``clauses``: its rows), by domain; the domain pages link to each domain's list."""
    here = clauses.sort_values("seq", kind="stable")
    parts: list[Part] = []
    for dom in [d for d in domain_keys() if d in set(here["domain"].dropna())]:
        section = here[here["domain"] == dom]
        parts.append(Raw(f'<span id="{esc(clauses_anchor(dom))}"></span>', plain=""))
        parts.append(Heading(f"{domain_name(dom)} ({domain_zh(dom)}): {_str(section['section_title'].iloc[0])}", 4))
        parts.append(
            Table(
                pd.DataFrame(
                    {
                        "Clause": section["clause_id"].map(_str),
                        "No.": section["clause_no"].map(lambda v: "" if is_missing(v) else str(v)),
                        "Title": section["title"].map(_str),
                        "Text": section["text"].map(_str),
                    }
                ).reset_index(drop=True),
                caption=f"{domain_name(dom)}: {len(section)} rows",
                long=["Text"],
                interactive=False,
            )
        )
    closing = here[here["domain"].isna()]
    if len(closing):
        parts.append(Heading("Closing provisions", 4))
        parts.append(Paragraph(" ".join(closing["text"].map(_str)), cls="pc-text"))
    return block(*parts)


def _shown(context: pd.DataFrame, own: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The province rows for the items the district has: a quartile of another item is not on its page."""
    mine = set(own[keys].itertuples(index=False, name=None))
    return context[[key in mine for key in context[keys].itertuples(index=False, name=None)]]


def _profile_inputs(p: dict[str, Any]) -> Inputs:
    district = p["district"]
    docs = rows("documents", "district", district)
    own = {name: _own(name, district) for name in ("clauses", "quantities", "comparisons", "budgets", "targets")}
    context = profile_context()
    stated = own["comparisons"][
        own["comparisons"]["stated"].map(lambda v: v is True)
        & own["comparisons"]["value"].notna()
        & own["comparisons"]["instrument"].notna()  # award rows of no instrument have no context to set them in
    ]
    stated = stated.assign(level=stated["level"].map(lambda v: v if isinstance(v, str) else ""))
    targets = own["targets"][own["targets"]["indicator"].notna()]
    return {
        **own,
        "clause_tools": _own("clause_tools", district),
        "documents": docs,
        "anomalies": rows("anomalies", "doc_id", *docs["doc_id"]),
        # Whether the city has a work report: the profile links to its context page then.
        "city": rows("documents", "district", *docs["city"]),
        "province:clauses": context["clauses"],
        "province:allocations": context["allocations"],
        "province:tools": context["tools"],
        "province:subsidies": _shown(context["subsidies"], stated, ["instrument", "level", "unit"]),
        "province:targets": _shown(context["targets"], targets, ["indicator", "unit"]),
    }


REPORT = ReportSpec(
    "district_profile",
    "District profile",
    {"district": params_mod.district},
    _profile_summary,
    render_for="district",
    inputs=_profile_inputs,
)
