"""Targets across districts: which districts and cities a comparison sets side by side, each district's
headline target per indicator, the indicators a comparison can draw, and the phrases the indicator
vocabulary does not know yet."""

from __future__ import annotations

import pandas as pd

from ..standings import headline_targets as first_goals
from ..standings import one_edition_each
from .corpus import documents
from .editions import picked
from .tables import known_districts, shared


def districts_and_cities(
    districts: list[str] | None = None, city: str | None = None, year: int | None = None
) -> tuple[list[str], list[str]]:
    """The districts a target comparison shows and the cities whose work-report targets go beside them.

    With ``city``: that city's districts with a policy edition (of ``year``, or any by default), and the
    city. Else ``districts`` and those of their cities whose work report is in the corpus.
    """
    chosen_docs = picked(year)
    with_edition = set(chosen_docs["district"])
    policies = [d for d in documents() if d.kind == "policy" and d.district in with_edition]
    reports = set(picked(year, "city_work_report")["district"])
    if city is not None:
        return list(dict.fromkeys(d.district for d in policies if d.city == city)), [city]
    chosen = list(districts or [])
    theirs = {d.city for d in policies if d.district in chosen}
    return chosen, [c for c in dict.fromkeys(d.district for d in documents()) if c in reports and c in theirs]


def headline_targets(targets: pd.DataFrame, districts: list[str]) -> pd.DataFrame:
    """One target per district and indicator × unit: its first base goal in reading order (a 力争 / 冲刺
    stretch goal only where it has no other; :func:`policycmp.standings.headline_targets`, the build's rule),
    with ``stated``, how many goals the district sets for it. The rows must hold one edition per district."""
    known_districts(districts, "districts", rows=targets["district"])
    rows = targets[targets["district"].isin(districts) & targets["value"].notna()]
    one_edition_each(rows, "the target rows")
    clauses = shared("clauses")
    order = dict(zip(clauses["clause_id"].astype(str), clauses["seq"].astype("int64"), strict=True))
    return first_goals(rows, order)


def compared_indicators(targets: pd.DataFrame, districts: list[str], at_least: int = 2) -> list[str]:
    """The indicators at least ``at_least`` of the districts and cities of ``targets`` set a target for, one of
    them a district of ``districts``: those a side-by-side figure draws (one dot alone compares nothing)."""
    known_districts(districts, "districts", rows=targets["district"])
    rows = targets[targets["indicator"].notna() & targets["value"].notna()]
    counts = rows.groupby("indicator")["district"].nunique()
    shown = set(rows[rows["district"].isin(districts)]["indicator"])
    return [str(i) for i, n in counts.items() if n >= at_least and i in shown]


def indicator_spread(headline: pd.DataFrame) -> pd.DataFrame:
    """Per indicator and unit of the build's headline targets (``analysis.standings("target")`` rows of the
    districts shown): how many of those districts set it (``districts``), the corpus-wide quartiles and how
    many districts they are taken over (``of``), and the lowest and the highest target with its district,
    clause and span (``low_*``, ``high_*``). Indicators set by fewer than two of the districts are kept, with
    ``compared`` False."""
    rows = []
    for (indicator, unit), here in headline.groupby(["item", "unit"], sort=True):
        low = here.sort_values(["value", "district"], kind="stable").iloc[0]
        high = here.sort_values(["value", "district"], ascending=[False, True], kind="stable").iloc[0]
        first = here.iloc[0]
        row: dict[str, object] = {
            "indicator": indicator,
            "unit": unit,
            "districts": len(here),
            "of": int(first["districts"]),
            "q1": first["q1"],
            "median": first["median"],
            "q3": first["q3"],
        }
        for name, found in (("low", low), ("high", high)):
            for column in ("district", "value", "clause_id", "span"):
                row[f"{name}_{column}"] = found[column]
        rows.append(row)
    out = pd.DataFrame(rows)
    return out.assign(compared=out["districts"] >= 2) if len(out) else out


def unmapped_phrases(targets: pd.DataFrame, limit: int = 60) -> pd.DataFrame:
    """Targets outside the indicator vocabulary grouped by the phrase naming them, the phrases most districts
    use first (up to ``limit``): what to add to indicators.yaml next. Columns: phrase, districts, targets,
    example (the first such target's span)."""
    unmapped = targets[targets["indicator"].isna()]
    phrases = unmapped.assign(
        phrase=unmapped["indicator_zh"].map(lambda v: v if isinstance(v, str) and v else "(no phrase)")
    )
    return (
        phrases.groupby("phrase")
        .agg(districts=("district", "nunique"), targets=("district", "size"), example=("span", "first"))
        .reset_index()
        .sort_values(["districts", "targets", "phrase"], ascending=[False, False, True], kind="stable")
        .head(limit)
        .astype({"districts": "int64", "targets": "int64"})
        .reset_index(drop=True)
    )


def followed_targets(targets: pd.DataFrame, outcomes: pd.DataFrame, clauses: pd.DataFrame) -> pd.DataFrame:
    """A district's policy targets in document order, each with the outcome-report rows that report on it.

    An outcome row reports on a target when it names the target's clause (``policy_clause_id``) and the
    policy span it repeats is the target's quantity (or lies in the target's span). Adds ``outcome_rows``
    (their row numbers) and ``statuses`` (their distinct statuses, sorted); both empty for a target the
    outcome report does not mention.
    """
    by_clause: dict[str, list[tuple[int, str, str]]] = {}
    for clause_id, row_no, status, policy_span in zip(
        outcomes["policy_clause_id"], outcomes["row_no"], outcomes["status"], outcomes["policy_span"]
    ):
        if isinstance(clause_id, str):
            by_clause.setdefault(clause_id, []).append(
                (
                    int(row_no),
                    status if isinstance(status, str) else "",
                    policy_span if isinstance(policy_span, str) else "",
                )
            )

    def text(value: object) -> str:
        return value if isinstance(value, str) else ""

    seq = dict(zip(clauses["clause_id"], clauses["seq"]))
    ordered = targets.assign(_s=targets["clause_id"].map(lambda c: seq.get(c, 10**6)))
    ordered = ordered.sort_values(["_s", "clause_id"], kind="stable").drop(columns="_s")
    found_rows, found_statuses = [], []
    for clause_id, span, quantity_span in zip(ordered["clause_id"], ordered["span"], ordered["quantity_span"]):
        quantity = text(quantity_span) or text(span)
        found = [
            (row_no, status)
            for row_no, status, policy_span in by_clause.get(text(clause_id), [])
            if not policy_span or policy_span == quantity or policy_span in text(span) and policy_span in quantity
        ]
        found_rows.append(tuple(row_no for row_no, _ in found))
        found_statuses.append(tuple(sorted({status for _, status in found})))
    return ordered.assign(
        outcome_rows=pd.Series(found_rows, index=ordered.index, dtype=object),
        statuses=pd.Series(found_statuses, index=ordered.index, dtype=object),
    )
