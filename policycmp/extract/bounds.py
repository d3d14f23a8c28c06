"""Bounds written around an amount (最高, 以上, 左右…), and the span that includes them."""

from __future__ import annotations

from typing import NamedTuple

from .candidates import Reading
from .grammar import BoundGrammar


class Bounded(NamedTuple):
    """A reading with the bound written around it and the span of text that says both."""

    reading: Reading
    span_start: int
    span_end: int
    bound: str | None  # max | min | approx, None when nothing bounds it
    side: str | None  # prefix | suffix | reach | shared: where the bound was written


def read_bounds(readings: list[Reading], norm: str, b: BoundGrammar) -> list[Bounded]:
    """Bound cues right before or after each amount; the span grows to include them."""
    found = [_bound_of(r, norm, b) for r in readings]
    # Cue words must not swallow a neighbouring amount (…100万元最高…): clip the spans to each other,
    # but never into the number itself, so a span always holds its amount.
    starts = [item.span_start for item in found]
    ends = [item.span_end for item in found]
    for i in range(1, len(found)):
        if starts[i] < ends[i - 1]:
            starts[i] = min(max(starts[i], ends[i - 1]), found[i].reading.start)
            ends[i - 1] = max(min(ends[i - 1], starts[i]), found[i - 1].reading.end)
    return [
        item
        if (start, end) == (item.span_start, item.span_end)
        else Bounded(item.reading, start, end, item.bound, item.side)
        for item, start, end in zip(found, starts, ends, strict=True)
    ]


def _bound_of(r: Reading, norm: str, b: BoundGrammar) -> Bounded:
    start, end = r.start, max(r.end, r.written_end)
    bound: str | None = None
    side: str | None = None
    before = norm[max(0, r.start - 12) : r.start]
    m = b.prefix.search(before)
    if m:
        bound, side = m.lastgroup, "prefix"
        start = r.start - (len(before) - m.start())
    after = b.suffix.match(norm[end : end + 8])
    if after:
        if bound is None:
            bound, side = after.lastgroup, "suffix"
        end += after.end()
    if bound is None and r.more:
        bound, side = "min", "suffix"
    if bound is None:
        reach = b.reach.search(norm[max(0, r.start - 20) : r.start]) or b.grant_reach.search(before)
        if reach:
            bound, side = reach.lastgroup, "reach"
    return Bounded(r, start, end, bound, side)


def share_bounds(items: list[Bounded], norm: str, b: BoundGrammar) -> list[Bounded]:
    """10亿元或1亿美元以上: a bound written once governs every conjoined amount, however long the
    list (分别给予最高50万元、10万元、10万元和2万元: all four are maxima)."""
    out = list(items)
    for i in range(len(out) - 2, -1, -1):
        x, y = out[i], out[i + 1]
        if (
            x.bound is None
            and y.bound
            and y.side in ("suffix", "shared_suffix")
            and x.reading.cls == y.reading.cls
            and b.conjunction.match(norm[x.span_end : y.span_start])
        ):
            out[i] = Bounded(x.reading, x.span_start, x.span_end, y.bound, "shared_suffix")
    for i in range(1, len(out)):
        x, y = out[i - 1], out[i]
        if (
            y.bound is None
            and x.bound
            and x.side in ("prefix", "shared_prefix", "reach")
            and x.reading.cls == y.reading.cls
            and b.conjunction.match(norm[x.span_end : y.span_start])
        ):
            out[i] = Bounded(y.reading, y.span_start, y.span_end, x.bound, "shared_prefix")
    return out
