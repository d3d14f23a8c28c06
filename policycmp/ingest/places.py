"""Zhejiang's places, and which of them a document is about.

The gazetteer (``policycmp/data/gazetteer.yaml``, read by :mod:`policycmp.vocabulary.gazetteer`)
lists the province, its cities and its county-level units with their GB/T 2260 codes.

`find_place` picks the issuing place by a scored rule that `rank_places` shows in full:
- every mention of a place counts, more when the name is fuller (杭州市临平区 > 临平区 > 临平);
- more again where a document names itself: at the start of a title, notice or signature line,
  in an issuer field (征集部门:), or as the subject of 推动X经济;
- nothing inside 《》 counts: a cited document's issuer is not this document's;
- a document that calls itself 区/县/市 (全区, 区财政, 我县) favours places of that kind;
- the most specific place wins over its own city unless the city scores more than twice as
  much, since a district's text names its city as its superior.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..errors import PolicyInputError
from ..vocabulary.gazetteer import LEVELS, Gazetteer, Place, load_gazetteer

# How much one mention counts. A qualified name (杭州市临平区) leaves no doubt which place is meant;
# a bare short name (临平) may be part of another word, so it counts least.
FORM_WEIGHT = {"qualified": 3.0, "full": 2.0, "short": 1.0}
# Where the mention stands: a document names itself at the start of its title and signature lines
# and in its issuer fields; everywhere else a place is as likely to be a superior or a neighbour.
HEAD_WEIGHT = 5.0
BODY_WEIGHT = 1.0
# A text that calls itself 区 (全区, 区财政, 区发改局) is a district's; its city, named as the
# superior (市委, 市级), is discounted by this factor.
SELF_REFERENCE_FACTOR = 2.0
# The most specific place wins over its own city unless the city scores more than this many times
# as much: a district's document names its city too, a city's document names its districts rarely.
SPECIFIC_RATIO = 2.0
# A line longer than this is prose, not a title, signature or metadata line.
SHORT_LINE = 80
# A line longer than this with spaces is a capture that lost its line breaks: split it at spaces.
RUN_ON_LINE = 200
SELF_REFERENCE_RX = re.compile(
    r"(?:全|我|本)(区|县|市)|(区|县|市)(?:政府|财政|级|委|人大|政协|发改局|发展改革局|经信局|科技局|财政局)"
)
CITED_RX = re.compile(r"《[^《》]*》")


# ---------------------------------------------------------------------------------------------
# Finding the place a document is about


@dataclass(frozen=True)
class Mention:
    """A place named in the text: where, in which form, and whether it stands where a document names itself."""

    place: Place
    form: str  # qualified | full | short
    start: int
    end: int
    head: bool

    @property
    def weight(self) -> float:
        return FORM_WEIGHT[self.form] * (HEAD_WEIGHT if self.head else BODY_WEIGHT)


@dataclass(frozen=True)
class Candidate:
    """A place with its score and the mentions that gave it, so a choice can be explained."""

    place: Place
    score: float
    mentions: tuple[Mention, ...]


def find_place(text: str, *, title: str | None = None, gazetteer: Gazetteer | None = None) -> Place | None:
    """The county-level unit (or city) a document is about, or None when it names none.

    `title`, when the caller has found the document's title, counts as a head line (every place
    it names, 关于镇海区… too), even where the text breaks it over two lines.
    """
    ranked = rank_places(text, title=title, gazetteer=gazetteer)
    return ranked[0].place if ranked else None


def rank_places(text: str, *, title: str | None = None, gazetteer: Gazetteer | None = None) -> list[Candidate]:
    """Every city and county-level unit the text names, best first (see the module docstring)."""
    gaz = gazetteer or load_gazetteer()
    mentions = [m for m in find_mentions(text, gaz) if m.place.level != "province"]
    if title:
        mentions += [
            Mention(m.place, m.form, m.start, m.end, head=True)
            for m in find_mentions(title, gaz)
            if m.place.level != "province"
        ]
    by_place: dict[str, list[Mention]] = {}
    for mention in mentions:
        by_place.setdefault(mention.place.key, []).append(mention)
    suffix = self_reference_suffix(text)
    candidates = []
    for key, found in by_place.items():
        place = gaz.by_key[key]
        score = sum(m.weight for m in found)
        if suffix and place.suffix != suffix:
            score /= SELF_REFERENCE_FACTOR
        candidates.append(Candidate(place, score, tuple(found)))
    candidates.sort(key=lambda c: (-c.score, -LEVELS.index(c.place.level), c.place.code))
    return _most_specific_first(candidates)


def _most_specific_first(candidates: list[Candidate]) -> list[Candidate]:
    """Move a county-level unit ahead of its own city when the city does not dwarf it."""
    if not candidates or candidates[0].place.level != "city":
        return candidates
    best = candidates[0]
    for candidate in candidates[1:]:
        if candidate.place.city == best.place.key and candidate.score * SPECIFIC_RATIO >= best.score:
            return [candidate] + [c for c in candidates if c is not candidate]
    return candidates


def self_reference_suffix(text: str) -> str | None:
    """区, 县 or 市: how the document mostly refers to itself (全区, 区财政, 我县), if at all."""
    counts = Counter(m.group(1) or m.group(2) for m in SELF_REFERENCE_RX.finditer(CITED_RX.sub("", text)))
    if not counts:
        return None
    (top, n), *rest = counts.most_common()
    return top if not rest or n > rest[0][1] else None


def find_mentions(text: str, gazetteer: Gazetteer) -> list[Mention]:
    """Places named in `text`, a chain such as 浙江杭州临平区 counting once, for its last place.

    The scan takes the longest name at each position, so a word of `not_place_names` (钱塘江)
    hides the place inside it. Names inside 《》 are skipped: they are the cited document's.
    """
    names = _name_index(gazetteer)
    cited = [m.span() for m in CITED_RX.finditer(text)]
    found: list[tuple[re.Match[str], Place, str]] = []
    for match in _name_pattern(gazetteer).finditer(text):
        named = names[match.group()]
        if named is not None and not any(a <= match.start() < b for a, b in cited):
            found.append((match, *named))
    mentions: list[Mention] = []
    chain: list[tuple[re.Match[str], Place, str]] = []
    for match, place, form in found:
        if chain and chain[-1][0].end() == match.start() and chain[-1][1].key in gazetteer.ancestors(place):
            chain.append((match, place, form))
            continue
        if chain:
            mentions.append(_chain_mention(text, chain, gazetteer))
        chain = [(match, place, form)]
    if chain:
        mentions.append(_chain_mention(text, chain, gazetteer))
    return mentions


def _chain_mention(text: str, chain: list[tuple[re.Match[str], Place, str]], gazetteer: Gazetteer) -> Mention:
    first, (last, place, form) = chain[0][0], chain[-1]
    return Mention(
        place=place,
        form="qualified" if len(chain) > 1 else form,
        start=first.start(),
        end=last.end(),
        head=_stands_at_head(text, first.start(), gazetteer.issuer_labels)
        or text.startswith(gazetteer.subject_followers, last.end()),
    )


def _stands_at_head(text: str, start: int, labels: tuple[str, ...]) -> bool:
    """True when a name opens a short line (title, signature, metadata) or fills an issuer field."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line_end = len(text) if line_end < 0 else line_end
    before = text[line_start:start]
    if any(re.search(re.escape(label) + r"[\s::|]*$", before) for label in labels):
        return True
    if line_end - line_start > RUN_ON_LINE:
        # A capture that lost its line breaks: the "line" is the run of text since the last space.
        run_start = max(before.rfind(" "), before.rfind("\t")) + 1
        before = before[run_start:]
        following = text[start:line_end].split(" ", 1)[0]
        return not before.strip() and len(following) <= SHORT_LINE
    return not before.strip(" \t•·") and line_end - line_start <= SHORT_LINE


