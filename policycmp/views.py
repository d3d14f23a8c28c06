"""What the notebooks show: loading the tables, shaping them for display, and the figures.

The notebooks stay thin — parameters, ``report = views.start(...)``, then one call per section —
and every such call returns something Jupyter displays (a :class:`policycmp.html.Block`). A section
whose table is not built yet shows a notice saying so instead of failing, so a report renders while
a stage of ``policycmp build`` is still being written.

Figures use a fixed style and English labels only (districts in pinyin, domains in English), so they
need no CJK font where they are rendered; the Chinese terms go in the captions and tables, which the
reader's browser draws. SVG keeps text as text and carries fixed ids (``svg.hashsalt``), no date.
"""
from __future__ import annotations

import contextlib
import functools
import io
import math
import os
import re
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

import pandas as pd

from . import params as params_mod
from . import paths
from .html import (Block, Cell, Facts, Figure, Heading, Notice, Paragraph, Part, Table, amount_cell, block,
                   esc, exact_amount, format_amount, is_missing, reset_ids, short_money)
from .vocab import DOMAINS, LEVELS

# --- names and labels -------------------------------------------------------------------------

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


def district_name(key: object) -> str:
    """Pinyin label with the year its measures apply to: ``qujiang`` → ``Qujiang 2023``.

    Districts' policies apply to different years (Qujiang's to 2023, the others' to 2024); putting the
    year in every label means no figure or table column can hide the difference. A city key gets
    ``(city)``.
    """
    if is_missing(key):
        return ""
    key = str(key)
    label = key.replace("_", " ").title()
    years = sorted({doc.year for doc in params_mod.documents()
                    if doc.district == key and doc.kind in ("policy", "city_work_report")})
    if years:
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


@functools.lru_cache(maxsize=None)
def _domain_labels() -> dict[str, tuple[str, str]]:
    from .clauses import domain_rules

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
    from .vocab import DATA_DIR, read_yaml

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


# --- loading ----------------------------------------------------------------------------------

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


# --- the report context -----------------------------------------------------------------------

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


STYLE: dict[str, Any] = {}


def setup_figures() -> None:
    """The fixed figure style (also applied around every figure, so a user's settings don't leak in).

    Seaborn's whitegrid/notebook look, from the style sheets matplotlib ships (importing seaborn would
    cost every kernel a second for two dictionaries). DejaVu Sans, bundled with matplotlib, comes first
    so text is measured the same on every machine; the SVG names fallbacks for the reader's browser.
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


def start(report: str, **values: Any) -> Report:
    """Validate the notebook's parameters (before any other work), then title and summarise it."""
    checked = params_mod.validate(report, **values)
    setup_figures()
    reset_ids("-".join([report, *(_param_text(v) for v in checked.values())]))
    title, summary = SUMMARIES[report](checked)
    notes = []
    try:
        from .build import is_stale

        # `policycmp report` builds right before it runs the notebooks; elsewhere, say when data is old.
        if not os.environ.get("POLICYCMP_IN_REPORT") and is_stale():
            notes.append("The processed tables were built from other inputs than the current raw data and code: "
                         "run `policycmp build` (or `policycmp report`, which builds first) to refresh them.")
    except Exception:  # a broken registry is reported by the build itself
        pass
    return Report(report, checked, title, summary, notes)


# --- figures ----------------------------------------------------------------------------------

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
    from .html import IDS

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


def _legend_below(ax: Any, handles: list | None = None, labels: list | None = None, ncol: int = 4) -> None:
    kwargs = {} if handles is None else {"handles": handles, "labels": labels}
    ax.legend(**kwargs, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=ncol, fontsize=8)


def _patch(colour: str, hatch: str | None = None):
    from matplotlib.patches import Patch

    return Patch(facecolor=colour, edgecolor="#555555", hatch=hatch, linewidth=0.5)


# --- shared shaping ---------------------------------------------------------------------------

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


def _domain_sort(series: pd.Series) -> pd.Series:
    order = {key: i for i, key in enumerate(DOMAINS)}
    return series.map(lambda d: order.get(d, len(order)) if isinstance(d, str) else len(order) + 1)


def _bar_label(ax: Any, bars: Any, labels: list[str], **kwargs: Any) -> None:
    ax.bar_label(bars, labels=labels, padding=2, fontsize=7, **kwargs)


# === 01 corpus overview ==========================================================================

def _overview_summary(p: dict[str, Any]) -> tuple[str, str]:
    docs = params_mod.documents()
    kinds = pd.Series([d.kind for d in docs]).value_counts()
    parts = [f"{len(docs)} documents ({kinds.get('policy', 0)} policies, {kinds.get('outcome_report', 0)} outcome "
             f"report, {kinds.get('city_work_report', 0)} city work report)"]
    clauses = maybe("clauses")
    if clauses is not None:
        numbered = int((clauses["row_kind"] == "clause").sum())
        parts.append(f"{len(clauses)} body rows ({numbered} numbered clauses) across "
                     f"{clauses['district'].nunique()} districts")
    quantities = maybe("quantities")
    parts.append(f"{len(quantities)} quantities" if quantities is not None else "quantities not built yet")
    anomalies = maybe("anomalies")
    if anomalies is not None:
        parts.append(f"{len(anomalies)} anomalies found by the build")
    return "Corpus overview", "; ".join(parts) + "."


@section
def documents(report: Report) -> Part:
    """The registered documents, with how many body rows and quantities each gave."""
    clauses = load("clauses")
    quantities = maybe("quantities")
    rows = []
    for doc in params_mod.documents():
        n_rows = int((clauses["doc_id"] == doc.id).sum())
        n_q = int((quantities["doc_id"] == doc.id).sum()) if quantities is not None else None
        rows.append({"Document": doc.id, "Kind": doc.kind.replace("_", " "), "District": district_name(doc.district),
                     "中文": doc.district_zh, "Year": doc.year, "Status": doc.status, "Issued": doc.issued,
                     "Title": doc.title, "Body rows": n_rows if doc.kind == "policy" else None,
                     "Quantities": n_q if doc.kind == "policy" else None, "File": doc.path.name})
    return block(Table(pd.DataFrame(rows), caption="Documents in data/raw/sources.yaml", long=["Title"],
                       note="Body rows and quantities are counted for the policy documents; the outcome report "
                            "and the city work report feed the outcomes and targets tables."))


@section
def clauses_by_domain(report: Report) -> Part:
    """Numbered clauses and quantities per domain and district: a figure and two tables."""
    clauses = load("clauses")
    quantities = maybe("quantities")
    districts = [d for d in district_keys() if d in set(clauses["district"])]
    numbered = clauses[clauses["row_kind"] == "clause"]
    domains = [d for d in DOMAINS if d in set(clauses["domain"].dropna())]
    count_c = numbered.groupby(["domain", "district"]).size()
    count_q = quantities.groupby(["domain", "district"]).size() if quantities is not None else pd.Series(dtype=int)

    panels = [("Numbered clauses", count_c)] + ([("Quantities stated", count_q)] if quantities is not None else [])
    with figure(4.2 * len(panels) + 1.0, 0.42 * len(domains) + 1.6, 1, len(panels), sharey=True) as (fig, axes):
        for ax, (title, counts) in zip(axes[0], panels):
            height = 0.8 / max(len(districts), 1)
            for j, district in enumerate(districts):
                values = [int(counts.get((dom, district), 0)) for dom in domains]
                ys = [i - 0.4 + height * (j + 0.5) for i in range(len(domains))]
                bars = ax.barh(ys, values, height=height, color=district_colour(district), label=district_name(district))
                _bar_label(ax, bars, [str(v) if v else "" for v in values])
            ax.set_yticks(range(len(domains)), [domain_name(d) for d in domains])
            ax.set_ylim(len(domains) - 0.5, -0.5)  # first domain on top (the axes share y: no invert twice)
            ax.set_title(title)
            ax.set_xlabel("count")
        axes[0][0].legend(loc="lower right", fontsize=8)
        fig_part = svg(fig, caption="Numbered clauses and quantities per domain and district. Domains: "
                       + "; ".join(f"{domain_name(d)} = {domain_zh(d)}" for d in domains) + ".",
                       alt="Bar chart of clauses and quantities per domain and district")

    def table(counts: pd.Series, caption: str) -> Table:
        rows = []
        for dom in domains:
            row = {"Domain": domain_name(dom), "中文": domain_zh(dom)}
            for district in districts:
                row[district_name(district)] = int(counts.get((dom, district), 0))
            row["All districts"] = sum(int(counts.get((dom, d), 0)) for d in districts)
            rows.append(row)
        total = {"Domain": "All domains", "中文": "合计"}
        for district in districts:
            total[district_name(district)] = int(sum(counts.get((dom, district), 0) for dom in domains))
        total["All districts"] = int(sum(v for k, v in total.items() if k not in ("Domain", "中文")))
        rows.append(total)
        return Table(pd.DataFrame(rows), caption=caption)

    parts: list[Part] = [fig_part, table(count_c, "Numbered clauses by domain and district")]
    if quantities is not None:
        closing = int(quantities["domain"].isna().sum())
        parts.append(table(count_q, "Quantities by domain and district (section preambles included)"))
        if closing:
            parts.append(Paragraph(f"{closing} further quantities are in closing text that belongs to no domain."))
        kinds = quantities.groupby(["kind", "district"]).size()
        rows = []
        for kind in [k for k in KIND_NAMES if k in set(quantities["kind"])] + sorted(
                set(quantities["kind"].dropna()) - set(KIND_NAMES)):
            row = {"Kind": KIND_NAMES.get(kind, kind)}
            for district in districts:
                row[district_name(district)] = int(kinds.get((kind, district), 0))
            rows.append(row)
        parts.append(Table(pd.DataFrame(rows), caption="Quantities by kind and district"))
    else:
        parts.append(Notice(str(TableMissing("quantities"))))
    return block(*parts)


