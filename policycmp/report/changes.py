"""One clause of a district's policy beside its counterpart in the next edition, for Jupyter: what the older
lost struck through, what the newer gained underlined, every text escaped (the data is
:func:`policycmp.analysis.changes.pair_of`)."""

from __future__ import annotations

import dataclasses
import html
from dataclasses import dataclass

from ..analysis.changes import Pair, Tables, marked, pair_of


@dataclass(frozen=True)
class SideBySide(Pair):
    """A pair of clauses of two editions as Jupyter shows it: HTML with every character escaped, or text."""

    def __str__(self) -> str:
        before, after = marked(self.segments)
        lines = [
            f"{self.from_clause or '—'} → {self.to_clause or '—'}: {self.change}",
            f"before: {before if self.from_clause else '—'}",
            f"after:  {after if self.to_clause else '—'}",
        ]
        return "\n".join(lines + ([f"amounts: {self.amounts}"] if self.amounts else []))

    def _repr_html_(self) -> str:
        """Two cells side by side; what the older lost struck through, what the newer gained underlined."""
        esc = html.escape
        before = "".join(esc(s.before) if s.op == "equal" else _tag("del", s.before) for s in self.segments)
        after = "".join(esc(s.after) if s.op == "equal" else _tag("ins", s.after) for s in self.segments)
        score = "" if self.similarity is None else f", similarity {self.similarity:.2f}"
        amounts = f"<p>amounts: {esc(self.amounts)}</p>" if self.amounts else ""
        return (
            f"<p><b>{esc(self.change)}</b>{esc(score)}</p>{amounts}"
            "<table><tr>"
            f"<th>{esc(self.from_clause or '—')}</th><th>{esc(self.to_clause or '—')}</th></tr><tr>"
            f'<td style="vertical-align:top;text-align:left">{before}</td>'
            f'<td style="vertical-align:top;text-align:left">{after}</td>'
            "</tr></table>"
        )


def _tag(name: str, text: str) -> str:
    return f"<{name}>{html.escape(text)}</{name}>" if text else ""


def side_by_side(clause_id: str, tables: Tables) -> SideBySide:
    """``clause_id`` beside its counterpart (see :func:`~policycmp.analysis.changes.pair_of`), ready to show."""
    pair = pair_of(clause_id, tables)
    return SideBySide(**{f.name: getattr(pair, f.name) for f in dataclasses.fields(pair)})
