"""Editions made from a real policy with known edits, for the tests and benchmarks of edition pairing.

A policy is read into its sections and paragraphs (:func:`read_edition`); edits make the next edition
(remove, add, reword, change an amount, move a clause to another section, rename a section in the 2025
editions' words), and :func:`render` writes it out with its clauses renumbered, running on (``1、``) or
restarting in every section (``(一)``). Every paragraph remembers which paragraph of the first edition it
came from, so the pairs a build should find are known: :func:`expected_pairs`.

:func:`random_edition` makes the next edition of a policy with random edits at given rates, for the
benchmarks (``bench_editions.py`` measures pairing on them; ``bench_build.py --editions`` builds a
province of districts with three editions each).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from ..ingest.segment import segment_policy

NUMERALS = "一二三四五六七八九十"
SECTION_NUMBER = re.compile(r"^[一二三四五六七八九十]+、")
CLAUSE_NUMBER = re.compile(r"^(?:\(?\d+[、.)]|\([一二三四五六七八九十]{1,3}\))")
# A figure of money or a share, as the synthetic corpora scale them; not an end of a range (10%-20%), which
# scaled alone could come out backwards.
FIGURE = re.compile(r"(?<![\d.\-~～至到])(\d+(?:\.\d+)?)(?=(?:万元|亿元|元|%)(?![\-~～至到\d]))")

# 2025 editions name their sections in other words (../shared/realworld/README.md): each domain's
# heading as a 2025 edition might write it, in words domains.yaml maps to the same domain.
HEADINGS_2025 = {
    "investment": "推动有效投资扩量提质(由区发改局牵头)",
    "innovation": "推进教育科技人才一体发展(由区经信科技局牵头)",
    "manufacturing": "加快建设现代化产业体系(由区经信局牵头)",
    "services": "推动服务业提质增效(由区商务局牵头)",
    "transport": "加快交通强区建设(由区交通运输局牵头)",
    "demand_opening": "提振消费扩大内需(由区商务局牵头)",
    "rural": "推进乡村全面振兴(由区农业农村局牵头)",
    "livelihood": "增进民生福祉(由区民政局牵头)",
}

# Light rewording as editions do it: a word for another, a phrase added, a phrase dropped.
SYNONYMS = (
    ("加大", "进一步加大"),
    ("支持", "鼓励"),
    ("加快", "加速"),
    ("推动", "推进"),
    ("强化", "加强"),
    ("提升", "提高"),
    ("积极", "大力"),
    ("给予", "予以"),
    ("实施", "开展"),
    ("全面", "深入"),
)
ADDED_PHRASES = (",进一步提升政策实效", ",强化部门协同", ",做到应保尽保", ",确保政策直达快享")


@dataclass(frozen=True)
class Paragraph:
    """A preamble, clause or closing without its printed number; ``origin`` is its index in the first
    edition (None for a paragraph added since)."""

    kind: str
    text: str
    origin: int | None


@dataclass(frozen=True)
class Section:
    heading: str  # without its number
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True)
class Edition:
    title: str
    sections: tuple[Section, ...]
    closing: tuple[Paragraph, ...] = ()
    edits: tuple[str, ...] = field(default=())  # what was done to make it, for the record

    def paragraphs(self) -> list[Paragraph]:
        """Every paragraph in document order (the order of the built clause rows)."""
        return [p for s in self.sections for p in s.paragraphs] + list(self.closing)


def read_edition(text: str, title: str) -> Edition:
    """A policy's canonical text as sections of paragraphs, numbered 0, 1, 2… as origins."""
    sections: list[tuple[str, list[Paragraph]]] = []
    closing: list[Paragraph] = []
    count = 0
    for piece in segment_policy(text).pieces:
        chunk = text[piece.start : piece.end]
        if piece.kind == "heading":
            sections.append((SECTION_NUMBER.sub("", chunk), []))
            continue
        paragraph = Paragraph(piece.kind, CLAUSE_NUMBER.sub("", chunk) if piece.kind == "clause" else chunk, count)
        count += 1
        (closing if piece.kind == "closing" else sections[-1][1]).append(paragraph)
    return Edition(title, tuple(Section(h, tuple(p)) for h, p in sections), tuple(closing))


def render(edition: Edition, *, numbering: str = "dun") -> str:
    """The edition's text: ``dun`` numbers clauses 1、 2、 … across sections, ``paren`` (一) (二) … per section."""
    lines = [edition.title, ""]
    number = 0
    for index, section in enumerate(edition.sections):
        lines += [f"{_chinese(index + 1)}、{section.heading}", ""]
        if numbering == "paren":
            number = 0
        for p in section.paragraphs:
            text = p.text
            if p.kind == "clause":
                number += 1
                text = f"({_chinese(number)}){text}" if numbering == "paren" else f"{number}、{text}"
            lines += [text, ""]
    lines += [p.text for p in edition.closing] + [""]
    return "\n".join(lines)


