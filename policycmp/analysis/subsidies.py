"""Subsidy instruments across districts: what each district states for each instrument, award level and variant.

A district *states an amount*, states the measure *without an amount* (给予相应奖励) or does not have
it (*absent*); the three are kept apart. One instrument, level and variant is one key in every district
(新认定 and 重新认定, a star rating, a revenue bracket are variants). :func:`subsidy_grid` lays the comparison
rows out as one row per key × district (× amount), :func:`with_ranks` adds each amount's rank among the
districts (the build's ``subsidy_ranks``), :func:`with_caps` reads a share or rate and the cap that limits
it as one measure, and :func:`unclassified_awards` lists the award amounts no instrument recognises.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..standings import GRANT_KEY, one_edition_each
from ..vocabulary import load_instruments, load_tiers
from ..vocabulary.domains import load_domains
from .amounts import is_missing
from .corpus import districts as corpus_districts
from .tables import known_districts

GRID_KEY = ["instrument", "level", "variant"]
GRID_COLUMNS = [
    "instrument",
    "level",
    "variant",
    "district",
    "category",
    "value",
    "value_high",
    "unit",
    "bound",
    "role",
    "cap",
    "cap_bound",
    "cap_span",
    "clause_id",
    "span",
]
UNCLASSIFIED_COLUMNS = [
    "district",
    "doc_id",
    "object",
    "value",
    "value_high",
    "unit",
    "bound",
    "role",
    "clause_id",
    "clause_title",
    "span",
    "quantity_span",
]


def instrument_domain(instrument: str) -> str | None:
    """The policy domain an instrument belongs to (instruments.yaml), None for one it does not know."""
    for known in load_instruments().instruments:
        if known.key == instrument:
            return known.domain or None
    return None


def instrument_order(keys: list[str]) -> list[str]:
    """Instruments grouped by their domain (in domain order), vocabulary order within a domain."""
    position = {i.key: n for n, i in enumerate(load_instruments().instruments)}
    domains = {d: n for n, d in enumerate(load_domains().keys)}
    return sorted(
        set(keys),
        key=lambda k: (domains.get(instrument_domain(k) or "", len(domains)), position.get(k, len(position)), k),
    )


def level_order(levels: list[object]) -> list[object]:
    """Award levels highest first (award_tiers.yaml), then any other level, then None (no level)."""
    tiers = load_tiers().keys
    known: list[object] = [lv for lv in tiers if lv in levels]
    return (
        known
        + sorted(str(lv) for lv in levels if not is_missing(lv) and lv not in tiers)
        + ([None] if any(is_missing(lv) for lv in levels) else [])
    )


def variant_order(variants: list[object]) -> list[object]:
    """No variant first, then the variants in instruments.yaml's order, then brackets as written."""
    known = list(load_instruments().variant_keys())
    present = {v for v in variants if not is_missing(v)}
    return ([None] if any(is_missing(v) for v in variants) else []) + sorted(
        present, key=lambda v: (known.index(v) if v in known else len(known), str(v))
    )


# The roles a cap limits: a share, a rate or a top-up of the same statement's grant.
LIMITED_ROLES = ("share", "rate", "top_up")


def _key_text(value: object) -> str:
    return "" if is_missing(value) else str(value)


def with_caps(comparisons: pd.DataFrame) -> pd.DataFrame:
    """The comparison rows with each cap read on the share or rate it limits (the same statement's grant,
    ``grant_no``): ``cap``, ``cap_bound`` and ``cap_span`` on that row, and the cap row itself dropped. A
    cap whose share or rate is not among the rows stays a row of its own."""
    table = comparisons.reset_index(drop=True)
    role = table["role"].map(_key_text)
    is_cap, limited = role == "cap", role.isin(LIMITED_ROLES)
    # Only a cap and the rows it may limit are keyed (a fifth of a province's comparisons), one text per
    # statement's grant joined in Python: a row-wise ``agg`` builds a Series per row (seconds for a province).
    keyed = table[is_cap | limited]
    texts = [keyed[c].map(_key_text) for c in GRANT_KEY]
    joined = pd.Series(["\x1f".join(parts) for parts in zip(*texts)], index=keyed.index, dtype=object)
    caps = table[is_cap].assign(_k=joined[is_cap[keyed.index]]).drop_duplicates("_k")
    cap_of = {k: (v, b, s) for k, v, b, s in zip(caps["_k"], caps["value"], caps["bound"], caps["quantity_span"])}
    shares = joined[limited[keyed.index]]
    found = {at: cap_of.get(k) for at, k in shares.items()}
    read = [found.get(at) for at in table.index]
    out = table.assign(
        cap=pd.Series([f[0] if f else float("nan") for f in read], index=table.index, dtype="float64"),
        cap_bound=pd.Series([f[1] if f else None for f in read], index=table.index, dtype=object),
        cap_span=pd.Series([f[2] if f else None for f in read], index=table.index, dtype=object),
    )
    used = {k for k in shares if k in cap_of}
    folded = is_cap & joined.reindex(table.index).isin(used)
    return out[~folded].reset_index(drop=True)


