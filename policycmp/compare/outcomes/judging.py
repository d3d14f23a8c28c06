"""Pairing a target with the actual figure that answers it, and judging met / not met / unclear."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .phrases import Mention, _close, _same_measure, recall, rules


@dataclass
class Judgement:
    target: Mention
    actual: Mention | None = None
    status: str = "unclear"
    reason: str = ""
    said: str | None = None  # the report's words that decided it (均完成目标任务), when words did


def _fmt(value: float) -> str:
    value = round(value, 6)
    return f"{int(value):,}" if value == int(value) else f"{value:,.6g}"


@dataclass(frozen=True)
class _Pick:
    """The actual that answers a target, or the figures that tie for it (``tied``), and why."""

    actual: Mention | None = None
    why: str = ""
    tied: tuple[Mention, ...] = ()


def _pick(
    scored: list[tuple[float, Mention]], minimum: float, margin: float, matched: Callable[[Mention], frozenset[str]]
) -> _Pick:
    """The best-scoring mention if it reaches ``minimum`` and no other comes within ``margin`` of it
    (a runner-up below ``minimum`` still counts: 整治高耗低效企业70家 and 低散乱污企业160家 both
    answer 整治高耗低效、低散乱污企业200家, so neither alone does). A runner-up whose matched key words
    are a strict part of the best's is a broader figure, not a rival: 新增3家国家专精特新小巨人企业 beside
    新增5家国家专精特新重点小巨人企业 for 国家级重点小巨人企业8家."""
    ranked = sorted((s for s in scored if s[0] > 0), key=lambda s: (-s[0], s[1].start))
    if not ranked or ranked[0][0] < minimum:
        return _Pick()
    best = ranked[0]
    rivals = [
        s
        for s in ranked[1:]
        if best[0] - s[0] < margin
        and not (_close(s[1].value, best[1].value) and s[1].bound == best[1].bound)
        and not matched(s[1]) < matched(best[1])
    ]
    if rivals:
        why = (
            f"ambiguous: {best[1].span} and {rivals[0][1].span} both answer it "
            f"(key words {best[0]:.2f} / {rivals[0][0]:.2f})"
        )
        return _Pick(why=why, tied=(best[1], *(r[1] for r in rivals)))
    return _Pick(best[1], f"key words {best[0]:.2f}")


def _choose(target: Mention, comparable: list[Mention], extra: list[Mention]) -> _Pick:
    """The actual answering ``target``: by the key words of its own phrase, else of the phrase before
    it too, else by the thing counted (its head: 文化新空间 in 已完成10个文化新空间建设; ``extra``, the
    counts written in words, are heard only here, where the heads must agree)."""
    spec = rules()
    keys = target.wide_keys
    picked = _pick(
        [(recall(keys, a.keys), a) for a in comparable],
        spec.pair_min_score,
        spec.pair_min_margin,
        lambda a: keys & a.keys,
    )
    if picked.actual is None and not picked.why:
        picked = _pick(
            [(recall(keys, a.wide_keys), a) for a in comparable],
            spec.pair_min_score,
            spec.pair_min_margin,
            lambda a: keys & a.wide_keys,
        )
    if picked.actual is None and not picked.why and len(target.head) >= spec.head_min_bigrams:
        heads = [a for a in comparable + extra if _same_thing_counted(target, a)]
        picked = _pick(
            [(_head_score(target, a), a) for a in heads],
            spec.pair_min_score,
            spec.pair_min_margin,
            lambda a: target.head & a.head,
        )
        if picked.actual is not None:
            picked = _Pick(picked.actual, f"the thing counted: {picked.why.replace('key words', 'head')}")
    return picked


def _same_thing_counted(target: Mention, actual: Mention) -> bool:
    """Same measure, where 个, the general measure word, stands for any other (4个特色商业街区, 两条特色街区)."""
    if _same_measure(target, actual):
        return True
    return target.unit == actual.unit == "count" and "个" in (target.classifier, actual.classifier)


def _head_score(target: Mention, actual: Mention) -> float:
    """How far the actual's head names what the target's does: the share of the target's head words,
    or full marks when one head is the other shortened (特色街区 in 特色商业街区)."""
    score = recall(target.head, actual.head)
    short, long_ = sorted((_head_text(target), _head_text(actual)), key=len)
    if len(short) >= rules().head_min_chars and len(short) * 3 >= len(long_) * 2 and _subsequence(short, long_):
        return max(score, 1.0)
    return score


def _head_text(m: Mention) -> str:
    """The head's characters in order (bigrams overlap by one character)."""
    grams = sorted(m.head, key=lambda g: (m.phrase.find(g), g))
    if not grams:
        return ""
    text = grams[0]
    for gram in grams[1:]:
        text += gram[-1] if text.endswith(gram[0]) else gram
    return text