def _chinese(n: int) -> str:
    if n <= 10:
        return NUMERALS[n - 1]
    tens, units = divmod(n, 10)
    return ("" if tens == 1 else NUMERALS[tens - 1]) + "十" + (NUMERALS[units - 1] if units else "")


def expected_pairs(older: Edition, newer: Edition) -> list[tuple[int | None, int | None]]:
    """(row of the older, row of the newer) for every paragraph: rows are positions in document order;
    a paragraph both editions hold (whatever was done to it) pairs, the rest are None on one side."""
    old_rows = {p.origin: i for i, p in enumerate(older.paragraphs()) if p.origin is not None}
    new_rows = {p.origin: j for j, p in enumerate(newer.paragraphs()) if p.origin is not None}
    pairs: list[tuple[int | None, int | None]] = [(old_rows.get(o), j) for o, j in new_rows.items()]
    pairs += [(None, j) for j, p in enumerate(newer.paragraphs()) if p.origin is None or p.origin not in old_rows]
    pairs += [(i, None) for o, i in old_rows.items() if o not in new_rows]
    return sorted(pairs, key=lambda pair: (pair[1] if pair[1] is not None else -1, pair[0] or 0))


# --- edits -------------------------------------------------------------------------------------


def _edited(edition: Edition, what: str, change: Callable[[Paragraph], Paragraph | None]) -> Edition:
    sections = []
    for s in edition.sections:
        kept = [change(p) for p in s.paragraphs]
        sections.append(replace(s, paragraphs=tuple(p for p in kept if p is not None)))
    closing = tuple(p for p in (change(p) for p in edition.closing) if p is not None)
    return replace(edition, sections=tuple(sections), closing=closing, edits=(*edition.edits, what))


def remove(edition: Edition, origin: int) -> Edition:
    return _edited(edition, f"remove {origin}", lambda p: None if p.origin == origin else p)


def rewrite(edition: Edition, origin: int, new_text: Callable[[str], str], what: str = "reword") -> Edition:
    def change(p: Paragraph) -> Paragraph:
        return replace(p, text=new_text(p.text)) if p.origin == origin else p

    return _edited(edition, f"{what} {origin}", change)


def substitute(edition: Edition, origin: int, old: str, new: str) -> Edition:
    """Replace the first ``old`` in a paragraph by ``new`` (a wording or a figure)."""

    def change(text: str) -> str:
        if old not in text:
            raise ValueError(f"paragraph {origin} has no {old!r}")
        return text.replace(old, new, 1)

    return rewrite(edition, origin, change, f"{old}→{new} in")


def insert(edition: Edition, section: int, position: int, text: str, kind: str = "clause") -> Edition:
    """A new paragraph at ``position`` of section ``section`` (0-based)."""
    sections = list(edition.sections)
    paragraphs = list(sections[section].paragraphs)
    paragraphs.insert(position, Paragraph(kind, text, None))
    sections[section] = replace(sections[section], paragraphs=tuple(paragraphs))
    return replace(edition, sections=tuple(sections), edits=(*edition.edits, f"insert into {section}"))


def move(edition: Edition, origin: int, section: int, position: int) -> Edition:
    """A paragraph taken out of its section and put at ``position`` of section ``section``."""
    paragraph = next(p for p in edition.paragraphs() if p.origin == origin)
    taken = _edited(edition, f"move {origin}", lambda p: None if p.origin == origin else p)
    sections = list(taken.sections)
    paragraphs = list(sections[section].paragraphs)
    paragraphs.insert(position, paragraph)
    sections[section] = replace(sections[section], paragraphs=tuple(paragraphs))
    return replace(taken, sections=tuple(sections))


def rename(edition: Edition, section: int, heading: str) -> Edition:
    sections = list(edition.sections)
    sections[section] = replace(sections[section], heading=heading)
    return replace(edition, sections=tuple(sections), edits=(*edition.edits, f"rename {section}"))


