"""07 district profile: one edition of a district's policy at a glance, each figure set against the province.

The page shows one edition — the district's default (latest final, else latest draft), or the year the
``year`` parameter names — and lists every edition. Every figure shows the district beside the distribution
of the corpus's districts in the same edition selection: the middle half of them (first to third quartile)
and their median, as the build published them (``standings``, ``subsidy_ranks``; the shaping is
:mod:`policycmp.analysis.profile`). The page therefore depends on its district's rows and on those
quartiles, not on any other district's rows (see ``_profile_inputs``): a district added elsewhere re-renders
a profile only when a quartile it draws moves.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import pandas as pd

from ...analysis.editions import edition_districts, label
from ...analysis.profile import edition_of, edition_rows
from ...analysis.province import profile_context, standings, subsidy_ranks
from .. import params as params_mod
from ..markup.components import Facts, Heading, Paragraph, Part, Raw, Table, block
from ..markup.format import Cell, amount_cell, counted, esc, exact_amount, figure_amount, format_amount, is_missing
from ..pages import page_file
from .budgets import district_budget
from .context import Inputs, ReportSpec
from .data import _str, records
from .domain import clauses_anchor
from .editions import district_sentence
from .inputs import digest_once, rows, rows_digest
from .labels import (
    TOOL_NAMES,
    city_name,
    city_of,
    district_name,
    domain_keys,
    domain_name,
    domain_zh,
    indicator_name,
    instrument_zh,
    key_name,
    level_name,
    variant_name,
)
from .shaping import _exact
from .spread_chart import Panel, Row, spread_chart
from .subsidies import BOUND_NOTE, BOUND_WORDS, _subsidy_cell

SPREAD_NOTE = "median of the corpus's districts (computed, not stated in a document)"
NOT_COMPARED = Cell("—", cls="pc-absent", title="no other district of the corpus states it")


def _profile_summary(p: dict[str, Any]) -> tuple[str, str]:
    district, year = p["district"], p.get("year")
    doc = edition_of(district, year)
    title = f"District profile: {district_name(district, with_year=False)} ({doc['district_zh']})"
    here = edition_rows("clauses", doc)
    numbered = here[here["row_kind"] == "clause"]
    editions = int(doc["editions"])
    which = f", edition {int(doc['edition'])} of {editions}" if editions > 1 else ""
    parts = [
        f"{doc['year']} policy ({doc['status']}{which}): {counted(len(numbered), 'clause')} in "
        f"{counted(here['domain'].nunique(), 'domain')}",
        counted(len(edition_rows("quantities", doc)), "quantity", "quantities"),
    ]
    info = district_budget(district, year)
    if info.stated is not None:
        parts.append(f"budget {format_amount(info.stated, 'CNY')}")
    elif info.sum is not None:
        parts.append(f"budget {format_amount(info.sum, 'CNY')} over its domains")
    return title, "; ".join(parts) + "."


def profile_facts(edition: pd.Series, editions: pd.DataFrame) -> Part:
    """The edition shown (a row of ``documents``: :func:`~policycmp.analysis.profile.edition_of`), what the
    build read from it, and every edition of the district (``editions``, oldest first), linked to the page of
    what changed between them when there are two or more."""
    district = str(edition["district"])
    docs = [d for d in params_mod.documents() if d.district == district]
    here = edition_rows("clauses", edition)
    q = edition_rows("quantities", edition)
    has_context = any(d.kind == "city_work_report" and d.district == edition["city"] for d in params_mod.documents())
    city = city_of(district)
    city_cell: object = (
        Cell(city_name(city), href=page_file("city_context", edition["city"])) if has_context else city_name(city)
    )
    listed = [
        Cell(
            f"{label(int(e.year), str(e.status))} ({e.doc_id})"
            + (" — shown here" if e.doc_id == edition["doc_id"] else ""),
            title=str(e.title),
        )
        for e in records(editions)
    ]
    changes = page_file("edition_changes", district) if district in edition_districts() else None
    items: list[tuple[str, object]] = [
        ("Document", f"{edition['title']} ({edition['doc_id']})"),
        ("Status", str(edition["status"])),
        ("Issued", str(edition["issued"])),
        ("Measures apply to", str(edition["year"])),
        ("Editions", listed),
    ]
    if changes:
        items.append(("What changed between editions", Cell("edition changes", href=changes)))
    items += [
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
        ("Build anomalies", str(len(edition_rows("anomalies", edition)))),
    ]
    return block(Facts(items))


def _computed(value: float, unit: str) -> Cell:
    return Cell(format_amount(value, unit), title=f"{exact_amount(value, unit)} · {SPREAD_NOTE}", sort=value)


def _spread(row: Any, prefix: str = "") -> tuple[float, float, float] | None:
    """(q1, median, q3) of a shaped row when two or more districts have the item, else None."""
    if not bool(getattr(row, f"{prefix}compared")):
        return None
    return (
        float(getattr(row, f"{prefix}q1")),
        float(getattr(row, f"{prefix}median")),
        float(getattr(row, f"{prefix}q3")),
    )


def _row(label: str, spread: tuple[float, float, float] | None, value: float | None, scale: float = 1.0) -> Row:
    q1, median, q3 = (v / scale for v in spread) if spread else (None, None, None)
    return Row(label, q1, median, q3, None if value is None else value / scale)


def _relative_row(label: str, spread: tuple[float, float, float], value: float) -> Row:
    """A figure as a multiple of the districts' median, so items in different units share one axis."""
    q1, median, q3 = spread
    return Row(label, q1 / median, 1.0, q3 / median, value / median)


