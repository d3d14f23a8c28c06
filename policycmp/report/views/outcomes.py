"""05 target follow-through: a work report's targets against the reported outcomes, and the policy
targets they repeat."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ...analysis.editions import editions, label
from ...analysis.tables import table as table_of
from .. import params as params_mod
from ..markup.components import Notice, Paragraph, Part, Table, block
from ..markup.format import Cell, amount_cell, counted, exact_amount, format_amount, is_missing
from .context import Inputs, ReportSpec
from .data import _str, records
from .figures import _patch, count_ticks, figure, svg
from .inputs import rows as rows_of
from .labels import STATUS_COLOURS, STATUS_NAMES, district_name, indicator_name
from .shaping import _as_int, _clause_titles, _exact


def _outcomes(p: dict[str, Any]) -> pd.DataFrame:
    """The rows of the district's outcome report of the year (its final, else its draft)."""
    chosen = editions(p["year"], kind="outcome_report")
    table = table_of("outcomes", districts=p["district"], editions=chosen)
    return table.sort_values("row_no", kind="stable")


def _follow_summary(p: dict[str, Any]) -> tuple[str, str]:
    title = f"Target follow-through: {district_name(p['district'], with_year=False)} {p['year']}"
    who = f"{district_name(p['district'], with_year=False)} {p['year']}"
    table = _outcomes(p)
    counts = table["status"].value_counts()
    linked = int(table["policy_clause_id"].notna().sum())
    # An outcome report may state targets with their outcomes (a work report's completion) or actual
    # figures alone (a plan-execution report): the counts say which, rather than calling every row a target.
    stated = int(table["target_value"].notna().sum())
    actual = int(table["actual_value"].notna().sum())
    return title, (
        f"{counted(len(table), 'row')} of {who}'s outcome report, {stated} with a target and {actual} with an "
        f"actual figure: "
        f"{counts.get('met', 0)} met, {counts.get('not_met', 0)} not met, {counts.get('unclear', 0)} "
        f"unclear; {linked} repeat{'s' if linked == 1 else ''} a target of the {p['year']} policy."
    )


def _status_cell(status: object) -> Cell:
    status = _str(status)
    return Cell(
        STATUS_NAMES.get(status, status or "—"), cls={"met": "pc-ok", "not_met": "pc-bad"}.get(status, "pc-absent")
    )


def outcome_status(table: pd.DataFrame) -> Part:
    """How many of an outcome report's rows were met, not met or unclear, and which repeat a policy target."""
    if table.empty:
        return Notice("The outcomes table has no row for this district and year.")
    statuses = [s for s in STATUS_NAMES if s in set(table["status"])] + sorted(
        set(table["status"].dropna()) - set(STATUS_NAMES)
    )
    linked = table["policy_clause_id"].notna()
    quantified = table["target_value"].notna()
    numeric = table[
        quantified & table["actual_value"].notna() & (table["target_value"] != 0) & (table["unit"].map(_str) != "")
    ]
    ncols = 2 if len(numeric) else 1
    reported = table["actual_value"].notna()
    groups = [
        ("repeats a policy target", linked),
        ("quantified target", ~linked & quantified),
        # a plan-execution report states what was achieved, often with no target beside it
        ("actual figure, no target", ~linked & ~quantified & reported),
        ("qualitative task", ~linked & ~quantified & ~reported),
    ]
    with figure(5.2 * ncols, max(2.8, 0.24 * len(numeric) + 1.5), 1, ncols) as (fig, axes):
        ax = axes[0][0]
        for y, (_, mask) in enumerate(groups):
            left = 0
            for status in statuses:
                n = int(((table["status"] == status) & mask).sum())
                if n:
                    ax.barh(y, n, left=left, color=STATUS_COLOURS.get(status, "#cccccc"))
                    ax.text(left + n / 2, y, str(n), ha="center", va="center", fontsize=8, color="white")
                    left += n
        ax.set_yticks(range(len(groups)), [g for g, _ in groups])
        ax.invert_yaxis()
        ax.set_xlabel("rows of the outcome report")
        count_ticks(ax)
        ax.set_title("Status of the targets")
        ax.legend(
            handles=[_patch(STATUS_COLOURS.get(s, "#cccccc")) for s in statuses],
            labels=[STATUS_NAMES.get(s, s) for s in statuses],
            fontsize=8,
            loc="lower right",
        )
        if len(numeric):
            ax2 = axes[0][1]
            labels = [
                f"row {_as_int(r.row_no)}" + (f": {indicator_name(r.indicator)}" if not is_missing(r.indicator) else "")
                for r in records(numeric)
            ]
            ax2.scatter(
                100 * numeric["actual_value"] / numeric["target_value"],
                range(len(numeric)),
                s=28,
                color=[STATUS_COLOURS.get(_str(s), "#cccccc") for s in numeric["status"]],
                zorder=3,
            )
            ax2.set_yticks(range(len(numeric)), labels)
            ax2.set_ylim(len(numeric) - 0.5, -0.5)
            ax2.axvline(100, color="#222222", linestyle="--", linewidth=1)
            ax2.tick_params(axis="y", labelsize=7.5)
            ax2.set(xlabel="actual as % of target", ylabel="", title="Targets with a reported figure")
        fig_part = svg(
            fig,
            caption="Rows of the outcome report (目标任务 vs 完成情况) by status; 'repeats a policy "
            "target': the row's target is also set by a clause of the policy. Right: the reported figure as "
            "a share of the target, where both are numbers in the same unit (dashed line: 100%). The "
            "status comes from the build's rules, which allow for 左右 (about) and 以上 (at least).",
            alt="Bar chart of target statuses",
        )
    return block(fig_part)


