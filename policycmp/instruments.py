"""Who pays how much for the same thing: policy instruments across districts (comparisons.parquet).

A statement of a clause (see :mod:`policycmp.statements`) that the instrument vocabulary
recognises gives one row per amount it grants, or one row without an amount when it grants one
without saying how much. Districts that never state an instrument get an explicit absent row, so
"not in the document" is a row a reader can see rather than a gap.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import PolicyInputError
from .statements import Statement, body_end, quantities_by_clause, statements, within
from .vocab import DATA_DIR, LEVELS
from .vocab_entries import (domain_field, domain_list, entry_key, file_signature, level_list, pattern_list,
                            read_mapping, search_any, text_field, word_list)

DEFAULT_PATH = DATA_DIR / "instruments.yaml"

COMPARISON_DTYPES: dict[str, str] = {
    # contract columns
    "instrument": "string",
    "level": "string",
    "district": "string",
    "year": "int64",
    "value": "float64",
    "value_high": "float64",
    "unit": "string",
    "bound": "string",
    "stated": "boolean",
    "clause_id": "string",
    "span": "string",
    # project columns
    "doc_id": "string",
    "instrument_zh": "string",
    "instrument_en": "string",
    "domain": "string",          # the instrument's domain in the vocabulary
    "clause_domain": "string",   # the section the statement was found in
    "clause_title": "string",
    "role": "string",            # amount | share | cap | rate | none (stated without an amount)
    "quantity_span": "string",   # the amount as written, e.g. 最高50万元
    "span_start": "Int64",       # span's offsets in the clause text
    "span_end": "Int64",
}
COMPARISON_COLUMNS = list(COMPARISON_DTYPES)
LEVEL_ORDER = {level: i for i, level in enumerate(LEVELS)}
# Money and shares are what one district's grant can be set beside another's; counts, areas and
# thresholds are not amounts granted.
GRANT_UNIT = re.compile(r"^(?:CNY|USD|%)(?:/.+)?$")


@dataclass(frozen=True)
class Instrument:
    key: str
    zh: str
    en: str
    domain: str
    levels: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]
    require: tuple[re.Pattern[str], ...]
    exclude: tuple[re.Pattern[str], ...]
    domains: tuple[str, ...] | None

    def recognises(self, text: str, domain: object) -> bool:
        if self.domains is not None and not (isinstance(domain, str) and domain in self.domains):
            return False
        return (search_any(self.patterns, text) is not None
                and all(rx.search(text) for rx in self.require)
                and not any(rx.search(text) for rx in self.exclude))


@dataclass(frozen=True)
class InstrumentVocabulary:
    path: Path
    instruments: tuple[Instrument, ...]
    level_words: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]
    statement_breaks: tuple[str, ...]

    def keys(self) -> list[str]:
        return [i.key for i in self.instruments]


def load_instruments(path: str | Path | None = None) -> InstrumentVocabulary:
    """The instrument vocabulary (``policycmp/data/instruments.yaml`` unless ``path`` is given)."""
    return _load(file_signature(path or DEFAULT_PATH))


@functools.lru_cache(maxsize=8)
def _load(signature: tuple[str, int, int]) -> InstrumentVocabulary:
    path = Path(signature[0])
    data, entries = read_mapping(path, "instruments")
    words = data.get("level_words") or {}
    if not isinstance(words, dict):
        raise PolicyInputError(path, "entry 'level_words': expected a mapping of level to patterns")
    level_words = []
    for level, patterns in words.items():
        level_list(path, f"level_words.{level}", [level])
        level_words.append((level, pattern_list(path, f"level_words.{level}", patterns, "patterns", required=True)))
    breaks = word_list(path, "statement_breaks", data.get("statement_breaks", []))
    seen: set[str] = set()
    instruments = tuple(_instrument(path, entry, i, seen) for i, entry in enumerate(entries))
    return InstrumentVocabulary(path, instruments, tuple(level_words), breaks)


def _instrument(path: Path, entry: Any, index: int, seen: set[str]) -> Instrument:
    key = entry_key(path, entry, "key", index, seen)
    return Instrument(
        key=key,
        zh=text_field(path, entry, key, "zh"),
        en=text_field(path, entry, key, "en"),
        domain=domain_field(path, key, entry.get("domain")),
        levels=level_list(path, key, entry.get("levels")),
        patterns=pattern_list(path, key, entry.get("patterns"), "patterns", required=True),
        require=pattern_list(path, key, entry.get("require"), "require", required=False),
        exclude=pattern_list(path, key, entry.get("exclude"), "exclude", required=False),
        domains=domain_list(path, key, entry.get("domains")),
    )


def tier_levels(text: str, vocab: InstrumentVocabulary, allowed: tuple[str, ...]) -> list[str]:
    """The award tiers named in ``text``, in the order written, limited to ``allowed``."""
    found: list[tuple[int, str]] = []
    for level, patterns in vocab.level_words:
        if level not in allowed:
            continue
        positions = [m.start() for rx in patterns for m in rx.finditer(text)]
        if positions:
            found.append((min(positions), level))
    return [level for _, level in sorted(found)]


def _role(row: pd.Series, has_share: bool) -> str:
    unit = str(row["unit"])
    if unit == "%":
        return "share"
    if "/" in unit:
        return "rate"
    if has_share and row["bound"] == "max":
        return "cap"
    return "amount"


def _amount_levels(amounts: pd.DataFrame, statement: Statement, instrument: Instrument,
                   vocab: InstrumentVocabulary) -> list[str | None]:
    """Each amount's tier: the quantity's own, or the tiers written before the amounts, one each."""
    given = [None if pd.isna(v) else str(v) for v in amounts["level"]]
    if any(given):
        return given
    first = int(amounts["start"].min()) - statement.start
    written = tier_levels(statement.text[:first], vocab, instrument.levels)
    if len(written) == len(amounts) and len(amounts) > 0:
        return list(written)
    return [None] * len(amounts)


def statement_rows(clause: Any, statement: Statement, instrument: Instrument, quantities: pd.DataFrame,
                   vocab: InstrumentVocabulary) -> list[dict[str, Any]]:
    """The rows one statement gives for one instrument it states."""
    base = {
        "instrument": instrument.key,
        "district": clause.district,
        "year": clause.year,
        "stated": True,
        "clause_id": clause.clause_id,
        "span": statement.text,
        "doc_id": clause.doc_id,
        "instrument_zh": instrument.zh,
        "instrument_en": instrument.en,
        "domain": instrument.domain,
        "clause_domain": clause.domain,
        "clause_title": clause.title,
        "span_start": statement.start,
        "span_end": statement.end,
        "_seq": clause.seq,
    }
    amounts = _grants(quantities)
    if amounts.empty:
        levels = tier_levels(statement.text, vocab, instrument.levels) or [None]
        return [{**base, "level": level, "value": None, "value_high": None, "unit": None, "bound": None,
                 "role": "none", "quantity_span": None, "_start": statement.start} for level in levels]
    has_share = bool((amounts["unit"] == "%").any())
    rows = []
    for level, (_, amount) in zip(_amount_levels(amounts, statement, instrument, vocab), amounts.iterrows()):
        rows.append({**base, "level": level, "value": amount["value"], "value_high": amount["value_high"],
                     "unit": amount["unit"], "bound": amount["bound"], "role": _role(amount, has_share),
                     "quantity_span": amount["span"], "_start": int(amount["start"])})
    return rows


def _share_out(statement: Statement, matched: list[Instrument],
               quantities: pd.DataFrame) -> list[tuple[Instrument, pd.DataFrame]]:
    """Which amounts belong to which instrument when one statement states several.

    对认定为浙江省科技领军企业和浙江省科技小巨人企业的,分别给予50万元和20万元奖励: with 分别 and as many
    grants as instruments, the n-th instrument named gets the n-th amount. Otherwise every
    instrument of the statement shares all its amounts (they are written for all of them).
    """
    grants = _grants(quantities)
    if len(matched) < 2 or "分别" not in statement.text or len(grants) != len(matched):
        return [(instrument, quantities) for instrument in matched]
    named = sorted(matched, key=lambda i: min(m.start() for rx in i.patterns for m in rx.finditer(statement.text)))
    return [(instrument, grants.iloc[[n]]) for n, instrument in enumerate(named)]


def _grants(quantities: pd.DataFrame) -> pd.DataFrame:
    return quantities[(quantities["kind"] == "subsidy") & quantities["unit"].astype(str).str.match(GRANT_UNIT.pattern)]


def _without_redundant_mentions(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop amount-less mentions that a fuller row of the same district and instrument already covers.

    A district's text often names a measure twice (加大出口信用保险支持力度, then the rate); the
    mention without an amount adds nothing once an amount for the same tier is known, and a mention
    without tier adds nothing once any row of that instrument exists.
    """
    if frame.empty:
        return frame
    keyed = frame.assign(_level=frame["level"].fillna(""))
    has_amount = keyed["role"] != "none"
    amount_keys = set(zip(keyed.loc[has_amount, "district"], keyed.loc[has_amount, "instrument"],
                          keyed.loc[has_amount, "_level"]))
    leveled = set(zip(keyed.loc[has_amount | (keyed["_level"] != ""), "district"],
                      keyed.loc[has_amount | (keyed["_level"] != ""), "instrument"]))
    keys = list(zip(keyed["district"], keyed["instrument"], keyed["_level"]))
    keep = [
        role != "none" or ((d, i, lv) not in amount_keys and (lv != "" or (d, i) not in leveled))
        for role, (d, i, lv) in zip(keyed["role"], keys)
    ]
    kept = keyed[keep]
    # one amount-less row per district × instrument × tier: the first statement that says it
    none_rows = kept[kept["role"] == "none"].sort_values(["_seq", "_start"], kind="stable")
    none_rows = none_rows.drop_duplicates(["district", "instrument", "_level"], keep="first")
    return pd.concat([kept[kept["role"] != "none"], none_rows]).drop(columns="_level")


