"""Figures in one fixed style, as inline SVG with text kept as text and fixed ids, and the few shapes
the reports draw again and again (grouped bars, a district against the province's quartiles).

SVG carries fixed ids (``svg.hashsalt``) and no date, so the same data draws the same bytes. A figure is drawn
once: its constrained layout is made in the draw that writes the SVG, not in a silent draw before it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import re
import warnings
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, cast

import matplotlib
import matplotlib.style
from matplotlib import font_manager, ft2font
from matplotlib.axes import Axes
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure as MplFigure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator
from matplotlib.typing import ColorType
from numpy.typing import ArrayLike

from ...errors import PolicyInputError
from .. import font
from ..markup.components import IDS, Figure
from ..markup.format import esc
from .labels import PROVINCE

STYLE: dict[str, Any] = {}


def setup_figures() -> None:
    """The fixed figure style (also applied around every figure, so a user's settings don't leak in).

    The whitegrid/notebook look of the style sheets matplotlib ships, kept in this rc dictionary rather
    than set globally (which would change the user's settings). Text is measured with the pages' font
    (:mod:`policycmp.report.font`, registered here from its source file) and the SVG names that family,
    which the page's ``@font-face`` serves: a figure reads the same on every machine, Chinese included.
    Where the font is not installed (a notebook opened on another machine) matplotlib's DejaVu Sans
    measures instead, with a warning; ``policycmp report`` refuses to run without the font.
    """

    style: dict[str, Any] = {}
    for sheet in ("seaborn-v0_8-whitegrid", "seaborn-v0_8-notebook"):
        style.update({str(key): value for key, value in matplotlib.style.library[sheet].items()})
    style.update(
        {
            "svg.hashsalt": "policycmp",
            "svg.fonttype": "none",
            "font.family": "sans-serif",
            "font.sans-serif": [_register_font(), "DejaVu Sans"],
            "font.size": 9.0,
            "axes.labelsize": 9.0,
            "axes.titlesize": 10.5,
            "axes.titleweight": "bold",
            "xtick.labelsize": 8.5,
            "ytick.labelsize": 8.5,
            "legend.fontsize": 8.5,
            "legend.frameon": False,
            "figure.dpi": 100,
            "savefig.dpi": 100,
            "path.simplify": True,
        }
    )
    STYLE.clear()
    STYLE.update(style)
    matplotlib.rcParams["svg.hashsalt"] = "policycmp"
    matplotlib.rcParams["svg.fonttype"] = "none"


def _register_font() -> str:
    """The pages' font family, made known to matplotlib once per process (DejaVu Sans without it)."""
    try:
        source = font.source_path()
    except PolicyInputError as exc:
        warnings.warn(f"figures are measured with DejaVu Sans: {exc.one_line()}", stacklevel=3)
        return "DejaVu Sans"
    manager = font_manager.fontManager
    if not any(entry.fname == str(source) for entry in manager.ttflist):
        # The pages ship one weight; a bold title is the browser's emboldening of it, so matplotlib
        # measures bold with the same face (listed as bold too, which also spares the warning that
        # no bold face exists). Listed before addfont, which clears the font lookup cache.
        faces = ft2font.FT2Font(str(source)).num_faces
        for index in range(faces):
            entry = font_manager.ttfFontProperty(ft2font.FT2Font(str(source), face_index=index))
            if entry.name == font.FAMILY:
                manager.ttflist.append(dataclasses.replace(entry, weight=700))
        manager.addfont(str(source))
    return font.FAMILY


@contextlib.contextmanager
def figure(width: float, height: float, nrows: int = 1, ncols: int = 1, **kwargs: Any) -> Iterator[tuple[Any, Any]]:
    """A matplotlib Figure (not pyplot: nothing is shown behind the report's back) in the fixed style."""

    if not STYLE:
        setup_figures()
    with matplotlib.rc_context(cast(Any, STYLE)), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fig = MplFigure(figsize=(width, height), layout="constrained")
        axes = fig.subplots(nrows, ncols, squeeze=False, **kwargs)
        yield fig, axes


def svg(fig: Any, caption: str = "", alt: str = "") -> Figure:
    """The figure as inline SVG: text as text, no date, ids fixed and unique on the page."""

    buffer = io.StringIO()
    with matplotlib.rc_context(cast(Any, STYLE)), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _print_svg(fig, buffer)
    text = buffer.getvalue()
    text = re.sub(r"<\?xml[^>]*\?>\s*", "", text)
    text = re.sub(r"<!DOCTYPE[^>]*>\s*", "", text)
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)
    prefix = IDS.next("svg")
    text = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}-{m.group(1)}"', text)
    text = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}-{m.group(1)}"', text)
    text = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}-{m.group(1)})", text)
    text = text.replace("<svg ", f'<svg role="img" aria-label="{esc(alt or caption)}" ', 1)
    return Figure(text.strip(), caption=caption, alt=alt or caption)