def subsidy_grid(comparisons: pd.DataFrame, districts: list[str]) -> pd.DataFrame:
    """Every instrument × level × variant × district of ``districts``, in reading order, with what the
    district states.

    ``category`` is ``amount`` (one row per amount the district states; a cap on the row of the share or
    rate it limits), ``no_amount`` (one row per statement of the measure without a figure) or ``absent``
    (one row, no clause). The rows run instrument by instrument (grouped by domain), level by level (highest
    first), variant by variant, district by district in the order given. ``level`` and ``variant`` are None
    where there is none. The rows must hold one edition per district; award rows of no instrument are not
    in the grid (:func:`unclassified_awards`).
    """
    known_districts(districts, "districts", rows=comparisons["district"])
    table = comparisons[comparisons["district"].isin(districts) & comparisons["instrument"].notna()]
    one_edition_each(table, "the comparison rows of the grid")
    stated = with_caps(table[table["stated"]])
    # Each cell's rows, as plain records: a province's grid has thousands of cells, too many for a frame each.
    cells: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for found in stated.reindex(columns=GRID_COLUMNS).to_dict("records"):
        row = {str(k): v for k, v in found.items()}
        level, variant = (None if is_missing(row[c]) else row[c] for c in ("level", "variant"))
        cells.setdefault((row["instrument"], level, variant, row["district"]), []).append(
            {**row, "level": level, "variant": variant}
        )
    for key, rows in cells.items():
        with_amount = [r for r in rows if not is_missing(r["value"])]
        cells[key] = [{**r, "category": "amount"} for r in with_amount] or [
            {**r, "category": "no_amount"} for r in rows
        ]
    by_instrument: dict[Any, list[tuple[Any, ...]]] = {}
    for key in cells:
        by_instrument.setdefault(key[0], []).append(key)
    records: list[dict[str, Any]] = []
    for instrument in instrument_order(list(table["instrument"])):
        mine = by_instrument.get(instrument, [])
        levels = list(dict.fromkeys(k[1] for k in mine))
        for tier in level_order(levels) or [None]:
            variants = list(dict.fromkeys(k[2] for k in mine if k[1] == tier)) or [None]
            for variant in variant_order(variants):
                for district in districts:
                    records.extend(
                        cells.get((instrument, tier, variant, district))
                        or [
                            {
                                "instrument": instrument,
                                "level": tier,
                                "variant": variant,
                                "district": district,
                                "category": "absent",
                            }
                        ]
                    )
    grid = pd.DataFrame(records, columns=GRID_COLUMNS)
    return grid.astype({"value": "float64", "value_high": "float64", "cap": "float64", "category": object})


def instrument_coverage(grid: pd.DataFrame) -> pd.DataFrame:
    """Per district × instrument (all its levels and variants together): ``amount`` when any states one, else
    ``no_amount`` when the measure is stated, else ``absent``."""
    rank = {"amount": 0, "no_amount": 1, "absent": 2}
    best = grid.assign(_r=grid["category"].map(rank)).groupby(["district", "instrument"], sort=False)["_r"].min()
    names = {v: k for k, v in rank.items()}
    return best.map(names).rename("category").reset_index()


RANK_KEY = ["instrument", "level", "variant", "role", "unit", "district"]


def with_ranks(comparisons: pd.DataFrame, ranks: pd.DataFrame, *, stated_only: bool = False) -> pd.DataFrame:
    """The comparison rows in reading order, each stated amount with its district's ``rank``, ``of`` and
    ``percentile`` from ``ranks`` (the build's :func:`~policycmp.analysis.province.subsidy_ranks`, or
    :func:`~policycmp.analysis.province.rank_subsidies`), a cap on the row of the share or rate it limits
    (:func:`with_caps`).

    Rows run instrument by instrument, level by level, variant by variant, district by district in registry
    order. A district that states several amounts for one key is ranked by its largest; each of its rows
    shows that standing. Rows without an amount have no rank. ``stated_only`` drops the rows of measures a
    district does not have. Award rows no instrument recognises (a null ``instrument``) come last.
    """
    table = comparisons[comparisons["stated"]] if stated_only else comparisons
    table = with_caps(table)
    order = {k: i for i, k in enumerate(instrument_order(list(table["instrument"].dropna())))}
    tiers = list(load_tiers().keys)
    variants = {v: i for i, v in enumerate(variant_order(list(table["variant"])))}
    districts = {d: i for i, d in enumerate(corpus_districts())}
    table = table.assign(
        _i=table["instrument"].map(order),
        _l=table["level"].map(lambda lv: tiers.index(lv) if lv in tiers else len(tiers)),
        _v=table["variant"].map(lambda v: variants.get(None if is_missing(v) else v, len(variants))),
        _d=table["district"].map(lambda d: districts.get(d, len(districts))),
    ).sort_values(["_i", "_l", "_v", "_d"], kind="stable")
    keys = {c: table[c].map(_key_text) for c in RANK_KEY}
    standing = ranks[[*RANK_KEY, "rank", "of", "percentile"]].copy()
    for column in RANK_KEY:
        standing[column] = standing[column].map(_key_text)
    standing = standing.rename(columns={c: f"_{c}" for c in RANK_KEY})
    merged = table.assign(**{f"_{c}": v for c, v in keys.items()}).merge(
        standing, how="left", on=[f"_{c}" for c in RANK_KEY], validate="many_to_one"
    )
    merged.loc[~merged["stated"], ["rank", "of", "percentile"]] = float("nan")
    helper = ["_i", "_l", "_v", "_d", *(f"_{c}" for c in RANK_KEY)]
    return merged.drop(columns=helper).reset_index(drop=True)


def unclassified_awards(comparisons: pd.DataFrame) -> pd.DataFrame:
    """The award amounts no instrument recognises (``instrument`` null), so a reviewer sees every amount:
    district, what is rewarded as written (``object``), the amount, its clause and the statement, in
    registry order of the districts and the table's order within one."""
    rows = comparisons[comparisons["instrument"].isna() & comparisons["stated"]]
    districts = {d: i for i, d in enumerate(corpus_districts())}
    rows = rows.assign(_d=rows["district"].map(lambda d: districts.get(d, len(districts))))
    rows = rows.sort_values("_d", kind="stable").drop(columns="_d")
    return rows.reindex(columns=UNCLASSIFIED_COLUMNS).reset_index(drop=True)