@section
def anomalies(report: Report, district: str | None = None) -> Part:
    """What the build found odd in the documents (duplicate or skipped clause numbers, …)."""
    table = load("anomalies")
    if district is not None:
        ids = {d.id for d in params_mod.documents() if d.district == district}
        table = table[table["doc_id"].isin(ids)]
    table = table.sort_values(["doc_id", "line", "kind"], kind="stable")
    shown = pd.DataFrame({"Document": table["doc_id"], "File": table["file"], "Line": table["line"].astype("int64"),
                          "Kind": table["kind"].map(lambda k: _str(k).replace("_", " ")), "Message": table["message"]})
    if shown.empty:
        return block(Paragraph("The build found no anomaly" + (" in this district's documents." if district else ".")))
    return block(Table(shown.reset_index(drop=True), caption="Anomalies recorded by policycmp build", long=["Message"]))


# === 02 subsidy levels ===========================================================================

def _comparisons(districts: list[str]) -> pd.DataFrame:
    table = load("comparisons")
    table = table[table["district"].isin(districts)].copy()
    table["value"] = _num(table["value"])
    table["value_high"] = _num(table["value_high"]) if "value_high" in table else float("nan")
    table["stated"] = table["stated"].map(lambda v: bool(v) if not is_missing(v) else False)
    return table


def instrument_domain(key: str) -> str | None:
    return instrument_labels().get(key, {}).get("domain") or None


def _instrument_order(keys: list[str]) -> list[str]:
    """Instruments grouped by their domain (in domain order), vocabulary order within a domain."""
    vocab = list(instrument_labels())
    position = {k: i for i, k in enumerate(vocab)}
    domains = {d: i for i, d in enumerate(DOMAINS)}
    return sorted(set(keys), key=lambda k: (domains.get(instrument_domain(k) or "", len(domains)),
                                            position.get(k, len(position)), k))


def _level_order(levels: list[object]) -> list[object]:
    known = [lv for lv in LEVELS if lv in levels]
    return known + sorted(str(lv) for lv in levels if not is_missing(lv) and lv not in LEVELS) + (
        [None] if any(is_missing(lv) for lv in levels) else [])


def _subsidy_grid(table: pd.DataFrame, districts: list[str]) -> list[dict[str, Any]]:
    """One entry per instrument × level × district: category (amount / no_amount / absent) and rows."""
    grid = []
    for instrument in _instrument_order(list(table["instrument"].dropna())):
        rows = table[table["instrument"] == instrument]
        levels = _level_order(list(dict.fromkeys(rows.loc[rows["stated"], "level"].tolist()))) or [None]
        for level in levels:
            for district in districts:
                here = rows[rows["district"] == district]
                at = here[here["level"].isna()] if level is None else here[here["level"] == level]
                stated = at[at["stated"]]
                with_amount = stated[stated["value"].notna()]
                category = "amount" if len(with_amount) else "no_amount" if len(stated) else "absent"
                grid.append({"instrument": instrument, "level": level, "district": district, "category": category,
                             "rows": with_amount if len(with_amount) else stated})
    return grid


def _grid_cell(entry: dict[str, Any]) -> Cell | str:
    rows = entry["rows"]
    if entry["category"] == "amount":
        return _cell_or_text([amount_cell(r.value, r.unit, r.value_high, r.bound, clause_id=r.clause_id, span=r.span)
                              for r in rows.itertuples()])
    if entry["category"] == "no_amount":
        tips = [f"clause {_str(r.clause_id)} · 「{_str(r.span)}」" for r in rows.itertuples()]
        return Cell("stated, no amount", title=" | ".join(dict.fromkeys(tips)), cls="pc-noamount", sort=-1)
    return Cell("absent", title="the document does not have this measure", cls="pc-absent", sort=-2)


def _subsidies_summary(p: dict[str, Any]) -> tuple[str, str]:
    names = ", ".join(district_name(d) for d in p["districts"])
    try:
        table = _comparisons(p["districts"])
    except TableMissing:
        return "Subsidy levels", f"Subsidy instruments of {names}: the comparisons table is not built yet."
    instruments = sorted(set(table["instrument"].dropna()))
    amount = no_amount = absent = 0
    for instrument in instruments:
        for district in p["districts"]:
            here = table[(table["instrument"] == instrument) & (table["district"] == district) & table["stated"]]
            if here["value"].notna().any():
                amount += 1
            elif len(here):
                no_amount += 1
            else:
                absent += 1
    return "Subsidy levels", (
        f"{len(instruments)} subsidy instruments across {names}: {amount} district–instrument pairs state an amount, "
        f"{no_amount} state the measure without one, {absent} are absent.")


def _short_label(text: str, width: int = 48) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


@section
def subsidy_matrix(report: Report) -> Part:
    """Each instrument and level side by side across districts; 'stated, no amount' ≠ 'absent'."""
    districts = report["districts"]
    table = _comparisons(districts)
    grid = _subsidy_grid(table, districts)
    if not grid:
        return Notice("The comparisons table has no row for these districts.")
    keys = list(dict.fromkeys((g["instrument"], g["level"]) for g in grid))
    lookup = {(g["instrument"], g["level"], g["district"]): g for g in grid}

    import numpy as np
    from matplotlib.colors import ListedColormap

    categories = ["amount", "no_amount", "absent", "header"]
    lines: list[tuple[str, Any, Any]] = []  # ("header", domain, None) or ("cell", instrument, level)
    current: object = ()
    for instrument, level in keys:
        dom = instrument_domain(instrument)
        if dom != current:
            lines.append(("header", dom, None))
            current = dom
        lines.append(("cell", instrument, level))
    matrix = np.array([[3] * len(districts) if kind == "header" else
                       [categories.index(lookup[(a, b, d)]["category"]) for d in districts] for kind, a, b in lines])
    with figure(3.6 + 1.7 * len(districts), 0.27 * len(lines) + 1.3) as (fig, axes):
        ax = axes[0][0]
        ax.imshow(matrix, cmap=ListedColormap([CATEGORY_COLOURS[c] for c in categories[:3]] + ["#ffffff"]),
                  vmin=0, vmax=3, aspect="auto", interpolation="nearest")
        labels = []
        for r, (kind, a, b) in enumerate(lines):
            if kind == "header":
                labels.append(domain_name(a).upper() if a else "OTHER")
                continue
            labels.append(f"{_short_label(instrument_name(a), 44)} · {level_name(b)}")
            for c, district in enumerate(districts):
                entry = lookup[(a, b, district)]
                if entry["category"] == "amount":
                    label = " / ".join(dict.fromkeys(_short_amount(x) for x in entry["rows"].itertuples()))
                else:
                    label = {"no_amount": "no amount", "absent": "absent"}[entry["category"]]
                ax.text(c, r, _short_label(label, 22), ha="center", va="center", fontsize=7,
                        color="#222222" if entry["category"] != "absent" else "#999999",
                        style="italic" if entry["category"] == "no_amount" else "normal")
        ax.set_xticks(range(len(districts)), [district_name(d) for d in districts])
        ax.xaxis.tick_top()
        ax.set_yticks(range(len(lines)), labels, fontsize=7)
        for tick, (kind, _, _) in zip(ax.get_yticklabels(), lines):
            if kind == "header":
                tick.set_fontweight("bold")
        ax.set_xticks([x - 0.5 for x in range(1, len(districts))], minor=True)
        ax.set_yticks([y - 0.5 for y in range(1, len(lines))], minor=True)
        ax.grid(False)
        ax.grid(which="minor", color="white", linewidth=1.5)
        ax.tick_params(which="both", length=0)
        _legend_below(ax, [_patch(CATEGORY_COLOURS[c]) for c in categories[:3]],
                      ["amount stated", "stated without an amount", "absent"], ncol=3)
        ax.get_legend().set_bbox_to_anchor((0.5, -0.3 / max(len(lines), 1) - 0.01))
        caption = ("Each instrument and award level by district, grouped by policy domain (¥ = yuan; k = thousand, "
                   "M = million; ≤ at most, ≥ at least, ≈ about). The table below gives the Chinese names and, on "
                   "hover, the exact yuan with its clause and source span. Levels: "
                   + ", ".join(f"{LEVEL_NAMES[lv]} = {LEVEL_ZH[lv]}" for lv in LEVELS) + ".")
        fig_part = svg(fig, caption=caption, alt="Grid of subsidy instruments by level and district")

    rows = []
    for instrument, level in keys:
        row = {"Domain": domain_name(instrument_domain(instrument)) if instrument_domain(instrument) else "",
               "Instrument": instrument_name(instrument), "中文": instrument_zh(instrument), "Level": level_name(level)}
        for district in districts:
            row[district_name(district)] = _grid_cell(lookup[(instrument, level, district)])
        rows.append(row)
    note = ("'stated, no amount': the document has the measure but names no figure (e.g. 给予相应奖励); 'absent': the "
            "document does not have it. Hover a cell for the exact figure, its clause and source span.")
    return block(fig_part, Table(pd.DataFrame(rows), caption="Subsidy instruments by level and district", note=note))


