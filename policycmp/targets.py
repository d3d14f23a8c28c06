"""The goals each document sets, named by a shared indicator vocabulary (targets.parquet).

A target is a quantity the quantity stage marked ``target``, or any non-grant quantity whose phrase
names an indicator of the vocabulary (实际利用外资2.36亿美元 has no target verb but is a goal).
The phrase naming a quantity is read back from it within its sentence; see indicators.yaml for
the rules, which live there with the vocabulary they serve.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import PolicyInputError
from .statements import body_end, quantities_by_clause, sentences, within
from .vocab import DATA_DIR, compile_pattern
from .vocab_entries import (domain_field, entry_key, file_signature, read_mapping, text_field, word_list)

DEFAULT_PATH = DATA_DIR / "indicators.yaml"

TARGET_DTYPES: dict[str, str] = {
    # contract columns
    "district": "string",
    "year": "int64",
    "indicator": "string",
    "indicator_zh": "string",
    "value": "float64",
    "value_high": "float64",
    "unit": "string",
    "bound": "string",
    "clause_id": "string",
    "span": "string",
    # project columns
    "stretch": "boolean",        # a 力争/冲刺 goal written next to a base goal for the same indicator
    "qualifier": "string",       # the hedge written with the goal (力争, 全力冲刺…), if any
    "variant": "string",         # a district's own wording of the indicator (e.g. effective_investment)
    "indicator_en": "string",
    "doc_id": "string",
    "kind_of_source": "string",  # policy | city_work_report
    "city": "string",
    "domain": "string",          # the section of a policy (null for a city report line)
    "quantity_span": "string",   # the quantity as written, e.g. 超3.42%
    "quantity_kind": "string",   # the quantity stage's kind (target, other)
    "span_start": "Int64",       # span's offsets in the clause text (or the report line)
    "span_end": "Int64",
}
TARGET_COLUMNS = list(TARGET_DTYPES)
# Grants, budgets and eligibility thresholds are not goals, whatever their phrase names.
NOT_GOALS = ("subsidy", "budget", "threshold")
PHRASE_START = re.compile(r"[,:;]")
CONNECTOR = re.compile(r"^[和及与、]?$")
ENUMERATION = re.compile(r"[、和及与]")
COUNTED_END = re.compile(r"[,:;、。()]")


@dataclass(frozen=True)
class Indicator:
    key: str
    zh: str
    en: str
    domain: str
    unit: str
    patterns: tuple[tuple[re.Pattern[str], str | None], ...]  # (pattern, variant)

    def match(self, phrase: str, unit: str) -> tuple[bool, str | None]:
        if unit != self.unit:
            return False, None
        for rx, variant in self.patterns:
            if rx.search(phrase):
                return True, variant
        return False, None


@dataclass(frozen=True)
class IndicatorVocabulary:
    path: Path
    indicators: tuple[Indicator, ...]
    stretch_cues: tuple[str, ...]
    ellipsis_heads: tuple[str, ...]
    trim_lead: re.Pattern[str]
    trim_tail: re.Pattern[str]
    section_start: re.Pattern[str]
    section_end: re.Pattern[str]

    def find(self, phrase: str, unit: str) -> tuple[Indicator | None, str | None]:
        for indicator in self.indicators:
            found, variant = indicator.match(phrase, unit)
            if found:
                return indicator, variant
        return None, None

    def trim(self, phrase: str) -> str:
        """The phrase without the verbs and hedges around the indicator's name."""
        previous = None
        while previous != phrase:
            previous = phrase
            phrase = self.trim_tail.sub("", self.trim_lead.sub("", phrase.strip(" ,、")))
        return phrase

    def cue(self, text: str) -> str | None:
        positions = [(text.find(c), -len(c), c) for c in self.stretch_cues if c in text]
        return min(positions)[2] if positions else None


def load_indicators(path: str | Path | None = None) -> IndicatorVocabulary:
    """The indicator vocabulary (``policycmp/data/indicators.yaml`` unless ``path`` is given)."""
    return _load(file_signature(path or DEFAULT_PATH))


