"""What a report says in words about a target: a verdict (均完成目标任务, 顺利完成全年工作目标, 未完成) and
a level restated (保持“双百” … 保持双百).

Figures decide first (:mod:`.judging`); words decide a target the figures leave open, and only where
they plainly speak of it: a verdict whose subject names the target (粮食种植面积与蔬菜产量均完成目标任务),
or that follows a figure of the target's measure in its sentence (已举办促消费活动110场,顺利完成全年工作
目标). A verdict that names nothing of the row is no answer to any of its targets.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .judging import Judgement, judge
from .phrases import Mention, _bigrams, _key_chunks, _same_measure, recall, rules

VERDICT_ORDER = ("not_met", "unclear", "met")  # 未完成 and 基本完成 hold 完成: tried before it
SENTENCE_END = "。;!?\n"


@dataclass(frozen=True)
class Said:
    """A verdict in words, where it stands, and what it is said of."""

    status: str
    words: str
    start: int
    end: int
    subject: frozenset[str]  # key-word bigrams of what it names (粮食种植面积与蔬菜产量), or empty
    sentence_start: int


def verdicts_in(text: str) -> list[Said]:
    """Every verdict of ``text``, in order; where two patterns overlap the first in VERDICT_ORDER wins."""
    spec = rules()
    found: list[Said] = []
    taken: list[tuple[int, int]] = []
    for status in VERDICT_ORDER:
        for m in spec.verdict_words[status].finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            chunks = _key_chunks(text[_clause_start(text, m.start()) : m.start()])
            subject = _bigrams(chunks) if sum(map(len, chunks)) >= spec.head_min_chars else frozenset()
            sentence_start = max((text.rfind(c, 0, m.start()) for c in SENTENCE_END), default=-1) + 1
            found.append(Said(status, m.group(), m.start(), m.end(), subject, sentence_start))
    return sorted(found, key=lambda s: s.start)


def apply_verdicts(judgements: Sequence[Judgement], actuals: Sequence[Mention], text: str) -> list[Judgement]:
    """``judgements`` with the targets the figures left open decided by the report's words, where the words
    speak of them. The figures are kept in the reason when they gave another answer."""
    spec = rules()
    said = verdicts_in(text)
    if not said:
        return list(judgements)
    out = []
    for j in judgements:
        if j.status != "unclear":
            out.append(j)
            continue
        decided = None
        for verdict in said:
            if verdict.subject:
                if recall(j.target.wide_keys, verdict.subject) >= spec.pair_min_score:
                    decided = Judgement(
                        j.target,
                        None,
                        verdict.status,
                        f"{j.target.label} {j.target.span}: the report says "
                        f"{text[_clause_start(text, verdict.start) : verdict.end]} → {verdict.status}",
                        said=verdict.words,
                    )
                    break
                continue
            if j.actual is not None:
                continue  # a figure answered it and was not judged (an estimate, a part): words do not override
            before = [
                a for a in actuals if verdict.sentence_start <= a.start < verdict.start and _same_measure(j.target, a)
            ]
            if len(before) == 1:
                figure = before[0]
                figures, rule = judge(j.target, figure)
                note = "" if figures == verdict.status else f"; the figures alone give {figures} ({rule})"
                decided = Judgement(
                    j.target,
                    figure,
                    verdict.status,
                    f"{j.target.label} {j.target.span} vs {figure.span}: the report says {figure.span} … "
                    f"{verdict.words} → {verdict.status}{note}",
                    said=verdict.words,
                )
                break
        out.append(decided or j)
    return out


def _clause_start(text: str, at: int) -> int:
    """Where the clause holding ``at`` starts: after the nearest delimiter before it (、 joins a list)."""
    delimiters = rules().delimiters
    i = at
    while i > 0 and not delimiters.match(text[i - 1]):
        i -= 1
    return i


@dataclass(frozen=True)
class Level:
    """A target stated as a level in words (保持“双百”), and where."""

    words: str  # as written in the task: 保持“双百”
    level: str  # 双百
    keys: frozenset[str]  # key words of its phrase
    start: int
    end: int


def levels_in(task: str) -> list[Level]:
    spec = rules()
    out = []
    for m in spec.levels_in_words.finditer(task):
        keys = _bigrams(_key_chunks(task[_clause_start(task, m.start()) : m.start()]))
        out.append(Level(m.group(), m.group("level"), keys, m.start(), m.end()))
    return out


def restated_levels(task: str, completion: str) -> list[tuple[Level, str]]:
    """The task's levels in words that the completion restates of the same thing (市控及以上断面…达标率、
    水质优良率保持“双百” / …保持双百): ``(level, the completion's words)``. A level only basically
    reached (基本实现…全覆盖) is not restated."""
    spec = rules()
    out = []
    for level in levels_in(task):
        for m in spec.levels_in_words.finditer(completion):
            clause = completion[_clause_start(completion, m.start()) : m.start()]
            if m.group("level") != level.level or spec.level_hedges.search(clause):
                continue
            keys = _bigrams(_key_chunks(clause))
            if level.keys and recall(level.keys, keys) >= spec.pair_min_score:
                out.append((level, m.group()))
                break
    return out


def level_target(level: Level) -> Mention:
    """The level as a target mention: no value (双百 is not a figure the table can hold), its words as span."""
    return Mention(
        level.words,
        level.start,
        level.end,
        math.nan,
        None,
        "",
        "target",
        "exact",
        None,
        level.words,
        level.words,
        level.level,
        level.keys,
        level.keys,
        None,
    )
