"""Outcome rows of an indicator table (prose is :mod:`.prose`).

An indicator table row states a target and the achieved figures in separate columns: a growth
target (增长7%左右) is judged against the growth column (增速 3.7), a level target (73.3) against the
absolute one, with the same rules as task rows (:func:`.judging.judge`). A row with no figure
(暂无数据) or a qualitative target (稳步增长, 与经济增长同步) is ``unclear``.
"""

from __future__ import annotations

from collections.abc import Mapping

from ...ingest.outcome_report import IndicatorRow
from ...ingest.report_lines import ESTIMATE_WORD, figure_prefix, indicator_name
from ...schema import OutcomeRow, ReportLineRow
from ...vocabulary import OutcomeRules
from .judging import judge
from .linking import PolicyQuantity, indicator_of, link_target
from .phrases import Mention


def indicator_row(cells: Mapping[str, ReportLineRow], rules: OutcomeRules) -> IndicatorRow:
    """An indicator table's row from its pieces in ``report_lines`` (by column)."""

    def cell(column: str) -> str:
        line = cells.get(column)
        return line.cell if line is not None else ""

    first = next(iter(cells.values()))
    name = cell("indicator")
    target = cells.get("target")
    # a bare number under a 比上年增长(%) header was read as growth: its piece says 增长 after the name
    prefix = indicator_name(name)
    target_is_growth = (
        target is not None
        and target.text[len(prefix) :].startswith("增长")
        and rules.bare_figure.match(target.cell) is not None
        and "增长" not in target.cell
    )
    # a figure of a column headed as estimates (预计值): its piece says 预计 after the name
    achieved = cells.get("actual") or cells.get("growth")
    actual_is_estimate = achieved is not None and achieved.text[len(prefix) :].startswith(ESTIMATE_WORD)
    return IndicatorRow(
        first.row_no,
        name,
        cell("unit"),
        cell("target"),
        cell("actual"),
        cell("growth"),
        first.line_no,
        verdict=cell("verdict"),
        target_is_growth=target_is_growth,
        actual_is_estimate=actual_is_estimate,
    )


def _figure(found: list[Mention], row: IndicatorRow, column: str, rules: OutcomeRules) -> Mention | None:
    """The quantity a figure cell states, read after the words that name it (so direction and unit are known)."""
    prefix = len(figure_prefix(row, column, rules))
    own = [m for m in found if m.start >= prefix]
    return own[0] if own else None


def assess_indicator(
    row: IndicatorRow,
    figures: Mapping[str, list[Mention]],
    policy: list[PolicyQuantity],
    rules: OutcomeRules,
    doc_id: str,
    district: str,
    year: int,
) -> OutcomeRow:
    """The outcome row of one indicator table row; ``figures``: the quantities of its target, actual and
    growth pieces (with their phrases)."""
    name = indicator_name(row.name)
    growth = row.target_is_growth or bool(rules.growth_target.search(row.target))
    target = _figure(figures.get("target", []), row, "target", rules)
    actual_cell = row.growth if growth else row.absolute
    if growth and not row.growth and rules.no_data.match(row.absolute):
        actual_cell = row.absolute  # 暂无数据 merged over both columns
    actual = None
    status, reason = "unclear", ""
    if target is None:
        reason = f"{row.target!r}: no quantified target (a qualitative target is not judged)"
    elif not actual_cell or rules.no_data.match(actual_cell):
        what = "growth" if growth else "absolute"
        reason = f"{row.target}: no {what} figure achieved in the table ({actual_cell or 'empty'})"
    else:
        achieved = "growth" if growth else "actual"
        actual = _figure(figures.get(achieved, []), row, achieved, rules)
        if actual is None:
            reason = f"{row.target}: the achieved figure {actual_cell!r} states no quantity"
        elif actual.unit != target.unit:
            reason = f"{row.target} vs {actual_cell}: not in the same unit"
            actual = None
        elif row.actual_is_estimate:
            reason = f"{name} {target.span} vs {actual.span}: the achieved column holds estimates (预计), not judged"
        else:
            default = None if rules.default_direction == "none" else rules.default_direction
            status, rule = judge(target, actual, default)
            reason = f"{name} {target.span} vs {actual.span}: {rule} → {status}"
    verdict = rules.verdict_of(row.verdict) if row.verdict else None
    if verdict is not None:
        # the table's own verdict decides; the figures stay, and the reason says what they gave
        said = f"; the figures give {status} ({reason})" if reason else ""
        status, reason = verdict, f"the table's verdict {row.verdict} → {verdict}{said}"
    link, why = link_target(target, policy) if target is not None else (None, "")
    completion = "; ".join(
        part
        for part in (
            f"绝对值 {row.absolute}" if row.absolute else "",
            f"增速 {row.growth}" if row.growth else "",
            f"评价 {row.verdict}" if row.verdict else "",
        )
        if part
    )
    return OutcomeRow(
        doc_id=doc_id,
        district=district,
        year=year,
        row_no=row.row_no,
        task=f"{row.name}: {row.target}"
        if row.name.endswith(f"({row.unit})")
        else f"{row.name}({row.unit}): {row.target}",
        completion=completion or None,
        indicator=indicator_of(f"{name}{row.target}", target.unit) if target else None,
        target_value=target.value if target else None,
        actual_value=actual.value if actual else None,
        unit=target.unit if target else None,
        status=status,
        policy_clause_id=link.clause_id if link else None,
        target_span=target.span if target else None,
        actual_span=actual.span if actual else None,
        target_bound=target.bound if target else None,
        line_no=row.line_no,
        match_reason=reason,
        indicator_zh=row.name,
        targets_stated=1 if target else 0,
        targets_judged=1 if status in ("met", "not_met") else 0,
        link_span=target.span if link and target else None,
        policy_span=link.mention.span if link else None,
        link_reason=why or None,
    )
