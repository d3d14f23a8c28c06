"""What each document commits in public money (budgets.parquet), and whether its parts add up."""
from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .clauses import heading_domain
from .errors import PolicyInputError
from .statements import body_end, quantities_by_clause, sentences, within
from .vocab import DATA_DIR, DOMAINS, compile_pattern, read_yaml
from .vocab_entries import file_signature, pattern_list, search_any

DEFAULT_PATH = DATA_DIR / "budgets.yaml"

BUDGET_DTYPES: dict[str, str] = {
    # contract columns
    "district": "string",
    "year": "int64",
    "domain": "string",
    "value": "float64",
    "unit": "string",
    "bound": "string",
    "scope": "string",
    "clause_id": "string",
    "span": "string",
    # project columns
    "doc_id": "string",
    "role": "string",            # total | allocation | item
    "policy_name": "string",     # the policy an allocation is written against, e.g. 扩大有效投资政策
    "includes_higher_level_funds": "boolean",
    "quantity_span": "string",
    "span_start": "Int64",
    "span_end": "Int64",
    "parts_sum": "float64",      # on a total: the sum of the document's allocations
    "parts_match": "boolean",    # on a total: do the allocations add up to it (null: no allocations)
}
BUDGET_COLUMNS = list(BUDGET_DTYPES)
ROLE_ORDER = {"total": 0, "allocation": 1, "item": 2}
DOMAIN_ORDER = {d: i for i, d in enumerate(DOMAINS)}
# Amounts are written to two decimals of 亿元 (1,000,000 yuan); a difference below one yuan is
# floating-point noise, not a discrepancy.
TOLERANCE_CNY = 1.0
PART_END = re.compile(r"[,:]")


@dataclass(frozen=True)
class BudgetVocabulary:
    path: Path
    cues: tuple[re.Pattern[str], ...]
    exclude: tuple[re.Pattern[str], ...]
    total_cues: tuple[re.Pattern[str], ...]
    item_cues: tuple[re.Pattern[str], ...]
    allocation_name: re.Pattern[str]
    scope_labels: tuple[tuple[re.Pattern[str], str], ...]
    higher_level_funds: re.Pattern[str]


def load_budget_vocabulary(path: str | Path | None = None) -> BudgetVocabulary:
    return _load(file_signature(path or DEFAULT_PATH))


@functools.lru_cache(maxsize=8)
def _load(signature: tuple[str, int, int]) -> BudgetVocabulary:
    path = Path(signature[0])
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise PolicyInputError(path, "expected a mapping with cues, exclude, total_cues, item_cues, scope_labels")
    labels = []
    for index, entry in enumerate(data.get("scope_labels") or []):
        if not isinstance(entry, dict) or not isinstance(entry.get("label"), str):
            raise PolicyInputError(path, f"entry 'scope_labels' #{index + 1}: expected {{pattern: ..., label: ...}}")
        labels.append((compile_pattern(str(entry.get("pattern")), path, f"scope_labels #{index + 1}"), entry["label"]))
    name = data.get("allocation_name")
    if not isinstance(name, str) or "(?P<name>" not in name:
        raise PolicyInputError(path, "entry 'allocation_name': expected a pattern with a (?P<name>...) group")
    return BudgetVocabulary(
        path=path,
        cues=pattern_list(path, "cues", data.get("cues"), "cues", required=True),
        exclude=pattern_list(path, "exclude", data.get("exclude"), "exclude", required=False),
        total_cues=pattern_list(path, "total_cues", data.get("total_cues"), "total_cues", required=True),
        item_cues=pattern_list(path, "item_cues", data.get("item_cues"), "item_cues", required=False),
        allocation_name=compile_pattern(name, path, "allocation_name"),
        scope_labels=tuple(labels),
        higher_level_funds=compile_pattern(str(data.get("higher_level_funds") or "(?!)"), path, "higher_level_funds"),
    )


def _part_around(text: str, start: int, end: int, low: int, high: int) -> str:
    """The comma-delimited part of ``text[low:high]`` that holds ``text[start:end]``."""
    left = max((m.end() for m in PART_END.finditer(text, low, start)), default=low)
    right = next((m.start() for m in PART_END.finditer(text, end, high)), high)
    return text[left:right]


def _scope(sentence: str, vocab: BudgetVocabulary, extra: list[str]) -> str | None:
    labels = list(extra)
    for rx, label in vocab.scope_labels:
        match = rx.search(sentence)
        if match:
            text = match.expand(label) if match.groups() else label
            if text not in labels:
                labels.append(text)
    return ", ".join(labels) or None