def reword(text: str, rng: random.Random, operations: int, sentences: list[str] | None = None) -> str:
    """``text`` reworded by ``operations`` edits as editions make them: a word for a synonym, a phrase
    between commas dropped, a phrase added before a full stop, a sentence of another clause added
    (from ``sentences``), a sentence dropped (of three or more). No edit touches a figure, so the amounts
    stay as they were. An edit that cannot be made (no synonym present) adds a phrase instead.
    """
    for _ in range(operations):
        choice = rng.randrange(5)
        present = [(a, b) for a, b in SYNONYMS if a in text and b not in text]
        droppable = [m for m in re.finditer(r",[^,。;\d]{4,16}(?=[,。])", text) if m.group() not in ADDED_PHRASES]
        # a sentence after the first, without a figure, from a clause of three sentences or more
        whole = list(re.finditer(r"(?<=。)[^。\d]+。", text)) if text.count("。") >= 3 else []
        if choice == 0 and present:
            old, new = rng.choice(present)
            text = text.replace(old, new, 1)
        elif choice == 1 and droppable:
            m = rng.choice(droppable)
            text = text[: m.start()] + text[m.end() :]
        elif choice == 3 and sentences:
            ends = [m.end() for m in re.finditer("。", text)] or [len(text)]
            where = rng.choice(ends)
            text = text[:where] + rng.choice(sentences) + text[where:]
        elif choice == 4 and whole:
            m = rng.choice(whole)
            text = text[: m.start()] + text[m.end() :]
        else:
            stops = [m.start() for m in re.finditer("。", text)] or [len(text)]
            at = rng.choice(stops)
            text = text[:at] + rng.choice(ADDED_PHRASES) + text[at:]
    return text


def sentences_of(texts: list[str]) -> list[str]:
    """The sentences without a figure of some clauses (what :func:`reword` may add to another clause)."""
    # no digit, and no word a figure in Chinese numerals ends with (六五折, 三万元)
    return [m.group() for text in texts for m in re.finditer(r"(?<=。)[^。\d折万亿元%]{8,80}。", text)]


def scale_figure(text: str, rng: random.Random) -> str | None:
    """One money or share figure of ``text`` scaled by 1.2–2 (None when it has none)."""
    found = list(FIGURE.finditer(text))
    if not found:
        return None
    m = rng.choice(found)
    value = (Decimal(m.group(1)) * Decimal(str(rng.choice((1.2, 1.25, 1.5, 2))))).quantize(Decimal("0.01")).normalize()
    return text[: m.start(1)] + f"{value:f}" + text[m.end(1) :]


@dataclass(frozen=True)
class Rates:
    """Shares of the clauses that an edition removes, rewords, changes an amount of, moves; and clauses
    added, as a share of the clauses. ``rename`` renames every section in 2025 words."""

    removed: float = 0.08
    reworded: float = 0.15
    amounts: float = 0.15
    moved: float = 0.03
    added: float = 0.08
    reword_operations: int = 2
    rename: bool = False


def random_edition(edition: Edition, rng: random.Random, rates: Rates, pool: list[str], domains: list[str]) -> Edition:
    """The next edition of ``edition``, with edits drawn at ``rates``; added clauses come from ``pool`` (other
    policies' clauses); ``domains`` are the sections' domains (for the 2025 headings)."""
    clauses = [p for p in edition.paragraphs() if p.kind == "clause"]
    other = sentences_of(pool)
    for p in clauses:
        draw = rng.random()
        if draw < rates.removed:
            edition = remove(edition, p.origin)  # type: ignore[arg-type]
        elif draw < rates.removed + rates.reworded:
            edition = rewrite(edition, p.origin, lambda t: reword(t, rng, rates.reword_operations, other))  # type: ignore[arg-type]
        elif draw < rates.removed + rates.reworded + rates.amounts:
            scaled = scale_figure(p.text, rng)
            if scaled is not None:
                edition = rewrite(edition, p.origin, lambda t, s=scaled: s, "amount")  # type: ignore[arg-type,misc]
        elif draw < rates.removed + rates.reworded + rates.amounts + rates.moved and len(edition.sections) > 1:
            target = rng.randrange(len(edition.sections))
            edition = move(edition, p.origin, target, len(edition.sections[target].paragraphs))  # type: ignore[arg-type]
    for _ in range(round(rates.added * len(clauses))):
        target = rng.randrange(len(edition.sections))
        paragraphs = edition.sections[target].paragraphs
        # after the section's preamble: an unnumbered paragraph after a clause would read as part of it
        first = sum(1 for p in paragraphs if p.kind == "preamble")
        edition = insert(edition, target, rng.randint(first, len(paragraphs)), rng.choice(pool))
    if rates.rename:
        for index, domain in enumerate(domains[: len(edition.sections)]):
            if domain in HEADINGS_2025:
                edition = rename(edition, index, HEADINGS_2025[domain])
    return edition
