"""Each clause's policy tools in the supply / environment / demand framework (clause_tools.parquet).

The framework (Rothwell and Zegveld) and its cue words are in ``data/policy_tools.yaml``; this
module only applies them, one row per clause × sub-tool found.
"""

from __future__ import annotations

import re

import pandas as pd

from ..schema import ClauseRow, ClauseToolRow, frame, records
from ..vocabulary import ToolVocabulary, load_policy_tools
from ..vocabulary.checks import joined
from .statements import Statement, body_end, sentence_at, sentences


def cue_filters(vocab: ToolVocabulary) -> tuple[re.Pattern[str] | None, ...]:
    """Per tool, one alternation of its cues (None when they cannot be joined): see :func:`.joined`."""
    return tuple(joined(tool.cues) for tool in vocab.tools)


def clause_tool_rows(
    clause: ClauseRow,
    vocab: ToolVocabulary,
    filters: tuple[re.Pattern[str] | None, ...] | None = None,
    found: list[Statement] | None = None,
) -> list[ClauseToolRow]:
    """One row per tool whose cues occur in the clause (``found``: ``sentences(clause.text)``, if known)."""
    text = clause.text
    body = text[: body_end(text, clause.responsible_units)]
    rows = []
    # one search tells most tools apart from the clause; only a tool whose cues occur is read in full
    for tool, any_cue in zip(vocab.tools, filters or cue_filters(vocab), strict=True):
        if any_cue is not None and not any_cue.search(body):
            continue
        # every non-empty match of every cue, by position, longer first: (start, -length, word) sorts so,
        # and two matches tied on both are the same word, so their order does not matter
        matches = sorted(
            (m.start(), -len(word), word) for rx in tool.cues for m in rx.finditer(body) if (word := m.group(0))
        )
        if not matches:
            continue
        words = list(dict.fromkeys(word for _, _, word in matches))
        found = sentences(text) if found is None else found
        sentence = sentence_at(text, matches[0][0], found)
        rows.append(
            ClauseToolRow(
                clause_id=clause.clause_id,
                doc_id=clause.doc_id,
                district=clause.district,
                year=clause.year,
                domain=clause.domain,
                tool_type=tool.tool_type,
                sub_tool=tool.sub_tool,
                cue="、".join(words),
                span=sentence.text if sentence else None,
                row_kind=clause.row_kind,
                sub_tool_zh=tool.zh,
                n_cues=len(matches),
                span_start=sentence.start if sentence else None,
                span_end=sentence.end if sentence else None,
            )
        )
    return rows


def clause_tool_table(clauses: pd.DataFrame, vocab: ToolVocabulary | None = None) -> pd.DataFrame:
    """One row per clause row × sub-tool whose cues occur in it, in document order."""
    return clause_tool_frame(records(ClauseRow, clauses), vocab or load_policy_tools())


def clause_tool_frame(clauses: list[ClauseRow], vocab: ToolVocabulary) -> pd.DataFrame:
    """:func:`clause_tool_table` from clause rows already read."""
    filters = cue_filters(vocab)
    return tool_frame(clauses, [clause_tool_rows(clause, vocab, filters) for clause in clauses])


def tool_frame(clauses: list[ClauseRow], rows: list[list[ClauseToolRow]]) -> pd.DataFrame:
    """The table from each clause's rows (``rows[i]`` of ``clauses[i]``), by district, document, then clause."""
    order = sorted(range(len(clauses)), key=lambda i: (clauses[i].district, clauses[i].doc_id, clauses[i].seq))
    return frame(ClauseToolRow, [row for i in order for row in rows[i]])  # stable: ties keep table order


def tool_mix(clause_tools: pd.DataFrame, clauses: pd.DataFrame) -> pd.DataFrame:
    """Share of each district's clauses (per domain) that use each tool type.

    A clause counts once per tool type however many of its sub-tools match, so the shares answer
    "how many of this district's measures use supply-side tools".
    """
    counted = clauses[clauses["row_kind"] == "clause"]
    totals = counted.groupby(["district", "year", "domain"], dropna=False).size().rename("clauses")
    used = (
        clause_tools[clause_tools["clause_id"].isin(counted["clause_id"])]
        .drop_duplicates(["clause_id", "tool_type"])
        .groupby(["district", "year", "domain", "tool_type"], dropna=False)
        .size()
        .rename("with_tool")
    )
    mix = used.reset_index().merge(totals.reset_index(), on=["district", "year", "domain"], how="left")
    mix["share"] = (mix["with_tool"] / mix["clauses"]).astype("float64")
    return mix.sort_values(["district", "domain", "tool_type"], kind="stable").reset_index(drop=True)
