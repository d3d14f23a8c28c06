"""Patterns rewritten so that Python's regex engine can skip ahead: the same matches, found faster.

CPython's ``re`` jumps straight to the next place a match could start only when a pattern opens with
a literal or a character class. ``\\d{4}\\s*年`` opens with a repeat, so the engine starts a full
match attempt at every character of the text; that made the 23 digit-led patterns of ``not_quantity``
most of the extractor's time. ``\\d\\d{3}\\s*年`` is the same pattern — it matches the same strings and
tries their lengths in the same order — but opens with a class, so the engine skips to the digits.
"""

from __future__ import annotations

import re

# An opening atom (an escaped class such as \d, or a bracketed class) repeated at least once, greedily.
# Lazy (+?, {m,n}?) and possessive (++, {m,n}+) repeats are left as they are.
LEADING_REPEAT = re.compile(
    r"(?P<atom>\\[dDwWsS]|\[\^?(?:\\.|[^\]\\])+\])"
    r"(?:(?P<plus>\+)|\{(?P<low>\d+)(?:(?P<comma>,)(?P<high>\d*))?\})"
    r"(?![?+])"
)


def skipping_form(pattern: str) -> str:
    """``pattern`` with its opening repeat split into one atom and the rest (``\\d+`` → ``\\d\\d*``), or
    ``pattern`` itself when it does not open with one."""
    m = LEADING_REPEAT.match(pattern)
    if not m:
        return pattern
    atom = m.group("atom")
    if m.group("plus"):
        rest = "*"
    else:
        low = int(m.group("low"))
        if low < 1:
            return pattern
        if m.group("comma") is None:
            rest = f"{{{low - 1}}}"
        elif not m.group("high"):
            rest = f"{{{low - 1},}}"
        elif int(m.group("high")) >= low:
            rest = f"{{{low - 1},{int(m.group('high')) - 1}}}"
        else:
            return pattern  # {3,2} is not a repeat the engine accepts; leave the error to the original
    return atom + atom + rest + pattern[m.end() :]


def skipping(rx: re.Pattern[str]) -> re.Pattern[str]:
    """The compiled skipping form of ``rx`` (``rx`` itself when there is none)."""
    rewritten = skipping_form(rx.pattern)
    if rewritten == rx.pattern:
        return rx
    try:
        return re.compile(rewritten, rx.flags)
    except re.error:
        return rx
