"""The key words around a quantity, by which a target is paired with its actual figure and its policy."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ...model import QuantityMention
from ...vocabulary import OutcomeRules, load_outcome_rules
from ...vocabulary.units import load_numerals


def rules() -> OutcomeRules:
    """The outcome rules of the current ``outcome_rules.yaml`` (re-read when its content changes)."""
    return load_outcome_rules()


HAN_OR_WORD = re.compile(r"[\w\u4e00-\u9fff]+")
QUOTES = re.compile(r"[“”‘’\"'《》〈〉「」『』]")
CLASSIFIER_TAIL = re.compile(r"[\d.一二两三四五六七八九十]\s*(?:万|亿)?\s*(?P<word>[^\d\s.])(?P<next>[^\d\s.]?)")


@dataclass(frozen=True)
class Mention(QuantityMention):
    """One quantity (as ``extract_mentions`` reads it) with the words around it."""

    phrase: str  # the raw phrase holding the quantity
    sentence: str  # its sentence up to the quantity
    words: str  # the phrase's key words, numbers removed (the target's indicator_zh)
    keys: frozenset[str]  # key-word bigrams of the phrase alone
    wide_keys: frozenset[str]  # …plus the phrase before it when the phrase alone says too little
    classifier: str | None  # the measure word of a count: 家, 个, 套…
    head: frozenset[str] = frozenset()  # key words of the thing counted (文化新空间 in …等文化新空间40家)

    @property
    def label(self) -> str:
        return self.words or self.span


def _phrase_bounds(text: str, start: int, end: int, mention_starts: list[int]) -> tuple[int, int]:
    spec = rules()
    left = max((m.end() for m in spec.delimiters.finditer(text, 0, start)), default=0)
    right_match = spec.delimiters.search(text, end)
    right = right_match.start() if right_match else len(text)
    # 、 splits a list only where the item before it carries its own number (新增数字化车间10个、
    # 智能工厂2个); otherwise one number covers the whole list (整治高耗低效、低散乱污企业200家以上).
    for cut in _positions(text, spec.list_delimiter, left, start)[::-1]:
        if any(left <= s < cut for s in mention_starts):
            left = cut + 1
            break
    for cut in _positions(text, spec.list_delimiter, end, right):
        if any(cut < s < right for s in mention_starts):
            right = cut
            break
    return left, right


def _positions(text: str, char: str, start: int, end: int) -> list[int]:
    return [i for i in range(start, end) if text[i] == char]


def _key_chunks(phrase: str) -> list[str]:
    cleaned = rules().generic.sub(" ", QUOTES.sub("", phrase))
    return [c for c in HAN_OR_WORD.findall(cleaned) if not c.isdigit()]


def _bigrams(chunks: list[str]) -> frozenset[str]:
    grams: set[str] = set()
    for chunk in chunks:
        grams.update(chunk[i : i + 2] for i in range(len(chunk) - 1))
        if len(chunk) == 1:
            grams.add(chunk)
    return frozenset(grams)


def _classifier(span: str, unit: str) -> str | None:
    if unit != "count":
        return None
    groups = rules().classifier_group
    for m in CLASSIFIER_TAIL.finditer(span):
        two = m.group("word") + m.group("next")
        if two in groups:
            return two
        if m.group("word") in groups:
            return m.group("word")
    return None


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with every quantity replaced by a delimiter, so numbers never become key words."""
    chars = list(text)
    for s, e in spans:
        chars[s:e] = ["|"] * (e - s)
    return "".join(chars)


