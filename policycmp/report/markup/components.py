"""HTML building blocks for the reports: escaped tables a reviewer can sort, filter and search,
figures, notices, facts.

Every piece of text that may come from a document goes through :func:`~.format.esc` (cells,
tooltips, captions), so a policy containing ``<script>`` shows as text. The tables are plain
``<table>`` elements; ``templates/policycmp/static/tables.js`` (inlined into each report page, no
CDN) makes them sortable and filterable in the browser. Element ids are derived from a per-report
counter, never from random numbers, so two renderings of the same input are byte-identical.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..font import FAMILY
from ..font import FILE as FONT_FILE
from .format import Cell, esc, is_missing, readable_number

ASSETS = Path(__file__).resolve().parent.parent / "templates" / "policycmp" / "static"


def asset(name: str) -> str:
    """The content of a static asset (CSS/JS) shipped with the package."""
    return (ASSETS / name).read_text(encoding="utf-8")


def font_css() -> str:
    """The pages' one font (:mod:`policycmp.report.font`), from the file beside them, for text, form
    controls (a filter typed in Chinese) and the figures' SVG text alike."""
    return (
        f'@font-face {{ font-family: "{FAMILY}"; src: url("{FONT_FILE}") format("woff"); font-display: block; }}\n'
        f'html, input, button, select, textarea {{ font-family: "{FAMILY}", sans-serif; }}\n'
    )


def page_head_assets() -> str:
    """The inline ``<style>`` and ``<script>`` every report page carries (nothing is fetched but the
    font file beside the page)."""
    return f"<style>\n{font_css()}{asset('report.css')}</style>\n<script>\n{asset('tables.js')}</script>\n"


# --- ids ------------------------------------------------------------------------------------------


class _Ids:
    """Deterministic element ids: a prefix per report and a counter per kind of element."""

    def __init__(self) -> None:
        self.reset("pc")

    def reset(self, prefix: str) -> None:
        self.prefix = re.sub(r"[^a-z0-9]+", "-", prefix.lower()).strip("-") or "pc"
        self.counts: dict[str, int] = {}

    def next(self, kind: str) -> str:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        return f"{self.prefix}-{kind}{self.counts[kind]}"


IDS = _Ids()


def reset_ids(prefix: str) -> None:
    IDS.reset(prefix)


# --- building blocks --------------------------------------------------------------------------