def _subsequence(short: str, long_: str) -> bool:
    rest = iter(long_)
    return all(ch in rest for ch in short)


def pair_target(
    target: Mention, actuals: list[Mention], text: str | None = None, extra: Sequence[Mention] = ()
) -> Judgement:
    """The one actual figure that answers ``target``, judged; or why there is none. When several
    figures tie because each counts a part (35张, 13张 and 20张 of new dementia-care beds for 60张以上),
    their sum answers it; ``text``, the completion they are read from, gives the span that holds them."""
    keys = target.wide_keys
    label = target.label
    if not keys:
        return Judgement(target, reason=f"{target.span}: no key words to match")
    comparable = [a for a in actuals if _same_measure(target, a)]
    if not comparable and not extra:
        return Judgement(target, reason=f"{label} {target.span}: no actual figure in the same unit")
    picked = _choose(target, comparable, list(extra))
    if picked.tied:
        return _parts(target, picked, comparable, text)
    actual, why = picked.actual, picked.why
    if actual is None:
        return Judgement(target, reason=f"{label} {target.span}: " + (why or "no actual figure with its key words"))
    judgement = Judgement(target, actual)
    head = f"{label} {target.span} vs {actual.span}"
    unachieved = _unachieved(target, actual)
    if unachieved:
        judgement.reason = f"{head}: {unachieved}"
        return judgement
    judgement.status, rule = judge(target, actual)
    judgement.reason = f"{head}: {rule} → {judgement.status} ({why})"
    return judgement


def _unachieved(target: Mention, actual: Mention) -> str:
    """Why ``actual`` is not an achieved total for ``target`` (a plan, an estimate, an application, a
    part; a running total against new units), or '' when nothing says so. An application followed by
    its result (高新技术企业申报共认定207家) is the result."""
    spec = rules()
    for name, cue, skip_units, result in spec.not_achieved:
        hit = None if actual.unit in skip_units else cue.search(actual.phrase)
        if hit and not (result is not None and result.search(actual.phrase, hit.end())):
            article = "an" if name[0] in "aeiou" else "a"
            return f"actual is {article} {name} ({hit.group(0)}), not judged"
    for target_cue, actual_cue, reason in spec.incompatible:
        if target_cue.search(target.phrase) and actual_cue.search(actual.phrase):
            return reason
    return ""


def _parts(target: Mention, picked: _Pick, comparable: list[Mention], text: str | None) -> Judgement:
    """Figures that tie for a target as its parts (三星级, 四星级 and 五星级 green factories for
    三星级以上绿色工厂40家): where more is better, their sum answers it. A part listed in the same sentence
    in the same measure word counts too, though it leaves the words out (…床位13张,青枫社区居家养老服务
    中心20张). Parts not achieved (开工 but not yet finished, applied for) are left out.

    A sum is a lower bound, for a list may go on in words the reader does not see: it can show a
    target met, never missed (short of it, the row stays unclear)."""
    label = f"{target.label} {target.span}"
    sentences = {_sentence_start(p) for p in picked.tied}
    measures = {p.classifier for p in picked.tied}
    parts = sorted(
        {*picked.tied, *(m for m in comparable if _sentence_start(m) in sentences and m.classifier in measures)},
        key=lambda m: m.start,
    )
    if direction(target) != "up" or any(p.bound == "max" for p in parts):
        return Judgement(target, reason=f"{label}: {picked.why}")
    done = [p for p in parts if not _unachieved(target, p)]
    if not done:
        return Judgement(target, reason=f"{label}: {picked.why}; none of them is achieved")
    total = _sum(done, text)
    written = " + ".join(p.span for p in done)
    status, rule = judge(target, total)
    if status != "met":
        left = "; ".join(f"{p.span}: {_unachieved(target, p)}" for p in parts if p not in done)
        why = f"{label}: the parts {written} = {_fmt(total.value)} fall short ({rule}); a sum shows no target missed"
        return Judgement(target, reason=why + (f"; not counted: {left}" if left else ""))
    return Judgement(target, total, status, f"{label} vs the parts {written} = {_fmt(total.value)}: {rule} → {status}")


