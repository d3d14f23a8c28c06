"""07 district profile: one district's policy at a glance."""

from __future__ import annotations

from typing import Any

import pandas as pd
import seaborn as sns

from .. import params as params_mod
from ..markup.components import Facts, Paragraph, Part, Table, block
from ..markup.format import Cell, amount_cell, exact_amount, format_amount, is_missing
from .budgets import _allocation, _budget_parts, _budgets, _sources
from .context import Report, ReportSpec
from .data import TableMissing, _num, _str, load, maybe, section
from .figures import _label_bars, figure, svg
from .labels import (
    TOOL_COLOURS,
    TOOL_NAMES,
    district_colour,
    district_keys,
    district_name,
    district_palette,
    domain_keys,
    domain_name,
    domain_zh,
    indicator_name,
    instrument_name,
    instrument_zh,
    level_name,
)
from .shaping import _clause_titles, _exact
from .subsidies import _comparisons, _subsidy_cell
from .targets import _targets


def _profile_summary(p: dict[str, Any]) -> tuple[str, str]:
    district = p["district"]
    doc = next(d for d in params_mod.documents() if d.kind == "policy" and d.district == district)
    title = f"District profile: {district_name(district)} ({doc.district_zh})"
    try:
        clauses = load("clauses")
    except TableMissing:
        return title, "The clauses table is not built yet."
    here = clauses[clauses["district"] == district]
    numbered = here[here["row_kind"] == "clause"]
    parts = [f"{doc.year} policy ({doc.status}): {len(numbered)} clauses in {here['domain'].nunique()} domains"]
    quantities = maybe("quantities")
    if quantities is not None:
        parts.append(f"{int((quantities['district'] == district).sum())} quantities")
    budgets = maybe("budgets")
    if budgets is not None:
        info = _budget_parts(_budgets([district]), district)
        if info["stated"] is not None:
            parts.append(f"budget {format_amount(info['stated'], 'CNY')}")
        elif info["sum"] is not None:
            parts.append(f"budget {format_amount(info['sum'], 'CNY')} over its domains")
    return title, "; ".join(parts) + "."


@section
def profile_facts(report: Report) -> Part:
    district = report["district"]
    docs = [d for d in params_mod.documents() if d.district == district]
    policy = next(d for d in docs if d.kind == "policy")
    clauses = load("clauses")
    here = clauses[clauses["district"] == district]
    items: list[tuple[str, object]] = [
        ("Document", f"{policy.title} ({policy.id})"),
        ("Status", policy.status),
        ("Issued", policy.issued),
        ("Measures apply to", str(policy.year)),
        ("City", district_name(policy.city, with_year=False)),
        ("Sections", str(here["section_no"].nunique())),
        ("Numbered clauses", str(int((here["row_kind"] == "clause").sum()))),
        (
            "Other documents",
            ", ".join(f"{d.title} ({d.kind.replace('_', ' ')})" for d in docs if d.kind != "policy") or "none",
        ),
    ]
    quantities = maybe("quantities")
    if quantities is not None:
        q = quantities[quantities["district"] == district]
        items.append(
            (
                "Quantities",
                f"{len(q)} ({int((q['kind'] == 'subsidy').sum())} subsidies, "
                f"{int((q['kind'] == 'target').sum())} targets)",
            )
        )
    anomalies_table = maybe("anomalies")
    if anomalies_table is not None:
        items.append(("Build anomalies", str(int(anomalies_table["doc_id"].isin([d.id for d in docs]).sum()))))
    return block(Facts(items))


