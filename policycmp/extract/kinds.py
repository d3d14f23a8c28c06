"""What an amount is for: subsidy, budget, target, threshold or other, from the words around it."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .bounds import Bounded
from .grammar import KindCues
from .windows import Windows

ASIDE = re.compile(r"\([^()]{0,40}\)")
ENUMERATION = re.compile("[、和及与或]")
GRANT_LEAD = re.compile(r"^(?:的|一次性|的一次性)")
LEADING_DIGIT = re.compile(r"\s*\d")
MONEY_CLASSES = ("money", "share", "rate")
RATE_STANDARD = "的标准"


def without_asides(norm: str, items: list[Bounded]) -> str:
    """Blank parenthesised asides that hold no amount: (含粮食生产功能区), (责任单位:…), (含上级补助
    资金) say nothing about what the amount is for, and their words would mislead the cues."""

    def blank(m: re.Match[str]) -> str:
        if any(c.span_start < m.end() and m.start() < c.span_end for c in items):
            return m.group()
        return " " * len(m.group())

    return ASIDE.sub(blank, norm) if "(" in norm else norm


def _nearest(rx: re.Pattern[str], text: str, anchor_left: int, anchor_right: int) -> int | None:
    """Distance from the amount to the closest match of rx in text (None if none)."""
    # Matches come in order: before the amount each is nearer than the last, and the first one
    # after it is the nearest after it.
    best = None
    for m in rx.finditer(text):
        if m.end() <= anchor_left:
            best = anchor_left - m.end()
        elif m.start() >= anchor_right:
            d = m.start() - anchor_right
            return d if best is None or d < best else best
        else:
            return 0
    return best


def _nearer_cue(k: KindCues, text: str, start: int, end: int, money: bool) -> str | None:
    """``subsidy`` or ``target``, whichever cue word stands nearer the amount (a tie goes to subsidy)."""
    subsidy_d = _nearest(k.subsidy_nouns, text, start, end) if money else None
    target_d = _nearest(k.target_words, text, start, end)
    if subsidy_d is not None and (target_d is None or subsidy_d <= target_d):
        return "subsidy"
    if target_d is not None:
        return "target"
    return None


def classify_kind(c: Bounded, norm: str, windows: Windows, k: KindCues, earlier: Iterable[tuple[Bounded, str]]) -> str:
    """subsidy / budget / target / threshold / other, from the words around the amount.

    The fragment (between commas) speaks first, then the sentence. Precedence, and why:
    unnormalised and descriptive amounts are `other`; a grant verb or noun touching the amount
    makes it a subsidy; a condition shape (…以上的, 亿元以上重大项目, 对…的) makes it a threshold;
    budget words; "争取/力争" makes even subsidy money a target (money the district seeks); then
    the nearest subsidy or target word; a cap after a grant continues the grant. ``earlier`` holds
    the amounts before this one with their kinds.
    """
    r = c.reading
    if not r.normalised:
        return "other"
    earlier = list(earlier)  # read more than once below
    if r.digitless:
        return "threshold"
    f0, f1 = windows.fragment(c.span_start, c.span_end)
    s0, s1 = windows.sentence(c.span_start, c.span_end)
    before, after = norm[f0 : c.span_start], norm[c.span_end : f1]
    money = r.cls in MONEY_CLASSES
    fragment = norm[f0:f1]

    if r.discount or k.other_words.search(fragment) or k.other_after.match(after):
        return "other"
    if r.cls == "count" and k.category_nouns.search(ENUMERATION.split(after[:6])[0]):
        return "other"
    if money:
        tail = GRANT_LEAD.sub("", after) if after[:1] in ("的", "一") else after
        if k.grant_verbs.search(before) or k.grant_verbs.match(after) or k.subsidy_nouns.match(tail):
            return "subsidy"
    if is_threshold(c, k, before, after):
        return "threshold"
    if money and k.budget_words.search(fragment):
        return "budget"
    if k.seek_verbs.search(norm[s0 : c.span_start]):
        return "target"
    nearer = _nearer_cue(k, fragment, c.span_start - f0, c.span_end - f0, money)
    if nearer:
        return nearer
    if money and any(kind == "subsidy" and s0 <= e.reading.start for e, kind in earlier):
        return "subsidy"  # 单个企业最高不超过100万元 after 给予…补助: the cap of the same grant
    if c.bound in ("min", "max") and (k.subsidy_nouns.search(norm[f1:s1]) or k.grant_verbs.search(norm[f1:s1])):
        return "threshold"  # 单个项目投资额100万元(含)以上,按…予以资助
    # Nothing in the fragment decided it: the nearer cue in the whole sentence does.
    nearer = _nearer_cue(k, norm[s0:s1], c.span_start - s0, c.span_end - s0, money)
    if nearer:
        return nearer
    if money and _continues_a_grant_list(c, norm, windows, k, earlier, s0):
        return "subsidy"  # 国家级250万元;国家地方联合150万元;省级100万元: a list of one grant's amounts
    return "other"


LIST_LABEL = 8  # characters a list entry may write before its amount (国家地方联合, 省级)
LABEL_NOISE = re.compile(r"[\s|]")
TIER_MARK = re.compile("[国省市区县]")


def _continues_a_grant_list(
    c: Bounded, norm: str, windows: Windows, k: KindCues, earlier: Iterable[tuple[Bounded, str]], s0: int
) -> bool:
    """A sentence that is only a short label and an amount continues the grant of the sentence before
    it, when that sentence granted an amount or spoke of a grant: a table row or list cut at its
    semicolons (…定额类补助,即时兑付。国家级 100 万元;省级 50 万元; 国家地方联合150万元), whose label
    names a tier or nothing, or a cap written on its own (…加奖10%。单个项目最高2000万元)."""
    label = LABEL_NOISE.sub("", norm[s0 : c.span_start])
    capping = c.bound == "max" and k.cap_heads.match(label) is not None  # 单个项目最高2000万元
    if len(label) > LIST_LABEL or s0 == 0 or any(m in label for m in ",:"):
        return False
    if label and not capping and not TIER_MARK.search(label):
        return False  # an entry of such a list names a tier (省级), or nothing
    p0, p1 = windows.sentence(s0 - 1, s0 - 1)
    if any(kind == "subsidy" and p0 <= e.span_start < p1 for e, kind in earlier):
        return True
    before = norm[p0:p1]
    return not any(p0 <= e.span_start < p1 for e, _ in earlier) and bool(
        k.subsidy_nouns.search(before) or k.grant_verbs.search(before)
    )


def is_threshold(c: Bounded, k: KindCues, before: str, after: str) -> bool:
    """The amount qualifies a beneficiary: …以上的, 5000万元以上楼宇, 对…100万元…的.

    Not when it is the basis of a grant (按20万元/台的标准给予补助), and a 的 counts only when it
    closes the condition before any grant word (…85%以上的种粮农户给予…).
    """
    if "按" in before or after.startswith(RATE_STANDARD):
        return False  # 按…的标准 / 1500元的标准: the rate of the grant, not who may have it
    de = after.find("的")
    closes = False
    if de >= 0:
        grant = k.grant_verbs.search(after) or k.subsidy_nouns.search(after)
        closes = grant is None or de < grant.start()
    if after.startswith("的") and closes:
        return True
    if c.bound and c.reading.cls != "count":
        # a count's noun is what is counted (新增200余家企业), not a qualifier
        if k.threshold_nouns.match(after):
            return True
        head = k.threshold_reach.match(after)  # 2亿元以上政府投资项目: the noun phrase it qualifies
        if head and not k.threshold_reach_stops.search(head.group()):
            return True
    if c.side == "suffix" and c.reading.cls != "count" and LEADING_DIGIT.match(after):
        return True  # 50亩以上200元/亩: the first amount says who gets the second
    return bool(k.condition_open.search(before) and closes)


def classify_kinds(
    items: list[Bounded], norm: str, windows: Windows, k: KindCues, b_conjunction: re.Pattern[str]
) -> list[str]:
    """Each amount's kind, read in order; then a threshold written once covers its conjoined amounts
    (10亿元或1亿美元以上重大项目). ``windows`` are those of ``norm``."""
    context = without_asides(norm, items)
    context_windows = windows if context is norm else Windows(context)
    kinds: list[str] = []
    for i, item in enumerate(items):
        kinds.append(classify_kind(item, context, context_windows, k, zip(items[:i], kinds)))
    for i in range(len(items)):
        if kinds[i] in ("target", "subsidy", "other") and _part_of_budget(i, items, kinds, norm, windows, k):
            kinds[i] = "budget"
    for i in range(len(items) - 2, -1, -1):
        a, b = items[i], items[i + 1]
        if (
            kinds[i + 1] == "threshold"
            and a.reading.normalised
            and a.reading.cls == b.reading.cls
            and b_conjunction.match(norm[a.span_end : b.span_start])
        ):
            kinds[i] = "threshold"
    return kinds


def _part_of_budget(i: int, items: list[Bounded], kinds: list[str], norm: str, windows: Windows, k: KindCues) -> bool:
    """A money amount after 其中 that opens a part of this or the previous sentence, where a budget
    amount stands before the 其中: 预算安排12.90亿元。其中,…领域资金3.1亿元 lists the budget's shares."""
    item = items[i]
    if item.reading.cls != "money" or not item.reading.normalised or "budget" not in kinds[:i]:
        return False  # only money after a budget amount can be one of its parts
    s0, _ = windows.sentence(item.span_start, item.span_end)
    parts = [m for m in k.part_words.finditer(norm, s0, item.span_start) if _opens_fragment(norm, m.start(), s0)]
    if not parts:
        return False
    part = parts[-1].start()
    previous_start = windows.sentence(max(s0 - 2, 0), max(s0 - 1, 0))[0] if s0 > 0 else s0
    return any(
        kinds[j] == "budget" and previous_start <= items[j].span_start and items[j].span_end <= part for j in range(i)
    )


def _opens_fragment(norm: str, at: int, sentence_start: int) -> bool:
    before = norm[sentence_start:at].rstrip()
    return not before or before[-1] in ",:;"
