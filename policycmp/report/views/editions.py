"""Which edition of each district a page shows, said on the page: every cross-district page takes one edition
per district (its default, or the year the ``year`` parameter names), and its header names them."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ...analysis.editions import editions, every_edition, label
from ...analysis.tables import shared
from .labels import district_name
from .layout import SIDE_BY_SIDE


def page_editions(params: dict[str, Any]) -> pd.DataFrame:
    """The editions a page with these (validated) parameters shows: its policy editions (one per district,
    of its ``year`` or the default) and the cities' work reports (the same choice)."""
    year = params.get("year")
    return pd.concat([editions(year), editions(year, kind="city_work_report")], ignore_index=True)


def _rule(year: int | None) -> str:
    if year is None:
        return "each district's default edition (its latest final, else its latest draft)"
    return f"each district's {year} edition (its {year} final, else its {year} draft)"


def shown_sentence(params: dict[str, Any], districts: list[str]) -> str:
    """``Editions: each district's default edition (…): Linping 2024 final, Zhenhai 2024 draft.`` For a
    province, the commonest edition by count and the others by name; districts with other editions in the
    corpus are named with them."""
    year = params.get("year")
    chosen = editions(year)
    chosen = chosen[chosen["district"].isin(districts)]
    if chosen.empty:
        return f"Editions: {_rule(year)}; none of these districts has one."
    parts = []
    if len(chosen) <= SIDE_BY_SIDE:
        parts.append(
            ", ".join(
                f"{district_name(d, with_year=False)} {label(int(y), str(s))}"
                for d, y, s in zip(chosen["district"], chosen["year"], chosen["status"])
            )
        )
    else:
        groups: dict[tuple[int, str], list[str]] = {}
        for d, y, s in zip(chosen["district"], chosen["year"], chosen["status"]):
            groups.setdefault((int(y), str(s)), []).append(str(d))
        commonest = max(sorted(groups), key=lambda key: len(groups[key]))
        parts.append(f"{len(groups[commonest])} districts their {label(*commonest)}")
        for key, members in sorted(groups.items()):
            if key != commonest:
                parts.append(f"{label(*key)}: {', '.join(district_name(d, with_year=False) for d in members)}")
    documents = shared("documents")
    policies = documents[(documents["kind"] == "policy") & documents["district"].isin(districts)]
    several = policies[policies["editions"] >= 2]
    others = [
        f"{district_name(d, with_year=False)} ({_labels(every_edition(d))})" for d in dict.fromkeys(several["district"])
    ]
    tail = f" Districts with several editions in the corpus: {'; '.join(others)}." if others else ""
    return f"Editions: {_rule(year)}: {'; '.join(parts)}.{tail}"


def district_sentence(district: str, year: int | None) -> str:
    """A one-district page: the edition it shows and every edition of the district."""
    chosen = editions(year)
    shown = chosen[chosen["district"] == district]
    every = every_edition(district)
    listed = ", ".join(
        f"{label(int(y), str(s))} ({d})" for y, s, d in zip(every["year"], every["status"], every["doc_id"])
    )
    if shown.empty:
        return f"Editions of {district_name(district, with_year=False)}: {listed or 'none'}."
    first = shown.iloc[0]
    return (
        f"Edition shown: {label(int(first['year']), str(first['status']))} ({first['doc_id']}), "
        f"{_rule(year).replace('each district', 'the district')}; every edition: {listed}."
    )


def _labels(editions_: pd.DataFrame) -> str:
    return ", ".join(label(int(y), str(s)) for y, s in zip(editions_["year"], editions_["status"]))
