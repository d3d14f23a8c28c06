"""``reports/index.html``: every rendered page, by report, district pages grouped by city with each
district's editions, and the pages the corpus has nothing to render for, with the reason."""

from __future__ import annotations

from typing import Any

from ..analysis.editions import every_edition, label
from . import params
from .execute import INDEX, WORKBOOK
from .markup.components import page
from .markup.format import esc
from .pages import page_file
from .plan import Absent, Job, Plan
from .views import REPORTS
from .views.labels import by_city, city_name


def _editions_line(district: str, shown_doc: str | None) -> str:
    """A district's policy editions, oldest first, the one its pages show marked, and a link to what changed."""
    editions = every_edition(district)
    if len(editions) < 2:
        return ""
    listed = ", ".join(
        label(int(y), str(s)) + (" (shown)" if d == shown_doc else "")
        for y, s, d in zip(editions["year"], editions["status"], editions["doc_id"])
    )
    changes = page_file("edition_changes", district)
    link = f' — <a href="{esc(changes)}">what changed</a>' if changes else ""
    return f'<span class="pc-line">Editions: {esc(listed)}{link}</span>'


def _item(job: Job, info: dict[str, Any], report_title: str) -> str:
    label_ = str(info.get("title") or job.title)
    if label_.startswith(report_title + ": "):
        label_ = label_[len(report_title) + 2 :]
    extra = ""
    if REPORTS.get(job.report) is not None and REPORTS[job.report].render_for == "district":
        district = str(job.parameters["district"])
        shown = params.editions()
        doc = shown[shown["district"] == district]["doc_id"]
        extra = _editions_line(district, str(doc.iloc[0]) if len(doc) else None)
    return (
        f'<li><a href="{esc(job.html)}">{esc(label_)}</a>'
        f'<span class="pc-line">{esc(info.get("summary", ""))}</span>{extra}</li>'
    )


def _section(title: str, jobs: list[Job], absent: list[Absent], pages: dict[str, dict[str, Any]]) -> str:
    spec = REPORTS.get(jobs[0].report) if jobs else None
    parts = [f"<h2>{esc(title)}</h2>"]
    if spec is not None and spec.render_for == "district" and len(jobs) > 1:
        # Grouped by city (the gazetteer's), so ninety profiles read as eleven short lists.
        by_key = {job.parameters["district"]: job for job in jobs}
        for city, districts in by_city(list(by_key)).items():
            items = "".join(_item(by_key[d], pages[by_key[d].name], title) for d in districts)
            parts.append(
                f'<h3 class="pc-city">{esc(city_name(city))} <span class="pc-count">{len(districts)}</span></h3>'
                f'<ul class="pc-index-list pc-columns">{items}</ul>'
            )
    elif jobs:
        parts.append(f'<ul class="pc-index-list">{"".join(_item(job, pages[job.name], title) for job in jobs)}</ul>')
    if absent:
        items = "".join(f"<li>{esc(a.what)}: {esc(a.reason)}</li>" for a in absent)
        parts.append(f'<p class="pc-note">Not rendered:</p><ul class="pc-absent-list">{items}</ul>')
    return f'<section class="pc-index-group">{"".join(parts)}</section>'


def _count(n: int, noun: str) -> str:
    if noun == "polic":
        return f"{n} {'policy' if n == 1 else 'policies'}"
    return f"{n} {noun}{'' if n == 1 else 's'}"


def index_html(planned: Plan, pages: dict[str, dict[str, Any]]) -> str:
    docs = params.documents()
    kinds = {kind: sum(1 for d in docs if d.kind == kind) for kind in ("policy", "outcome_report", "city_work_report")}
    counted = ", ".join(
        _count(kinds[kind], noun)
        for kind, noun in (
            ("policy", "polic"),
            ("outcome_report", "outcome report"),
            ("city_work_report", "city work report"),
        )
    )
    districts = params.districts()
    cities = by_city(districts)
    orders = sorted({j.order for j in planned.jobs if j.name in pages} | {a.order for a in planned.absent})
    sections = []
    for order in orders:
        jobs = [j for j in planned.jobs if j.order == order and j.name in pages]
        absent = [a for a in planned.absent if a.order == order]
        title = jobs[0].title if jobs else absent[0].title
        sections.append(_section(title, jobs, absent, pages))
    intro = (
        f'<h1>policycmp reports</h1><p class="pc-summary">Zhejiang district economic policies compared clause by '
        f"clause: {len(docs)} documents ({counted}) for {len(districts)} districts in {len(cities)} "
        f"{'city' if len(cities) == 1 else 'cities'}. Every table of these pages is sortable and searchable; "
        f"hover an amount for the exact yuan, its clause and source span.</p>"
        f'<p class="pc-note">All tables in one workbook: <a href="{WORKBOOK}">{WORKBOOK}</a>. '
        f"Regenerate with <code>policycmp report</code>.</p>"
    )
    return page(
        "policycmp reports",
        intro + "\n" + "\n".join(sections),
        nav=[(INDEX, "All reports"), (WORKBOOK, "Workbook of every table (xlsx)")],
    )