def _figure_cell(value: object, unit: object, span: object, row: Any) -> Cell | str:
    """A target or reported figure; the tooltip traces it to its row and line of the outcome report."""
    if is_missing(value) and is_missing(span):
        return ""
    text = _str(span) or format_amount(value, unit)
    source = f"outcome report row {_as_int(row.row_no)} (line {_as_int(row.line_no)})"
    return Cell(text, title=" · ".join(p for p in (exact_amount(value, unit), source) if p), sort=_exact(value))


def outcome_rows(table: pd.DataFrame) -> Part:
    """Every row of an outcome report: target against reported outcome, status, the policy clause it repeats."""
    titles = {k: v for d in dict.fromkeys(table["district"]) for k, v in _clause_titles(d).items()}
    rows = []
    for r in records(table):
        rows.append(
            {
                "Row": _as_int(r.row_no),
                "Task (target)": _str(r.task),
                "Completion": _str(r.completion),
                "Indicator": indicator_name(r.indicator) if not is_missing(r.indicator) else "",
                "Target": _figure_cell(r.target_value, r.unit, getattr(r, "target_span", None), r),
                "Actual": _figure_cell(r.actual_value, r.unit, getattr(r, "actual_span", None), r),
                "Status": _status_cell(r.status),
                "Why": _str(getattr(r, "match_reason", None)),
                "Policy clause": _str(r.policy_clause_id),
                "Clause title": titles.get(_str(r.policy_clause_id), ""),
            }
        )
    return block(
        Table(
            pd.DataFrame(rows),
            caption="Every row of the outcome report: target against reported outcome",
            long=["Task (target)", "Completion", "Why"],
        )
    )


def policy_targets_followed(followed: pd.DataFrame, year: int) -> Part:
    """A district's policy targets of ``year`` with the outcome rows that report on them
    (:func:`~policycmp.analysis.targets.followed_targets`)."""
    titles = {k: v for d in dict.fromkeys(followed["district"]) for k, v in _clause_titles(d).items()}
    rows = []
    linked = int(followed["outcome_rows"].map(bool).sum()) if len(followed) else 0
    for r in records(followed):
        statuses = list(r.statuses)
        rows.append(
            {
                "Clause": _str(r.clause_id),
                "Clause title": titles.get(_str(r.clause_id), ""),
                "Indicator": indicator_name(r.indicator),
                "As written": _str(r.indicator_zh),
                "Target": amount_cell(r.value, r.unit, r.value_high, r.bound, clause_id=r.clause_id, span=r.span),
                "Outcome rows": ", ".join(f"row {n}" for n in r.outcome_rows),
                "Status": Cell(
                    ", ".join(STATUS_NAMES.get(s, s) for s in statuses) if statuses else "not in the outcome report",
                    cls="pc-ok" if statuses == ["met"] else "pc-bad" if "not_met" in statuses else "pc-absent",
                ),
                "Span": _str(r.span),
            }
        )
    if not rows:
        return block(Paragraph("The targets table has no target of this district and year."))
    return block(
        Table(
            pd.DataFrame(rows),
            caption=f"The {year} policy's targets and the outcome rows that "
            f"report on them ({linked} of {len(rows)} reported)",
            long=["Span"],
        )
    )


def _follow_inputs(p: dict[str, Any]) -> Inputs:
    outcomes = rows_of("outcomes", "district", p["district"])
    targets = rows_of("targets", "district", p["district"])
    return {
        "outcomes": outcomes[outcomes["year"] == p["year"]],
        "targets": targets[targets["year"] == p["year"]],
        "clauses": rows_of("clauses", "district", p["district"]),
        "documents": rows_of("documents", "district", p["district"]),
    }


def _follow_editions(p: dict[str, Any]) -> str:
    policy = editions(p["year"])
    policy = policy[policy["district"] == p["district"]]
    report = editions(p["year"], kind="outcome_report")
    report = report[report["district"] == p["district"]]
    shown = (
        f"the {p['year']} policy's {label(int(policy['year'].iloc[0]), str(policy['status'].iloc[0]))} edition "
        f"({policy['doc_id'].iloc[0]})"
        if len(policy)
        else f"no policy edition of {p['year']}"
    )
    return f"Editions: {shown}; the outcome report {report['doc_id'].iloc[0] if len(report) else '(none)'}."


REPORT = ReportSpec(
    "target_follow_through",
    "Target follow-through",
    {"district": str, "year": int},
    _follow_summary,
    render_for="outcome_report",
    check=params_mod.outcome_year,
    inputs=_follow_inputs,
    editions=_follow_editions,
)