def _name(district: str) -> str:
    return district_name(district)


def _district_of(frame: pd.DataFrame) -> str:
    """The district a shaped frame of one district is about ("" for an empty one)."""
    return str(frame["district"].iloc[0]) if len(frame) and "district" in frame.columns else ""


def profile_domains(domains: pd.DataFrame) -> Part:
    """The district's domains (:func:`~policycmp.analysis.profile.profile_domains`): clauses and budget against
    the districts' quartiles, heading, lead department, quantities and tools."""
    district = _district_of(domains)
    labels = [domain_name(d) for d in domains["domain"]]
    counts = [_row(lab, _spread(r), r.clauses) for lab, r in zip(labels, records(domains))]
    panels = [Panel("Clauses per domain", "numbered clauses", counts, counts=True)]
    budget = domains["allocation"].notna().any()
    if budget:
        panels.append(
            Panel(
                "Budget per domain",
                "亿元 (100 million yuan)",
                [
                    _row(lab, _spread(r, "alloc_"), None if is_missing(r.allocation) else r.allocation, 1e8)
                    for lab, r in zip(labels, records(domains))
                ],
            )
        )
    chart = spread_chart(
        panels,
        district=_name(district),
        caption=f"{_name(district)} (dots) against the corpus's districts: the grey bar spans the middle half of "
        "them, the tick marks their median. Domains: "
        + "; ".join(f"{domain_name(d)} = {domain_zh(d)}" for d in domains["domain"])
        + ("; budget in 亿元 (1 亿元 = 100,000,000 yuan)." if budget else "."),
        alt=f"Clauses and budget per domain of {_name(district)} against the province",
    )
    table_rows = []
    for r in records(domains):
        clause_spread = _spread(r)
        money_spread = _spread(r, "alloc_")
        sources = " | ".join(f"clause {c} · 「{s}」" for c, s in zip(r.clause_ids, r.spans))
        table_rows.append(
            {
                "Domain": domain_name(r.domain),
                "中文": domain_zh(r.domain),
                "Section heading": _str(r.heading),
                "Lead department": _str(r.lead_department),
                "Clauses": r.clauses,
                "Districts' median": Cell(f"{clause_spread[1]:g}", sort=clause_spread[1], title=SPREAD_NOTE)
                if clause_spread
                else "",
                "Quantities": r.quantities,
                "Subsidy amounts": r.subsidy_amounts,
                "Tools (supply/env./demand)": f"{r.supply}/{r.environment}/{r.demand}",
                "Budget": Cell(
                    format_amount(r.allocation, "CNY"),
                    title=f"{exact_amount(r.allocation, 'CNY')} · {sources}",
                    sort=float(r.allocation),
                )
                if not is_missing(r.allocation)
                else "",
                "Districts' median budget": _computed(money_spread[1], "CNY") if money_spread else "",
            }
        )
    return block(chart, Table(pd.DataFrame(table_rows), caption=f"{_name(district)} by domain"))


