"""08 city context: a city's work-report targets beside the targets of its districts in the corpus."""

from __future__ import annotations

from typing import Any

from ...analysis.tables import table as table_of
from ...schema import DocumentRow
from .. import params as params_mod
from ..markup.components import Facts, Part, block
from ..markup.format import Cell
from ..pages import page_file
from .context import Inputs, ReportSpec
from .inputs import rows
from .labels import city_name, district_name
from .targets import _names, target_columns


def _work_report(city: str) -> DocumentRow:
    return next(d for d in params_mod.documents() if d.kind == "city_work_report" and d.district == city)


def _city_summary(p: dict[str, Any]) -> tuple[str, str]:
    districts, _ = target_columns(p)
    doc = _work_report(p["city"])
    table = table_of("targets")
    own = table[table["district"] == p["city"]]
    theirs = table[table["district"].isin(districts)]
    shared = set(own["indicator"].dropna()) & set(theirs["indicator"].dropna())
    title = f"City context: {city_name(p['city'])}"
    return title, (
        f"The {doc.year} work report sets {len(own)} targets, {int(own['indicator'].notna().sum())} of them named "
        f"by an indicator; {len(districts)} of the city's districts are in the corpus ({_names(districts) or 'none'}), "
        f"{len(shared)} indicators are set by both."
    )


def city_facts(city: str, districts: list[str]) -> Part:
    """The city's work report, and its districts in the corpus (linked to their profiles)."""
    doc = _work_report(city)
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


REPORT = ReportSpec(
    "city_context",
    "City context",
    {"city": params_mod.city},
    _city_summary,
    render_for="city",
    inputs=_city_inputs,
)