def _short_amount(row: Any) -> str:
    """ASCII amount for a figure cell."""
    mark = {"max": "≤", "min": "≥", "approx": "≈"}.get(_str(row.bound), "")
    unit = _str(row.unit)
    if unit == "CNY":
        text = short_money(row.value) + (f"–{short_money(row.value_high)[1:]}" if not is_missing(row.value_high) else "")
    elif unit == "%":
        text = f"{row.value:g}%" if is_missing(row.value_high) else f"{row.value:g}–{row.value_high:g}%"
    elif unit == "USD":
        text = "$" + short_money(row.value)[1:]
    elif unit.startswith("CNY/"):
        per = unit[4:] if unit[4:].isascii() else "unit"  # figures carry no CJK glyph
        text = f"¥{row.value:g}/{per}"
    else:
        text = f"{row.value:g} {unit}"
    return mark + text


@section
def subsidy_rows(report: Report) -> Part:
    """Every row of the comparisons table for these districts, with its clause and span."""
    table = _comparisons(report["districts"])
    order = {k: i for i, k in enumerate(_instrument_order(list(table["instrument"].dropna())))}
    table = table.assign(_i=table["instrument"].map(order),
                         _l=table["level"].map(lambda lv: LEVELS.index(lv) if lv in LEVELS else len(LEVELS)),
                         _d=table["district"].map({d: i for i, d in enumerate(district_keys())}))
    table = table.sort_values(["_i", "_l", "_d"], kind="stable")
    rows = []
    for r in table.itertuples():
        status = "amount" if r.stated and not is_missing(r.value) else "stated, no amount" if r.stated else "absent"
        rows.append({
            "Instrument": instrument_name(r.instrument), "Level": level_name(r.level),
            "District": district_name(r.district), "Year": int(r.year),
            "Amount": amount_cell(r.value, r.unit, r.value_high, r.bound, clause_id=r.clause_id, span=r.span)
            if status == "amount" else Cell(status, cls="pc-noamount" if r.stated else "pc-absent"),
            "Exact value": _exact(r.value), "Unit": _str(r.unit), "Bound": _str(r.bound),
            "Clause": _str(r.clause_id), "Span": _str(r.span)})
    return block(Table(pd.DataFrame(rows), caption="Subsidy instruments, one row per district × instrument × level",
                       long=["Span"], note="Exact value: in base units (yuan, US dollars or percent points)."))


# === 03 budgets ==================================================================================

def _budgets(districts: list[str]) -> pd.DataFrame:
    table = load("budgets")
    table = table[table["district"].isin(districts)].copy()
    table["value"] = _num(table["value"])
    if "role" not in table:
        # Without the build's role column: a row without a domain is a total, one with a domain an allocation.
        table["role"] = table["domain"].map(lambda d: "total" if is_missing(d) else "allocation")
    return table


def _budget_parts(table: pd.DataFrame, district: str) -> dict[str, Any]:
    """A district's stated total, its per-domain allocations and its earmarked items."""
    here = table[table["district"] == district]
    role = here["role"].map(_str)
    totals = here[here["domain"].isna() & (role != "item")]
    allocations = here[here["domain"].notna() & (role != "item")]
    items = here[role == "item"]
    stated = totals["value"].max() if len(totals) else None
    stated = None if is_missing(stated) else float(stated)
    parts_sum = float(allocations["value"].sum()) if len(allocations) else None
    return {"rows": here, "totals": totals, "allocations": allocations, "items": items, "stated": stated,
            "sum": parts_sum, "base": stated if stated is not None else parts_sum}


def _allocation(parts: dict[str, Any], dom: str) -> tuple[float | None, pd.DataFrame]:
    rows = parts["allocations"][parts["allocations"]["domain"] == dom]
    return (float(rows["value"].sum()) if len(rows) else None), rows


def _sources(rows: pd.DataFrame) -> str:
    return " | ".join(f"clause {_str(r.clause_id)} · 「{_str(r.span)}」" for r in rows.itertuples())


def _budget_summary(p: dict[str, Any]) -> tuple[str, str]:
    try:
        table = _budgets(p["districts"])
    except TableMissing:
        return "Budgets", "Budgets by domain: the budgets table is not built yet."
    parts = []
    for district in p["districts"]:
        info = _budget_parts(table, district)
        n = len(info["allocations"])
        breakdown = f"{n} domain allocation{'s' if n != 1 else ''}"
        if info["stated"] is not None:
            parts.append(f"{district_name(district)} {format_amount(info['stated'], 'CNY')} in total, {breakdown}")
        elif info["sum"] is not None:
            parts.append(f"{district_name(district)} no stated total, {breakdown} summing to "
                         f"{format_amount(info['sum'], 'CNY')}")
        else:
            parts.append(f"{district_name(district)} no budget figure")
    checks = _checks(table, p["districts"])
    passed = sum(1 for c in checks if c["ok"] is True)
    judged = sum(1 for c in checks if c["ok"] is not None)
    return "Budgets", f"{'; '.join(parts)}. {passed} of {judged} applicable consistency checks pass."