def budget_table(clauses: pd.DataFrame, quantities: pd.DataFrame,
                 vocab: BudgetVocabulary | None = None) -> pd.DataFrame:
    """One row per amount of public money a policy document commits, with its role and scope."""
    vocab = vocab or load_budget_vocabulary()
    by_clause = quantities_by_clause(quantities)
    empty = quantities.iloc[0:0]
    rows: list[dict[str, Any]] = []
    for clause in clauses.itertuples(index=False):
        group = by_clause.get(clause.clause_id, empty)
        money = group[group["unit"] == "CNY"] if not group.empty else group
        if money.empty:
            continue
        text = clause.text
        clause_rows: list[dict[str, Any]] = []
        for sentence in sentences(text, body_end(text, clause.responsible_units)):
            for _, q in within(money, sentence).iterrows():
                part = _part_around(text, int(q["start"]), int(q["end"]), sentence.start, sentence.end)
                if search_any(vocab.exclude, part):
                    continue
                if q["kind"] != "budget" and not search_any(vocab.cues, part):
                    continue
                clause_rows.append(_row(clause, sentence, q, part, vocab))
        _inherit_total_scope(clause_rows)
        rows.extend(clause_rows)
    frame = pd.DataFrame(rows, columns=BUDGET_COLUMNS + ["_seq", "_start", "_total_scope"])
    return _ordered(frame)


def _row(clause: Any, sentence: Any, q: pd.Series, part: str, vocab: BudgetVocabulary) -> dict[str, Any]:
    name_match = vocab.allocation_name.search(part)
    policy_name = name_match.group("name").strip() if name_match else None
    if search_any(vocab.total_cues, part):
        role, domain = "total", None
    elif search_any(vocab.item_cues, part):
        role, domain = "item", clause.domain
    else:
        role = "allocation"
        domain = (heading_domain(policy_name) if policy_name else None) or clause.domain
    extra = [policy_name] if policy_name else []
    return {
        "district": clause.district, "year": clause.year, "domain": domain, "value": q["value"],
        "unit": "CNY", "bound": q["bound"], "scope": _scope(sentence.text, vocab, extra),
        "clause_id": clause.clause_id, "span": sentence.text, "doc_id": clause.doc_id, "role": role,
        "policy_name": policy_name,
        "includes_higher_level_funds": bool(vocab.higher_level_funds.search(sentence.text)),
        "quantity_span": q["span"], "span_start": sentence.start, "span_end": sentence.end,
        "parts_sum": None, "parts_match": None, "_seq": clause.seq, "_start": int(q["start"]),
        "_total_scope": None,
    }


def _inherit_total_scope(rows: list[dict[str, Any]]) -> None:
    """Allocations listed after a total in the same clause share what the total says it covers.

    Linping writes 区财政安排区级预算共计56亿元 once, then eight 某某政策安排x亿元: each of the
    eight is district budget too, though its own sentence does not say so.
    """
    totals = [r for r in rows if r["role"] == "total"]
    if not totals:
        return
    shared = totals[0]["scope"]
    for row in rows:
        if row["role"] == "allocation" and shared:
            row["scope"] = ", ".join(x for x in (row["scope"], shared) if x)


def _ordered(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame(columns=BUDGET_COLUMNS).astype(BUDGET_DTYPES)
    frame = frame.assign(_role=frame["role"].map(ROLE_ORDER),
                         _domain=frame["domain"].map(DOMAIN_ORDER).fillna(-1))
    frame = frame.sort_values(["district", "_role", "_domain", "_seq", "_start"], kind="stable")
    return frame[BUDGET_COLUMNS].astype(BUDGET_DTYPES).reset_index(drop=True)


@dataclass(frozen=True)
class BudgetCheck:
    doc_id: str
    total: float | None
    parts: float | None
    n_parts: int

    @property
    def matches(self) -> bool | None:
        if self.total is None or not self.n_parts:
            return None
        return math.isclose(self.total, self.parts or 0.0, rel_tol=0, abs_tol=TOLERANCE_CNY)

    def message(self) -> str:
        yi = lambda v: f"{v / 1e8:.2f}亿元"  # noqa: E731 - how the documents write these sums
        if self.total is None:
            return (f"budgets: {self.doc_id}: no document-wide total stated; "
                    f"{self.n_parts} domain allocations sum to {yi(self.parts or 0.0)}")
        if not self.n_parts:
            return f"budgets: {self.doc_id}: total {yi(self.total)} stated without a per-domain breakdown"
        verdict = "add up to" if self.matches else "do NOT add up to"
        return (f"budgets: {self.doc_id}: {self.n_parts} domain allocations sum to {yi(self.parts or 0.0)}, "
                f"which {verdict} the stated total {yi(self.total)}")


def budget_checks(budgets: pd.DataFrame) -> tuple[pd.DataFrame, list[BudgetCheck]]:
    """Fill ``parts_sum`` and ``parts_match`` on each total, and report every document's check."""
    budgets = budgets.copy()
    checks: list[BudgetCheck] = []
    for doc_id, group in budgets.groupby("doc_id", sort=True):
        totals = group[group["role"] == "total"]
        parts = group[group["role"] == "allocation"]
        total = float(totals["value"].iloc[0]) if not totals.empty else None
        parts_sum = float(parts["value"].sum()) if not parts.empty else None
        check = BudgetCheck(str(doc_id), total, parts_sum, len(parts))
        checks.append(check)
        if not totals.empty:
            budgets.loc[totals.index, "parts_sum"] = parts_sum
            budgets.loc[totals.index, "parts_match"] = check.matches
    return budgets.astype(BUDGET_DTYPES), checks
