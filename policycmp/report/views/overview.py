"""01 corpus overview: the registered documents, clauses and quantities by domain and district, anomalies."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import params as params_mod
from ..markup.components import Figure, Paragraph, Part, Table, block
from ..markup.format import Cell
from ..pages import page_file
from .context import Inputs, Report, ReportSpec
from .data import _str, load, shared
from .figures import figure, grouped_bars, legend_below, spread_legend, spread_marks, svg
from .inputs import whole
from .labels import (
    KIND_NAMES,
    PALETTE,
    city_name,
    city_of,
    district_colour,
    district_keys,
    district_name,
    domain_keys,
    domain_name,
    domain_zh,
)
from .layout import side_by_side
from .province import quartiles


def _overview_summary(p: dict[str, Any]) -> tuple[str, str]:
    docs = params_mod.documents()
    kinds = pd.Series([d.kind for d in docs]).value_counts()
    clauses = shared("clauses")
    numbered = int((clauses["row_kind"] == "clause").sum())
    parts = [
        f"{len(docs)} documents ({kinds.get('policy', 0)} policies, {kinds.get('outcome_report', 0)} outcome "
        f"report(s), {kinds.get('city_work_report', 0)} city work report(s))",
        f"{len(clauses)} body rows ({numbered} numbered clauses) across {clauses['district'].nunique()} districts",
        f"{len(shared('quantities'))} quantities",
        f"{len(shared('anomalies'))} anomalies found by the build",
    ]
    return "Corpus overview", "; ".join(parts) + "."


def documents(report: Report) -> Part:
    """The registered documents, with how many body rows and quantities each gave."""
    body_rows = shared("clauses")["doc_id"].value_counts()
    quantities = shared("quantities")["doc_id"].value_counts()
    rows = [
        {
            "Document": doc.doc_id,
            "Kind": doc.kind.replace("_", " "),
            "District": district_name(doc.district),
            "中文": doc.district_zh,
            "City": city_name(doc.city, chinese=False),
            "Year": doc.year,
            "Status": doc.status,
            "Issued": doc.issued,
            "Title": doc.title,
            "Body rows": int(body_rows.get(doc.doc_id, 0)) if doc.kind == "policy" else None,
            "Quantities": int(quantities.get(doc.doc_id, 0)) if doc.kind == "policy" else None,
            "File": doc.file,
        }
        for doc in params_mod.documents()
    ]
    return block(
        Table(
            pd.DataFrame(rows),
            caption="Documents in data/raw/sources.yaml",
            long=["Title"],
            note="Body rows and quantities are counted for the policy documents; outcome reports and city "
            "work reports feed the outcomes and targets tables.",
        )
    )


def _counts() -> tuple[list[str], list[str], pd.Series, pd.Series]:
    clauses = shared("clauses")
    quantities = shared("quantities")
    districts = [d for d in district_keys() if d in set(clauses["district"])]
    domains = [d for d in domain_keys() if d in set(clauses["domain"].dropna())]
    count_c = clauses[clauses["row_kind"] == "clause"].groupby(["domain", "district"]).size()
    count_q = quantities.groupby(["domain", "district"]).size()
    return districts, domains, count_c, count_q


def clauses_by_domain(report: Report) -> Part:
    """Numbered clauses and quantities per domain and district: side by side, or their distribution."""
    districts, domains, count_c, count_q = _counts()
    if side_by_side(districts):
        return _side_by_side(districts, domains, count_c, count_q)
    return _distribution(districts, domains, count_c, count_q)


def _domain_caption(domains: list[str]) -> str:
    return "Domains: " + "; ".join(f"{domain_name(d)} = {domain_zh(d)}" for d in domains) + "."


def _side_by_side(districts: list[str], domains: list[str], count_c: pd.Series, count_q: pd.Series) -> Part:
    panels = [("Numbered clauses", count_c), ("Quantities stated", count_q)]
    labels = [domain_name(d) for d in domains]
    colours = {district_name(d): district_colour(d) for d in districts}
    with figure(4.2 * len(panels) + 1.0, 0.42 * len(domains) + 1.6, 1, len(panels), sharey=True) as (fig, axes):
        for ax, (title, counts) in zip(axes[0], panels):
            series = {district_name(d): [int(counts.get((dom, d), 0)) for dom in domains] for d in districts}
            grouped_bars(ax, labels, series, colours)
            ax.set_title(title)
        axes[0][0].legend(fontsize=8, loc="best")
        fig_part = svg(
            fig,
            caption="Numbered clauses and quantities per domain and district. " + _domain_caption(domains),
            alt="Bar chart of clauses and quantities per domain and district",
        )

    def table(counts: pd.Series, caption: str) -> Table:
        rows = []
        for dom in domains:
            row: dict[str, Any] = {"Domain": domain_name(dom), "中文": domain_zh(dom)}
            for district in districts:
                row[district_name(district)] = int(counts.get((dom, district), 0))
            row["All districts"] = sum(int(counts.get((dom, d), 0)) for d in districts)
            rows.append(row)
        total: dict[str, Any] = {"Domain": "All domains", "中文": "合计"}
        for district in districts:
            total[district_name(district)] = int(sum(counts.get((dom, district), 0) for dom in domains))
        total["All districts"] = sum(int(total[district_name(d)]) for d in districts)
        rows.append(total)
        return Table(pd.DataFrame(rows), caption=caption)

    quantities = shared("quantities")
    parts: list[Part] = [
        fig_part,
        table(count_c, "Numbered clauses by domain and district"),
        table(count_q, "Quantities by domain and district (section preambles included)"),
    ]
    closing = int(quantities["domain"].isna().sum())
    if closing:
        parts.append(Paragraph(f"{closing} further quantities are in closing text that belongs to no domain."))
    kinds = quantities.groupby(["kind", "district"]).size()
    present = set(quantities["kind"].dropna())
    rows = []
    for kind in [k for k in KIND_NAMES if k in present] + sorted(present - set(KIND_NAMES)):
        row: dict[str, Any] = {"Kind": KIND_NAMES.get(kind, kind)}
        for district in districts:
            row[district_name(district)] = int(kinds.get((kind, district), 0))
        rows.append(row)
    parts.append(Table(pd.DataFrame(rows), caption="Quantities by kind and district"))
    return block(*parts)


def _distribution(districts: list[str], domains: list[str], count_c: pd.Series, count_q: pd.Series) -> Part:
    labels = [domain_name(d) for d in domains]
    with figure(10.5, 0.42 * len(domains) + 1.9, 1, 2, sharey=True) as (fig, axes):
        for ax, (title, counts, colour) in zip(
            axes[0], [("Numbered clauses", count_c, PALETTE[0]), ("Quantities stated", count_q, PALETTE[1])]
        ):
            values = pd.DataFrame(
                [
                    {"domain": dom, "district": d, "value": int(counts.get((dom, d), 0))}
                    for dom in domains
                    for d in districts
                ]
            )
            # One dot per district, spread over five fixed lanes so equal counts stay visible (no randomness).
            lanes = [((i % 5) - 2) * 0.07 for i in range(len(districts))] * len(domains)
            ys = [domains.index(dom) + lane for dom, lane in zip(values["domain"], lanes)]
            ax.scatter(values["value"], ys, s=14, color=colour, alpha=0.55, linewidths=0, zorder=1)
            spread = quartiles(values, ["domain"]).set_index("domain").reindex(domains)
            spread_marks(ax, range(len(domains)), spread["q1"], spread["median"], spread["q3"])
            ax.set_yticks(range(len(domains)), labels)
            ax.set_ylim(len(domains) - 0.5, -0.5)
            ax.set_title(f"{title} per district")
        legend_below(fig, spread_legend(), ["middle half of the districts", "median"])
        fig_part: Figure = svg(
            fig,
            caption=f"Numbered clauses and quantities per domain: one dot per district ({len(districts)} districts), "
            "the grey bar spans the middle half of them, the tick marks the median. The table below has every "
            "district's counts. " + _domain_caption(domains),
            alt="Dot plot of clauses and quantities per domain across districts",
        )
    kinds = shared("quantities").groupby(["district", "kind"]).size()
    rows = []
    for district in districts:
        row: dict[str, Any] = {
            "City": city_name(city_of(district), chinese=False),
            "District": Cell(district_name(district), href=page_file("district_profile", district)),
        }
        for dom in domains:
            row[domain_name(dom)] = int(count_c.get((dom, district), 0))
        row["Clauses"] = sum(int(count_c.get((dom, district), 0)) for dom in domains)
        row["Quantities"] = sum(int(count_q.get((dom, district), 0)) for dom in domains)
        for kind in ("subsidy", "budget", "target"):
            row[f"{KIND_NAMES[kind]} figures"] = int(kinds.get((district, kind), 0))
        rows.append(row)
    return block(
        fig_part,
        Table(
            pd.DataFrame(rows),
            caption="Numbered clauses per domain, and quantities, by district",
            note="A district links to its profile. Quantities: in the domains' sections (closing text excluded).",
        ),
    )


def anomalies(report: Report, district: str | None = None) -> Part:
    """What the build found odd in the documents (duplicate or skipped clause numbers, …)."""
    table = load("anomalies")
    if district is not None:
        ids = {d.doc_id for d in params_mod.documents() if d.district == district}
        table = table[table["doc_id"].isin(ids)]
    table = table.sort_values(["doc_id", "line", "kind"], kind="stable")
    shown = pd.DataFrame(
        {
            "Document": table["doc_id"],
            "File": table["file"],
            "Line": table["line"].astype("int64"),
            "Kind": table["kind"].map(lambda k: _str(k).replace("_", " ")),
            "Message": table["message"],
        }
    )
    if shown.empty:
        return block(Paragraph("The build found no anomaly" + (" in this district's documents." if district else ".")))
    return block(Table(shown.reset_index(drop=True), caption="Anomalies recorded by policycmp build", long=["Message"]))


def _overview_inputs(p: dict[str, Any]) -> Inputs:
    return whole("documents", "clauses", "quantities", "anomalies")


REPORT = ReportSpec("corpus_overview", "Corpus overview", {}, _overview_summary, inputs=_overview_inputs)
