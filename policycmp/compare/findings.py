"""What the comparison tables read from a run of clauses, in one pass over each clause.

The four readings of a clause (instruments, budgets, targets, policy tools) share its sentences,
cut once. A run of clauses is also the unit of work the build may hand to a worker process: what is
found depends only on the clauses, their quantities and the vocabularies, so runs read anywhere and
joined in clause order give the same tables as one pass over the whole corpus.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..schema import ClauseRow, ClauseToolRow, QuantityRow
from ..vocabulary import BudgetVocabulary, IndicatorVocabulary, InstrumentVocabulary, ToolVocabulary
from .budgets import FoundBudget, clause_budgets
from .instruments import FoundComparison, Recogniser, clause_comparisons
from .policy_tools import clause_tool_rows, cue_filters
from .statements import body_end, sentences
from .targets import FoundTarget, clause_targets


@dataclass(frozen=True)
class Readers:
    """The vocabularies of the four readings, made ready for many clauses."""

    recogniser: Recogniser
    budgets: BudgetVocabulary
    indicators: IndicatorVocabulary
    tools: ToolVocabulary
    tool_filters: tuple[re.Pattern[str] | None, ...]

    @classmethod
    def of(
        cls,
        instruments: InstrumentVocabulary,
        budgets: BudgetVocabulary,
        indicators: IndicatorVocabulary,
        tools: ToolVocabulary,
    ) -> Readers:
        return cls(Recogniser.of(instruments), budgets, indicators, tools, cue_filters(tools))


@dataclass
class Findings:
    """Rows found in a run of clauses, in clause order; ``tools[i]`` are the rows of the run's i-th clause."""

    comparisons: list[FoundComparison] = field(default_factory=list)
    budgets: list[FoundBudget] = field(default_factory=list)
    targets: list[FoundTarget] = field(default_factory=list)
    tools: list[list[ClauseToolRow]] = field(default_factory=list)

    def extend(self, later: Findings) -> None:
        """Append the findings of the run that follows this one."""
        self.comparisons.extend(later.comparisons)
        self.budgets.extend(later.budgets)
        self.targets.extend(later.targets)
        self.tools.extend(later.tools)


def clause_findings(
    clauses: Sequence[ClauseRow], quantities: Mapping[str, list[QuantityRow]], readers: Readers
) -> Findings:
    """Every reading of every clause of the run (``quantities``: each clause's, sorted by start then end)."""
    out = Findings()
    for clause in clauses:
        text = clause.text
        mentions = quantities.get(clause.clause_id, [])
        body = body_end(text, clause.responsible_units)
        found = sentences(text, body)
        out.comparisons.extend(clause_comparisons(clause, mentions, readers.recogniser, found))
        out.budgets.extend(clause_budgets(clause, mentions, readers.budgets, found))
        out.targets.extend(clause_targets(clause, mentions, readers.indicators, found))
        # the tools read the sentences of the whole text, the same ones when nothing trails the body
        whole = found if body == len(text) else None
        out.tools.append(clause_tool_rows(clause, readers.tools, readers.tool_filters, whole))
    return out