@section
def budget_allocations(report: Report) -> Part:
    """Per-domain allocations and shares, by district, with the stated totals."""
    districts = report["districts"]
    table = _budgets(districts)
    if table.empty:
        return Notice("The budgets table has no row for these districts.")
    domains = [d for d in DOMAINS if d in set(table["domain"].dropna())]
    info = {d: _budget_parts(table, d) for d in districts}
    colours = {dom: PALETTE[i % len(PALETTE)] for i, dom in enumerate(DOMAINS)}
    rest = "#d9d9d9"
    parts: list[Part] = []
    plotted = [d for d in districts if info[d]["base"]]
    if plotted:
        from matplotlib.lines import Line2D

        with figure(10.5, 0.6 * len(plotted) + 2.4, 1, 2) as (fig, axes):
            amount_ax, share_ax = axes[0]
            for y, district in enumerate(plotted):
                base = info[district]["base"]
                left = 0.0
                for dom in domains:
                    value, _ = _allocation(info[district], dom)
                    if not value:
                        continue
                    amount_ax.barh(y, value / 1e8, left=left / 1e8, color=colours[dom], edgecolor="white")
                    share_ax.barh(y, 100 * value / base, left=100 * left / base, color=colours[dom], edgecolor="white")
                    if value / base >= 0.08:
                        share_ax.text(100 * (left + value / 2) / base, y, f"{100 * value / base:.0f}%", ha="center",
                                      va="center", fontsize=7, color="white")
                    left += value
                if left < base:  # the part of a stated total not broken down by domain
                    amount_ax.barh(y, (base - left) / 1e8, left=left / 1e8, color=rest, edgecolor="white", hatch="//")
                    share_ax.barh(y, 100 * (base - left) / base, left=100 * left / base, color=rest, edgecolor="white",
                                  hatch="//")
                if info[district]["stated"] is not None:
                    amount_ax.plot([info[district]["stated"] / 1e8] * 2, [y - 0.42, y + 0.42], color="#222222",
                                   linewidth=2)
                    amount_ax.text(info[district]["stated"] / 1e8, y - 0.45, f" total {short_money(info[district]['stated'])}",
                                   fontsize=7, va="bottom")
            for ax in (amount_ax, share_ax):
                ax.set_yticks(range(len(plotted)), [district_name(d) for d in plotted])
                ax.set_ylim(len(plotted) - 0.5, -0.7)
            amount_ax.set_xlabel("100 million yuan")
            amount_ax.margins(x=0.12)
            amount_ax.set_title("Budget by domain")
            share_ax.set_xlabel("% of the district's total (stated, else the sum of its allocations)")
            share_ax.set_xlim(0, 100)
            share_ax.set_title("Shares")
            handles = [_patch(colours[d]) for d in domains] + [_patch(rest, "//"), Line2D([0], [0], color="#222222",
                                                                                          linewidth=2)]
            labels = [domain_name(d) for d in domains] + ["not broken down by domain", "stated document-wide total"]
            fig.legend(handles, labels, loc="outside lower center", ncol=3, fontsize=8)
            parts.append(svg(fig, caption="Budget per domain in units of 100 million yuan (1 亿元 = 100,000,000 yuan), "
                             "and each domain's share. Grey hatching: the part of a stated total the document does "
                             "not allocate to a domain. Domains: " + "; ".join(
                                 f"{domain_name(d)} = {domain_zh(d)}" for d in domains) + ".",
                             alt="Stacked bars of budget allocations by domain and district"))
    rows = []
    for dom in domains:
        row: dict[str, Any] = {"Domain": domain_name(dom), "中文": domain_zh(dom)}
        for district in districts:
            value, here = _allocation(info[district], dom)
            base = info[district]["base"]
            row[district_name(district)] = (
                Cell(format_amount(value, "CNY"), title=f"{exact_amount(value, 'CNY')} · {_sources(here)}", sort=value)
                if value is not None else Cell("—", cls="pc-absent", title="no allocation stated for this domain"))
            row[f"{district_name(district)} share"] = (
                Cell(f"{100 * value / base:.1f}%", sort=value / base) if value is not None and base else "")
        rows.append(row)
    sum_row: dict[str, Any] = {"Domain": "Sum of the domain allocations", "中文": "各领域合计"}
    stated_row: dict[str, Any] = {"Domain": "Stated document-wide total", "中文": "总额(文件所述)"}
    for district in districts:
        s, base = info[district]["sum"], info[district]["base"]
        sum_row[district_name(district)] = (Cell(format_amount(s, "CNY"), title=exact_amount(s, "CNY"), sort=s)
                                            if s is not None else Cell("—", cls="pc-absent"))
        sum_row[f"{district_name(district)} share"] = Cell(f"{100 * s / base:.1f}%", sort=s / base) if s and base else ""
        stated_row[district_name(district)] = _cell_or_text([
            amount_cell(r.value, "CNY", None, r.bound, clause_id=r.clause_id, span=r.span)
            for r in info[district]["totals"].itertuples()]) or Cell("not stated", cls="pc-absent")
        stated_row[f"{district_name(district)} share"] = ""
    rows.extend([sum_row, stated_row])
    parts.append(Table(pd.DataFrame(rows), caption="Allocations per domain, shares and totals",
                       note="Share: of the stated document-wide total, or of the sum of the allocations where no total "
                            "is stated. Earmarked items inside a domain (e.g. consumption vouchers) are not "
                            "allocations; they are listed with every budget figure below. Hover an amount for the "
                            "exact yuan, its clause and span."))
    return block(*parts)


def _checks(table: pd.DataFrame, districts: list[str]) -> list[dict[str, Any]]:
    """Consistency checks of the budget figures: ok True / False, or None when not applicable."""
    clauses = maybe("clauses")
    out = []

    def add(district: str, check: str, ok: bool | None, detail: str) -> None:
        out.append({"district": district_name(district), "check": check, "ok": ok, "detail": detail})

    for district in districts:
        info = _budget_parts(table, district)
        here = info["rows"]
        check = "the domain allocations add up to the stated total"
        if info["stated"] is not None and info["sum"] is not None:
            diff = info["sum"] - info["stated"]
            ok = abs(diff) <= 0.005 * info["stated"]
            add(district, check, ok, f"sum {format_amount(info['sum'], 'CNY')} vs stated "
                f"{format_amount(info['stated'], 'CNY')}" + ("" if ok else f" (difference {format_amount(diff, 'CNY')})"))
        elif info["stated"] is not None:
            add(district, check, None, "a total is stated without a per-domain breakdown")
        elif info["sum"] is not None:
            add(district, check, None, "allocations are stated without a document-wide total")
        else:
            add(district, check, None, "no budget figure")
        if len(info["totals"]) > 1:
            values = sorted(set(info["totals"]["value"].dropna()))
            add(district, "one document-wide total", len(values) == 1,
                ", ".join(format_amount(v, "CNY") for v in values))
        if clauses is not None and len(info["allocations"]):
            with_clauses = set(clauses[(clauses["district"] == district) & clauses["domain"].notna()]["domain"])
            missing = [d for d in DOMAINS if d in with_clauses and d not in set(info["allocations"]["domain"])]
            add(district, "every domain with clauses has an allocation", not missing,
                "none missing" if not missing else "missing: " + ", ".join(map(domain_name, missing)))
        if len(info["allocations"]):
            doubles = info["allocations"].groupby("domain").size()
            doubles = doubles[doubles > 1]
            add(district, "one allocation per domain", doubles.empty, "one each" if doubles.empty else "; ".join(
                f"{domain_name(d)}: {n} figures (summed)" for d, n in doubles.items()))
        for item in info["items"].itertuples():
            value, _ = _allocation(info, item.domain)
            if value is not None:
                add(district, "an earmarked item fits in its domain's allocation", item.value <= value,
                    f"{_str(item.scope) or 'item'} {format_amount(item.value, 'CNY')} within "
                    f"{domain_name(item.domain)} {format_amount(value, 'CNY')}")
        if len(here):
            units = sorted(set(here["unit"].dropna().astype(str)) - {"CNY"})
            add(district, "every budget amount is in yuan", not units,
                "all CNY" if not units else "other units: " + ", ".join(units))
            unsourced = int((here["clause_id"].isna() | here["span"].isna()).sum())
            add(district, "every figure has its clause and span", unsourced == 0,
                "all sourced" if not unsourced else f"{unsourced} without clause or span")
    return out


@section
def budget_checks(report: Report) -> Part:
    table = _budgets(report["districts"])
    checks = _checks(table, report["districts"])
    rows = [{"District": c["district"], "Check": c["check"],
             "Result": Cell("n/a", cls="pc-absent") if c["ok"] is None else
             Cell("ok", cls="pc-ok") if c["ok"] else Cell("mismatch", cls="pc-bad"),
             "Detail": c["detail"]} for c in checks]
    return block(Table(pd.DataFrame(rows, columns=["District", "Check", "Result", "Detail"]),
                       caption="Consistency checks of the budget figures",
                       note="n/a: the check needs a figure the document does not state."))


@section
def budget_rows(report: Report) -> Part:
    table = _budgets(report["districts"])
    table = table.assign(_d=table["district"].map({d: i for i, d in enumerate(district_keys())}),
                         _m=_domain_sort(table["domain"])).sort_values(["_d", "_m"], kind="stable")
    rows = [{"District": district_name(r.district), "Year": int(r.year),
             "Domain": domain_name(r.domain) if not is_missing(r.domain) else "(whole document)",
             "Role": _str(r.role), "Amount": amount_cell(r.value, r.unit, None, r.bound, clause_id=r.clause_id,
                                                          span=r.span),
             "Exact yuan": _exact(r.value), "Bound": _str(r.bound), "Scope": _str(getattr(r, "scope", None)),
             "Clause": _str(r.clause_id), "Span": _str(r.span)} for r in table.itertuples()]
    return block(Table(pd.DataFrame(rows), caption="Every budget figure", long=["Span"],
                       note="Role: total (the whole document), allocation (a domain's budget) or item (money "
                            "earmarked for one measure inside a domain)."))


# === 04 targets ==================================================================================

def _targets() -> pd.DataFrame:
    table = load("targets")
    table["value"] = _num(table["value"])
    table["value_high"] = _num(table["value_high"]) if "value_high" in table else float("nan")
    return table


def _target_columns(p: dict[str, Any]) -> list[str]:
    return [*p["districts"], p["city"]]


def _targets_summary(p: dict[str, Any]) -> tuple[str, str]:
    names = ", ".join(district_name(d) for d in p["districts"])
    try:
        table = _targets()
    except TableMissing:
        return "Targets", f"Targets of {names}: the targets table is not built yet."
    mine = table[table["district"].isin(p["districts"])]
    city = table[table["district"] == p["city"]]
    indicators = set(mine["indicator"].dropna())
    shared = indicators & set(city["indicator"].dropna())
    return "Targets", (f"{len(indicators)} indicators across {names}, {len(shared)} of them with a "
                       f"{district_name(p['city'])} target beside them; {len(mine)} district target rows, "
                       f"{int(mine['indicator'].isna().sum())} outside the indicator vocabulary.")


