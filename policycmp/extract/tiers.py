"""Which tier of an award an amount belongs to (国家级、省级、市级…分别给予150万元、100万元和50万元)."""

from __future__ import annotations

import re

from .bounds import Bounded
from .grammar import BoundGrammar, TierCues
from .windows import Windows

CONDITION_PARTS = re.compile(r"[,:()]")
SAME_GRANT_BREAK = re.compile("对|的")
SEVERAL_TIERS = re.compile(r"(?<![\d万亿元%])以上")
TIER_CONJUNCTION = r"(?:、|和|及|与)"


def tiers_in(text: str, t: TierCues) -> list[str]:
    """Tiers named in text, in order, after removing funding sources (省财政) and 上级."""
    text = t.exclusions.sub(lambda m: " " * len(m.group()), text)
    found = []
    for m in t.level_word.finditer(text):
        for name, rx in t.levels:
            if rx.fullmatch(m.group()):
                found.append(name)
                break
    return found


def assign_levels(
    items: list[Bounded], kinds: list[str], norm: str, windows: Windows, t: TierCues, b: BoundGrammar
) -> list[str | None]:
    """Each amount's tier (None for amounts that are not grants or name no single tier).

    An enumeration of conjoined grants is paired one-to-one with a run of conjoined tiers written
    before it; a grant whose condition names one tier (对入选省领军型…的) belongs to that tier; a
    grant continuing the one before it in the same sentence (最高500万元1:1区级资助) shares its tier.
    """
    levels: list[str | None] = [None] * len(items)
    grants = [i for i, kind in enumerate(kinds) if kind == "subsidy"]
    done: set[int] = set()
    g = 0
    while g < len(grants):
        run = [grants[g]]
        while g + len(run) < len(grants):
            nxt = grants[g + len(run)]
            if not b.conjunction.match(norm[items[run[-1]].span_end : items[nxt].span_start]):
                break
            run.append(nxt)
        if len(run) > 1:
            first = items[run[0]]
            s0, _ = windows.sentence(first.span_start, first.span_end)
            for tiers in _tier_lists(norm[s0 : first.span_start], t):
                if len(tiers) == len(run):
                    for index, tier in zip(run, tiers, strict=True):
                        levels[index] = tier
                        done.add(index)
                    break
        g += len(run)
    previous: int | None = None
    for index in grants:
        item = items[index]
        s0, _ = windows.sentence(item.span_start, item.span_end)
        if index in done:
            previous = index
            continue
        if previous is not None and items[previous].span_end > s0:
            between = norm[items[previous].span_end : item.span_start]
            # 对/的 opens a new condition; so does a new subject naming a tier or place (…市…项目).
            if not SAME_GRANT_BREAK.search(between) and not t.level_word.search(between):
                levels[index] = levels[previous]
                previous = index
                continue
            s0 = items[previous].span_end
        condition = norm[s0 : item.span_start]
        tail = t.explicit_tail.search(condition)
        # 分别给予国家级25万元、省级20万元: a tier written right before the amount is its own
        levels[index] = (
            tiers_in(tail.group(), t)[0] if tail and tiers_in(tail.group(), t) else _single_tier(condition, t)
        )
        previous = index
    return levels


def _tier_lists(text: str, t: TierCues) -> list[list[str]]:
    """Runs like 国家级、省级、市级 / 国家、省、市级 in text, last first."""
    word = t.level_word.pattern
    runs = [m.group() for m in re.finditer(rf"(?:{word})(?:{TIER_CONJUNCTION}(?:{word}))+", text)]
    return [tiers_in(r, t) for r in reversed(runs)]


def _single_tier(condition: str, t: TierCues) -> str | None:
    # Scene-setting fragments (在享受省市有关政策扶持后) do not describe the beneficiary.
    parts = CONDITION_PARTS.split(condition)
    parts = [p for p in parts[:-1] if not t.scene.search(p)] + parts[-1:]
    text = ",".join(parts)
    verb = t.recognition.search(text)
    if not verb:
        # 省级个人科技特派员项目每年每项补助: a condition that opens with an explicit tier names it.
        head = t.explicit_heads.match(parts[-1])
        return tiers_in(head.group(), t)[0] if head and tiers_in(head.group(), t) else None
    text = text[verb.start() :]
    if SEVERAL_TIERS.search(text):
        return None  # 省级以上 / 市…及以上: several tiers
    tiers = set(tiers_in(text, t))
    return tiers.pop() if len(tiers) == 1 else None
