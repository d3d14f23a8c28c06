"""What every report's sections share: labels, loading, the report context, figures, shaping.

Figures use a fixed style and English labels only (districts in pinyin, domains in English), so they
need no CJK font where they are rendered; the Chinese terms go in the captions and tables, which the
reader's browser draws. SVG keeps text as text and carries fixed ids (``svg.hashsalt``), no date.
"""
from __future__ import annotations

import contextlib
import functools
import io
import re
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

import pandas as pd

from .. import params as params_mod
from .. import paths
from ..html import Cell, Figure, Notice, Part, esc, is_missing


# --- names and labels -----------------------------------------------------------------------------

LEVEL_NAMES = {"national": "National", "provincial": "Provincial", "municipal": "Municipal", "district": "District"}
LEVEL_ZH = {"national": "国家级", "provincial": "省级", "municipal": "市级", "district": "区级"}
KIND_NAMES = {"subsidy": "Subsidy", "budget": "Budget", "target": "Target", "threshold": "Threshold", "other": "Other"}
STATUS_NAMES = {"met": "Met", "not_met": "Not met", "unclear": "Unclear"}
TOOL_NAMES = {"supply": "Supply-side", "environment": "Environment", "demand": "Demand-side"}

# Fixed colours: the same district has the same colour in every figure of every report.
PALETTE = ["#0173b2", "#de8f05", "#029e73", "#cc78bc", "#ca9161", "#949494", "#fbafe4", "#56b4e9", "#d55e00"]
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
    years = sorted({doc.year for doc in params_mod.documents()
                    if doc.district == key and doc.kind in ("policy", "city_work_report")})
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


def district_palette(keys: list[str]) -> dict[str, str]:
    """Label → fixed colour, for seaborn's ``palette=`` where ``hue`` is the district's label."""
    return {district_name(key): district_colour(key) for key in keys}


@functools.lru_cache(maxsize=None)
def _domain_labels() -> dict[str, tuple[str, str]]:
    from ..clauses import domain_rules

    return {rule.key: (rule.en, rule.zh) for rule in domain_rules()}


def domain_name(key: object) -> str:
    if is_missing(key):
        return "(no domain)"
    return _domain_labels().get(str(key), (str(key), ""))[0]


def domain_zh(key: object) -> str:
    if is_missing(key):
        return ""
    return _domain_labels().get(str(key), ("", ""))[1]


def _vocabulary(resource: str) -> dict[str, dict[str, str]]:
    """Key → {en, zh} from a packaged vocabulary file, whatever its exact layout (or {} if absent)."""
    from ..vocab import DATA_DIR, read_yaml

    path = DATA_DIR / resource
    if not path.is_file():
        return {}
    try:
        data = read_yaml(path)
    except Exception:  # a vocabulary being edited must not break a report
        return {}
    entries: list[Any] = []
    if isinstance(data, dict):
        lists = [v for v in data.values()
                 if isinstance(v, list) and v and all(isinstance(e, dict) and "key" in e for e in v)]
        if lists:
            entries = lists[0]
        else:
            entries = [{"key": k, **(v if isinstance(v, dict) else {"en": v})} for k, v in data.items()]
    elif isinstance(data, list):
        entries = data
    out: dict[str, dict[str, str]] = {}
    for entry in entries:
        if isinstance(entry, dict) and "key" in entry:
            out[str(entry["key"])] = {"en": str(entry.get("en") or entry.get("name") or entry["key"]),
                                      "zh": str(entry.get("zh") or ""), "domain": str(entry.get("domain") or "")}
    return out


@functools.lru_cache(maxsize=None)
def instrument_labels() -> dict[str, dict[str, str]]:
    return _vocabulary("instruments.yaml")


@functools.lru_cache(maxsize=None)
def indicator_labels() -> dict[str, dict[str, str]]:
    return _vocabulary("indicators.yaml")


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
    return "—" if is_missing(key) else LEVEL_NAMES.get(str(key), str(key))