def _absent_rows(frame: pd.DataFrame, clauses: pd.DataFrame, vocab: InstrumentVocabulary) -> list[dict[str, Any]]:
    documents = (clauses[["doc_id", "district", "year"]].drop_duplicates().sort_values("doc_id")
                 .itertuples(index=False))
    stated = set(zip(frame["doc_id"], frame["instrument"])) if not frame.empty else set()
    rows = []
    for doc in documents:
        for instrument in vocab.instruments:
            if (doc.doc_id, instrument.key) in stated:
                continue
            rows.append({"instrument": instrument.key, "level": None, "district": doc.district, "year": doc.year,
                         "value": None, "value_high": None, "unit": None, "bound": None, "stated": False,
                         "clause_id": None, "span": None, "doc_id": doc.doc_id, "instrument_zh": instrument.zh,
                         "instrument_en": instrument.en, "domain": instrument.domain, "clause_domain": None,
                         "clause_title": None, "role": None, "quantity_span": None, "span_start": None,
                         "span_end": None, "_seq": 0, "_start": 0})
    return rows


def comparison_table(clauses: pd.DataFrame, quantities: pd.DataFrame,
                     vocab: InstrumentVocabulary | None = None) -> pd.DataFrame:
    """One row per district × instrument × tier (× amount) that a policy states, plus absent rows."""
    vocab = vocab or load_instruments()
    by_clause = quantities_by_clause(quantities)
    empty = quantities.iloc[0:0]
    rows: list[dict[str, Any]] = []
    for clause in clauses.itertuples(index=False):
        text = clause.text
        for statement in statements(text, vocab.statement_breaks, body_end(text, clause.responsible_units)):
            matched = [i for i in vocab.instruments if i.recognises(statement.text, clause.domain)]
            if not matched:
                continue
            inside = within(by_clause.get(clause.clause_id, empty), statement)
            for instrument, amounts in _share_out(statement, matched, inside):
                rows.extend(statement_rows(clause, statement, instrument, amounts, vocab))
    stated = _without_redundant_mentions(pd.DataFrame(rows, columns=COMPARISON_COLUMNS + ["_seq", "_start"]))
    frame = pd.concat([stated, pd.DataFrame(_absent_rows(stated, clauses, vocab))], ignore_index=True)
    return _ordered(frame)


def _ordered(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame(columns=COMPARISON_COLUMNS).astype(COMPARISON_DTYPES)
    frame = frame.assign(_level_rank=frame["level"].map(LEVEL_ORDER).fillna(len(LEVEL_ORDER)),
                         _absent=~frame["stated"].astype(bool))
    frame = frame.sort_values(["district", "instrument", "_level_rank", "_absent", "_seq", "_start"], kind="stable")
    return frame[COMPARISON_COLUMNS].astype(COMPARISON_DTYPES).reset_index(drop=True)
