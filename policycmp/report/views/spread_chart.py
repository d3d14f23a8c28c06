"""A district against the province, drawn directly as SVG: one row per item, the province's middle
half (first to third quartile) as a grey bar, its median as a tick, the district as a dot.

Every district profile draws four of these. Written here rather than with matplotlib because
matplotlib lays out and renders each such figure in about a fifth of a second, which ninety profiles
pay four times over; this writes the same picture in a millisecond. It keeps the reports' figure
style (the whitegrid look, the pages' font measured for the margins and named by the text, text kept
as text, names in English and amounts in the pages' 万元 / 亿元) and is deterministic: no ids, fixed
number formatting.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from matplotlib.font_manager import FontProperties, findfont
from matplotlib.textpath import text_to_path

from ..font import FAMILY
from ..markup.components import Figure
from ..markup.format import esc
from .labels import PROVINCE, THIS_DISTRICT

FONT = f"'{FAMILY}', sans-serif"  # served by the page's @font-face (see policycmp.report.font)
INK, GRID = "#262626", "#cccccc"
LABEL_SIZE, TICK_SIZE, TITLE_SIZE = 10.0, 11.0, 13.0  # px, as matplotlib's 7.5, 8.5 and 10 pt at 100 dpi
ROW, PANEL_WIDTH, GAP = 22.0, 400.0, 30.0


@dataclass(frozen=True)
class Row:
    """One item: the province's quartiles (None where fewer than two districts have it) and the district's value."""

    label: str
    q1: float | None
    median: float | None
    q3: float | None
    value: float | None


@dataclass(frozen=True)
class Panel:
    title: str
    axis: str  # the x axis's label
    rows: Sequence[Row]
    log2: bool = False  # a ratio axis: 0.5×, 1×, 2×
    start_at_zero: bool = True
    counts: bool = False  # whole-number ticks (a count of clauses is never 2.5)


@dataclass
class _Axis:
    low: float
    high: float
    ticks: list[float] = field(default_factory=list)
    log2: bool = False

    def x(self, value: float, left: float, width: float) -> float:
        if self.log2:
            value, low, high = math.log2(value), math.log2(self.low), math.log2(self.high)
        else:
            low, high = self.low, self.high
        return left + width * (value - low) / (high - low)


def _width(text: str, size: float) -> float:
    # views.start registered the font with matplotlib (views/figures.py); DejaVu Sans measures without it.
    font = FontProperties(family=[FAMILY, "DejaVu Sans"], size=size)
    return _measured(text, size, findfont(font))


@functools.lru_cache(maxsize=8192)
def _measured(text: str, size: float, font_file: str) -> float:
    # Measured once per label, size and font file in a kernel: ninety profiles draw the same instrument,
    # domain and tick labels, and measuring each with the font's outlines took a third of a profile's
    # time. The key holds everything the width depends on (the file matplotlib resolved the family to),
    # so a cached width is the number measuring again would give.
    font = FontProperties(fname=font_file, size=size)
    width, _, _ = text_to_path.get_text_width_height_descent(text, font, False)
    return float(width)


def _line(x1: float, y1: float, x2: float, y2: float, colour: str, width: float, opacity: float = 1.0) -> str:
    fade = f' stroke-opacity="{opacity:g}"' if opacity < 1 else ""
    ends = f'x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"'
    return f'<line {ends} stroke="{colour}" stroke-width="{width:g}"{fade}/>'


def _dot(x: float, y: float) -> str:
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{THIS_DISTRICT}" stroke="white" stroke-width="0.8"/>'


def _nice_step(span: float, counts: bool = False) -> float:
    raw = span / 5
    if counts and raw <= 1:
        return 1.0
    power = 10 ** math.floor(math.log10(raw))
    steps = (1, 2, 5, 10) if counts else (1, 2, 2.5, 5, 10)
    return next(step * power for step in steps if step * power >= raw)


def _axis(panel: Panel) -> _Axis:
    values = [v for r in panel.rows for v in (r.q1, r.median, r.q3, r.value) if v is not None and math.isfinite(v)]
    if panel.log2:
        values = [v for v in values if v > 0] or [1.0]
        low = 2.0 ** math.floor(math.log2(min(min(values), 0.5)))
        high = 2.0 ** math.ceil(math.log2(max(max(values), 2.0)))
        ticks = [2.0**e for e in range(int(math.log2(low)), int(math.log2(high)) + 1)]
        return _Axis(low, high, ticks, log2=True)
    low = 0.0 if panel.start_at_zero else min(values, default=0.0)
    high = max(values, default=1.0)
    if high <= low:
        high = low + 1.0
    step = _nice_step(high - low, panel.counts)
    top = math.ceil(high * 1.05 / step) * step
    ticks = [round(low + i * step, 10) for i in range(int(round((top - low) / step)) + 1)]
    return _Axis(low, top, ticks)


def _number(value: float, log2: bool) -> str:
    text = f"{value:g}"
    return f"{text}×" if log2 else text


def _text(x: float, y: float, text: str, size: float, anchor: str = "middle", weight: str = "normal") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" style="font-size:{size:g}px;font-family:{FONT};fill:{INK};'
        f'text-anchor:{anchor};font-weight:{weight}">{esc(text)}</text>'
    )


def _panel(panel: Panel, x0: float, top: float, bottom: float) -> list[str]:
    axis = _axis(panel)
    parts = [
        f'<rect x="{x0:.1f}" y="{top:.1f}" width="{PANEL_WIDTH:g}" height="{bottom - top:g}" fill="white" '
        f'stroke="{GRID}" stroke-width="1"/>'
    ]
    for tick in axis.ticks:
        x = axis.x(tick, x0, PANEL_WIDTH)
        parts += [_line(x, top, x, bottom, GRID, 0.8), _text(x, bottom + 14, _number(tick, axis.log2), TICK_SIZE)]
    if axis.log2:
        x = axis.x(1.0, x0, PANEL_WIDTH)
        parts.append(_line(x, top, x, bottom, "#999999", 1))
    parts.append(_text(x0 + PANEL_WIDTH / 2, top - 10, panel.title, TITLE_SIZE, weight="bold"))
    parts.append(_text(x0 + PANEL_WIDTH / 2, bottom + 32, panel.axis, TICK_SIZE))
    for i, row in enumerate(panel.rows):
        y = top + ROW * (i + 0.5)
        parts.append(_line(x0, y, x0 + PANEL_WIDTH, y, GRID, 0.8))
        if row.q1 is not None and row.q3 is not None and row.median is not None:
            a, b = axis.x(row.q1, x0, PANEL_WIDTH), axis.x(row.q3, x0, PANEL_WIDTH)
            m = axis.x(row.median, x0, PANEL_WIDTH)
            parts += [_line(a, y, max(b, a + 1), y, PROVINCE, 6, 0.35), _line(m, y - 7, m, y + 7, PROVINCE, 2.2)]
        if row.value is not None and (not axis.log2 or row.value > 0):
            parts.append(_dot(axis.x(row.value, x0, PANEL_WIDTH), y))
    return parts


def _legend(district: str, width: float, y: float) -> list[str]:
    items = [(district, "dot"), ("middle half of the districts", "bar"), ("median of the districts", "tick")]
    spans = [24 + _width(text, TICK_SIZE) for text, _ in items]
    x = max(8.0, (width - sum(spans) - 24 * (len(items) - 1)) / 2)
    parts = []
    for (text, mark), span in zip(items, spans, strict=True):
        mid = y - 4
        if mark == "dot":
            parts.append(_dot(x + 8, mid))
        elif mark == "bar":
            parts.append(_line(x, mid, x + 16, mid, PROVINCE, 6, 0.35))
        else:
            parts.append(_line(x + 8, mid - 7, x + 8, mid + 7, PROVINCE, 2.2))
        parts.append(_text(x + 22, y, text, TICK_SIZE, anchor="start"))
        x += span + 24
    return parts


def spread_chart(panels: Sequence[Panel], *, district: str, caption: str, alt: str) -> Figure:
    """Panels side by side sharing their rows' labels (taken from the first panel)."""
    labels = [r.label for r in panels[0].rows]
    left = max((_width(label, LABEL_SIZE) for label in labels), default=0.0) + 14
    top = 30.0
    bottom = top + ROW * len(labels)
    width = left + len(panels) * PANEL_WIDTH + (len(panels) - 1) * GAP + 16
    parts: list[str] = []
    for index, panel in enumerate(panels):
        parts += _panel(panel, left + index * (PANEL_WIDTH + GAP), top, bottom)
    for i, label in enumerate(labels):
        parts.append(_text(left - 8, top + ROW * (i + 0.5) + 3.5, label, LABEL_SIZE, anchor="end"))
    parts += _legend(district, width, bottom + 56)
    height = bottom + 68
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{esc(alt)}" width="{width:.0f}" '
        f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}">' + "".join(parts) + "</svg>"
    )
    return Figure(svg, caption=caption, alt=alt)