def _order(keys: list[str], vocabulary: dict[str, Any]) -> list[str]:
    """Keys in vocabulary order, the rest alphabetically after them."""
    known = [k for k in vocabulary if k in keys]
    return known + sorted(k for k in set(keys) if k not in vocabulary)


# --- loading --------------------------------------------------------------------------------------

class TableMissing(Exception):
    """A processed table that ``policycmp build`` has not written (yet)."""

    def __init__(self, name: str):
        self.name = name
        super().__init__(
            f"The {name} table is not built yet (data/processed/{name}.parquet is missing): `policycmp build` "
            f"writes it once the stage that produces it is in place, and this section fills in then.")


_CACHE: dict[str, tuple[tuple[int, int], pd.DataFrame]] = {}


def load(name: str) -> pd.DataFrame:
    """A processed table as it is on disk (``report`` builds first when the inputs changed).

    Raises :class:`TableMissing` when the table is not there; sections turn that into a notice.
    """
    path = paths.processed_dir() / f"{name}.parquet"
    try:
        stat = path.stat()
    except OSError:
        raise TableMissing(name) from None
    key = (stat.st_mtime_ns, stat.st_size)
    cached = _CACHE.get(str(path))
    if cached is None or cached[0] != key:
        _CACHE[str(path)] = (key, _plain_columns(pd.read_parquet(path)))
    return _CACHE[str(path)][1].copy()


def _plain_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as Python objects with None for missing, so ``==`` and ``in`` never meet pd.NA."""
    for column in frame.columns:
        dtype = frame[column].dtype
        if isinstance(dtype, pd.StringDtype) or dtype == object:
            values = frame[column].astype(object)
            frame[column] = values.where(values.notna(), None)
        elif str(dtype) == "boolean":
            frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame


def maybe(name: str) -> pd.DataFrame | None:
    try:
        return load(name)
    except TableMissing:
        return None


def section(func: Callable[..., Part]) -> Callable[..., Part]:
    """A report section: a missing table becomes a visible notice rather than an error."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Part:
        try:
            return func(*args, **kwargs)
        except TableMissing as exc:
            return Notice(str(exc))

    return wrapper


def _num(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="coerce").astype("float64")


def _str(value: object) -> str:
    return "" if is_missing(value) else str(value)


# --- the report context ---------------------------------------------------------------------------

@dataclass
class Report:
    """What ``views.start`` returns: validated parameters, title and one-line summary.

    Displayed, it is the report's header; its output carries ``{"policycmp": {title, summary}}`` as
    metadata, from which ``policycmp report`` writes the index.
    """

    name: str
    params: dict[str, Any]
    title: str
    summary: str
    warnings: list[str] = field(default_factory=list)

    def __getitem__(self, key: str) -> Any:
        return self.params[key]

    def _repr_mimebundle_(self, include=None, exclude=None):
        shown = ", ".join(f"{k} = {_param_text(v)}" for k, v in self.params.items())
        notes = "".join(f"<div class=\"pc-notice\">{esc(w)}</div>" for w in self.warnings)
        heading = f"<h2>{esc(self.title)}</h2>" if self.title != TITLES.get(self.name) else ""
        markup = (f"<header class=\"pc-header\">{heading}"
                  + (f"<p class=\"pc-params\">Parameters: {esc(shown)}</p>" if shown else "")
                  + f"<p class=\"pc-summary\">{esc(self.summary)}</p>{notes}</header>")
        data = {"text/html": markup, "text/plain": f"{self.title}\n{self.summary}"}
        return data, {"policycmp": {"report": self.name, "title": self.title, "summary": self.summary,
                                    "params": {k: _param_text(v) for k, v in self.params.items()}}}

    def __repr__(self) -> str:
        return f"{self.title}: {self.summary}"


def _param_text(value: Any) -> str:
    return ",".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)


