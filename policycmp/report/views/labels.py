"""Names and colours the reports give keys: districts, domains, tiers, instruments, indicators, statuses.

English labels come from the vocabularies (one data file each); figures name things in English (amounts
in the pages' 万元 / 亿元), and the Chinese terms go in captions and tables.
"""

from __future__ import annotations

import re
from typing import Any

# Where a district belongs is the analysis's; the views name it.
from ...analysis.amounts import format_amount
from ...analysis.corpus import OTHER_CITY as OTHER_CITY
from ...analysis.corpus import by_city as by_city
from ...analysis.corpus import city_of as city_of
from ...analysis.corpus import city_order as city_order
from ...analysis.editions import editions as chosen_editions
from ...analysis.tables import stamp
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


# The edition of each district the page shows (views.start sets it from the page's `year`): district →
# (year, status). None: each district's default edition.
_SHOWN: dict[str, tuple[int, str]] | None = None
_DEFAULT: tuple[tuple[object, ...], dict[str, tuple[int, str]]] | None = None


def use_editions(chosen: Any | None) -> None:
    """Name districts by the editions in ``chosen`` (rows of ``documents``: one per district) on this page;
    None: by each district's default edition."""
    global _SHOWN
    _SHOWN = None if chosen is None else _editions_of(chosen)


def _editions_of(chosen: Any) -> dict[str, tuple[int, str]]:
    return {str(d): (int(y), str(s)) for d, y, s in zip(chosen["district"], chosen["year"], chosen["status"])}


def shown_edition(key: object) -> tuple[int, str] | None:
    """(year, status) of the edition of district ``key`` the page shows; None for a key with no policy."""
    global _DEFAULT
    if _SHOWN is not None:
        return _SHOWN.get(str(key))
    version = (stamp("documents"),)
    if _DEFAULT is None or _DEFAULT[0] != version:
        reports = _editions_of(chosen_editions(kind="city_work_report"))
        _DEFAULT = (version, {**reports, **_editions_of(chosen_editions())})
    return _DEFAULT[1].get(str(key))


def page_districts() -> list[str]:
    """The districts with a policy edition on this page (its year's, or each one's default), registry order."""
    return [d for d in params_mod.districts() if shown_edition(d) is not None]


def district_name(key: object, *, with_year: bool = True) -> str:
    """Pinyin label with the edition the page shows: ``qujiang`` → ``Qujiang 2023``, a draft
    ``Zhenhai 2024 draft``.

    Districts' policies apply to different years (Qujiang's to 2023, the others' to 2024), and a district may
    have several editions; putting the shown edition in every label means no figure or table column can hide
    either. A city key gets its work report's year and ``(city)``. ``with_year=False`` is for text that names
    the year itself.
    """
    if is_missing(key):
        return ""
    key = str(key)
    label = key.replace("_", " ").title()
    edition = shown_edition(key)
    if edition is not None and with_year:
        year, status = edition
        label = f"{label} {year}" + (" draft" if status == "draft" else "")
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
    return {key: dict(names) for key, names in _instrument_map().items()}


def indicator_labels() -> dict[str, dict[str, str]]:
    """Indicator key → its English and Chinese names and its domain (indicators.yaml)."""
    return {key: dict(names) for key, names in _indicator_map().items()}


# The maps the label functions read, each kept with the vocabulary object it was built from: the loader
# gives the same object while the file is unchanged and a new one after an edit, so a map is rebuilt
# exactly when its file changed (a page names instruments hundreds of times; building the map at each
# name was a tenth of the naming). Shared: read from them, never modify them.
_MAPS: dict[str, tuple[object, dict[str, dict[str, str]]]] = {}


def _instrument_map() -> dict[str, dict[str, str]]:
    vocabulary = load_instruments()
    return _map_of("instruments", vocabulary, vocabulary.instruments)


def _indicator_map() -> dict[str, dict[str, str]]:
    vocabulary = load_indicators()
    return _map_of("indicators", vocabulary, vocabulary.indicators)


def _map_of(name: str, vocabulary: object, entries: Any) -> dict[str, dict[str, str]]:
    known = _MAPS.get(name)
    if known is None or known[0] is not vocabulary:
        known = (vocabulary, {e.key: {"en": e.en, "zh": e.zh, "domain": e.domain} for e in entries})
        _MAPS[name] = known
    return known[1]


def _humanise(key: str) -> str:
    text = key.replace("_", " ")
    for short, long in (("rd", "R&D"), ("fdi", "FDI"), ("hightech", "high-tech")):
        text = re.sub(rf"\b{short}\b", long, text)
    return text[:1].upper() + text[1:]


def instrument_name(key: object) -> str:
    if is_missing(key):
        return ""
    return _instrument_map().get(str(key), {}).get("en") or _humanise(str(key))


def instrument_zh(key: object) -> str:
    return "" if is_missing(key) else _instrument_map().get(str(key), {}).get("zh", "")


def indicator_name(key: object) -> str:
    if is_missing(key):
        return "(not in the vocabulary)"
    return _indicator_map().get(str(key), {}).get("en") or _humanise(str(key))


def level_name(key: object) -> str:
    return "—" if is_missing(key) else load_tiers().en(str(key))


def _order(keys: list[str], vocabulary: dict[str, Any]) -> list[str]:
    """Keys in vocabulary order, the rest alphabetically after them."""
    known = [k for k in vocabulary if k in keys]
    return known + sorted(k for k in set(keys) if k not in vocabulary)


# A bracket of the condition an amount is granted on, as compare.instruments writes it (ge_10000000_cny,
# 10000000_to_50000000_cny, le_5_pct): read back as the amounts the pages write.
_BRACKET = re.compile(r"^(?:(?P<op>ge|le)_(?P<n>[0-9p]+)|(?P<a>[0-9p]+)_to_(?P<b>[0-9p]+))_(?P<unit>[a-z0-9_]+)$")
_BRACKET_UNITS = {"cny": "CNY", "pct": "%", "usd": "USD"}


def _bracket_amount(number: str, unit: str) -> str:
    return format_amount(float(number.replace("p", ".")), _BRACKET_UNITS.get(unit, unit)).replace(" ", "")


def variant_name(key: object) -> str:
    """A variant's English name (instruments.yaml), a bracket as amounts (``≥1000万元``), "" for none."""
    if is_missing(key):
        return ""
    key = str(key)
    for variant in load_instruments().variants:
        if variant.key == key:
            return variant.en
    match = _BRACKET.match(key)
    if match is None:
        return _humanise(key)
    if match["op"]:
        return ("≥ " if match["op"] == "ge" else "≤ ") + _bracket_amount(match["n"], match["unit"])
    return f"{_bracket_amount(match['a'], match['unit'])}–{_bracket_amount(match['b'], match['unit'])}"


def variant_zh(key: object) -> str:
    if is_missing(key):
        return ""
    return next((v.zh for v in load_instruments().variants if v.key == str(key)), "")


def key_name(instrument: object, level: object = None, variant: object = None) -> str:
    """An instrument key as the pages name it: ``Award for … · National · renewed recognition``."""
    parts = [instrument_name(instrument)]
    if not is_missing(level):
        parts.append(level_name(level))
    if not is_missing(variant):
        parts.append(variant_name(variant))
    return " · ".join(parts)