def _sentence_start(m: Mention) -> int:
    return m.end - len(m.sentence)


def _sum(parts: list[Mention], text: str | None) -> Mention:
    """One figure for parts: their sum, spanning them in the completion (every shown figure is traceable)."""
    first, last = parts[0], parts[-1]
    span = text[first.start : last.end] if text is not None else " + ".join(p.span for p in parts)
    bound = "min" if any(p.bound == "min" for p in parts) else "exact"
    return dataclasses.replace(
        first,
        span=span,
        end=last.end,
        value=math.fsum(p.value for p in parts),
        value_high=None,
        bound=bound,
        phrase=" / ".join(p.phrase for p in parts),
    )


def direction(target: Mention) -> str | None:
    """'up' when more is better, 'down' when less is, None when the text does not say."""
    spec = rules()
    if target.bound == "max" or spec.lower_better.search(target.phrase):
        return "down"
    if target.bound == "min" or spec.higher_better.search(target.phrase):
        return "up"
    # A list under one verb: 新增国家级制造业单项冠军企业2家,国家级重点“小巨人”企业8家.
    if spec.higher_better.search(target.sentence) and not spec.lower_better.search(target.sentence):
        return "up"
    return None


def _actual_range(actual: Mention, tolerance: float) -> tuple[float, float]:
    low, high = actual.value, actual.value_high if actual.value_high is not None else actual.value
    if actual.bound == "min":  # 超1.7万次, 200余场: at least
        return low, math.inf
    if actual.bound == "max":  # 不到3%: at most
        return -math.inf, high
    if actual.bound == "approx":
        return low - tolerance * abs(low), high + tolerance * abs(high)
    return low, high


def judge(target: Mention, actual: Mention, default: str | None = None) -> tuple[str, str]:
    """met / not_met / unclear for a paired target and actual, and the rule applied.

    The actual is a range (an exact figure is a point; 余/超 open it upwards, 不到 downwards). A
    condition is met when the whole range satisfies it, not met when none of it does, unclear
    otherwise. ``default`` is the direction when the words do not say (``up`` for a plan's indicators).
    """
    tol = rules().tolerance
    lo, hi = _actual_range(actual, tol)
    t, t_high = target.value, target.value_high
    way = direction(target) or default
    if target.bound == "approx":
        slack = tol * abs(t)
        floor, ceiling = t - slack, t + slack
        how = f" ({_fmt(t)} {'less' if way == 'up' else 'plus' if way == 'down' else '±'} {tol:.0%} for 左右)"
    else:
        floor, ceiling = t, t_high if t_high is not None else t
        how = ""
    if way == "up":
        return _at_least(lo, hi, floor), f"needs ≥ {_fmt(floor)}{how}, {_fmt_range(lo, hi)}"
    if way == "down":
        return _at_most(lo, hi, ceiling), f"needs ≤ {_fmt(ceiling)}{how}, {_fmt_range(lo, hi)}"
    inside = floor <= lo and hi <= ceiling
    return ("met" if inside else "unclear"), (
        f"direction unknown, needs {_fmt(floor)}–{_fmt(ceiling)}{how}, {_fmt_range(lo, hi)}"
    )


def _at_least(lo: float, hi: float, floor: float) -> str:
    return "met" if lo >= floor - 1e-9 else "not_met" if hi < floor - 1e-9 else "unclear"


def _at_most(lo: float, hi: float, ceiling: float) -> str:
    return "met" if hi <= ceiling + 1e-9 else "not_met" if lo > ceiling + 1e-9 else "unclear"


def _fmt_range(lo: float, hi: float) -> str:
    if lo == hi:
        return f"actual {_fmt(lo)}"
    if hi == math.inf:
        return f"actual ≥{_fmt(lo)}"
    if lo == -math.inf:
        return f"actual ≤{_fmt(hi)}"
    return f"actual {_fmt(lo)}–{_fmt(hi)}"