# The notebooks' own titles (their first heading); a page whose title says more shows it too.
TITLES = {"corpus_overview": "Corpus overview", "subsidy_levels": "Subsidy levels", "budgets": "Budgets",
          "targets": "Targets", "target_follow_through": "Target follow-through",
          "domain_deep_dive": "Domain deep-dive", "district_profile": "District profile"}


# --- figures --------------------------------------------------------------------------------------

STYLE: dict[str, Any] = {}


def setup_figures() -> None:
    """The fixed figure style (also applied around every figure, so a user's settings don't leak in).

    Seaborn's whitegrid/notebook look, from the style sheets matplotlib ships, kept in this rc dictionary
    rather than set with ``sns.set_theme`` (which would change the user's global settings). The figures
    that draw with seaborn import it themselves and pass it their axes. DejaVu Sans, bundled with
    matplotlib, comes first so text is measured the same on every machine; the SVG names fallbacks for
    the reader's browser.
    """
    import matplotlib
    import matplotlib.style

    style: dict[str, Any] = {}
    style.update(matplotlib.style.library["seaborn-v0_8-whitegrid"])
    style.update(matplotlib.style.library["seaborn-v0_8-notebook"])
    style.update({
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
    })
    STYLE.clear()
    STYLE.update(style)
    matplotlib.rcParams["svg.hashsalt"] = "policycmp"
    matplotlib.rcParams["svg.fonttype"] = "none"


@contextlib.contextmanager
def figure(width: float, height: float, nrows: int = 1, ncols: int = 1, **kwargs: Any) -> Iterator[tuple[Any, Any]]:
    """A matplotlib Figure (not pyplot: nothing is shown behind the report's back) in the fixed style."""
    import matplotlib
    from matplotlib.figure import Figure as MplFigure

    if not STYLE:
        setup_figures()
    with matplotlib.rc_context(STYLE), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fig = MplFigure(figsize=(width, height), layout="constrained")
        axes = fig.subplots(nrows, ncols, squeeze=False, **kwargs)
        yield fig, axes


def svg(fig: Any, caption: str = "", alt: str = "") -> Figure:
    """The figure as inline SVG: text as text, no date, ids fixed and unique on the page."""
    import matplotlib
    from ..html import IDS

    buffer = io.StringIO()
    with matplotlib.rc_context(STYLE), warnings.catch_warnings():
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
    text = text.replace("<svg ", f"<svg role=\"img\" aria-label=\"{esc(alt or caption)}\" ", 1)
    return Figure(text.strip(), caption=caption, alt=alt or caption)


def _patch(colour: str, hatch: str | None = None):
    from matplotlib.patches import Patch

    return Patch(facecolor=colour, edgecolor="#555555", hatch=hatch, linewidth=0.5)


def _label_bars(ax: Any) -> None:
    """Each bar's count at its end (none on an empty bar)."""
    for bars in ax.containers:
        ax.bar_label(bars, labels=[f"{v:g}" if v else "" for v in bars.datavalues], padding=2, fontsize=7)


# --- shared shaping -------------------------------------------------------------------------------

def _clause_titles() -> dict[str, str]:
    clauses = maybe("clauses")
    if clauses is None:
        return {}
    return {str(c): _str(t) for c, t in zip(clauses["clause_id"], clauses["title"])}


def _cell_or_text(values: list[Cell | str], joiner: str = "; ") -> Cell | str:
    values = [v for v in values if v != ""]
    if not values:
        return ""
    if len(values) == 1:
        return values[0]
    sort = next((v.sort for v in values if isinstance(v, Cell) and v.sort is not None), None)
    title = " | ".join(v.title for v in values if isinstance(v, Cell) and v.title)
    return Cell(joiner.join(str(v) for v in values), title=title or None, sort=sort)


def _exact(value: object) -> float | None:
    return None if is_missing(value) else float(value)


def _short_label(text: str, width: int = 48) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"
