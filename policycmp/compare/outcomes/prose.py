"""Outcome rows of a report that states its results in prose: one row per figure achieved.

Most figures of a review of the year stand alone (全年地区生产总值达1416亿元): their row is ``unclear``,
never a guessed target. Some sentences say more, and are read as a reader reads them (seen in real
reports: ``tests/data/outcome_captures.yaml``):

- the target in the same sentence: 全年新(改)扩建幼儿园48所,超额完成40所的年度目标任务 (宁波 2018),
  城镇调查失业率平均值为4.6%,低于5%的控制目标: the figure before the target, in its measure, is judged
  against it;
- a completion rate: …新增认知障碍照护专区床位1202张,整体完成率111.5% (杭州 2024): the sentence's figures
  are done at 100% or more, not done below it;
- the task exceeded: 实际利用外资8429万美元,超任务数的40.5% (丽水 2021): done;
- a verdict: 已完成60个乡镇“污水零直排区”创建预验收工作,完成年度目标任务: the sentence's figures before it
  get its status.

The figures that state a target, a rate or an excess are part of what the sentence says of the others,
not results of their own, so they are no rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...schema import OutcomeRow, ReportLineRow
from ...vocabulary import OutcomeRules
from .judging import judge
from .linking import indicator_of
from .phrases import Mention, _same_measure
from .verdicts import verdicts_in


@dataclass(frozen=True)
class _Decided:
    status: str
    reason: str
    target: Mention | None = None


def _sentence(m: Mention) -> int:
    return m.end - len(m.sentence)


def _decisions(
    text: str, figures: list[Mention], rules: OutcomeRules, cutoff: str
) -> tuple[dict[int, _Decided], set[int]]:
    """What the sentences say of each figure (by index), and the figures that are no results of their own."""
    decided: dict[int, _Decided] = {}
    said: set[int] = set()
    for i, m in enumerate(figures):
        before = text[_sentence(m) : m.start]
        if rules.prose_target_after.match(text, m.end):
            said.add(i)
            actual = next(
                (j for j, a in enumerate(figures[:i]) if _sentence(a) == _sentence(m) and _same_measure(m, a)), None
            )
            if actual is not None and actual not in said:
                status, rule = judge(m, figures[actual])
                decided[actual] = _Decided(
                    status,
                    f"{figures[actual].span} against the target the sentence states, {m.span}: {rule} → {status}",
                    m,
                )
        elif m.unit == "%" and (rules.prose_rate_before.search(before) or rules.prose_excess_before.search(before)):
            said.add(i)
            excess = rules.prose_excess_before.search(before)
            rate = excess or rules.prose_rate_before.search(before)
            assert rate is not None
            done = excess is not None or m.value >= rules.progress_done
            status = "met" if done else "unclear" if cutoff else "not_met"
            words = f"{before[rate.start() :]}{m.span}"
            for j, a in enumerate(figures):
                if j != i and _sentence(a) == _sentence(m) and j not in decided:
                    decided[j] = _Decided(status, f"the sentence says {words} → {'done' if done else 'not done'}")
    for verdict in verdicts_in(text):
        for j, a in enumerate(figures):
            if (
                j not in said
                and j not in decided
                and _sentence(a) == verdict.sentence_start
                and a.start < verdict.start
            ):
                decided[j] = _Decided(verdict.status, f"the sentence says {verdict.words} → {verdict.status}")
    return decided, said


def _states_a_target(m: Mention, paragraph: ReportLineRow, rules: OutcomeRules) -> bool:
    return rules.prose_target_after.match(paragraph.cell, m.end) is not None


def assess_prose(
    paragraph: ReportLineRow, mentions: list[Mention], rules: OutcomeRules, first_row: int, cutoff: str = ""
) -> list[OutcomeRow]:
    """One row per figure a paragraph of the review states, numbered from ``first_row``: unclear unless
    its sentence states the target, a completion rate or a verdict (module docstring)."""
    # a target's figure may read as a condition (超额完成40所的年度目标任务: 40所…的), so every figure is
    # looked at; rows are made of those that can be results
    figures = [
        m
        for m in mentions
        if m.unit != ""
        and m.value == m.value
        and (m.kind in rules.actual_kinds or _states_a_target(m, paragraph, rules))
    ]
    decided, said = _decisions(paragraph.cell, figures, rules, cutoff)
    rows: list[OutcomeRow] = []
    for i, mention in enumerate(figures):
        if i in said:
            continue
        decision = decided.get(i)
        target = decision.target if decision else None
        status = decision.status if decision else "unclear"
        rows.append(
            OutcomeRow(
                doc_id=paragraph.doc_id,
                district=paragraph.district,
                year=paragraph.year,
                row_no=first_row + len(rows),
                task=mention.label,
                completion=paragraph.cell,
                indicator=indicator_of(mention.phrase, mention.unit),
                target_value=target.value if target else None,
                actual_value=mention.value,
                unit=mention.unit,
                status=status,
                policy_clause_id=None,
                target_span=target.span if target else None,
                actual_span=mention.span,
                target_bound=target.bound if target else None,
                line_no=paragraph.line_no,
                match_reason=decision.reason
                if decision
                else "the report states the figure achieved without the target it answers; not judged",
                indicator_zh=mention.label,
                targets_stated=1 if target else 0,
                targets_judged=1 if status in ("met", "not_met") else 0,
                link_span=None,
                policy_span=None,
                link_reason=None,
            )
        )
    return rows
