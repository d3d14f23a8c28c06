"""Section headings: their domain (from the vocabulary, or inferred), and the departments they name."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..chinese import simplified
from ..vocabulary import DomainKeywords, DomainVocabulary, Layout, load_domain_keywords, load_domains

NUMBER = re.compile(r"^[一二三四五六七八九十]+、")
TRAILING_PARENTHESIS = re.compile(r"\(([^()]*)\)\s*$")


def split_heading(heading: str, layout: Layout | None = None) -> tuple[str, str | None]:
    """'一、扩大有效投资方面(由区发改局牵头实施)' → ('扩大有效投资方面', '由区发改局牵头实施').

    A heading whose opening parenthesis was lost (一、扩大有效投资政策由市经济发展局牵头实施)) splits
    the same way when ``layout`` is given.
    """
    body = NUMBER.sub("", heading).strip()
    match = TRAILING_PARENTHESIS.search(body)
    if match:
        return body[: match.start()].strip(), match.group(1)
    if layout is not None:
        unopened = layout.unopened_parenthesis.search(body)
        if unopened:
            return body[: unopened.start()].strip(), unopened.group("inner")
    return body, None


def heading_domain(heading: str, vocabulary: DomainVocabulary | None = None) -> str | None:
    """The domain a heading (or a policy's name, 扩大有效投资政策) names, matched after converting
    traditional characters to simplified; None when no domain's pattern is found."""
    name, _ = split_heading(simplified(heading))
    return (vocabulary or load_domains()).match(name)


@dataclass(frozen=True)
class Inference:
    """A domain inferred from a section's words, with the evidence for it."""

    domain: str
    scores: dict[str, int]
    by_position: bool  # no word of any domain occurred: the section's position decided

    def evidence(self) -> str:
        if self.by_position:
            return "no domain's words occur, so its position in the reading order decides"
        ranked = sorted(((s, k) for k, s in self.scores.items() if s), reverse=True)[:3]
        return "scores " + ", ".join(f"{k} {s}" for s, k in ranked)


def infer_domain(
    heading: str,
    text: str,
    section_no: int | None,
    keywords: DomainKeywords | None = None,
    vocabulary: DomainVocabulary | None = None,
) -> Inference:
    """The domain whose keywords occur most in the section (heading weighted), by domain_keywords.yaml."""
    keywords = keywords or load_domain_keywords()
    order = (vocabulary or load_domains()).keys
    name, _ = split_heading(simplified(heading))
    scores = keywords.scores(name, simplified(text))
    best = max(scores.values(), default=0)
    if best == 0:
        position = min(max((section_no or 1) - 1, 0), len(order) - 1)
        return Inference(order[position], scores, True)
    return Inference(next(key for key in order if scores.get(key) == best), scores, False)


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
    """The leading department as written, its 〈alias〉 dropped; traditional characters are matched
    through their simplified form but returned as written."""
    if not parenthesis:
        return None
    simple = simplified(parenthesis)
    for rx in layout.lead_department:
        match = rx.search(simple)
        if match:
            start, end = match.span("dept")
            written = parenthesis[start:end] if len(simple) == len(parenthesis) else match.group("dept")
            return layout.department_alias.sub("", written).strip() or None
    return None


def support_departments(parenthesis: str | None, layout: Layout) -> str | None:
    return department(layout.support_department, parenthesis)
