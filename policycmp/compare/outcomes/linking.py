"""Linking an outcome report's target to the policy clause that set the same target."""

from __future__ import annotations

from dataclasses import dataclass

from ...vocabulary import load_indicators
from ..indexed import ClauseIndex
from .phrases import Mention, _close, _same_measure, dice, rules, with_phrases


@dataclass(frozen=True)
class PolicyQuantity:
    clause_id: str
    mention: Mention


def policy_quantities(index: ClauseIndex, doc_ids: list[str]) -> list[PolicyQuantity]:
    """Every quantity of the given policy documents, with its phrase in its clause, by clause_id."""
    texts = {c.clause_id: c.text for doc_id in doc_ids for c in index.by_doc.get(doc_id, [])}
    out: list[PolicyQuantity] = []
    for clause_id in sorted(texts):
        rows = index.quantities_of(clause_id)
        out.extend(PolicyQuantity(clause_id, m) for m in with_phrases(texts[clause_id], rows))
    return out


def link_target(target: Mention, policy: list[PolicyQuantity]) -> tuple[PolicyQuantity | None, str]:
    """The policy quantity stating the same value and unit with the same key words, if exactly one."""
    spec = rules()
    scored = []
    for pq in policy:
        m = pq.mention
        if not (_same_measure(target, m) and _close(target.value, m.value) and _close(target.value_high, m.value_high)):
            continue
        if target.bound != m.bound and "exact" not in (target.bound, m.bound):
            continue
        scored.append((dice(target.wide_keys, m.wide_keys), pq))
    good = sorted((s for s in scored if s[0] >= spec.link_min_score), key=lambda s: (-s[0], s[1].clause_id))
    if not good:
        return None, ""
    (score, best), rival = good[0], good[1][1] if len(good) > 1 else None
    if rival is not None and score - good[1][0] < spec.link_min_margin and rival.clause_id != best.clause_id:
        return None, f"{target.span}: {best.clause_id} and {rival.clause_id} state it alike; not linked"
    return best, (
        f"{target.span} = {best.clause_id} {best.mention.span!r} (same value and unit, key words {score:.2f})"
    )


def indicator_of(phrase: str, unit: str) -> str | None:
    """The first indicator (in vocabulary order) whose unit and pattern fit the target's phrase."""
    indicator, _ = load_indicators().find(phrase, unit)
    return indicator.key if indicator else None