def _indicator_order(keys: list[str]) -> list[str]:
    return _order(keys, indicator_labels())


@section
def target_matrix(report: Report) -> Part:
    """Each indicator across districts with the city's target beside them."""
    table = _targets()
    columns = _target_columns(report.params)
    table = table[table["district"].isin(columns) & table["indicator"].notna()]
    indicators = _indicator_order(sorted(set(table["indicator"])))
    if not indicators:
        return Notice("No target of these districts maps to an indicator of the vocabulary.")
    parts: list[Part] = []
    # The figure compares: an indicator is drawn when at least two of the districts and the city state it.
    plotted = [i for i in indicators
               if table[(table["indicator"] == i) & table["value"].notna()]["district"].nunique() >= 2
               and table[(table["indicator"] == i) & table["value"].notna()]["district"].isin(report["districts"]).any()]
    if plotted:
        ncols = 2 if len(plotted) > 1 else 1
        nrows = math.ceil(len(plotted) / ncols)
        markers = {"max": "<", "min": ">", "approx": "o", "exact": "D"}
        with figure(5.2 * ncols, 0.35 * len(columns) * nrows + 1.2 * nrows + 0.6, nrows, ncols) as (fig, axes):
            flat = [ax for row in axes for ax in row]
            for ax, indicator in zip(flat, plotted):
                rows = table[table["indicator"] == indicator]
                units = sorted(set(rows["unit"].dropna().astype(str)))
                scale, unit_label = (1e8, "100M yuan") if units == ["CNY"] else (1, units[0] if units else "")
                for y, district in enumerate(report["districts"]):
                    for r in rows[rows["district"] == district].itertuples():
                        if is_missing(r.value):
                            continue
                        colour = district_colour(district)
                        if not is_missing(r.value_high):
                            ax.plot([r.value / scale, r.value_high / scale], [y, y], color=colour, linewidth=3)
                        ax.plot([r.value / scale], [y], marker=markers.get(_str(r.bound), "o"), color=colour,
                                markersize=7, linestyle="none")
                city_rows = rows[(rows["district"] == report["city"]) & rows["value"].notna()]
                for i, r in enumerate(city_rows.itertuples()):
                    ax.axvline(r.value / scale, color=district_colour(report["city"]), linestyle="--", linewidth=1.2,
                               label=f"{district_name(report['city'])} target" if i == 0 else None)
                ax.set_yticks(range(len(report["districts"])), [district_name(d) for d in report["districts"]])
                ax.set_ylim(len(report["districts"]) - 0.5, -0.5)
                ax.set_title(f"{indicator_name(indicator)}" + (f" ({unit_label})" if unit_label else ""), fontsize=9)
                ax.margins(x=0.15)
                from matplotlib.ticker import FuncFormatter

                ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: _compact(v)))
                if len(city_rows):
                    ax.legend(fontsize=7, loc="best")
            for ax in flat[len(plotted):]:
                ax.set_visible(False)
            caption = ("Indicators that at least two of the districts and the city set a target for, by district; the "
                       "dashed line is the city's target. Markers: ▶ at "
                       "least (≥), ◀ at most (≤), ● about (≈), ◆ exactly; a bar is a range. Indicators: " + "; ".join(
                           f"{indicator_name(i)} = {'/'.join(_zh_terms(table, i)) or '—'}" for i in plotted) + ".")
            parts.append(svg(fig, caption=caption, alt="Dot plots of targets by indicator and district"))
    rows = []
    for indicator in indicators:
        here = table[table["indicator"] == indicator]
        row: dict[str, Any] = {"Indicator": indicator_name(indicator), "As written": " / ".join(_zh_terms(here, indicator))}
        for district in columns:
            cells = [amount_cell(r.value, r.unit, r.value_high, r.bound, clause_id=r.clause_id, span=r.span)
                     for r in here[here["district"] == district].itertuples()]
            row[district_name(district)] = _cell_or_text(cells) or Cell("—", cls="pc-absent", title="no target stated")
        rows.append(row)
    parts.append(Table(pd.DataFrame(rows), caption="Targets by indicator and district, with the city's target",
                       note="Hover a figure for its exact value, clause and source span. The city column is the "
                            f"{district_name(report['city'])} work report's target; it is the city of "
                            + ", ".join(district_name(d.district) for d in params_mod.documents()
                                        if d.kind == "policy" and d.city == report["city"] and
                                        d.district in report["districts"]) + "."))
    return block(*parts)


def _compact(value: float) -> str:
    """Axis numbers without an offset: 1.5k, 2M, 3bn."""
    for size, name in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:g}{name}"
    return f"{value:g}"


def _zh_terms(table: pd.DataFrame, indicator: str) -> list[str]:
    terms = table[table["indicator"] == indicator]["indicator_zh"].dropna().astype(str)
    return list(dict.fromkeys(terms))[:3]


@section
def target_rows(report: Report, only_unmapped: bool = False) -> Part:
    table = _targets()
    table = table[table["district"].isin(_target_columns(report.params))]
    if only_unmapped:
        table = table[table["indicator"].isna()]
    order = {d: i for i, d in enumerate(_target_columns(report.params))}
    table = table.assign(_d=table["district"].map(order)).sort_values(["_d", "clause_id"], kind="stable")
    rows = [{"District": district_name(r.district), "Year": int(r.year), "Indicator": indicator_name(r.indicator),
             "As written": _str(r.indicator_zh),
             "Target": amount_cell(r.value, r.unit, r.value_high, r.bound, clause_id=r.clause_id, span=r.span),
             "Exact value": _exact(r.value), "Unit": _str(r.unit), "Bound": _str(r.bound),
             "Clause": _str(r.clause_id), "Span": _str(r.span)} for r in table.itertuples()]
    caption = "Targets outside the indicator vocabulary" if only_unmapped else "Every target row"
    if not rows:
        return block(Paragraph("Every target maps to an indicator of the vocabulary." if only_unmapped else "No target."))
    return block(Table(pd.DataFrame(rows), caption=caption, long=["Span"]))


# === 05 target follow-through ====================================================================

def _outcomes(p: dict[str, Any]) -> pd.DataFrame:
    table = load("outcomes")
    table = table[(table["district"] == p["district"]) & (table["year"].astype("int64") == p["year"])].copy()
    for column in ("target_value", "actual_value"):
        table[column] = _num(table[column])
    return table.sort_values("row_no", kind="stable")


def _follow_summary(p: dict[str, Any]) -> tuple[str, str]:
    title = f"Target follow-through: {district_name(p['district'])} {p['year']}"
    who = f"{district_name(p['district'])} {p['year']}"
    try:
        table = _outcomes(p)
    except TableMissing:
        return title, f"{who}: the outcomes table is not built yet."
    counts = table["status"].value_counts()
    linked = int(table["policy_clause_id"].notna().sum())
    return title, (f"{len(table)} targets of {who}'s work report against the reported outcomes — "
                   f"{counts.get('met', 0)} met, {counts.get('not_met', 0)} not met, {counts.get('unclear', 0)} "
                   f"unclear; {linked} repeat a target of the {p['year']} policy.")


def _status_cell(status: object) -> Cell:
    status = _str(status)
    return Cell(STATUS_NAMES.get(status, status or "—"), cls={"met": "pc-ok", "not_met": "pc-bad"}.get(status, "pc-absent"))


