"""Web pages saved from a government site: the metadata table, title and article, in reading order.

A district site wraps a policy in chrome: navigation, breadcrumb, search box, share buttons, footer,
scripts. The article itself is plain blocks (``<p>``, ``<div>``, tables) in document order, and the
metadata table above it (索引号, 发布机构, 成文日期, 发文字号) is information ``policycmp add`` needs. So
instead of a main-content extractor (trafilatura and readability-lxml both keep the article but drop
the metadata table and the title) the reader removes what is chrome — by tag, by hidden style, by a
class/id word from ``readers.yaml``, or because it is a block of nothing but links — and renders what
is left as a browser lays it out: each block on its own line, inline elements within the line, a data
table's row on one line as the captures write it (``索引号: | 330803-003/2023-62655 | 发布机构: | … |``),
a layout table's cells as blocks.

Parsing is lxml's (libxml2's HTML parser, which copes with the unclosed tags of real pages).
"""

from __future__ import annotations

import codecs
import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import lxml.etree
import lxml.html

from ...errors import PolicyInputError
from ...vocabulary import compile_pattern
from ..decoding import UTF8_BOM, UTF16_BOMS, decode_document
from .text import join_paragraphs, run_on, table_row
from .vocabulary import vocabulary, vocabulary_path

HTML_SPACE = re.compile(r"[ \t\n\r\f]+")  # the characters HTML collapses; NBSP and U+3000 are kept
TOKEN_SPLIT = re.compile(r"[\s_-]+")
XML_DECLARATION = re.compile(rb"\s*<\?xml[^>]*?encoding\s*=\s*[\"']([\w.:-]+)")
CONTENT_TYPE_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", flags=re.IGNORECASE)


@dataclass(frozen=True)
class HtmlRules:
    charset_aliases: dict[str, str]
    drop_tags: frozenset[str]
    block_tags: frozenset[str]
    hidden_style: re.Pattern[str]
    chrome_words: tuple[str, ...]
    wrapper_text_share: float
    min_links: int
    link_text_share: float
    layout_cell_tags: frozenset[str]
    layout_cell_min_blocks: int


def rules() -> HtmlRules:
    spec = vocabulary("html")
    return HtmlRules(
        charset_aliases={k.lower(): v for k, v in spec["charset_aliases"].items()},
        drop_tags=frozenset(spec["drop_tags"]),
        block_tags=frozenset(spec["block_tags"]),
        hidden_style=compile_pattern(spec["hidden_style"], vocabulary_path(), "html.hidden_style"),
        chrome_words=tuple(w.lower() for w in spec["chrome_words"]),
        wrapper_text_share=float(spec["wrapper_text_share"]),
        min_links=int(spec["link_block"]["min_links"]),
        link_text_share=float(spec["link_block"]["link_text_share"]),
        layout_cell_tags=frozenset(spec["layout_cell_tags"]),
        layout_cell_min_blocks=int(spec["layout_cell_min_blocks"]),
    )


def read(data: bytes, path: Path) -> str:
    """The page's text: metadata table rows, title, article paragraphs, one per line."""
    root = parse(decode_html(data, path), path)
    remove_chrome(root)
    return join_paragraphs(render(root))