def with_phrases(text: str, found: list[Any]) -> list[Mention]:
    """Quantities of ``text`` (objects with span/start/end/value/… as from ``extract_mentions`` or
    rows of the quantities table) with their phrases and key words."""
    spec = rules()
    found = sorted(found, key=lambda q: (q.start, q.end))
    starts = [q.start for q in found]
    blanked = _blank(text, [(q.start, q.end) for q in found])
    out: list[Mention] = []
    for q in found:
        left, right = _phrase_bounds(text, q.start, q.end, starts)
        phrase = blanked[left:right]
        chunks = _key_chunks(phrase)
        keys = _bigrams(chunks)
        wide = keys
        if sum(len(c) for c in chunks) < spec.min_own_key_chars and left > 0:
            # 占比40.3% / 同比增长9%: the phrase names its subject one phrase earlier.
            if text[left - 1] not in "。;!?":  # never across sentences
                prev_left, _ = _phrase_bounds(text, left - 1, left - 1, [])
                wide = keys | _bigrams(_key_chunks(blanked[prev_left : left - 1]))
        value_high = None if q.value_high is None or _isnan(q.value_high) else float(q.value_high)
        sentence_start = max((text.rfind(c, 0, q.start) for c in "。;!?\n"), default=-1) + 1
        words = "".join(HAN_OR_WORD.findall(_strip_numbers(QUOTES.sub("", phrase))))
        level = getattr(q, "level", None)
        classifier = _classifier(str(q.span), str(q.unit))
        out.append(
            Mention(
                str(q.span),
                int(q.start),
                int(q.end),
                float(q.value),
                value_high,
                str(q.unit),
                str(q.kind),
                str(q.bound),
                None if level is None or pd.isna(level) else str(level),
                text[left:right].strip(),
                text[sentence_start : q.end],
                words,
                keys,
                wide,
                classifier,
                _bigrams(_key_chunks(_head(text, blanked, left, right, q, classifier))),
            )
        )
    return out


LIST_END = re.compile(r".*[、等]")
HEAD_STOP = re.compile(r"[(()、]")


def _head(text: str, blanked: str, left: int, right: int, q: Any, classifier: str | None) -> str:
    """The words naming what a quantity counts or measures, next to it in its phrase: after a count
    written number first (已完成10个文化新空间建设 → 文化新空间; 新增5家…重点小巨人企业), else before it, after
    any list it closes (建成城市书房、文化驿站、乡村博物馆等文化新空间40家 → 文化新空间)."""
    after = QUOTES.sub("", blanked[int(q.end) : right])
    if classifier is not None and after[:1].strip() and not rules().delimiters.match(after[:1]):
        stop = HEAD_STOP.search(after)
        return after[: stop.start()] if stop else after
    before = blanked[left : int(q.start)]
    return LIST_END.sub("", before)


def sizes_a_set(m: Mention, mentions: list[Mention], text: str) -> bool:
    """A count written before what it counts, then 均 and the figure each must reach, sizes the set a
    target covers: 4个结构性指标均实现10%以上增长 (the target is 10%以上, for each of 4)."""
    if m.classifier is None:
        return False
    later = [o.start for o in mentions if o.start > m.end]
    if not later:
        return False
    between = text[m.end : min(later)]
    return not rules().delimiters.search(between) and bool(rules().set_size_after.search(between))


NUMERALS = "一二两三四五六七八九十"


@dataclass(frozen=True)
class _Count:
    """A count written in words, shaped like a row of the quantities table for :func:`with_phrases`."""

    span: str
    start: int
    end: int
    value: float
    value_high: None = None
    unit: str = "count"
    kind: str = "other"
    bound: str = "exact"
    level: None = None


def counts_in_words(text: str, found: list[Any]) -> list[Mention]:
    """Counts a report writes in words (已打造庄市永旺、宁大步行街两条特色街区), with their phrases.

    The extract stage reads no count in words (五大领域, 一批, 三年行动 are set phrases), so these are
    heard only as the answer to a target counting the same thing (:func:`.judging.pair_target`)."""
    spec = rules()
    words = "|".join(sorted(map(re.escape, spec.classifier_group), key=len, reverse=True))
    taken = [(int(q.start), int(q.end)) for q in found]
    counts = []
    for m in re.finditer(rf"(?<![{NUMERALS}\d百千万第])(?P<n>[{NUMERALS}]{{1,3}})(?:{words})", text):
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        value = load_numerals().value(m.group("n"))
        if value is not None and value > 0:
            counts.append(_Count(m.group(), m.start(), m.end(), float(value)))
    if not counts:
        return []
    mine = {(c.start, c.end) for c in counts}
    return [m for m in with_phrases(text, [*found, *counts]) if (m.start, m.end) in mine]


def _strip_numbers(phrase: str) -> str:
    return re.sub(r"\|+|\d+(?:\.\d+)?", "", phrase)


def _isnan(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def recall(target: frozenset[str], other: frozenset[str]) -> float:
    """Share of the target's key words found in the other phrase."""
    return len(target & other) / len(target) if target else 0.0


def dice(a: frozenset[str], b: frozenset[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def _same_measure(a: Mention, b: Mention) -> bool:
    if a.unit != b.unit:
        return False
    if a.classifier and b.classifier:
        groups = rules().classifier_group
        return groups[a.classifier] == groups[b.classifier]
    return True


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
