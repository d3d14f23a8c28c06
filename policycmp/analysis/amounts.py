"""How amounts read: 150万元, ≤ 50万元, 37.27亿元, 10–20%, and the exact figure in base units.

One style for the whole project: money in 万元 from 10,000 yuan and 亿元 from 100,000,000 yuan, as the
documents write it; the exact yuan is what a tooltip or a check shows.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd


def is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return isinstance(value, float) and math.isnan(value)
    except TypeError:
        return False


def readable_number(value: float) -> str:
    """A readable number: up to 4 significant digits, no trailing zeros, thousands separated."""
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    text = f"{value:,.4g}" if abs(value) >= 1 else f"{value:.4g}"
    return text


def _scaled(value: float, unit_zh: str = "元") -> str:
    """150万元-style Chinese magnitude for money: 亿 from 1e8, 万 from 1e4."""
    for size, name in ((1e8, "亿"), (1e4, "万")):
        if abs(value) >= size:
            return f"{_trim(value / size)}{name}{unit_zh}"
    return f"{_trim(value)}{unit_zh}"


def _trim(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text if text not in ("-0", "") else "0"


UNIT_SUFFIX = {
    "%": "%",
    "mu": " 亩",
    "tce": " 吨标准煤",
    "kWh": " kWh",
    "kW": " kW",
    "m3": " m³",
    "m2": " m²",
    "km": " km",
    "t": " t",
    "count": "",
}
BOUND_MARK = {"max": "≤ ", "min": "≥ ", "approx": "≈ ", "exact": ""}
BOUND_WORD = {"max": "at most", "min": "at least", "approx": "about", "exact": "exactly"}


def format_amount(value: Any, unit: Any, value_high: Any = None, bound: Any = None) -> str:
    """``≤ 50万元``, ``10–20%``, ``≈ 6%``, ``0.32万 亩``: how a reviewer reads an amount."""
    if is_missing(value):
        return ""
    value = float(value)
    unit = "" if is_missing(unit) else str(unit)
    high = None if is_missing(value_high) else float(value_high)
    if unit == "CNY":
        text = _scaled(value) if high is None else f"{_scaled(value)[:-1]}–{_scaled(high)}"
    elif unit == "USD":
        text = _scaled(value, "美元") if high is None else f"{_scaled(value, '')}–{_scaled(high, '美元')}"
    elif unit.startswith("CNY/"):
        per = unit[4:]
        per = {"mu": "亩"}.get(per, per)
        text = f"{_trim(value)}{'–' + _trim(high) if high is not None else ''} 元/{per}"
    else:
        suffix = UNIT_SUFFIX.get(unit, f" {unit}" if unit else "")
        text = f"{readable_number(value)}{'–' + readable_number(high) if high is not None else ''}{suffix}"
    mark = "" if is_missing(bound) else BOUND_MARK.get(str(bound), "")
    return f"{mark}{text}"


def exact_amount(value: Any, unit: Any, value_high: Any = None, bound: Any = None) -> str:
    """The exact figure in base units, for the tooltip: ``at most 500,000 yuan``."""
    if is_missing(value):
        return ""
    unit = "" if is_missing(unit) else str(unit)
    name = {"CNY": "yuan", "USD": "US dollars", "%": "%"}.get(unit, unit)
    high = "" if is_missing(value_high) else f" to {exact_number(value_high)}"
    word = "" if is_missing(bound) else BOUND_WORD.get(str(bound), "")
    return " ".join(part for part in (word, f"{exact_number(value)}{high}", name) if part)


def exact_number(value: Any) -> str:
    """Every digit a reader may want to check: 19,000,000,000 (never 1.9e+10), 0.04, 66.66666667."""
    number = float(value)
    if number.is_integer() and abs(number) < 1e18:
        return f"{int(number):,}"
    return f"{number:,.10g}"


def figure_amount(value: Any, unit: Any, value_high: Any = None, bound: Any = None) -> str:
    """An amount as a figure labels it, in the pages' style without spaces: ``≤150万元``, ``37.27亿元``, ``10–20%``.

    Figures speak the unit the tables speak (万元 / 亿元), so a reader never converts ``¥3.73bn`` back.
    """
    if is_missing(value):
        return ""
    mark = "" if is_missing(bound) else BOUND_MARK.get(str(bound), "").strip()
    return mark + format_amount(value, unit, value_high).replace(" ", "")


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and the noun in the number it takes: ``1 clause``, ``2 clauses``, ``1 quantity``."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"