@section
def profile_domains(report: Report) -> Part:
    """The district's domains: clauses (against the other districts), policy tools, budget, lead department."""
    district = report["district"]
    clauses = load("clauses")
    numbered = clauses[clauses["row_kind"] == "clause"]
    here = clauses[clauses["district"] == district]
    domains = [d for d in domain_keys() if d in set(clauses["domain"].dropna())]
    others = [d for d in district_keys() if d != district]
    tools = maybe("clause_tools")
    quantities = maybe("quantities")
    budget_parts = _budget_parts(_budgets([district]), district) if maybe("budgets") is not None else None
    ncols = 2 if tools is not None else 1

    counts = pd.DataFrame(
        [
            {
                "domain": domain_name(dom),
                "key": d,
                "district": district_name(d),
                "count": int(((numbered["district"] == d) & (numbered["domain"] == dom)).sum()),
            }
            for dom in domains
            for d in [district, *others]
        ]
    )
    order = [domain_name(d) for d in domains]
    with figure(4.8 * ncols + 0.8, 0.42 * len(domains) + 1.8, 1, ncols, sharey=True) as (fig, axes):
        ax = axes[0][0]
        sns.barplot(
            counts[counts["key"] == district],
            x="count",
            y="domain",
            order=order,
            color=district_colour(district),
            saturation=1,
            errorbar=None,
            label=district_name(district),
            ax=ax,
        )
        _label_bars(ax)
        sns.stripplot(
            counts[counts["key"] != district],
            x="count",
            y="domain",
            order=order,
            hue="district",
            hue_order=[district_name(d) for d in others],
            palette=district_palette(others),
            marker="|",
            size=11,
            linewidth=2,
            jitter=False,
            zorder=3,
            ax=ax,
        )
        ax.set(xlabel="numbered clauses", ylabel="")
        ax.set_title(f"Clauses per domain: {district_name(district)} (bars) and the others (|)")
        sns.move_legend(ax, "best", title=None, fontsize=7)
        if tools is not None:
            ax2 = axes[0][1]
            mine_tools = tools[tools["district"] == district]
            left = [0] * len(domains)
            for tool in TOOL_NAMES:
                values = [
                    int(((mine_tools["domain"] == dom) & (mine_tools["tool_type"] == tool)).sum()) for dom in domains
                ]
                ax2.barh(range(len(domains)), values, left=left, color=TOOL_COLOURS[tool], label=TOOL_NAMES[tool])
                left = [a + b for a, b in zip(left, values)]
            ax2.set_ylim(len(domains) - 0.5, -0.5)  # the axes share y: seaborn's categorical limits, kept
            ax2.set_xlabel("policy-tool mentions")
            ax2.set_title("Policy tools by type")
            ax2.legend(fontsize=7, loc="lower right")
        fig_part = svg(
            fig,
            caption=f"{district_name(district)}: numbered clauses per domain against the other districts"
            + (
                "; right: policy-tool mentions by type (supply-side 供给型, environment 环境型, demand-side 需求型)."
                if tools is not None
                else "."
            ),
            alt=f"Profile of {district_name(district)} by domain",
        )
    rows = []
    for dom in domains:
        section_rows = here[here["domain"] == dom]
        row: dict[str, Any] = {
            "Domain": domain_name(dom),
            "中文": domain_zh(dom),
            "Section heading": _str(section_rows["section_name"].iloc[0]) if len(section_rows) else "",
            "Lead department": _str(section_rows["lead_department"].iloc[0]) if len(section_rows) else "",
            "Clauses": int(((numbered["district"] == district) & (numbered["domain"] == dom)).sum()),
        }
        if quantities is not None:
            q = quantities[(quantities["district"] == district) & (quantities["domain"] == dom)]
            row["Quantities"] = len(q)
            row["Subsidy amounts"] = int((q["kind"] == "subsidy").sum())
        if tools is not None:
            t = tools[(tools["district"] == district) & (tools["domain"] == dom)]
            row["Tools (supply/env./demand)"] = "/".join(str(int((t["tool_type"] == k).sum())) for k in TOOL_NAMES)
        if budget_parts is not None:
            value, b = _allocation(budget_parts, dom)
            row["Budget"] = (
                Cell(format_amount(value, "CNY"), title=f"{exact_amount(value, 'CNY')} · {_sources(b)}", sort=value)
                if value is not None
                else ""
            )
        rows.append(row)
    return block(fig_part, Table(pd.DataFrame(rows), caption=f"{district_name(district)} by domain"))