@section
def outcome_status(report: Report) -> Part:
    table = _outcomes(report.params)
    if table.empty:
        return Notice("The outcomes table has no row for this district and year.")
    statuses = [s for s in STATUS_NAMES if s in set(table["status"])] + sorted(
        set(table["status"].dropna()) - set(STATUS_NAMES))
    linked = table["policy_clause_id"].notna()
    quantified = table["target_value"].notna()
    numeric = table[quantified & table["actual_value"].notna() & (table["target_value"] != 0)
                    & (table["unit"].map(_str) != "")]
    ncols = 2 if len(numeric) else 1
    groups = [("repeats a policy target", linked), ("quantified target", ~linked & quantified),
              ("qualitative task", ~linked & ~quantified)]
    with figure(5.2 * ncols, max(2.8, 0.24 * len(numeric) + 1.5), 1, ncols) as (fig, axes):
        ax = axes[0][0]
        for y, (_, mask) in enumerate(groups):
            left = 0
            for status in statuses:
                n = int(((table["status"] == status) & mask).sum())
                if n:
                    ax.barh(y, n, left=left, color=STATUS_COLOURS.get(status, "#cccccc"))
                    ax.text(left + n / 2, y, str(n), ha="center", va="center", fontsize=8, color="white")
                    left += n
        ax.set_yticks(range(len(groups)), [g for g, _ in groups])
        ax.invert_yaxis()
        ax.set_xlabel("rows of the outcome report")
        ax.set_title("Status of the targets")
        ax.legend(handles=[_patch(STATUS_COLOURS.get(s, "#cccccc")) for s in statuses],
                  labels=[STATUS_NAMES.get(s, s) for s in statuses], fontsize=8, loc="lower right")
        if len(numeric):
            ax2 = axes[0][1]
            ratio = (100 * numeric["actual_value"] / numeric["target_value"]).tolist()
            labels = [f"row {int(r.row_no)}" + (f": {_short_label(indicator_name(r.indicator), 30)}"
                                                 if not is_missing(r.indicator) else "") for r in numeric.itertuples()]
            ax2.scatter(ratio, range(len(numeric)), c=[STATUS_COLOURS.get(_str(s), "#cccccc") for s in numeric["status"]],
                        s=28, zorder=3)
            ax2.axvline(100, color="#222222", linestyle="--", linewidth=1)
            ax2.set_yticks(range(len(numeric)), labels, fontsize=7)
            ax2.set_ylim(len(numeric) - 0.5, -0.5)
            ax2.set_xlabel("actual as % of target")
            ax2.set_title("Targets with a reported figure")
        fig_part = svg(fig, caption="Rows of the outcome report (目标任务 vs 完成情况) by status; 'repeats a policy "
                       "target': the row's target is also set by a clause of the policy. Right: the reported figure as "
                       "a share of the target, where both are numbers in the same unit (dashed line: 100%). The "
                       "status comes from the build's rules, which allow for 左右 (about) and 以上 (at least).",
                       alt="Bar chart of target statuses")
    return block(fig_part)


def _figure_cell(value: object, unit: object, span: object) -> Cell | str:
    if is_missing(value) and is_missing(span):
        return ""
    text = _str(span) or format_amount(value, unit)
    return Cell(text, title=exact_amount(value, unit) or None, sort=_exact(value))


@section
def outcome_rows(report: Report) -> Part:
    table = _outcomes(report.params)
    titles = _clause_titles()
    rows = []
    for r in table.itertuples():
        rows.append({"Row": int(r.row_no), "Task (target)": _str(r.task), "Completion": _str(r.completion),
                     "Indicator": indicator_name(r.indicator) if not is_missing(r.indicator) else "",
                     "Target": _figure_cell(r.target_value, r.unit, getattr(r, "target_span", None)),
                     "Actual": _figure_cell(r.actual_value, r.unit, getattr(r, "actual_span", None)),
                     "Status": _status_cell(r.status),
                     "Why": _str(getattr(r, "match_reason", None)),
                     "Policy clause": _str(r.policy_clause_id),
                     "Clause title": titles.get(_str(r.policy_clause_id), "")})
    return block(Table(pd.DataFrame(rows), caption="Every row of the outcome report: target against reported outcome",
                       long=["Task (target)", "Completion", "Why"]))


@section
def policy_targets_followed(report: Report) -> Part:
    """The district's policy targets of that year and the outcome rows that report on them."""
    targets = _targets()
    targets = targets[(targets["district"] == report["district"]) & (targets["year"].astype("int64") == report["year"])]
    outcomes = _outcomes(report.params)
    by_clause: dict[str, list[Any]] = {}
    for r in outcomes.itertuples():
        if not is_missing(r.policy_clause_id):
            by_clause.setdefault(str(r.policy_clause_id), []).append(r)

    def reports_on(target: Any, outcome: Any) -> bool:
        # The outcome names the policy span it repeats; match it to the target's own quantity text.
        policy_span = _str(getattr(outcome, "policy_span", None))
        quantity = _str(getattr(target, "quantity_span", None)) or _str(target.span)
        return not policy_span or policy_span == quantity or policy_span in _str(target.span) and policy_span in quantity

    titles = _clause_titles()
    clauses = maybe("clauses")
    seq = dict(zip(clauses["clause_id"], clauses["seq"])) if clauses is not None else {}
    targets = targets.assign(_s=targets["clause_id"].map(lambda c: seq.get(c, 10**6)))
    rows, linked = [], 0
    for r in targets.sort_values(["_s", "clause_id"], kind="stable").itertuples():
        found = [o for o in by_clause.get(_str(r.clause_id), []) if reports_on(r, o)]
        linked += bool(found)
        statuses = sorted({_str(o.status) for o in found})
        rows.append({"Clause": _str(r.clause_id), "Clause title": titles.get(_str(r.clause_id), ""),
                     "Indicator": indicator_name(r.indicator), "As written": _str(r.indicator_zh),
                     "Target": amount_cell(r.value, r.unit, r.value_high, r.bound, clause_id=r.clause_id, span=r.span),
                     "Outcome rows": ", ".join(f"row {int(o.row_no)}" for o in found),
                     "Status": Cell(", ".join(STATUS_NAMES.get(s, s) for s in statuses) if statuses else
                                    "not in the outcome report", cls="pc-ok" if statuses == ["met"] else
                                    "pc-bad" if "not_met" in statuses else "pc-absent"),
                     "Span": _str(r.span)})
    if not rows:
        return block(Paragraph("The targets table has no target of this district and year."))
    return block(Table(pd.DataFrame(rows), caption=f"The {report['year']} policy's targets and the outcome rows that "
                       f"report on them ({linked} of {len(rows)} reported)", long=["Span"]))


# === 06 domain deep-dive =========================================================================

def _domain_summary(p: dict[str, Any]) -> tuple[str, str]:
    dom = p["domain"]
    title = f"Domain deep-dive: {domain_name(dom)} ({domain_zh(dom)})"
    try:
        clauses = load("clauses")
    except TableMissing:
        return title, "The clauses table is not built yet."
    here = clauses[clauses["domain"] == dom]
    numbered = here[here["row_kind"] == "clause"]
    districts = [d for d in district_keys() if d in set(here["district"])]
    quantities = maybe("quantities")
    parts = [f"{len(numbered)} clauses across {len(districts)} district{'s' if len(districts) != 1 else ''} "
             "(" + ", ".join(f"{district_name(d)} {int((numbered['district'] == d).sum())}" for d in districts) + ")"]
    if quantities is not None:
        parts.append(f"{int((quantities['domain'] == dom).sum())} quantities")
    missing = [district_name(d) for d in district_keys() if d not in districts]
    if missing:
        parts.append(f"no such section in {', '.join(missing)}")
    return title, "; ".join(parts) + "."


def _domain_clauses(dom: str) -> pd.DataFrame:
    clauses = load("clauses")
    return clauses[clauses["domain"] == dom]


@section
def domain_overview(report: Report) -> Part:
    dom = report["domain"]
    here = _domain_clauses(dom)
    districts = [d for d in district_keys() if d in set(here["district"])]
    if not districts:
        return Notice(f"No district has a {domain_name(dom)} section.")
    quantities = maybe("quantities")
    numbered = here[here["row_kind"] == "clause"]
    money = None
    if quantities is not None:
        q = quantities[(quantities["domain"] == dom)]
        money = q[(q["unit"] == "CNY") & q["kind"].isin(["subsidy", "budget"])].copy()
        money["value"] = _num(money["value"])
    ncols = 2 if money is not None and len(money) else 1
    with figure(4.6 * ncols + 0.6, 0.55 * len(districts) + 1.8, 1, ncols) as (fig, axes):
        ax = axes[0][0]
        counts = [int((numbered["district"] == d).sum()) for d in districts]
        qcounts = [int(((quantities["domain"] == dom) & (quantities["district"] == d)).sum()) if quantities is not None
                   else 0 for d in districts]
        ys = list(range(len(districts)))
        bars = ax.barh([y - 0.2 for y in ys], counts, height=0.4, color=[district_colour(d) for d in districts],
                       label="clauses")
        _bar_label(ax, bars, [str(c) for c in counts])
        if quantities is not None:
            bars = ax.barh([y + 0.2 for y in ys], qcounts, height=0.4, color=[district_colour(d) for d in districts],
                           alpha=0.45, hatch="//", label="quantities")
            _bar_label(ax, bars, [str(c) for c in qcounts])
        ax.set_yticks(ys, [district_name(d) for d in districts])
        ax.invert_yaxis()
        ax.set_title("Clauses (solid) and quantities (hatched)")
        ax.set_xlabel("count")
        if ncols == 2:
            ax2 = axes[0][1]
            markers = {"subsidy": "o", "budget": "s"}
            for y, district in enumerate(districts):
                for kind, marker in markers.items():
                    values = money[(money["district"] == district) & (money["kind"] == kind)]["value"].dropna()
                    values = values[values > 0]
                    if len(values):
                        jitter = [y + 0.25 * ((i % 5) - 2) / 2 for i in range(len(values))]
                        ax2.scatter(values, jitter, marker=marker, s=22, color=district_colour(district),
                                    alpha=0.8, edgecolor="white", linewidth=0.5)
            ax2.set_xscale("log")
            ax2.set_yticks(ys, [district_name(d) for d in districts])
            ax2.set_ylim(len(districts) - 0.5, -0.5)
            ax2.set_title("Amounts in yuan (log scale)")
            from matplotlib.ticker import FuncFormatter

            ax2.xaxis.set_major_formatter(FuncFormatter(lambda v, _: short_money(v)))
            ax2.legend(handles=[plt_marker(m) for m in markers.values()], labels=["subsidy", "budget"], fontsize=8,
                       loc="lower right")
        fig_part = svg(fig, caption=f"{domain_name(dom)} ({domain_zh(dom)}): clauses and quantities by district"
                       + ("; right: every subsidy (●) and budget (■) amount in yuan, one dot per amount." if ncols == 2
                          else "."), alt=f"Clauses and amounts of the {domain_name(dom)} domain")
    missing = [d for d in district_keys() if d not in districts]
    notes = [Paragraph(f"{', '.join(district_name(d) for d in missing)} ha{'s' if len(missing) == 1 else 've'} no "
                       f"{domain_name(dom)} section.")] if missing else []
    return block(fig_part, *notes)