def _print_svg(fig: MplFigure, buffer: io.StringIO) -> None:
    """The figure drawn once as SVG, its constrained layout made in that one draw.

    ``savefig`` first draws the whole figure without output to lay it out, then draws it again to write it: every
    label is measured twice and every tick made twice, a third of a figure's cost. Both draws use a 72-dpi SVG
    renderer and the layout is made before anything is drawn, so laying out in the writing draw gives the same
    bytes (the pages' byte-identity check holds it)."""
    canvas = FigureCanvasSVG(fig)
    dpi = fig.dpi
    try:
        canvas.print_svg(buffer, metadata={"Date": None})
    finally:
        fig.dpi = dpi  # print_svg leaves the figure at 72 dpi


def _patch(colour: ColorType, hatch: str | None = None) -> Patch:
    return Patch(facecolor=colour, edgecolor="#555555", hatch=hatch, linewidth=0.5)


def _label_bars(ax: Axes) -> None:
    """Each bar's count at its end (none on an empty bar)."""
    for bars in ax.containers:
        values = getattr(bars, "datavalues", [])
        ax.bar_label(bars, labels=[f"{v:g}" if v else "" for v in values], padding=2, fontsize=7)  # type: ignore[arg-type]


def count_ticks(ax: Axes) -> None:
    """Whole-number ticks on the x axis: a count of clauses is never 2.5."""
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def grouped_bars(
    ax: Axes, categories: Sequence[str], series: Mapping[str, Sequence[float]], colours: Mapping[str, str]
) -> None:
    """Horizontal bars of counts: one row per category, one bar per series within it (e.g. per district),
    labelled, on whole-number ticks."""
    height = 0.8 / max(len(series), 1)
    for i, (label, values) in enumerate(series.items()):
        offsets = [y - 0.4 + height * (i + 0.5) for y in range(len(categories))]
        ax.barh(offsets, values, height=height, color=colours[label], label=label)
    _label_bars(ax)
    count_ticks(ax)
    ax.set_yticks(range(len(categories)), list(categories))
    ax.set_ylim(len(categories) - 0.5, -0.5)


def spread_marks(ax: Axes, ys: ArrayLike, q1: ArrayLike, median: ArrayLike, q3: ArrayLike) -> None:
    """The province's interquartile range (a grey bar) and median (a dark tick) on each row ``ys``."""
    ax.hlines(ys, q1, q3, colors=PROVINCE, linewidth=5, alpha=0.35, zorder=2)
    ax.scatter(median, ys, marker="|", s=160, linewidths=2.2, color=PROVINCE, zorder=3)


def legend_below(fig: MplFigure, handles: Sequence[Any], labels: Sequence[str]) -> None:
    """A legend under the axes, in the space constrained layout keeps for it (it never hides a point)."""
    fig.legend(list(handles), list(labels), loc="outside lower center", ncol=len(labels), fontsize=8)


def plain_log_ticks(ax: Axes) -> None:
    """A log axis labelled 0.5, 1, 10 rather than 10⁰, 10¹."""
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))


def spread_legend() -> list[Any]:
    return [
        Line2D([0], [0], color=PROVINCE, linewidth=5, alpha=0.35),
        Line2D([0], [0], color=PROVINCE, marker="|", markersize=11, markeredgewidth=2.2, linestyle="none"),
    ]