class Part:
    """Something a notebook cell shows: has HTML, and a plain-text form without memory addresses.

    The parts are dataclasses declared with ``repr=False``, so that this ``__repr__`` is theirs: the
    one a dataclass writes would print a table's whole frame, and Jupyter computes the plain-text form
    of every output beside its HTML (a district profile spent a tenth of its time formatting frames
    nobody reads).
    """

    def html(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def text(self) -> str:
        return type(self).__name__

    def _repr_html_(self) -> str:
        return self.html()

    def __repr__(self) -> str:
        return self.text()


@dataclass(repr=False)
class Raw(Part):
    """Trusted HTML written by this package (never document text)."""

    markup: str
    plain: str = ""

    def html(self) -> str:
        return self.markup

    def text(self) -> str:
        return self.plain or "(html)"


@dataclass(repr=False)
class Heading(Part):
    title: str
    level: int = 3

    def html(self) -> str:
        return f'<h{self.level} class="pc-heading">{esc(self.title)}</h{self.level}>'

    def text(self) -> str:
        return self.title


@dataclass(repr=False)
class Paragraph(Part):
    content: str
    cls: str = "pc-note"

    def html(self) -> str:
        return f'<p class="{esc(self.cls)}">{esc(self.content)}</p>'

    def text(self) -> str:
        return self.content


@dataclass(repr=False)
class Notice(Part):
    """A visible note that something is not there yet (e.g. a table not built yet)."""

    message: str

    def html(self) -> str:
        return f'<div class="pc-notice" role="note">{esc(self.message)}</div>'

    def text(self) -> str:
        return f"Note: {self.message}"


@dataclass(repr=False)
class Facts(Part):
    """A definition list of key facts: label → value (both escaped)."""

    items: list[tuple[str, object]]

    def html(self) -> str:
        rows = "".join(f"<dt>{esc(k)}</dt><dd>{_cell_inner(v)}</dd>" for k, v in self.items)
        return f'<dl class="pc-facts">{rows}</dl>'

    def text(self) -> str:
        return "\n".join(f"{k}: {v}" for k, v in self.items)


@dataclass(repr=False)
class Figure(Part):
    """An SVG figure (text kept as text, so the reader's browser draws any glyph) with a caption."""

    svg: str
    caption: str = ""
    alt: str = ""

    def html(self) -> str:
        fid = IDS.next("fig")
        caption = f"<figcaption>{esc(self.caption)}</figcaption>" if self.caption else ""
        return (
            f'<figure class="pc-figure" id="{fid}" role="group" aria-label="{esc(self.alt or self.caption)}">'
            f"{self.svg}{caption}</figure>"
        )

    def text(self) -> str:
        return f"[figure] {self.caption}"


@dataclass(repr=False)
class Table(Part):
    """A sortable, filterable, searchable table over a display frame.

    ``frame`` holds what to show: str, numbers, missing values or :class:`Cell`. ``long`` names
    columns of running text (wrapped, wider). ``row_classes`` gives a CSS class per row.
    """

    frame: pd.DataFrame
    caption: str = ""
    long: Sequence[str] = ()
    row_classes: Sequence[str] | None = None
    interactive: bool = True
    note: str = ""

    def html(self) -> str:
        tid = IDS.next("table")
        columns = [str(c) for c in self.frame.columns]
        long = set(self.long)
        kinds = [(c in long, _is_id_column(c) and c not in long) for c in columns]
        head = "".join(f'<th scope="col" class="{"pc-long" if c in long else ""}">{esc(c)}</th>' for c in columns)
        body = []
        for i, row in enumerate(self.frame.itertuples(index=False, name=None)):
            cls = self.row_classes[i] if self.row_classes is not None else ""
            cells = "".join(_td(v, *kind) for v, kind in zip(row, kinds))
            body.append(f"<tr{f' class={chr(34)}{esc(cls)}{chr(34)}' if cls else ''}>{cells}</tr>")
        caption = f"<caption>{esc(self.caption)}</caption>" if self.caption else ""
        note = f'<p class="pc-table-note">{esc(self.note)}</p>' if self.note else ""
        empty = "" if len(self.frame) else '<p class="pc-empty">No rows.</p>'
        flag = ' data-pc-interactive="1"' if self.interactive else ""
        return (
            f'<div class="pc-table-wrap" id="{tid}-wrap">{note}<div class="pc-scroll">'
            f'<table class="pc-table" id="{tid}"{flag}>{caption}<thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></div>{empty}</div>"
        )

    def text(self) -> str:
        return f"[table: {len(self.frame)} rows × {len(self.frame.columns)} columns] {self.caption}"


def _cell_inner(value: object) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(_cell_inner(v) for v in value)
    if isinstance(value, Cell):
        title = f' title="{esc(value.title)}"' if value.title else ""
        cls = f' class="{esc(value.cls)}"' if value.cls else ""
        return f"<span{title}{cls}>{_linked(value)}</span>"
    if is_missing(value):
        return ""
    return esc(_plain(value))


def _plain(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return readable_number(value)
    if isinstance(value, int):
        return str(value)
    return str(value)


def _is_id_column(name: str) -> bool:
    """Columns holding clause ids or documents ids: kept on one line."""
    return name in ("Clause", "Clause A", "Clause B", "Document", "Policy clause", "Example clause")


# A text cell's opening tag, by (long, ident): most cells of a page are plain text.
_TEXT_TD = {
    (True, True): '<td class="pc-long">',
    (True, False): '<td class="pc-long">',
    (False, True): '<td class="pc-id">',
    (False, False): "<td>",
}


def _td(value: object, long: bool, ident: bool = False) -> str:
    if type(value) is str:  # the general path below gives the same tag and escaped text
        return f"{_TEXT_TD[long, ident]}{esc(value)}</td>"
    classes = ["pc-long"] if long else ["pc-id"] if ident else []
    attrs = ""
    if isinstance(value, Cell):
        if value.cls:
            classes.append(value.cls)
        if value.title:
            attrs += f' title="{esc(value.title)}"'
        if value.sort is not None and not is_missing(value.sort):
            attrs += f' data-sort="{esc(_sort_key(value.sort))}"'
        text = _linked(value)
    elif is_missing(value):
        classes.append("pc-na")
        text = ""
    else:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            attrs += f' data-sort="{esc(_sort_key(value))}"'
            classes.append("pc-num")
        text = esc(_plain(value))
    cls = f' class="{" ".join(classes)}"' if classes else ""
    return f"<td{cls}{attrs}>{text}</td>"


def _linked(cell: Cell) -> str:
    text = esc(cell.text)
    return f'<a href="{esc(cell.href)}">{text}</a>' if cell.href else text


def _sort_key(value: object) -> str:
    if isinstance(value, float):
        return repr(value)
    return str(value)


@dataclass(repr=False)
class Block(Part):
    """Several parts shown as one cell output."""

    parts: list[Part] = field(default_factory=list)
    summary: str = ""

    def add(self, *parts: Part | None) -> Block:
        self.parts.extend(p for p in parts if p is not None)
        return self

    def html(self) -> str:
        return '<div class="pc-block">' + "\n".join(p.html() for p in self.parts) + "</div>"

    def text(self) -> str:
        return "\n".join(p.text() for p in self.parts)


def block(*parts: Part | None) -> Block:
    return Block().add(*parts)


def page(title: str, body: str, *, nav: Iterable[tuple[str, str]] = (), footer: str = "") -> str:
    """A whole standalone page: the index and every rendered notebook (inline CSS and JS, nothing fetched)."""
    links = "".join(f'<a href="{esc(href)}">{esc(label)}</a>' for href, label in nav)
    foot = f'<footer class="pc-footer">{esc(footer)}</footer>\n' if footer else ""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="policycmp report">\n'
        f"<title>{esc(title)}</title>\n{page_head_assets()}</head>\n<body>\n"
        f'<nav class="pc-nav">{links}</nav>\n<main class="pc-main">\n{body}\n{foot}</main>\n</body>\n</html>\n'
    )
