"""Figures in one fixed style, as inline SVG with text kept as text and fixed ids.

SVG carries fixed ids (``svg.hashsalt``) and no date, so the same data draws the same bytes.
"""

from __future__ import annotations

import contextlib
import io
import re
import warnings
from collections.abc import Iterator
from typing import Any, cast

import matplotlib
import matplotlib.style
from matplotlib.figure import Figure as MplFigure
from matplotlib.patches import Patch

from ..markup.components import IDS, Figure
from ..markup.format import esc

STYLE: dict[str, Any] = {}


def setup_figures() -> None:
    """The fixed figure style (also applied around every figure, so a user's settings don't leak in).

    Seaborn's whitegrid/notebook look, from the style sheets matplotlib ships, kept in this rc dictionary
    rather than set with ``sns.set_theme`` (which would change the user's global settings). The figures
    that draw with seaborn import it themselves and pass it their axes. DejaVu Sans, bundled with
    matplotlib, comes first so text is measured the same on every machine; the SVG names fallbacks for
    the reader's browser.
    """

    style: dict[str, Any] = {}
    style.update(dict(matplotlib.style.library["seaborn-v0_8-whitegrid"]))
    style.update(dict(matplotlib.style.library["seaborn-v0_8-notebook"]))
    style.update(
        {
            "svg.hashsalt": "policycmp",
            "svg.fonttype": "none",
            "font.family": "sans-serif",
            "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica"],
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
        fig.savefig(buffer, format="svg", metadata={"Date": None})
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


def _patch(colour: str, hatch: str | None = None):

    return Patch(facecolor=colour, edgecolor="#555555", hatch=hatch, linewidth=0.5)


def _label_bars(ax: Any) -> None:
    """Each bar's count at its end (none on an empty bar)."""
    for bars in ax.containers:
        ax.bar_label(bars, labels=[f"{v:g}" if v else "" for v in bars.datavalues], padding=2, fontsize=7)
