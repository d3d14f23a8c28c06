"""Pairing a target with the actual figure that answers it, and judging met / not met / unclear."""

from __future__ import annotations

import math
from dataclasses import dataclass

from .phrases import Mention, _close, _same_measure, recall, rules


@dataclass
class Judgement:
    target: Mention
    actual: Mention | None = None
    status: str = "unclear"
    reason: str = ""


def _fmt(value: float) -> str:
    value = round(value, 6)
    return f"{int(value):,}" if value == int(value) else f"{value:,.6g}"


def _pick(scored: list[tuple[float, Mention]], minimum: float, margin: float) -> tuple[Mention | None, str]:
    """The best-scoring mention if it reaches ``minimum`` and no other comes within ``margin`` of it
    (a runner-up below ``minimum`` still counts: 整治高耗低效企业70家 and 低散乱污企业160家 both
    answer 整治高耗低效、低散乱污企业200家, so neither alone does)."""
    ranked = sorted((s for s in scored if s[0] > 0), key=lambda s: (-s[0], s[1].start))
    if not ranked or ranked[0][0] < minimum:
        return None, ""
    best = ranked[0]
    rivals = [
        s
        for s in ranked[1:]
        if best[0] - s[0] < margin and not (_close(s[1].value, best[1].value) and s[1].bound == best[1].bound)
    ]
    if rivals:
        return None, (
            f"ambiguous: {best[1].span} and {rivals[0][1].span} both answer it "
            f"(key words {best[0]:.2f} / {rivals[0][0]:.2f})"
        )
    return best[1], f"key words {best[0]:.2f}"


def pair_target(target: Mention, actuals: list[Mention]) -> Judgement:
    """The one actual figure that answers ``target``, judged; or why there is none."""
    spec = rules()
    keys = target.wide_keys
    label = target.label
    if not keys:
        return Judgement(target, reason=f"{target.span}: no key words to match")
    comparable = [a for a in actuals if _same_measure(target, a)]
    if not comparable:
        return Judgement(target, reason=f"{label} {target.span}: no actual figure in the same unit")
    # Prefer an actual whose own phrase names the target; borrow the phrase before only if none does.
    actual, why = _pick([(recall(keys, a.keys), a) for a in comparable], spec.pair_min_score, spec.pair_min_margin)
    if actual is None and not why:
        actual, why = _pick(
            [(recall(keys, a.wide_keys), a) for a in comparable], spec.pair_min_score, spec.pair_min_margin
        )
    if actual is None:
        return Judgement(target, reason=f"{label} {target.span}: " + (why or "no actual figure with its key words"))
    judgement = Judgement(target, actual)
    head = f"{label} {target.span} vs {actual.span}"
    for name, cue, skip_units in spec.not_achieved:
        hit = None if actual.unit in skip_units else cue.search(actual.phrase)
        if hit:
            article = "an" if name[0] in "aeiou" else "a"
            judgement.reason = f"{head}: actual is {article} {name} ({hit.group(0)}), not judged"
            return judgement
    for target_cue, actual_cue, reason in spec.incompatible:
        if target_cue.search(target.phrase) and actual_cue.search(actual.phrase):
            judgement.reason = f"{head}: {reason}"
            return judgement
    judgement.status, rule = judge(target, actual)
    judgement.reason = f"{head}: {rule} → {judgement.status} ({why})"
    return judgement


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
