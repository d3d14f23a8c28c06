"""01 corpus overview: the registered documents, clauses and quantities by domain and district, anomalies."""

from __future__ import annotations

from typing import Any

import pandas as pd
import seaborn as sns

from .. import params as params_mod
from ..markup.components import Notice, Paragraph, Part, Table, block
from .context import Report, ReportSpec
from .data import TableMissing, _str, load, maybe, section
from .figures import _label_bars, figure, svg
from .labels import KIND_NAMES, district_keys, district_name, district_palette, domain_keys, domain_name, domain_zh


def _overview_summary(p: dict[str, Any]) -> tuple[str, str]:
    docs = params_mod.documents()
    kinds = pd.Series([d.kind for d in docs]).value_counts()
    parts = [
        f"{len(docs)} documents ({kinds.get('policy', 0)} policies, {kinds.get('outcome_report', 0)} outcome "
        f"report, {kinds.get('city_work_report', 0)} city work report)"
    ]
    clauses = maybe("clauses")
    if clauses is not None:
        numbered = int((clauses["row_kind"] == "clause").sum())
        parts.append(
            f"{len(clauses)} body rows ({numbered} numbered clauses) across {clauses['district'].nunique()} districts"
        )
    quantities = maybe("quantities")
    parts.append(f"{len(quantities)} quantities" if quantities is not None else "quantities not built yet")
    anomalies = maybe("anomalies")
    if anomalies is not None:
        parts.append(f"{len(anomalies)} anomalies found by the build")
    return "Corpus overview", "; ".join(parts) + "."


@section
def documents(report: Report) -> Part:
    """The registered documents, with how many body rows and quantities each gave."""
    clauses = load("clauses")
    quantities = maybe("quantities")
    rows = []
    for doc in params_mod.documents():
        n_rows = int((clauses["doc_id"] == doc.id).sum())
        n_q = int((quantities["doc_id"] == doc.id).sum()) if quantities is not None else None
        rows.append(
            {
                "Document": doc.id,
                "Kind": doc.kind.replace("_", " "),
                "District": district_name(doc.district),
                "中文": doc.district_zh,
                "Year": doc.year,
                "Status": doc.status,
                "Issued": doc.issued,
                "Title": doc.title,
                "Body rows": n_rows if doc.kind == "policy" else None,
                "Quantities": n_q if doc.kind == "policy" else None,
                "File": doc.file,
            }
        )
    return block(
        Table(
            pd.DataFrame(rows),
            caption="Documents in data/raw/sources.yaml",
            long=["Title"],
            note="Body rows and quantities are counted for the policy documents; the outcome report "
            "and the city work report feed the outcomes and targets tables.",
        )
    )


@section
def clauses_by_domain(report: Report) -> Part:
    """Numbered clauses and quantities per domain and district: a figure and two tables."""
    clauses = load("clauses")
    quantities = maybe("quantities")
    districts = [d for d in district_keys() if d in set(clauses["district"])]
    numbered = clauses[clauses["row_kind"] == "clause"]
    domains = [d for d in domain_keys() if d in set(clauses["domain"].dropna())]
    count_c = numbered.groupby(["domain", "district"]).size()
    count_q = quantities.groupby(["domain", "district"]).size() if quantities is not None else pd.Series(dtype=int)

    panels = [("Numbered clauses", count_c)] + ([("Quantities stated", count_q)] if quantities is not None else [])
    with figure(4.2 * len(panels) + 1.0, 0.42 * len(domains) + 1.6, 1, len(panels), sharey=True) as (fig, axes):
        for ax, (title, counts) in zip(axes[0], panels):
            frame = pd.DataFrame(
                [
                    {
                        "domain": domain_name(dom),
                        "district": district_name(district),
                        "count": int(counts.get((dom, district), 0)),
                    }
                    for dom in domains
                    for district in districts
                ]
            )
            sns.barplot(
                frame,
                x="count",
                y="domain",
                hue="district",
                order=[domain_name(d) for d in domains],
                hue_order=[district_name(d) for d in districts],
                palette=district_palette(districts),
                saturation=1,
                errorbar=None,
                legend=ax is axes[0][0],
                ax=ax,
            )
            _label_bars(ax)
            ax.set_title(title)
            ax.set_ylabel("")
        sns.move_legend(axes[0][0], "best", title=None, fontsize=8)
        fig_part = svg(
            fig,
            caption="Numbered clauses and quantities per domain and district. Domains: "
            + "; ".join(f"{domain_name(d)} = {domain_zh(d)}" for d in domains)
            + ".",
            alt="Bar chart of clauses and quantities per domain and district",
        )

    def table(counts: pd.Series, caption: str) -> Table:
        rows = []
        for dom in domains:
            row = {"Domain": domain_name(dom), "中文": domain_zh(dom)}
            for district in districts:
                row[district_name(district)] = int(counts.get((dom, district), 0))
            row["All districts"] = sum(int(counts.get((dom, d), 0)) for d in districts)
            rows.append(row)
        total = {"Domain": "All domains", "中文": "合计"}
        for district in districts:
            total[district_name(district)] = int(sum(counts.get((dom, district), 0) for dom in domains))
        total["All districts"] = int(sum(v for k, v in total.items() if k not in ("Domain", "中文")))
        rows.append(total)
        return Table(pd.DataFrame(rows), caption=caption)

    parts: list[Part] = [fig_part, table(count_c, "Numbered clauses by domain and district")]
    if quantities is not None:
        closing = int(quantities["domain"].isna().sum())
        parts.append(table(count_q, "Quantities by domain and district (section preambles included)"))
        if closing:
            parts.append(Paragraph(f"{closing} further quantities are in closing text that belongs to no domain."))
        kinds = quantities.groupby(["kind", "district"]).size()
        rows = []
        for kind in [k for k in KIND_NAMES if k in set(quantities["kind"])] + sorted(
            set(quantities["kind"].dropna()) - set(KIND_NAMES)
        ):
            row = {"Kind": KIND_NAMES.get(kind, kind)}
            for district in districts:
                row[district_name(district)] = int(kinds.get((kind, district), 0))
            rows.append(row)
        parts.append(Table(pd.DataFrame(rows), caption="Quantities by kind and district"))
    else:
        parts.append(Notice(str(TableMissing("quantities"))))
    return block(*parts)


@section
def anomalies(report: Report, district: str | None = None) -> Part:
    """What the build found odd in the documents (duplicate or skipped clause numbers, …)."""
    table = load("anomalies")
    if district is not None:
        ids = {d.id for d in params_mod.documents() if d.district == district}
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


REPORT = ReportSpec(
    "corpus_overview",
    "Corpus overview",
    {},
    _overview_summary,
)