def profile_subsidies(subsidies: pd.DataFrame) -> Part:
    """Each instrument key of the district (:func:`~policycmp.analysis.profile.profile_subsidies`) against the
    districts' quartiles for it: like beside like (instrument × level × variant, a flat amount beside flat
    amounts, a share beside shares), the bound shown, a share with its cap."""
    district = _district_of(subsidies)
    drawn: list[Row] = []
    for r in records(subsidies[subsidies["largest"]]):
        spread = _spread(r)
        if spread and spread[1] > 0 and r.value > 0:
            label_ = f"{key_name(r.instrument, r.level, r.variant)} ({figure_amount(r.value, r.unit, None, r.bound)})"
            drawn.append(_relative_row(label_, spread, float(r.value)))
    parts: list[Part] = []
    if drawn:
        parts.append(
            spread_chart(
                [Panel("Subsidy amounts", "amount as a multiple of the districts' median", drawn, log2=True)],
                district=_name(district),
                caption=f"Each subsidy {_name(district)} states an amount for that other districts state too (a dot; "
                "the largest where it states several), as a multiple of the median amount of the districts that "
                "state one of the same kind (a flat amount, a share, a rate) in the same unit, on a log scale; the "
                "grey bar spans the middle half of those districts. The Subsidy levels page ranks every district.",
                alt=f"Subsidy amounts of {_name(district)} against the province",
            )
        )
    rows_out = []
    for r in records(subsidies):
        shown = bool(r.stated) and not is_missing(r.value)
        spread = _spread(r) if shown else None
        unit = _str(r.unit)
        rows_out.append(
            {
                "Instrument": key_name(r.instrument, None, None),
                "中文": instrument_zh(r.instrument),
                "Level": level_name(r.level),
                "Variant": variant_name(r.variant),
                "Amount": _subsidy_cell(r),
                "Bound": BOUND_WORDS.get(_str(r.bound), "") if shown else "",
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
            note="Quartiles: of each district's largest amount for the instrument, level and variant, of the same "
            "kind and unit, across the corpus's districts in the same choice of edition. " + BOUND_NOTE,
        )
    )
    return block(*parts)


def profile_top_amounts(q: pd.DataFrame) -> Part:
    """The amounts given (one district's, largest first: :func:`~policycmp.analysis.quantities.largest`)."""
    clauses = rows("clauses", "doc_id", *dict.fromkeys(q["doc_id"]))
    titles = {str(c): _str(t) for c, t in zip(clauses["clause_id"], clauses["title"])}
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


def profile_targets(targets: pd.DataFrame) -> Part:
    """The district's targets (:func:`~policycmp.analysis.profile.profile_targets`), each headline target
    against the districts' median for its indicator."""
    district = _district_of(targets)
    if targets.empty:
        return block(Paragraph("The targets table has no target of this district."))
    drawn = []
    for r in records(targets[targets["headline"]]):
        spread = _spread(r)
        if spread and spread[1] > 0 and r.value > 0:
            drawn.append(
                _relative_row(
                    f"{indicator_name(r.indicator)} ({figure_amount(r.value, r.unit)})", spread, float(r.value)
                )
            )
    parts: list[Part] = []
    if drawn:
        parts.append(
            spread_chart(
                [Panel("Targets", "target as a multiple of the districts' median", drawn, log2=True)],
                district=_name(district),
                caption=f"Each indicator {_name(district)} sets a target for that other districts set too (a dot: its "
                "first base goal in reading order), as a multiple of the median target of the districts that set it "
                "in the same unit, on a log scale; the grey bar spans the middle half of those districts.",
                alt=f"Targets of {_name(district)} against the province",
            )
        )
    table_rows = []
    for r in records(targets):
        spread = _spread(r) if r.headline else None
        table_rows.append(
            {
                "Indicator": indicator_name(r.indicator),
                "As written": _str(r.indicator_zh),
                "Target": amount_cell(r.value, r.unit, r.value_high, r.bound, clause_id=r.clause_id, span=r.span),
                "Compared": "headline" if r.headline else "",
                "Districts' median": _computed(spread[1], _str(r.unit)) if spread else "",
                "Exact value": _exact(r.value),
                "Clause": _str(r.clause_id),
                "Span": _str(r.span),
            }
        )
    parts.append(
        Table(
            pd.DataFrame(table_rows),
            caption="Targets, in reading order",
            long=["Span"],
            note="Headline: the target the districts are compared by, the district's first base goal for the "
            "indicator in that unit (a 力争 / 冲刺 goal only where it sets no other).",
        )
    )
    return block(*parts)


