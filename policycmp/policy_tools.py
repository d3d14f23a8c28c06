"""Each clause's policy tools in the supply / environment / demand framework (clause_tools.parquet).

The framework (Rothwell and Zegveld) and its cue words are in ``data/policy_tools.yaml``; this
module only applies them, one row per clause × sub-tool found.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import PolicyInputError
from .statements import body_end, sentence_at
from .vocab import DATA_DIR
from .vocab_entries import entry_key, file_signature, pattern_list, read_mapping, text_field

DEFAULT_PATH = DATA_DIR / "policy_tools.yaml"
TOOL_TYPES = ("supply", "environment", "demand")

CLAUSE_TOOL_DTYPES: dict[str, str] = {
    "clause_id": "string",
    "doc_id": "string",
    "district": "string",
    "year": "int64",
    "domain": "string",
    "tool_type": "string",
    "sub_tool": "string",
    "cue": "string",        # the distinct words that matched, in order of first appearance, joined by 、
    "span": "string",       # the sentence of the first cue
    "row_kind": "string",
    "sub_tool_zh": "string",
    "n_cues": "int64",      # how many times the sub-tool's cues occur in the clause
    "span_start": "Int64",
    "span_end": "Int64",
}
CLAUSE_TOOL_COLUMNS = list(CLAUSE_TOOL_DTYPES)


@dataclass(frozen=True)
class Tool:
    sub_tool: str
    tool_type: str
    zh: str
    en: str
    cues: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class ToolVocabulary:
    path: Path
    tools: tuple[Tool, ...]


def load_policy_tools(path: str | Path | None = None) -> ToolVocabulary:
    """The policy-tool vocabulary (``policycmp/data/policy_tools.yaml`` unless ``path`` is given)."""
    return _load(file_signature(path or DEFAULT_PATH))


@functools.lru_cache(maxsize=8)
def _load(signature: tuple[str, int, int]) -> ToolVocabulary:
    path = Path(signature[0])
    _, entries = read_mapping(path, "tools")
    seen: set[str] = set()
    tools = []
    for index, entry in enumerate(entries):
        key = entry_key(path, entry, "sub_tool", index, seen)
        tool_type = entry.get("tool_type")
        if tool_type not in TOOL_TYPES:
            raise PolicyInputError(path, f"entry {key!r}: unknown tool_type {tool_type!r} "
                                         f"(known: {', '.join(TOOL_TYPES)})")
        tools.append(Tool(key, tool_type, text_field(path, entry, key, "zh"), text_field(path, entry, key, "en"),
                          pattern_list(path, key, entry.get("cues"), "cues", required=True)))
    # the framework's order, so every table lists supply, then environment, then demand
    order = {t: i for i, t in enumerate(TOOL_TYPES)}
    return ToolVocabulary(path, tuple(sorted(tools, key=lambda t: order[t.tool_type])))


def clause_tool_rows(clause: Any, vocab: ToolVocabulary) -> list[dict[str, Any]]:
    text = clause.text
    body = text[:body_end(text, clause.responsible_units)]
    rows = []
    for tool in vocab.tools:
        matches = sorted((m for rx in tool.cues for m in rx.finditer(body) if m.group(0)),
                         key=lambda m: (m.start(), -len(m.group(0))))
        if not matches:
            continue
        words = list(dict.fromkeys(m.group(0) for m in matches))
        sentence = sentence_at(text, matches[0].start())
        rows.append({
            "clause_id": clause.clause_id, "doc_id": clause.doc_id, "district": clause.district,
            "year": clause.year, "domain": clause.domain, "tool_type": tool.tool_type,
            "sub_tool": tool.sub_tool, "cue": "、".join(words),
            "span": sentence.text if sentence else None, "row_kind": clause.row_kind,
            "sub_tool_zh": tool.zh, "n_cues": len(matches),
            "span_start": sentence.start if sentence else None, "span_end": sentence.end if sentence else None,
        })
    return rows


def clause_tool_table(clauses: pd.DataFrame, vocab: ToolVocabulary | None = None) -> pd.DataFrame:
    """One row per clause row × sub-tool whose cues occur in it, in document order."""
    vocab = vocab or load_policy_tools()
    ordered = clauses.sort_values(["district", "doc_id", "seq"], kind="stable")
    rows = [row for clause in ordered.itertuples(index=False) for row in clause_tool_rows(clause, vocab)]
    return pd.DataFrame(rows, columns=CLAUSE_TOOL_COLUMNS).astype(CLAUSE_TOOL_DTYPES)


def tool_mix(clause_tools: pd.DataFrame, clauses: pd.DataFrame) -> pd.DataFrame:
    """Share of each district's clauses (per domain) that use each tool type.

    A clause counts once per tool type however many of its sub-tools match, so the shares answer
    "how many of this district's measures use supply-side tools".
    """
    counted = clauses[clauses["row_kind"] == "clause"]
    totals = counted.groupby(["district", "year", "domain"], dropna=False).size().rename("clauses")
    used = (clause_tools[clause_tools["clause_id"].isin(counted["clause_id"])]
            .drop_duplicates(["clause_id", "tool_type"])
            .groupby(["district", "year", "domain", "tool_type"], dropna=False).size().rename("with_tool"))
    mix = used.reset_index().merge(totals.reset_index(), on=["district", "year", "domain"], how="left")
    mix["share"] = (mix["with_tool"] / mix["clauses"]).astype("float64")
    return mix.sort_values(["district", "domain", "tool_type"], kind="stable").reset_index(drop=True)