@functools.lru_cache(maxsize=8)
def _name_index(gazetteer: Gazetteer) -> dict[str, tuple[Place, str] | None]:
    """Every name a place goes by -> (place, form); words that only look like places -> None."""
    index: dict[str, tuple[Place, str] | None] = {}
    for place in gazetteer.places:
        index[place.zh] = (place, "full")
        index.setdefault(place.short, (place, "short"))
    for word in gazetteer.not_place_names:
        index[word] = None
    return index


@functools.lru_cache(maxsize=8)
def _name_pattern(gazetteer: Gazetteer) -> re.Pattern[str]:
    """One alternation, longest names first, so a scan finds the longest name at each position."""
    names = sorted(_name_index(gazetteer), key=len, reverse=True)
    return re.compile("|".join(re.escape(n) for n in names))


# ---------------------------------------------------------------------------------------------
# Lookups for the CLI and its error messages


def closest(name: str, n: int = 3, *, gazetteer: Gazetteer | None = None) -> list[Place]:
    """The gazetteer entries whose key, name or short name is most like `name` (for error messages)."""
    gaz = gazetteer or load_gazetteer()
    scored = []
    for place in gaz.places:
        ratio = max(difflib.SequenceMatcher(None, name, form).ratio() for form in (place.key, place.zh, place.short))
        scored.append((ratio, place))
    scored.sort(key=lambda item: (-item[0], item[1].code))
    return [place for ratio, place in scored[:n] if ratio > 0]


def describe(places: list[Place]) -> str:
    """`linping (临平区), linan (临安区)` for a message."""
    return ", ".join(f"{p.key} ({p.zh})" for p in places) or "none"


def place_by_key(key: str, *, gazetteer: Gazetteer | None = None, given_in: str | Path | None = None) -> Place:
    """The place registered under `key`; an unknown key is an error that suggests the closest keys, naming
    where the key was given (``given_in``: a command-line option, say) or else the gazetteer."""
    gaz = gazetteer or load_gazetteer()
    place = gaz.get(key)
    if place is None:
        raise PolicyInputError(
            gaz.path if given_in is None else given_in,
            f"unknown district {key!r} (closest: {describe(closest(key, gazetteer=gaz))})",
        )
    return place
