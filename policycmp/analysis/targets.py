"""Targets across districts: which districts and cities a comparison sets side by side, each district's
headline target per indicator, and the phrases the indicator vocabulary does not know yet."""

from __future__ import annotations

import pandas as pd

from .corpus import cities as cities_with_report
from .corpus import documents


def districts_and_cities(districts: list[str] | None = None, city: str | None = None) -> tuple[list[str], list[str]]:
    """The districts a target comparison shows and the cities whose work-report targets go beside them.

    With ``city``: that city's districts in the corpus, and the city. Else ``districts`` and those of
    their cities whose work report is in the corpus.
    """
    policies = [d for d in documents() if d.kind == "policy"]
    if city is not None:
        return list(dict.fromkeys(d.district for d in policies if d.city == city)), [city]
    chosen = list(districts or [])
    theirs = {d.city for d in policies if d.district in chosen}
    return chosen, [c for c in cities_with_report() if c in theirs]


def headline_targets(targets: pd.DataFrame, districts: list[str]) -> pd.DataFrame:
    """One target per district and indicator × unit: its first base goal (a 力争 / 冲刺 stretch goal only
    where it has no other), among the rows with a value."""
    rows = targets[targets["district"].isin(districts) & targets["value"].notna()].copy()
    rows["_stretch"] = rows["stretch"].map(lambda v: v is True)
    rows = rows.sort_values(["_stretch", "clause_id", "span_start"], kind="stable")
    return rows.drop_duplicates(["indicator", "unit", "district"]).drop(columns="_stretch")


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
