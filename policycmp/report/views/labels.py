"""Names and colours the reports give keys: districts, domains, tiers, instruments, indicators, statuses.

English labels come from the vocabularies (one data file each); figures name things in English (amounts
in the pages' 万元 / 亿元), and the Chinese terms go in captions and tables.
"""

from __future__ import annotations

import re
from typing import Any

# Where a district belongs is the analysis's; the views name it.
from ...analysis.corpus import OTHER_CITY as OTHER_CITY
from ...analysis.corpus import by_city as by_city
from ...analysis.corpus import city_of as city_of
from ...analysis.corpus import city_order as city_order
from ...vocabulary import load_domains, load_indicators, load_instruments, load_tiers
from ...vocabulary.gazetteer import load_gazetteer
from .. import params as params_mod
from ..markup.format import is_missing

KIND_NAMES = {"subsidy": "Subsidy", "budget": "Budget", "target": "Target", "threshold": "Threshold", "other": "Other"}
STATUS_NAMES = {"met": "Met", "not_met": "Not met", "unclear": "Unclear"}
TOOL_NAMES = {"supply": "Supply-side", "environment": "Environment", "demand": "Demand-side"}

# Fixed colours: the same district has the same colour in every side-by-side figure of every report.
PALETTE = ["#0173b2", "#de8f05", "#029e73", "#cc78bc", "#ca9161", "#949494", "#fbafe4", "#56b4e9", "#d55e00"]
# A profile's own district, and the province's distribution it is set against.
THIS_DISTRICT = "#0173b2"
PROVINCE = "#595959"
STATUS_COLOURS = {"met": "#029e73", "not_met": "#d55e00", "unclear": "#949494"}
TOOL_COLOURS = {"supply": "#0173b2", "environment": "#029e73", "demand": "#de8f05"}
CATEGORY_COLOURS = {"amount": "#9ecae1", "no_amount": "#fdd49e", "absent": "#f0f0f0"}


def district_keys() -> list[str]:
    return params_mod.districts()


def district_name(key: object, *, with_year: bool = True) -> str:
    """Pinyin label with the year its measures apply to: ``qujiang`` → ``Qujiang 2023``.

    Districts' policies apply to different years (Qujiang's to 2023, the others' to 2024); putting the
    year in every label means no figure or table column can hide the difference. A city key gets
    ``(city)``. ``with_year=False`` is for text that names the year itself.
    """
    if is_missing(key):
        return ""
    key = str(key)
    label = key.replace("_", " ").title()
    years = sorted(
        {
            doc.year
            for doc in params_mod.documents()
            if doc.district == key and doc.kind in ("policy", "city_work_report")
        }
    )
    if years and with_year:
        label = f"{label} {'/'.join(str(y) for y in years)}"
    return f"{label} (city)" if key in params_mod.cities() else label


def district_zh(key: object) -> str:
    for doc in params_mod.documents():
        if doc.district == key:
            return doc.district_zh
    return ""


def district_colour(key: str) -> str:
    order = list(dict.fromkeys([*params_mod.districts(), *params_mod.cities()]))
    index = order.index(key) if key in order else len(order)
    return PALETTE[index % len(PALETTE)]


def city_name(city: object, *, chinese: bool = True) -> str:
    """``ningbo`` → ``Ningbo 宁波市`` (``Ningbo`` without ``chinese``); ``Other`` for unknown districts."""
    place = load_gazetteer().get(str(city))
    if place is None or city == OTHER_CITY:
        return "Other"
    label = place.key.replace("_", " ").title()
    return f"{label} {place.zh}" if chinese else label


def domain_keys() -> tuple[str, ...]:
    """Every domain key, in the package's reading order (domains.yaml)."""
    return load_domains().keys


def domain_name(key: object) -> str:
    if is_missing(key):
        return "(no domain)"
    return load_domains().en(str(key))


def domain_zh(key: object) -> str:
    return "" if is_missing(key) else load_domains().zh(str(key))


def tier_keys() -> tuple[str, ...]:
    """The award tiers, highest first (award_tiers.yaml)."""
    return load_tiers().keys


def level_zh(key: object) -> str:
    return "" if is_missing(key) else load_tiers().zh(str(key))


def instrument_labels() -> dict[str, dict[str, str]]:
    """Instrument key → its English and Chinese names and its domain (instruments.yaml)."""
    return {i.key: {"en": i.en, "zh": i.zh, "domain": i.domain} for i in load_instruments().instruments}


def indicator_labels() -> dict[str, dict[str, str]]:
    """Indicator key → its English and Chinese names and its domain (indicators.yaml)."""
    return {i.key: {"en": i.en, "zh": i.zh, "domain": i.domain} for i in load_indicators().indicators}


def _humanise(key: str) -> str:
    text = key.replace("_", " ")
    for short, long in (("rd", "R&D"), ("fdi", "FDI"), ("hightech", "high-tech")):
        text = re.sub(rf"\b{short}\b", long, text)
    return text[:1].upper() + text[1:]


def instrument_name(key: object) -> str:
    if is_missing(key):
        return ""
    return instrument_labels().get(str(key), {}).get("en") or _humanise(str(key))


def instrument_zh(key: object) -> str:
    return "" if is_missing(key) else instrument_labels().get(str(key), {}).get("zh", "")


def indicator_name(key: object) -> str:
    if is_missing(key):
        return "(not in the vocabulary)"
    return indicator_labels().get(str(key), {}).get("en") or _humanise(str(key))


def level_name(key: object) -> str:
    return "—" if is_missing(key) else load_tiers().en(str(key))


def _order(keys: list[str], vocabulary: dict[str, Any]) -> list[str]:
    """Keys in vocabulary order, the rest alphabetically after them."""
    known = [k for k in vocabulary if k in keys]
    return known + sorted(k for k in set(keys) if k not in vocabulary)
