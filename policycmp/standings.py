"""How a district stands among the districts: the rules of every cross-district summary, defined once.

- a district's **amount** for an instrument key (instrument × level × variant × role × unit) is the largest it
  states in one edition; a cap goes with the share or rate it limits (same statement and grant number) and
  is never ranked on its own;
- a district's **headline target** for an indicator and unit is the first base goal of its edition in reading
  order (a 力争 / 冲刺 stretch goal only where it states no other);
- **ranks** put 1 on the highest figure; a **percentile** is the share of the districts whose figure is at most
  this one;
- **quartiles** are nearest-rank: each is an actual district's figure, so it reads as one some district
  states, and it stays put when a district is added unless it crosses it.

Every rule reads rows of **one edition per district** (:func:`policycmp.editions.pick`): ranks and quartiles
are taken over districts, so two editions of one district would count it twice. The build applies them per
edition selection and publishes the result (``subsidy_ranks``, ``standings``; :mod:`policycmp.compare.standings`);
:mod:`policycmp.analysis` reads those tables, and applies the same rules to rows a researcher chose. A leaf
module: both import it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

QUARTILE_COLUMNS = ["districts", "q1", "median", "q3"]
# What one comparable amount is: a share (% of a cost) is not set beside a flat amount, nor a top-up (% of a
# higher government's grant) beside a share.
SUBSIDY_KEY = ["instrument", "level", "variant", "role", "unit"]
# The roles ranked: a cap is shown with the share or rate it limits, an amount-less statement has no figure.
RANKED_ROLES = ("amount", "share", "rate", "top_up")
# What links a cap to its share or rate: one statement's grant (compare.instruments numbers them).
GRANT_KEY = ["doc_id", "clause_id", "span_start", "instrument", "level", "variant", "grant_no"]
CAP_COLUMNS = ["cap", "cap_bound", "cap_span"]


class TwoEditionsError(ValueError):
    """Rows of two editions of one district where a cross-district figure needs one edition each."""

    def _render_traceback_(self) -> list[str]:
        # IPython shows this instead of a traceback: one line naming the district and its editions.
        return [f"TwoEditionsError: {self}"]


def one_edition_each(rows: pd.DataFrame, what: str = "these rows") -> None:
    """Raise :class:`TwoEditionsError` when ``rows`` hold two documents (editions) of one district."""
    if rows.empty or "doc_id" not in rows.columns or "district" not in rows.columns:
        return
    docs = rows[["district", "doc_id"]].drop_duplicates()
    doubled = docs[docs["district"].duplicated(keep=False)]
    if len(doubled):
        district = str(doubled["district"].iloc[0])
        editions = ", ".join(sorted(map(str, doubled[doubled["district"] == district]["doc_id"])))
        raise TwoEditionsError(
            f"{what} hold two editions of {district} ({editions}): a figure across districts takes one edition "
            "each; choose them with policycmp.editions.pick (analysis.editions) and filter with of_editions"
        )


def _text(series: pd.Series) -> pd.Series:
    """A key column as plain strings, missing as "" (so groups and joins treat a missing level as one value)."""
    return series.astype(object).map(
        lambda v: "" if v is None or v is pd.NA or (isinstance(v, float) and v != v) else str(v)
    )


def _restored(series: pd.Series) -> pd.Series:
    return series.map(lambda v: None if v == "" else v).astype(object)


def quartiles(values: pd.DataFrame, by: list[str], value: str = "value") -> pd.DataFrame:
    """Per group of ``by``: how many districts (rows), and the nearest-rank quartiles of ``value``."""
    if values.empty:
        return pd.DataFrame(columns=[*by, *QUARTILE_COLUMNS])
    grouped = values.groupby(by, dropna=False, sort=True)[value]
    out = grouped.agg(
        districts="count",
        q1=lambda s: float(np.percentile(s, 25, method="inverted_cdf")),
        median=lambda s: float(np.percentile(s, 50, method="inverted_cdf")),
        q3=lambda s: float(np.percentile(s, 75, method="inverted_cdf")),
    )
    return out.reset_index()


def with_spread(values: pd.DataFrame, by: list[str], value: str = "value") -> pd.DataFrame:
    """``values`` with their group's (``by``) ``rank`` (1 = highest), ``of`` (rows in the group),
    ``percentile`` (the share of the group at most this figure) and nearest-rank quartiles."""
    keys = pd.DataFrame({f"_{c}": _text(values[c]) for c in by}, index=values.index)
    names = list(keys.columns)
    if values.empty:
        empty = {"rank": "int64", "of": "int64", "percentile": "float64", "districts": "int64"}
        return values.assign(**{k: pd.Series(dtype=t) for k, t in empty.items()}, q1=np.nan, median=np.nan, q3=np.nan)
    group = values[value].groupby([keys[c] for c in names], dropna=False)
    out = values.assign(
        rank=group.rank(method="min", ascending=False).astype("int64"),
        of=group.transform("count").astype("int64"),
        percentile=100.0 * group.rank(method="max", pct=True),
    )
    spread = quartiles(pd.concat([keys, values[[value]]], axis=1), names, value)
    merged = pd.concat([out, keys], axis=1).merge(spread, how="left", on=names)
    merged.index = out.index
    return merged.drop(columns=names)


def district_amounts(comparisons: pd.DataFrame) -> pd.DataFrame:
    """Per document (one edition of a district) and instrument key (:data:`SUBSIDY_KEY`): the largest amount it
    states, with ``amounts`` (how many it states for the key) and the cap that limits a share or rate
    (``cap``, ``cap_bound``, ``cap_span``; null where none). Rows in the comparisons' order (ties between equal
    amounts go to the first stated). Award rows no instrument recognises are not amounts of a key."""
    table = comparisons.reset_index(drop=True)
    stated = table["stated"].map(lambda v: v is True)
    has_value = pd.to_numeric(table["value"], errors="coerce").notna()
    roles = _text(table["role"])
    base = stated & has_value & table["instrument"].notna()
    rows = table[base & roles.isin(RANKED_ROLES)].copy()
    rows["value"] = pd.to_numeric(rows["value"], errors="coerce").astype("float64")
    for column in ("level", "variant"):
        rows[column] = _text(rows[column])
    caps = table[base & (roles == "cap")].copy()
    for column in ("level", "variant"):
        caps[column] = _text(caps[column])
    caps = caps.drop_duplicates(GRANT_KEY)[[*GRANT_KEY, "value", "bound", "quantity_span"]].rename(
        columns={"value": "cap", "bound": "cap_bound", "quantity_span": "cap_span"}
    )
    rows["_order"] = range(len(rows))
    rows = rows.sort_values(["value", "_order"], ascending=[False, True], kind="stable")
    doc_key = ["doc_id", *SUBSIDY_KEY]
    counts = rows.groupby(doc_key, dropna=False).size().rename("amounts").reset_index()
    best = rows.drop_duplicates(doc_key).merge(counts, how="left", on=doc_key)
    if len(caps):
        best = best.merge(caps, how="left", on=GRANT_KEY)
        best["cap"] = pd.to_numeric(best["cap"], errors="coerce").astype("float64")
    else:
        best = best.assign(cap=np.nan, cap_bound=None, cap_span=None)
    best = best.sort_values("_order", kind="stable").drop(columns="_order").reset_index(drop=True)
    for column in ("level", "variant"):
        best[column] = _restored(best[column])
    best["amounts"] = best["amounts"].astype("int64")
    return best


def headline_targets(targets: pd.DataFrame, reading_order: dict[str, int] | None = None) -> pd.DataFrame:
    """Per document and indicator × unit: the first base goal in reading order (a stretch goal only where the
    document states no other), with ``stated``, how many goals it sets for the indicator in that unit.

    ``reading_order`` maps a clause id to its place in the document (the clause rows' ``seq``); without it the
    targets' own order is taken for it. Targets no indicator of the vocabulary names are left out."""
    rows = targets[targets["indicator"].notna()].reset_index(drop=True)
    rows = rows.assign(
        _stretch=rows["stretch"].map(lambda v: v is True),
        _seq=rows["clause_id"].map(reading_order) if reading_order is not None else pd.Series(range(len(rows))),
        _at=pd.to_numeric(rows["span_start"], errors="coerce"),
        _order=range(len(rows)),
    )
    rows = rows.sort_values(["_stretch", "_seq", "_at", "_order"], kind="stable")
    key = ["doc_id", "indicator", "unit"]
    counts = rows.groupby(key, dropna=False).size().rename("stated").reset_index()
    first = rows.drop_duplicates(key).merge(counts, how="left", on=key)
    first = first.sort_values(["_seq", "_at", "_order"], kind="stable")
    return first.drop(columns=["_stretch", "_seq", "_at", "_order"]).reset_index(drop=True)