def profile_tools(shares: pd.DataFrame, sub_tools: pd.DataFrame) -> Part:
    """The district's policy tools by type (:func:`~policycmp.analysis.profile.profile_tools`), against the
    districts' shares."""
    district = _district_of(shares)
    if sub_tools.empty:
        return block(Paragraph("No policy-tool cue was found in this district's clauses."))
    fig_part = spread_chart(
        [
            Panel(
                "Policy tools by type",
                "% of the district's policy-tool mentions",
                [_row(TOOL_NAMES[str(r.tool_type)], _spread(r), float(r.share)) for r in records(shares)],
            )
        ],
        district=_name(district),
        caption=f"Share of {_name(district)}'s policy-tool mentions by type (supply-side 供给型, environment 环境型, "
        "demand-side 需求型), against the corpus's districts (grey bar: middle half, tick: median).",
        alt=f"Policy tools of {_name(district)} against the province",
    )
    frame = pd.DataFrame(
        {
            "Tool type": [TOOL_NAMES.get(_str(t), _str(t)) for t in sub_tools["tool_type"]],
            "Sub-tool": sub_tools["sub_tool"].map(_str),
            "Mentions": sub_tools["mentions"],
            "Clauses": sub_tools["clauses"],
            "Example clause": sub_tools["clause_id"].map(_str),
            "Example span": sub_tools["span"].map(_str),
        }
    )
    return block(
        fig_part,
        Table(frame, caption="Policy tools (supply-side, environment, demand-side)", long=["Example span"]),
    )


def profile_clauses(clauses: pd.DataFrame) -> Part:
    """Every body row of a policy (``clauses``: its rows), by domain; the domain pages link to each domain's list."""
    here = clauses.sort_values("seq", kind="stable")
    # The cells of every row made once, each domain's rows then taken by position (one pass over the domains
    # rather than a filter and four conversions per domain).
    cells = pd.DataFrame(
        {
            "Clause": [_str(v) for v in here["clause_id"]],
            "No.": ["" if is_missing(v) else str(v) for v in here["clause_no"]],
            "Title": [_str(v) for v in here["title"]],
            "Text": [_str(v) for v in here["text"]],
        }
    )
    rows_of: dict[Any, list[int]] = {}
    for at, dom in enumerate(here["domain"]):
        rows_of.setdefault(dom, []).append(at)
    titles = here["section_title"].tolist()
    parts: list[Part] = []
    for dom in [d for d in domain_keys() if d in rows_of]:
        section = rows_of[dom]
        parts.append(Raw(f'<span id="{esc(clauses_anchor(dom))}"></span>', plain=""))
        parts.append(Heading(f"{domain_name(dom)} ({domain_zh(dom)}): {_str(titles[section[0]])}", 4))
        parts.append(
            Table(
                cells.iloc[section].reset_index(drop=True),
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


def _shown(context: pd.DataFrame, keys: list[str], mine: set[tuple[Any, ...]]) -> pd.DataFrame:
    """The province rows for the items the district has: a quartile of another item is not on its page."""
    found = context[keys].astype(object).map(lambda v: "" if is_missing(v) else v)
    return context[[key in mine for key in found.itertuples(index=False, name=None)]]


def _profile_inputs(p: dict[str, Any]) -> Inputs:
    district, year = p["district"], p.get("year")
    edition = edition_of(district, year)
    docs = rows("documents", "district", district)
    # The edition's own rows, hashed from the tables' row hashes (see inputs.rows_digest).
    own = {
        name: rows_digest(name, "doc_id", edition["doc_id"])
        for name in (
            "clauses",
            "quantities",
            "comparisons",
            "budgets",
            "budget_summary",
            "budget_domains",
            "targets",
            "clause_tools",
            "anomalies",
        )
    }
    selection = f"profile_context:{year}"
    context = profile_context(year)
    ranks = subsidy_ranks(year)
    mine = ranks[ranks["district"] == district]
    keys = ["instrument", "level", "variant", "role", "unit"]
    stated = set(mine[keys].astype(object).map(lambda v: "" if is_missing(v) else v).itertuples(index=False, name=None))
    headline = standings("target", year)
    headline = headline[headline["district"] == district]
    quartiles = ("standings", "subsidy_ranks")
    return {
        **own,
        "documents": docs,
        # Whether the city has a work report: the profile links to its context page then.
        "city": rows("documents", "district", *docs["city"]),
        "headline targets": headline[["item", "unit", "clause_id", "value"]],
        **{
            f"province:{name}": digest_once(f"{selection}:{name}", quartiles, partial(context.__getitem__, name))
            for name in ("clauses", "allocations", "tools")
        },
        "province:subsidies": _shown(context["subsidies"], keys, stated),
        "province:targets": _shown(context["targets"], ["item", "unit"], set(zip(headline["item"], headline["unit"]))),
    }


def _profile_editions(p: dict[str, Any]) -> str:
    return district_sentence(p["district"], p.get("year"))


REPORT = ReportSpec(
    "district_profile",
    "District profile",
    {"district": params_mod.district, "year": params_mod.edition_year},
    _profile_summary,
    render_for="district",
    check=params_mod.district_of_year,
    inputs=_profile_inputs,
    editions=_profile_editions,
)