def plt_marker(marker: str):
    from matplotlib.lines import Line2D

    return Line2D([0], [0], marker=marker, linestyle="none", color="#555555", markersize=6)


@section
def domain_clauses(report: Report) -> Part:
    """Every clause of the domain, side by side: one column per district, in document order."""
    dom = report["domain"]
    here = _domain_clauses(dom).sort_values("seq", kind="stable")
    districts = [d for d in district_keys() if d in set(here["district"])]
    if not districts:
        return Notice(f"No district has a {domain_name(dom)} section.")
    columns = {}
    for district in districts:
        rows = here[here["district"] == district]
        cells = []
        for r in rows.itertuples():
            label = "preamble" if r.row_kind == "preamble" else "closing" if r.row_kind == "closing" else f"clause {r.clause_no}"
            cells.append(Cell(_str(r.text), title=f"{r.clause_id} ({label})"))
        columns[district] = cells
    depth = max(len(c) for c in columns.values())
    frame = pd.DataFrame({
        "#": list(range(1, depth + 1)),
        **{f"{district_name(d)} {district_zh(d)}": columns[d] + [""] * (depth - len(columns[d])) for d in districts}})
    sections = []
    for district in districts:
        first = here[here["district"] == district].iloc[0]
        lead = _str(first["lead_department"])
        sections.append((f"{district_name(district)} section heading", f"{_str(first['section_title'])}"
                         + (f" — lead: {lead}" if lead else "")))
    return block(Facts(sections), Table(frame, caption=f"{domain_name(dom)}: clauses side by side",
                                        long=[c for c in frame.columns if c != "#"],
                                        note="Row n holds each district's n-th piece of the section (its preamble "
                                             "first). Hover a text for its clause_id."))


@section
def domain_quantities(report: Report) -> Part:
    dom = report["domain"]
    quantities = load("quantities")
    q = quantities[quantities["domain"] == dom].copy()
    if q.empty:
        return block(Paragraph(f"No quantity is stated in the {domain_name(dom)} clauses."))
    clauses = load("clauses")
    seq = dict(zip(clauses["clause_id"], clauses["seq"]))
    q["value"] = _num(q["value"])
    q["value_high"] = _num(q["value_high"]) if "value_high" in q else float("nan")
    q = q.assign(_d=q["district"].map({d: i for i, d in enumerate(district_keys())}), _s=q["clause_id"].map(seq))
    q = q.sort_values(["_d", "_s", "start"], kind="stable")
    rows = [{"District": district_name(r.district), "Clause": _str(r.clause_id), "Span": _str(r.span),
             "Amount": amount_cell(r.value, r.unit, r.value_high, r.bound, clause_id=r.clause_id, span=r.span),
             "Exact value": _exact(r.value), "Unit": _str(r.unit), "Kind": KIND_NAMES.get(_str(r.kind), _str(r.kind)),
             "Bound": _str(r.bound), "Level": level_name(r.level) if not is_missing(r.level) else ""}
            for r in q.itertuples()]
    return block(Table(pd.DataFrame(rows), caption=f"{domain_name(dom)}: every quantity", long=["Span"]))


@section
def similar_pairs(report: Report) -> Part:
    """The most similar cross-district pairs of clauses of this domain (``policycmp.similar``).

    Both clauses of a pair are in the domain; for a domain only one district has (the
    element-guarantee lists), the partner may be in any domain of another district.
    """
    dom = report["domain"]
    try:
        from .lookup import similar
    except ImportError:
        return Notice("policycmp.similar is not available yet (policycmp/lookup.py); the pairs appear once it is.")
    clauses = load("clauses")
    here = clauses[(clauses["domain"] == dom) & (clauses["row_kind"] == "clause")]
    if here.empty:
        return block(Paragraph(f"No district has a {domain_name(dom)} section."))
    same_domain = here["district"].nunique() >= 2
    best: dict[tuple[str, str], float] = {}
    for clause_id in here["clause_id"].astype(str):
        found = similar(clause_id, 3, tables=clauses)
        for r in found.itertuples():
            if same_domain and _str(r.domain) != dom:
                continue
            pair = tuple(sorted((clause_id, str(r.clause_id)))) if same_domain else (clause_id, str(r.clause_id))
            best[pair] = max(best.get(pair, 0.0), float(r.score))
    ranked = sorted(best.items(), key=lambda item: (-round(item[1], 6), item[0]))[: report["similar_pairs"]]
    info = clauses.set_index("clause_id")
    rows = []
    for (a, b), score in ranked:
        row = {"Score": round(score, 3), "Clause A": a, "District A": district_name(info.at[a, "district"]),
               "Title A": _str(info.at[a, "title"]), "Clause B": b,
               "District B": district_name(info.at[b, "district"]), "Title B": _str(info.at[b, "title"])}
        if not same_domain:
            row["Domain B"] = domain_name(info.at[b, "domain"])
        row.update({"Text A": _str(info.at[a, "text"]), "Text B": _str(info.at[b, "text"])})
        rows.append(row)
    note = "Score: TF-IDF character n-gram cosine similarity (policycmp.similar, with its same-domain boost); higher is closer."
    if not same_domain:
        note = (f"Only {district_name(here['district'].iloc[0])} has a {domain_name(dom)} section, so each of its "
                "clauses is paired with the closest clauses of the other districts, whatever their domain. " + note)
    return block(Table(pd.DataFrame(rows), caption=f"{domain_name(dom)}: the most similar cross-district pairs",
                       long=["Text A", "Text B"], note=note))


# === 07 district profile =========================================================================

def _profile_summary(p: dict[str, Any]) -> tuple[str, str]:
    district = p["district"]
    doc = next(d for d in params_mod.documents() if d.kind == "policy" and d.district == district)
    title = f"District profile: {district_name(district)} ({doc.district_zh})"
    try:
        clauses = load("clauses")
    except TableMissing:
        return title, "The clauses table is not built yet."
    here = clauses[clauses["district"] == district]
    numbered = here[here["row_kind"] == "clause"]
    parts = [f"{doc.year} policy ({doc.status}): {len(numbered)} clauses in {here['domain'].nunique()} domains"]
    quantities = maybe("quantities")
    if quantities is not None:
        parts.append(f"{int((quantities['district'] == district).sum())} quantities")
    budgets = maybe("budgets")
    if budgets is not None:
        info = _budget_parts(_budgets([district]), district)
        if info["stated"] is not None:
            parts.append(f"budget {format_amount(info['stated'], 'CNY')}")
        elif info["sum"] is not None:
            parts.append(f"budget {format_amount(info['sum'], 'CNY')} over its domains")
    return title, "; ".join(parts) + "."


@section
def profile_facts(report: Report) -> Part:
    district = report["district"]
    docs = [d for d in params_mod.documents() if d.district == district]
    policy = next(d for d in docs if d.kind == "policy")
    clauses = load("clauses")
    here = clauses[clauses["district"] == district]
    items: list[tuple[str, object]] = [
        ("Document", f"{policy.title} ({policy.id})"), ("Status", policy.status), ("Issued", policy.issued),
        ("Measures apply to", str(policy.year)), ("City", district_name(policy.city)),
        ("Sections", str(here["section_no"].nunique())),
        ("Numbered clauses", str(int((here["row_kind"] == "clause").sum()))),
        ("Other documents", ", ".join(f"{d.title} ({d.kind.replace('_', ' ')})" for d in docs if d.kind != "policy")
         or "none")]
    quantities = maybe("quantities")
    if quantities is not None:
        q = quantities[quantities["district"] == district]
        items.append(("Quantities", f"{len(q)} ({int((q['kind'] == 'subsidy').sum())} subsidies, "
                                     f"{int((q['kind'] == 'target').sum())} targets)"))
    anomalies_table = maybe("anomalies")
    if anomalies_table is not None:
        items.append(("Build anomalies", str(int(anomalies_table["doc_id"].isin([d.id for d in docs]).sum()))))
    return block(Facts(items))


