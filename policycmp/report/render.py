"""An executed notebook as one standalone HTML page: its prose and its outputs, the code hidden.

Written here rather than with nbconvert's HTMLExporter: the pages need no more than markdown for the
prose and the outputs as the views made them, and the exporter re-parses every page with
BeautifulSoup (for image alt texts and tab stops of its lab template), which cost more than running
a district profile. The output is deterministic: ids come from the headings, nothing carries a date.
"""

from __future__ import annotations

import html
import re
from typing import Any

import mistune
from mistune.renderers.html import HTMLRenderer

from .markup.components import page
from .markup.format import esc

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
TAG = re.compile(r"<[^>]+>")


class _Prose(HTMLRenderer):
    """Markdown of the notebooks' text cells; every heading gets an id a link can point at."""

    def __init__(self) -> None:
        super().__init__(escape=True)
        self.used: dict[str, int] = {}

    def heading(self, text: str, level: int, **attrs: Any) -> str:
        slug = re.sub(r"[^\w\u3400-\u9fff]+", "-", html.unescape(TAG.sub("", text))).strip("-") or "section"
        self.used[slug] = self.used.get(slug, 0) + 1
        if self.used[slug] > 1:
            slug = f"{slug}-{self.used[slug]}"
        return f'<h{level} id="{esc(slug)}">{text}</h{level}>\n'


def _output_html(output: Any) -> str:
    kind = output.get("output_type")
    if kind in ("execute_result", "display_data"):
        data = output.get("data", {})
        # The views' own markup is escaped where it holds document text (markup.components).
        for mime in ("text/html", "image/svg+xml"):
            if mime in data:
                return f'<div class="pc-output">{_text(data[mime])}</div>'
        if "text/plain" in data:
            return f'<pre class="pc-output">{esc(_text(data["text/plain"]))}</pre>'
        return ""
    if kind == "stream":
        name = "pc-stderr" if output.get("name") == "stderr" else "pc-stdout"
        return f'<pre class="pc-stream {name}">{esc(ANSI.sub("", _text(output.get("text", ""))))}</pre>'
    if kind == "error":
        return (
            f'<pre class="pc-error">{esc(output.get("ename", ""))}: {esc(ANSI.sub("", output.get("evalue", "")))}</pre>'
        )
    return ""


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def body_html(nb: Any) -> str:
    """The page body: text cells as prose, code cells as their outputs only."""
    prose = mistune.create_markdown(renderer=_Prose())
    parts = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            parts.append(f'<section class="pc-text">\n{str(prose(_text(cell.source))).strip()}\n</section>')
        elif cell.cell_type == "code":
            parts.extend(shown for shown in map(_output_html, cell.get("outputs", [])) if shown)
    return "\n".join(parts)


def page_html(nb: Any, *, title: str, nav: list[tuple[str, str]], footer: str) -> str:
    """The executed notebook as one standalone page (inline CSS and JS, nothing fetched)."""
    body = body_html(nb)
    # One trailing newline, no trailing spaces: the bytes do not depend on how the outputs ended.
    return "\n".join(line.rstrip() for line in page(title, body, nav=nav, footer=footer).splitlines()) + "\n"
