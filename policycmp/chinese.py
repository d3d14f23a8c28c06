"""Small facts about written Chinese that several stages share: numerals and character forms."""

from __future__ import annotations

import functools

import opencc

CHINESE_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def chinese_ordinal(numeral: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十三 → 23 (section and clause numbers never go higher)."""
    if "十" not in numeral:
        return CHINESE_DIGITS[numeral]
    tens, _, units = numeral.partition("十")
    return (CHINESE_DIGITS[tens] if tens else 1) * 10 + (CHINESE_DIGITS[units] if units else 0)


@functools.lru_cache(maxsize=1)
def _to_simplified() -> opencc.OpenCC:
    # The converter's tables are fixed at install time, so caching it cannot serve stale data.
    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """Traditional → simplified, used only to *recognise* words; source text itself is never changed."""
    return str(_to_simplified().convert(text))