@section
def profile_domains(report: Report) -> Part:
    """The district's domains: clauses (against the other districts), policy tools, budget, lead department."""
    district = report["district"]
    clauses = load("clauses")
    numbered = clauses[clauses["row_kind"] == "clause"]
    here = clauses[clauses["district"] == district]
    domains = [d for d in DOMAINS if d in set(clauses["domain"].dropna())]
    others = [d for d in district_keys() if d != district]
    tools = maybe("clause_tools")
    quantities = maybe("quantities")
    budget_parts = _budget_parts(_budgets([district]), district) if maybe("budgets") is not None else None
    ncols = 2 if tools is not None else 1
    with figure(4.8 * ncols + 0.8, 0.42 * len(domains) + 1.8, 1, ncols, sharey=True) as (fig, axes):
        ax = axes[0][0]
        ys = list(range(len(domains)))
        mine = [int(((numbered["district"] == district) & (numbered["domain"] == dom)).sum()) for dom in domains]
        bars = ax.barh(ys, mine, color=district_colour(district), label=district_name(district))
        _bar_label(ax, bars, [str(v) if v else "" for v in mine])
        for other in others:
            theirs = [int(((numbered["district"] == other) & (numbered["domain"] == dom)).sum()) for dom in domains]
            ax.scatter(theirs, ys, marker="|", s=120, color=district_colour(other), label=district_name(other), zorder=3)
        ax.set_yticks(ys, [domain_name(d) for d in domains])
        ax.invert_yaxis()
        ax.set_xlabel("numbered clauses")
        ax.set_title(f"Clauses per domain: {district_name(district)} (bars) and the others (|)")
        ax.legend(fontsize=7, loc="lower right")
        if tools is not None:
            ax2 = axes[0][1]
            mine_tools = tools[tools["district"] == district]
            left = [0] * len(domains)
            for tool in TOOL_NAMES:
                values = [int(((mine_tools["domain"] == dom) & (mine_tools["tool_type"] == tool)).sum()) for dom in domains]
                ax2.barh(ys, values, left=left, color=TOOL_COLOURS[tool], label=TOOL_NAMES[tool])
                left = [a + b for a, b in zip(left, values)]
            ax2.set_xlabel("policy-tool mentions")
            ax2.set_title("Policy tools by type")
            ax2.legend(fontsize=7, loc="lower right")
        fig_part = svg(fig, caption=f"{district_name(district)}: numbered clauses per domain against the other districts"
                       + ("; right: policy-tool mentions by type (supply-side 供给型, environment 环境型, demand-side "
                          "需求型)." if tools is not None else "."),
                       alt=f"Profile of {district_name(district)} by domain")
    rows = []
    for dom in domains:
        section_rows = here[here["domain"] == dom]
        row: dict[str, Any] = {"Domain": domain_name(dom), "中文": domain_zh(dom),
                               "Section heading": _str(section_rows["section_name"].iloc[0]) if len(section_rows) else "",
                               "Lead department": _str(section_rows["lead_department"].iloc[0]) if len(section_rows) else "",
                               "Clauses": int(((numbered["district"] == district) & (numbered["domain"] == dom)).sum())}
        if quantities is not None:
            q = quantities[(quantities["district"] == district) & (quantities["domain"] == dom)]
            row["Quantities"] = len(q)
            row["Subsidy amounts"] = int((q["kind"] == "subsidy").sum())
        if tools is not None:
            t = tools[(tools["district"] == district) & (tools["domain"] == dom)]
            row["Tools (supply/env./demand)"] = "/".join(str(int((t["tool_type"] == k).sum())) for k in TOOL_NAMES)
        if budget_parts is not None:
            value, b = _allocation(budget_parts, dom)
            row["Budget"] = (Cell(format_amount(value, "CNY"), title=f"{exact_amount(value, 'CNY')} · {_sources(b)}",
                                  sort=value) if value is not None else "")
        rows.append(row)
    return block(fig_part, Table(pd.DataFrame(rows), caption=f"{district_name(district)} by domain"))


@section
def profile_subsidies(report: Report) -> Part:
    table = _comparisons([report["district"]])
    rows = []
    for r in table.itertuples():
        status = "amount" if r.stated and not is_missing(r.value) else "stated, no amount" if r.stated else "absent"
        rows.append({"Instrument": instrument_name(r.instrument), "中文": instrument_zh(r.instrument),
                     "Level": level_name(r.level),
                     "Amount": amount_cell(r.value, r.unit, r.value_high, r.bound, clause_id=r.clause_id, span=r.span)
                     if status == "amount" else Cell(status, cls="pc-noamount" if r.stated else "pc-absent"),
                     "Exact value": _exact(r.value), "Clause": _str(r.clause_id), "Span": _str(r.span)})
    return block(Table(pd.DataFrame(rows), caption="Subsidy instruments compared across districts", long=["Span"]))


@section
def profile_top_amounts(report: Report, n: int = 15) -> Part:
    quantities = load("quantities")
    q = quantities[(quantities["district"] == report["district"]) & (quantities["unit"] == "CNY")
                   & (quantities["kind"] == "subsidy")].copy()
    q["value"] = _num(q["value"])
    q["value_high"] = _num(q["value_high"]) if "value_high" in q else float("nan")
    q = q.sort_values(["value", "clause_id", "start"], ascending=[False, True, True], kind="stable").head(n)
    titles = _clause_titles()
    rows = [{"Amount": amount_cell(r.value, r.unit, r.value_high, r.bound, clause_id=r.clause_id, span=r.span),
             "Exact yuan": _exact(r.value), "Domain": domain_name(r.domain),
             "Level": level_name(r.level) if not is_missing(r.level) else "", "Clause": _str(r.clause_id),
             "Clause title": titles.get(_str(r.clause_id), ""), "Span": _str(r.span)} for r in q.itertuples()]
    return block(Table(pd.DataFrame(rows), caption=f"The {n} largest subsidy amounts in yuan", long=["Span"]))


@section
def profile_targets(report: Report) -> Part:
    table = _targets()
    table = table[table["district"] == report["district"]]
    rows = [{"Indicator": indicator_name(r.indicator), "As written": _str(r.indicator_zh),
             "Target": amount_cell(r.value, r.unit, r.value_high, r.bound, clause_id=r.clause_id, span=r.span),
             "Exact value": _exact(r.value), "Clause": _str(r.clause_id), "Span": _str(r.span)}
            for r in table.sort_values("clause_id", kind="stable").itertuples()]
    if not rows:
        return block(Paragraph("The targets table has no target of this district."))
    return block(Table(pd.DataFrame(rows), caption="Targets", long=["Span"]))


@section
def profile_tools(report: Report) -> Part:
    tools = load("clause_tools")
    here = tools[tools["district"] == report["district"]]
    if here.empty:
        return block(Paragraph("No policy-tool cue was found in this district's clauses."))
    grouped = here.groupby(["tool_type", "sub_tool"], dropna=False)
    rows = []
    for (tool, sub), group in grouped:
        first = group.sort_values("clause_id", kind="stable").iloc[0]
        rows.append({"Tool type": TOOL_NAMES.get(_str(tool), _str(tool)), "Sub-tool": _str(sub),
                     "Mentions": len(group), "Clauses": group["clause_id"].nunique(),
                     "Example clause": _str(first["clause_id"]), "Example span": _str(first["span"])})
    frame = pd.DataFrame(rows).sort_values(["Tool type", "Mentions", "Sub-tool"], ascending=[True, False, True],
                                           kind="stable")
    return block(Table(frame.reset_index(drop=True), caption="Policy tools (supply-side, environment, demand-side)",
                       long=["Example span"]))


# The notebooks' own titles (their first heading); a page whose title says more shows it too.
TITLES = {"corpus_overview": "Corpus overview", "subsidy_levels": "Subsidy levels", "budgets": "Budgets",
          "targets": "Targets", "target_follow_through": "Target follow-through",
          "domain_deep_dive": "Domain deep-dive", "district_profile": "District profile"}

SUMMARIES: dict[str, Callable[[dict[str, Any]], tuple[str, str]]] = {
    "corpus_overview": _overview_summary,
    "subsidy_levels": _subsidies_summary,
    "budgets": _budget_summary,
    "targets": _targets_summary,
    "target_follow_through": _follow_summary,
    "domain_deep_dive": _domain_summary,
    "district_profile": _profile_summary,
}