@functools.lru_cache(maxsize=8)
def _load(signature: tuple[str, int, int]) -> IndicatorVocabulary:
    path = Path(signature[0])
    data, entries = read_mapping(path, "indicators")
    seen: set[str] = set()
    indicators = tuple(_indicator(path, entry, i, seen) for i, entry in enumerate(entries))
    city = data.get("city_report")
    if not isinstance(city, dict):
        raise PolicyInputError(path, "entry 'city_report': expected section_start and section_end patterns")

    def alternatives(field: str, anchor: str) -> re.Pattern[str]:
        words = word_list(path, field, data.get(field, []))
        body = "|".join(f"(?:{w})" for w in words) or "(?!)"
        return compile_pattern(anchor.format(body), path, field)

    return IndicatorVocabulary(
        path=path,
        indicators=indicators,
        stretch_cues=word_list(path, "stretch_cues", data.get("stretch_cues", [])),
        ellipsis_heads=word_list(path, "ellipsis_heads", data.get("ellipsis_heads", [])),
        trim_lead=alternatives("phrase_trim_lead", "^(?:{})+"),
        trim_tail=alternatives("phrase_trim_tail", "(?:{})+$"),
        section_start=compile_pattern(str(city.get("section_start")), path, "city_report.section_start"),
        section_end=compile_pattern(str(city.get("section_end")), path, "city_report.section_end"),
    )


def _indicator(path: Path, entry: Any, index: int, seen: set[str]) -> Indicator:
    key = entry_key(path, entry, "key", index, seen)
    patterns = entry.get("patterns")
    if not isinstance(patterns, list) or not patterns:
        raise PolicyInputError(path, f"entry {key!r}: 'patterns' must be a list of regular expressions")
    compiled = []
    for item in patterns:
        pattern, variant = (item.get("pattern"), item.get("variant")) if isinstance(item, dict) else (item, None)
        if not isinstance(pattern, str) or not pattern:
            raise PolicyInputError(path, f"entry {key!r}: pattern {pattern!r} is not a regular expression")
        compiled.append((compile_pattern(pattern, path, key), str(variant) if variant else None))
    return Indicator(key, text_field(path, entry, key, "zh"), text_field(path, entry, key, "en"),
                     domain_field(path, key, entry.get("domain")), text_field(path, entry, key, "unit"),
                     tuple(compiled))


@dataclass
class _Reading:
    """What the sentence read so far says about the phrases still to come."""

    subject: str | None = None
    group: tuple[list[str], str] | None = None  # 分别: the items and their shared verb
    group_index: int = 0
    last: dict[str, Any] | None = None            # the last goal with an indicator
    indicators: set[str] | None = None


def _subject(lead: str, heads: tuple[str, ...]) -> str | None:
    """The subject a later elliptical phrase may borrow: 规上工业 from 力争规上工业产值增长."""
    positions = [lead.find(h) for h in heads if h in lead]
    if not positions:
        return lead or None
    first = min(positions)
    return lead[:first] or None


def _phrase(lead: str, reading: _Reading, vocab: IndicatorVocabulary) -> str:
    if "分别" in lead:
        items_text, verb = lead.split("分别", 1)
        items = [x for x in ENUMERATION.split(items_text) if x]
        if items:
            reading.group, reading.group_index = (items, verb), 0
            return items[0] + verb
    if reading.group and CONNECTOR.match(lead) and reading.group_index + 1 < len(reading.group[0]):
        reading.group_index += 1
        items, verb = reading.group
        return items[reading.group_index] + verb
    reading.group = None
    phrase = lead
    if reading.subject and lead.startswith(vocab.ellipsis_heads):
        phrase = reading.subject + lead
    subject = _subject(lead, vocab.ellipsis_heads)
    if subject and vocab.trim(subject):
        reading.subject = subject
    return phrase


def text_targets(text: str, mentions: pd.DataFrame, vocab: IndicatorVocabulary,
                 end: int | None = None) -> list[dict[str, Any]]:
    """The goals stated in one text (a clause or a report line), from its quantity mentions.

    ``mentions`` has the quantity columns (start, end, span, value, value_high, unit, kind, bound)
    with offsets into ``text``.
    """
    rows: list[dict[str, Any]] = []
    if mentions.empty:
        return rows
    mentions = mentions.sort_values(["start", "end"], kind="stable")
    for sentence in sentences(text, end):
        reading = _Reading(indicators=set())
        previous_end = sentence.start
        for _, q in within(mentions, sentence).iterrows():
            raw = text[previous_end:int(q["start"])]
            previous_end = max(previous_end, int(q["end"]))
            starts = [m.end() for m in PHRASE_START.finditer(raw)]
            lead = raw[starts[-1] if starts else 0:].strip(" 、")
            phrase = _phrase(lead, reading, vocab)
            row = _goal(q, lead, phrase, reading, vocab)
            if row is not None and row["indicator"] is None and row["unit"] == "count":
                row["indicator_zh"] = _counted(text, q, mentions, sentence.end) or row["indicator_zh"]
            if row is not None:
                rows.append({**row, "span": sentence.text, "span_start": sentence.start,
                             "span_end": sentence.end, "_start": int(q["start"])})
    return rows