@section
def profile_subsidies(report: Report) -> Part:
    table = _comparisons([report["district"]])
    rows = [
        {
            "Instrument": instrument_name(r.instrument),
            "中文": instrument_zh(r.instrument),
            "Level": level_name(r.level),
            "Amount": _subsidy_cell(r),
            "Exact value": _exact(r.value),
            "Clause": _str(r.clause_id),
            "Span": _str(r.span),
        }
        for r in table.itertuples()
    ]
    return block(Table(pd.DataFrame(rows), caption="Subsidy instruments compared across districts", long=["Span"]))


@section
def profile_top_amounts(report: Report, n: int = 15) -> Part:
    quantities = load("quantities")
    q = quantities[
        (quantities["district"] == report["district"])
        & (quantities["unit"] == "CNY")
        & (quantities["kind"] == "subsidy")
    ].copy()
    q["value"] = _num(q["value"])
    q["value_high"] = _num(q["value_high"]) if "value_high" in q else float("nan")
    q = q.sort_values(["value", "clause_id", "start"], ascending=[False, True, True], kind="stable").head(n)
    titles = _clause_titles()
    rows = [
        {
            "Amount": amount_cell(r.value, r.unit, r.value_high, r.bound, clause_id=r.clause_id, span=r.span),
            "Exact yuan": _exact(r.value),
            "Domain": domain_name(r.domain),
            "Level": level_name(r.level) if not is_missing(r.level) else "",
            "Clause": _str(r.clause_id),
            "Clause title": titles.get(_str(r.clause_id), ""),
            "Span": _str(r.span),
        }
        for r in q.itertuples()
    ]
    return block(Table(pd.DataFrame(rows), caption=f"The {n} largest subsidy amounts in yuan", long=["Span"]))


@section
def profile_targets(report: Report) -> Part:
    table = _targets()
    table = table[table["district"] == report["district"]]
    rows = [
        {
            "Indicator": indicator_name(r.indicator),
            "As written": _str(r.indicator_zh),
            "Target": amount_cell(r.value, r.unit, r.value_high, r.bound, clause_id=r.clause_id, span=r.span),
            "Exact value": _exact(r.value),
            "Clause": _str(r.clause_id),
            "Span": _str(r.span),
        }
        for r in table.sort_values("clause_id", kind="stable").itertuples()
    ]
    if not rows:
        return block(Paragraph("The targets table has no target of this district."))
    return block(Table(pd.DataFrame(rows), caption="Targets", long=["Span"]))


@section
def profile_tools(report: Report) -> Part:
    tools = load("clause_tools")
    here = tools[tools["district"] == report["district"]]
    if here.empty:
        return block(Paragraph("No policy-tool cue was found in this district's clauses."))
    grouped = here.groupby(["tool_type", "sub_tool"], dropna=False)
    rows = []
    for (tool, sub), group in grouped:
        first = group.sort_values("clause_id", kind="stable").iloc[0]
        rows.append(
            {
                "Tool type": TOOL_NAMES.get(_str(tool), _str(tool)),
                "Sub-tool": _str(sub),
                "Mentions": len(group),
                "Clauses": group["clause_id"].nunique(),
                "Example clause": _str(first["clause_id"]),
                "Example span": _str(first["span"]),
            }
        )
    frame = pd.DataFrame(rows).sort_values(
        ["Tool type", "Mentions", "Sub-tool"], ascending=[True, False, True], kind="stable"
    )
    return block(
        Table(
            frame.reset_index(drop=True),
            caption="Policy tools (supply-side, environment, demand-side)",
            long=["Example span"],
        )
    )


REPORT = ReportSpec(
    "district_profile",
    "District profile",
    {"district": params_mod.district},
    _profile_summary,
    render_for="district",
)