# --------------------------------------------------------------------------------------------------
# Decoding


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares: ``<meta charset>``, ``<meta http-equiv="Content-Type">`` or an XHTML
    page's XML declaration.

    The start of the page is parsed as Latin-1 (every byte is one character and charset names are
    ASCII), so the declaration is found by the HTML parser rather than by a pattern over raw bytes.
    """
    start = data[:16384]
    xml = XML_DECLARATION.match(start)
    latin1 = lxml.html.HTMLParser(encoding="iso-8859-1", remove_comments=True)
    try:
        head = lxml.html.document_fromstring(start, parser=latin1)
    except (lxml.etree.ParserError, ValueError):
        return xml.group(1).decode("ascii").lower() if xml else None
    for meta in head.iter("meta"):
        charset = meta.get("charset")
        if not charset and (meta.get("http-equiv") or "").strip().lower() == "content-type":
            match = CONTENT_TYPE_CHARSET.search(meta.get("content") or "")
            charset = match.group(1) if match else None
        if charset and charset.strip():
            return charset.strip().lower()
    return xml.group(1).decode("ascii").lower() if xml else None


def decode_html(data: bytes, path: Path) -> str:
    """Decode as declared (GBK/GB2312 read as their superset GB18030), else as a text capture is.

    A BOM wins over a declaration (as in browsers). A page whose bytes do not fit its declaration
    (saved after conversion, declaration left behind) falls back to UTF-8 / GB18030.
    """
    if data.startswith((UTF8_BOM, *UTF16_BOMS)):
        return decode_document(data, path)
    declared = declared_charset(data)
    if declared:
        charset = rules().charset_aliases.get(declared, declared)
        try:
            codecs.lookup(charset)
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_document(data, path)


def parse(text: str, path: Path) -> lxml.html.HtmlElement:
    """The document tree. lxml refuses ``str`` input with an XML encoding declaration, so it gets UTF-8."""
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise PolicyInputError(path, f"is not a readable HTML page ({exc})") from None
    return root


# --------------------------------------------------------------------------------------------------
# Chrome removal


def _text_length(element: lxml.html.HtmlElement) -> int:
    """Characters of text under ``element``, white space not counted."""
    return sum(len(part) for chunk in element.itertext() for part in chunk.split())


def is_chrome_name(element: lxml.html.HtmlElement, words: tuple[str, ...]) -> bool:
    """A class or id token starts or ends with a chrome word: ``navbar``, ``topnav``, ``bdshare``…"""
    names = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
    return any(token.startswith(words) or token.endswith(words) for token in TOKEN_SPLIT.split(names) if token)


def is_link_block(element: lxml.html.HtmlElement, spec: HtmlRules) -> bool:
    """A block that is nothing but links (a menu, a list of related pages)."""
    links = element.findall(".//a")
    if len(links) < spec.min_links:
        return False
    total = _text_length(element)
    linked = sum(_text_length(a) for a in links)
    return total > 0 and linked >= spec.link_text_share * total


def remove_chrome(root: lxml.html.HtmlElement) -> None:
    """Drop everything a reader of the page does not read as the document, keeping the tails around it."""
    spec = rules()
    for element in list(root.iter(lxml.etree.Element)):
        if element.tag in spec.drop_tags and element.getparent() is not None:
            element.drop_tree()
    for element in list(root.iter(lxml.etree.Element)):
        if element.getparent() is not None and (
            spec.hidden_style.search(element.get("style") or "") or element.get("hidden") is not None
        ):
            element.drop_tree()
    page_text = max(1, _text_length(root))
    for element in list(root.iter(lxml.etree.Element)):
        if element.getparent() is None or element.tag in ("html", "body"):
            continue
        if is_chrome_name(element, spec.chrome_words) and _text_length(element) < spec.wrapper_text_share * page_text:
            element.drop_tree()
    for element in list(root.iter(lxml.etree.Element)):
        if (
            element.getparent() is not None
            and element.tag in spec.block_tags | {"table"}
            and is_link_block(element, spec)
            and _text_length(element) < spec.wrapper_text_share * page_text
        ):
            element.drop_tree()


# --------------------------------------------------------------------------------------------------
# Rendering


def collapse(text: str) -> str:
    """HTML white-space collapsing: runs become one space, and a line break between two CJK
    characters disappears (CSS Text 3 segment-break rule), so source formatting never splits words."""

    def replace(match: re.Match[str]) -> str:
        before = text[match.start() - 1] if match.start() else ""
        after = text[match.end()] if match.end() < len(text) else ""
        if "\n" in match.group() and _wide(before) and _wide(after):
            return ""
        return " "

    return HTML_SPACE.sub(replace, text)


def _wide(char: str) -> bool:
    return bool(char) and unicodedata.east_asian_width(char) in ("W", "F")


def _rows(table: lxml.html.HtmlElement) -> Iterator[lxml.html.HtmlElement]:
    """The table's caption and own rows (not those of tables nested in its cells), in order."""
    for child in table:
        if child.tag in ("tr", "caption"):
            yield child
        elif child.tag in ("thead", "tbody", "tfoot"):
            yield from (row for row in child if row.tag == "tr")


def _holds_layout(cell: lxml.html.HtmlElement, spec: HtmlRules) -> bool:
    return any(e.tag in spec.layout_cell_tags for e in cell.iterdescendants(lxml.etree.Element))


def _is_layout(cell_lines: list[list[str]], spec: HtmlRules) -> bool:
    """A row that lays the page out rather than holding table data: at most one of its cells has
    text (the others emptied of chrome, or spacers), or a cell holds a whole article."""
    return sum(1 for lines in cell_lines if lines) <= 1 or any(
        len(lines) >= spec.layout_cell_min_blocks for lines in cell_lines
    )


def render(element: lxml.html.HtmlElement) -> list[str]:
    """Lines as a browser shows them: blocks and ``<br>`` break lines, inline elements do not."""
    spec = rules()
    lines: list[str] = []
    current: list[str] = []

    def flush() -> None:
        line = collapse("".join(current)).strip()
        current.clear()
        if line:
            lines.append(line)

    def walk(node: lxml.html.HtmlElement, *, own: bool = False) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag == "br" and not own:
            flush()
        elif tag == "table" and not own:
            flush()
            table(node)
        else:
            block = tag in spec.block_tags or own
            if block:
                flush()
            if node.text:
                current.append(node.text)
            for child in node:
                walk(child)
            if block:
                flush()
        if node.tail and not own:
            current.append(node.tail)

    def table(node: lxml.html.HtmlElement) -> None:
        for row in _rows(node):
            cells = [c for c in row if c.tag in ("td", "th")]
            if row.tag == "caption" or any(_holds_layout(cell, spec) for cell in cells):
                for cell in cells or [row]:
                    walk(cell, own=True)
                continue
            cell_lines = [render(cell) for cell in cells]
            if _is_layout(cell_lines, spec):
                for cell in cells:
                    walk(cell, own=True)
            else:
                line = table_row([functools.reduce(run_on, lines, "") for lines in cell_lines])
                if line:
                    lines.append(line)

    body = element.find("body") if element.tag == "html" else None
    walk(body if body is not None else element, own=True)
    return lines
