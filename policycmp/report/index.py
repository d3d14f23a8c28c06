"""``reports/index.html``: every rendered page, grouped by report."""

from __future__ import annotations

from typing import Any

from . import params
from .execute import INDEX, WORKBOOK
from .markup.components import page
from .markup.format import esc
from .plan import Job

# --- the index --------------------------------------------------------------------------------


def index_html(jobs: list[Job], pages: dict[str, dict[str, Any]]) -> str:
    docs = params.documents()
    groups: dict[int, list[Job]] = {}
    for job in jobs:
        if job.name in pages:
            groups.setdefault(job.order, []).append(job)
    sections = []
    for order in sorted(groups):
        members = groups[order]
        first = members[0]
        items = []
        for job in members:
            info = pages[job.name]
            label = info.get("title") or job.title
            if len(members) > 1 and label.startswith(first.title + ": "):
                label = label[len(first.title) + 2 :]
            items.append(
                f'<li><a href="{esc(job.html)}">{esc(label)}</a>'
                f'<span class="pc-line">{esc(info.get("summary", ""))}</span></li>'
            )
        heading = first.title + (f" — one page per {next(iter(first.parameters))}" if first.parameters else "")
        sections.append(
            f'<section class="pc-index-group"><h2>{esc(heading)}</h2>'
            f'<ul class="pc-index-list">{"".join(items)}</ul></section>'
        )
    intro = (
        f'<h1>policycmp reports</h1><p class="pc-summary">Zhejiang district economic policies compared '
        f"clause by clause: {len(docs)} documents ({', '.join(esc(d.id) for d in docs)}). Every table of "
        f"these pages is sortable and searchable; hover an amount for the exact yuan, its clause and source "
        f'span.</p><p class="pc-note">All tables in one workbook: <a href="{WORKBOOK}">{WORKBOOK}</a>. '
        f"Regenerate with <code>policycmp report</code>.</p>"
    )
    return page(
        "policycmp reports",
        intro + "\n" + "\n".join(sections),
        nav=[(INDEX, "All reports"), (WORKBOOK, "Workbook of every table (xlsx)")],
    )