def _counted(text: str, q: pd.Series, mentions: pd.DataFrame, limit: int) -> str | None:
    """The noun a count is of, written after it: 聚焦10个|省“千项万亿”工程镇海重大项目."""
    start = int(q["end"])
    stop = next((m.start() for m in COUNTED_END.finditer(text, start, limit)), limit)
    later = mentions[(mentions["start"] > start) & (mentions["start"] < stop)]
    if not later.empty:
        stop = int(later["start"].min())
    return text[start:stop].strip() or None


def _goal(q: pd.Series, lead: str, phrase: str, reading: _Reading,
          vocab: IndicatorVocabulary) -> dict[str, Any] | None:
    unit = str(q["unit"])
    indicator, variant = vocab.find(phrase, unit)
    cue = vocab.cue(lead) or vocab.cue(phrase)
    stretch = False
    name = vocab.trim(phrase) or lead or None
    last = reading.last
    if indicator is None and last is not None and cue and not vocab.trim(lead) and last["unit"] == unit:
        # 完成450亿元,全力冲刺全年480亿元: the second figure raises the first goal
        indicator, variant, name, stretch = last["indicator"], last["variant"], last["name"], True
    elif indicator is not None and cue and indicator.key in (reading.indicators or set()):
        stretch = True
    kind = str(q["kind"])
    if kind in NOT_GOALS or (indicator is None and kind != "target"):
        return None
    if indicator is not None:
        reading.last = {"indicator": indicator, "variant": variant, "name": name, "unit": unit}
        reading.indicators.add(indicator.key)
    return {
        "indicator": indicator.key if indicator else None,
        "indicator_zh": name,
        "value": q["value"],
        "value_high": q["value_high"],
        "unit": unit,
        "bound": q["bound"],
        "stretch": stretch,
        "qualifier": cue,
        "variant": variant,
        "indicator_en": indicator.en if indicator else None,
        "quantity_span": q["span"],
        "quantity_kind": kind,
    }


def policy_targets(clauses: pd.DataFrame, quantities: pd.DataFrame,
                   vocab: IndicatorVocabulary | None = None) -> pd.DataFrame:
    """The goals of every policy clause row (preambles, clauses and closing)."""
    return target_frame(policy_target_rows(clauses, quantities, vocab or load_indicators()))


def policy_target_rows(clauses: pd.DataFrame, quantities: pd.DataFrame,
                       vocab: IndicatorVocabulary) -> list[dict[str, Any]]:
    by_clause = quantities_by_clause(quantities)
    empty = quantities.iloc[0:0]
    rows: list[dict[str, Any]] = []
    for clause in clauses.itertuples(index=False):
        mentions = by_clause.get(clause.clause_id, empty)
        if mentions.empty:
            continue
        context = {"district": clause.district, "year": clause.year, "clause_id": clause.clause_id,
                   "doc_id": clause.doc_id, "kind_of_source": "policy", "city": clause.city,
                   "domain": clause.domain, "_seq": clause.seq}
        for row in text_targets(clause.text, mentions, vocab, body_end(clause.text, clause.responsible_units)):
            rows.append({**row, **context})
    return rows


def target_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Rows in the table's column order and dtypes, by district, indicator, then source order."""
    frame = pd.DataFrame(rows, columns=TARGET_COLUMNS + ["_seq", "_start"])
    if frame.empty:
        return frame[TARGET_COLUMNS].astype(TARGET_DTYPES)
    frame = frame.assign(_no_indicator=frame["indicator"].isna())
    frame = frame.sort_values(["district", "_no_indicator", "indicator", "doc_id", "_seq", "_start"],
                              kind="stable", na_position="last")
    return frame[TARGET_COLUMNS].astype(TARGET_DTYPES).reset_index(drop=True)
