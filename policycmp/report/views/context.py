"""The report context a notebook starts with: validated parameters, title and one-line summary."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..markup.format import esc

Validator = Callable[[Any], Any]


@dataclass(frozen=True)
class ReportSpec:
    """A report: its notebook (``notebooks/NN_<name>.ipynb``), title, parameters and summary.

    ``render_for`` names what one page is rendered for (``"domain"``, ``"district"``); ``None`` is
    one page. ``parameters`` maps each papermill parameter to its validator; ``check`` validates
    them together when one depends on another.
    """

    name: str
    title: str
    parameters: dict[str, Validator]
    summary: Callable[[dict[str, Any]], tuple[str, str]]
    render_for: str | None = None
    check: Callable[[dict[str, Any]], dict[str, Any]] | None = None


@dataclass
class Report:
    """What ``views.start`` returns: validated parameters, title and one-line summary.

    Displayed, it is the report's header; its output carries ``{"policycmp": {title, summary}}`` as
    metadata, from which ``policycmp report`` writes the index.
    """

    name: str
    params: dict[str, Any]
    title: str
    summary: str
    default_title: str
    warnings: list[str] = field(default_factory=list)

    def __getitem__(self, key: str) -> Any:
        return self.params[key]

    def _repr_mimebundle_(self, include=None, exclude=None):
        shown = ", ".join(f"{k} = {param_text(v)}" for k, v in self.params.items())
        notes = "".join(f'<div class="pc-notice">{esc(w)}</div>' for w in self.warnings)
        heading = f"<h2>{esc(self.title)}</h2>" if self.title != self.default_title else ""
        markup = (
            f'<header class="pc-header">{heading}'
            + (f'<p class="pc-params">Parameters: {esc(shown)}</p>' if shown else "")
            + f'<p class="pc-summary">{esc(self.summary)}</p>{notes}</header>'
        )
        data = {"text/html": markup, "text/plain": f"{self.title}\n{self.summary}"}
        return data, {
            "policycmp": {
                "report": self.name,
                "title": self.title,
                "summary": self.summary,
                "params": {k: param_text(v) for k, v in self.params.items()},
            }
        }

    def __repr__(self) -> str:
        return f"{self.title}: {self.summary}"


def param_text(value: Any) -> str:
    return ",".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)
