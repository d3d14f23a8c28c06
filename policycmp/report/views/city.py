"""08 city context: a city's work-report targets beside the targets of its districts in the corpus."""

from __future__ import annotations

from typing import Any

from ...analysis.editions import editions
from ...schema import DocumentRow
from .. import params as params_mod
from ..markup.components import Facts, Part, block
from ..markup.format import Cell, counted
from ..pages import page_file
from .context import Inputs, ReportSpec
from .editions import shown_sentence
from .inputs import rows
from .labels import city_name, district_name
from .targets import _names, page_targets, target_columns


def _work_report(city: str, year: int | None = None) -> DocumentRow:
    """The city's work report the page shows: its latest final (or ``year``'s), as for a district's policy."""
    chosen = set(editions(year, kind="city_work_report")["doc_id"])
    return next(d for d in params_mod.documents() if d.doc_id in chosen and d.district == city)


def _city_summary(p: dict[str, Any]) -> tuple[str, str]:
    districts, _ = target_columns(p)
    doc = _work_report(p["city"], p.get("year"))
    table = page_targets(p)
    own = table[table["district"] == p["city"]]
    theirs = table[table["district"].isin(districts)]
    shared = set(own["indicator"].dropna()) & set(theirs["indicator"].dropna())
    title = f"City context: {city_name(p['city'])}"
    return title, (
        f"The {doc.year} work report sets {len(own)} targets, {int(own['indicator'].notna().sum())} of them named "
        f"by an indicator; {counted(len(districts), 'district')} of the city in the corpus "
        f"({_names(districts) or 'none'}), "
        f"{len(shared)} indicators are set by both."
    )


def city_facts(city: str, districts: list[str], year: int | None = None) -> Part:
    """The city's work report, and its districts in the corpus (linked to their profiles)."""
    doc = _work_report(city, year)
    links = [Cell(district_name(d), href=page_file("district_profile", d)) for d in districts]
    return block(
        Facts(
            [
                ("Work report", f"{doc.title} ({doc.doc_id})"),
                ("Year", str(doc.year)),
                ("Issued", doc.issued),
                ("Districts in the corpus (their profiles)", links or "none"),
            ]
        )
    )


def _city_inputs(p: dict[str, Any]) -> Inputs:
    districts, _ = target_columns(p)
    keys = [p["city"], *districts]
    return {"targets": rows("targets", "district", *keys), "documents": rows("documents", "district", *keys)}


def _city_check(values: dict[str, Any]) -> dict[str, Any]:
    return {"city": params_mod.city(values.get("city")), "year": params_mod.edition_year(values.get("year"))}


def _city_editions(p: dict[str, Any]) -> str:
    districts, _ = target_columns(p)
    doc = _work_report(p["city"], p.get("year"))
    return shown_sentence(p, districts) + f" The city's work report: {doc.year} ({doc.doc_id})."


REPORT = ReportSpec(
    "city_context",
    "City context",
    {"city": params_mod.city, "year": params_mod.edition_year},
    _city_summary,
    render_for="city",
    check=_city_check,
    inputs=_city_inputs,
    editions=_city_editions,
)
