"""How numbers and amounts read in the reports: 150万元, ≤ 50万元, 10–20%, exact yuan in tooltips."""

from __future__ import annotations

import html as _html
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd


def esc(value: Any) -> str:
    """Text → HTML text, quotes included (safe inside attributes too)."""
    return _html.escape("" if value is None else str(value), quote=True)


def is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return isinstance(value, float) and math.isnan(value)
    except TypeError:
        return False


@dataclass(frozen=True)
class Cell:
    """A table cell whose shown text differs from what it sorts by or what its tooltip says."""

    text: str
    title: str | None = None  # tooltip: exact value, clause and span
    sort: float | str | None = None  # what the column sorts by (numbers sort as numbers)
    cls: str | None = None  # CSS class, e.g. ``pc-noamount`` for "stated without an amount"
    href: str | None = None  # a link (to another page of the reports, or an anchor on this one)

    def __str__(self) -> str:
        return self.text


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


def amount_cell(
    value: Any,
    unit: Any,
    value_high: Any = None,
    bound: Any = None,
    *,
    clause_id: Any = None,
    span: Any = None,
) -> Cell | str:
    """An amount shown as 万元/亿元, exact yuan, clause and source span in its tooltip."""
    if is_missing(value):
        return ""
    tip = [exact_amount(value, unit, value_high, bound)]
    if not is_missing(clause_id):
        tip.append(f"clause {clause_id}")
    if not is_missing(span):
        tip.append(f"「{span}」")
    return Cell(format_amount(value, unit, value_high, bound), title=" · ".join(tip), sort=float(value))


def short_money(value: float) -> str:
    """ASCII-only money for figure labels (no CJK glyph needed): ¥500k, ¥1.5M, ¥3.73bn."""
    for size, name in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"¥{_trim(round(value / size, 2))}{name}"
    return f"¥{_trim(value)}"


def short_figure(value: float, unit: Any, value_high: Any = None) -> str:
    """ASCII-only figure for figure labels: ``¥1.5M``, ``3.5%``, ``¥300/mu``, ``1,200 t``."""
    unit = "" if is_missing(unit) else str(unit)
    high = None if is_missing(value_high) else float(value_high)
    if unit == "CNY":
        return short_money(value) + (f"–{short_money(high)[1:]}" if high is not None else "")
    if unit == "%":
        return f"{value:g}%" if high is None else f"{value:g}–{high:g}%"
    if unit == "USD":
        return "$" + short_money(value)[1:]
    if unit.startswith("CNY/"):
        per = unit[4:] if unit[4:].isascii() else "unit"  # figures carry no CJK glyph
        return f"¥{value:g}/{per}"
    text = readable_number(value) + (f"–{readable_number(high)}" if high is not None else "")
    return f"{text} {unit}" if unit.isascii() and unit not in ("", "count") else text


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and the noun in the number it takes: ``1 clause``, ``2 clauses``, ``1 quantity``."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"
