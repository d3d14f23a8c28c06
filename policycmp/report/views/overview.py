"""01 corpus overview: the registered documents, clauses and quantities by domain and district, anomalies."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ...analysis.editions import editions
from ...analysis.province import spreads
from ...analysis.tables import table as table_of
from .. import params as params_mod
from ..markup.components import Figure, Paragraph, Part, Table, block
from ..markup.format import Cell, counted
from ..pages import page_file
from .context import Inputs, ReportSpec
from .data import _str, shared
from .editions import shown_sentence
from .figures import count_ticks, figure, grouped_bars, legend_below, spread_legend, spread_marks, svg
from .inputs import whole
from .labels import (
    KIND_NAMES,
    PALETTE,
    city_name,
    city_of,
    district_colour,
    district_name,
    domain_name,
    domain_zh,
    page_districts,
)
from .layout import side_by_side


def _overview_summary(p: dict[str, Any]) -> tuple[str, str]:
    docs = params_mod.documents()
    kinds = pd.Series([d.kind for d in docs]).value_counts()
    chosen = editions(p.get("year"))
    clauses = table_of("clauses", editions=chosen)
    numbered = int((clauses["row_kind"] == "clause").sum())
    policies = int(kinds.get("policy", 0))
    editions_note = f" of {counted(len(chosen), 'district')}" if policies != len(chosen) else ""
    parts = [
        f"{counted(len(docs), 'document')} ({counted(policies, 'policy', 'policies')}{editions_note}, "
        f"{counted(int(kinds.get('outcome_report', 0)), 'outcome report')}, "
        f"{counted(int(kinds.get('city_work_report', 0)), 'city work report')})",
        f"in the editions shown, {counted(len(clauses), 'body row')} ({counted(numbered, 'numbered clause')}) "
        f"across {counted(int(clauses['district'].nunique()), 'district')}",
        counted(len(table_of("quantities", editions=chosen)), "quantity", "quantities"),
        f"{counted(len(shared('anomalies')), 'anomaly', 'anomalies')} found by the build",
    ]
    return "Corpus overview", "; ".join(parts) + "."


def documents(documents: pd.DataFrame, clauses: pd.DataFrame, quantities: pd.DataFrame, chosen: pd.DataFrame) -> Part:
    """The registered documents, every edition of every district, with how many body rows and quantities each
    policy gave and whether it is the edition the other tables of the page show (``chosen``:
    :func:`~policycmp.analysis.editions.editions`)."""
    body_rows = clauses["doc_id"].value_counts()
    counts = quantities["doc_id"].value_counts()
    shown = set(documents["doc_id"])
    picked = set(chosen["doc_id"])
    rows = [
        {
            "Document": doc.doc_id,
            "Kind": doc.kind.replace("_", " "),
            "District": district_name(doc.district),
            "中文": doc.district_zh,
            "City": city_name(doc.city, chinese=False),
            "Year": doc.year,
            "Status": doc.status,
            "Edition": f"{doc.edition} of {doc.editions}" if doc.kind == "policy" else "",
            "Shown": ("yes" if doc.doc_id in picked else "no") if doc.kind == "policy" else "",
            "Issued": doc.issued,
            "Title": doc.title,
            "Body rows": int(body_rows.get(doc.doc_id, 0)) if doc.kind == "policy" else None,
            "Quantities": int(counts.get(doc.doc_id, 0)) if doc.kind == "policy" else None,
            "File": doc.file,
        }
        for doc in params_mod.documents()
        if doc.doc_id in shown
    ]
    return block(
        Table(
            pd.DataFrame(rows),
            caption="Documents in data/raw/sources.yaml",
            long=["Title"],
            note="Body rows and quantities are counted for the policy documents; outcome reports and city "
            "work reports feed the outcomes and targets tables. Edition: the document's place among its district's "
            "policies (by year, the draft before the final); Shown: the edition the figures below use.",
        )
    )


def clauses_by_domain(counts: pd.DataFrame, kinds: pd.DataFrame, year: int | None = None) -> Part:
    """Numbered clauses and quantities per domain and district, side by side or their distribution (against
    the quartiles the build took across the districts of the edition selection, ``year``'s or the default).

    ``counts`` is :func:`~policycmp.analysis.counts.counts_by_domain`, ``kinds``
    :func:`~policycmp.analysis.counts.kinds_by_district`, of one edition per district.
    """
    districts = list(dict.fromkeys(counts["district"]))
    domains = list(dict.fromkeys(counts["domain"]))
    by_pair = counts.set_index(["domain", "district"])
    count_c, count_q = by_pair["clauses"], by_pair["quantities"]
    by_kind = kinds.set_index(["kind", "district"])["quantities"]
    if side_by_side(districts):
        return _side_by_side(districts, domains, count_c, count_q, by_kind)
    return _distribution(districts, domains, count_c, count_q, by_kind, year)


def _domain_caption(domains: list[str]) -> str:
    return "Domains: " + "; ".join(f"{domain_name(d)} = {domain_zh(d)}" for d in domains) + "."


def _side_by_side(
    districts: list[str], domains: list[str], count_c: pd.Series, count_q: pd.Series, by_kind: pd.Series
) -> Part:
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

    parts: list[Part] = [
        fig_part,
        table(count_c, "Numbered clauses by domain and district"),
        table(count_q, "Quantities by domain and district (section preambles included)"),
    ]
    closing = int(by_kind.sum()) - int(count_q.sum())
    if closing:
        parts.append(
            Paragraph(
                f"{counted(closing, 'further quantity', 'further quantities')} "
                f"{'is' if closing == 1 else 'are'} in closing text that belongs to no domain."
            )
        )
    present = set(by_kind.index.get_level_values("kind"))
    rows = []
    for kind in [k for k in KIND_NAMES if k in present] + sorted(present - set(KIND_NAMES)):
        row: dict[str, Any] = {"Kind": KIND_NAMES.get(kind, kind)}
        for district in districts:
            row[district_name(district)] = int(by_kind.get((kind, district), 0))
        rows.append(row)
    parts.append(Table(pd.DataFrame(rows), caption="Quantities by kind and district"))
    return block(*parts)


def _distribution(
    districts: list[str],
    domains: list[str],
    count_c: pd.Series,
    count_q: pd.Series,
    by_kind: pd.Series,
    year: int | None,
) -> Part:
    labels = [domain_name(d) for d in domains]
    with figure(10.5, 0.42 * len(domains) + 1.9, 1, 2, sharey=True) as (fig, axes):
        for ax, (title, counts, colour, measure) in zip(
            axes[0],
            [
                ("Numbered clauses", count_c, PALETTE[0], "clauses"),
                ("Quantities stated", count_q, PALETTE[1], "quantities"),
            ],
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
            spread = spreads(measure, year).drop_duplicates("item").set_index("item").reindex(domains)
            spread_marks(ax, range(len(domains)), spread["q1"], spread["median"], spread["q3"])
            ax.set_yticks(range(len(domains)), labels)
            ax.set_ylim(len(domains) - 0.5, -0.5)
            ax.set_title(f"{title} per district")
            count_ticks(ax)
        legend_below(fig, spread_legend(), ["middle half of the districts", "median"])
        fig_part: Figure = svg(
            fig,
            caption=f"Numbered clauses and quantities per domain: one dot per district ({len(districts)} districts), "
            "the grey bar spans the middle half of them, the tick marks the median. The table below has every "
            "district's counts. " + _domain_caption(domains),
            alt="Dot plot of clauses and quantities per domain across districts",
        )
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
            row[f"{KIND_NAMES[kind]} figures"] = int(by_kind.get((kind, district), 0))
        rows.append(row)
    return block(
        fig_part,
        Table(
            pd.DataFrame(rows),
            caption="Numbered clauses per domain, and quantities, by district",
            note="A district links to its profile. Quantities: in the domains' sections (closing text excluded).",
        ),
    )


def anomalies(table: pd.DataFrame, *, district: str | None = None) -> Part:
    """What the build found odd in the documents (duplicate or skipped clause numbers, …): the rows of the
    anomalies table given (``district`` only words the message when there is none)."""
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
    return whole("documents", "clauses", "quantities", "anomalies", "standings")


def _overview_editions(p: dict[str, Any]) -> str:
    return shown_sentence(p, page_districts())


REPORT = ReportSpec(
    "corpus_overview",
    "Corpus overview",
    {"year": params_mod.edition_year},
    _overview_summary,
    check=params_mod.year_only,
    inputs=_overview_inputs,
    editions=_overview_editions,
)
