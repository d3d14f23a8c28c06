"""Section headings: their domain, and the departments their parenthesis names."""

from __future__ import annotations

import re

from ..chinese import simplified
from ..vocabulary import DomainVocabulary, Layout, load_domains

NUMBER = re.compile(r"^[一二三四五六七八九十]+、")
TRAILING_PARENTHESIS = re.compile(r"\(([^()]*)\)\s*$")


def split_heading(heading: str) -> tuple[str, str | None]:
    """'一、扩大有效投资方面(由区发改局牵头实施)' → ('扩大有效投资方面', '由区发改局牵头实施')."""
    body = NUMBER.sub("", heading).strip()
    match = TRAILING_PARENTHESIS.search(body)
    if match:
        return body[: match.start()].strip(), match.group(1)
    return body, None


def heading_domain(heading: str, vocabulary: DomainVocabulary | None = None) -> str | None:
    """The domain a heading (or a policy's name, 扩大有效投资政策) names, matched after converting
    traditional characters to simplified; None when no domain's pattern is found."""
    name, _ = split_heading(simplified(heading))
    return (vocabulary or load_domains()).match(name)


def department(patterns: tuple[re.Pattern[str], ...], parenthesis: str | None) -> str | None:
    """The ``dept`` group of the first pattern found in the heading's parenthesis."""
    if not parenthesis:
        return None
    for rx in patterns:
        match = rx.search(parenthesis)
        if match:
            return match.group("dept").strip()
    return None


def lead_department(parenthesis: str | None, layout: Layout) -> str | None:
    return department(layout.lead_department, parenthesis)


def support_departments(parenthesis: str | None, layout: Layout) -> str | None:
    return department(layout.support_department, parenthesis)
